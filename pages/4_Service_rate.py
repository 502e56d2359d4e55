"""Service rate (taux de service): on time, in full, OTIF and fill rate, down to the lines that were late."""

import altair as alt
import streamlit as st

from sop_core.common import STATUS_COLORS, status_scale
from sop_core.data import load_preferences, save_preferences
from sop_core.kpi import ServiceSettings, late_lines, service_report
from sop_ui import (
    as_of,
    compute,
    date,
    downloads,
    kpi_filters,
    num,
    page_setup,
    pct,
    require_data,
    show_chart,
    show_table,
    status_label,
    t,
)

store = page_setup("service.title", "🚚")
st.title("🚚 " + t("service.title"))
require_data(store, "orders")
filters = kpi_filters()
settings = load_preferences(store, ServiceSettings, "service")
with st.sidebar.expander(t("service.target_expander", target=pct(settings.target, 0))), st.form("service_target"):
    target = st.number_input(t("service.target_input"), 50.0, 100.0, settings.target * 100, 0.5, key="service_target")
    margin = st.number_input(t("service.margin_input"), 0.0, 20.0, settings.orange_margin * 100, 0.5,
                             key="service_margin")
    if st.form_submit_button(t("service.save_target")):
        save_preferences(store, ServiceSettings(target / 100, margin / 100), "service")
        st.rerun()

today = as_of()
report = compute(service_report, today, filters, settings)
summary = report.summary
if not summary["lines"]:
    st.info(t("service.no_lines"))
    st.stop()
st.caption(t("service.caption", lines=num(summary["lines"]), date=date(today)))
tiles = st.columns(6)
tiles[0].metric(t("service.tile.otif"), pct(summary["otif"]),
                t("service.tile.otif_delta", points=num(100 * (summary["otif"] - settings.target), 1),
                  target=pct(settings.target, 0)) + f" · {status_label(summary['status'])}")
tiles[1].metric(t("service.tile.on_time"), pct(summary["on_time"]))
tiles[2].metric(t("service.tile.in_full"), pct(summary["in_full"]))
tiles[3].metric(t("service.tile.fill_rate"), pct(summary["fill_rate"]))
tiles[4].metric(t("service.tile.orders_otif"), pct(summary["orders_otif"]),
                help=t("service.tile.orders_help", orders=num(summary["orders"])))
tiles[5].metric(t("service.tile.delay"), t("service.days", days=num(summary["avg_days_late"] or 0, 1)),
                help=t("service.tile.delay_help", late=num(summary["late_lines"]),
                       open=num(summary["open_late_lines"])))

RATES = ("otif", "on_time", "in_full", "fill_rate")
trend = report.by["month"].melt("key", list(RATES), "rate", "value")
trend["rate"] = trend["rate"].map(lambda code: t(f"service.rate.{code}"))
target_rule = alt.Chart().mark_rule(strokeDash=[6, 4], color=STATUS_COLORS["green"]).encode(
    y=alt.datum(settings.target))
show_chart(alt.layer(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("key:T", title=None),
    y=alt.Y("value:Q", axis=alt.Axis(format="%"), title=None, scale=alt.Scale(zero=False)),
    color=alt.Color("rate:N", title=None, legend=alt.Legend(orient="top")),
    tooltip=[alt.Tooltip("key:T", title=t("service.month"), format="%b %Y"),
             alt.Tooltip("rate:N", title=t("service.rate")),
             alt.Tooltip("value:Q", title=t("service.value"), format=".1%")],
), target_rule).properties(title=t("service.chart.trend"), height=280))

left, right = st.columns(2)
dimensions = {code: t(f"service.dimension.{code}") for code in ("customer", "family", "sku", "month")}
dimension = left.selectbox(t("service.break_down_by"), list(dimensions), key="service_dimension",
                           format_func=dimensions.__getitem__)
breakdown = report.by[dimension]
worst = breakdown.nsmallest(25, "otif").assign(status_text=lambda f: f["status"].map(status_label))
show_chart(alt.Chart(worst).mark_bar().encode(
    x=alt.X("otif:Q", axis=alt.Axis(format="%"), title="OTIF"), y=alt.Y("key:N", sort="x", title=None),
    color=alt.Color("status:N", scale=status_scale(), legend=None),
    tooltip=[alt.Tooltip("key:N", title=t(f"service.dimension.{dimension}")), alt.Tooltip("otif:Q", format=".1%"),
             alt.Tooltip("status_text:N", title=t("col.status")), alt.Tooltip("lines:Q", title=t("col.lines")),
             alt.Tooltip("late_lines:Q", title=t("col.late_lines"))],
).properties(title=t("service.chart.worst", dimension=t(f"service.dimension.{dimension}")),
             height=max(200, 18 * len(worst))), left)
distribution = report.distribution[report.distribution["bucket"] != "on time"]
states = {"delivered_lines": t("service.delivered_late"), "open_lines": t("service.still_open")}
late_by_bucket = distribution.rename(columns=states).melt("bucket", list(states.values()), "state", "lines")
late_by_bucket["bucket"] = late_by_bucket["bucket"].map(lambda b: t(f"service.bucket.{b}"))
show_chart(alt.Chart(late_by_bucket).mark_bar().encode(
    x=alt.X("bucket:N", sort=None, title=t("service.days_late")), y=alt.Y("lines:Q", title=t("col.lines")),
    color=alt.Color("state:N", title=None, legend=alt.Legend(orient="top")),
    tooltip=[alt.Tooltip("bucket:N", title=t("service.days_late")), alt.Tooltip("state:N", title=t("service.state")),
             alt.Tooltip("lines:Q", title=t("col.lines"))],
).properties(title=t("service.chart.late_lines"), height=300), right)

with_status = breakdown.assign(status=breakdown["status"].map(status_label))
st.subheader(t("service.by", dimension=t(f"service.dimension.{dimension}")))
show_table(with_status, key="service_breakdown")
downloads(with_status, f"service_by_{dimension}")
st.subheader(t("service.most_hurt"))
hurt = report.customers_most_hurt()
hurt = hurt.assign(status=hurt["status"].map(status_label))
show_table(hurt)
downloads(hurt, "customers_most_hurt")
st.subheader(t("service.late_lines"))
late = report.worst_late_lines
st.caption(t("service.late_caption", late=num(summary["late_lines"]), shown=num(len(late))))
show_table(late)
downloads(lambda: compute(late_lines, today, filters), "late_lines")
