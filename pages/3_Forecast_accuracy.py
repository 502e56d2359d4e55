"""Forecast accuracy: measured on the forecasts frozen at each S&OP cycle, by month, family and lag."""

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.forecast import accuracy_report
from sop_ui import as_of, compute, downloads, page_setup, pct, require_data, show_chart, show_table, t

PERCENT_COLUMNS = ("wape", "accuracy", "bias_pct", "mape", "smape")


def signed_pct(fraction: float) -> str:
    """A change in points with its sign always shown: +1,5 % / −0,3 %."""
    return ("+" if fraction >= 0 else "−") + pct(abs(fraction))


store = page_setup("accuracy.title", "🎯")
st.title("🎯 " + t("accuracy.title"))
require_data(store, "products")
st.caption(t("accuracy.caption"))

report = compute(accuracy_report, "month", as_of())
if not report["rows"]:
    st.info(t("accuracy.no_cycle"))
    st.stop()

overall, fva = report["overall"].iloc[0], report["fva_overall"].iloc[0]
tiles = st.columns(5)
tiles[0].metric(t("accuracy.tile.accuracy"), pct(overall["accuracy"]))
tiles[1].metric(t("accuracy.tile.bias"), signed_pct(overall["bias_pct"]))
tiles[2].metric(t("accuracy.tile.mape"), pct(overall["mape"]))
tiles[3].metric(t("accuracy.tile.fva_statistical"), signed_pct(fva["fva_statistical"]),
                help=t("accuracy.tile.fva_statistical_help"))
tiles[4].metric(t("accuracy.tile.fva_consensus"), signed_pct(fva["fva_consensus"]),
                help=t("accuracy.tile.fva_consensus_help"))


def percent_chart(frame: pd.DataFrame, x: alt.X, tooltip: alt.Tooltip, title: str, kind: str = "line") -> alt.Chart:
    mark = alt.Chart(frame).mark_line(point=True) if kind == "line" else alt.Chart(frame).mark_bar()
    return mark.encode(
        x=x, y=alt.Y("accuracy:Q", axis=alt.Axis(format="%"), title=t("accuracy.axis")),
        tooltip=[tooltip, alt.Tooltip("accuracy:Q", title=t("accuracy.axis"), format=".1%"),
                 alt.Tooltip("bias_pct:Q", title=t("accuracy.bias"), format="+.1%")],
    ).properties(title=title, height=260)


left, right = st.columns(2)
show_chart(percent_chart(report["by_month"], alt.X("period:T", title=None),
                         alt.Tooltip("period:T", title=t("accuracy.month"), format="%b %Y"),
                         t("accuracy.chart.month")), left)
show_chart(percent_chart(report["by_lag"].astype({"lag": str}), alt.X("lag:N", title=None),
                         alt.Tooltip("lag:N", title=t("accuracy.lag")), t("accuracy.chart.lag"), "bar"), right)
left, right = st.columns(2)
show_chart(percent_chart(report["by_family"], alt.X("family:N", title=None),
                         alt.Tooltip("family:N", title=t("accuracy.family")), t("accuracy.chart.family"), "bar"),
           left)
fva_long = report["fva"].melt("period", ["wape_naive", "wape_statistical", "wape_final"], "forecast", "wape")
fva_long["forecast"] = fva_long["forecast"].map(lambda code: t(f"accuracy.forecast.{code}"))
show_chart(alt.Chart(fva_long).mark_line(point=True).encode(
    x=alt.X("period:T", title=None), y=alt.Y("wape:Q", axis=alt.Axis(format="%"), title=t("accuracy.wape_axis")),
    color=alt.Color("forecast:N", title=None, legend=alt.Legend(orient="top"), sort=None),
    tooltip=[alt.Tooltip("period:T", title=t("accuracy.month"), format="%b %Y"),
             alt.Tooltip("forecast:N", title=t("accuracy.forecast")),
             alt.Tooltip("wape:Q", title="WAPE", format=".1%")],
).properties(title=t("accuracy.chart.fva"), height=260), right)

st.subheader(t("accuracy.worst"))
show_table(report["worst_skus"], key="accuracy_worst", percent=PERCENT_COLUMNS)
st.subheader(t("accuracy.downloads"))
for name in ("by_month", "by_family", "by_lag", "by_sku"):
    st.caption(t(f"accuracy.table.{name}"))
    downloads(report[name], f"accuracy_{name}")
