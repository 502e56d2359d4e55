"""Taking turns on one DuckDB file between processes (the dashboard, a cron import, a script).

DuckDB lets one process open a file at a time. A process that finds it taken leaves a marker file
next to the database (`<db>.wait.<pid>`) and tries again every `RETRY_SECONDS`, for at most the
wait it was given (`$SOP_DB_WAIT` seconds, default 60). The holder, seeing a marker, hands the file
over as soon as its work in progress ends; a process that has not waited yet lets the oldest waiter
go first. Markers of processes that died are removed by whoever finds them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["DB_WAIT_ENV", "DEFAULT_WAIT_SECONDS", "RETRY_SECONDS", "connect_in_turn", "others_waiting",
           "process_alive", "wait_seconds"]

DB_WAIT_ENV = "SOP_DB_WAIT"
DEFAULT_WAIT_SECONDS = 60.0
RETRY_SECONDS = 0.05
Opened = TypeVar("Opened")


def wait_seconds() -> float:
    """`$SOP_DB_WAIT` when it is a number of seconds, else `DEFAULT_WAIT_SECONDS`."""
    try:
        return max(0.0, float(os.environ.get(DB_WAIT_ENV) or DEFAULT_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this machine runs (another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _marker(path: Path) -> Path:
    return path.with_name(f"{path.name}.wait.{os.getpid()}")


def others_waiting(path: Path) -> list[float]:
    """Since when each other live process waits for `path` (stale markers removed)."""
    found = []
    for marker in path.parent.glob(f"{path.name}.wait.*"):
        pid = marker.name.rsplit(".", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        if not process_alive(int(pid)):
            marker.unlink(missing_ok=True)
            continue
        try:
            found.append(marker.stat().st_mtime)
        except FileNotFoundError:
            continue
    return found


def _my_turn(path: Path, since: float | None) -> bool:
    """Whether to try the file now: no other process waits, or none has waited longer."""
    others = others_waiting(path)
    return not others or (since is not None and since <= min(others))


def connect_in_turn(path: Path, wait: float, try_open: Callable[[], Opened | BaseException],
                    tell: Callable[[], None] | None = None) -> Opened | BaseException | None:
    """`try_open()` (the open file, or the lock error) in this process's turn, for at most `wait`
    seconds; `tell()` once when it has to wait. At the deadline, the last lock error (None when it
    never got its turn to try)."""
    deadline, since, told = time.monotonic() + wait, None, False
    marker, last = _marker(path), None
    try:
        while True:
            if _my_turn(path, since):
                last = try_open()
                if not isinstance(last, BaseException):
                    return last
            if time.monotonic() >= deadline:
                return last
            if since is None:
                marker.touch()
                since = marker.stat().st_mtime
            if not told and tell is not None:
                tell()
                told = True
            time.sleep(RETRY_SECONDS)
    finally:
        if since is not None:
            marker.unlink(missing_ok=True)
