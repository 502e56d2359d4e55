"""An import killed outright (`kill -9`, the machine stopping) cannot say so itself: the next opening
of the store shows its attempt as interrupted, and leaves alone the attempts whose process still runs
(the file is shared by turns, an import does not hold it while it checks its files)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sop_core.data import Store, User, importing
from sop_core.data.attempts import HOST
from sop_core.imports import import_history
from tests.conftest import CopyDatabase
from tests.long_import import big_orders, start_import
from tests.rows import insert_rows

KILLED = {"en": "import stopped before its end (process killed or machine stopped): nothing was written",
          "fr": "import arrêté avant sa fin (processus tué ou machine arrêtée) : rien n'a été écrit"}


@pytest.mark.slow
def test_an_import_killed_outright_shows_as_interrupted_at_the_next_opening(demo_copy: CopyDatabase,
                                                                             tmp_path: Path) -> None:
    db = demo_copy("killed")
    with Store(db) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
        before, version, attempts = store.row_counts(), store.data_version(), len(store.imports(1000))
    command = start_import(db, big_orders(tmp_path / "orders.csv", skus))
    try:
        with Store(db) as store:  # opened while the import checks its file: its attempt is left alone
            assert store.row("SELECT pid, host FROM import_attempts") == (command.pid, HOST)
        assert command.poll() is None, "the import ended before it could be killed"
    finally:
        command.kill()
        command.communicate(timeout=60)
    assert command.returncode == -signal.SIGKILL
    with Store(db) as store:
        assert store.row_counts() == before and store.data_version() == version
        assert store.scalar("SELECT count(*) FROM import_attempts") == 0
        for lang, message in KILLED.items():
            history = import_history(store, lang, limit=1000)
            assert len(history) == attempts + 1
            latest = history.iloc[0]
            assert (latest["status"], latest["file_name"], latest["kind"]) == ("interrupted", "orders.csv", "orders")
            assert (latest["rows_written"], latest["message"]) == (0, message)


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """Another live process of this machine, as an import checking its files would be."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


def _attempt(attempt_id: int, pid: int, host: str = HOST) -> dict[str, object]:
    return {"attempt_id": attempt_id, "kind": "sales", "file_name": f"sales-{attempt_id}.csv", "checksum": "",
            "started_at": dt.datetime(2026, 11, 2, 8, 0), "imported_by": "cron", "pid": pid, "host": host}


def _reopened(store: Store) -> set[int]:
    """The attempts still under way once the store opens the file again."""
    store.close()
    return set(store.query("SELECT attempt_id FROM import_attempts")["attempt_id"])


def test_only_the_attempts_of_processes_gone_are_settled(store: Store, sleeper: subprocess.Popen[bytes]) -> None:
    with store.transaction() as cur:
        insert_rows(cur, "import_attempts", [_attempt(1, sleeper.pid), _attempt(2, sleeper.pid, "another-machine"),
                                             _attempt(3, os.getpid())])
    store.act_as(User("vera", "Vera Viewer", "viewer"))  # settling records what happened: no user's write
    with importing():  # an import of this process runs: its own attempts are under way
        assert _reopened(store) == {1, 2, 3}
    assert _reopened(store) == {1, 2}  # our pid, no import here: a killed process's pid given again
    sleeper.kill()
    sleeper.wait()
    assert _reopened(store) == {2}  # a pid on another machine means nothing here: left to that host
    settled = store.query("SELECT file_name, status, rows_written, finished_at FROM import_batches ORDER BY batch_id")
    assert settled["file_name"].tolist() == ["sales-3.csv", "sales-1.csv"]
    assert settled["status"].eq("interrupted").all() and settled["rows_written"].eq(0).all()
    assert settled["finished_at"].isna().all()  # when it stopped is not known
    assert store.data_version() == 0  # nothing was written
