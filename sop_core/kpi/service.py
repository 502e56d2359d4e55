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

from sop_core.data import Store, not_cancelled
from sop_core.kpi.filters import NO_FILTERS, KpiFilters

DIMENSIONS = ("month", "customer", "family", "sku")
Status = Literal["green", "orange", "red"]
# Buckets of days late for the distribution: (label, lowest, highest) in days, inclusive.
DELAY_BUCKETS = (("on time", 0, 0), ("1-2 days", 1, 2), ("3-7 days", 3, 7), ("8-14 days", 8, 14),
                 ("15-30 days", 15, 30), ("over 30 days", 31, None))
# GROUPING(month, customer, sku, days_late) of each grouping set: a bit is 1 where a column is not grouped.
_MASKS = {"month": 7, "customer": 11, "sku": 13, "days_late": 14}


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
    """The measured lines with their verdicts; parameter `$1` is the as-of date."""
    where, params = filters.where(date="o.promised_date", family="p.family", customer="o.customer")
    where = _numbered(where)
    sql = f"""
        WITH lines AS (
            SELECT o.order_id, o.line, o.customer, o.sku, coalesce(p.family, '(none)') AS family,
                   coalesce(p.unit_price, 0) AS unit_price, o.quantity, o.promised_date,
                   date_trunc('month', o.promised_date)::DATE AS month,
                   CASE WHEN o.delivered_date < $1 THEN o.delivered_date END AS delivered,
                   CASE WHEN o.delivered_date < $1 THEN coalesce(o.delivered_quantity, o.quantity)
                        ELSE 0 END AS delivered_qty
            FROM orders o LEFT JOIN products p USING (sku)
            WHERE o.promised_date < $1 AND o.quantity > 0
              AND {not_cancelled("o.status")} {where}
        )
        SELECT *, coalesce(delivered <= promised_date, false) AS on_time,
               delivered_qty >= quantity AS in_full,
               greatest(datediff('day', promised_date, coalesce(delivered, $1)), 0) AS days_late,
               delivered IS NULL AS open,
               CASE WHEN delivered <= promised_date THEN least(delivered_qty, quantity) ELSE 0 END AS on_time_qty
        FROM lines"""
    return sql, params


