"""The command line: `python -m sop_core COMMAND`."""

from sop_core.cli.main import main

__all__ = [
    "main",
]
