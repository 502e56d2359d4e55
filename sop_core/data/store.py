"""The DuckDB store: a connection opened while there is work and closed soon after, a cursor per
caller, migrations, all-or-nothing writes of validated imports, and the audit trail.

DuckDB lets only one process open a file at a time. So that the dashboard and a cron import share
one file, no process keeps it between two pieces of work: the connection closes `IDLE_SECONDS` after
its last use, and at once when another process is waiting for the file. A process that finds the
file taken waits its turn (a marker file next to the database says it is waiting, oldest first) for
at most `wait` seconds (`$SOP_DB_WAIT`, default 60), then gets `StoreBusyError` with the holder's PID.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sop_core.common import Message, SaidError, next_period
from sop_core.data.attempts import settle_abandoned
from sop_core.data.contract import KINDS
from sop_core.data.db import first_row
from sop_core.data.migrations import MIGRATIONS, migrate
from sop_core.data.sharing import RETRY_SECONDS, connect_in_turn, others_waiting, wait_seconds

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "sop.duckdb"
DB_PATH_ENV = "SOP_DB_PATH"
# A page run or a command makes many calls in a row: the file stays open between them, not longer.
IDLE_SECONDS = 0.3


class StoreError(SaidError, RuntimeError):
    """A database problem, said in words a user can act on (in either language)."""


class StoreBusyError(StoreError):
    """Another process holds the database file open for writing."""


# Each line is one number: a max id where rows are only added, a hash of the rows where they are
# edited in place (settings, scenarios, decisions, cycle figures). These tables stay small.
STATE_VERSION_SQL = """
SELECT (SELECT coalesce(max(batch_id), 0) FROM import_batches WHERE status IN ('ok', 'reset')),
       (SELECT coalesce(max(run_id), 0) FROM forecast_runs),
       (SELECT count(*) + coalesce(max(adjustment_id), 0) FROM forecast_adjustments),
       (SELECT count(*) FROM forecast_snapshots) + (SELECT count(*) FROM forced_models),
       (SELECT coalesce(hash(list((key, value) ORDER BY key)), 0) FROM settings WHERE key NOT LIKE 'ui.%'),
       (SELECT coalesce(hash(list((scenario_id, name, scenario_json, decision_cycle) ORDER BY scenario_id)), 0)
          FROM scenarios),
       (SELECT coalesce(hash(list((decision_id, status, closed_at, outcome, what, owner, due, link)
                                  ORDER BY decision_id)), 0) FROM decisions),
       (SELECT coalesce(hash(list((cycle, code, value, status) ORDER BY cycle, code)), 0) FROM cycle_kpis),
       (SELECT coalesce(hash(list((cycle, as_of, status) ORDER BY cycle)), 0) FROM cycles),
       (SELECT coalesce(hash(list((cycle, step, done_at) ORDER BY cycle, step)), 0) FROM cycle_steps),
       (SELECT coalesce(hash(list((entry_id, units_after, undone_at) ORDER BY entry_id)), 0) FROM consensus_entries)
"""


# The latest opened cycle's as-of and the demo's fixed date.
AS_OF_SQL = """
SELECT (SELECT as_of FROM cycles ORDER BY cycle DESC LIMIT 1),
       (SELECT value FROM settings WHERE key = 'as_of')
"""


def default_db_path() -> Path:
    """`$SOP_DB_PATH` when set, else `data/sop.duckdb` in the project."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


def _busy_message(path: Path, exc: BaseException) -> Message:
    holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(exc))
    if holder:
        return Message("store.busy.process", {"path": str(path), "pid": holder.group(2), "program": holder.group(1)})
    return Message("store.busy", {"path": str(path)})


# Every store of the process, closed before the interpreter finalises (`_close_all_at_exit`).
_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


def _close_all_at_exit() -> None:
    """An idle store closes its file from a timer thread. Were that thread inside DuckDB's close when
    the interpreter finalises, it would be stopped there, in C++ that swallows the unwinding, and the
    process would abort ("FATAL: exception not rethrown") after its work was done: close them first."""
    for store in list(_STORES):
        store.close()


atexit.register(_close_all_at_exit)


