"""Stock rotation ("rotation des stocks"): value, turnover, coverage, ABC/XYZ and stock status.

Every aggregation runs in DuckDB SQL from the store; Python only chooses the window and the
columns (code constants, never user text) and binds every value as a named parameter ($as_of...).
The per-SKU table is one query; `summarise` turns it into the headline figures.

Conventions (the README repeats them, see "Stock rotation: definitions"):
- Stock is valued at cost: on_hand * coalesce(stock.unit_cost, products.unit_cost). A SKU absent
  from a snapshot holds 0 units at that date; stock of a SKU missing from `products` is left out.
- Demand is `sales` when the store has sales, else `orders` by order date (`demand.demand_source`);
  the cost of goods sold (COGS) is demand quantity * products.unit_cost.
- Windows are complete months before the as-of date's month. Turnover windows start no earlier
  than the first month that has both a stock snapshot and demand (a store with 6 months of data
  gets 6-month figures, never 12 months of COGS over 6 months of stock); demand statistics start
  no earlier than the first month of demand.
- Filters: families restrict products everywhere; customers restrict the demand rows only
  (sales and orders both have a customer column) - stock and forecasts are not per customer, so
  they are never filtered by customer. The period (`start`/`end`) picks the snapshot dates of
  `inventory_value`, the months shown by `turnover_trend` and narrows the window of `turnover`;
  `sku_stock` and `stock_summary` describe the stock as of `as_of` and ignore it.
- Nothing reads the clock: `as_of` is always passed in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import pandas as pd

from sop_core.common import next_period
from sop_core.data import Store, not_cancelled
from sop_core.forecast import FINAL_FORECAST_SQL, demand_source, latest_run
from sop_core.kpi.filters import NO_FILTERS, KpiFilters

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
ABC_CLASSES = ("A", "B", "C")
XYZ_CLASSES = ("X", "Y", "Z")
STATUSES = ("dead", "slow", "understock", "overstock", "ok")
# Grouping key of each `by`; the SQL expressions are code constants.
KEYS = {"total": "'total'", "family": "p.family", "sku": "p.sku"}
# Date column of each demand table.
DEMAND_DAY = {"sales": "date", "orders": "order_date"}


@dataclass(frozen=True)
class StockSettings:
    """Thresholds of the classes and statuses, and the inputs of safety stock and EOQ."""

    abc_a: float = 0.80  # cumulative value share closing class A
    abc_b: float = 0.95  # ... class B; C is the rest
    xyz_x: float = 0.5  # coefficient of variation of monthly demand closing class X
    xyz_y: float = 1.0  # ... class Y; Z above (and SKUs with no demand)
    history_months: int = 12  # window for turnover, ABC, XYZ, demand statistics
    dead_months: int = 6  # no demand for this many months and stock on hand -> dead stock
    slow_cover_days: float = 180  # some demand but coverage above this -> slow mover
    target_cover_days: float = 30
    under_ratio: float = 0.5  # coverage below under_ratio * target (or below safety stock) -> understock
    over_ratio: float = 2.0  # coverage above over_ratio * target -> overstock
    service_level: float = 0.95  # cycle service level for the safety stock
    order_cost: float | None = None  # EUR per order/set-up; EOQ only when this and holding_rate are set
    holding_rate: float | None = None  # yearly holding cost as a fraction of unit cost

    def __post_init__(self) -> None:
        if not 0 < self.abc_a < self.abc_b <= 1:
            raise ValueError(f"ABC shares need 0 < abc_a < abc_b <= 1 (got {self.abc_a}, {self.abc_b}): "
                             "for example abc_a=0.8, abc_b=0.95")
        if not 0 < self.xyz_x < self.xyz_y:
            raise ValueError(f"XYZ limits need 0 < xyz_x < xyz_y (got {self.xyz_x}, {self.xyz_y}): "
                             "for example xyz_x=0.5, xyz_y=1.0")
        if not 0 < self.service_level < 1:
            raise ValueError(f"service_level is a probability strictly between 0 and 1, not {self.service_level}: "
                             "write 0.95 for 95%")
        for name in ("history_months", "dead_months"):
            _check_months(name, getattr(self, name))
        for name in ("slow_cover_days", "target_cover_days"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be a positive number of days, not {getattr(self, name)}")
        if not 0 < self.under_ratio < self.over_ratio:
            raise ValueError(f"ratios need 0 < under_ratio < over_ratio (got {self.under_ratio}, "
                             f"{self.over_ratio}): for example 0.5 and 2")
        if (self.order_cost is None) != (self.holding_rate is None):
            raise ValueError("EOQ needs both order_cost and holding_rate: set both, or neither")
        for name in ("order_cost", "holding_rate"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive (or None for no EOQ), not {value}")


def _check_months(name: str, months: int) -> None:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"{name} must be a whole number of months, at least 1, not {months!r}")


DEFAULT_SETTINGS = StockSettings()


def _check_by(by: str, allowed: tuple[str, ...]) -> None:
    if by not in allowed:
        raise ValueError(f"by must be one of {', '.join(allowed)}, not {by!r}")


def _named(sql: str, params: list[Any], prefix: str) -> tuple[str, dict[str, Any]]:
    """A `KpiFilters.where` clause with its `?` renamed $prefix0, $prefix1... The queries below bind
    by name: values written inline (not read from a one-row CTE) let DuckDB push the date filters
    down into the table scans, about 3x faster on large tables."""
    parts = sql.split("?")
    named = parts[0] + "".join(f"${prefix}{i}{part}" for i, part in enumerate(parts[1:]))
    return named, {f"{prefix}{i}": value for i, value in enumerate(params)}


def _family(filters: KpiFilters) -> tuple[str, dict[str, Any]]:
    return _named(*filters.where(family="p.family"), "family")


def _demand(source: str, filters: KpiFilters) -> tuple[str, dict[str, Any]]:
    """The demand rows (sku, day, quantity) of `source` as a subquery, filtered by customer."""
    where, params = _named(*filters.where(customer="customer"), "customer")
    live = f" AND {not_cancelled('status')}" if source == "orders" else ""
    return f"SELECT sku, {DEMAND_DAY[source]} AS day, quantity FROM {source} WHERE true{live}{where}", params


def _data_start(store: Store, source: str, stock: bool) -> dt.date | None:
    """First month with demand (and with a stock snapshot when `stock`); None when there is none."""
    row = store.row(f"SELECT (SELECT min({DEMAND_DAY[source]}) FROM {source}), (SELECT min(date) FROM stock)")
    firsts: list[dt.date | None] = [row[0], row[1]] if stock else [row[0]]
    known = [first for first in firsts if first is not None]
    return max(known).replace(day=1) if len(known) == len(firsts) else None


def _window(store: Store, source: str, as_of: dt.date, months: int, stock: bool,
            filters: KpiFilters = NO_FILTERS) -> tuple[dt.date, dt.date]:
    """[start, end) of the `months` complete months before `as_of`'s month, cut to the data and the period.

    Empty (start == end) when the store has no data in it.
    """
    end = as_of.replace(day=1)
    start = next_period(end, "month", -months)
    first = _data_start(store, source, stock)
    start = max(start, first) if first else end
    if filters.start:
        start = max(start, filters.start)
    if filters.end:
        end = min(end, filters.end + dt.timedelta(days=1))
    return start, max(start, end)


def _query(store: Store, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run a query with named parameters on its own cursor (`Store.query` binds by position)."""
    with store.cursor() as cur:
        return cur.execute(sql, params).df()


