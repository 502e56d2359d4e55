"""Rough-cut capacity plan (the PIC view): the load of the months ahead against each workshop's capacity.

Load of a workshop in a month = the open manufacturing orders (their remaining hours, in the month
of their planned end; an overdue one in the current month) + the demand they do not cover yet:
per SKU, the demand of each month (the cycle's monthly forecast, consensus included: the latest run,
or the plan frozen for a cycle already over; without one, the average of the last `RECENT_MONTHS`
complete months) netted of the stock on hand and of the open orders' remaining quantity, the oldest
months first, converted to hours with products.hours_per_unit. Capacity = the working days' capacity
of the month (`production.daily_capacity`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sop_core.common import Cycle, next_period
from sop_core.data import Store
from sop_core.forecast import MissingRunError, cycle_forecast, demand_history
from sop_core.production.engine import daily_capacity
from sop_core.production.exposure import rough_cut_table
from sop_core.production.shopfloor import open_orders, workshops

RECENT_MONTHS = 6
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class RoughCut:
    """`plan`: workshop, month, capacity_hours, open_orders_hours, forecast_hours, load_hours,
    load_pct, overload_hours. `source`: 'forecast' (run id in `run_id`) or 'recent demand'."""

    plan: pd.DataFrame
    source: str
    run_id: int | None


def _demand(store: Store, as_of: dt.date, months: int) -> tuple[pd.DataFrame, str, int | None]:
    """sku, month, quantity over the months from as_of's month on."""
    first = as_of.replace(day=1)
    try:  # the cycle's forecast: the newest run, or the plan frozen for a cycle already over
        run_id, forecast = cycle_forecast(store, Cycle.of(as_of))
    except MissingRunError:
        return _recent_demand(store, as_of, months), "recent demand", None
    forecast = forecast[forecast["period"] >= pd.Timestamp(first)]
    frame = forecast.rename(columns={"period": "month", "final": "quantity"})[["sku", "month", "quantity"]]
    return frame.assign(month=frame["month"].dt.date), "forecast", run_id


def _recent_demand(store: Store, as_of: dt.date, months: int) -> pd.DataFrame:
    """sku, month, quantity: each SKU's mean monthly demand of the last `RECENT_MONTHS` complete
    months, over `months` months from as_of's month on."""
    first = as_of.replace(day=1)
    history = demand_history(store, "month", as_of).dropna(subset=["period"])
    recent = history[history["period"] >= pd.Timestamp(next_period(first, "month", -RECENT_MONTHS))]
    rate = recent.groupby("sku")["quantity"].sum() / RECENT_MONTHS
    grid = pd.MultiIndex.from_product([rate.index, [next_period(first, "month", i) for i in range(months)]],
                                      names=["sku", "month"])
    frame = pd.DataFrame(index=grid).reset_index()
    return frame.assign(quantity=frame["sku"].map(rate))


_NETTED = """
    WITH available AS (
        SELECT p.sku, p.workshop, coalesce(p.hours_per_unit, 0) AS hours_per_unit,
               coalesce((SELECT sum(s.on_hand) FROM stock s WHERE s.sku = p.sku
                         AND s.date = (SELECT max(date) FROM stock WHERE date <= $1)), 0)
               + coalesce((SELECT sum(o.quantity * CASE WHEN o.total_hours > 0
                                  THEN o.remaining_hours / o.total_hours ELSE 1 END)
                           FROM open_of o WHERE o.sku = p.sku), 0) AS units
        FROM products p
    ), cumulated AS (
        SELECT d.sku, d.month, d.quantity,
               sum(d.quantity) OVER (PARTITION BY d.sku ORDER BY d.month) AS cumulated
        FROM demand d
    )
    SELECT a.workshop, c.month,
           sum((greatest(c.cumulated - a.units, 0) - greatest(c.cumulated - c.quantity - a.units, 0))
               * a.hours_per_unit) AS forecast_hours
    FROM cumulated c JOIN available a USING (sku)
    WHERE a.workshop IS NOT NULL
    GROUP BY ALL"""


def _horizon_end(as_of: dt.date, months: int) -> dt.date:
    return next_period(as_of.replace(day=1), "month", months)


def open_order_hours(orders: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """workshop, month, open_orders_hours: the open OF's remaining hours in the month of their planned
    end, an overdue OF in the month of `as_of` (it still has to be made, now)."""
    due = pd.to_datetime(orders["planned_end"]).clip(lower=pd.Timestamp(as_of.replace(day=1)))
    return (orders.assign(month=due.dt.to_period("M").dt.to_timestamp())
            .groupby(["workshop", "month"], as_index=False)["remaining_hours"].sum()
            .rename(columns={"remaining_hours": "open_orders_hours"}))


def monthly_capacity(store: Store, as_of: dt.date, end: dt.date) -> pd.DataFrame:
    """workshop, month, capacity_hours: each workshop's productive hours from `as_of` to `end`
    (excluded), month by month (`daily_capacity`)."""
    daily = daily_capacity(workshops(store), as_of, (end - as_of).days)
    return (daily.assign(month=pd.to_datetime(daily["day"]).dt.to_period("M").dt.to_timestamp())
            .groupby(["workshop", "month"], as_index=False)["hours"].sum()
            .rename(columns={"hours": "capacity_hours"}))


def rough_cut_load(store: Store, as_of: dt.date, months: int = DEFAULT_MONTHS) -> tuple[pd.DataFrame, str, int | None]:
    """Per workshop and month (`exposure.ROUGH_CUT_LOAD_COLUMNS`): the open orders' hours and the
    uncovered demand's hours; the demand's source and forecast run (see `RoughCut`)."""
    demand, source, run_id = _demand(store, as_of, months)
    demand = demand[pd.to_datetime(demand["month"]) < pd.Timestamp(_horizon_end(as_of, months))]
    orders = open_orders(store, as_of)
    with store.cursor() as cur:
        cur.register("demand", demand)
        cur.register("open_of", orders)
        uncovered = cur.execute(_NETTED, [as_of]).df()
    of_hours = open_order_hours(orders, as_of)
    uncovered["month"] = pd.to_datetime(uncovered["month"]).astype("datetime64[ns]")
    load = of_hours.astype({"month": "datetime64[ns]"}).merge(uncovered, on=["workshop", "month"], how="outer")
    return load.fillna({"open_orders_hours": 0.0, "forecast_hours": 0.0}), source, run_id


def rough_cut_plan(store: Store, as_of: dt.date, months: int = DEFAULT_MONTHS) -> RoughCut:
    """The monthly load (open orders + uncovered demand) of each workshop against its capacity."""
    load, source, run_id = rough_cut_load(store, as_of, months)
    capacity = daily_capacity(workshops(store), as_of, (_horizon_end(as_of, months) - as_of).days)
    return RoughCut(rough_cut_table(load, capacity), source, run_id)
