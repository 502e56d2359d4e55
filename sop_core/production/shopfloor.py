"""What the store knows about production, shaped for the delay engine (`production`): the open
manufacturing orders (OF) with their remaining work, the workshops, the closed history, and the
customer order lines each OF serves.

Remaining work of an open OF, first rule that applies (README "Production delays"):
1. hours_required known: hours_required - hours_done, or hours_required x (1 - progress) when
   only the progress is known;
2. otherwise quantity x products.hours_per_unit (the routing), x (1 - progress);
3. otherwise unknown: the OF is shown but loads nothing (hours_source = 'none').
An OF is open at the as-of date when it has no actual end before that day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sop_core.data import Store, not_cancelled
from sop_core.production.exposure import LINK_COLUMNS, lines_at_risk

DEFAULT_TOLERANCE_DAYS = 2.0
MATCH_WINDOW_DAYS = 30  # an OF ending over a month before a promise was not made for it

_OPEN_ORDERS = """
    WITH base AS (
        SELECT m.mo_id, m.sku, m.workshop, m.quantity, m.planned_start, m.planned_end,
               CASE WHEN m.actual_start < $1 THEN m.actual_start END AS actual_start,
               m.hours_required, m.hours_done, m.progress_pct / 100 AS progress_known,
               m.quantity * p.hours_per_unit AS routing_hours, m.priority, m.order_id
        FROM production_orders m LEFT JOIN products p USING (sku)
        WHERE m.actual_end IS NULL OR m.actual_end >= $1
    )
    SELECT mo_id, sku, workshop, quantity, planned_start, planned_end, actual_start, priority, order_id,
           coalesce(hours_required, routing_hours, 0) AS total_hours,
           CASE WHEN hours_required IS NOT NULL AND hours_done IS NOT NULL
                    THEN greatest(hours_required - hours_done, 0)
                WHEN hours_required IS NOT NULL THEN hours_required * (1 - coalesce(progress_known, 0))
                WHEN routing_hours IS NOT NULL THEN routing_hours * (1 - coalesce(progress_known, 0))
                ELSE 0 END AS remaining_hours,
           coalesce(progress_known,
                    CASE WHEN hours_required > 0 THEN least(coalesce(hours_done, 0) / hours_required, 1) END)
               AS progress,
           CASE WHEN hours_required IS NOT NULL THEN 'hours'
                WHEN routing_hours IS NOT NULL THEN 'routing' ELSE 'none' END AS hours_source
    FROM base ORDER BY mo_id"""


def open_orders(store: Store, as_of: dt.date) -> pd.DataFrame:
    """The OF still open at `as_of`, one row each, in the engine's columns: mo_id, sku, workshop,
    quantity, planned_start, planned_end, actual_start (NaT if not started before as_of), priority,
    order_id, total_hours, remaining_hours, progress (fraction), hours_source."""
    frame = store.query(_OPEN_ORDERS, [as_of])
    for column in ("planned_start", "planned_end", "actual_start"):
        frame[column] = pd.to_datetime(frame[column]).dt.date.where(frame[column].notna(), None)
    return frame


def workshops(store: Store) -> pd.DataFrame:
    """The workshops with their capacity and cost parameters; tolerance_days defaulted."""
    frame = store.query("SELECT * EXCLUDE (batch_id) FROM workshops ORDER BY workshop")
    frame["tolerance_days"] = frame["tolerance_days"].fillna(DEFAULT_TOLERANCE_DAYS)
    return frame


def closed_history(store: Store, as_of: dt.date, months: int = 12) -> pd.DataFrame:
    """OF closed in the `months` complete months before `as_of`'s month, per workshop and month of
    their actual end: closed, on_time (ended on or before the planned end), on_time_rate,
    avg_delay_days (calendar days late, over the late ones; 0 when none)."""
    first = (pd.Timestamp(as_of).to_period("M") - months).to_timestamp().date()
    return store.query(
        """
        SELECT workshop, date_trunc('month', actual_end)::DATE AS month, count(*)::BIGINT AS closed,
               count_if(actual_end <= planned_end)::BIGINT AS on_time,
               count_if(actual_end <= planned_end) / count(*) AS on_time_rate,
               coalesce(avg(datediff('day', planned_end, actual_end))
                        FILTER (WHERE actual_end > planned_end), 0) AS avg_delay_days
        FROM production_orders
        WHERE actual_end >= ? AND actual_end < date_trunc('month', ?::DATE)
        GROUP BY ALL ORDER BY workshop, month""",
        [first, as_of],
    )


_CUSTOMER_LINKS = f"""
    WITH open_lines AS (
        SELECT order_id, line, customer, sku, quantity, promised_date
        FROM orders
        WHERE (delivered_date IS NULL OR delivered_date >= $1) AND quantity > 0
          AND {not_cancelled("status")}
    ), linked AS (          -- the OF names the customer order: it serves that order's lines of its SKU
        SELECT l.*, p.mo_id, 'order' AS link
        FROM open_lines l JOIN open_of p ON p.order_id = l.order_id AND p.sku = l.sku
    ), by_sku AS (          -- otherwise the OF of the SKU planned to end last before the promise (within
                            -- MATCH_WINDOW_DAYS) was meant for it; a line with none is served from stock
        SELECT l.*, arg_max(p.mo_id, p.planned_end) AS mo_id, 'sku' AS link
        FROM open_lines l JOIN open_of p ON p.sku = l.sku AND p.planned_end <= l.promised_date
             AND p.planned_end >= l.promised_date - INTERVAL {MATCH_WINDOW_DAYS} DAY
        WHERE NOT EXISTS (SELECT 1 FROM linked k WHERE k.order_id = l.order_id AND k.line = l.line)
        GROUP BY ALL
    )
    SELECT * FROM linked UNION ALL BY NAME SELECT * FROM by_sku"""


def customer_links(store: Store, as_of: dt.date, orders: pd.DataFrame) -> pd.DataFrame:
    """The open customer order lines served by one of the open OF `orders` (mo_id, sku, order_id,
    planned_end): order_id, line, customer, sku, quantity, promised_date, mo_id, link ('order' when
    the OF names the order, 'sku' when it is the OF of that SKU planned to end last before the
    promise, within `MATCH_WINDOW_DAYS`). A line without such an OF is served from stock: not listed."""
    with store.cursor() as cur:
        cur.register("open_of", orders[["mo_id", "sku", "order_id", "planned_end"]])
        return cur.execute(_CUSTOMER_LINKS, [as_of]).df()[list(LINK_COLUMNS)]


def customer_impact(store: Store, as_of: dt.date, projected: pd.DataFrame) -> pd.DataFrame:
    """`customer_links` of the projected OF with their risk (`exposure.lines_at_risk`)."""
    return lines_at_risk(customer_links(store, as_of, projected), projected)