def inventory_value(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, by: str = "total") -> pd.DataFrame:
    """Units and value at cost of each stock snapshot on or before `as_of`: date, key, units, value.

    `key` is "total" or the family. The period filters the snapshot dates.
    """
    _check_by(by, ("total", "family"))
    where, params = _named(*filters.where(date="s.date", family="p.family"), "f")
    frame = _query(
        store,
        f"""
        SELECT s.date, {KEYS[by]} AS key, sum(s.on_hand) AS units,
               coalesce(sum(s.on_hand * coalesce(s.unit_cost, p.unit_cost)), 0) AS value
        FROM stock s JOIN products p USING (sku)
        WHERE s.date <= $as_of{where}
        GROUP BY ALL ORDER BY s.date, key
        """,
        {"as_of": as_of, **params},
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


# Turnover over the window [$ws, $we): COGS / mean total value at the window's snapshot dates.
_TURNOVER_SQL = """
WITH prod AS (SELECT p.sku, {key} AS key, p.unit_cost FROM products p WHERE true{family}),
keys AS ({keys}),
dates AS (SELECT count(DISTINCT date) AS n FROM stock WHERE date >= $ws AND date < $we),
stock_value AS (
    SELECT p.key, sum(s.on_hand * coalesce(s.unit_cost, p.unit_cost)) AS value
    FROM stock s JOIN prod p USING (sku) WHERE s.date >= $ws AND s.date < $we GROUP BY 1
), cogs AS (
    SELECT p.key, sum(d.quantity * p.unit_cost) AS cogs
    FROM ({demand}) d JOIN prod p USING (sku) WHERE d.day >= $ws AND d.day < $we GROUP BY 1
), figures AS (
    SELECT k.key, coalesce(c.cogs, 0) AS cogs, coalesce(v.value, 0) / nullif(dates.n, 0) AS average_stock_value,
           ($we::DATE - $ws::DATE)::DOUBLE AS window_days
    FROM keys k CROSS JOIN dates LEFT JOIN stock_value v USING (key) LEFT JOIN cogs c USING (key)
)
SELECT key, cogs, average_stock_value, cogs / nullif(average_stock_value, 0) AS turnover,
       average_stock_value * window_days / nullif(cogs, 0) AS days_of_inventory, window_days
FROM figures ORDER BY key
"""


def turnover(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, by: str = "total",
             months: int = 12) -> pd.DataFrame:
    """Stock turnover over the `months` complete months before `as_of`'s month, per total, family or SKU.

    Columns: key, cogs, average_stock_value, turnover, days_of_inventory, window_days.
    turnover = COGS / average stock value, the average being the mean of the value at each
    snapshot date of the window (a SKU absent from a snapshot counts 0 there);
    days_of_inventory = window_days / turnover = average value / COGS per day.
    turnover is NaN when the average value is 0 (or there is no snapshot in the window);
    days_of_inventory is NaN when COGS is 0. The window is cut to the data and to the period.
    """
    _check_by(by, tuple(KEYS))
    _check_months("months", months)
    source = demand_source(store)
    start, end = _window(store, source, as_of, months, stock=True, filters=filters)
    family, family_params = _family(filters)
    demand, demand_params = _demand(source, filters)
    keys = "SELECT 'total' AS key" if by == "total" else "SELECT DISTINCT key FROM prod"
    sql = _TURNOVER_SQL.format(key=KEYS[by], family=family, keys=keys, demand=demand)
    return _query(store, sql, {"ws": start, "we": end, **family_params, **demand_params})


def total_turnover(by_family: pd.DataFrame) -> pd.DataFrame:
    """The total row of `turnover` from its family rows (sums of COGS and of average values: every
    family is averaged over the same snapshot dates), for a page that already has the families."""
    cogs, value = by_family["cogs"].sum(), by_family["average_stock_value"].sum()
    days = by_family["window_days"].iloc[0] if len(by_family) else float("nan")
    return pd.DataFrame([{"key": "total", "cogs": cogs, "average_stock_value": value,
                          "turnover": cogs / value if value else float("nan"),
                          "days_of_inventory": days * value / cogs if cogs else float("nan"),
                          "window_days": days}])


# Rolling turnover: per month, the trailing window's COGS and mean snapshot value (window functions).
_TREND_SQL = """
WITH prod AS (SELECT p.sku, p.unit_cost FROM products p WHERE true{family}),
snapshots AS (
    SELECT date_trunc('month', date)::DATE AS month, count(DISTINCT date) AS snapshots
    FROM stock WHERE date >= $first_month AND date < $end GROUP BY 1
), stock_value AS (
    SELECT date_trunc('month', s.date)::DATE AS month, sum(s.on_hand * coalesce(s.unit_cost, p.unit_cost)) AS value
    FROM stock s JOIN prod p USING (sku) WHERE s.date >= $first_month AND s.date < $end GROUP BY 1
), cogs AS (
    SELECT date_trunc('month', d.day)::DATE AS month, sum(d.quantity * p.unit_cost) AS cogs
    FROM ({demand}) d JOIN prod p USING (sku) WHERE d.day >= $first_month AND d.day < $end GROUP BY 1
), grid AS (
    SELECT unnest(generate_series($first_month::DATE, $end::DATE - INTERVAL 1 MONTH, INTERVAL 1 MONTH))::DATE AS month
), rolled AS (
    SELECT g.month, coalesce(n.snapshots, 0) AS own_snapshots,
           sum(coalesce(c.cogs, 0)) OVER w AS cogs, sum(coalesce(v.value, 0)) OVER w AS value,
           sum(coalesce(n.snapshots, 0)) OVER w AS snapshots, min(g.month) OVER w AS window_start
    FROM grid g LEFT JOIN snapshots n USING (month) LEFT JOIN stock_value v USING (month)
    LEFT JOIN cogs c USING (month)
    WINDOW w AS (ORDER BY g.month ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW)
), figures AS (
    SELECT month, cogs, value / nullif(snapshots, 0) AS average_value,
           (last_day(month) - window_start + 1)::DOUBLE AS window_days, own_snapshots
    FROM rolled
)
SELECT month, cogs AS cogs_12m, average_value, cogs / nullif(average_value, 0) AS turnover,
       average_value * window_days / nullif(cogs, 0) AS days_of_inventory, window_days
FROM figures WHERE own_snapshots > 0{period}
ORDER BY month
"""


def turnover_trend(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, months: int = 12) -> pd.DataFrame:
    """Rolling turnover: one row per complete month before `as_of`'s month that has a stock snapshot.

    Columns: month (first day), cogs_12m (COGS of the trailing `months` months), average_value,
    turnover, days_of_inventory, window_days; the same formulas as `turnover`. A trailing window
    starts no earlier than the data (the first months have shorter windows: compare their
    days_of_inventory, not their turnover). The period picks the months whose last day is in it.
    """
    _check_months("months", months)
    source = demand_source(store)
    family, family_params = _family(filters)
    demand, demand_params = _demand(source, filters)
    period, period_params = _named(*filters.where(date="last_day(month)"), "period")
    sql = _TREND_SQL.format(family=family, demand=demand, preceding=months - 1, period=period)
    params = {"first_month": _data_start(store, source, stock=True), "end": as_of.replace(day=1),
              **family_params, **demand_params, **period_params}
    frame = _query(store, sql, params)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


# One row per SKU of `products`: stock at the last snapshot, demand statistics over the window
# [$ws, $we), coverage (forecast walk, else recent demand), ABC, XYZ, status, safety stock, ROP, EOQ.
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
           f.coverage AS forecast_coverage, p.lead_time_days, p.safety_stock, p.moq
    FROM prod p
    LEFT JOIN on_hand o USING (sku) LEFT JOIN stats s USING (sku)
    LEFT JOIN last_demand d USING (sku) LEFT JOIN forecast_cover f USING (sku)
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
       $z * std * sqrt(lead_time_days / $days_per_month) AS suggested_safety_stock,
       daily * lead_time_days + $z * std * sqrt(lead_time_days / $days_per_month) AS reorder_point,
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
    start, end = _window(store, source, as_of, settings.history_months, stock=False)
    family, family_params = _family(filters)
    demand, demand_params = _demand(source, filters)
    sql = _SKU_SQL.format(family=family, demand=demand, final_forecast=FINAL_FORECAST_SQL)
    params = {"as_of": as_of, "ws": start, "we": end, "run_id": latest_run(store, "month"),
              **_settings_params(settings), **family_params, **demand_params}
    frame = _query(store, sql, params)
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
    is the value of overstock SKUs beyond over_ratio * target days of coverage, at each SKU's
    average consumption over its coverage: value * (coverage - limit) / coverage.
    """
    limit = settings.over_ratio * settings.target_cover_days
    over = skus[skus["status"] == "overstock"]
    excess = over["value"] * (over["coverage_days"] - limit) / over["coverage_days"]
    return {
        "total_value": float(skus["value"].sum()),
        "turnover": _finite(total["turnover"].iloc[0]),
        "days_of_inventory": _finite(total["days_of_inventory"].iloc[0]),
        "dead_stock_value": float(skus.loc[skus["status"] == "dead", "value"].sum()),
        "slow_value": float(skus.loc[skus["status"] == "slow", "value"].sum()),
        "overstock_value": float(excess.sum()),
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
