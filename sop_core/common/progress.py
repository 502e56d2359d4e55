"""The callback long work reports to: `progress(fraction, text)`, the text in the reader's language.

A page passes a progress bar's update, the CLI a line on stderr; a caller that wants nothing passes
None and the work reports to `silent`.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "silent"]

Progress = Callable[[float, str], None]


def silent(_fraction: float, _text: str) -> None:
    """The progress of work nobody watches."""
