"""What the store holds, in a few figures for the home page and the `status` command."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sop_core.data.store import Store


@dataclass(frozen=True)
class DataOverview:
    """Headline facts about the imported data, as of a date."""

    as_of: dt.date
    products: int
    families: int
    customers: int
    order_lines: int
    open_order_lines: int
    open_production_orders: int
    workshops: int
    stock_value: float
    stock_date: dt.date | None
    sales_months: int


def data_overview(store: Store, as_of: dt.date) -> DataOverview:
    """Counts and the value of the last stock snapshot on or before `as_of`, all in SQL."""
    row = store.row(
        """
        WITH last_stock AS (SELECT max(date) AS d FROM stock WHERE date <= ?)
        SELECT
            (SELECT count(*) FROM products),
            (SELECT count(DISTINCT family) FROM products),
            (SELECT count(DISTINCT customer) FROM orders),
            (SELECT count(*) FROM orders),
            (SELECT count(*) FROM orders WHERE delivered_date IS NULL OR delivered_date > ?),
            (SELECT count(*) FROM production_orders WHERE actual_end IS NULL OR actual_end > ?),
            (SELECT count(*) FROM workshops),
            (SELECT coalesce(sum(s.on_hand * coalesce(s.unit_cost, p.unit_cost, 0)), 0)
               FROM stock s LEFT JOIN products p USING (sku), last_stock
              WHERE s.date = last_stock.d),
            (SELECT d FROM last_stock),
            (SELECT count(DISTINCT date_trunc('month', date)) FROM sales WHERE date <= ?)
        """,
        [as_of, as_of, as_of, as_of],
    )
    return DataOverview(as_of, *row)
