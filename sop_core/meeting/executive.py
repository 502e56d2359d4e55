"""The executive summary of a cycle: seven KPI tiles, each with its target, its status and its change
since the last cycle, shared by the home page and the meeting pack.

The change since the last cycle compares with what the previous meeting saw: the figures recorded
in `cycle_kpis` when that cycle's pack was produced. When nothing was recorded (the first cycles of
an installation), the history-based KPIs (forecast, service, stock) are recomputed as of the same
day one month earlier; the production KPIs are plans, not history, and cannot be recomputed for a
past day, so they show no change until a cycle has been recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sop_core.common import (
    Cycle,
    format_money,
    format_number,
    format_percent,
    format_signed,
    next_period,
    status_label,
    translate,
)
from sop_core.data import Store, allow, load_preferences
from sop_core.forecast import accuracy_by
from sop_core.kpi import ServiceSettings
from sop_core.meeting.figures import SERVICE_PERIOD, STOCK_PERIOD, HistoryFigures, history_figures
from sop_core.production import ProductionReport, open_production

KPI_CODES = ("forecast_accuracy", "forecast_bias", "service_otif", "stock_days", "red_orders", "load_4w",
             "stock_at_risk")
HISTORICAL = frozenset({"forecast_accuracy", "forecast_bias", "service_otif", "stock_days", "stock_at_risk"})
# Compared with the same day a month earlier under today's definition and stock policy, never with a
# recorded figure: a threshold changed since (slow-mover days, target coverage) would make the
# change say nothing.
ALWAYS_RECOMPUTED = frozenset({"stock_at_risk"})
# The topic whose page shows a tile's figure in detail (the interface maps topics to its pages).
KPI_TOPICS = {"forecast_accuracy": "accuracy", "forecast_bias": "accuracy", "service_otif": "service",
              "stock_days": "stock", "stock_at_risk": "stock", "red_orders": "production", "load_4w": "production"}
# How each KPI is written: percent (fractions), days, count, money.
KPI_UNITS = {"forecast_accuracy": "percent", "forecast_bias": "percent", "service_otif": "percent",
             "stock_days": "days", "red_orders": "count", "load_4w": "percent", "stock_at_risk": "money"}


@dataclass(frozen=True)
class ExecutiveTargets:
    """Targets of the tiles the service and stock pages do not own. Green at or better than the
    target, orange up to the orange limit, red beyond."""

    accuracy: float = 0.70  # 1 - WAPE of the last closed month
    accuracy_orange: float = 0.60
    bias: float = 0.05  # |bias| of the last closed month
    bias_orange: float = 0.10
    stock_days: float = 60  # days of inventory (stock value / cost of goods sold per day)
    stock_days_orange: float = 90
    red_orders: float = 0
    red_orders_orange: float = 3
    load: float = 0.90  # load / capacity over the next four weeks
    load_orange: float = 1.00
    stock_at_risk_share: float = 0.05  # dead + slow + excess over the target coverage, share of the stock value
    stock_at_risk_orange: float = 0.10


def judged(value: float, target: float, orange: float, higher_is_better: bool = True) -> str:
    """green at or beyond the target, orange up to the orange limit, red beyond."""
    sign = 1 if higher_is_better else -1
    if sign * value >= sign * target - 1e-12:
        return "green"
    return "orange" if sign * value >= sign * orange - 1e-12 else "red"


@dataclass(frozen=True)
class Tile:
    """One KPI of the cycle. `target` and `orange` are in the KPI's unit; `higher_is_better` says
    which side of them is good; `previous` is the last cycle's value, `previous_source` says
    whether it was 'recorded' at that cycle or 'recomputed' from history."""

    code: str
    value: float | None
    target: float
    orange: float
    higher_is_better: bool
    two_sided: bool = False  # judged on its size whatever its sign (the bias)
    previous: float | None = None
    previous_source: str | None = None
    detail: dict[str, float | int | None] = field(default_factory=dict)
    # The page filters that show this figure (its "Détail" link): {"period": "3m"}, {"month": "2026-10"}.
    window: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str | None:
        if self.value is None or pd.isna(self.value):
            return None
        return judged(abs(self.value) if self.two_sided else self.value, self.target, self.orange,
                      self.higher_is_better)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def topic(self) -> str:
        return KPI_TOPICS[self.code]


def month_before(day: dt.date) -> dt.date:
    """The same day one month earlier (the 31st becomes the month's last day)."""
    first = next_period(day.replace(day=1), "month", -1)
    last = next_period(first, "month", 1) - dt.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


def historical_values(history: HistoryFigures) -> dict[str, float | None]:
    """The KPIs that history alone decides, as they stood on `history.as_of`."""
    values: dict[str, float | None] = {}
    months = accuracy_by(history.accuracy, ["period"], "actual", "final") if len(history.accuracy) else None
    last = months.iloc[-1] if months is not None and len(months) else None
    values["forecast_accuracy"] = None if last is None else float(last["accuracy"])
    values["forecast_bias"] = None if last is None else float(last["bias_pct"])
    service = history.service.summary
    values["service_otif"] = service["otif"] if service["lines"] else None
    stock = history.stock
    values["stock_days"] = stock["days_of_inventory"]
    values["stock_at_risk"] = stock["at_risk_value"] if stock["skus"] else None
    values["stock_value"] = stock["total_value"]
    values["stock_dead"] = stock["dead_stock_value"]
    values["stock_slow"] = stock["slow_value"]
    values["stock_excess"] = stock["excess_value"]
    values["understock_skus"] = stock["understock_skus"]
    values["service_lines"] = service["lines"]
    return values


def production_values(report: ProductionReport | None, as_of: dt.date) -> dict[str, float | None]:
    """Red and orange OF now, and the load of the next four weeks against capacity (none without OF)."""
    if report is None:
        return {"red_orders": None, "orange_orders": None, "load_4w": None, "overload_hours": None}
    return report.headline(as_of)


def recorded_values(store: Store, cycle: Cycle) -> dict[str, float | None]:
    rows = store.query("SELECT code, value FROM cycle_kpis WHERE cycle = ?", [str(cycle)])
    return {str(r.code): (None if pd.isna(r.value) else float(r.value)) for r in rows.itertuples()}


def _specs(service: ServiceSettings, targets: ExecutiveTargets, stock_value: float
           ) -> dict[str, tuple[float, float, bool]]:
    """(target, orange limit, higher is better) of each KPI."""
    return {
        "forecast_accuracy": (targets.accuracy, targets.accuracy_orange, True),
        "forecast_bias": (targets.bias, targets.bias_orange, False),
        "service_otif": (service.target, service.target - service.orange_margin, True),
        "stock_days": (targets.stock_days, targets.stock_days_orange, False),
        "red_orders": (targets.red_orders, targets.red_orders_orange, False),
        "load_4w": (targets.load, targets.load_orange, False),
        # in euros: the share of today's stock value
        "stock_at_risk": (targets.stock_at_risk_share * stock_value, targets.stock_at_risk_orange * stock_value, False),
    }


def _windows(history: HistoryFigures) -> dict[str, dict[str, str]]:
    """Each tile's window as page filters: the service quarter, the whole stock history, the last
    month measured for the forecast (the production tiles read the plan as of today, no filter)."""
    accuracy: dict[str, str] = {}
    if len(history.accuracy):
        accuracy = {"month": str(Cycle.of(pd.Timestamp(history.accuracy["period"].max()).date()))}
    return {"forecast_accuracy": accuracy, "forecast_bias": accuracy, "service_otif": {"period": SERVICE_PERIOD},
            "stock_days": {"period": STOCK_PERIOD}, "stock_at_risk": {"period": STOCK_PERIOD}}


def _details(now: dict[str, float | None]) -> dict[str, dict[str, float | int | None]]:
    return {"red_orders": {"orange": now.get("orange_orders")},
            "load_4w": {"overload_hours": now.get("overload_hours")},
            "stock_at_risk": {"dead": now.get("stock_dead"), "slow": now.get("stock_slow"),
                              "excess": now.get("stock_excess"),
                              "understock_skus": now.get("understock_skus")},
            "service_otif": {"lines": now.get("service_lines")}}


def cycle_tiles(store: Store, as_of: dt.date, production: ProductionReport | None = None,
                history: HistoryFigures | None = None) -> list[Tile]:
    """The seven tiles of the cycle holding `as_of`, with the previous cycle's values; `production`
    (`open_production(store, as_of)`) and `history` (`history_figures(store, as_of)`) when the caller
    already has them."""
    report = production if production is not None else open_production(store, as_of)
    figures = history if history is not None else history_figures(store, as_of)
    now = {**historical_values(figures), **production_values(report, as_of)}
    before: dict[str, float | None] = recorded_values(store, Cycle.of(as_of).previous)
    for code in ALWAYS_RECOMPUTED:
        before.pop(code, None)
    sources = {code: "recorded" for code, value in before.items() if value is not None}
    missing = [code for code in HISTORICAL if before.get(code) is None]
    if missing:
        past = historical_values(history_figures(store, month_before(as_of)))
        for code in missing:
            before[code] = past.get(code)
            if past.get(code) is not None:
                sources[code] = "recomputed"
    specs = _specs(figures.service_settings, load_preferences(store, ExecutiveTargets, "executive"),
                   now.get("stock_value") or 0.0)
    details, windows = _details(now), _windows(figures)
    return [Tile(code, now.get(code), *specs[code], two_sided=code == "forecast_bias", previous=before.get(code),
                 previous_source=sources.get(code), detail=details.get(code, {}), window=windows.get(code, {}))
            for code in KPI_CODES]


def record_cycle_kpis(store: Store, cycle: Cycle, tiles: list[Tile], now: dt.datetime | None = None) -> None:
    """Keep the cycle's figures as the meeting saw them (done when its pack is produced), in one
    transaction: the next cycle's tiles show their change against these."""
    allow(store, "planner")
    stamp = now or dt.datetime.now().replace(microsecond=0)
    with store.transaction() as cur:
        cur.execute("DELETE FROM cycle_kpis WHERE cycle = ?", [str(cycle)])
        cur.executemany("INSERT INTO cycle_kpis VALUES (?, ?, ?, ?, ?)",
                        [[str(cycle), tile.code, tile.value, tile.status, stamp] for tile in tiles])


@dataclass(frozen=True)
class TileText:
    """A tile as words in one language: what the home page and the pack print."""

    label: str
    value: str
    change: str | None
    target: str
    status: str
    help: str
    parts: str | None = None  # what the figure is made of, when it adds parts up


def _in_unit(value: float | None, unit: str, lang: str, signed: bool = False, whole: bool = False) -> str:
    """`value` in the KPI's unit; `signed` for a change (percentages then in points), `whole` for a
    target (85 %, not 85,0 %)."""
    if value is None or pd.isna(value):
        return "–"
    if unit == "percent":
        if signed:
            return translate("kpi.points", lang, points=format_signed(100 * value, lang, 1))
        return format_percent(value, lang, 0 if whole else 1)
    if unit == "days":
        days = format_signed(value, lang, 0) if signed else format_number(value, lang, 0)
        return translate("kpi.days", lang, days=days)
    if unit == "money":
        text = format_money(abs(value) if signed else value, lang)
        return (("+" if value >= 0 else "-") + text) if signed else text
    return format_signed(value, lang, 0) if signed else format_number(value, lang, 0)


def tile_text(tile: Tile, lang: str) -> TileText:
    unit = KPI_UNITS[tile.code]
    comparator = "≤" if not tile.higher_is_better else "≥"
    if tile.two_sided:
        comparator = "±"
    target = translate("kpi.target", lang, comparator=comparator, target=_in_unit(tile.target, unit, lang, whole=True))
    change = None if tile.change is None else translate(
        "kpi.change", lang, change=_in_unit(tile.change, unit, lang, signed=True),
        source=translate(f"kpi.source.{tile.previous_source}", lang))
    label = translate("kpi.label", lang, name=translate(f"kpi.{tile.code}", lang),
                      window=translate(f"kpi.{tile.code}.window", lang))
    return TileText(label=label, value=_in_unit(tile.value, unit, lang),
                    change=change, target=target, status=status_label(tile.status, lang),
                    help=translate(f"kpi.{tile.code}.help", lang), parts=_parts(tile, lang))


def _parts(tile: Tile, lang: str) -> str | None:
    """The stock at risk's parts in money: dead, slow-moving, excess over the target coverage."""
    if tile.code != "stock_at_risk" or tile.value is None:
        return None
    return translate("kpi.stock_at_risk.parts", lang, **{part: format_money(tile.detail.get(part) or 0.0, lang)
                                                         for part in ("dead", "slow", "excess")})
