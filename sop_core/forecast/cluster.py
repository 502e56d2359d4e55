"""Forecast runs on a Dask distributed cluster (`python -m sop_core forecast --cluster tcp://HOST:PORT`).

The user starts the scheduler and its workers (`dask scheduler`, `dask worker tcp://HOST:PORT`), each
with the project importable and the same pinned packages: the scheduler unpickles the tasks and the
workers run `runs._forecast_chunk`, so both import `sop_core`. This module connects, checks that, sends
the SKUs in batches and gives the results back as batches finish; the run stores them only once every
batch is back, so a failure stores nothing. `dask` and `distributed` are imported here, when a
cluster is used, never by the dashboard's start-up.

Batches: `batch_size` sends at most `MAX_TASKS` tasks per run and about `TASKS_PER_THREAD` per worker
thread, so that the scheduler's cost per task (a few milliseconds, bench/RESULTS.md "Scale") stays
small beside the work, while a slow or lost batch is a small part of the run.

Failures: a worker that dies takes its batches with it; the scheduler gives them to the other workers
(up to `distributed.scheduler.allowed-failures`, 3 deaths per batch, then `KilledWorker`), and a batch
that raises is tried again `RETRIES` times. Whatever cannot be recovered is a `ClusterError` naming
the scheduler and the fix; the client is closed in every case.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, TypeVar

from sop_core.common import Message, SaidError

__all__ = ["ClusterError", "batch_size"]

CONNECT_TIMEOUT = 5.0  # seconds to reach the scheduler: a wrong address fails fast
WORKERS_TIMEOUT = 30.0  # seconds to wait for a first worker, at the start and whenever none is left
POLL = 2.0  # seconds between checks that workers are still there while batches run
RETRIES = 2  # a batch that raises (not one lost with its worker: the scheduler moves those) is tried again
MAX_TASKS = 400
# The last batches decide when a run ends: with 4 tasks per thread, 20,000 SKUs on 2 workers ended
# 13-19 % after the local pool (one worker idle while the other finished a 2-minute batch); 16 keep
# that tail to a sixteenth of a thread's work, for 16 x 3 ms of scheduling per thread.
TASKS_PER_THREAD = 16
# The same inputs give the same numbers only with the same numerical code: these must match the client's.
PACKAGES = ("numpy", "pandas", "scipy", "statsforecast", "numba", "prophet")

T = TypeVar("T")


class ClusterError(SaidError, RuntimeError):
    """The cluster could not run the forecast; nothing was stored."""


def batch_size(series: int, threads: int) -> int:
    """SKUs per task: about `TASKS_PER_THREAD` tasks per worker thread, at most `MAX_TASKS` in all."""
    tasks = max(1, min(MAX_TASKS, TASKS_PER_THREAD * threads))
    return max(1, math.ceil(series / tasks))


def package_versions() -> dict[str, str | None]:
    """This process's versions of `PACKAGES`; run on the scheduler and every worker to compare."""
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


class Cluster:
    """A client connected to the scheduler at `address`, checked, closed on leaving the `with`."""

    def __init__(self, address: str) -> None:
        from distributed import Client  # here only: see the module's docstring

        self.address = address
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:  # refused, timed out, unknown host or scheme, not a scheduler...
            raise ClusterError(Message("forecast.cluster.unreachable", {
                "address": address, "seconds": int(CONNECT_TIMEOUT), "error": _said(exc)})) from None
        try:
            self._wait_for_workers()
            self._check()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.client.close(timeout=CONNECT_TIMEOUT)

    @property
    def threads(self) -> int:
        return sum(self.client.nthreads().values())

    @property
    def workers(self) -> int:
        return len(self.client.nthreads())

    def _wait_for_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise ClusterError(Message("forecast.cluster.no_workers", {
                "address": self.address, "seconds": int(WORKERS_TIMEOUT)})) from None

    def _check(self) -> None:
        """The scheduler and every worker import the project, with the client's numerical packages."""
        mine = package_versions()
        try:
            theirs = {"scheduler": self.client.run_on_scheduler(package_versions),
                      **self.client.run(package_versions)}
        except Exception as exc:  # the function is pickled by reference: unpickling imports sop_core
            raise ClusterError(Message("forecast.cluster.not_importable",
                                       {"address": self.address, "error": _said(exc)})) from None
        differ = sorted({f"{name} {found.get(name)} ({where}) ≠ {mine[name]}"
                         for where, found in theirs.items() for name in PACKAGES if found.get(name) != mine[name]})
        if differ:
            raise ClusterError(Message("forecast.cluster.versions",
                                       {"address": self.address, "packages": "; ".join(differ[:5])}))

    def as_completed(self, function: Callable[..., T], batches: Sequence[Any], *args: Any) -> Iterator[T]:
        """`function(batch, *args)` for every batch, on the workers, yielded as each finishes."""
        from distributed import as_completed

        futures = [self.client.submit(function, batch, *args, retries=RETRIES, pure=False) for batch in batches]
        pending = set(futures)
        finished = as_completed(futures, loop=self.client.loop)
        try:
            alone_since: float | None = None
            checked = time.monotonic()
            while pending:
                ready = finished.next_batch(block=False)
                for future in ready:
                    pending.discard(future)
                    yield self._result(future)
                if ready:
                    continue
                time.sleep(0.05)
                if time.monotonic() - checked > POLL:
                    alone_since, checked = self._still_served(alone_since), time.monotonic()
        finally:
            if pending:  # stopped early (error, Ctrl-C): leave nothing running on the cluster
                self.client.cancel(list(pending))

    def _still_served(self, alone_since: float | None) -> float | None:
        """None while workers are connected; else since when none is, failing after `WORKERS_TIMEOUT`."""
        if self.client.status == "connecting":  # the scheduler went away: the client retries a while
            return alone_since
        if self.client.status != "running":
            raise ClusterError(Message("forecast.cluster.lost", {"address": self.address}))
        if self.client.nthreads():
            return None
        now = time.monotonic()
        if alone_since is not None and now - alone_since > WORKERS_TIMEOUT:
            raise ClusterError(Message("forecast.cluster.no_workers_left",
                                       {"address": self.address, "seconds": int(WORKERS_TIMEOUT)}))
        return alone_since or now

    def _result(self, future: Any) -> Any:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise ClusterError(Message("forecast.cluster.workers_died", {
                "address": self.address, "count": exc.allowed_failures + 1})) from None
        except Exception as exc:
            if future.status == "error":  # the batch itself raised, RETRIES + 1 times: as a local run would
                raise
            raise ClusterError(Message("forecast.cluster.lost", {"address": self.address})) from exc


def _said(exc: BaseException) -> str:
    """An exception in one line: its type, and its text when it has one."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
