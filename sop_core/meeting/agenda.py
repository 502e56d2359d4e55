"""The meeting's agenda of exceptions, generated from the data, and the status of the S&OP cycle.

The agenda lists what the room should talk about first: the largest forecast misses of the last
closed month, the customers most hurt, the reddest OF, the overloaded weeks ahead, the stock-out
risks and the overstock. At most `PER_KIND` of each, red before orange, each pointing to the page
that explains it. Items are data (kind, subject, figure); `agenda_text` words them in a language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from sop_core.common import (
    ColumnKind,
    Cycle,
    format_date,
    format_money,
    format_number,
    format_percent,
    format_week,
    status_label,
    translate,
)
from sop_core.data import CYCLE_STEPS, Store, cycle_steps
from sop_core.kpi import ServiceReport
from sop_core.meeting.executive import Tile, cycle_tiles
from sop_core.meeting.figures import HistoryFigures, history_figures
from sop_core.production import LOAD_WEEKS, ProductionReport, open_production

PER_KIND = 2
AGENDA_COLUMNS = ("kind", "status", "subject", "week", "figure", "topic")
# The topic whose page shows an item in detail (the interface maps topics to its pages).
# What each kind's figure is: a rate (WAPE, OTIF, load), euros of overstock, days (late, of cover).
FIGURE_KINDS: dict[str, ColumnKind] = {"forecast_miss": "ratio", "customer_hurt": "ratio", "overload": "ratio",
                                       "red_order": "decimal", "stockout": "decimal", "overstock": "money"}
KIND_TOPICS = {"forecast_miss": "accuracy", "customer_hurt": "service", "red_order": "production",
               "overload": "production", "stockout": "stock", "overstock": "stock"}


def _items(kind: str, frame: pd.DataFrame, subject: str, figure: str, status: str | pd.Series,
           week: str | None = None) -> pd.DataFrame:
    """The first `PER_KIND` rows of `frame` as agenda items; `week` names the column of the week
    the item is about (labelled in the reader's language by `agenda_text`)."""
    top = frame.head(PER_KIND)
    return pd.DataFrame({"kind": kind, "status": status if isinstance(status, str) else status.loc[top.index],
                         "subject": top[subject].astype(str),
                         "week": pd.to_datetime(top[week]) if week else pd.NaT,
                         "figure": top[figure].astype(float), "topic": KIND_TOPICS[kind]})


def _forecast_misses(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    last = frame[frame["period"] == frame["period"].max()]
    misses = (last.assign(error=(last["final"] - last["actual"]).abs())
              .groupby("sku", as_index=False)[["error", "actual"]].mean())
    misses["wape"] = misses["error"] / misses["actual"].where(misses["actual"] > 0)
    misses = misses.sort_values("error", ascending=False)
    return _items("forecast_miss", misses.fillna({"wape": 1.0}), "sku", "wape", "orange")


def _customers_hurt(report: ServiceReport) -> pd.DataFrame:
    hurt = report.customers_most_hurt()
    hurt = hurt[hurt["status"].isin(["red", "orange"])]
    return _items("customer_hurt", hurt, "key", "otif", hurt["status"])


def _production(report: ProductionReport, as_of: dt.date) -> list[pd.DataFrame]:
    red = report.orders[report.orders["status"] == "red"].sort_values("delay_days", ascending=False)
    horizon = pd.Timestamp(as_of) + pd.Timedelta(weeks=LOAD_WEEKS)
    load = report.load[(pd.to_datetime(report.load["week"]) < horizon) & (report.load["load_pct"] > 1)]
    load = load.sort_values("load_pct", ascending=False)
    red = red.assign(subject=red["mo_id"] + " · " + red["workshop"])
    return [_items("red_order", red, "subject", "delay_days", "red"),
            _items("overload", load, "workshop", "load_pct", "red", week="week")]


def _stock(skus: pd.DataFrame) -> list[pd.DataFrame]:
    short = skus[skus["status"] == "understock"].sort_values("annual_value", ascending=False)
    over = skus[skus["status"] == "overstock"].sort_values("value", ascending=False)
    return [_items("stockout", short, "sku", "coverage_days", "red"),
            _items("overstock", over, "sku", "value", "orange")]


def exceptions_agenda(store: Store, as_of: dt.date, production: ProductionReport | None = None,
                      history: HistoryFigures | None = None) -> pd.DataFrame:
    """The top exceptions of the cycle, red first, in the order of the meeting; `production`
    (`open_production(store, as_of)`) and `history` (`history_figures(store, as_of)`) when the
    caller already has them."""
    counts = store.row_counts()
    figures = history if history is not None else history_figures(store, as_of)
    parts = [_forecast_misses(figures.accuracy)]
    if counts.get("orders"):
        parts.append(_customers_hurt(figures.service))
    report = production if production is not None else open_production(store, as_of)
    if report is not None:
        parts += _production(report, as_of)
    if counts.get("stock"):
        parts += _stock(figures.skus)
    frame = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=AGENDA_COLUMNS)], ignore_index=True)
    order = {"red": 0, "orange": 1}
    return (frame.assign(_rank=frame["status"].map(order)).sort_values("_rank", kind="stable")
            .drop(columns="_rank").reset_index(drop=True)[list(AGENDA_COLUMNS)])


