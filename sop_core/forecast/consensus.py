"""Consensus forecast: the statistical forecast plus the planners' overrides, and forced models.

An adjustment is a delta in units on one SKU or one family for one period, signed by its author
with a comment: the S&OP meeting keeps the story of every change, and deleting one brings the
forecast back. Adjustments belong to a granularity and a period, not to a run, so they survive
the next forecast run.

A family delta is spread over the family's SKUs in proportion to their statistical forecast for
that period (equally when they are all zero), which keeps the mix the models saw. The final
forecast is never negative.

Every change made through `changes.adjust_range` or `set_final` is one entry of the consensus log
(`consensus_entries`): who, when, which contributor (sales or management: the forecast value added
is measured per contributor), why, the change asked for, the final over its range before and after.
Its adjustment rows carry its `entry_id`, so undoing the entry (`changes.undo_entry`) removes
exactly its deltas and keeps the entry in the log, marked undone. An entry belongs to the S&OP
cycle it was entered in: the cycle open then, else the cycle of the store's as-of month (`entry_cycle`).
`add_adjustment` still records a bare delta without an entry (the command line, older data);
such rows count as the sales contributor's.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from sop_core.common import Cycle, Message, MessageError, check_granularity, period_start
from sop_core.data import Store, allow, latest_cycle
from sop_core.forecast.models import get_model

LEVELS = ("sku", "family")
AGGREGATE_LEVELS = ("sku", "family", "total")
FINAL_COLUMNS = ["sku", "family", "period", "statistical", "adjustment", "final",
                 "lower_80", "upper_80", "lower_95", "upper_95", "model"]
INTERVALS = ("80", "95")
CONTRIBUTORS = ("sales", "management")
CHANGE_KINDS = ("percent", "quantity", "target")


class MissingRunError(MessageError):
    """The forecast run asked for does not exist (or no run exists yet); it carries its `Message`."""


class ConsensusConflict(MessageError):
    """Someone changed the final forecast of these cells since the planner saw it: `seen` is what
    they saw, `now` what it is, `wanted` what they asked for. Nothing was recorded."""

    def __init__(self, message: Message, seen: float, now: float, wanted: float) -> None:
        super().__init__(message)
        self.seen, self.now, self.wanted = seen, now, wanted


def check_level(level: str, allowed: tuple[str, ...] = LEVELS) -> None:
    if level not in allowed:
        raise ValueError(f"level must be one of {', '.join(allowed)}, not {level!r}")


def check_key(store: Store, level: str, key: str) -> None:
    """The SKU or family must exist in `products`: an override on a typo would silently vanish."""
    check_level(level)
    column = "sku" if level == "sku" else "family"
    # `column` comes from the fixed pair above, never from the caller.
    if not store.scalar(f"SELECT count(*) FROM products WHERE {column} = ?", [key]):
        raise ValueError(f"Unknown {level} {key!r}: it is not in the products table.")


def check_author(author: str) -> str:
    if not author or not author.strip():
        raise ValueError("An adjustment needs an author (who changed the forecast).")
    return author.strip()


def check_number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def run_granularity(store: Store, run_id: int) -> str:
    """The granularity of a stored run; MissingRunError when there is no such run."""
    value = store.scalar("SELECT granularity FROM forecast_runs WHERE run_id = ?", [run_id])
    if value is None:
        raise MissingRunError(Message("forecast.error.no_run", {"run": run_id}))
    return str(value)


def add_adjustment(store: Store, author: str, comment: str | None, level: str, key: str,
                   granularity: str, period: dt.date, delta: float) -> int:
    """Record `delta` units on a SKU or family for one period; return the adjustment id.

    `period` may be any day of the period: it is stored as the period's first day so that it
    matches the forecast rows.
    """
    allow(store, "planner")
    who = check_author(author)
    check_key(store, level, key)
    check_granularity(granularity)
    amount = check_number("delta", delta)
    start = period_start(period, granularity)
    with store.transaction() as cur:
        return insert_adjustment(cur, who, comment, level, key, granularity, start, amount, None)


def set_final(store: Store, author: str, comment: str | None, level: str, key: str, granularity: str,
              period: dt.date, run_id: int, target: float, seen: float | None = None,
              contributor: str = "sales") -> int:
    """Make the final forecast of a SKU or family equal `target` for one period, as an adjustment.

    The delta recorded is `target - (statistical + adjustments so far)`, taken before the floor
    at zero, so that the new final is exactly `target` for a SKU. For a family it is exact unless
    one of its SKUs would go below zero (the floor then adds back what it cut).

    `seen` is the final the planner saw when they typed `target`: when someone changed it since,
    nothing is recorded and `ConsensusConflict` says both (two planners' changes never add up).
    The check and the write are one step: no other session or process writes in between.

    The change is also an entry of the consensus log (kind 'target', `comment` as its reason, empty
    when there is none; `contributor` sales by default, as changes without an entry count) in the
    same transaction; the adjustment's id is returned (`adjustment_entry` gives its entry).
    The ±30 % confirmation of `adjust_range` does not apply: the grid's cell says the figure wanted.
    """
    wanted = check_number("target", target)
    if wanted < 0:
        raise ValueError(f"target must not be negative, not {target!r}")
    if run_granularity(store, run_id) != granularity:
        raise ValueError(f"Run {run_id} is not a {granularity} forecast.")
    allow(store, "planner")
    who = check_author(author)
    check_contributor(contributor)
    check_key(store, level, key)
    start = period_start(period, granularity)
    with store.transaction() as cur:  # the check and the write: one step under the write lock
        rows = final_rows_in(cur, run_id)
        mine = rows[(rows[level] == key) & (rows["period"] == pd.Timestamp(start))]
        if mine.empty:
            raise ValueError(f"Run {run_id} has no forecast for {level} {key!r} in the period of {start}.")
        now = float(mine["final"].sum())
        if seen is not None and not math.isclose(now, seen, rel_tol=1e-9, abs_tol=1e-6):
            raise ConsensusConflict(Message("forecast.error.changed_meanwhile", {
                "key": key, "period": start, "seen": seen, "now": now, "wanted": wanted}), seen, now, wanted)
        current = float((mine["statistical"].fillna(0) + mine["adjustment"]).sum())
        entry_id = insert_entry(cur, store, who, contributor, (comment or "").strip(), level, key, granularity,
                                 start, start, "target", wanted, now)
        adjustment_id = insert_adjustment(cur, who, comment, level, key, granularity, start, wanted - current,
                                           entry_id)
        set_units_after(cur, run_id, level, key, [start], entry_id)
    return adjustment_id


def check_contributor(contributor: str) -> None:
    if contributor not in CONTRIBUTORS:
        raise ValueError(f"contributor must be one of {', '.join(CONTRIBUTORS)}, not {contributor!r}")


def entry_cycle(store: Store) -> Cycle:
    """The S&OP cycle a change entered now belongs to: the cycle opened last while it is still open,
    else the cycle of the store's as-of month (between two meetings, or in an installation that
    records no cycles, the month the figures are as of is the one being prepared)."""
    record = latest_cycle(store)
    if record is not None and record.status == "open":
        return record.cycle
    return Cycle.of(store.as_of())


def final_rows_in(cur: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """The final forecast read through `cur`: inside a transaction it sees the rows just written."""
    frame = cur.execute(FINAL_FORECAST_SQL, {"run_id": run_id}).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def insert_entry(cur: duckdb.DuckDBPyConnection, store: Store, author: str, contributor: str, reason: str,
                  level: str, key: str, granularity: str, first: dt.date, last: dt.date, kind: str, amount: float,
                  before: float) -> int:
    entry_id = int(cur.execute("SELECT nextval('consensus_entry_seq')").fetchall()[0][0])
    cur.execute(
        "INSERT INTO consensus_entries (entry_id, cycle, created_at, author, contributor, reason, level, key, "
        "granularity, first_period, last_period, change_kind, amount, units_before) "
        "VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [entry_id, str(entry_cycle(store)), author, contributor, reason, level, key, granularity, first, last,
         kind, amount, before],
    )
    return entry_id


def insert_adjustment(cur: duckdb.DuckDBPyConnection, author: str, comment: str | None, level: str, key: str,
                       granularity: str, period: dt.date, delta: float, entry_id: int | None) -> int:
    adjustment_id = int(cur.execute("SELECT nextval('adjustment_seq')").fetchall()[0][0])
    cur.execute(
        "INSERT INTO forecast_adjustments (adjustment_id, created_at, author, comment, level, key, granularity, "
        "period, delta, entry_id) VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)",
        [adjustment_id, author, comment, level, key, granularity, period, delta, entry_id],
    )
    return adjustment_id


def set_units_after(cur: duckdb.DuckDBPyConnection, run_id: int, level: str, key: str, periods: list[dt.date],
                     entry_id: int) -> float:
    """The final over the entry's periods now that its rows are written (the floor at zero counted)."""
    rows = final_rows_in(cur, run_id)
    after = float(rows[(rows[level] == key) & rows["period"].isin([pd.Timestamp(p) for p in periods])]["final"].sum())
    cur.execute("UPDATE consensus_entries SET units_after = ? WHERE entry_id = ?", [after, entry_id])
    return after


