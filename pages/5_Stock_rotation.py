"""Stock rotation (rotation des stocks): value, turnover, coverage, ABC/XYZ, and what to do per SKU."""

from dataclasses import replace

import altair as alt
import streamlit as st

from sop_core.common import DATE_FORMATS, translate
from sop_core.data import load_preferences, save_preferences
from sop_core.kpi import (
    StockSettings,
    abc_xyz_matrix,
    inventory_value,
    sku_stock,
    summarise,
    total_turnover,
    turnover,
    turnover_trend,
)
from sop_ui import (
    as_of,
    compute,
    downloads,
    kpi_filters,
    lang,
    money,
    num,
    page_setup,
    require_data,
    show_chart,
    show_table,
    t,
)

STATUS_ORDER = ["dead", "slow", "overstock", "understock", "ok"]
# Okabe-Ito colours (colour-blind safe), and the legend names each status in words.
STATUS_PALETTE = ["#CC79A7", "#0072B2", "#E69F00", "#D55E00", "#009E73"]


def status_name(code: str) -> str:
    return t(f"stock.status.{code}")


def figure(value: float) -> str:
    """A setting as typed: 2 rather than 2,0; 7,5 kept."""
    return num(value, 0 if float(value).is_integer() else 1)


store = page_setup("stock.title", "📦")
language = lang()


def status_option(code: str) -> str:
    """The status filter's labels, in this run's language (AppTest also calls it outside the run)."""
    return translate(f"stock.status.{code}", language)


st.title("📦 " + t("stock.heading"))
require_data(store, "stock")
filters = kpi_filters(customers=False)  # stock belongs to no customer
settings = load_preferences(store, StockSettings, "stock")
with st.sidebar.expander(t("stock.policy")), st.form("stock_policy"):
    cover = st.number_input(t("stock.policy.cover"), 1.0, 365.0, float(settings.target_cover_days), 1.0,
                            key="stock_cover")
    dead = st.number_input(t("stock.policy.dead"), 1, 36, settings.dead_months, key="stock_dead")
    level = st.number_input(t("stock.policy.level"), 50.0, 99.9, settings.service_level * 100, 0.5,
                            key="stock_level")
    order_cost = st.number_input(t("stock.policy.order_cost"), 0.0, 100000.0,
                                 settings.order_cost or 0.0, 10.0, key="stock_order_cost")
    holding = st.number_input(t("stock.policy.holding"), 0.0, 100.0,
                              (settings.holding_rate or 0.0) * 100, 1.0, key="stock_holding")
    if st.form_submit_button(t("stock.policy.save")):
        known = order_cost > 0 and holding > 0  # Wilson's EOQ needs both
        save_preferences(store, replace(settings, target_cover_days=cover, dead_months=int(dead),
                                        service_level=level / 100, order_cost=order_cost if known else None,
                                        holding_rate=holding / 100 if known else None), "stock")
        st.rerun()

today = as_of()
whole_history = replace(filters, start=None, end=None)  # turnover: the last complete months, whatever the period
skus = compute(sku_stock, today, filters, settings)
by_family = compute(turnover, today, whole_history, "family", settings.history_months)
summary = summarise(skus, total_turnover(by_family), settings)
tiles = st.columns(6)
tiles[0].metric(t("stock.tile.value"), money(summary["total_value"]))
turns = summary["turnover"]
tiles[1].metric(t("stock.tile.turnover"), "—" if turns is None else t("stock.tile.turnover_value", turns=num(turns, 1)),
                help=t("stock.tile.turnover_help", months=num(settings.history_months)))
days = summary["days_of_inventory"]
tiles[2].metric(t("stock.tile.days"), "—" if days is None else num(days))
tiles[3].metric(t("stock.tile.dead"), money(summary["dead_stock_value"]),
                help=t("stock.tile.dead_help", months=num(settings.dead_months)))
