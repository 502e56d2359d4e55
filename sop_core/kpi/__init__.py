"""The key figures of the meeting: service rate (taux de service) and stock rotation."""

from sop_core.kpi.filters import KpiFilters, filter_choices
from sop_core.kpi.service import ServiceReport, ServiceSettings, late_lines, service_report, service_summary
from sop_core.kpi.stock import StockSettings, inventory_value, total_turnover, turnover, turnover_trend
from sop_core.kpi.stock_by_sku import abc_xyz_matrix, sku_stock, stock_summary, summarise

__all__ = [
    "KpiFilters",
    "ServiceReport",
    "ServiceSettings",
    "StockSettings",
    "abc_xyz_matrix",
    "filter_choices",
    "inventory_value",
    "late_lines",
    "service_report",
    "service_summary",
    "sku_stock",
    "stock_summary",
    "summarise",
    "total_turnover",
    "turnover",
    "turnover_trend",
]
