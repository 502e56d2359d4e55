"""The key figures of the meeting: service rate (taux de service) and stock rotation."""

from sop_core.kpi.charts import (
    STOCK_STATUS_ORDER,
    abc_xyz_chart,
    coverage_chart,
    late_lines_chart,
    rates_trend_chart,
    stock_value_chart,
    turnover_trend_chart,
    worst_otif_chart,
)
from sop_core.kpi.filters import PERIOD_MONTHS, KpiFilters, filter_choices
from sop_core.kpi.service import (
    ServiceReport,
    ServiceSettings,
    late_lines,
    named_key,
    service_report,
    service_summary,
)
from sop_core.kpi.stock import (
    SAFETY_STOCK_SOURCES,
    StockSettings,
    inventory_value,
    total_turnover,
    turnover,
    turnover_trend,
)
from sop_core.kpi.stock_by_sku import abc_xyz_matrix, sku_stock, stock_summary, summarise

__all__ = [
    "PERIOD_MONTHS",
    "SAFETY_STOCK_SOURCES",
    "STOCK_STATUS_ORDER",
    "KpiFilters",
    "ServiceReport",
    "ServiceSettings",
    "StockSettings",
    "abc_xyz_chart",
    "abc_xyz_matrix",
    "coverage_chart",
    "filter_choices",
    "inventory_value",
    "late_lines",
    "late_lines_chart",
    "named_key",
    "rates_trend_chart",
    "service_report",
    "service_summary",
    "sku_stock",
    "stock_summary",
    "stock_value_chart",
    "summarise",
    "total_turnover",
    "turnover",
    "turnover_trend",
    "turnover_trend_chart",
    "worst_otif_chart",
]
