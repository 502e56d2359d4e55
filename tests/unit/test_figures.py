"""The one rule for a figure on screen, with hand-written expected texts in both languages: counts
as integers, money in one precision chosen per screen, percentages with one decimal, and the empty
value as a dash whatever shape the missing value has."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sop_core.common.i18n import format_count, format_date, format_figure, format_money, format_percent

NBSP = "\u00a0"


def test_a_count_is_an_integer() -> None:
    assert format_count(32.0, "fr") == format_count(32.0, "en") == "32"
    assert format_count(1234.0, "fr") == f"1{NBSP}234" and format_count(1234.0, "en") == "1,234"
    assert format_figure(22.0, "count", "fr") == "22"


def test_money_in_the_precision_the_screen_chose() -> None:
    # The same cost, once per precision: whole euros, or thousands with one decimal, never both.
    assert format_money(30_956.8, "fr", "euro") == f"30{NBSP}957{NBSP}€"
    assert format_money(30_956.8, "en", "euro") == f"30,957{NBSP}€"
    assert format_money(30_956.8, "fr", "k€") == f"31,0{NBSP}k€"
    assert format_money(30_956.8, "en", "k€") == f"31.0{NBSP}k€"
    # A small amount and a large one keep the screen's precision (no switch to M€ or to cents).
    assert format_money(950, "fr", "euro") == f"950{NBSP}€"
    assert format_money(4_315_452.73, "fr", "euro") == f"4{NBSP}315{NBSP}453{NBSP}€"
    assert format_money(1_500, "en", "k€") == f"1.5{NBSP}k€"
    assert format_figure(468.42, "money", "fr", "euro") == f"468{NBSP}€"


def test_percent_with_one_decimal() -> None:
    assert format_percent(0.841, "fr") == f"84,1{NBSP}%" and format_percent(0.841, "en") == "84.1%"
    assert format_figure(0.5, "percent", "fr") == f"50,0{NBSP}%" and format_figure(0.5, "percent", "en") == "50.0%"


def test_hours_with_one_decimal() -> None:
    assert format_figure(268.75, "hours", "fr") == "268,8" and format_figure(320.0, "hours", "en") == "320.0"


@pytest.mark.parametrize("empty", [None, float("nan"), float("inf"), pd.NA, pd.NaT])
@pytest.mark.parametrize("kind", ["count", "money", "percent", "hours"])
def test_the_empty_value_is_a_dash(empty: object, kind: str) -> None:
    assert format_figure(empty, kind, "fr") == format_figure(empty, kind, "en") == "–"


def test_dates_in_the_language() -> None:
    assert format_figure(dt.date(2026, 11, 9), "date", "fr") == "09/11/2026"
    assert format_figure(dt.date(2026, 11, 9), "date", "en") == "09 Nov 2026"
    assert format_figure(pd.NaT, "date", "en") == format_date(None, "fr") == "–"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        format_figure(1, "furlongs", "fr")
