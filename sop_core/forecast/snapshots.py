"""S&OP cycles: freeze the consensus forecast each month, then measure it against what was sold.

A cycle is a month (`Cycle`, stored as "YYYY-MM"). Freezing copies the final forecast of a run into
`forecast_snapshots` with its lag: the number of periods between the cycle's first period and the
forecast period. The cycle month itself is lag 0, the next month lag 1, and so on (some companies
call the month after the cycle "lag 1" and have no lag 0: that is the same number here). At week
granularity the cycle's first period is the ISO week holding the 1st of the month. Forecast
periods before the cycle (an old run frozen late) are not frozen: nobody could still act on them.

Accuracy compares each frozen row with the actual demand of its period once the period is over,
and with the naive forecast one could have made at freeze time (the demand of the period just
before the cycle), to show the value the models and the meeting add (FVA). A snapshot also keeps
the forecast after the sales contributor's changes alone (`sales`), so that the value added is
told per contributor: the statistics, sales, then management (`fva_by_contributor`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from sop_core.common import GRANULARITIES, Cycle, Message, check_granularity, next_period, period_start
from sop_core.data import Store, allow
from sop_core.forecast.accuracy import accuracy_by, wape
from sop_core.forecast.consensus import MissingRunError, final_forecast, run_granularity, sales_forecast
from sop_core.forecast.demand import demand_source, last_data_period
from sop_core.forecast.runs import latest_run

WORST_SKUS = 20
SNAPSHOT_COLUMNS = ["cycle", "frozen_at", "run_id", "granularity", "sku", "period", "lag", "model",
                    "statistical", "final", "sales"]
# The steps of the forecast value added, in order: each adds (or removes) value from the one before.
FVA_STEPS = ("naive", "statistical", "sales", "final")


def _lags(periods: pd.Series, first: dt.date, granularity: str) -> pd.Series:
    start = pd.Timestamp(first)
    if granularity == "month":
        return (periods.dt.year - start.year) * 12 + (periods.dt.month - start.month)
    return (periods - start).dt.days // 7


def frozen_plan(store: Store, cycle: Cycle) -> pd.DataFrame:
    """The monthly forecast frozen for `cycle`: run_id, sku, period (a timestamp), statistical, final,
    frozen_at; empty when the cycle was never frozen."""
    frozen = store.query("SELECT run_id, sku, period, statistical, final, frozen_at FROM forecast_snapshots "
                         "WHERE granularity = 'month' AND cycle = ? ORDER BY sku, period", [str(cycle)])
    frozen["period"] = pd.to_datetime(frozen["period"])
    return frozen


def cycle_forecast(store: Store, cycle: Cycle) -> tuple[int | None, pd.DataFrame]:
    """The monthly forecast that stands for `cycle`: its run and its sku, period, statistical, final.

    A cycle already over has the plan frozen for it: a pack reprinted, or a past cycle looked back
    at, shows what was decided then, not today's forecast (MissingRunError for a past cycle never
    frozen; the run is None when the snapshot did not keep it). The current cycle works on the
    newest monthly run (MissingRunError without one)."""
    if cycle < Cycle.of(store.as_of()):
        frozen = frozen_plan(store, cycle)
        if frozen.empty:
            raise MissingRunError(Message("plan.error.not_frozen", {"cycle": str(cycle)}))
        runs = frozen["run_id"].dropna()
        return (int(runs.iloc[0]) if len(runs) else None), frozen[["sku", "period", "statistical", "final"]]
    run_id = latest_run(store, "month")
    if run_id is None:
        raise MissingRunError(Message("plan.error.no_forecast"))
    return run_id, final_forecast(store, run_id)[["sku", "period", "statistical", "final"]]


def freeze_cycle(store: Store, cycle: Cycle, run_id: int | None = None, granularity: str = "month") -> int:
    """Snapshot the final forecast of `run_id` (default: the latest run) as cycle `cycle`.

    Returns the number of rows frozen. Freezing a cycle again replaces its earlier snapshot at
    that granularity, in one transaction (the meeting may re-freeze after a late correction).
    Each row keeps `sales` too: the statistical forecast plus the sales contributor's changes alone
    (and the adjustments without a log entry), spread and floored at zero as the final is.
    """
    allow(store, "planner")
    first = period_start(cycle.start, granularity)  # also checks the granularity
    run = run_id if run_id is not None else latest_run(store, granularity)
    if run is None:
        raise MissingRunError(Message(f"forecast.error.nothing_to_freeze.{granularity}"))
    if run_granularity(store, run) != granularity:
        raise ValueError(f"Run {run} is not a {granularity} forecast.")
    rows = final_forecast(store, run).merge(sales_forecast(store, run), on=["sku", "period"], how="left")
    rows = rows.assign(lag=_lags(rows["period"], first, granularity))
    rows = rows[rows["lag"] >= 0]
    snapshot = pd.DataFrame({
        "cycle": str(cycle), "frozen_at": pd.Timestamp.now().floor("s"), "run_id": run, "granularity": granularity,
        "sku": rows["sku"], "period": rows["period"].dt.date, "lag": rows["lag"].astype("int32"),
        "model": rows["model"], "statistical": rows["statistical"], "final": rows["final"],
        "sales": rows["sales"],
    })[SNAPSHOT_COLUMNS]
    with store.transaction() as cur:
        cur.execute("DELETE FROM forecast_snapshots WHERE cycle = ? AND granularity = ?", [str(cycle), granularity])
        cur.register("_snapshot", snapshot)
        columns = ", ".join(SNAPSHOT_COLUMNS)
        cur.execute(f"INSERT INTO forecast_snapshots ({columns}) SELECT {columns} FROM _snapshot")
        cur.unregister("_snapshot")
    return len(snapshot)


def cycles(store: Store, granularity: str = "month") -> pd.DataFrame:
    """The frozen cycles: cycle, frozen_at, run_id, rows, first and last period."""
    check_granularity(granularity)
    return store.query(
        "SELECT cycle, max(frozen_at) AS frozen_at, max(run_id) AS run_id, count(*) AS rows, "
        "min(period) AS first_period, max(period) AS last_period "
        "FROM forecast_snapshots WHERE granularity = ? GROUP BY cycle ORDER BY cycle",
        [granularity],
    )


def accuracy_frame(store: Store, granularity: str = "month", as_of: dt.date | None = None) -> pd.DataFrame:
    """Frozen forecasts of the periods complete before `as_of`, with their actual and naive demand.

    Columns cycle, sku, family, period, lag, model, statistical, final, sales, actual, naive (`sales`
    empty for snapshots frozen before it was kept: unknown, not the final). Demand is
    `sales` (or `orders` by order date without sales), as for the forecasts; a period without any
    demand counts as 0, and so does a missing statistical value (a model that failed on a very short
    history; the final forecast already counts it as 0); periods after the one of the latest demand
    are not measured yet (the data does not cover them). `as_of` defaults to the store's as-of date.
    """
    check_granularity(granularity)
    unit, step, _, _ = GRANULARITIES[granularity]
    current = period_start(as_of or store.as_of(), granularity)
    last = last_data_period(store, granularity)
    if last is not None:  # a month after the end of the data is not a month without demand
        current = min(current, next_period(last, granularity, 1))
    source = demand_source(store)
    day = "date" if source == "sales" else "order_date"
    # `unit`, `step`, `source` and `day` come from fixed tables above, never from the caller.
    frame = store.query(
        f"""
        WITH demand AS (
            SELECT sku, date_trunc('{unit}', {day})::DATE AS period, sum(quantity) AS quantity
            FROM {source} WHERE {day} < $1 GROUP BY ALL
        ), frozen AS (
            SELECT s.*, (date_trunc('{unit}', (s.cycle || '-01')::DATE) - INTERVAL {step})::DATE AS naive_period
            FROM forecast_snapshots s WHERE s.granularity = $2 AND s.period < $1
        )
        SELECT f.cycle, f.sku, p.family, f.period, f.lag, f.model,
               coalesce(f.statistical, 0) AS statistical, f.final, f.sales,
               coalesce(d.quantity, 0) AS actual, coalesce(n.quantity, 0) AS naive
        FROM frozen f
        LEFT JOIN products p USING (sku)
        LEFT JOIN demand d ON d.sku = f.sku AND d.period = f.period
        LEFT JOIN demand n ON n.sku = f.sku AND n.period = f.naive_period
        ORDER BY f.cycle, f.sku, f.period
        """,
        [current, granularity],
    )
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def _fva(frame: pd.DataFrame) -> pd.DataFrame:
    """WAPE of the naive, statistical and final forecasts per period, and the value each step adds.

    FVA statistical = WAPE naive - WAPE statistical; FVA consensus = WAPE statistical - WAPE final
    (positive: the step made the forecast better).
    """
    table = pd.DataFrame({
        name: accuracy_by(frame, ["period"], "actual", column).set_index("period")["wape"]
        for name, column in (("wape_naive", "naive"), ("wape_statistical", "statistical"), ("wape_final", "final"))
    })
    table["fva_statistical"] = table["wape_naive"] - table["wape_statistical"]
    table["fva_consensus"] = table["wape_statistical"] - table["wape_final"]
    return table.reset_index()


def _fva_overall(frame: pd.DataFrame) -> pd.DataFrame:
    naive, stat, final = (wape(frame["actual"], frame[c]) for c in ("naive", "statistical", "final"))
    return pd.DataFrame([{"wape_naive": naive, "wape_statistical": stat, "wape_final": final,
                          "fva_statistical": naive - stat, "fva_consensus": stat - final}])


def fva_by_contributor(frame: pd.DataFrame) -> pd.DataFrame:
    """The error of each step of the forecast and the value it adds to the step before, over the
    rows of `frame` (`accuracy_frame`): naive, statistical, sales (statistical + the sales
    contributor's changes), final (+ management's).

    Columns step (`FVA_STEPS`), n (rows measured), wape, accuracy (1 - WAPE), value_added (WAPE of
    the step before - WAPE of this step, both on the same rows: positive, the step made the
    forecast better; empty for naive). Rows whose `sales` is unknown (snapshots frozen before it
    was kept) are left out of the sales step and of management's value added (the final's
    value_added, measured on the rows where sales is known), so old data invents no contribution;
    the final's own error is over every row. Hence the values added need not sum to WAPE naive -
    WAPE final when some rows lack `sales`; with no row knowing it, sales' figures and management's
    value added are empty.
    """
    known = frame[frame["sales"].notna()] if "sales" in frame else frame.iloc[0:0]
    steps = []
    for step, rows, previous in (("naive", frame, None), ("statistical", frame, "naive"),
                                 ("sales", known, "statistical"), ("final", known, "sales")):
        error = wape(rows["actual"], rows[step]) if len(rows) else float("nan")
        added = wape(rows["actual"], rows[previous]) - error if previous and len(rows) else float("nan")
        steps.append({"step": step, "n": len(rows), "wape": error, "value_added": added})
    table = pd.DataFrame(steps)
    # The final's own error is the whole frame's; its value added is measured where sales is known.
    table.loc[3, ["n", "wape"]] = [len(frame), wape(frame["actual"], frame["final"]) if len(frame) else float("nan")]
    table.insert(3, "accuracy", 1 - table["wape"])
    return table


def accuracy_report(store: Store, granularity: str = "month", as_of: dt.date | None = None,
                    period: dt.date | None = None) -> dict[str, Any]:
    """Accuracy of the frozen final forecasts: dict of DataFrames (see `accuracy.accuracy_by`);
    `period` (its first day) keeps the forecasts of that period alone, every lag (the home tiles'
    last month measured).

    Keys: overall, by_month, by_family, by_lag, by_sku, worst_skus (top 20 by absolute error),
    fva (per month) and fva_overall, fva_contributors (`fva_by_contributor`: naive, statistical,
    sales, final), plus `rows` (the number of forecast rows measured). Every
    frozen row counts once: a month forecast by three cycles weighs three times, once per lag.
    """
    frame = accuracy_frame(store, granularity, as_of)
    if period is not None:
        frame = frame[frame["period"] == pd.Timestamp(period)]
    by_sku = accuracy_by(frame, ["sku", "family"], "actual", "final")
    return {
        "rows": len(frame),
        "overall": accuracy_by(frame, [], "actual", "final"),
        "by_month": accuracy_by(frame, ["period"], "actual", "final"),
        "by_family": accuracy_by(frame, ["family"], "actual", "final"),
        "by_lag": accuracy_by(frame, ["lag"], "actual", "final"),
        "by_sku": by_sku,
        "worst_skus": by_sku.sort_values("abs_error", ascending=False).head(WORST_SKUS).reset_index(drop=True),
        "fva": _fva(frame),
        "fva_overall": _fva_overall(frame),
        "fva_contributors": fva_by_contributor(frame),
    }
