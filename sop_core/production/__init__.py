"""Production delays: open OF projected on finite capacity, their load, reasons and exposure."""

from sop_core.production.calendar import holiday_calendar, week_start, working_days_between_many
from sop_core.production.capacity_plan import monthly_capacity, open_order_hours, rough_cut_load, rough_cut_plan
from sop_core.production.charts import closed_history_chart, load_heatmap, order_timeline, rough_cut_chart
from sop_core.production.delays import LOAD_WEEKS, ProductionReport, open_production, production_report
from sop_core.production.engine import (
    DEFAULT_SETTINGS,
    EPS,
    Engine,
    ProductionSettings,
    by_week,
    daily_capacity,
    prepare,
)
from sop_core.production.exposure import LINK_COLUMNS, RISK_COLUMNS, ROUGH_CUT_COLUMNS, lines_at_risk, rough_cut_table
from sop_core.production.load import weekly_table, weeks_span
from sop_core.production.reasons import SHORT_DATE_FORMATS, week_spans, with_reasons
from sop_core.production.shopfloor import customer_links, open_orders, workshops

__all__ = [
    "DEFAULT_SETTINGS",
    "EPS",
    "LINK_COLUMNS",
    "LOAD_WEEKS",
    "RISK_COLUMNS",
    "ROUGH_CUT_COLUMNS",
    "SHORT_DATE_FORMATS",
    "Engine",
    "ProductionReport",
    "ProductionSettings",
    "by_week",
    "closed_history_chart",
    "customer_links",
    "daily_capacity",
    "holiday_calendar",
    "lines_at_risk",
    "load_heatmap",
    "monthly_capacity",
    "open_order_hours",
    "open_orders",
    "open_production",
    "order_timeline",
    "prepare",
    "production_report",
    "rough_cut_chart",
    "rough_cut_load",
    "rough_cut_plan",
    "rough_cut_table",
    "week_spans",
    "week_start",
    "weekly_table",
    "weeks_span",
    "with_reasons",
    "working_days_between_many",
    "workshops",
]
