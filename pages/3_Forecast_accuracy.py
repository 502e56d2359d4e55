"""Forecast accuracy: measured on the forecasts frozen at each S&OP cycle, by month, family and lag."""

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.cycles import accuracy_report
from sop_ui import as_of, compute, page_setup, require_data

store = page_setup("Forecast accuracy", "🎯")
st.title("🎯 Forecast accuracy")
require_data(store, "products")
st.caption("Measured on the final forecasts frozen at each S&OP cycle (never on re-fitted backtests). "
           "Accuracy = 1 − WAPE; bias > 0 means the forecast was too high.")

report = compute(accuracy_report, "month", as_of())
if not report["rows"]:
    st.info("No frozen cycle has actuals yet. Freeze the forecast at each S&OP meeting "
            "(`python -m sop_core freeze --cycle YYYY-MM`); accuracy appears once the months have passed.")
    st.stop()

overall, fva = report["overall"].iloc[0], report["fva_overall"].iloc[0]
tiles = st.columns(5)
tiles[0].metric("Accuracy (1 − WAPE)", f"{overall['accuracy']:.1%}")
tiles[1].metric("Bias", f"{overall['bias_pct']:+.1%}")
tiles[2].metric("MAPE (non-zero months)", f"{overall['mape']:.1%}")
tiles[3].metric("Value added by the statistics", f"{fva['fva_statistical']:+.1%}", help="WAPE naive − WAPE statistical")
tiles[4].metric("Value added by the consensus", f"{fva['fva_consensus']:+.1%}", help="WAPE statistical − WAPE final")

def percent_chart(frame: pd.DataFrame, x: str, title: str, kind: str = "line") -> alt.Chart:
    mark = alt.Chart(frame).mark_line(point=True) if kind == "line" else alt.Chart(frame).mark_bar()
    return mark.encode(
        x=alt.X(x, title=None), y=alt.Y("accuracy:Q", axis=alt.Axis(format="%"), title="Accuracy"),
        tooltip=[x, alt.Tooltip("accuracy:Q", format=".1%"), alt.Tooltip("bias_pct:Q", format="+.1%")],
    ).properties(title=title, height=260)

left, right = st.columns(2)
left.altair_chart(percent_chart(report["by_month"], "period:T", "Accuracy per month"), width="stretch")
right.altair_chart(percent_chart(report["by_lag"].astype({"lag": str}), "lag:N", "Accuracy by lag (months ahead)",
                                 "bar"), width="stretch")
left, right = st.columns(2)
left.altair_chart(percent_chart(report["by_family"], "family:N", "Accuracy by family", "bar"), width="stretch")
fva_long = report["fva"].melt("period", ["wape_naive", "wape_statistical", "wape_final"], "forecast", "wape")
right.altair_chart(alt.Chart(fva_long).mark_line(point=True).encode(
    x=alt.X("period:T", title=None), y=alt.Y("wape:Q", axis=alt.Axis(format="%"), title="WAPE (lower is better)"),
    color=alt.Color("forecast:N", title=None, legend=alt.Legend(orient="top")),
).properties(title="Forecast value added: naive vs statistical vs final", height=260), width="stretch")

st.subheader("SKUs with the largest errors")
st.dataframe(report["worst_skus"], hide_index=True)
for name in ("by_month", "by_family", "by_lag", "by_sku"):
    st.download_button(f"Download accuracy {name.replace('_', ' ')} (CSV)", report[name].to_csv(index=False),
                       file_name=f"accuracy_{name}.csv", mime="text/csv", key=f"dl_{name}")
