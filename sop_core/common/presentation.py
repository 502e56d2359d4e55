"""How statuses and charts look, the same on the screen and in the meeting pack.

Red/orange/green is what the plant says, but one man in twelve cannot tell red from green: the
colours are the Okabe-Ito ones (vermillion, orange, bluish green), which stay apart for the common
colour-blindnesses, and every status also carries a symbol of its own shape and its name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import altair as alt
import pandas as pd

from sop_core.common.chart_axes import WALL_FONT_PX
from sop_core.common.columns import (
    MONEY_COLUMNS,
    PLAIN_NUMBER_SUFFIXES,
    RATIO_COLUMNS,
    ColumnKind,
    column_decimals,
    column_kind,
)
from sop_core.common.i18n import (
    CHART_LOCALES,
    EMPTY,
    NBSP,
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent,
    translate,
)

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
    # The height of a category row (`chart_axes.category_axis`): a label and a gap on the PC, the
    # same with the wall's larger text in meeting mode and in the pack.
    row_px = 36 if large else 24
    config: dict[str, Any] = {"locale": CHART_LOCALES[lang], "view": {"discreteHeight": {"step": row_px}}}
    if large:
        config.update(axis={"labelFontSize": WALL_FONT_PX, "titleFontSize": 17},
                      legend={"labelFontSize": WALL_FONT_PX, "titleFontSize": 16, "symbolSize": 200},
                      title={"fontSize": 20}, header={"labelFontSize": 16, "titleFontSize": 17},
                      text={"fontSize": 16})
    return config


def a_chart(chart: object) -> alt.TopLevelMixin:
    """An Altair chart as the type it is: Altair's builders are typed loosely (`Any`)."""
    assert isinstance(chart, alt.TopLevelMixin), type(chart)
    return chart


def localized(chart: alt.TopLevelMixin, lang: str, large: bool = False) -> alt.TopLevelMixin:
    """`chart` with the language's number and date formats (and large fonts for the wall)."""
    configured: alt.TopLevelMixin = chart.configure(**chart_config(lang, large))
    return configured


def table_formatters(frame: pd.DataFrame, lang: str, money_scale: str | None = None) -> dict[str, Callable[[Any], str]]:
    """The text of every number column of `frame` in `lang` (1 234,5 / 84,1 % / 1 234 €), for a
    pandas Styler: Streamlit's own column formats follow the browser's locale, not the language chosen.
    Ratio columns hold fractions (0.841 is 84,1 %); ratio and money columns are those `columns`
    names; money is in the screen's `money_scale` when it chose one (`i18n.MONEY_SCALES`).
    Dates are written in the language (a time of day only where there is one). Identifiers are
    left as they are; an empty cell is a dash."""
    formatters: dict[str, Callable[[Any], str]] = {}
    for name in frame.columns:
        values = frame[name]
        kind = column_kind(str(name), values)
        if kind in ("date", "month", "timestamp"):
            formatters[name] = partial(_date_cell, lang=lang, kind=kind)
            continue
        if (not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or str(name).endswith(PLAIN_NUMBER_SUFFIXES)):
            continue
        floats = pd.to_numeric(values, errors="coerce").astype(float)
        if name in RATIO_COLUMNS:
            formatters[name] = partial(format_percent, lang=lang)
        elif name in MONEY_COLUMNS and money_scale is not None:
            formatters[name] = partial(format_money, lang=lang, scale=money_scale)
        else:
            decimals = column_decimals(floats, name in MONEY_COLUMNS)
            formatters[name] = partial(_number_cell, lang=lang, decimals=decimals, euro=name in MONEY_COLUMNS)
    return formatters


def _date_cell(value: Any, lang: str, kind: ColumnKind) -> str:
    """A date in the language: a month as "novembre 2026", a day as 21/11/2026, with its time when
    the column holds times of day."""
    if value is None or pd.isna(value):
        return EMPTY
    if kind == "month":
        return format_month(value, lang)
    day = format_date(value, lang)
    return f"{day} {value:%H:%M}" if kind == "timestamp" else day


def _number_cell(value: Any, lang: str, decimals: int, euro: bool) -> str:
    if value is None or pd.isna(value):
        return EMPTY
    text = format_number(float(value), lang, decimals)
    return f"{text}{NBSP}€" if euro else text
