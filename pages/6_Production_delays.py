"""Production delays: every open OF projected on its workshop's finite capacity, red/orange/green,
the weekly load behind it, the customer lines at risk, and the rough-cut plan of the months ahead."""

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.common import STATUS_COLORS, STATUS_SYMBOLS, format_week, status_scale
from sop_core.common import status_label as status_in
from sop_core.production import SHORT_DATE_FORMATS, production_report, rough_cut_plan, with_reasons
from sop_ui import (
    as_of,
    compute,
    date,
    downloads,
    lang,
    num,
    page_setup,
    require_data,
    show_chart,
    show_table,
    status_label,
    t,
)

store = page_setup("production.title", "🏭")
language = lang()  # bound for the filters' labels: AppTest also calls them outside the run
st.title("🏭 " + t("production.heading"))
require_data(store, "production_orders", "workshops")
today = as_of()
report = compute(production_report, today)
if report.orders.empty:
    st.info(t("production.no_open", date=date(today)))
    st.stop()
st.caption(t("production.caption", count=num(len(report.orders)), date=date(today)))
open_of = with_reasons(report.orders, language)  # once: the table, the tooltips and the download say it

tiles = st.columns(len(report.summary))
for tile, shop in zip(tiles, report.summary.itertuples(), strict=True):
    tile.metric(shop.workshop, t("production.tile.value", red=num(shop.red), symbol=STATUS_SYMBOLS["red"]),
                t("production.tile.delta", orange=num(shop.orange), orange_symbol=STATUS_SYMBOLS["orange"],
                  green=num(shop.green), green_symbol=STATUS_SYMBOLS["green"]), delta_color="off",
                help=t("production.tile.help", orders=num(shop.orders), hours=num(shop.remaining_hours),
                       delay=num(shop.worst_delay_days), overload=num(shop.overload_hours_4w)))


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Statuses in words with their symbol, codes in the page's language (tables and downloads)."""
    out = frame.copy()
    if "status" in out:
        out["status"] = out["status"].map(status_label)
    if "hours_source" in out:
        out["hours_source"] = out["hours_source"].map(lambda s: t(f"production.hours_source.{s}"))
    if "link" in out:
        out = out.assign(link=out["link"].map(lambda s: t(f"production.served_by.{s}"))).rename(
            columns={"link": "served_by"})
    return out


HEATMAP_WEEKS = 13  # a quarter: readable from the back of the room; the download has all 26 weeks
weekly = report.load.assign(week_label=report.load["week"].map(lambda week: format_week(week, language)))
load = weekly[weekly["week"] < weekly["week"].min() + pd.Timedelta(weeks=HEATMAP_WEEKS)]
load = load.assign(load_label=(load["load_pct"] * 100).round().astype("Int64").astype(str))
heat = alt.Chart(load).encode(x=alt.X("week_label:N", sort=None, title=t("col.week")),
                              y=alt.Y("workshop:N", title=None))
show_chart((heat.mark_rect().encode(
    color=alt.Color("load_pct:Q", title=t("production.load_capacity"), legend=alt.Legend(format="%"),
                    scale=alt.Scale(domain=[0, 0.85, 1.0, 1.3], range=["#e8f5e9", "#a5d6a7", "#ffb74d", "#c62828"],
                                    clamp=True)),
    tooltip=[alt.Tooltip("workshop:N", title=t("col.workshop")), alt.Tooltip("week_label:N", title=t("col.week")),
             alt.Tooltip("capacity_hours:Q", title=t("col.capacity_hours"), format=",.0f"),
             alt.Tooltip("load_hours:Q", title=t("col.load_hours"), format=",.0f"),
             alt.Tooltip("overload_hours:Q", title=t("col.overload_hours"), format=",.0f")])
    + heat.mark_text(fontSize=13, fontWeight="bold").encode(text="load_label:N"))
    .properties(title=t("production.chart.heatmap"), height=60 + 45 * load["workshop"].nunique()))
downloads(weekly, "weekly_load")

left, right = st.columns([1, 3])
workshop = left.selectbox(t("production.workshop"), list(report.summary["workshop"]), key="delay_workshop")
statuses = left.multiselect(t("production.status_filter"), list(STATUS_COLORS), default=["red", "orange"],
                            key="delay_status", format_func=lambda status: status_in(status, language))
orders = open_of[open_of["workshop"] == workshop]
plan_names = {code: t(f"production.plan.{code}") for code in ("planned", "projected")}
timeline = pd.concat([orders.assign(plan="planned", start=orders["planned_start"], end=orders["planned_end"]),
                      orders.assign(plan="projected", start=orders["projected_start"], end=orders["projected_end"])])
