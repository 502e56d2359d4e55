"""The plan in volume and value (the PIC): family x month demand in units and euros beside last year,
the previous cycle and the budget; the stock balance on the rough-cut capacity; demand scenarios; what
changed since the previous cycle."""

from sop_core.plan.balance import PlanInputs, PlanResult, balance
from sop_core.plan.changes import STEP_COLUMNS, changes_since_previous
from sop_core.plan.charts import MEASURES, Measure, demand_chart, step_labels, waterfall_bars, waterfall_chart
from sop_core.plan.demand import DemandChange, DemandChangeError, apply_changes
from sop_core.plan.inputs import PLAN_MONTHS, family_names, plan_inputs
from sop_core.plan.views import (
    HEADLINE_KINDS,
    JSON_KEYS,
    TABLE_COLUMNS,
    TOTAL,
    YEAR_COLUMNS,
    PlanTable,
    horizon_figures,
    month_status,
    plan_rows,
    plan_table,
    year_to_date,
)

__all__ = [
    "HEADLINE_KINDS",
    "JSON_KEYS",
    "MEASURES",
    "PLAN_MONTHS",
    "STEP_COLUMNS",
    "TABLE_COLUMNS",
    "TOTAL",
    "YEAR_COLUMNS",
    "DemandChange",
    "DemandChangeError",
    "Measure",
    "PlanInputs",
    "PlanResult",
    "PlanTable",
    "apply_changes",
    "balance",
    "changes_since_previous",
    "demand_chart",
    "family_names",
    "horizon_figures",
    "month_status",
    "plan_inputs",
    "plan_rows",
    "plan_table",
    "step_labels",
    "waterfall_bars",
    "waterfall_chart",
    "year_to_date",
]
