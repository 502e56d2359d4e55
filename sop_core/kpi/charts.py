"""The service and stock charts, as Altair charts (no Streamlit): the pages and the meeting pack draw
the same figures from the same builders; `sop_ui.show_chart` and the pack localise them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sop_core.common import (
    DATE_FORMATS,
    STATUS_COLORS,
    a_chart,
    category_axis,
    contrasting_text,
    full_legend,
    status_label,
    status_scale,
    time_x,
    translate,
)

__all__ = ["STOCK_STATUS_ORDER", "abc_xyz_chart", "coverage_chart", "late_lines_chart", "rates_trend_chart",
           "stock_value_chart", "turnover_trend_chart", "worst_otif_chart"]

SERVICE_RATES = ("otif", "on_time", "in_full", "fill_rate")
STOCK_STATUS_ORDER = ("dead", "slow", "overstock", "understock", "ok")
# Okabe-Ito colours (colour-blind safe), and the legend names each stock status in words.
STOCK_STATUS_PALETTE = ("#CC79A7", "#0072B2", "#E69F00", "#D55E00", "#009E73")
# The ABC x XYZ matrix: a cell tall enough for its count in large type, whatever the screen.
MATRIX_ROW_PX = 80
# Past this share of the largest value, a "blues" cell is dark enough to want white text.
DARK_BLUE_FROM = 0.55


def rates_trend_chart(by_month: pd.DataFrame, target: float, lang: str) -> alt.TopLevelMixin:
    """OTIF, on time, in full and fill rate per month (`key`, the rates) under the target line."""
    trend = by_month.melt("key", list(SERVICE_RATES), "rate", "value")
    trend["rate"] = trend["rate"].map(lambda code: translate(f"service.rate.{code}", lang))
    target_rule = alt.Chart().mark_rule(strokeDash=[6, 4], color=STATUS_COLORS["green"]).encode(y=alt.datum(target))
    lines = alt.Chart(trend).mark_line(point=True).encode(
        x=time_x("key", trend["key"], lang),
        y=alt.Y("value:Q", axis=alt.Axis(format="%"), title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("rate:N", title=None, legend=full_legend(trend["rate"].unique())),
        tooltip=[alt.Tooltip("key:T", title=translate("service.month", lang), format="%b %Y"),
                 alt.Tooltip("rate:N", title=translate("service.rate", lang)),
                 alt.Tooltip("value:Q", title=translate("service.value", lang), format=".1%")])
    return a_chart(alt.layer(lines, target_rule).properties(title=translate("service.chart.trend", lang), height=280))


def worst_otif_chart(breakdown: pd.DataFrame, dimension: str, lang: str, count: int = 25) -> alt.TopLevelMixin:
    """The `count` worst keys of a breakdown (customer, family, SKU, month) by OTIF, coloured by status."""
    worst = breakdown.nsmallest(count, "otif").assign(status_text=lambda f: f["status"].map(
        lambda s: status_label(s, lang)))
    named = translate(f"service.dimension.{dimension}", lang)
    return a_chart(alt.Chart(worst).mark_bar().encode(
        x=alt.X("otif:Q", axis=alt.Axis(format="%"), title="OTIF"),
        y=alt.Y("key:N", sort="x", title=None, axis=category_axis(worst["key"])),
        color=alt.Color("status:N", scale=status_scale(), legend=None),
        tooltip=[alt.Tooltip("key:N", title=named), alt.Tooltip("otif:Q", format=".1%"),
                 alt.Tooltip("status_text:N", title=translate("col.status", lang)),
                 alt.Tooltip("lines:Q", title=translate("col.lines", lang)),
                 alt.Tooltip("late_lines:Q", title=translate("col.late_lines", lang))],
    ).properties(title=translate("service.chart.worst", lang, dimension=named)))


def late_lines_chart(distribution: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Late lines by days late (`bucket`), delivered late or still open."""
    late = distribution[distribution["bucket"] != "on time"]
    states = {"delivered_lines": translate("service.delivered_late", lang),
              "open_lines": translate("service.still_open", lang)}
    by_bucket = late.rename(columns=states).melt("bucket", list(states.values()), "state", "lines")
    by_bucket["bucket"] = by_bucket["bucket"].map(lambda b: translate(f"service.bucket.{b}", lang))
    days, lines = translate("service.days_late", lang), translate("col.lines", lang)
    return a_chart(alt.Chart(by_bucket).mark_bar().encode(
        x=alt.X("bucket:N", sort=None, title=days, axis=category_axis(by_bucket["bucket"])),
        y=alt.Y("lines:Q", title=lines),
        color=alt.Color("state:N", title=None, legend=full_legend(states.values())),
        tooltip=[alt.Tooltip("bucket:N", title=days), alt.Tooltip("state:N", title=translate("service.state", lang)),
                 alt.Tooltip("lines:Q", title=lines)],
    ).properties(title=translate("service.chart.late_lines", lang), height=300))