class Store:
    """One DuckDB file. Thread-safe: each call takes its own cursor on the process's connection,
    opened on first use and closed when idle (see the module's text); writes are serialised."""

    def __init__(self, path: Path | str, wait: float | None = None) -> None:
        self.path = Path(path)
        self.wait = wait_seconds() if wait is None else wait
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._cond = threading.Condition()
        self._timer: threading.Timer | None = None
        self._waiting = threading.local()  # per thread: who to tell when this call has to wait
        self._held = threading.local()  # per thread: how many leases it holds (a read inside a write)
        self._acting = threading.local()  # per thread: the user whose work this is (see `act_as`)
        self.write_lock = threading.RLock()
        self.writes = 0  # transactions committed by this process: a cached version is stale after one
        _STORES.add(self)

    def act_as(self, user: object | None) -> None:
        """The signed-in user whose work this thread does (a dashboard page run); the core's writes
        check their role (`users.allow`). None (the command line, an installation without
        accounts) is the administrator of the machine."""
        self._acting.user = user

    def acting(self) -> object | None:
        return getattr(self._acting, "user", None)

    # -- sharing the file with other processes ------------------------------------------------

    def on_wait(self, tell: Callable[[], None] | None) -> None:
        """Call `tell()` (in this thread) when a call of this thread finds the file taken and waits."""
        self._waiting.tell = tell

    def _try_connect(self) -> duckdb.DuckDBPyConnection | duckdb.IOException:
        """The open (and migrated) file, or the lock error when another process holds it; the
        imports whose process was killed meanwhile are shown as interrupted from then on."""
        try:
            con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                return exc
            raise StoreError(Message("store.cannot_open", {"path": str(self.path), "error": str(exc)})) from exc
        except duckdb.Error as exc:
            raise StoreError(Message("store.unusable", {"path": str(self.path), "error": str(exc)})) from exc
        try:
            _check_ours(con, self.path)
            migrate(con)
            settle_abandoned(con)
        except StoreError:
            con.close()
            raise
        except duckdb.Error as exc:
            con.close()
            raise StoreError(Message("store.unusable", {"path": str(self.path), "error": str(exc)})) from exc
        return con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting (at most `self.wait` s) while another process has it or waited first."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(Message("store.no_folder", {"path": str(self.path), "error": exc.strerror or str(exc)})) \
                from exc
        opened = connect_in_turn(self.path, self.wait, self._try_connect, getattr(self._waiting, "tell", None))
        if isinstance(opened, duckdb.DuckDBPyConnection):
            return opened
        raise StoreBusyError(_busy_message(self.path, opened or RuntimeError()))

    @contextmanager
    def _lease(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection for one piece of work; a process waiting for the file gets it as soon
        as the work in progress here ends (new work then waits its turn behind it)."""
        nested = getattr(self._held, "depth", 0) > 0  # this thread already holds the file: never wait on itself
        with self._cond:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._con is not None and not nested and others_waiting(self.path):
                while self._users:
                    self._cond.wait(RETRY_SECONDS)
                self._close_now()
            if self._con is None:
                self._con = self._connect()
            self._users += 1
            con = self._con
        self._held.depth = getattr(self._held, "depth", 0) + 1
        try:
            yield con
        finally:
            self._held.depth -= 1
            with self._cond:
                self._users -= 1
                self._cond.notify_all()
                if not self._users:
                    self._release()

    def _release(self) -> None:
        """Nobody here uses the file: close it now if another process waits, else after a pause."""
        if others_waiting(self.path):
            self._close_now()
            return
        self._timer = threading.Timer(IDLE_SECONDS, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        with self._cond:
            if not self._users:
                self._close_now()

    def _close_now(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def available(self) -> bool:
        """Whether the file can be used at once (open here, or free): a page says it waits otherwise."""
        with self._cond:
            if self._con is not None:
                return True
        try:
            with Store(self.path, wait=0)._lease():
                return True
        except StoreBusyError:
            return False

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for the calling thread (DuckDB connections must not be shared across threads),
        the file held for as long as the block runs."""
        with self._lease() as con:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def close(self) -> None:
        with self._cond:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._close_now()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside BEGIN ... COMMIT; any exception rolls everything back."""
        with self.write_lock, self.cursor() as cur:
            cur.begin()
            try:
                yield cur
                cur.commit()
                self.writes += 1
            except BaseException:
                cur.rollback()
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read query with bound parameters and return a DataFrame."""
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).df()

    def row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        """The first row of a read query, as Python values; () when there is none."""
        with self.cursor() as cur:
            return first_row(cur, sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.row(sql, params)
        return row[0] if row else None

    def schema_version(self) -> int:
        return int(self.scalar("SELECT max(version) FROM schema_version") or 0)

    def data_version(self) -> int:
        """Id of the last batch that changed the data: caches key on it."""
        return int(self.scalar(
            "SELECT coalesce(max(batch_id), 0) FROM import_batches WHERE status IN ('ok', 'reset')"
        ))

    def state_version(self) -> tuple[int, ...]:
        """What cached results may read, as numbers that change with it: the data, the forecast
        runs, the consensus adjustments, its log and forced models, the frozen cycles, the users' settings
        (but the interface's own, `ui.*`), the saved scenarios, the decisions and the recorded cycle
        figures. Caches key on this tuple, so any change to one of them invalidates them."""
        return tuple(int(value) for value in self.row(STATE_VERSION_SQL))

    def table(self, kind: str) -> pd.DataFrame:
        """The stored rows of one kind (without the audit column)."""
        return self.query(f"SELECT * EXCLUDE (batch_id) FROM {KINDS[kind].table}")

    def row_counts(self) -> dict[str, int]:
        return {
            name: int(self.scalar(f"SELECT count(*) FROM {kind.table}"))
            for name, kind in KINDS.items()
        }

    def known_keys(self) -> dict[str, list[str]]:
        """Stored SKUs, families and workshops, the targets of references checked on import."""
        return {
            "products": [str(v) for (v,) in self._fetch("SELECT sku FROM products")],
            "products.family": [str(v) for (v,) in self._fetch("SELECT DISTINCT family FROM products "
                                                                "WHERE family IS NOT NULL")],
            "workshops": [str(v) for (v,) in self._fetch("SELECT workshop FROM workshops")],
        }

    def _fetch(self, sql: str) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            return cur.execute(sql).fetchall()

    def get_setting(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM settings WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_setting(self, key: str, value: str | None, cur: duckdb.DuckDBPyConnection | None = None) -> None:
        sql = "INSERT OR REPLACE INTO settings VALUES (?, ?)"
        if cur is not None:
            cur.execute(sql, [key, value])
            return
        with self.transaction() as own:
            own.execute(sql, [key, value])

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The day the figures are as of (`as_of_source` says why this one)."""
        return self.as_of_source(today)[0]

    def as_of_source(self, today: dt.date | None = None) -> tuple[dt.date, str]:
        """(as-of day, source): the as-of of the latest cycle opened ("cycle"); else the demo's
        fixed date ("demo"); else the day after the latest demand (sales, else orders) when that is
        before `today` ("data"): an ERP export a month behind is not a month of zero demand; else
        `today` ("today")."""
        today = today or dt.date.today()
        cycle, demo = self.row(AS_OF_SQL)
        latest = self.latest_demand_day()
        if cycle is not None:
            return cycle, "cycle"
        if demo:
            return dt.date.fromisoformat(demo), "demo"
        if latest is not None and latest + dt.timedelta(days=1) < today:
            return latest + dt.timedelta(days=1), "data"
        return today, "today"

    def latest_demand_day(self) -> dt.date | None:
        """The last day the demand data covers: of sales, else of orders (as the forecasts read it).
        A file of monthly totals (every date a month's first day, as many ERPs date them) covers
        the whole of its last month: its November is history, not the first day of a month."""
        sales = self.scalar("SELECT EXISTS (SELECT 1 FROM sales)")
        table, column = ("sales", "date") if sales else ("orders", "order_date")  # names of ours, never input
        latest, monthly = self.row(f"SELECT max({column}), bool_and(day({column}) = 1) "
                                   f"AND count(DISTINCT {column}) > 1 FROM {table}")
        if not isinstance(latest, dt.date):
            return None
        return next_period(latest, "month", 1) - dt.timedelta(days=1) if monthly else latest

    def imports(self, limit: int = 50) -> pd.DataFrame:
        """The audit trail, newest first."""
        return self.query(
            "SELECT batch_id, started_at, kind, file_name, status, rows_read, rows_written, "
            "rows_rejected, message, imported_by, checksum FROM import_batches "
            "ORDER BY batch_id DESC LIMIT ?",
            [limit],
        )


def _check_ours(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse, touching nothing, a DuckDB file that another program made (tables, but not our
    `schema_version`, which the first opening writes) or that a newer version of the product
    migrated past what this one knows."""
    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1").fetchall()]
    if tables and "schema_version" not in tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(Message("store.not_ours", {"path": str(path), "count": len(tables), "tables": shown}))
    if tables:
        newest = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0
        if newest > MIGRATIONS[-1][0]:
            raise StoreError(Message("store.newer", {"path": str(path), "version": newest,
                                                     "known": MIGRATIONS[-1][0]}))
