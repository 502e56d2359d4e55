"""Service rate (taux de service): on time, in full, OTIF and fill rate of customer order lines.

Definitions (README "Service rate: definitions"), all judged as of a date, on what was known
before that day:
- a line is *measured* once its promised date is past (promised_date < as_of); cancelled lines and
  lines ordering nothing are left out;
- a delivery counts only if it happened before the as-of day; a delivery without a quantity
  delivered the whole line;
- *on time*: delivered on or before the promised date. An open line past its promise is late;
- *in full*: delivered quantity >= ordered quantity; *OTIF*: both;
- *fill rate*: quantity delivered on time (at most the ordered quantity) / quantity ordered;
- *days late*: delivery (or, for an open line, the as-of date) minus promised date, 0 when on time;
- an *order* is on time / in full / OTIF when all its measured lines are; its month is the latest
  promised date of those lines.
All rates are fractions (0.95 = 95%) computed in DuckDB SQL in one pass over `orders`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from sop_core.filters import NO_FILTERS, KpiFilters
from sop_core.store import Store

Dimension = Literal["total", "month", "customer", "family", "sku"]
Status = Literal["green", "orange", "red"]
# Status values meaning "cancelled", compared after lower-casing and stripping accents.
CANCELLED = ("annule", "annulee", "annulation", "cancelled", "canceled", "cancel")
# Buckets of days late for the distribution: (label, lowest, highest) in days, inclusive.
DELAY_BUCKETS = (("on time", 0, 0), ("1-2 days", 1, 2), ("3-7 days", 3, 7), ("8-14 days", 8, 14),
                 ("15-30 days", 15, 30), ("over 30 days", 31, None))
# Order-level rates exist for dimensions an order belongs to as a whole (not family or SKU).
_ORDER_LEVEL = {"total": "'total'", "month": "month", "customer": "customer"}
_LINE_KEYS = {"total": "'total'", "month": "month", "customer": "customer", "family": "family", "sku": "sku"}


@dataclass(frozen=True)
class ServiceSettings:
    """The target the meeting agreed on, and how far below it a rate turns red instead of orange."""

    target: float = 0.95
    orange_margin: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.target <= 1:
            raise ValueError(f"the service target must be between 0 and 100%, not {self.target:.0%}")
        if not 0 <= self.orange_margin < self.target:
            raise ValueError("the orange margin must be at least 0 and below the target "
                             f"(target {self.target:.0%}, margin {self.orange_margin:.0%})")

    def status(self, rate: float | None) -> Status | None:
        """green at or above the target, orange within the margin below it, red under that."""
        if rate is None or pd.isna(rate):
            return None
        if rate >= self.target - 1e-12:
            return "green"
        return "orange" if rate >= self.target - self.orange_margin - 1e-12 else "red"


DEFAULT_TARGET = ServiceSettings()


def _judged_lines_sql(filters: KpiFilters) -> tuple[str, list[Any]]:
    """The measured lines with their verdicts; parameter 1 is the as-of date."""
    where, params = filters.where(date="o.promised_date", family="p.family", customer="o.customer")
    cancelled = ", ".join(f"'{value}'" for value in CANCELLED)  # code constants, not user text
    sql = f"""
        lines AS (
            SELECT o.order_id, o.line, o.customer, o.sku, coalesce(p.family, '(none)') AS family,
                   coalesce(p.unit_price, 0) AS unit_price, o.quantity, o.promised_date,
                   date_trunc('month', o.promised_date)::DATE AS month,
                   CASE WHEN o.delivered_date < $1 THEN o.delivered_date END AS delivered,
                   CASE WHEN o.delivered_date < $1 THEN coalesce(o.delivered_quantity, o.quantity)
                        ELSE 0 END AS delivered_qty
            FROM orders o LEFT JOIN products p USING (sku)
            WHERE o.promised_date < $1 AND o.quantity > 0
              AND coalesce(lower(strip_accents(trim(o.status))), '') NOT IN ({cancelled}) {where}
        ), judged AS (
            SELECT *, coalesce(delivered <= promised_date, false) AS on_time,
                   delivered_qty >= quantity AS in_full,
                   greatest(datediff('day', promised_date, coalesce(delivered, $1)), 0) AS days_late,
                   delivered IS NULL AS open,
                   CASE WHEN delivered <= promised_date THEN least(delivered_qty, quantity) ELSE 0 END
                       AS on_time_qty
            FROM lines
        )"""
    return sql, params


def _numbered(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Turn the filters' `?` into `$2, $3...` so the as-of date can stay `$1` everywhere."""
    parts = sql.split("?")
    out = parts[0] + "".join(f"${i + 2}{part}" for i, part in enumerate(parts[1:]))
    return out, params


def _query(store: Store, as_of: dt.date, filters: KpiFilters, body: str) -> pd.DataFrame:
    cte, params = _numbered(*_judged_lines_sql(filters))
    return store.query(f"WITH {cte} {body}", [as_of, *params])


