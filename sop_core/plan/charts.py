"""The plan's charts, as Altair charts (no Streamlit): demand month by month against last year, the
previous cycle's plan and the budget; the waterfall of what changed since the previous cycle.
`sop_ui.show_chart` localises them."""

from __future__ import annotations

from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from sop_core.common import a_chart, category_axis, full_legend, time_x, translate

__all__ = ["MEASURES", "demand_chart", "step_labels", "waterfall_bars", "waterfall_chart"]

Measure = Literal["units", "revenue"]
MEASURES: tuple[Measure, ...] = ("units", "revenue")
# The series drawn against the final demand, by their column's prefix (`<prefix>_units`, `<prefix>_revenue`).
COMPARED = ("last_year", "previous_cycle", "budget")
# Okabe-Ito (colour-blind safe): the final demand in blue bars, the others as lines.
SERIES_COLORS = ("#0072B2", "#999999", "#E69F00", "#CC79A7")
# The waterfall's bars: the two plans in sky blue (the product's neutral colour), a rise in green, a fall in vermilion.
KIND_COLORS = {"total": "#56B4E9", "up": "#009E73", "down": "#D55E00"}
TOTAL_STEPS = ("previous", "current")
# A month's bar: a third of a month's width on a laptop (18 months), less on the wall.
MONTH_BAR_PX = 20
# The demand chart's height, its legend's rows included (three or four on the wall).
DEMAND_HEIGHT_PX = 440
# The waterfall's scale runs this far past its largest total: the figures written past the bars fit.
LABEL_ROOM = 1.25


def _column(prefix: str, measure: Measure) -> str:
    return measure if prefix == "demand" else f"{prefix}_{measure}"


def _value_format(measure: Measure) -> str:
    return "$,.0f" if measure == "revenue" else ",.0f"


def demand_chart(rows: pd.DataFrame, measure: Measure, title: str, lang: str) -> alt.TopLevelMixin:
    """Month by month (`rows`: one selection's plan rows), the final demand in `measure` as bars and,
    as lines, last year's, the previous cycle's plan and the budget; a series with no figure at all is
    left out (no budget imported, no earlier cycle frozen)."""
    names = {prefix: translate(f"plan.series.{prefix}", lang) for prefix in ("demand", *COMPARED)}
    present = [p for p in names if rows[_column(p, measure)].notna().any()]
    long = rows.rename(columns={_column(p, measure): names[p] for p in present}).melt(
        "month", [names[p] for p in present], "series", "value").dropna(subset=["value"])
    shown = [names[p] for p in present]
    colors = dict(zip(names.values(), SERIES_COLORS, strict=True))
    scale = alt.Scale(domain=shown, range=[colors[name] for name in shown])
    label = translate(f"plan.measure.{measure}", lang)
    month = translate("col.month", lang)
    base = alt.Chart(long).encode(
        x=time_x("month", rows["month"], lang),
        y=alt.Y("value:Q", title=label, axis=alt.Axis(format=_value_format(measure))),
        color=alt.Color("series:N", title=None, scale=scale, legend=full_legend(shown), sort=shown),
        tooltip=[alt.Tooltip("month:T", title=month, format="%b %Y"), alt.Tooltip("series:N", title=None),
                 alt.Tooltip("value:Q", title=label, format=_value_format(measure))])
    bars = base.transform_filter(alt.datum.series == names["demand"]).mark_bar(opacity=0.85, size=MONTH_BAR_PX)
    lines = base.transform_filter(alt.datum.series != names["demand"]).mark_line(point=True, strokeWidth=2.5)
    return a_chart(alt.layer(bars, lines).properties(title=title, height=DEMAND_HEIGHT_PX))


def step_labels(steps: pd.DataFrame, lang: str, previous_cycle: str = "") -> pd.Series:
    """What each waterfall step is, in `lang`: the plans and the system's moves by name, a consensus
    entry by its author, key and reason (text from the data, shown as it is). Labels are unique (an
    axis of categories merges equal ones): a repeated one is numbered."""
    def one(row: pd.Series) -> str:
        if row["step"] == "entry":
            return translate("plan.step.entry", lang, author=_text(row["author"], "plan.step.no_author", lang),
                             key=_text(row["key"], "plan.step.no_key", lang),
                             reason=_text(row["reason"], "plan.step.no_reason", lang))
        if row["step"] == "other_entries":
            return translate("plan.step.other_entries", lang, count=int(row["key"]))
        return translate(f"plan.step.{row['step']}", lang, cycle=previous_cycle)

    labels = [one(row) for _, row in steps.iterrows()]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return pd.Series(unique, index=steps.index, name="label")


