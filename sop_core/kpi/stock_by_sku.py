"""The stock of every SKU as of a day: value, coverage, ABC/XYZ class and status (dead, slow,
understock, overstock, ok), in one query; and the headline figures drawn from it (`summarise`).

The conventions of `stock` hold here too (valued at cost, demand from sales else orders, windows of
complete months, nothing reads the clock).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from statistics import NormalDist
from typing import Any

import pandas as pd

from sop_core.data import Store
from sop_core.forecast import FINAL_FORECAST_SQL, demand_source, latest_run
from sop_core.kpi.filters import NO_FILTERS, KpiFilters
from sop_core.kpi.stock import (
    ABC_CLASSES,
    DAYS_PER_MONTH,
    DEFAULT_SETTINGS,
    XYZ_CLASSES,
    StockSettings,
    demand_rows,
    demand_window,
    family_filter,
    run_query,
    turnover,
)

_SKU_SQL = """
WITH prod AS (
    SELECT p.sku, p.name, p.family, p.unit_cost, p.lead_time_days, p.safety_stock, p.moq
    FROM products p WHERE true{family}
),
demand AS NOT MATERIALIZED ({demand}),
on_hand AS (
    SELECT sku, on_hand, unit_cost FROM stock WHERE date = (SELECT max(date) FROM stock WHERE date <= $as_of)
),
monthly AS (
    SELECT sku, date_trunc('month', day) AS month, sum(quantity) AS quantity
    FROM demand WHERE day >= $ws AND day < $we GROUP BY ALL
),
stats AS (  -- mean and population variance over the window's n months, empty months counting 0
    SELECT sku, sum(quantity) / n AS mean, greatest(sum(quantity * quantity) / n - (sum(quantity) / n) ** 2, 0)
           AS variance
    FROM monthly, (SELECT nullif(date_diff('month', $ws::DATE, $we::DATE), 0) AS n) GROUP BY sku, n
),
last_demand AS (SELECT sku, max(day) AS day FROM demand WHERE day <= $as_of AND quantity > 0 GROUP BY sku),
forecast_month AS (  -- the latest monthly run's final forecast from as_of's month on, as daily rates
    SELECT sku, period, datediff('day', $as_of::DATE, greatest(period, $as_of::DATE))::DOUBLE AS offset_days,
           datediff('day', greatest(period, $as_of::DATE), period + INTERVAL 1 MONTH)::DOUBLE AS days,
           final / datediff('day', period, period + INTERVAL 1 MONTH) AS rate, rate * days AS need
    FROM ({final_forecast}) WHERE period >= date_trunc('month', $as_of::DATE)
),
_forecast AS (  -- before: units consumed in the earlier months (the current month counts from as_of)
    SELECT sku, offset_days, days, rate,
           sum(need) OVER (PARTITION BY sku ORDER BY period ROWS UNBOUNDED PRECEDING) - need AS before
    FROM forecast_month
),
forecast_error AS (  -- sigma of the latest run's first month from as_of's month on: 80% half-width / z(0.9)
    SELECT sku, arg_min((upper_80 - forecast) / $z80, period) AS sigma
    FROM forecast_values WHERE run_id = $run_id AND period >= date_trunc('month', $as_of::DATE) GROUP BY sku
),
forecast_cover AS (  -- the last month that starts with stock left is the one where it runs out (or the last)
    SELECT f.sku,
           coalesce(arg_max(f.offset_days + least((o.on_hand - f.before) / nullif(f.rate, 0), f.days), f.offset_days)
                    FILTER (WHERE f.before < o.on_hand), 0) AS coverage
    FROM _forecast f LEFT JOIN on_hand o ON o.sku = f.sku
    GROUP BY f.sku
),
base AS (
    SELECT p.sku, p.name, p.family, coalesce(o.on_hand, 0) AS on_hand,
           coalesce(o.unit_cost, p.unit_cost) AS unit_cost, p.unit_cost AS standard_cost,
           coalesce(s.mean, 0) AS mean, coalesce(sqrt(s.variance), 0) AS std, d.day AS last_demand,
           (year($as_of::DATE) * 12 + month($as_of::DATE)) - (year(d.day) * 12 + month(d.day)) - 1 AS months_since,
           f.coverage AS forecast_coverage, p.lead_time_days, p.safety_stock, p.moq,
           CASE WHEN $from_forecast THEN coalesce(e.sigma, sqrt(s.variance), 0)
                ELSE coalesce(sqrt(s.variance), 0) END AS safety_sigma
    FROM prod p
    LEFT JOIN on_hand o USING (sku) LEFT JOIN stats s USING (sku)
    LEFT JOIN last_demand d USING (sku) LEFT JOIN forecast_cover f USING (sku) LEFT JOIN forecast_error e USING (sku)
),
covered AS (
    SELECT *, mean / $days_per_month AS daily,
           CASE WHEN forecast_coverage IS NOT NULL THEN 'forecast'
                WHEN mean > 0 THEN 'recent demand' ELSE 'no demand' END AS coverage_source,
           CASE WHEN forecast_coverage IS NOT NULL THEN forecast_coverage
                WHEN mean > 0 THEN greatest(on_hand, 0) / (mean / $days_per_month) END AS coverage_days,
           mean * 12 * standard_cost AS annual_value
    FROM base
),
ranked AS (
    SELECT *,
           coalesce(sum(annual_value) OVER (ORDER BY annual_value DESC
               RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP), 0)
           / nullif(sum(annual_value) OVER (), 0) AS share_before
    FROM covered
)
SELECT sku, name, family, on_hand, unit_cost, on_hand * unit_cost AS value,
       mean AS avg_monthly_demand, std AS demand_std, std / nullif(mean, 0) AS demand_cv, annual_value,
       CASE WHEN NOT annual_value > 0 OR annual_value IS NULL THEN 'C'
            WHEN share_before < $abc_a THEN 'A' WHEN share_before < $abc_b THEN 'B' ELSE 'C' END AS abc,
       CASE WHEN mean > 0 AND std / mean <= $xyz_x THEN 'X'
            WHEN mean > 0 AND std / mean <= $xyz_y THEN 'Y' ELSE 'Z' END AS xyz,
       last_demand,
       (CASE WHEN last_demand IS NOT NULL THEN greatest(months_since, 0) END)::DOUBLE AS months_without_demand,
       coverage_days, coverage_source,
       CASE WHEN on_hand > 0 AND (last_demand IS NULL OR months_since >= $dead_months) THEN 'dead'
            WHEN coverage_days > $slow_days THEN 'slow'
            WHEN on_hand < safety_stock OR coverage_days < $under_days THEN 'understock'
            WHEN coverage_days > $over_days THEN 'overstock'
            ELSE 'ok' END AS status,
       safety_stock,
       $z * safety_sigma * sqrt(lead_time_days / $days_per_month) AS suggested_safety_stock,
       daily * lead_time_days + $z * safety_sigma * sqrt(lead_time_days / $days_per_month) AS reorder_point,
       sqrt(2 * nullif(mean * 12, 0) * $order_cost::DOUBLE / ($holding_rate::DOUBLE * nullif(unit_cost, 0))) AS eoq,
       moq