def adjustments(store: Store, granularity: str = "month") -> pd.DataFrame:
    """Every adjustment at this granularity, oldest first (the meeting's audit trail)."""
    check_granularity(granularity)
    return store.query(
        "SELECT adjustment_id, created_at, author, comment, level, key, granularity, period, delta "
        "FROM forecast_adjustments WHERE granularity = ? ORDER BY adjustment_id",
        [granularity],
    )


def delete_adjustment(store: Store, adjustment_id: int) -> None:
    """Remove one adjustment; ValueError when it does not exist (a double click, a stale page)."""
    allow(store, "planner")
    with store.transaction() as cur:
        found = cur.execute(
            "SELECT count(*) FROM forecast_adjustments WHERE adjustment_id = ?", [adjustment_id]
        ).fetchall()[0][0]
        if not found:
            raise ValueError(f"There is no adjustment {adjustment_id}.")
        cur.execute("DELETE FROM forecast_adjustments WHERE adjustment_id = ?", [adjustment_id])


def force_model(store: Store, level: str, key: str, model: str, author: str | None = None) -> None:
    """Force a model on a SKU or a family for the next runs; "auto" gives the choice back."""
    allow(store, "planner")
    check_key(store, level, key)
    if model == "auto":
        clear_forced_model(store, level, key)
        return
    get_model(model)  # raises ValueError naming the valid models
    with store.transaction() as cur:
        cur.execute("DELETE FROM forced_models WHERE level = ? AND key = ?", [level, key])
        cur.execute("INSERT INTO forced_models VALUES (?, ?, ?, ?, now()::TIMESTAMP)", [level, key, model, author])


