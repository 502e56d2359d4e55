"""Production delays: every open OF projected on its workshop's finite capacity, red/orange/green,
the weekly load behind it, the customer lines at risk, and the rough-cut plan of the months ahead."""

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.capacity_plan import rough_cut_plan
from sop_core.delays import production_report
from sop_ui import STATUS_COLORS, as_of, compute, downloads, page_setup, require_data

STATUS_ICONS = {"red": "🔴", "orange": "🟠", "green": "🟢"}
STATUS_SCALE = alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))

store = page_setup("Production delays", "🏭")
st.title("🏭 Production delays (retards de fabrication)")
require_data(store, "production_orders", "workshops")
today = as_of()
report = compute(production_report, today)
if report.orders.empty:
    st.info(f"No manufacturing order (OF) is open on {today:%d/%m/%Y}.")
    st.stop()
st.caption(f"{len(report.orders)} open OF projected from {today:%d/%m/%Y} on each workshop's finite capacity "
           "(working days, French public holidays off, served by due date then priority). Rules: see the README.")

tiles = st.columns(len(report.summary))
for tile, shop in zip(tiles, report.summary.itertuples(), strict=True):
    tile.metric(shop.workshop, f"{shop.red} 🔴", f"{shop.orange} orange · {shop.green} green", delta_color="off",
                help=f"{shop.orders} open OF, {shop.remaining_hours:,.0f} h left, worst delay "
                     f"{shop.worst_delay_days} working days, overload {shop.overload_hours_4w:,.0f} h in 4 weeks")

HEATMAP_WEEKS = 13  # a quarter: readable from the back of the room; the download has all 26 weeks
load = report.load[report.load["week"] < report.load["week"].min() + pd.Timedelta(weeks=HEATMAP_WEEKS)]
load = load.assign(load_label=(load["load_pct"] * 100).round().astype("Int64").astype(str))
heat = alt.Chart(load).encode(x=alt.X("week_label:N", sort=None, title="Week"), y=alt.Y("workshop:N", title=None))
st.altair_chart((heat.mark_rect().encode(
    color=alt.Color("load_pct:Q", title="Load / capacity", legend=alt.Legend(format="%"),
                    scale=alt.Scale(domain=[0, 0.85, 1.0, 1.3], range=["#e8f5e9", "#a5d6a7", "#ffb74d", "#c62828"],
                                    clamp=True)),
    tooltip=["workshop", "week_label", alt.Tooltip("capacity_hours:Q", format=",.0f"),
             alt.Tooltip("load_hours:Q", format=",.0f"), alt.Tooltip("overload_hours:Q", format=",.0f")])
    + heat.mark_text(fontSize=13, fontWeight="bold").encode(text="load_label:N"))
    .properties(title="Planned load in % of capacity, per workshop and week",
                height=60 + 45 * load["workshop"].nunique()), width="stretch")
downloads(report.load, "weekly_load")

left, right = st.columns([1, 3])
workshop = left.selectbox("Workshop", list(report.summary["workshop"]), key="delay_workshop")
statuses = left.multiselect("Status", list(STATUS_COLORS), default=["red", "orange"], key="delay_status")
orders = report.orders[report.orders["workshop"] == workshop]
timeline = pd.concat([orders.assign(plan="planned", start=orders["planned_start"], end=orders["planned_end"]),
                      orders.assign(plan="projected", start=orders["projected_start"], end=orders["projected_end"])])
right.altair_chart(alt.Chart(timeline).mark_bar(height=8).encode(
    x=alt.X("start:T", title=None), x2="end:T", y=alt.Y("mo_id:N", title=None, sort=list(orders["mo_id"])),
    yOffset=alt.YOffset("plan:N"), color=alt.condition(alt.datum.plan == "planned", alt.value("#b0bec5"),
                                                       alt.Color("status:N", scale=STATUS_SCALE, legend=None)),
    tooltip=["mo_id", "plan", alt.Tooltip("start:T", format="%d/%m"), alt.Tooltip("end:T", format="%d/%m"), "reason"],
).properties(title=f"{workshop}: planned (grey) vs projected", height=max(220, 22 * len(orders))), width="stretch")

st.subheader("Open OF")
shown = report.orders[report.orders["status"].isin(statuses)] if statuses else report.orders
table = shown.assign(status=shown["status"].map(lambda s: f"{STATUS_ICONS[s]} {s}"))[
    ["status", "mo_id", "workshop", "sku", "planned_end", "projected_end", "delay_days", "remaining_hours",
     "at_risk_lines", "reason"]]
st.dataframe(table, hide_index=True, key="delay_orders", column_config={
    "planned_end": st.column_config.DateColumn(format="DD/MM/YYYY"),
    "projected_end": st.column_config.DateColumn(format="DD/MM/YYYY"),
    "reason": st.column_config.TextColumn(width="large")})
downloads(report.orders, "production_orders_status")

st.subheader("Customer lines at risk")
at_risk = report.impact[report.impact["at_risk"]]
st.caption(f"{len(at_risk)} of the {len(report.impact)} open customer lines served by an open OF would ship late.")
st.dataframe(at_risk, hide_index=True)
downloads(report.impact, "customer_lines_served_by_of")

st.subheader("Rough-cut capacity plan (PIC)")
plan = compute(rough_cut_plan, today)
if plan.source != "forecast":
    st.warning("No forecast yet: the demand not covered by stock and open OF uses the recent average demand.")
loads = alt.Chart().transform_fold(["open_orders_hours", "forecast_hours"], as_=["load", "hours"]).mark_bar().encode(
    x=alt.X("month:T", title=None), y=alt.Y("hours:Q", title="Hours"),
    color=alt.Color("load:N", title=None, legend=alt.Legend(orient="top")),
    tooltip=[alt.Tooltip("month:T", format="%b %Y"), "load:N", alt.Tooltip("hours:Q", format=",.0f")])
capacity_line = alt.Chart().mark_line(color="black", strokeDash=[4, 3]).encode(x="month:T", y="capacity_hours:Q")
st.altair_chart(alt.layer(loads, capacity_line, data=plan.plan).properties(height=180, width=220)
                .facet(facet=alt.Facet("workshop:N", title=None), columns=3)
                .properties(title="Monthly load: open OF + demand not yet covered (dashed: capacity)"))
downloads(plan.plan, "rough_cut_plan")

st.subheader("Closed OF: on-time completion")
st.altair_chart(alt.Chart(report.history).mark_line(point=True).encode(
    x=alt.X("month:T", title=None), y=alt.Y("on_time_rate:Q", axis=alt.Axis(format="%"), title="On time"),
    color="workshop:N", tooltip=["workshop", alt.Tooltip("month:T", format="%b %Y"), "closed",
                                 alt.Tooltip("on_time_rate:Q", format=".0%"), "avg_delay_days"],
).properties(height=260), width="stretch")
