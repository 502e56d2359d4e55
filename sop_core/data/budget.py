"""The budget as the plan reads it: units and euros per product family and month."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sop_core.data.store import Store

BUDGET_COLUMNS = ("family", "month", "quantity", "revenue")


def budget_by_family(store: Store, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """The budget per family and month (columns family, month, quantity, revenue), months from
    `start` to `end` included when given, in family then month order.

    A family's month is its family row when the file gave one; otherwise the sum of its SKUs' rows
    (each SKU counted in the family the products table gives it). A budget given at both levels is
    thus counted once, at the family's level. Quantity stays NULL (NaN) when no row gives units, and
    revenue likewise: a budget in euros only is not a budget of zero units. SKU rows with no units
    (or no revenue) add nothing to the sum of the others.
    """
    return store.query(
        """
        WITH family_rows AS (
            SELECT family, month, quantity, revenue FROM budget WHERE family IS NOT NULL
        ),
        sku_rows AS (
            SELECT p.family, b.month, sum(b.quantity) AS quantity, sum(b.revenue) AS revenue
              FROM budget b JOIN products p ON p.sku = b.sku
             WHERE b.family IS NULL AND b.sku IS NOT NULL
             GROUP BY p.family, b.month
        ),
        by_family AS (
            SELECT * FROM family_rows
            UNION ALL
            SELECT s.* FROM sku_rows s
             WHERE NOT EXISTS (SELECT 1 FROM family_rows f WHERE f.family = s.family AND f.month = s.month)
        )
        SELECT family, month, CAST(quantity AS DOUBLE) AS quantity, CAST(revenue AS DOUBLE) AS revenue
          FROM by_family
         WHERE (CAST(? AS DATE) IS NULL OR month >= ?) AND (CAST(? AS DATE) IS NULL OR month <= ?)
         ORDER BY family, month
        """,
        [start, start, end, end],
    )