FROM ranked
ORDER BY sku
"""

SKU_COLUMNS = [
    "sku", "name", "family", "on_hand", "unit_cost", "value", "avg_monthly_demand", "demand_std", "demand_cv",
    "annual_value", "abc", "xyz", "last_demand", "months_without_demand", "coverage_days", "coverage_source",
    "status", "safety_stock", "suggested_safety_stock", "reorder_point", "eoq", "moq",
]


def _settings_params(settings: StockSettings) -> dict[str, Any]:
    """The thresholds `_SKU_SQL` reads, by name."""
    target = settings.target_cover_days
    return {
        "z": NormalDist().inv_cdf(settings.service_level), "abc_a": settings.abc_a, "abc_b": settings.abc_b,
        "xyz_x": settings.xyz_x, "xyz_y": settings.xyz_y, "dead_months": settings.dead_months,
        "slow_days": settings.slow_cover_days, "under_days": settings.under_ratio * target,
        "over_days": settings.over_ratio * target, "order_cost": settings.order_cost,
        "holding_rate": settings.holding_rate, "days_per_month": DAYS_PER_MONTH,
        "from_forecast": settings.safety_stock_from == "forecast", "z80": NormalDist().inv_cdf(0.9),
    }


def sku_stock(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS,
              settings: StockSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """One row per SKU of `products` (of the chosen families): stock, demand, classes, coverage, status.

    on_hand is the SKU's quantity at the last snapshot on or before `as_of` (0 when absent from it).
    Demand statistics cover the `history_months` complete months before `as_of`'s month (cut at
    the first month of demand), empty months counting 0. Coverage walks the latest monthly forecast
    when the SKU is in it (at least the horizon when stock outlasts it), else divides on_hand by the
    recent daily demand. A customer filter narrows the demand (statistics, classes, last demand,
    recent-demand coverage), never the stock nor the forecast. The period filter does not apply
    (this is the stock as of `as_of`).
    Columns: see SKU_COLUMNS; the README's "Stock rotation: definitions" gives every formula.
    """
    source = demand_source(store)
    start, end = demand_window(store, source, as_of, settings.history_months, stock=False)
    family, family_params = family_filter(filters)
    demand, demand_params = demand_rows(source, filters)
    sql = _SKU_SQL.format(family=family, demand=demand, final_forecast=FINAL_FORECAST_SQL)
    params = {"as_of": as_of, "ws": start, "we": end, "run_id": latest_run(store, "month"),
              **_settings_params(settings), **family_params, **demand_params}
    frame = run_query(store, sql, params)
    frame["last_demand"] = pd.to_datetime(frame["last_demand"])
    return frame[SKU_COLUMNS]


def abc_xyz_matrix(skus: pd.DataFrame) -> pd.DataFrame:
    """The 9 ABC x XYZ cells of a `sku_stock` frame: abc, xyz, skus, value, annual_value (0 when empty)."""
    cells = pd.MultiIndex.from_product([ABC_CLASSES, XYZ_CLASSES], names=["abc", "xyz"])
    counts = skus.groupby(["abc", "xyz"]).agg(
        skus=("sku", "size"), value=("value", "sum"), annual_value=("annual_value", "sum"))
    matrix = counts.reindex(cells, fill_value=0).reset_index()
    return matrix.astype({"skus": int, "value": float, "annual_value": float})


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summarise(skus: pd.DataFrame, total: pd.DataFrame, settings: StockSettings = DEFAULT_SETTINGS
              ) -> dict[str, float | int | None]:
    """The headline figures from a `sku_stock` frame and a `turnover(..., by="total")` frame: a page
    that shows both already has them. None where a figure is undefined (no stock, no demand).

    total_value, dead_stock_value and slow_value sum the SKUs' values by status; overstock_value
    is the value of overstock SKUs beyond over_ratio * target days of coverage, and excess_value
    beyond the target coverage itself, at each SKU's average consumption over its coverage:
    value * (coverage - limit) / coverage. at_risk_value is the stock at risk: dead + slow + excess.
    """
    over = skus[skus["status"] == "overstock"]

    def beyond(days: float) -> float:
        return float((over["value"] * (over["coverage_days"] - days) / over["coverage_days"]).sum())

    dead, slow = (float(skus.loc[skus["status"] == status, "value"].sum()) for status in ("dead", "slow"))
    excess = beyond(settings.target_cover_days)
    return {
        "total_value": float(skus["value"].sum()),
        "turnover": _finite(total["turnover"].iloc[0]),
        "days_of_inventory": _finite(total["days_of_inventory"].iloc[0]),
        "dead_stock_value": dead,
        "slow_value": slow,
        "overstock_value": beyond(settings.over_ratio * settings.target_cover_days),
        "excess_value": excess,
        "at_risk_value": dead + slow + excess,
        "understock_skus": int((skus["status"] == "understock").sum()),
        "coverage_median_days": _finite(skus["coverage_days"].median()),  # SKUs without coverage left out
        "skus": len(skus),
    }


def stock_summary(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS,
                  settings: StockSettings = DEFAULT_SETTINGS) -> dict[str, float | int | None]:
    """Headline figures as of `as_of` (see `summarise`); turnover and days_of_inventory are the
    total turnover over `history_months`, the period filter ignored like in `sku_stock`."""
    whole = turnover(store, as_of, replace(filters, start=None, end=None), "total", settings.history_months)
    return summarise(sku_stock(store, as_of, filters, settings), whole, settings)
