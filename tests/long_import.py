"""An import that lasts a few seconds, run as its own process: long enough to be stopped (Ctrl-C,
SIGTERM, `kill -9`) while it is being checked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

LINES = 400_000


def big_orders(path: Path, skus: list[str]) -> Path:
    """A large French orders export of the given SKUs."""
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id;line;customer;sku;quantity;order_date;promised_date\n")
        for i in range(LINES):
            out.write(f"C{i};1;Client {i % 97};{skus[i % len(skus)]};{i % 50 + 1},5;03/11/2026;20/11/2026\n")
    return path


def _ctrl_c_as_in_a_terminal() -> None:
    """The command gets Ctrl-C as a terminal's foreground job does. A test run started in the
    background (`pytest &`, nohup) ignores SIGINT, its children inherit that, and Python then
    leaves SIGINT ignored: the Ctrl-C test would be testing nothing and fail."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_import(db: Path, export: Path) -> subprocess.Popen[str]:
    """`python -m sop_core import orders` in English, returned once its first progress line is out
    (its attempt is recorded, the checks are under way); its stderr is left to read."""
    command = subprocess.Popen(
        [sys.executable, "-m", "sop_core", "import", "orders", str(export), "--db", str(db), "--lang", "en"],
        cwd=PROJECT_ROOT, env={**os.environ, "SOP_DB_WAIT": "30"}, stderr=subprocess.PIPE, text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal)
    assert command.stderr is not None
    first = command.stderr.readline()
    assert "%]" in first, first
    return command