def _text(value: object, empty_key: str, lang: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else translate(empty_key, lang)


def waterfall_bars(steps: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """The bars of the waterfall of `steps` (`changes.STEP_COLUMNS`, in order) in `measure`: the
    previous and the current plan as full bars from 0, each move from the running total before it
    to the running total after it. Columns: step, value, start, end, kind (total, up, down)."""
    values = steps[measure].to_numpy(float)
    totals = steps["step"].isin(TOTAL_STEPS).to_numpy()
    starts, ends = np.zeros(len(values)), np.zeros(len(values))
    running = 0.0
    for i, (value, total) in enumerate(zip(values, totals, strict=True)):
        starts[i] = 0.0 if total else running
        ends[i] = value if total else running + value
        running = ends[i]
    kind = np.where(totals, "total", np.where(values >= 0, "up", "down"))
    return pd.DataFrame({"step": steps["step"].to_numpy(), "value": values, "start": starts, "end": ends,
                         "kind": kind}, index=steps.index)


def waterfall_chart(steps: pd.DataFrame, measure: Measure, title: str, lang: str,
                    previous_cycle: str = "") -> alt.TopLevelMixin:
    """The waterfall from the previous cycle's plan to this one, one step a row (read top to bottom):
    each bar runs from the total before the step to the total after it."""
    bars = waterfall_bars(steps, measure).assign(label=step_labels(steps, lang, previous_cycle))
    kinds = {kind: translate(f"plan.kind.{kind}", lang) for kind in KIND_COLORS}
    bars["kind_text"] = bars["kind"].map(kinds)
    label = translate(f"plan.measure.{measure}", lang)
    shown = [kinds[kind] for kind in KIND_COLORS if kind in set(bars["kind"])]
    scale = alt.Scale(domain=shown, range=[KIND_COLORS[k] for k in KIND_COLORS if kinds[k] in shown])
    value_format = _value_format(measure)
    # Room on the right for the figures written past each bar's end.
    x_scale = alt.Scale(domain=[min(0.0, float(bars[["start", "end"]].min().min())),
                                float(bars[["start", "end"]].max().max()) * LABEL_ROOM])
    # The figures as shown, whole (a sum's rounding error would read "-0").
    base = alt.Chart(bars.assign(edge=bars[["start", "end"]].max(axis=1), shown=bars["value"].round(0) + 0.0)).encode(
        y=alt.Y("label:N", sort=list(bars["label"]), title=None, axis=category_axis(bars["label"])))
    chart = base.mark_bar().encode(
        x=alt.X("start:Q", title=label, scale=x_scale, axis=alt.Axis(format=value_format)), x2="end:Q",
        color=alt.Color("kind_text:N", title=None, scale=scale, legend=full_legend(shown)),
        tooltip=[alt.Tooltip("label:N", title=translate("col.step", lang)),
                 alt.Tooltip("value:Q", title=label, format=value_format),
                 alt.Tooltip("end:Q", title=translate("plan.running_total", lang), format=value_format)])
    # Each bar's figure past its end: a plan's total as it is, a move with its sign.
    totals = base.transform_filter(alt.datum.kind == "total").mark_text(align="left", dx=4).encode(
        x=alt.X("edge:Q", scale=x_scale), text=alt.Text("shown:Q", format=value_format))
    moves = base.transform_filter(alt.datum.kind != "total").mark_text(align="left", dx=4).encode(
        x=alt.X("edge:Q", scale=x_scale), text=alt.Text("shown:Q", format=_signed(value_format)))
    return a_chart(alt.layer(chart, totals, moves).properties(title=title))


def _signed(value_format: str) -> str:
    """The d3 format writing a number's sign, + as well as -."""
    return "+" + value_format
