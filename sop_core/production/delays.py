"""The production-delay report of the store: the open OF projected on their workshops' finite
capacity (`production`), the weekly load, the workshop summary, the customer lines at risk and the
closed history (`shopfloor`). The one entry point the page and the CLI call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sop_core.data import Store
from sop_core.production.engine import DEFAULT_SETTINGS, ProductionSettings, daily_capacity, prepare
from sop_core.production.load import weekly_table, weeks_span, workshop_summary
from sop_core.production.reasons import CODES_COLUMN, NO_HOURS, SEPARATOR
from sop_core.production.shopfloor import closed_history, customer_impact, open_orders, workshops

LOAD_WEEKS = 4  # the load the headline judges: what the plant can still move this month


@dataclass(frozen=True)
class ProductionReport:
    """`orders`: one row per open OF (the projection's columns, plus sku, quantity, hours_source,
    at_risk_lines; `production_reasons.with_reasons` words its reason codes); `load`: workshop x week;
    `summary`: per workshop; `impact`: the customer lines the OF serve; `history`: closed OF per
    workshop and month."""

    orders: pd.DataFrame
    load: pd.DataFrame
    summary: pd.DataFrame
    impact: pd.DataFrame
    history: pd.DataFrame

    def headline(self, as_of: dt.date) -> dict[str, float | None]:
        """Red and orange OF now, and the load of the next `LOAD_WEEKS` weeks against capacity
        (None without capacity): the home tiles and the page's headline say the same figures."""
        horizon = pd.Timestamp(as_of) + pd.Timedelta(weeks=LOAD_WEEKS)
        near = self.load[pd.to_datetime(self.load["week"]) < horizon]
        capacity = float(near["capacity_hours"].sum())
        return {"red_orders": float(self.summary["red"].sum()), "orange_orders": float(self.summary["orange"].sum()),
                "load_4w": float(near["load_hours"].sum()) / capacity if capacity else None,
                "overload_hours": float(near["overload_hours"].sum())}


def _flag_unknown_hours(projected: pd.DataFrame, book: pd.DataFrame) -> pd.DataFrame:
    """An OF whose work is unknown cannot be judged on time: orange at best, and the reason says why."""
    unknown = projected["mo_id"].isin(book.loc[book["hours_source"] == "none", "mo_id"])
    out = projected.copy()
    out.loc[unknown & (out["status"] == "green"), "status"] = "orange"
    out.loc[unknown, CODES_COLUMN] = NO_HOURS + SEPARATOR + out.loc[unknown, CODES_COLUMN]
    return out


def open_production(store: Store, as_of: dt.date) -> ProductionReport | None:
    """The report when there are OF to project, else None: the home page's tiles and agenda and the
    meeting pack share one projection (the costliest of their figures) instead of making three."""
    counts = store.row_counts()
    return production_report(store, as_of) if counts.get("production_orders") and counts.get("workshops") else None


def production_report(store: Store, as_of: dt.date, weeks: int = 26,
                      settings: ProductionSettings = DEFAULT_SETTINGS) -> ProductionReport:
    """Project every open OF from `as_of` and gather what the Production delays page shows."""
    book = open_orders(store, as_of)
    shops = workshops(store)
    capacity = daily_capacity(shops, as_of, settings.horizon_days)
    tolerances = dict(zip(shops["workshop"], shops["tolerance_days"], strict=True))
    engine = prepare(book, capacity, as_of, settings, tolerances, days=weeks_span(as_of, weeks))
    projected = _flag_unknown_hours(engine.project(), book)
    load = weekly_table(engine, weeks, projected)
    impact = customer_impact(store, as_of, projected)
    at_risk = impact[impact["at_risk"]].groupby("mo_id").size().rename("at_risk_lines")
    orders = (projected.merge(book[["mo_id", "quantity", "hours_source"]], on="mo_id", how="left")
              .merge(at_risk, left_on="mo_id", right_index=True, how="left")
              .fillna({"at_risk_lines": 0}).astype({"at_risk_lines": int}))
    return ProductionReport(orders, load, workshop_summary(projected, load), impact, closed_history(store, as_of))
