"""Stock rotation (rotation des stocks): value, turnover, coverage, ABC/XYZ, and what to do per SKU."""

from dataclasses import replace

import streamlit as st

from sop_core.common import translate
from sop_core.data import load_preferences, save_preferences
from sop_core.kpi import (
    SAFETY_STOCK_SOURCES,
    STOCK_STATUS_ORDER,
    StockSettings,
    abc_xyz_chart,
    abc_xyz_matrix,
    coverage_chart,
    inventory_value,
    sku_stock,
    stock_value_chart,
    summarise,
    total_turnover,
    turnover,
    turnover_trend,
    turnover_trend_chart,
)
from sop_ui import (
    as_of,
    choose_many,
    compute,
    downloads,
    kpi_filters,
    lang,
    may,
    money,
    num,
    page_setup,
    plain,
    require_data,
    show_chart,
    show_table,
    t,
)


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


def safety_option(code: str) -> str:
    """The safety stock basis' labels, in this run's language (as `status_option`)."""
    return translate(f"stock.policy.safety_from.{code}", language)


st.title("📦 " + t("stock.heading"))
require_data(store, "stock")
filters = kpi_filters(customers=False)  # stock belongs to no customer
settings = load_preferences(store, StockSettings, "stock")
if may("admin"):  # the settings every reader's figures follow
    with st.sidebar.expander(t("stock.policy")), st.form("stock_policy"):
        cover = st.number_input(t("stock.policy.cover"), 1.0, 365.0, float(settings.target_cover_days), 1.0,
                                key="stock_cover")
        dead = st.number_input(t("stock.policy.dead"), 1, 36, settings.dead_months, key="stock_dead")
        level = st.number_input(t("stock.policy.level"), 50.0, 99.9, settings.service_level * 100, 0.5,
                                key="stock_level")
        spread = st.radio(t("stock.policy.safety_from"), SAFETY_STOCK_SOURCES,
                          SAFETY_STOCK_SOURCES.index(settings.safety_stock_from), key="stock_safety_from",
                          format_func=safety_option,
                          help=t("stock.policy.safety_from_help"))
        order_cost = st.number_input(t("stock.policy.order_cost"), 0.0, 100000.0,
                                     settings.order_cost or 0.0, 10.0, key="stock_order_cost")
        holding = st.number_input(t("stock.policy.holding"), 0.0, 100.0,
                                  (settings.holding_rate or 0.0) * 100, 1.0, key="stock_holding")
        if st.form_submit_button(t("stock.policy.save")):
            known = order_cost > 0 and holding > 0  # Wilson's EOQ needs both
            save_preferences(store, replace(settings, target_cover_days=cover, dead_months=int(dead),
                                            service_level=level / 100, safety_stock_from=spread,
                                            order_cost=order_cost if known else None,
                                            holding_rate=holding / 100 if known else None), "stock")
            st.rerun()

today = as_of()
whole_history = replace(filters, start=None, end=None)  # turnover: the last complete months, whatever the period
skus = compute(sku_stock, today, filters, settings)
by_family = compute(turnover, today, whole_history, "family", settings.history_months)
summary = summarise(skus, total_turnover(by_family), settings)
tiles = st.columns(7)
tiles[0].metric(t("stock.tile.value"), money(summary["total_value"]))
turns = summary["turnover"]
tiles[1].metric(t("stock.tile.turnover"), "—" if turns is None else t("stock.tile.turnover_value", turns=num(turns, 1)),
                help=t("stock.tile.turnover_help", count=settings.history_months))
days = summary["days_of_inventory"]
tiles[2].metric(t("stock.tile.days"), "—" if days is None else num(days))
tiles[3].metric(t("stock.tile.dead"), money(summary["dead_stock_value"]),
                help=t("stock.tile.dead_help", count=settings.dead_months))
tiles[4].metric(t("stock.tile.overstock"), money(summary["overstock_value"]),
                help=t("stock.tile.overstock_help", ratio=figure(settings.over_ratio),
                       days=figure(settings.target_cover_days)))
tiles[5].metric(t("stock.tile.understock"), num(summary["understock_skus"]))
tiles[6].metric(t("kpi.stock_at_risk"), money(summary["at_risk_value"]), help=t("stock.tile.at_risk_help", **{
    part: money(summary[column]) for part, column in (("dead", "dead_stock_value"), ("slow", "slow_value"),
                                                      ("excess", "excess_value"))}))

left, right = st.columns(2)
values = compute(inventory_value, today, filters, "family")
show_chart(stock_value_chart(values, language, family="key"), left)
show_chart(turnover_trend_chart(compute(turnover_trend, today, filters, settings.history_months), language), right)
left, right = st.columns(2)
show_chart(abc_xyz_chart(abc_xyz_matrix(skus), language), left)
show_chart(coverage_chart(skus, language), right)
covered = skus.dropna(subset=["coverage_days"])
outliers = covered.nlargest(10, "coverage_days")
st.caption(t("stock.longest", items=", ".join(
    f"{plain(r.sku)} ({t('stock.days_short', days=num(r.coverage_days))})" for r in outliers.itertuples())))

st.subheader(t("stock.per_sku"))
status = choose_many(t("stock.status_filter"), list(STOCK_STATUS_ORDER), key="stock_status",
                        default=["dead", "slow", "overstock", "understock"], format_func=status_option)
shown = skus[skus["status"].isin(status)] if status else skus
shown = shown.assign(status=shown["status"].map(status_name),
                     coverage_source=shown["coverage_source"].map(lambda s: t(f"stock.coverage_source.{s}")))
show_table(shown, key="stock_skus")
downloads(shown, "stock_per_sku")
st.subheader(t("stock.by_family"))
families = by_family.rename(columns={"key": "family"})
show_table(families)
downloads(families, "turnover_by_family")
