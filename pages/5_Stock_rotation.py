"""Stock rotation (rotation des stocks): value, turnover, coverage, ABC/XYZ, and what to do per SKU."""

from dataclasses import replace

import altair as alt
import streamlit as st

from sop_core.preferences import load_preferences, save_preferences
from sop_core.stock import (
    StockSettings,
    abc_xyz_matrix,
    inventory_value,
    sku_stock,
    summarise,
    total_turnover,
    turnover,
    turnover_trend,
)
from sop_ui import as_of, compute, downloads, euros, kpi_filters, page_setup, rate_columns, require_data

STATUS_ORDER = ["dead", "slow", "overstock", "understock", "ok"]
STATUS_PALETTE = ["#6d4c41", "#8d6e63", "#ef6c00", "#c62828", "#2e7d32"]

store = page_setup("Stock rotation", "📦")
st.title("📦 Stock rotation (rotation des stocks)")
require_data(store, "stock")
filters = kpi_filters(store, customers=False)  # stock belongs to no customer
settings = load_preferences(store, StockSettings, "stock")
with st.sidebar.expander("Stock policy"), st.form("stock_policy"):
    cover = st.number_input("Target coverage (days)", 1.0, 365.0, float(settings.target_cover_days), 1.0,
                            key="stock_cover")
    dead = st.number_input("Dead after (months without demand)", 1, 36, settings.dead_months, key="stock_dead")
    level = st.number_input("Service level for the safety stock (%)", 50.0, 99.9, settings.service_level * 100, 0.5,
                            key="stock_level")
    order_cost = st.number_input("Cost of an order or set-up (€, 0 = unknown)", 0.0, 100000.0,
                                 settings.order_cost or 0.0, 10.0, key="stock_order_cost")
    holding = st.number_input("Yearly holding rate (%, 0 = unknown)", 0.0, 100.0,
                              (settings.holding_rate or 0.0) * 100, 1.0, key="stock_holding")
    if st.form_submit_button("Save the policy"):
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
tiles[0].metric("Stock value (at cost)", euros(summary["total_value"]))
turns = summary["turnover"]
tiles[1].metric("Turnover", "—" if turns is None else f"{turns:.1f}×",
                help=f"cost of goods sold over the last {settings.history_months} months / average stock value")
days = summary["days_of_inventory"]
tiles[2].metric("Days of inventory", "—" if days is None else f"{days:.0f}")
tiles[3].metric("Dead stock", euros(summary["dead_stock_value"]),
                help=f"no demand for {settings.dead_months} months")
tiles[4].metric("Overstock", euros(summary["overstock_value"]),
                help=f"value beyond {settings.over_ratio:g} x the target of {settings.target_cover_days:g} days")
tiles[5].metric("Understocked SKUs", f"{summary['understock_skus']}")

left, right = st.columns(2)
value = compute(inventory_value, today, filters, "family")
left.altair_chart(alt.Chart(value).mark_area().encode(
    x=alt.X("date:T", title=None), y=alt.Y("value:Q", stack=True, title="Value at cost (€)"),
    color=alt.Color("key:N", title="Family", legend=alt.Legend(orient="top", columns=4)),
    tooltip=[alt.Tooltip("date:T", format="%d/%m/%Y"), "key:N", alt.Tooltip("value:Q", format=",.0f")],
).properties(title="Stock value over time", height=300), width="stretch")
trend = compute(turnover_trend, today, filters, settings.history_months)
right.altair_chart(alt.Chart(trend).mark_line(point=True).encode(
    x=alt.X("month:T", title=None), y=alt.Y("turnover:Q", title="Turnover (×, trailing months)"),
    tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("turnover:Q", format=".2f"),
             alt.Tooltip("days_of_inventory:Q", format=".0f")],
).properties(title="Turnover trend", height=300), width="stretch")

left, right = st.columns(2)
matrix = abc_xyz_matrix(skus)
cells = alt.Chart(matrix).encode(x=alt.X("xyz:N", title="XYZ (demand variability)"),
                                 y=alt.Y("abc:N", title="ABC (annual value)"))
left.altair_chart((cells.mark_rect().encode(color=alt.Color("value:Q", title="Stock value (€)"),
                                            tooltip=["abc", "xyz", "skus", alt.Tooltip("value:Q", format=",.0f")])
                   + cells.mark_text(fontSize=16).encode(text="skus:Q"))
                  .properties(title="ABC × XYZ: SKUs per cell, coloured by stock value", height=300), width="stretch")
covered = skus.dropna(subset=["coverage_days"])
right.altair_chart(alt.Chart(covered).mark_bar().encode(
    x=alt.X("coverage_days:Q", bin=alt.Bin(maxbins=30), title="Coverage (days)"), y=alt.Y("count():Q", title="SKUs"),
    color=alt.Color("status:N", scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_PALETTE),
                    legend=alt.Legend(orient="top")),
).properties(title="Coverage distribution", height=300), width="stretch")
outliers = covered.nlargest(10, "coverage_days")[["sku", "name", "family", "on_hand", "value", "coverage_days"]]
st.caption("Longest coverage: " + ", ".join(f"{r.sku} ({r.coverage_days:.0f} d)" for r in outliers.itertuples()))

st.subheader("Per SKU: status and suggestions")
status = st.multiselect("Status", STATUS_ORDER, default=["dead", "slow", "overstock", "understock"], key="stock_status")
shown = skus[skus["status"].isin(status)] if status else skus
st.dataframe(shown, hide_index=True, column_config=rate_columns(), key="stock_skus")
downloads(shown, "stock_per_sku")
st.subheader("Turnover by family")
st.dataframe(by_family, hide_index=True, column_config=rate_columns())
downloads(by_family, "turnover_by_family")
