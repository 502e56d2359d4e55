"""What the tiles and the agenda of a cycle read from history, computed once for a day.

The home page and the pack show seven tiles and an agenda of exceptions; both read the service
report of the last quarter, the stock of every SKU and the frozen forecasts measured so far. Each is
one or several queries over the whole history: reading them once and handing them to both halves
halves the home page's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sop_core.data import Store, load_preferences
from sop_core.forecast import accuracy_frame
from sop_core.kpi import (
    KpiFilters,
    ServiceReport,
    ServiceSettings,
    StockSettings,
    service_report,
    sku_stock,
    summarise,
    turnover,
)

SERVICE_PERIOD = "3m"  # OTIF over the last quarter: one month is too noisy to steer on
STOCK_PERIOD = "all"  # coverage on the whole demand history the stock settings look back on


@dataclass(frozen=True)
class HistoryFigures:
    """`accuracy`: `accuracy_frame` by month (empty without frozen cycles); `service`: the report of
    `SERVICE_PERIOD` against the saved target; `skus`: `sku_stock` with the
    saved stock settings; `stock`: its headline figures (`summarise`)."""

    as_of: dt.date
    accuracy: pd.DataFrame
    service: ServiceReport
    service_settings: ServiceSettings
    skus: pd.DataFrame
    stock: dict[str, Any]
    stock_settings: StockSettings


def service_window(as_of: dt.date) -> KpiFilters:
    """The last three months before the as-of month, and the as-of month so far."""
    return KpiFilters.of_period(SERVICE_PERIOD, as_of)


def history_figures(store: Store, as_of: dt.date) -> HistoryFigures:
    """Every history-based figure of the cycle holding `as_of`, each read once."""
    service_settings = load_preferences(store, ServiceSettings, "service")
    stock_settings = load_preferences(store, StockSettings, "stock")
    frozen = store.scalar("SELECT count(*) FROM forecast_snapshots")
    accuracy = accuracy_frame(store, "month", as_of) if frozen else pd.DataFrame()
    skus = sku_stock(store, as_of, KpiFilters.of_period(STOCK_PERIOD, as_of), stock_settings)
    whole = turnover(store, as_of, KpiFilters(), "total", stock_settings.history_months)
    return HistoryFigures(as_of=as_of, accuracy=accuracy,
                          service=service_report(store, as_of, service_window(as_of), service_settings),
                          service_settings=service_settings, skus=skus,
                          stock=summarise(skus, whole, stock_settings), stock_settings=stock_settings)
