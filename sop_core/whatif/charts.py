"""The what-if charts, as Altair charts (no Streamlit): the page and any report draw the same."""

from __future__ import annotations

import altair as alt

from sop_core.common import a_chart, full_legend, time_x, translate
from sop_core.whatif.simulation import SimulationResult

__all__ = ["capacity_chart"]

ADDED = {"added_overtime_hours": "overtime", "added_temps_hours": "temps", "added_subcontract_hours": "subcontract"}


def capacity_chart(result: SimulationResult, name: str, lang: str) -> alt.TopLevelMixin:
    """Per workshop and week: the capacity stacked by source (regular, overtime, temps,
    subcontracting) under the load line; `name` is the scenario's name as the reader sees it."""
    sources = {"regular": translate("whatif.capacity.regular", lang),
               **{code: translate(f"whatif.capacity.{code}", lang) for code in ADDED.values()}}
    capacity = result.load.rename(columns={"base_capacity_hours": "regular", **ADDED}).melt(
        ["workshop", "week"], list(sources), "capacity", "hours")
    capacity["capacity"] = capacity["capacity"].map(sources)
    hours, week = translate("whatif.hours", lang), translate("whatif.week", lang)
    source = translate("whatif.capacity", lang)
    x = time_x("week", result.load["week"], lang)
    bars = alt.Chart().mark_bar().encode(
        x=x, y=alt.Y("hours:Q", title=hours),
        color=alt.Color("capacity:N", title=source, legend=full_legend(sources.values()), sort=list(sources.values())),
        tooltip=[alt.Tooltip("week:T", title=week, format="%d/%m"), alt.Tooltip("capacity:N", title=source),
                 alt.Tooltip("hours:Q", title=hours, format=",.0f")])
    load = alt.Chart().mark_line(color="black").encode(
        x=x, y=alt.Y("load_hours:Q", title=hours),
        tooltip=[alt.Tooltip("week:T", title=week, format="%d/%m"),
                 alt.Tooltip("load_hours:Q", title=translate("whatif.load_hours", lang), format=",.0f")])
    data = capacity.merge(result.load[["workshop", "week", "load_hours"]], on=["workshop", "week"])
    return a_chart(alt.layer(bars, load, data=data).properties(height=170, width=240)
            .facet(facet=alt.Facet("workshop:N", title=None), columns=3)
            .properties(title=translate("whatif.chart.capacity", lang, name=name)))
