"""`python -m sop_core ...`: see `sop_core.cli.main`."""

import sys

from sop_core.cli import main

sys.exit(main())
