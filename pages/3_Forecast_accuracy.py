"""Forecast accuracy: measured on the forecasts frozen at each S&OP cycle, by month, family and lag."""

import pandas as pd
import streamlit as st

from sop_core.common import Cycle
from sop_core.forecast import FVA_STEPS, accuracy_chart, accuracy_report, fva_chart
from sop_ui import (
    choose,
    compute,
    downloads,
    lang,
    page_setup,
    pct,
    require_data,
    show_chart,
    show_table,
    shown_cycle,
    t,
)


def signed_pct(fraction: float) -> str:
    """A change in points with its sign always shown: +1,5 % / −0,3 %."""
    return ("+" if fraction >= 0 else "−") + pct(abs(fraction))


store = page_setup("accuracy.title", "🎯")
st.title("🎯 " + t("accuracy.title"))
require_data(store, "products")
st.caption(t("accuracy.caption"))

shown = shown_cycle(store)  # a closed cycle: its accuracy as measured on its as-of day
every_month = compute(accuracy_report, "month", shown.as_of)
if not every_month["rows"]:
    st.info(t("accuracy.no_cycle"))
    st.stop()

# The months measured, newest first; a home tile's link (`?month=2026-10`) opens on its month.
measured = [str(Cycle.of(p.date())) for p in sorted(pd.to_datetime(every_month["by_month"]["period"]), reverse=True)]
months = {"all": t("accuracy.all_months")} | {m: t("accuracy.month", month=m) for m in measured}
if st.query_params.get("month") in months:
    st.session_state["accuracy_month"] = st.query_params["month"]
    del st.query_params["month"]
month = choose(t("accuracy.months_shown"), list(months), key="accuracy_month", format_func=months.__getitem__)
report = every_month if month == "all" else compute(accuracy_report, "month", shown.as_of, Cycle.parse(month).start)

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

st.subheader(t("accuracy.contributors"))
st.caption(t("accuracy.contributors_caption"))
steps = {code: t(f"accuracy.step.{code}") for code in FVA_STEPS}
contributors = report["fva_contributors"]
show_table(contributors.assign(step=contributors["step"].map(steps)), key="accuracy_contributors")

st.subheader(t("accuracy.worst"))
show_table(report["worst_skus"], key="accuracy_worst")
st.subheader(t("accuracy.downloads"))
for name in ("by_month", "by_family", "by_lag", "by_sku"):
    st.caption(t(f"accuracy.table.{name}"))
    downloads(report[name], f"accuracy_{name}")