def clear_forced_model(store: Store, level: str, key: str) -> None:
    """Let automatic selection choose again for this SKU or family (no error if none was forced)."""
    check_level(level)
    with store.transaction() as cur:
        cur.execute("DELETE FROM forced_models WHERE level = ? AND key = ?", [level, key])


def forced_model_list(store: Store) -> pd.DataFrame:
    """The models forced by users: level, key, model, author, created_at."""
    return store.query("SELECT level, key, model, author, created_at FROM forced_models ORDER BY level, key")


# One query: the run's values, SKU deltas summed, family deltas spread by statistical share.
# Negative statistical values (possible from some models) weigh nothing in the spread. Public so
# that other queries (stock coverage) read the final forecast inside DuckDB, run id bound as $run_id.
# `{adjustments}` keeps some adjustment rows only: every row for the final, the sales contributor's
# for the forecast "after sales" (`SALES_FORECAST_SQL`).
_FORECAST_SQL = """
WITH run AS (
    SELECT granularity FROM forecast_runs WHERE run_id = $run_id
), v AS (
    SELECT fv.sku, p.family, fv.period, fv.forecast AS statistical,
           fv.lower_80, fv.upper_80, fv.lower_95, fv.upper_95
    FROM forecast_values fv LEFT JOIN products p USING (sku)
    WHERE fv.run_id = $run_id
), adj AS (
    SELECT a.* FROM forecast_adjustments a, run WHERE a.granularity = run.granularity AND ({adjustments})
), sku_adj AS (
    SELECT key AS sku, period, sum(delta) AS delta FROM adj WHERE level = 'sku' GROUP BY ALL
), family_adj AS (
    SELECT key AS family, period, sum(delta) AS delta FROM adj WHERE level = 'family' GROUP BY ALL
), family_base AS (
    SELECT family, period, sum(greatest(statistical, 0)) AS base, count(*) AS skus
    FROM v WHERE family IS NOT NULL GROUP BY ALL
), adjusted AS (
    SELECT v.*,
           coalesce(s.delta, 0) + coalesce(
               f.delta * CASE WHEN b.base > 0 THEN greatest(v.statistical, 0) / b.base ELSE 1.0 / b.skus END,
               0) AS adjustment
    FROM v
    LEFT JOIN sku_adj s ON s.sku = v.sku AND s.period = v.period
    LEFT JOIN family_adj f ON f.family = v.family AND f.period = v.period
    LEFT JOIN family_base b ON b.family = v.family AND b.period = v.period
)
SELECT a.sku, a.family, a.period, a.statistical, a.adjustment,
       greatest(coalesce(a.statistical, 0) + a.adjustment, 0) AS final,
       a.lower_80, a.upper_80, a.lower_95, a.upper_95, c.model
FROM adjusted a
LEFT JOIN forecast_choices c ON c.run_id = $run_id AND c.sku = a.sku
ORDER BY a.sku, a.period
"""


