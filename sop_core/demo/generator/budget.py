"""The demo company's budget: units and euros per product family and month.

Set the way a controller sets one: each month's budget is the same month's sales of the last year
with sales (the as-of's year for the months to come, a year before for the months past), up 5 % a
year, in units and in euros at the products' prices; rounded as budgets are (hundreds of units,
hundreds of euros). It spans the twelve months before the as-of date (so the year to date has a
budget) and the months to the end of the next year (the plan's horizon).
"""

from __future__ import annotations

import pandas as pd

from sop_core.demo.generator.calendar import DEMO_AS_OF

BUDGET_COLUMNS: tuple[str, ...] = ("family", "month", "quantity", "revenue")
GROWTH_PER_YEAR = 1.05
MONTHS_BEFORE = 12  # the budget's past months, before the as-of's month


def budget_months() -> pd.DatetimeIndex:
    """First days of the budgeted months: the twelve before the as-of's month, to December of the
    year after it."""
    as_of_month = pd.Timestamp(DEMO_AS_OF).to_period("M")
    first = as_of_month - MONTHS_BEFORE
    last = pd.Period(f"{DEMO_AS_OF.year + 1}-12", freq="M")
    return pd.period_range(first, last, freq="M").to_timestamp()


def budget_frame(products: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """family, month (first day), quantity, revenue: one row per family and budgeted month."""
    priced = sales.merge(products[["sku", "family", "unit_price"]], on="sku", how="inner")
    priced = priced.assign(month=priced["date"].dt.to_period("M"),
                           revenue=priced["quantity"] * priced["unit_price"])
    monthly = priced.groupby(["family", "month"])[["quantity", "revenue"]].sum()
    last_sold = priced["month"].max()
    rows = []
    for family in sorted(products["family"].unique()):
        for month in budget_months().to_period("M"):
            years = 1
            while month - 12 * years > last_sold:  # the same month of the last year with sales
                years += 1
            reference = month - 12 * years
            sold = monthly.loc[(family, reference)] if (family, reference) in monthly.index else None
            units = 0.0 if sold is None else float(sold["quantity"])
            euros = 0.0 if sold is None else float(sold["revenue"])
            growth = GROWTH_PER_YEAR ** years
            rows.append({"family": family, "month": month.to_timestamp(),
                         "quantity": round(units * growth, -2), "revenue": round(euros * growth, -2)})
    frame = pd.DataFrame(rows, columns=list(BUDGET_COLUMNS))
    frame["month"] = pd.to_datetime(frame["month"])
    return frame
