"""Demand history per SKU and period, from the store, in SQL.

Demand is what was sold (`sales`); a store without sales history falls back on what customers
ordered (`orders`, by order date, cancelled lines left out). Only complete periods count: the
period holding the as-of date is still running, so the history stops at the one before, and never
past the period of the latest demand (an export that stops in September is not October and November
without demand). Each SKU's series runs from its first demand to that last period,
with the empty periods inside as zeros (they are demand too).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sop_core.common import GRANULARITIES, check_granularity, next_period, period_start
from sop_core.data import Store, not_cancelled


def demand_source(store: Store) -> str:
    """'sales' when sales history exists, else 'orders'."""
    return "sales" if store.scalar("SELECT count(*) FROM sales") else "orders"


def _source(store: Store) -> tuple[str, str, str]:
    """The demand table, its day column and the SQL condition of a line that counts (code constants)."""
    source = demand_source(store)
    return (source, "date", "true") if source == "sales" else (source, "order_date", not_cancelled("status"))


def demand_between(store: Store, first: dt.date, end: dt.date) -> pd.DataFrame:
    """sku, month, units: the demand (sales, else orders) of each SKU and month from `first` to `end`
    (excluded); months without demand have no row."""
    source, day, live = _source(store)
    return store.query(
        f"SELECT sku, date_trunc('month', {day})::DATE AS month, sum(quantity) AS units FROM {source} "
        f"WHERE {day} >= ? AND {day} < ? AND {live} GROUP BY ALL", [first, end])


def last_data_period(store: Store, granularity: str) -> dt.date | None:
    """The period holding the latest demand (sales, else orders); None without demand."""
    latest = store.latest_demand_day()
    return None if latest is None else period_start(latest, granularity)


def demand_history(store: Store, granularity: str, as_of: dt.date) -> pd.DataFrame:
    """Columns sku, family, period, quantity: every SKU of `products`, zeros filled in.

    A SKU with no demand at all keeps one row with a NULL period, so it still gets a (zero)
    forecast and appears in the tables.
    """
    check_granularity(granularity)
    unit, step, _, _ = GRANULARITIES[granularity]
    current = period_start(as_of, granularity)
    last = min(next_period(current, granularity, -1), last_data_period(store, granularity) or current)
    source, day, live = _source(store)
    return store.query(
        f"""
        WITH demand AS (
            SELECT sku, date_trunc('{unit}', {day})::DATE AS period, sum(quantity) AS quantity
            FROM {source} WHERE {day} < ? AND {live} GROUP BY ALL
        ), spans AS (
            SELECT sku, min(period) AS first FROM demand GROUP BY sku
        ), grid AS (
            SELECT s.sku, unnest(generate_series(s.first, ?::DATE, INTERVAL {step}))::DATE AS period
            FROM spans s
        )
        SELECT p.sku, p.family, g.period, coalesce(d.quantity, 0) AS quantity
        FROM products p
        LEFT JOIN grid g USING (sku)
        LEFT JOIN demand d ON d.sku = g.sku AND d.period = g.period
        ORDER BY p.sku, g.period
        """,
        [current, last],
    )