FINAL_FORECAST_SQL = _FORECAST_SQL.format(adjustments="TRUE")
# The forecast after the sales contributor's changes only (and the bare adjustments, which have no
# entry): what the meeting started from before management's changes.
SALES_FORECAST_SQL = _FORECAST_SQL.format(adjustments=(
    "a.entry_id IS NULL OR a.entry_id IN (SELECT entry_id FROM consensus_entries WHERE contributor = 'sales')"))


def final_forecast(store: Store, run_id: int) -> pd.DataFrame:
    """One row per SKU x period of the run: statistical, adjustment, final, intervals, model.

    Columns: sku, family, period, statistical, adjustment, final, lower_80, upper_80, lower_95,
    upper_95, model. `final = max(statistical + adjustment, 0)`, a missing statistical value (a model
    that failed on a very short history) counting as 0 so that an override still applies. The
    intervals are the statistical model's (they describe its uncertainty; an override moves the
    plan, not the model's error).
    """
    run_granularity(store, run_id)
    with store.cursor() as cur:
        frame = cur.execute(FINAL_FORECAST_SQL, {"run_id": run_id}).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame[FINAL_COLUMNS]


def sales_forecast(store: Store, run_id: int) -> pd.DataFrame:
    """sku, period, sales: the statistical forecast plus the sales contributor's adjustments only
    (and the adjustments without an entry), spread and floored at zero as the final is."""
    run_granularity(store, run_id)
    with store.cursor() as cur:
        frame = cur.execute(SALES_FORECAST_SQL, {"run_id": run_id}).df()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame[["sku", "period", "final"]].rename(columns={"final": "sales"})


def forecast_levels(store: Store, run_id: int, level: str, key: str | None = None) -> pd.DataFrame:
    """The final forecast per period at SKU, family or total level (optionally one key only).

    Columns: key, period, statistical, adjustment, final, lower_80, upper_80, lower_95, upper_95.
    Forecasts and adjustments are summed. Aggregated intervals assume the SKUs' errors are
    independent: each bound sits at the summed statistical forecast -/+ the square root of the sum
    of the squared half-widths (lower and upper half-widths apart, as intervals floored at zero
    are asymmetric); the lower bound is floored at zero. Independence understates the spread when
    SKUs move together (a market-wide dip), so read family and total bands as optimistic.
    """
    check_level(level, AGGREGATE_LEVELS)
    rows = final_forecast(store, run_id)
    if level == "total":
        rows = rows.assign(key="total")
    else:
        rows = rows.assign(key=rows[level])
        if key is not None:
            rows = rows[rows["key"] == key]
    if level == "sku":
        return rows[["key", "period", "statistical", "adjustment", "final",
                     *(f"{side}_{p}" for p in INTERVALS for side in ("lower", "upper"))]].reset_index(drop=True)
    return _aggregate(rows)


def _aggregate(rows: pd.DataFrame) -> pd.DataFrame:
    squares = {}
    for p in INTERVALS:
        squares[f"_lo{p}"] = (rows["statistical"] - rows[f"lower_{p}"]).clip(lower=0) ** 2
        squares[f"_hi{p}"] = (rows[f"upper_{p}"] - rows["statistical"]).clip(lower=0) ** 2
    sums = (rows.assign(**squares)
            .groupby(["key", "period"], sort=True, dropna=False)
            [["statistical", "adjustment", "final", *squares]].sum().reset_index())
    for p in INTERVALS:
        sums[f"lower_{p}"] = (sums["statistical"] - sums[f"_lo{p}"] ** 0.5).clip(lower=0)
        sums[f"upper_{p}"] = sums["statistical"] + sums[f"_hi{p}"] ** 0.5
    return sums.drop(columns=list(squares))
