"""The S&OP cycles of an installation: opened with an as-of date, closed once the meeting is done,
and the steps of each (data collected, demand review, supply review, pre-S&OP, executive meeting,
follow-up) recorded with who did them and when; and how fresh each kind of data is.

Opening cycle 2026-12 fixes the day its figures are as of (`Store.as_of` follows it) until the next
cycle is opened. Cycles open in order: a new cycle comes after every cycle opened before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from sop_core.common import Cycle, Message, MessageError
from sop_core.data.store import Store
from sop_core.data.users import allow

__all__ = ["CYCLE_STEPS", "CycleRecord", "archive_of", "archived", "closed_cycles", "cycle_record", "cycle_steps", "data_freshness",
           "issued_pack_files", "keep_archive", "keep_issued_pack", "latest_cycle", "mark_closed", "open_cycle", "record_step"]

CYCLE_STEPS = ("data_collected", "demand_review", "supply_review", "pre_sop", "executive_meeting", "follow_up")
# Each kind that carries a date, and the column that says how far it runs.
DATED_KINDS = (("sales", "sales", "date"), ("orders", "orders", "order_date"), ("stock", "stock", "date"),
               ("production_orders", "production_orders", "planned_start"))


@dataclass(frozen=True)
class CycleRecord:
    cycle: Cycle
    as_of: dt.date
    status: str  # open | closed
    opened_at: dt.datetime
    opened_by: str
    closed_at: dt.datetime | None = None
    closed_by: str | None = None


def _record(row: tuple[object, ...]) -> CycleRecord:
    cycle, as_of, status, opened_at, opened_by, closed_at, closed_by = row
    return CycleRecord(Cycle.parse(cycle), as_of, str(status), opened_at, str(opened_by),  # type: ignore[arg-type]
                       closed_at, None if closed_by is None else str(closed_by))  # type: ignore[arg-type]


def cycle_record(store: Store, cycle: Cycle) -> CycleRecord | None:
    row = store.row("SELECT * FROM cycles WHERE cycle = ?", [str(cycle)])
    return _record(row) if row else None


def closed_cycles(store: Store) -> list[Cycle]:
    """The closed cycles, newest first: those a reader can look back at."""
    return [Cycle.parse(text) for (text,) in store.query(
        "SELECT cycle FROM cycles WHERE status = 'closed' ORDER BY cycle DESC").itertuples(index=False)]


def latest_cycle(store: Store) -> CycleRecord | None:
    """The cycle opened last (the current one while it is open), or None before the first."""
    row = store.row("SELECT * FROM cycles ORDER BY cycle DESC LIMIT 1")
    return _record(row) if row else None


def _user(user: str) -> str:
    name = user.strip() if isinstance(user, str) else ""
    if not name:
        raise MessageError(Message("cycle.error.no_user"))
    return name


def open_cycle(store: Store, cycle: Cycle, as_of: dt.date, user: str, now: dt.datetime | None = None) -> None:
    """Open `cycle` as of `as_of` (a day of its month), after every cycle opened so far."""
    allow(store, "planner")
    who = _user(user)
    if not cycle.start <= as_of <= cycle.end:
        raise MessageError(Message("cycle.error.as_of_outside", {"as_of": as_of, "cycle": str(cycle)}))
    with store.transaction() as cur:
        last = cur.execute("SELECT max(cycle) FROM cycles").fetchall()[0][0]
        if last is not None and str(cycle) <= last:
            raise MessageError(Message("cycle.error.not_after", {"cycle": str(cycle), "last": last}))
        cur.execute("INSERT INTO cycles (cycle, as_of, status, opened_at, opened_by) VALUES (?, ?, 'open', ?, ?)",
                    [str(cycle), as_of, _now(now), who])


def mark_closed(store: Store, cycle: Cycle, user: str, archive: Mapping[str, str],
                now: dt.datetime | None = None) -> None:
    """Record `cycle` as closed with `archive` (tiles_json, agenda_json, decisions_json: what the
    cycle showed, `meeting.close_cycle` gathers it), in one transaction."""
    allow(store, "planner")
    who = _user(user)
    with store.transaction() as cur:
        found = cur.execute("SELECT status FROM cycles WHERE cycle = ?", [str(cycle)]).fetchall()
        if not found:
            raise MessageError(Message("cycle.error.not_opened", {"cycle": str(cycle)}))
        if found[0][0] == "closed":
            raise MessageError(Message("cycle.error.already_closed", {"cycle": str(cycle)}))
        cur.execute("UPDATE cycles SET status = 'closed', closed_at = ?, closed_by = ? WHERE cycle = ?",
                    [_now(now), who, str(cycle)])
        cur.execute("INSERT OR REPLACE INTO cycle_archive VALUES (?, ?, ?, ?, ?)",
                    [str(cycle), _now(now), *(archive[part] for part in ARCHIVE_PARTS)])


ARCHIVE_PARTS = ("tiles_json", "agenda_json", "decisions_json")


def keep_archive(store: Store, cycle: Cycle, archive: Mapping[str, str], now: dt.datetime | None = None) -> None:
    """Keep what `cycle` shows now (its pack issued: what its meeting saw), before it is closed."""
    allow(store, "planner")
    with store.transaction() as cur:
        cur.execute("INSERT OR REPLACE INTO cycle_archive VALUES (?, ?, ?, ?, ?)",
                    [str(cycle), _now(now), *(archive[part] for part in ARCHIVE_PARTS)])


def archive_of(store: Store, cycle: Cycle) -> dict[str, str] | None:
    """What `cycle` showed when last kept (pack issued, or closed), whatever its status; else None."""
    row = store.row("SELECT tiles_json, agenda_json, decisions_json FROM cycle_archive WHERE cycle = ?",
                    [str(cycle)])
    return dict(zip(ARCHIVE_PARTS, row, strict=True)) if row else None


def archived(store: Store, cycle: Cycle) -> dict[str, str] | None:
    """What a closed cycle showed, as stored by `mark_closed`; None for a cycle not closed."""
    record = cycle_record(store, cycle)
    return archive_of(store, cycle) if record is not None and record.status == "closed" else None


def keep_issued_pack(store: Store, cycle: Cycle, lang: str, fmt: str, content: bytes,
                     now: dt.datetime | None = None) -> None:
    """Keep the pack file of `cycle` as handed out (issued again: the latest one is kept)."""
    allow(store, "planner")
    with store.transaction() as cur:
        cur.execute("INSERT OR REPLACE INTO issued_packs VALUES (?, ?, ?, ?, ?)",
                    [str(cycle), lang, fmt, _now(now), content])


def issued_pack_files(store: Store, cycle: Cycle) -> pd.DataFrame:
    """The pack files kept for `cycle`: lang, format, issued_at and content (bytes), French first."""
    files = store.query("SELECT lang, format, issued_at, content FROM issued_packs WHERE cycle = ? "
                        "ORDER BY lang DESC, format", [str(cycle)])
    return files.assign(content=files["content"].map(bytes))  # DuckDB hands BLOBs back as bytearray


def record_step(store: Store, cycle: Cycle, step: str, user: str, now: dt.datetime | None = None) -> None:
    """Record `step` of `cycle` as done by `user` (done again: the latest time and person count)."""
    allow(store, "planner")
    if step not in CYCLE_STEPS:
        raise ValueError(f"unknown cycle step {step!r}: one of {', '.join(CYCLE_STEPS)}")
    who = _user(user)
    with store.transaction() as cur:
        cur.execute("INSERT OR REPLACE INTO cycle_steps VALUES (?, ?, ?, ?)", [str(cycle), step, _now(now), who])


def cycle_steps(store: Store, cycle: Cycle) -> pd.DataFrame:
    """Every step of `cycle` in order: step, done_at and done_by (NULL while not done)."""
    done = {row[0]: row[1:] for row in store.query(
        "SELECT step, done_at, done_by FROM cycle_steps WHERE cycle = ?", [str(cycle)]).itertuples(index=False)}
    return pd.DataFrame([(step, *done.get(step, (None, None))) for step in CYCLE_STEPS],
                        columns=["step", "done_at", "done_by"], dtype=object)


def data_freshness(store: Store, as_of: dt.date) -> pd.DataFrame:
    """How far each dated kind runs: kind, rows, last (its latest date), months_behind (whole months
    from the month of `last` to the month before `as_of`) and stale (it stops more than one month
    before the as-of: a stock snapshot of 30/09 with data as of 02/11)."""
    sql = " UNION ALL ".join(f"SELECT '{kind}' AS kind, count(*) AS rows, max({column}) AS last FROM {table}"
                             for kind, table, column in DATED_KINDS)  # fixed names of this module
    frame = store.query(sql)
    last = pd.to_datetime(frame["last"])
    behind = (as_of.year - last.dt.year) * 12 + (as_of.month - last.dt.month) - 1
    frame["last"] = [None if pd.isna(day) else day.date() for day in last]
    frame["months_behind"] = behind.where(frame["rows"] > 0).astype("Int64")
    frame["stale"] = (frame["months_behind"] > 0).fillna(False).astype(bool)
    return frame


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)
