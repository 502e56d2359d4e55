"""Forecast accuracy: measured on the forecasts frozen at each S&OP cycle, by month, family and lag."""

import streamlit as st

from sop_core.forecast import accuracy_chart, accuracy_report, fva_chart
from sop_ui import as_of, compute, downloads, lang, page_setup, pct, require_data, show_chart, show_table, t

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


left, right = st.columns(2)
show_chart(accuracy_chart(report["by_month"], "period", lang()), left)
show_chart(accuracy_chart(report["by_lag"], "lag", lang()), right)
left, right = st.columns(2)
show_chart(accuracy_chart(report["by_family"], "family", lang()), left)
show_chart(fva_chart(report["fva"], lang()), right)

st.subheader(t("accuracy.worst"))
show_table(report["worst_skus"], key="accuracy_worst", percent=PERCENT_COLUMNS)
st.subheader(t("accuracy.downloads"))
for name in ("by_month", "by_family", "by_lag", "by_sku"):
    st.caption(t(f"accuracy.table.{name}"))
    downloads(report[name], f"accuracy_{name}")
