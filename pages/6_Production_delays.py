"""Production delays: every open OF projected on its workshop's finite capacity, red/orange/green,
the weekly load behind it, the customer lines at risk, and the rough-cut plan of the months ahead."""

import pandas as pd
import streamlit as st

from sop_core.common import STATUS_COLORS, STATUS_SYMBOLS
from sop_core.common import status_label as status_in
from sop_core.production import (
    closed_history_chart,
    load_heatmap,
    order_timeline,
    production_report,
    rough_cut_chart,
    rough_cut_plan,
    with_reasons,
)
from sop_ui import (
    as_of,
    choose,
    choose_many,
    compute,
    date,
    downloads,
    lang,
    num,
    page_setup,
    pct,
    plain,
    require_data,
    show_chart,
    show_table,
    status_label,
    status_tile,
    step_action,
    t,
    tile_style,
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
st.caption(t("production.caption", count=len(report.orders), date=date(today)))
open_of = with_reasons(report.orders, language)  # once: the table, the tooltips and the download say it

headline = report.headline(today)  # the home tiles' figures
red, load = st.columns([1, 3])
red.metric(t("production.red_total"), num(headline["red_orders"]),
           help=t("production.red_total_help", count=headline["orange_orders"]))
load.metric(t("production.load_4w"), "–" if headline["load_4w"] is None else pct(headline["load_4w"]),
            help=t("production.load_4w_help", hours=num(headline["overload_hours"])))

tile_style()
tiles = st.columns(len(report.summary))
for i, (tile, shop) in enumerate(zip(tiles, report.summary.itertuples(), strict=True)):
    worst = "red" if shop.red else "orange" if shop.orange else "green"  # the workshop's border colour
    status_tile(tile, worst, f"shop{i}").metric(
                plain(shop.workshop), t("production.tile.value", count=shop.red, symbol=STATUS_SYMBOLS["red"]),
                t("production.tile.delta", orange=num(shop.orange), orange_symbol=STATUS_SYMBOLS["orange"],
                  green=t("production.tile.green", count=shop.green, symbol=STATUS_SYMBOLS["green"])),
                delta_color="off",
                help=t("production.tile.help", orders=t("production.open_orders_count", count=shop.orders),
                       hours=num(shop.remaining_hours), overload=num(shop.overload_hours_4w),
                       delay=t("production.reason.days", count=shop.worst_delay_days)))


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
weekly = report.load
show_chart(load_heatmap(weekly[weekly["week"] < weekly["week"].min() + pd.Timedelta(weeks=HEATMAP_WEEKS)], language))
downloads(weekly, "weekly_load")

left, right = st.columns([1, 3])
workshop = choose(t("production.workshop"), list(report.summary["workshop"]), key="delay_workshop", where=left)
statuses = choose_many(t("production.status_filter"), list(STATUS_COLORS), default=["red", "orange"],
                            key="delay_status", format_func=lambda status: status_in(status, language), where=left)
orders = open_of[open_of["workshop"] == workshop]
show_chart(order_timeline(orders, workshop, language), right)

st.subheader(t("production.open_of"))
shown = open_of[open_of["status"].isin(statuses)] if statuses else open_of
table = labelled(shown)[["status", "mo_id", "workshop", "sku", "planned_end", "projected_end", "delay_days",
                         "remaining_hours", "at_risk_lines", "reason"]]
show_table(table, key="delay_orders", config={"reason": dict(st.column_config.TextColumn(width="large"))})
downloads(lambda: labelled(open_of), "production_orders_status")

st.subheader(t("production.at_risk"))
at_risk = report.impact[report.impact["at_risk"]]
st.caption(t("production.at_risk_caption", count=len(at_risk), lines=num(len(report.impact))))
show_table(labelled(at_risk))
downloads(lambda: labelled(report.impact), "customer_lines_served_by_of")

st.subheader(t("production.pic"))
plan = compute(rough_cut_plan, today)
if plan.source != "forecast":
    st.warning(t("production.no_forecast"))
show_chart(rough_cut_chart(plan.plan, language))
downloads(plan.plan, "rough_cut_plan")

st.subheader(t("production.closed"))
show_chart(closed_history_chart(report.history, language))

step_action(store, "supply_review")
