"""Import attempts under way, and those a process killed outright left behind.

An import notes each file it is about to import in `import_attempts` (with its process id and host
name), in a short transaction of its own before it checks the files, and deletes those rows in the
transaction that writes the attempt's final row in `import_batches` (ok, refused, failed or
interrupted). So a row of `import_attempts` whose process is gone is an attempt that never reached
its end: killed outright (`kill -9`, the out-of-memory killer) or its machine stopped, with nothing
written since the write is one transaction. Each time the store opens the file it moves such rows
into the history as `interrupted` (`settle_abandoned`).

The attempts have their own table, not a `started` status in `import_batches`: the batch numbers
users see stay consecutive (a final ok row must take a new number when it is written, for the data
version to grow), the data version cannot see an attempt, and what the store reads at every opening
is a table that is empty but while an import runs.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from sop_core.common import Message
from sop_core.data.db import first_row
from sop_core.data.sharing import process_alive

__all__ = ["HOST", "begin_attempt", "end_attempts", "importing", "settle_abandoned"]

# A process id means something only on its machine: rows of another host sharing the file are left
# to that host's processes.
HOST = socket.gethostname()


class _Imports:
    """How many imports run in this process now (a dashboard's sessions may import at once)."""

    def __init__(self) -> None:
        self.running = 0
        self.lock = threading.Lock()


_IMPORTS = _Imports()


@contextmanager
def importing() -> Iterator[None]:
    """Around an import: while one runs here, this process's own attempts are not abandoned."""
    with _IMPORTS.lock:
        _IMPORTS.running += 1
    try:
        yield
    finally:
        with _IMPORTS.lock:
            _IMPORTS.running -= 1


def begin_attempt(cur: duckdb.DuckDBPyConnection, kind: str, file_name: str, checksum: str,
                  started: dt.datetime, who: str) -> int:
    """Note one file this process is about to import; its id, for `end_attempts`."""
    attempt_id = int(first_row(cur, "SELECT nextval('import_attempt_seq')")[0])
    cur.execute(
        "INSERT INTO import_attempts (attempt_id, kind, file_name, checksum, started_at, imported_by, pid, host) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [attempt_id, kind, file_name, checksum, started, who, os.getpid(), HOST],
    )
    return attempt_id


def end_attempts(cur: duckdb.DuckDBPyConnection, attempt_ids: Sequence[int]) -> None:
    """Forget the attempts, in the transaction that records how they ended."""
    cur.executemany("DELETE FROM import_attempts WHERE attempt_id = ?", [[i] for i in attempt_ids])


def _abandoned(pid: int) -> bool:
    """Whether the attempt of process `pid` (on this host) can no longer end by itself."""
    if pid == os.getpid():
        # Our own id: an import of this process that could not record its end (the file stayed
        # busy, an unexpected error), or a killed process's id given again to this one (a container
        # numbers its processes from 1 at every start). Neither is under way while no import runs
        # here; while one does, its rows wait for a later opening rather than risk settling it.
        return _IMPORTS.running == 0
    return not process_alive(pid)


SETTLE_SQL = """
INSERT INTO import_batches (batch_id, kind, file_name, checksum, rows_read, rows_written, rows_rejected,
                            status, message, started_at, finished_at, imported_by)
SELECT nextval('import_batch_seq'), kind, file_name, checksum, 0, 0, 0, 'interrupted', ?, started_at,
       NULL, imported_by  -- finished_at: when it stopped is not known
FROM import_attempts WHERE attempt_id = ?
"""


def settle_abandoned(con: duckdb.DuckDBPyConnection) -> None:
    """Move the attempts of processes gone from this host into the history as `interrupted`.

    The store calls it on each opening, whoever is signed in: it records what happened to someone's
    import, it is no user's write (so `users.allow` does not apply)."""
    attempts = con.execute("SELECT attempt_id, pid FROM import_attempts WHERE host = ?", [HOST]).fetchall()
    abandoned = [attempt_id for attempt_id, pid in attempts if _abandoned(pid)]
    if not abandoned:
        return
    message = Message("imports.history.killed").to_json()
    con.begin()
    try:
        for attempt_id in abandoned:
            con.execute(SETTLE_SQL, [message, attempt_id])
        end_attempts(con, abandoned)
        con.commit()
    except duckdb.TransactionException:  # another connection of this process settled them meanwhile
        con.rollback()
    except BaseException:
        con.rollback()
        raise
