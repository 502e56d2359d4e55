"""`python -m sop_core ...`: see `sop_core.cli.main`."""

import os
import sys

from sop_core.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader stopped early (`... | head`): what it read stands; say nothing more. Python's own
    # advice: point stdout at devnull so that the flush at exit does not fail a second time.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
sys.exit(code)
