"""The production charts, as Altair charts (no Streamlit): the page and the meeting pack draw the
same figures from the same builders; `sop_ui.show_chart` and the pack localise them."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from sop_core.common import (
    a_chart,
    category_axis,
    contrasting_text,
    format_week,
    full_legend,
    status_label,
    status_scale,
    time_x,
    translate,
)
from sop_core.production.reasons import SHORT_DATE_FORMATS

__all__ = ["closed_history_chart", "load_heatmap", "order_timeline", "rough_cut_chart"]

# Load / capacity: pale green when there is room, orange near full, red beyond.
LOAD_SCALE = alt.Scale(domain=[0, 0.85, 1.0, 1.3], range=["#e8f5e9", "#a5d6a7", "#ffb74d", "#c62828"], clamp=True)
# From here the cell turns deep red: its percentage is written white.
LOAD_DARK_FROM = 1.2
# The Gantt's planned and projected bars, one above the other in an OF's row (the smallest is 24 px).
GANTT_BAR_PX = 9


def _tooltips(frame: pd.DataFrame, lang: str, columns: tuple[str, ...]) -> list[alt.Tooltip]:
    """Tooltips of the hour columns `frame` has (the pack's tables carry fewer than the page's)."""
    return [alt.Tooltip(f"{c}:Q", title=translate(f"col.{c}", lang), format=",.0f") for c in columns if c in frame]


def load_heatmap(load: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Load / capacity per workshop (rows) and week (columns, S47/W47), each cell carrying its
    percentage: `load` has workshop, week, load_pct and optionally the hours."""
    data = load.assign(week_label=pd.to_datetime(load["week"]).map(lambda week: format_week(week, lang)),
                       load_label=(load["load_pct"] * 100).round().astype("Int64").astype(str).replace("<NA>", "–"))
    week = translate("col.week", lang)
    heat = alt.Chart(data).encode(
        x=alt.X("week_label:N", sort=None, title=week, axis=category_axis(data["week_label"], labelAngle=0)),
        y=alt.Y("workshop:N", title=None, axis=category_axis(data["workshop"])))
    cells = heat.mark_rect().encode(
        color=alt.Color("load_pct:Q", title=translate("production.load_capacity", lang),
                        legend=alt.Legend(format="%"), scale=LOAD_SCALE),
        tooltip=[alt.Tooltip("workshop:N", title=translate("col.workshop", lang)),
                 alt.Tooltip("week_label:N", title=week),
                 *_tooltips(data, lang, ("capacity_hours", "load_hours", "overload_hours"))])
    labels = heat.mark_text(fontSize=13, fontWeight="bold").encode(
        text="load_label:N", color=contrasting_text("load_pct", LOAD_DARK_FROM))
    return a_chart(alt.layer(cells, labels).properties(title=translate("production.chart.heatmap", lang)))


def order_timeline(orders: pd.DataFrame, workshop: str, lang: str) -> alt.TopLevelMixin:
    """Each OF of `orders` (with their reason) twice: as planned (grey) and as projected (its status)."""
    plans = {code: translate(f"production.plan.{code}", lang) for code in ("planned", "projected")}
    timeline = pd.concat([orders.assign(plan="planned", start=orders["planned_start"], end=orders["planned_end"]),
                          orders.assign(plan="projected", start=orders["projected_start"],
                                        end=orders["projected_end"])])
    timeline = timeline.assign(plan_text=timeline["plan"].map(plans),
                               status_text=timeline["status"].map(lambda s: status_label(s, lang)))
    day = SHORT_DATE_FORMATS[lang]
    bars = alt.Chart(timeline).encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("mo_id:N", title=None, sort=list(orders["mo_id"]), axis=category_axis(orders["mo_id"])),
        tooltip=[alt.Tooltip("mo_id:N", title=translate("col.mo_id", lang)),
                 alt.Tooltip("plan_text:N", title=translate("production.plan", lang)),
                 alt.Tooltip("start:T", title=translate("production.start", lang), format=day),
                 alt.Tooltip("end:T", title=translate("production.end", lang), format=day),
                 alt.Tooltip("status_text:N", title=translate("col.status", lang)),
                 alt.Tooltip("reason:N", title=translate("col.reason", lang))])
    # The two bars of an OF share its row, shifted up and down by pixels: a yOffset channel would
    # make each its own row and double the chart's height.
    planned = bars.transform_filter(alt.datum.plan == "planned").mark_bar(
        height=GANTT_BAR_PX, yOffset=-GANTT_BAR_PX / 2, color="#b0bec5")
    projected = bars.transform_filter(alt.datum.plan == "projected").mark_bar(
        height=GANTT_BAR_PX, yOffset=GANTT_BAR_PX / 2).encode(
        color=alt.Color("status:N", scale=status_scale(), legend=None))
    return a_chart(alt.layer(planned, projected).properties(
        title=translate("production.chart.timeline", lang, workshop=workshop)))


def rough_cut_chart(plan: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Per workshop and month: the open orders' and the forecast's load stacked under the capacity."""
    # The two loads are folded under their names in `lang`: the fold makes them the legend.
    names = {"open_orders_hours": translate("production.load.open_orders", lang),
             "forecast_hours": translate("production.load.forecast", lang)}
    hours, month = translate("production.hours", lang), translate("col.month", lang)
    x = time_x("month", plan["month"], lang)
    loads = alt.Chart().transform_fold(list(names.values()), as_=["load", "hours"]).mark_bar().encode(
        x=x, y=alt.Y("hours:Q", title=hours),
        color=alt.Color("load:N", title=None, legend=full_legend(names.values()), sort=list(names.values())),
        tooltip=[alt.Tooltip("month:T", title=month, format="%b %Y"),
                 alt.Tooltip("load:N", title=translate("production.load", lang)),
                 alt.Tooltip("hours:Q", title=hours, format=",.0f")])
    capacity = alt.Chart().mark_line(color="black", strokeDash=[4, 3]).encode(
        x=x, y=alt.Y("capacity_hours:Q", title=hours),
        tooltip=[alt.Tooltip("month:T", title=month, format="%b %Y"),
                 alt.Tooltip("capacity_hours:Q", title=translate("col.capacity_hours", lang), format=",.0f")])
    return a_chart(alt.layer(loads, capacity, data=plan.rename(columns=names)).properties(height=180, width=220)
            .facet(facet=alt.Facet("workshop:N", title=None), columns=3)
            .properties(title=translate("production.chart.pic", lang)))


def closed_history_chart(history: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """The on-time rate of the closed OF per workshop and month."""
    workshop, month = translate("col.workshop", lang), translate("col.month", lang)
    tooltip: list[Any] = [
        alt.Tooltip("workshop:N", title=workshop), alt.Tooltip("month:T", title=month, format="%b %Y"),
        alt.Tooltip("closed:Q", title=translate("production.closed_count", lang)),
        alt.Tooltip("on_time_rate:Q", title=translate("production.on_time_rate", lang), format=".0%"),
        alt.Tooltip("avg_delay_days:Q", title=translate("production.avg_delay", lang), format=".1f")]
    return a_chart(alt.Chart(history).mark_line(point=True).encode(
        x=time_x("month", history["month"], lang),
        y=alt.Y("on_time_rate:Q", axis=alt.Axis(format="%"), title=translate("production.on_time", lang)),
        color=alt.Color("workshop:N", title=workshop, legend=full_legend(history["workshop"].unique())),
        tooltip=tooltip).properties(height=260))
