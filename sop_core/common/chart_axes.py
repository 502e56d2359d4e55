"""Axes, legends and cell text that every chart shares, so that each stays legible on a PC and from
the back of the room (meeting mode, the meeting pack).

Left to itself, Vega hides category labels that overlap and cuts long ones with "…" (workshops and
every other customer went unnamed), ticks a monthly series on days ("mai 03, mai 31"), and lets a
legend run past the chart's edge. The builders therefore draw:
- a category axis with every label shown in full (`category_axis`); the height of a category (the
  step) is in `chart_config`, larger on the wall, so a chart grows with its number of rows;
- a time axis in the data's grain (`time_x`): one tick per month ("nov. 2026") or per ISO week
  ("S47"), at the data's own dates, every one labelled or every n-th when there are many;
- legends with their full labels, wrapped in columns that fit a half-width chart (`full_legend`);
- text on coloured cells in the colour that contrasts with the cell (`contrasting_text`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import altair as alt
import pandas as pd

from sop_core.common.i18n import translate

# The labels' size on the wall (`chart_config(large=True)`): widths estimated at this size also fit
# the PC's smaller text.
WALL_FONT_PX = 16
# An average glyph of the sans fonts Vega draws with is about 0.6 em wide.
CHAR_WIDTH_EM = 0.6
# A longer name would squeeze the plot to nothing: past this it ends with "…" (its tooltip has it).
LABEL_LIMIT_MAX_PX = 360
# A legend's row must fit a half-width chart on a 1280 px projector (meeting mode has no sidebar).
LEGEND_ROW_PX = 480
# A legend entry's symbol and the gaps around it.
LEGEND_SYMBOL_PX = 40
# More months or weeks than this and every n-th is labelled: a regular subset rather than a crowd.
TIME_LABELS_MAX = 12


def label_width(labels: Iterable[object]) -> int:
    """The width in pixels, at the wall's size, of the longest of `labels`, with a character to spare:
    an estimate just short of a wide letter would still cut it ("A" became "…")."""
    longest = max((len(str(label)) for label in labels), default=0)
    return math.ceil((longest + 1) * CHAR_WIDTH_EM * WALL_FONT_PX)


def _label_limit(labels: Iterable[object]) -> int:
    return min(label_width(labels), LABEL_LIMIT_MAX_PX)


def category_axis(labels: Iterable[object], **options: Any) -> alt.Axis:
    """The axis of a categorical field holding `labels`: each one shown, none dropped for overlapping
    (the step in `chart_config` leaves room for them) and none cut short."""
    return alt.Axis(labelOverlap=False, labelLimit=_label_limit(labels), **options)


def full_legend(labels: Iterable[object], **options: Any) -> alt.Legend:
    """A legend on top naming each of `labels` in full, in as many columns as fit a half-width chart."""
    labels = list(labels)
    entry = label_width(labels) + LEGEND_SYMBOL_PX
    columns = max(1, min(len(labels), LEGEND_ROW_PX // entry))
    return alt.Legend(orient="top", labelLimit=_label_limit(labels), columns=columns, **options)


def time_grain(dates: Iterable[Any]) -> str | None:
    """"month" when the dates are month starts or month ends, one per month; "week" when they are
    Mondays (the ISO weeks' starts); None otherwise (days: Vega's own ticks suit them)."""
    days = pd.DatetimeIndex(pd.to_datetime(pd.Series(list(dates))).dropna().unique())
    if days.empty:
        return None
    one_per_month = days.to_period("M").is_unique
    if one_per_month and (bool(days.is_month_start.all()) or bool(days.is_month_end.all())):
        return "month"
    if bool((days.weekday == 0).all()):
        return "week"
    return None


def _time_format(grain: str, lang: str) -> str:
    """"nov. 2026" / "Nov 2026" (the chart locale's months), or the ISO week as the plant says it: S47 / W47."""
    return "%b %Y" if grain == "month" else translate("production.week_label", lang, week="%V")


def time_axis(dates: Iterable[Any], lang: str) -> alt.Axis:
    """The axis of a temporal field holding `dates`, ticked at the data's own dates in its grain."""
    days = pd.DatetimeIndex(pd.to_datetime(pd.Series(list(dates))).dropna().unique()).sort_values()
    grain = time_grain(days)
    if grain is None:
        return alt.Axis()
    every = math.ceil(len(days) / TIME_LABELS_MAX)
    # DateTime objects are in local time, as Vega reads the data's dates: a tick lands on its point.
    ticks = [alt.DateTime(year=day.year, month=day.month, date=day.day) for day in days[::every]]
    # Vega's own overlap rule for time axes hides every other label when they collide: still regular.
    return alt.Axis(values=ticks, format=_time_format(grain, lang))


def time_x(field: str, dates: Iterable[Any], lang: str) -> alt.X:
    """The x encoding of the temporal `field` holding `dates`, untitled (the chart's title says what it is)."""
    return alt.X(f"{field}:T", title=None, axis=time_axis(dates, lang))


def contrasting_text(field: str, dark_from: float) -> Any:
    """The colour of text written on a cell whose fill darkens with `field`: white from `dark_from` on,
    black below (black on navy or deep red cannot be read)."""
    return alt.condition(alt.datum[field] >= dark_from, alt.value("white"), alt.value("black"))
