"""What the figures of a column are, for every layer that shows or writes them (the pages' tables,
the spreadsheet files, the meeting pack).

A column's values alone cannot say whether 0.84 is a rate or a quantity, nor whether 1 250 is in
euros: the columns of sop_core's frames holding fractions and euros are named here, once. Dates and
whole numbers are read from the values.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["MONEY_COLUMNS", "PLAIN_NUMBER_SUFFIXES", "RATIO_COLUMNS", "ColumnKind", "column_decimals",
           "column_kind"]

# ratio: a fraction (0.841 is 84,1 %); count: a whole number; decimal: a measure (hours, days);
# identifier: a number read as a name (an id, a year); month: a date standing for its month.
ColumnKind = Literal["text", "ratio", "money", "count", "decimal", "identifier", "date", "month", "timestamp"]

RATIO_COLUMNS = frozenset({
    "on_time", "in_full", "otif", "fill_rate", "orders_on_time", "orders_otif",  # service
    "wape", "accuracy", "bias_pct", "mape", "smape", "value_added",  # forecast accuracy
    "load_pct", "projected_on_time_rate", "plan_service_rate", "peak_load_pct",  # production and what-if
})
MONEY_COLUMNS = frozenset({
    "late_value", "missing_value", "value", "annual_value", "cogs", "average_stock_value", "unit_cost",
    "total_cost", "cost_per_late_day_avoided", "cost",
    "revenue", "margin", "last_year_revenue", "previous_cycle_revenue", "budget_revenue", "gap_revenue",  # plan
    "actual_revenue", "budget_to_date_revenue", "gap_to_date_revenue", "landing_revenue", "year_budget_revenue",
    "gap_year_revenue",
    "plan_revenue", "plan_margin", "lever_cost", "margin_after_levers",  # a scenario's PIC
})
MONTH_COLUMNS = frozenset({"month"})
# Columns holding identifiers or calendar numbers: shown as written, never as "2 026" or "12 345".
PLAIN_NUMBER_SUFFIXES = ("_id", "year", "batch", "run")


def _dated(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    sample = values.dropna()
    return (values.dtype == object and not sample.empty
            and all(isinstance(v, dt.date) for v in sample))  # datetime is a date too


def _date_kind(name: str, values: pd.Series) -> ColumnKind:
    if name in MONTH_COLUMNS:
        return "month"
    stamps = pd.to_datetime(values.dropna())
    return "date" if bool((stamps == stamps.dt.normalize()).all()) else "timestamp"


def column_kind(name: str, values: pd.Series) -> ColumnKind:
    """The kind of column `name` of a sop_core frame holding `values`: by its name for ratios, money
    and months, else by its values."""
    if _dated(values):
        return _date_kind(name, values)
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    if name in RATIO_COLUMNS:
        return "ratio"
    if name in MONEY_COLUMNS:
        return "money"
    if name.endswith(PLAIN_NUMBER_SUFFIXES):
        return "identifier"
    floats = pd.to_numeric(values, errors="coerce").astype(float)
    finite = floats[np.isfinite(floats)]
    return "count" if bool((finite == finite.round()).all()) else "decimal"


def column_decimals(values: pd.Series, money: bool) -> int:
    """One precision per column, so the decimal marks line up: none for whole numbers (and for
    euros in the thousands), one for large quantities, two for small ones."""
    finite = values[np.isfinite(values)]
    if finite.empty or bool((finite == finite.round()).all()):
        return 0
    largest = float(finite.abs().max())
    if money:
        return 0 if largest >= 1000 else 2
    return 1 if largest >= 100 else 2