def _numbered(sql: str) -> str:
    """Turn the filters' `?` into `$2, $3...` so the as-of date can stay `$1` everywhere."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${i + 2}{part}" for i, part in enumerate(parts[1:]))


# Every breakdown in one pass: GROUPING SETS, each row tagged by the dimension it belongs to. The
# family and total rows are sums of the SKU rows (a SKU has one family), made in pandas: two
# grouping sets fewer. Only sums and counts run in SQL (the rates follow in `_rates`). A line is
# late exactly when days_late > 0, so the delay of late lines is days_late_sum / late_lines.
_GROUPED = ("month", "customer", "sku", "days_late")
_SUMS = ["lines", "on_time_lines", "in_full_lines", "otif_lines", "open_late_lines", "ordered_qty",
         "on_time_qty", "days_late_sum", "late_value"]
_LINE_RATES = f"""
    SELECT CASE {" ".join(f"WHEN GROUPING({', '.join(_GROUPED)}) = {mask} THEN '{name}'"
                          for name, mask in _MASKS.items())} END AS dimension,
           {", ".join(_GROUPED)}, any_value(family) AS sku_family,
           count(*)::BIGINT AS lines, count_if(on_time)::BIGINT AS on_time_lines,
           count_if(in_full)::BIGINT AS in_full_lines, count_if(on_time AND in_full)::BIGINT AS otif_lines,
           count_if(open)::BIGINT AS open_late_lines, sum(quantity) AS ordered_qty,
           sum(on_time_qty) AS on_time_qty, sum(days_late) AS days_late_sum,
           sum((quantity - on_time_qty) * unit_price) AS late_value
    FROM judged GROUP BY GROUPING SETS ({", ".join(f"({d})" for d in _GROUPED)})"""
_ORDER_RATES = """
    , per_order AS (
        SELECT order_id, customer, max(month) AS month, bool_and(on_time) AS on_time,
               bool_and(on_time AND in_full) AS otif
        FROM judged GROUP BY order_id, customer
    )
    SELECT CASE GROUPING(month, customer) WHEN 3 THEN 'total' WHEN 1 THEN 'month' ELSE 'customer' END
               AS dimension, month, customer, count(*)::BIGINT AS orders,
           count_if(on_time)::BIGINT AS orders_on_time_n, count_if(otif)::BIGINT AS orders_otif_n
    FROM per_order GROUP BY GROUPING SETS ((), (month), (customer))"""
_LATE_LINES = """
    SELECT order_id, line, customer, sku, family, quantity, promised_date, delivered AS delivered_date,
           delivered_qty, open, days_late, in_full, (quantity - on_time_qty) * unit_price AS missing_value
    FROM judged WHERE NOT on_time
    ORDER BY days_late DESC, missing_value DESC, order_id, line"""
LATE_LINES_SHOWN = 1000  # the report keeps the worst ones; `late_lines` gives them all (downloads)


@dataclass(frozen=True)
class ServiceReport:
    """Everything the Service rate page shows, from three queries over `orders`.

    `by[dimension]` (total, month, customer, family, sku): one row per key with columns key, lines,
    on_time_lines, in_full_lines, otif_lines, late_lines, open_late_lines, ordered_qty, on_time_qty,
    on_time, in_full, otif, fill_rate, avg_days_late (late lines only), late_value (ordered minus
    on-time quantity, at selling price), orders, orders_on_time, orders_otif (order level: NULL by
    family or SKU, an order having no single one), status (of the line OTIF against the target).
    `distribution`: bucket, delivered_lines, open_lines (`DELAY_BUCKETS`, all present, in order).
    `worst_late_lines`: the `LATE_LINES_SHOWN` latest lines (see `late_lines`).
    """

    by: dict[str, pd.DataFrame]
    distribution: pd.DataFrame
    worst_late_lines: pd.DataFrame

    @property
    def summary(self) -> dict[str, Any]:
        """The total row as a dict. Without any measured line the counts are 0 and the rates None
        (a rate of nothing is not 0%)."""
        total = self.by["total"]
        if total.empty or not total["lines"].iloc[0]:
            return {name: (0 if name.endswith(("lines", "qty")) or name == "orders" else None)
                    for name in total.columns.drop("key")}
        row = total.iloc[0].drop("key").to_dict()
        return {name: (None if pd.isna(value) else value) for name, value in row.items()}

    def customers_most_hurt(self, limit: int = 10) -> pd.DataFrame:
        """The customers with the most value not delivered on time, then the lowest OTIF."""
        frame = self.by["customer"]
        frame = frame[frame["late_lines"] > 0]
        return frame.sort_values(["late_value", "otif"], ascending=[False, True]).head(limit).reset_index(drop=True)


def named_key(breakdown: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """A breakdown with its `key` column named after its dimension (customer, family, sku, month),
    so that a table or a download heads it "Client", "Famille"... rather than "Clé"."""
    return breakdown.rename(columns={"key": dimension})


def _judged(store: Store, as_of: dt.date, filters: KpiFilters, body: str) -> pd.DataFrame:
    """`body` run after `WITH judged AS (...)`. Re-judging the lines in each query is cheaper than
    materialising them: DuckDB scans and joins 500,000 lines faster than it writes a table of them."""
    sql, params = _judged_lines_sql(filters)
    return store.query(f"WITH judged AS ({sql}) {body}", [as_of, *params])


def service_report(
    store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, settings: ServiceSettings = DEFAULT_TARGET
) -> ServiceReport:
    """Line rates of every breakdown and the delay distribution (one query), order rates (one),
    and the worst late lines (one); the rates of all breakdowns are then derived in one pass."""
    lines = _keyed(_with_family_and_total(_judged(store, as_of, filters, _LINE_RATES)))
    orders = _keyed(_judged(store, as_of, filters, _ORDER_RATES))
    worst = _judged(store, as_of, filters, f"{_LATE_LINES} LIMIT {LATE_LINES_SHOWN}")
    rated = _rates(lines[lines["dimension"] != "days_late"].merge(
        orders[["dimension", "key", "orders", "orders_on_time_n", "orders_otif_n"]], on=["dimension", "key"],
        how="left"))
    rated["status"] = rated["otif"].map(settings.status)
    parts = dict(tuple(rated.groupby("dimension", sort=False)))
    by = {name: (parts[name] if name in parts else rated.iloc[:0])[[*_COLUMNS, "status"]]
          .sort_values("key").reset_index(drop=True) for name in ("total", *DIMENSIONS)}
    by["month"]["key"] = pd.to_datetime(by["month"]["key"])  # the shared key column is object-typed
    return ServiceReport(by, _bucketed(lines[lines["dimension"] == "days_late"]), worst)


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """One `key` column holding, on each row, the value of the dimension the row belongs to."""
    key = pd.Series("total", index=frame.index, dtype=object)
    for name in ("month", "customer", "family", "sku", "days_late"):
        if name in frame:
            rows = frame["dimension"] == name
            key[rows] = frame.loc[rows, name]
    return frame.assign(key=key)


def _with_family_and_total(lines: pd.DataFrame) -> pd.DataFrame:
    """Add the family rows and the total row, summed from the SKU rows."""
    skus = lines[lines["dimension"] == "sku"]
    family = skus.groupby("sku_family", as_index=False)[_SUMS].sum().rename(columns={"sku_family": "family"})
    total = pd.DataFrame([skus[_SUMS].sum()])  # zeros when no line is measured
    counts = [name for name in _SUMS if name.endswith("lines")]
    return pd.concat([lines, family.assign(dimension="family"), total.assign(dimension="total")],
                     ignore_index=True).astype(dict.fromkeys(counts, "int64"))


def late_lines(store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS) -> pd.DataFrame:
    """Every line not delivered on time, worst first: order_id, line, customer, sku, family,
    quantity, promised_date, delivered_date, delivered_qty, open, days_late, in_full, missing_value
    (quantity not delivered on time, at selling price)."""
    return _judged(store, as_of, filters, _LATE_LINES)


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates from the counts and sums; a rate over no line or no order stays empty (NaN)."""
    lines = frame["lines"].where(frame["lines"] > 0)
    late = frame["lines"] - frame["on_time_lines"]
    orders = frame["orders"].where(frame["orders"] > 0)
    return frame.assign(
        late_lines=late, on_time=frame["on_time_lines"] / lines, in_full=frame["in_full_lines"] / lines,
        otif=frame["otif_lines"] / lines,
        fill_rate=frame["on_time_qty"] / frame["ordered_qty"].where(frame["ordered_qty"] > 0),
        avg_days_late=frame["days_late_sum"] / late.where(late > 0),
        orders_on_time=frame["orders_on_time_n"] / orders, orders_otif=frame["orders_otif_n"] / orders,
    )


_COLUMNS = ["key", "lines", "on_time_lines", "in_full_lines", "otif_lines", "late_lines", "open_late_lines",
            "ordered_qty", "on_time_qty", "on_time", "in_full", "otif", "fill_rate", "avg_days_late", "late_value",
            "orders", "orders_on_time", "orders_otif"]


def _bucketed(per_day: pd.DataFrame) -> pd.DataFrame:
    """Lines per bucket of days late, delivered and still open apart."""
    delivered, still_open = per_day["lines"] - per_day["open_late_lines"], per_day["open_late_lines"]
    rows = []
    for label, low, high in DELAY_BUCKETS:
        inside = per_day["days_late"].between(low, high if high is not None else float("inf"))
        rows.append({"bucket": label, "delivered_lines": int(delivered[inside].sum()),
                     "open_lines": int(still_open[inside].sum())})
    return pd.DataFrame(rows)


def service_summary(
    store: Store, as_of: dt.date, filters: KpiFilters = NO_FILTERS, settings: ServiceSettings = DEFAULT_TARGET
) -> dict[str, Any]:
    """The headline figures only (`ServiceReport.summary`), for the CLI and the home page."""
    return service_report(store, as_of, filters, settings).summary