def stock_value_chart(values: pd.DataFrame, lang: str, family: str = "family") -> alt.TopLevelMixin:
    """Stock value at cost at each snapshot (`date`, `value`), stacked by family (column `family`)."""
    value, named = translate("stock.axis.value", lang), translate("col.family", lang)
    return a_chart(alt.Chart(values).mark_area().encode(
        x=time_x("date", values["date"], lang), y=alt.Y("value:Q", stack=True, title=value),
        color=alt.Color(f"{family}:N", title=named, legend=full_legend(values[family].unique())),
        tooltip=[alt.Tooltip("date:T", title=translate("stock.date", lang), format=DATE_FORMATS[lang]),
                 alt.Tooltip(f"{family}:N", title=named), alt.Tooltip("value:Q", title=value, format=",.0f")],
    ).properties(title=translate("stock.chart.value", lang), height=300))


def turnover_trend_chart(trend: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    return a_chart(alt.Chart(trend).mark_line(point=True).encode(
        x=time_x("month", trend["month"], lang),
        y=alt.Y("turnover:Q", title=translate("stock.axis.turnover", lang)),
        tooltip=[alt.Tooltip("month:T", title=translate("col.month", lang), format="%b %Y"),
                 alt.Tooltip("turnover:Q", title=translate("col.turnover", lang), format=".2f"),
                 alt.Tooltip("days_of_inventory:Q", title=translate("col.days_of_inventory", lang), format=".0f")],
    ).properties(title=translate("stock.chart.trend", lang), height=300))


def abc_xyz_chart(matrix: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """The ABC x XYZ matrix: stock value per cell, the number of SKUs written in it."""
    value = translate("stock.axis.stock_value", lang)
    cells = alt.Chart(matrix).encode(
        x=alt.X("xyz:N", title=translate("stock.axis.xyz", lang), axis=category_axis(matrix["xyz"])),
        y=alt.Y("abc:N", title=translate("stock.axis.abc", lang), axis=category_axis(matrix["abc"])))
    # Light to dark blue from no value up: the counts are then written white on the dark half.
    rects = cells.mark_rect().encode(
        color=alt.Color("value:Q", title=value, scale=alt.Scale(scheme="blues", domainMin=0)),
        tooltip=[alt.Tooltip("abc:N", title=translate("col.abc", lang)),
                 alt.Tooltip("xyz:N", title=translate("col.xyz", lang)),
                 alt.Tooltip("skus:Q", title=translate("col.skus", lang)),
                 alt.Tooltip("value:Q", title=value, format=",.0f")])
    dark_from = DARK_BLUE_FROM * float(matrix["value"].max()) or 1.0  # an empty matrix: all light, black text
    counts = cells.mark_text(fontSize=16).encode(text="skus:Q", color=contrasting_text("value", dark_from))
    return a_chart(alt.layer(rects, counts).properties(
        title=translate("stock.chart.matrix", lang), height={"step": MATRIX_ROW_PX}))


def coverage_chart(skus: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """How many SKUs cover how many days, coloured by their stock status (SKUs without coverage out)."""
    names = {code: translate(f"stock.status.{code}", lang) for code in STOCK_STATUS_ORDER}
    covered = skus.dropna(subset=["coverage_days"])
    covered = covered.assign(status_text=covered["status"].map(names))
    return a_chart(alt.Chart(covered).mark_bar().encode(
        x=alt.X("coverage_days:Q", bin=alt.Bin(maxbins=30), title=translate("stock.axis.coverage", lang)),
        y=alt.Y("count():Q", title=translate("stock.skus", lang)),
        color=alt.Color("status_text:N", title=translate("col.status", lang),
                        scale=alt.Scale(domain=list(names.values()), range=list(STOCK_STATUS_PALETTE)),
                        legend=full_legend(names.values())),
    ).properties(title=translate("stock.chart.coverage", lang), height=300))
