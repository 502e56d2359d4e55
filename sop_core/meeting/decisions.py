"""The S&OP decisions log (relevé de décisions): what the monthly meeting decided, who owns it, by when.

A decision is taken at a cycle (a `Cycle`, stored as YYYY-MM), may point at a saved what-if scenario
or at one of the home page's KPIs, and stays open until a later meeting (or the same one) closes it
as done or dropped, with an outcome. The meeting starts by reviewing what earlier cycles left open
(`previous_cycle_follow_up`); the meeting pack exports `decisions_of_cycle`.

Every refusal is a `DecisionError`, a `MessageError` said in the reader's language
(`decisions.error.<code>`) that says what to fix; `code` and `params` stay on it for scripts and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sop_core.common import Cycle, Message, MessageError, has_key
from sop_core.data import Store, acting_name, allow
from sop_core.meeting.executive import KPI_CODES

LINK_KINDS = ("scenario", "kpi")
CLOSED_STATUSES = ("done", "dropped")
DECISION_COLUMNS = ("decision_id", "cycle", "what", "owner", "due", "link_kind", "link", "status", "outcome",
                    "closed_cycle", "created_at", "closed_at", "recorded_by", "closed_by")


class DecisionError(MessageError):
    """A decision refused: `decisions.error.<code>` filled with `params` (codes named in words)."""

    def __init__(self, code: str, **params: Any) -> None:
        terms = {name: _term(name, value) for name, value in params.items()}
        super().__init__(Message(f"decisions.error.{code}", terms))
        self.code = code
        self.params = params


def _term(name: str, value: Any) -> Any:
    """A field, status or link kind code as its words in the catalogue, when it has some."""
    prefix = {"field": "decisions.field", "status": "decisions.status", "link_kind": "decisions.link_kind"}.get(name)
    return Message(f"{prefix}.{value}") if prefix and has_key(f"{prefix}.{value}") else value


def _text(value: str | None, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise DecisionError("empty_field", field=field)
    return text


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


def _check_link(cur: Any, link_kind: str | None, link: str | None) -> tuple[str | None, str | None]:
    """The link as stored: both empty, or a kind with an existing scenario or a known KPI code."""
    name = (link or "").strip() or None
    if link_kind is None:
        if name is not None:
            raise DecisionError("link_without_kind", link=name)
        return None, None
    if link_kind not in LINK_KINDS:
        raise DecisionError("bad_link_kind", link_kind=link_kind)
    if name is None:
        raise DecisionError("missing_link", link_kind=link_kind)
    if link_kind == "kpi" and name not in KPI_CODES:
        raise DecisionError("unknown_kpi", link=name)
    if link_kind == "scenario" and not cur.execute("SELECT count(*) FROM scenarios WHERE name = ?",
                                                   [name]).fetchall()[0][0]:
        raise DecisionError("unknown_scenario", link=name)
    return link_kind, name


def record_decision(store: Store, cycle: Cycle, what: str, owner: str, due: dt.date | None = None,
                    link_kind: str | None = None, link: str | None = None, now: dt.datetime | None = None) -> int:
    """Record a decision taken at `cycle`; returns its id. Everything is checked before writing, the
    scenario's existence inside the same transaction as the insert."""
    allow(store, "planner")
    first = cycle.start
    what_text, owner_text = _text(what, "what"), _text(owner, "owner")
    if isinstance(due, dt.datetime):
        due = due.date()
    if due is not None and not isinstance(due, dt.date):
        raise DecisionError("bad_due", due=due)
    if due is not None and due < first:
        raise DecisionError("due_before_cycle", due=due, cycle=str(cycle), start=first)
    with store.transaction() as cur:
        kind, name = _check_link(cur, link_kind, link)
        rows = cur.execute(
            "INSERT INTO decisions (decision_id, cycle, what, owner, due, link_kind, link, created_at, status, "
            "recorded_by) VALUES (nextval('decision_seq'), ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING decision_id",
            [str(cycle), what_text, owner_text, due, kind, name, _now(now), acting_name(store)]).fetchall()
    return int(rows[0][0])


def close_decision(store: Store, decision_id: int, cycle: Cycle, outcome: str, status: str = "done",
                   now: dt.datetime | None = None) -> None:
    """Close an open decision at `cycle` (its own cycle or a later one) as done or dropped, saying what
    came of it: a closed decision is history and is never closed again."""
    allow(store, "planner")
    if status not in CLOSED_STATUSES:
        raise DecisionError("bad_status", status=status)
    text = _text(outcome, "outcome")
    with store.transaction() as cur:
        found = cur.execute("SELECT cycle, status FROM decisions WHERE decision_id = ?", [decision_id]).fetchall()
        if not found:
            raise DecisionError("unknown_decision", decision_id=decision_id)
        taken, current = found[0]
        if current != "open":
            raise DecisionError("already_closed", decision_id=decision_id, status=current)
        if str(cycle) < taken:
            raise DecisionError("close_before_cycle", decision_id=decision_id,
                                cycle=str(cycle), taken=taken)
        cur.execute("UPDATE decisions SET status = ?, outcome = ?, closed_cycle = ?, closed_at = ?, closed_by = ? "
                    "WHERE decision_id = ?", [status, text, str(cycle), _now(now), acting_name(store), decision_id])


def _decisions(store: Store, where: str = "", params: Sequence[Any] = (),
               order: str = "cycle, decision_id") -> pd.DataFrame:
    """DECISION_COLUMNS in that order; `due` as dates (None when there is none), the times as timestamps."""
    # `where` and `order` are fixed texts of this module; values are always bound.
    frame = store.query(f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions {where} ORDER BY {order}", params)
    frame["due"] = pd.Series([None if pd.isna(d) else pd.Timestamp(d).date() for d in frame["due"]],
                             index=frame.index, dtype=object)
    return frame


def all_decisions(store: Store) -> pd.DataFrame:
    return _decisions(store)


def open_decisions(store: Store) -> pd.DataFrame:
    """The decisions still open, the nearest due first (those without a due date last)."""
    return _decisions(store, "WHERE status = 'open'", order="due NULLS LAST, cycle, decision_id")


def decisions_of_cycle(store: Store, cycle: Cycle) -> pd.DataFrame:
    """What the meeting of `cycle` decided and what it closed: the relevé de décisions of the meeting pack."""
    return _decisions(store, "WHERE cycle = ? OR closed_cycle = ?", [str(cycle), str(cycle)])


def previous_cycle_follow_up(store: Store, cycle: Cycle) -> pd.DataFrame:
    """Decisions of earlier cycles that were still open when the meeting of `cycle` started (still open
    now, or closed at `cycle` or later): what that meeting reviews first."""
    return _decisions(store, "WHERE cycle < ? AND (closed_cycle IS NULL OR closed_cycle >= ?)",
                      [str(cycle), str(cycle)])


def overdue(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """`frame` with a boolean `overdue` column: open decisions whose due date is before `as_of`."""
    late = [status == "open" and due is not None and not pd.isna(due) and pd.Timestamp(due).date() < as_of
            for status, due in zip(frame["status"], frame["due"], strict=True)]
    return frame.assign(overdue=pd.Series(late, index=frame.index, dtype=bool))