def service_by(
    store: Store, as_of: dt.date, dimension: Dimension = "total", filters: KpiFilters = NO_FILTERS,
    settings: ServiceSettings = DEFAULT_TARGET,
) -> pd.DataFrame:
    """One row per key of `dimension` (month, customer, family, SKU, or one 'total' row).

    Columns: key, lines, on_time_lines, in_full_lines, otif_lines, late_lines, open_late_lines,
    ordered_qty, on_time_qty, on_time, in_full, otif, fill_rate, avg_days_late (late lines only),
    late_value (ordered minus on-time quantity, at selling price), orders, orders_on_time,
    orders_otif (order-level, NULL by family or SKU), status (of the line OTIF against the target).
    """
    key = _LINE_KEYS[dimension]
    order_key = _ORDER_LEVEL.get(dimension)
    orders_cte = f"""
        , per_order AS (
            SELECT order_id, customer, max(month) AS month, bool_and(on_time) AS on_time,
                   bool_and(on_time AND in_full) AS otif
            FROM judged GROUP BY order_id, customer
        ), order_rates AS (
            SELECT {order_key} AS key, count(*)::BIGINT AS orders, avg(on_time::INT) AS orders_on_time,
                   avg(otif::INT) AS orders_otif
            FROM per_order GROUP BY ALL
        )""" if order_key else ""
    frame = _query(store, as_of, filters, f"""
        {orders_cte}
        , line_rates AS (
            SELECT {key} AS key, count(*)::BIGINT AS lines, count_if(on_time)::BIGINT AS on_time_lines,
                   count_if(in_full)::BIGINT AS in_full_lines, count_if(on_time AND in_full)::BIGINT AS otif_lines,
                   count_if(NOT on_time)::BIGINT AS late_lines, count_if(open)::BIGINT AS open_late_lines,
                   sum(quantity) AS ordered_qty, sum(on_time_qty) AS on_time_qty,
                   avg(on_time::INT) AS on_time, avg(in_full::INT) AS in_full,
                   avg((on_time AND in_full)::INT) AS otif, sum(on_time_qty) / sum(quantity) AS fill_rate,
                   avg(days_late) FILTER (WHERE days_late > 0) AS avg_days_late,
                   sum((quantity - on_time_qty) * unit_price) AS late_value
            FROM judged GROUP BY ALL
        )
        SELECT l.*, {"o.orders, o.orders_on_time, o.orders_otif" if order_key else
                     "NULL::BIGINT AS orders, NULL::DOUBLE AS orders_on_time, NULL::DOUBLE AS orders_otif"}
        FROM line_rates l {"LEFT JOIN order_rates o USING (key)" if order_key else ""}
        ORDER BY l.key""")
    frame["status"] = frame["otif"].map(settings.status)
    return frame


def service_summary(
    store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, settings: ServiceSettings = DEFAULT_TARGET
) -> dict[str, Any]:
    """The headline figures: the one 'total' row of `service_by` as a dict. Without any measured
    line the counts are 0 and the rates None (a rate of nothing is not 0%)."""
    frame = service_by(store, as_of, "total", filters, settings)
    row = frame.iloc[0].drop("key").to_dict() if len(frame) else {}
    if not row.get("lines"):
        return {name: (0 if name.endswith(("lines", "qty")) or name == "orders" else None)
                for name in frame.columns.drop("key")}
    return {name: (None if pd.isna(value) else value) for name, value in row.items()}


def late_lines(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS) -> pd.DataFrame:
    """The lines not delivered on time, worst first: the drill-down the meeting asks for.

    Columns: order_id, line, customer, sku, family, quantity, promised_date, delivered_date,
    delivered_qty, open, days_late, in_full, missing_value (quantity not delivered on time, at
    selling price)."""
    return _query(store, as_of, filters, """
        SELECT order_id, line, customer, sku, family, quantity, promised_date,
               delivered AS delivered_date, delivered_qty, open, days_late, in_full,
               (quantity - on_time_qty) * unit_price AS missing_value
        FROM judged WHERE NOT on_time
        ORDER BY days_late DESC, missing_value DESC, order_id, line""")


def delay_distribution(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS) -> pd.DataFrame:
    """Lines per bucket of days late (`DELAY_BUCKETS`), delivered and still open apart.

    Columns: bucket, delivered_lines, open_lines; every bucket present, in order."""
    counts = _query(store, as_of, filters, """
        SELECT days_late, count_if(NOT open)::BIGINT AS delivered_lines, count_if(open)::BIGINT AS open_lines
        FROM judged GROUP BY days_late""")
    rows = []
    for label, low, high in DELAY_BUCKETS:
        inside = (counts["days_late"] >= low) & (counts["days_late"] <= (high if high is not None else 10**9))
        rows.append({"bucket": label, "delivered_lines": int(counts.loc[inside, "delivered_lines"].sum()),
                     "open_lines": int(counts.loc[inside, "open_lines"].sum())})
    return pd.DataFrame(rows)


def customers_most_hurt(
    store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS,
    settings: ServiceSettings = DEFAULT_TARGET, limit: int = 10,
) -> pd.DataFrame:
    """The customers with the most value not delivered on time, then the lowest OTIF."""
    frame = service_by(store, as_of, "customer", filters, settings)
    frame = frame[frame["late_lines"] > 0]
    return frame.sort_values(["late_value", "otif"], ascending=[False, True]).head(limit).reset_index(drop=True)
