"""How statuses and charts look, the same on the screen and in the meeting pack.

Red/orange/green is what the plant says, but one man in twelve cannot tell red from green: the
colours are the Okabe-Ito ones (vermillion, orange, bluish green), which stay apart for the common
colour-blindnesses, and every status also carries a symbol of its own shape and its name.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from sop_core.i18n import CHART_LOCALES, translate

STATUS_COLORS = {"green": "#009E73", "orange": "#E69F00", "red": "#D55E00"}
# Three shapes, readable in black and white and present in the PDF's font (no emoji there).
STATUS_SYMBOLS = {"green": "✔", "orange": "▲", "red": "✖"}
NEUTRAL_COLOR = "#56B4E9"  # sky blue: a value with no target


def status_label(status: str | None, lang: str) -> str:
    """"✖ rouge" / "✖ red": the symbol and the word, never the colour alone."""
    if status not in STATUS_SYMBOLS:
        return translate("status.none", lang)
    return f"{STATUS_SYMBOLS[status]} {translate(f'status.{status}', lang)}"


def status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


def chart_config(lang: str, large: bool = False) -> dict[str, Any]:
    """Vega-Lite `config` for a chart in `lang`; `large` for the wall (meeting mode, the PDF pack)."""
    config: dict[str, Any] = {"locale": CHART_LOCALES[lang]}
    if large:
        config.update(axis={"labelFontSize": 16, "titleFontSize": 17},
                      legend={"labelFontSize": 16, "titleFontSize": 16, "symbolSize": 200},
                      title={"fontSize": 20}, header={"labelFontSize": 16, "titleFontSize": 17},
                      text={"fontSize": 16})
    return config


def localized(chart: alt.TopLevelMixin, lang: str, large: bool = False) -> alt.TopLevelMixin:
    """`chart` with the language's number and date formats (and large fonts for the wall)."""
    configured: alt.TopLevelMixin = chart.configure(**chart_config(lang, large))
    return configured
