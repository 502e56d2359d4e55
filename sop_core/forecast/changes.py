"""The consensus log: a change over a range of periods (`adjust_range`), its undo (`undo_entry`)
and the log itself (`consensus_log`), each change one row of `consensus_entries` with its
adjustment rows (see `consensus` for how adjustments make the final forecast).

A change by percent moves each period's final by that percent of the final before it; a change by
quantity adds that many units to each period. Either is asked again (`ConfirmationNeeded`) when the
final over its range would end more than `CONFIRM_BEYOND` (±30 %) away from the statistical
forecast over the range: nothing is written until the caller confirms.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from sop_core.common import Cycle, Message, MessageError, check_granularity, period_start
from sop_core.data import Store, allow
from sop_core.forecast.consensus import (
    check_author,
    check_contributor,
    check_key,
    check_number,
    final_rows_in,
    insert_adjustment,
    insert_entry,
    run_granularity,
    set_units_after,
)

# Beyond this gap between the final and the statistical forecast over a change's range, the change
# is asked again (`ConfirmationNeeded`): a typo of 100 % for 10 % is caught before the meeting sees it.
CONFIRM_BEYOND = 0.30
LOG_COLUMNS = ["entry_id", "cycle", "created_at", "author", "contributor", "level", "key", "granularity",
               "first_period", "last_period", "change_kind", "amount", "reason", "units_before",
               "units_after", "undone_at", "undone_by"]


class ConfirmationNeeded(MessageError):
    """The change would put the final more than `CONFIRM_BEYOND` away from the statistical forecast
    over its range: nothing was recorded; ask again with `confirmed=True`. `gap` is the signed
    fraction (0.31 for +31 %; infinite when the statistical forecast of the range is zero)."""

    def __init__(self, message: Message, gap: float) -> None:
        super().__init__(message)
        self.gap = gap


def adjust_range(store: Store, author: str, contributor: str, reason: str, level: str, key: str,
                 granularity: str, first_period: dt.date, last_period: dt.date, run_id: int, *,
                 percent: float | None = None, quantity: float | None = None, confirmed: bool = False) -> int:
    """Change the final forecast of a SKU or family over the run's periods from `first_period` to
    `last_period` (any day of each; both included), by `percent` of the current final of each
    period (+10 for +10 %) or by `quantity` units added to each period (negative to remove); return
    the entry id.

    One entry in the consensus log and one adjustment row per period, in one transaction. A family
    change is spread over its SKUs by statistical share, as every family delta: the family's final
    moves by the percent (or the quantity) exactly unless a SKU hits the floor at zero. `reason` is
    required (`MessageError`). When the final over the range would then differ from the statistical
    forecast over the range by more than `CONFIRM_BEYOND` (±30 %), nothing is recorded and
    `ConfirmationNeeded` says the gap, unless `confirmed`.
    """
    allow(store, "planner")
    who = check_author(author)
    why = (reason or "").strip() if isinstance(reason, str) else ""
    if not why:
        raise MessageError(Message("forecast.error.no_reason"))
    check_contributor(contributor)
    check_key(store, level, key)
    if percent is not None and quantity is None:
        kind, amount = "percent", check_number("percent", percent)
    elif quantity is not None and percent is None:
        kind, amount = "quantity", check_number("quantity", quantity)
    else:
        raise ValueError("Give either percent or quantity (one of them).")
    if run_granularity(store, run_id) != granularity:
        raise ValueError(f"Run {run_id} is not a {granularity} forecast.")
    first, last = period_start(first_period, granularity), period_start(last_period, granularity)
    if first > last:
        raise MessageError(Message("forecast.error.range_reversed", {"first": first, "last": last}))
    with store.transaction() as cur:
        rows = final_rows_in(cur, run_id)
        mine = rows[(rows[level] == key) & (rows["period"] >= pd.Timestamp(first))
                    & (rows["period"] <= pd.Timestamp(last))]
        if mine.empty:
            raise MessageError(Message("forecast.error.no_period_in_range", {"key": key, "first": first, "last": last}))
        per_period = mine.groupby("period")["final"].sum()
        before = float(per_period.sum())
        statistical = float(mine["statistical"].fillna(0).sum())
        entry_id = insert_entry(cur, store, who, contributor, why, level, key, granularity, first, last, kind,
                                 amount, before)
        for period, final in per_period.items():
            delta = final * amount / 100 if kind == "percent" else amount
            insert_adjustment(cur, who, why, level, key, granularity, pd.Timestamp(period).date(), delta, entry_id)
        after = set_units_after(cur, run_id, level, key, [pd.Timestamp(p).date() for p in per_period.index],
                                 entry_id)
        gap = _gap(after, statistical)
        if abs(gap) > CONFIRM_BEYOND and not confirmed:  # raised inside: the transaction rolls back
            said = {"key": key, "after": round(after, 1), "statistical": round(statistical, 1),
                    "limit": round(CONFIRM_BEYOND * 100)}
            if math.isfinite(gap):
                key_ = "forecast.error.confirm_gap.above" if gap > 0 else "forecast.error.confirm_gap.below"
                raise ConfirmationNeeded(Message(key_, {**said, "gap": round(abs(gap) * 100, 1)}), gap)
            raise ConfirmationNeeded(Message("forecast.error.confirm_gap.from_zero", said), gap)
    return entry_id


def _gap(after: float, statistical: float) -> float:
    """(after - statistical) / statistical; infinite when the statistical forecast is zero and the
    final is not."""
    if statistical:
        return (after - statistical) / abs(statistical)
    return 0.0 if math.isclose(after, 0.0, abs_tol=1e-9) else math.inf


def undo_entry(store: Store, entry_id: int, who: str) -> None:
    """Take back a change: its adjustment rows go, the entry stays in the log marked undone (when,
    by whom). Undoing an unknown or an already undone entry is a `MessageError` (a double click, a
    stale page). Later changes keep their own deltas (a later 'target' then no longer lands exactly
    on its target)."""
    allow(store, "planner")
    by = check_author(who)
    with store.transaction() as cur:
        found = cur.execute("SELECT undone_at, undone_by FROM consensus_entries WHERE entry_id = ?",
                            [entry_id]).fetchall()
        if not found:
            raise MessageError(Message("forecast.error.no_entry", {"entry": entry_id}))
        if found[0][0] is not None:
            raise MessageError(Message("forecast.error.already_undone", {
                "entry": entry_id, "at": found[0][0], "by": found[0][1] or ""}))
        cur.execute("DELETE FROM forecast_adjustments WHERE entry_id = ?", [entry_id])
        cur.execute("UPDATE consensus_entries SET undone_at = now()::TIMESTAMP, undone_by = ? WHERE entry_id = ?",
                    [by, entry_id])


def consensus_log(store: Store, cycle: Cycle | str | None = None, granularity: str = "month") -> pd.DataFrame:
    """The consensus log, newest first: one row per change (undone ones too), of one cycle or all.

    Columns (`LOG_COLUMNS`): entry_id, cycle (YYYY-MM), created_at, author, contributor (sales |
    management), level (sku | family), key, granularity, first_period and last_period (first days of
    the periods), change_kind (percent | quantity | target), amount (the percent, the units per
    period, or the target), reason, units_before and units_after (the final over the range just
    before and just after the change), undone_at and undone_by (empty while it holds).
    """
    check_granularity(granularity)
    frame = store.query(
        f"SELECT {', '.join(LOG_COLUMNS)} FROM consensus_entries "
        "WHERE granularity = ? AND (? IS NULL OR cycle = ?) ORDER BY entry_id DESC",
        [granularity, *(2 * [None if cycle is None else str(cycle)])],
    )
    for column in ("first_period", "last_period"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def adjustment_entry(store: Store, adjustment_id: int) -> int | None:
    """The log entry an adjustment row belongs to (None for a bare `add_adjustment`)."""
    value = store.scalar("SELECT entry_id FROM forecast_adjustments WHERE adjustment_id = ?", [adjustment_id])
    return None if value is None else int(value)