timeline = timeline.assign(plan_text=timeline["plan"].map(plan_names), status_text=timeline["status"].map(status_label))
show_chart(alt.Chart(timeline).mark_bar(height=8).encode(
    x=alt.X("start:T", title=None), x2="end:T", y=alt.Y("mo_id:N", title=None, sort=list(orders["mo_id"])),
    yOffset=alt.YOffset("plan:N"), color=alt.condition(alt.datum.plan == "planned", alt.value("#b0bec5"),
                                                       alt.Color("status:N", scale=status_scale(), legend=None)),
    tooltip=[alt.Tooltip("mo_id:N", title=t("col.mo_id")), alt.Tooltip("plan_text:N", title=t("production.plan")),
             alt.Tooltip("start:T", title=t("production.start"), format=SHORT_DATE_FORMATS[language]),
             alt.Tooltip("end:T", title=t("production.end"), format=SHORT_DATE_FORMATS[language]),
             alt.Tooltip("status_text:N", title=t("col.status")), alt.Tooltip("reason:N", title=t("col.reason"))],
).properties(title=t("production.chart.timeline", workshop=workshop), height=max(220, 22 * len(orders))), right)

st.subheader(t("production.open_of"))
shown = open_of[open_of["status"].isin(statuses)] if statuses else open_of
table = labelled(shown)[["status", "mo_id", "workshop", "sku", "planned_end", "projected_end", "delay_days",
                         "remaining_hours", "at_risk_lines", "reason"]]
show_table(table, key="delay_orders", config={"reason": dict(st.column_config.TextColumn(width="large"))})
downloads(lambda: labelled(open_of), "production_orders_status")

st.subheader(t("production.at_risk"))
at_risk = report.impact[report.impact["at_risk"]]
st.caption(t("production.at_risk_caption", at_risk=num(len(at_risk)), lines=num(len(report.impact))))
show_table(labelled(at_risk))
downloads(lambda: labelled(report.impact), "customer_lines_served_by_of")

st.subheader(t("production.pic"))
plan = compute(rough_cut_plan, today)
if plan.source != "forecast":
    st.warning(t("production.no_forecast"))
# The two loads are stacked under their names in the page's language (the fold makes them the legend).
load_names = {"open_orders_hours": t("production.load.open_orders"), "forecast_hours": t("production.load.forecast")}
loads = alt.Chart().transform_fold(list(load_names.values()), as_=["load", "hours"]).mark_bar().encode(
    x=alt.X("month:T", title=None), y=alt.Y("hours:Q", title=t("production.hours")),
    color=alt.Color("load:N", title=None, legend=alt.Legend(orient="top"), sort=list(load_names.values())),
    tooltip=[alt.Tooltip("month:T", title=t("col.month"), format="%b %Y"),
             alt.Tooltip("load:N", title=t("production.load")),
             alt.Tooltip("hours:Q", title=t("production.hours"), format=",.0f")])
capacity_line = alt.Chart().mark_line(color="black", strokeDash=[4, 3]).encode(
    x=alt.X("month:T", title=None), y=alt.Y("capacity_hours:Q", title=t("production.hours")),
    tooltip=[alt.Tooltip("month:T", title=t("col.month"), format="%b %Y"),
             alt.Tooltip("capacity_hours:Q", title=t("col.capacity_hours"), format=",.0f")])
show_chart(alt.layer(loads, capacity_line, data=plan.plan.rename(columns=load_names)).properties(height=180, width=220)
           .facet(facet=alt.Facet("workshop:N", title=None), columns=3)
           .properties(title=t("production.chart.pic")))
downloads(plan.plan, "rough_cut_plan")

st.subheader(t("production.closed"))
show_chart(alt.Chart(report.history).mark_line(point=True).encode(
    x=alt.X("month:T", title=None), y=alt.Y("on_time_rate:Q", axis=alt.Axis(format="%"), title=t("production.on_time")),
    color=alt.Color("workshop:N", title=t("col.workshop")),
    tooltip=[alt.Tooltip("workshop:N", title=t("col.workshop")),
             alt.Tooltip("month:T", title=t("col.month"), format="%b %Y"),
             alt.Tooltip("closed:Q", title=t("production.closed_count")),
             alt.Tooltip("on_time_rate:Q", title=t("production.on_time_rate"), format=".0%"),
             alt.Tooltip("avg_delay_days:Q", title=t("production.avg_delay"), format=".1f")],
).properties(height=260))
