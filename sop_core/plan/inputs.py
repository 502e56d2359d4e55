"""The PIC's inputs read from the store, once, as of a day (`balance.PlanInputs`).

The plan runs over the months of the latest monthly forecast from the cycle's month on (at most
`PLAN_MONTHS`); a cycle already over keeps the plan frozen for it (`forecast.cycle_forecast`). Opening
stock is the latest stock snapshot on or before as-of plus what the open OF still have to make;
capacity is the workshops' productive hours from as-of on, month by month; the previous cycle's plan
is the latest frozen cycle before this one; last year's sales are empty for the months a year after
the cycle's month on (they have not happened yet).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sop_core.common import Cycle, next_period
from sop_core.data import Store, budget_by_family
from sop_core.forecast import cycle_forecast, demand_between, frozen_plan
from sop_core.plan.balance import PlanInputs
from sop_core.production import monthly_capacity, open_order_hours, open_orders

PLAN_MONTHS = 18

_PRODUCTS = """
    WITH snapshot AS (SELECT max(date) AS day FROM stock WHERE date <= ?),
    on_hand AS (
        SELECT s.sku, sum(s.on_hand) AS units FROM stock s, snapshot WHERE s.date = snapshot.day GROUP BY ALL
    )
    SELECT p.sku, p.family, coalesce(p.unit_price, 0) AS unit_price, coalesce(p.unit_cost, 0) AS unit_cost,
           p.workshop, coalesce(p.hours_per_unit, 0) AS hours_per_unit,
           coalesce(o.units, 0) AS on_hand, coalesce(p.safety_stock, 0) AS target_stock
    FROM products p LEFT JOIN on_hand o USING (sku)
    ORDER BY p.family, p.sku
"""

def family_names(store: Store) -> list[str]:
    """The product families, in alphabetical order (the plan's planning level)."""
    return [str(f) for f in store.query("SELECT DISTINCT family FROM products WHERE family IS NOT NULL "
                                        "ORDER BY family")["family"]]


def plan_inputs(store: Store, as_of: dt.date | None = None, months: int = PLAN_MONTHS) -> PlanInputs:
    """Everything the PIC balance needs, read in a handful of queries. MissingRunError when no monthly
    forecast exists yet (the plan is the forecast's)."""
    day = as_of or store.as_of()
    cycle = Cycle.of(day)
    run_id, forecast = cycle_forecast(store, cycle)
    end = next_period(cycle.start, "month", months)
    forecast = forecast[(forecast["period"] >= pd.Timestamp(cycle.start)) & (forecast["period"] < pd.Timestamp(end))]
    plan_months = tuple(sorted(pd.Timestamp(p).date() for p in forecast["period"].unique()))
    skus = store.query(_PRODUCTS, [day]).set_index("sku")
    orders = open_orders(store, day)
    skus["opening_stock"] = skus["on_hand"] + _open_order_units(orders).reindex(skus.index, fill_value=0.0)
    columns = _month_index(plan_months)

    def by_sku(frame: pd.DataFrame, value: str, month: str = "month", missing: float = 0.0) -> np.ndarray:
        return _matrix(frame, skus.index, "sku", columns, month, value, missing)

    horizon_end = next_period(plan_months[-1], "month") if plan_months else cycle.start
    shops, capacity, taken = _capacity(store, day, horizon_end, orders, plan_months)
    previous_cycle, frozen_at, previous = _previous_plan(store, cycle)
    last_year = demand_between(store, next_period(cycle.start, "month", -12), next_period(horizon_end, "month", -12))
    a_year_later = {m: next_period(m, "month", 12) for m in pd.to_datetime(last_year["month"]).dt.date.unique()}
    last_year["month"] = pd.to_datetime(last_year["month"]).dt.date.map(a_year_later)
    year_start = dt.date(cycle.year, 1, 1)
    return PlanInputs(
        as_of=day, cycle=cycle, run_id=run_id, months=plan_months,
        skus=skus.drop(columns="on_hand"),
        statistical=by_sku(forecast, "statistical", "period"),
        consensus=by_sku(forecast, "final", "period"),
        workshops=shops, capacity_hours=capacity, open_orders_hours=taken,
        last_year=_not_yet(by_sku(last_year, "units"), plan_months, cycle.start),
        previous=by_sku(previous, "final", "period", missing=np.nan),
        previous_statistical=by_sku(previous, "statistical", "period", missing=np.nan),
        previous_cycle=previous_cycle, previous_frozen_at=frozen_at,
        budget=budget_by_family(store).astype({"month": "datetime64[ns]"}),
        actuals=demand_between(store, year_start, cycle.start) if year_start < cycle.start
        else pd.DataFrame({"sku": [], "month": [], "units": []}),
    )


def _matrix(frame: pd.DataFrame, keys: pd.Index, key: str, months: pd.DatetimeIndex, month: str, value: str,
            missing: float = 0.0) -> np.ndarray:
    """Long rows (key, month, value) summed into a keys x months matrix in the plan's order; cells
    without a row hold `missing`."""
    out = np.full((len(keys), len(months)), missing)
    rows, columns = keys.get_indexer(frame[key]), months.get_indexer(pd.to_datetime(frame[month]))
    keep = (rows >= 0) & (columns >= 0)
    out[rows[keep], columns[keep]] = 0.0
    np.add.at(out, (rows[keep], columns[keep]), frame[value].fillna(0.0).to_numpy(float)[keep])
    return out


def _not_yet(last_year: np.ndarray, months: tuple[dt.date, ...], start: dt.date) -> np.ndarray:
    """Last year's sales with the months whose year-ago month has not ended yet (the cycle's month
    on) empty: no figure rather than a zero."""
    out = last_year.copy()
    out[:, [next_period(m, "month", -12) >= start for m in months]] = np.nan
    return out


def _open_order_units(orders: pd.DataFrame) -> pd.Series:
    """Units the open OF still have to make, per SKU (their remaining share of the quantity)."""
    remaining = np.where(orders["total_hours"] > 0, orders["remaining_hours"] / orders["total_hours"].where(
        orders["total_hours"] > 0, 1.0), 1.0)
    return (orders["quantity"] * remaining).groupby(orders["sku"]).sum()


def _capacity(store: Store, as_of: dt.date, end: dt.date, orders: pd.DataFrame,
              months: tuple[dt.date, ...]) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    capacity = monthly_capacity(store, as_of, end)
    shops = tuple(sorted(capacity["workshop"].unique()))
    index, columns = pd.Index(shops), _month_index(months)
    taken = open_order_hours(orders, as_of)
    return (shops, _matrix(capacity, index, "workshop", columns, "month", "capacity_hours"),
            _matrix(taken, index, "workshop", columns, "month", "open_orders_hours"))


def _month_index(months: tuple[dt.date, ...]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([pd.Timestamp(m) for m in months])


def _previous_plan(store: Store, cycle: Cycle) -> tuple[Cycle | None, dt.datetime | None, pd.DataFrame]:
    """The latest cycle frozen before `cycle`, when it was frozen, and its plan (sku, period,
    statistical, final)."""
    found = store.scalar("SELECT max(cycle) FROM forecast_snapshots WHERE granularity = 'month' AND cycle < ?",
                         [str(cycle)])
    if found is None:
        return None, None, pd.DataFrame({"sku": [], "period": [], "statistical": [], "final": []})
    previous = Cycle.parse(found)
    rows = frozen_plan(store, previous)
    return previous, pd.Timestamp(rows["frozen_at"].max()).to_pydatetime(), rows
