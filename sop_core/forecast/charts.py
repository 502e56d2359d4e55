"""The forecast and accuracy charts, as Altair charts (no Streamlit): the pages draw them and
`sop_ui.show_chart` localises them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sop_core.common import a_chart, category_axis, full_legend, time_x, translate

__all__ = ["accuracy_chart", "forecast_chart", "fva_chart"]

# What the accuracy is broken down by: (encoding of the x axis, its tooltip key, mark).
BREAKDOWNS = {"period": ("period:T", "accuracy.month", "line"), "lag": ("lag:N", "accuracy.lag", "bar"),
              "family": ("family:N", "accuracy.family", "bar")}


def forecast_chart(history: pd.DataFrame, forecast: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """The actual demand, the statistical forecast (dashed) and the final one, and the 80 % band."""
    units, statistical = translate("forecast.units", lang), translate("forecast.series.statistical", lang)
    x = time_x("period", pd.concat([history["period"], forecast["period"]]), lang)
    band = alt.Chart(forecast).mark_area(opacity=0.25).encode(x=x, y=alt.Y("lower_80:Q", title=units), y2="upper_80:Q")
    lines = pd.concat([
        history.assign(series=translate("forecast.series.actual", lang), value=history["actual"]),
        forecast.assign(series=statistical, value=forecast["statistical"]),
        forecast.assign(series=translate("forecast.series.final", lang), value=forecast["final"]),
    ])[["period", "series", "value"]]
    line_chart = alt.Chart(lines).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=units),
        color=alt.Color("series:N", title=None, legend=full_legend(lines["series"].unique()), sort=None),
        strokeDash=alt.condition(alt.datum.series == statistical, alt.value([4, 3]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("series:N", title=translate("forecast.series", lang)),
                 alt.Tooltip("period:T", title=translate("forecast.period", lang), format="%m/%Y"),
                 alt.Tooltip("value:Q", title=translate("forecast.value", lang), format=",.0f")])
    return a_chart((band + line_chart).properties(height=380))


def accuracy_chart(frame: pd.DataFrame, by: str, lang: str) -> alt.TopLevelMixin:
    """Accuracy (1 − WAPE) by `by` (period, lag or family), with the bias in the tooltip."""
    axis, key, mark = BREAKDOWNS[by]
    data = frame.astype({"lag": str}) if by == "lag" else frame
    chart = alt.Chart(data).mark_line(point=True) if mark == "line" else alt.Chart(data).mark_bar()
    accuracy = translate("accuracy.axis", lang)
    title = translate(key, lang)
    tooltip = alt.Tooltip(axis, title=title, format="%b %Y") if by == "period" else alt.Tooltip(axis, title=title)
    x = time_x(by, data[by], lang) if by == "period" else alt.X(axis, title=None, axis=category_axis(data[by]))
    return a_chart(chart.encode(
        x=x, y=alt.Y("accuracy:Q", axis=alt.Axis(format="%"), title=accuracy),
        tooltip=[tooltip, alt.Tooltip("accuracy:Q", title=accuracy, format=".1%"),
                 alt.Tooltip("bias_pct:Q", title=translate("accuracy.bias", lang), format="+.1%")],
    ).properties(title=translate(f"accuracy.chart.{'month' if by == 'period' else by}", lang), height=260))


def fva_chart(fva: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """WAPE per month of the naive, the statistical and the final forecast: the value each step adds."""
    long = fva.melt("period", ["wape_naive", "wape_statistical", "wape_final"], "forecast", "wape")
    long["forecast"] = long["forecast"].map(lambda code: translate(f"accuracy.forecast.{code}", lang))
    return a_chart(alt.Chart(long).mark_line(point=True).encode(
        x=time_x("period", long["period"], lang),
        y=alt.Y("wape:Q", axis=alt.Axis(format="%"), title=translate("accuracy.wape_axis", lang)),
        color=alt.Color("forecast:N", title=None, legend=full_legend(long["forecast"].unique()), sort=None),
        tooltip=[alt.Tooltip("period:T", title=translate("accuracy.month", lang), format="%b %Y"),
                 alt.Tooltip("forecast:N", title=translate("accuracy.forecast", lang)),
                 alt.Tooltip("wape:Q", title="WAPE", format=".1%")],
    ).properties(title=translate("accuracy.chart.fva", lang), height=260))
