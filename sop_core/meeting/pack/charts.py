"""The charts of the meeting pack, as Vega-Lite specs (plain dicts) that `pack_pdf` renders offline.

The load heatmap and the stock value are the pages' own builders (`production.load_heatmap`,
`kpi.stock_value_chart`); the monthly service and accuracy bars against their targets are the
pack's. Each spec is localized with the large fonts of the wall (`presentation.localized(...,
large=True)`). Statuses are drawn in
the shared colour-blind-safe colours, their legend written with the symbol and the word.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from sop_core.common import STATUS_COLORS, full_legend, localized, status_label, translate
from sop_core.kpi import stock_value_chart
from sop_core.production import load_heatmap

WIDTH, HEIGHT = 560, 230
# The PDF's font, so that the charts and the text around them look alike.
FONT = "DejaVu Sans"


def _status_color(lang: str, title: str | None = None) -> alt.Color:
    """`status_text` (the translated label) coloured as its status."""
    labels = [status_label(status, lang) for status in STATUS_COLORS]
    return alt.Color("status_text:N", title=title, scale=alt.Scale(domain=labels, range=list(STATUS_COLORS.values())),
                     legend=full_legend(labels))


def _spec(chart: alt.TopLevelMixin, lang: str) -> dict[str, Any]:
    spec: dict[str, Any] = localized(chart, lang, large=True).to_dict()
    spec["config"]["font"] = FONT
    return spec


def _monthly_bars(frame: pd.DataFrame, value: str, target: float, lang: str, title: str) -> dict[str, Any]:
    """A bar per month (`month`, `value`, `status`), the target as a dashed rule."""
    data = frame.assign(status_text=frame["status"].map(lambda s: status_label(s, lang)))
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("yearmonth(month):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=-40, labelOverlap=False)),
        y=alt.Y(f"{value}:Q", axis=alt.Axis(format="%"), title=None, scale=alt.Scale(zero=True)),
        color=_status_color(lang))
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(
        strokeDash=[6, 4], color="#333333", size=2).encode(y="target:Q")
    chart = alt.layer(bars, rule).properties(title=title, width=WIDTH, height=HEIGHT)
    return _spec(chart, lang)


def service_chart(by_month: pd.DataFrame, target: float, lang: str) -> dict[str, Any]:
    """OTIF per month (`month`, `otif`, `status`) against the service target."""
    return _monthly_bars(by_month, "otif", target, lang,
                         translate("pack.chart.service", lang, target=f"{100 * target:.0f}"))


def accuracy_chart(by_month: pd.DataFrame, target: float, lang: str) -> dict[str, Any]:
    """Forecast accuracy (1 − WAPE) per month (`month`, `accuracy`, `status`) against its target."""
    return _monthly_bars(by_month, "accuracy", target, lang,
                         translate("pack.chart.accuracy", lang, target=f"{100 * target:.0f}"))


def load_chart(load: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Load / capacity per workshop and week: the Production page's heatmap (`load_heatmap`)."""
    return _spec(load_heatmap(load, lang).properties(width=WIDTH), lang)


def stock_chart(values: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Stock value at cost per family at the month-end snapshots: the Stock page's chart."""
    return _spec(stock_value_chart(values, lang).properties(width=WIDTH, height=HEIGHT), lang)
