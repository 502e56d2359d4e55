"""Service rate (taux de service): on time, in full, OTIF and fill rate, down to the lines that were late."""

import streamlit as st

from sop_core.data import load_preferences, save_preferences
from sop_core.kpi import (
    ServiceSettings,
    late_lines,
    late_lines_chart,
    named_key,
    rates_trend_chart,
    service_report,
    worst_otif_chart,
)
from sop_ui import (
    as_of,
    choose,
    compute,
    date,
    downloads,
    kpi_filters,
    lang,
    may,
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
if may("admin"):  # the settings every reader's figures follow
    with st.sidebar.expander(t("service.target_expander", target=pct(settings.target, 0))), st.form("service_target"):
        target = st.number_input(t("service.target_input"), 50.0, 100.0, settings.target * 100, 0.5,
                                 key="service_target")
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
st.caption(t("service.caption", count=summary["lines"], date=date(today)))
tiles = st.columns(6)
tiles[0].metric(t("service.tile.otif"), pct(summary["otif"]),
                t("service.tile.otif_delta", points=num(100 * (summary["otif"] - settings.target), 1),
                  target=pct(settings.target, 0)) + f" · {status_label(summary['status'])}")
tiles[1].metric(t("service.tile.on_time"), pct(summary["on_time"]))
tiles[2].metric(t("service.tile.in_full"), pct(summary["in_full"]))
tiles[3].metric(t("service.tile.fill_rate"), pct(summary["fill_rate"]))
tiles[4].metric(t("service.tile.orders_otif"), pct(summary["orders_otif"]),
                help=t("service.tile.orders_help", count=summary["orders"]))
tiles[5].metric(t("service.tile.delay"), t("service.days", count=round(summary["avg_days_late"] or 0, 1)),
                help=t("service.tile.delay_help", late=t("service.late_lines_count", count=summary["late_lines"]),
                       open=t("service.still_open_count", count=summary["open_late_lines"])))

show_chart(rates_trend_chart(report.by["month"], settings.target, lang()))

left, right = st.columns(2)
dimensions = {code: t(f"service.dimension.{code}") for code in ("customer", "family", "sku", "month")}
dimension = choose(t("service.break_down_by"), list(dimensions), key="service_dimension",
                           format_func=dimensions.__getitem__, where=left)
breakdown = report.by[dimension]
show_chart(worst_otif_chart(breakdown, dimension, lang()), left)
show_chart(late_lines_chart(report.distribution, lang()), right)

with_status = named_key(breakdown, dimension).assign(status=breakdown["status"].map(status_label))
st.subheader(t("service.by", dimension=t(f"service.dimension.{dimension}")))
show_table(with_status, key="service_breakdown")
downloads(with_status, f"service_by_{dimension}")
st.subheader(t("service.most_hurt"))
hurt = named_key(report.customers_most_hurt(), "customer")
hurt = hurt.assign(status=hurt["status"].map(status_label))
show_table(hurt)
downloads(hurt, "customers_most_hurt")
st.subheader(t("service.late_lines"))
late = report.worst_late_lines
st.caption(t("service.late_caption", count=summary["late_lines"], shown=num(len(late))))
show_table(late)
downloads(lambda: compute(late_lines, today, filters), "late_lines")
