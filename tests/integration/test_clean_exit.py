"""A process that used the store exits cleanly whenever it ends. An idle store closes its file from
a timer thread 0.3 s after its last use; a process ending just then used to abort inside DuckDB's
close ("FATAL: exception not rethrown", exit 134) after its work was done: 7 exits of 40 across
that window on this box. Stores are now closed before the interpreter finalises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sop_core.data.store import IDLE_SECONDS, Store, _close_all_at_exit
from tests.conftest import PROJECT_ROOT

# The work, then an end just as the idle timer closes the file.
ENDS_AT_THE_IDLE_CLOSE = """
import sys, time
from sop_core.data.store import Store
store = Store(sys.argv[1])
store.query("SELECT * FROM range(100000)")
time.sleep(float(sys.argv[2]))
"""


def test_stores_are_closed_before_the_interpreter_finalises(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    assert store.scalar("SELECT 1") == 1
    _close_all_at_exit()
    assert store._con is None and store._timer is None


def test_a_process_ending_as_its_store_closes_exits_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "exit.duckdb")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    delays = [IDLE_SECONDS - 0.012 + step * 0.0015 for step in range(16)]  # across the idle close
    codes = []
    for pair in (delays[i:i + 2] for i in range(0, len(delays), 2)):  # two at once: one per core
        runs = [(delay, subprocess.Popen([sys.executable, "-c", ENDS_AT_THE_IDLE_CLOSE, f"{db}{i}", f"{delay:.4f}"],
                                         env=env, stderr=subprocess.PIPE, text=True))
                for i, delay in enumerate(pair)]
        codes += [(round(delay, 4), run.wait(timeout=60), (run.communicate()[1] or "").strip()[-80:])
                  for delay, run in runs]
    assert [c for c in codes if c[1] != 0] == []