tiles[4].metric(t("stock.tile.overstock"), money(summary["overstock_value"]),
                help=t("stock.tile.overstock_help", ratio=figure(settings.over_ratio),
                       days=figure(settings.target_cover_days)))
tiles[5].metric(t("stock.tile.understock"), num(summary["understock_skus"]))

left, right = st.columns(2)
value = compute(inventory_value, today, filters, "family")
show_chart(alt.Chart(value).mark_area().encode(
    x=alt.X("date:T", title=None), y=alt.Y("value:Q", stack=True, title=t("stock.axis.value")),
    color=alt.Color("key:N", title=t("col.family"), legend=alt.Legend(orient="top", columns=4)),
    tooltip=[alt.Tooltip("date:T", title=t("stock.date"), format=DATE_FORMATS[language]),
             alt.Tooltip("key:N", title=t("col.family")),
             alt.Tooltip("value:Q", title=t("stock.axis.value"), format=",.0f")],
).properties(title=t("stock.chart.value"), height=300), left)
trend = compute(turnover_trend, today, filters, settings.history_months)
show_chart(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("month:T", title=None), y=alt.Y("turnover:Q", title=t("stock.axis.turnover")),
    tooltip=[alt.Tooltip("month:T", title=t("col.month"), format="%b %Y"),
             alt.Tooltip("turnover:Q", title=t("col.turnover"), format=".2f"),
             alt.Tooltip("days_of_inventory:Q", title=t("col.days_of_inventory"), format=".0f")],
).properties(title=t("stock.chart.trend"), height=300), right)

left, right = st.columns(2)
matrix = abc_xyz_matrix(skus)
cells = alt.Chart(matrix).encode(x=alt.X("xyz:N", title=t("stock.axis.xyz")),
                                 y=alt.Y("abc:N", title=t("stock.axis.abc")))
show_chart((cells.mark_rect().encode(
    color=alt.Color("value:Q", title=t("stock.axis.stock_value")),
    tooltip=[alt.Tooltip("abc:N", title=t("col.abc")), alt.Tooltip("xyz:N", title=t("col.xyz")),
             alt.Tooltip("skus:Q", title=t("col.skus")),
             alt.Tooltip("value:Q", title=t("stock.axis.stock_value"), format=",.0f")])
    + cells.mark_text(fontSize=16).encode(text="skus:Q"))
    .properties(title=t("stock.chart.matrix"), height=300), left)
covered = skus.dropna(subset=["coverage_days"])
covered = covered.assign(status_text=covered["status"].map(status_name))
show_chart(alt.Chart(covered).mark_bar().encode(
    x=alt.X("coverage_days:Q", bin=alt.Bin(maxbins=30), title=t("stock.axis.coverage")),
    y=alt.Y("count():Q", title=t("stock.skus")),
    color=alt.Color("status_text:N", title=t("col.status"),
                    scale=alt.Scale(domain=[status_name(s) for s in STATUS_ORDER], range=STATUS_PALETTE),
                    legend=alt.Legend(orient="top")),
).properties(title=t("stock.chart.coverage"), height=300), right)
outliers = covered.nlargest(10, "coverage_days")
st.caption(t("stock.longest", items=", ".join(
    f"{r.sku} ({t('stock.days_short', days=num(r.coverage_days))})" for r in outliers.itertuples())))

st.subheader(t("stock.per_sku"))
status = st.multiselect(t("stock.status_filter"), STATUS_ORDER, default=["dead", "slow", "overstock", "understock"],
                        key="stock_status", format_func=status_option)
shown = skus[skus["status"].isin(status)] if status else skus
shown = shown.assign(status=shown["status"].map(status_name),
                     coverage_source=shown["coverage_source"].map(lambda s: t(f"stock.coverage_source.{s}")))
show_table(shown, key="stock_skus", money=("unit_cost",))
downloads(shown, "stock_per_sku")
st.subheader(t("stock.by_family"))
families = by_family.rename(columns={"key": "family"})
show_table(families)
downloads(families, "turnover_by_family")
