"""The plan in volume and value (the PIC): family x month demand in units and euros beside last year,
the previous cycle and the budget; the stock balance on the rough-cut capacity; demand scenarios; what
changed since the previous cycle."""

from sop_core.plan.balance import PlanInputs, PlanResult, balance
from sop_core.plan.changes import STEP_COLUMNS, changes_since_previous
from sop_core.plan.demand import DemandChange, DemandChangeError, apply_changes
from sop_core.plan.inputs import PLAN_MONTHS, family_names, plan_inputs
from sop_core.plan.views import (
    JSON_KEYS,
    TABLE_COLUMNS,
    TOTAL,
    YEAR_COLUMNS,
    PlanTable,
    plan_rows,
    plan_table,
    year_to_date,
)

__all__ = [
    "JSON_KEYS",
    "PLAN_MONTHS",
    "STEP_COLUMNS",
    "TABLE_COLUMNS",
    "TOTAL",
    "YEAR_COLUMNS",
    "DemandChange",
    "DemandChangeError",
    "PlanInputs",
    "PlanResult",
    "PlanTable",
    "apply_changes",
    "balance",
    "changes_since_previous",
    "family_names",
    "plan_inputs",
    "plan_rows",
    "plan_table",
    "year_to_date",
]