def cycle_figures(store: Store, as_of: dt.date) -> tuple[list[Tile], pd.DataFrame]:
    """The home page's tiles and agenda, from one projection of the open OF and one reading of the
    history (service report, SKU stock, frozen forecasts)."""
    production, history = open_production(store, as_of), history_figures(store, as_of)
    return cycle_tiles(store, as_of, production, history), exceptions_agenda(store, as_of, production, history)


def _figure(kind: str, value: float, lang: str) -> str:
    if FIGURE_KINDS[kind] == "ratio":
        return format_percent(value, lang, 0)
    if FIGURE_KINDS[kind] == "money":
        return format_money(value, lang)
    return format_number(value, lang, 0)


def agenda_text(item: pd.Series, lang: str) -> str:
    """One agenda line: "✖ rouge · Client X : OTIF 62 %"."""
    subject = str(item["subject"])
    if pd.notna(item["week"]):
        subject += " · " + format_week(pd.Timestamp(item["week"]).date(), lang)
    figure = float(item["figure"])
    # Days late and days of cover are counts their sentence agrees with ("1 jour", "3 jours").
    text = translate(f"agenda.{item['kind']}", lang, subject=subject, count=round(figure),
                     figure=_figure(str(item["kind"]), figure, lang))
    return f"{status_label(item['status'], lang)} · {text}"


class StepDone(NamedTuple):
    """When a step of the cycle was done, and by whom when someone recorded it."""

    day: dt.date
    by: str | None = None


def cycle_status(store: Store, cycle: Cycle) -> dict[str, StepDone | None]:
    """Each step of the cycle (`CYCLE_STEPS`): when it was done, or None.

    A step recorded by someone counts with their name; otherwise the data shows it done: data
    imported since the first day of the cycle month, the cycle's forecast frozen, scenarios saved in
    the month or one decided at the cycle, decisions taken at the cycle, its pack issued (its files
    kept). The supply review leaves no trace but its record."""
    first, text = cycle.start, str(cycle)
    evidence = store.row(
        "SELECT (SELECT max(finished_at) FROM import_batches WHERE status = 'ok' AND finished_at >= ?), "
        "(SELECT max(frozen_at) FROM forecast_snapshots WHERE cycle = ?), NULL, "
        "(SELECT max(created_at) FROM scenarios WHERE created_at >= ? OR decision_cycle = ?), "
        "(SELECT max(created_at) FROM decisions WHERE cycle = ?), "
        "(SELECT max(issued_at) FROM issued_packs WHERE cycle = ?)",
        [first, text, first, text, text, text])
    recorded = cycle_steps(store, cycle).set_index("step")
    status: dict[str, StepDone | None] = {}
    for step, seen in zip(CYCLE_STEPS, evidence, strict=True):
        done_at, by = recorded.loc[step, "done_at"], recorded.loc[step, "done_by"]
        when = done_at if by is not None else seen
        status[step] = None if when is None else StepDone(pd.Timestamp(when).date(), by)
    return status


def cycle_status_text(status: Mapping[str, StepDone | None], lang: str) -> list[tuple[str, bool, str]]:
    """(step name, done, detail) in `lang`, for the home page and the pack."""
    rows = []
    for step in CYCLE_STEPS:
        done = status.get(step)
        if done is None:
            detail = translate("cycle.not_yet", lang)
        elif done.by:
            detail = translate("cycle.done_by", lang, date=format_date(done.day, lang), who=done.by)
        else:
            detail = translate("cycle.done_on", lang, date=format_date(done.day, lang))
        rows.append((translate(f"cycle.step.{step}", lang), done is not None, detail))
    return rows
