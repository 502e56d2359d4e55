"""Service rate (taux de service): on time, in full, OTIF and fill rate, down to the lines that were late."""

import altair as alt
import streamlit as st

from sop_core.preferences import load_preferences, save_preferences
from sop_core.service import ServiceSettings, late_lines, service_report
from sop_ui import STATUS_COLORS, as_of, compute, downloads, kpi_filters, page_setup, rate_columns, require_data

store = page_setup("Service rate", "🚚")
st.title("🚚 Service rate (taux de service)")
require_data(store, "orders")
filters = kpi_filters(store)
settings = load_preferences(store, ServiceSettings, "service")
with st.sidebar.expander(f"Target: OTIF {settings.target:.0%}"), st.form("service_target"):
    target = st.number_input("Target (%)", 50.0, 100.0, settings.target * 100, 0.5, key="service_target")
    margin = st.number_input("Orange below the target by up to (points)", 0.0, 20.0,
                             settings.orange_margin * 100, 0.5, key="service_margin")
    if st.form_submit_button("Save the target"):
        save_preferences(store, ServiceSettings(target / 100, margin / 100), "service")
        st.rerun()

today = as_of()
report = compute(service_report, today, filters, settings)
summary = report.summary
if not summary["lines"]:
    st.info("No order line was due in this period for these filters. Widen the period or clear the filters.")
    st.stop()
st.caption(f"{summary['lines']:,} order lines due before {today:%d/%m/%Y}; open lines past their promised date "
           "count as late. Definitions: see the README.")
tiles = st.columns(6)
tiles[0].metric("OTIF (lines)", f"{summary['otif']:.1%}",
                f"{100 * (summary['otif'] - settings.target):+.1f} pts vs target {settings.target:.0%}")
tiles[1].metric("On time (lines)", f"{summary['on_time']:.1%}")
tiles[2].metric("In full (lines)", f"{summary['in_full']:.1%}")
tiles[3].metric("Fill rate (quantity)", f"{summary['fill_rate']:.1%}")
tiles[4].metric("OTIF (orders)", f"{summary['orders_otif']:.1%}", help=f"{summary['orders']:,} orders")
tiles[5].metric("Average delay of late lines", f"{summary['avg_days_late'] or 0:.1f} days",
                help=f"{summary['late_lines']:,} late lines, {summary['open_late_lines']:,} still open")

by_month = report.by["month"]
RATE_NAMES = {"otif": "OTIF", "on_time": "On time", "in_full": "In full", "fill_rate": "Fill rate"}
trend = by_month.rename(columns=RATE_NAMES).melt("key", list(RATE_NAMES.values()), "rate", "value")
target_rule = alt.Chart().mark_rule(strokeDash=[6, 4], color=STATUS_COLORS["green"]).encode(
    y=alt.datum(settings.target))
st.altair_chart(alt.layer(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("key:T", title=None), y=alt.Y("value:Q", axis=alt.Axis(format="%"), title=None,
                                          scale=alt.Scale(zero=False)),
    color=alt.Color("rate:N", title=None, legend=alt.Legend(orient="top")),
    tooltip=[alt.Tooltip("key:T", title="month", format="%b %Y"), "rate:N", alt.Tooltip("value:Q", format=".1%")],
), target_rule).properties(title="Service per month (dashed: target)", height=280), width="stretch")

left, right = st.columns(2)
dimension = left.selectbox("Break down by", ["customer", "family", "sku", "month"], key="service_dimension")
breakdown = report.by[dimension]
worst = breakdown.nsmallest(25, "otif")
left.altair_chart(alt.Chart(worst).mark_bar().encode(
    x=alt.X("otif:Q", axis=alt.Axis(format="%"), title="OTIF"), y=alt.Y("key:N", sort="x", title=None),
    color=alt.Color("status:N", scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
                    legend=None),
    tooltip=["key:N", alt.Tooltip("otif:Q", format=".1%"), "lines:Q", "late_lines:Q"],
).properties(title=f"Lowest OTIF by {dimension} (25 worst)", height=max(200, 18 * len(worst))), width="stretch")
distribution = report.distribution[report.distribution["bucket"] != "on time"].rename(
    columns={"delivered_lines": "delivered late", "open_lines": "still open"})
right.altair_chart(alt.Chart(distribution.melt("bucket", ["delivered late", "still open"], "state", "lines"))
                   .mark_bar().encode(
    x=alt.X("bucket:N", sort=list(distribution["bucket"]), title="Days late"), y=alt.Y("lines:Q", title="Lines"),
    color=alt.Color("state:N", title=None, legend=alt.Legend(orient="top")), tooltip=["bucket", "state", "lines"],
).properties(title="Late lines by days late", height=300), width="stretch")

st.subheader(f"By {dimension}")
st.dataframe(breakdown, hide_index=True, column_config=rate_columns(), key="service_breakdown")
downloads(breakdown, f"service_by_{dimension}")
st.subheader("Customers most hurt")
hurt = report.customers_most_hurt()
st.dataframe(hurt, hide_index=True, column_config=rate_columns())
downloads(hurt, "customers_most_hurt")
st.subheader("Late lines")
late = report.worst_late_lines
st.caption(f"{summary['late_lines']:,} lines delivered after their promised date or still open past it; "
           f"the {len(late):,} latest are shown, the downloads hold them all.")
st.dataframe(late, hide_index=True, column_config=rate_columns())
downloads(lambda: compute(late_lines, today, filters), "late_lines")
