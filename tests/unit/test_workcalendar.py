"""The working-day calendar: French public holidays from `holidays`, counts and moves by hand.

November 2026: Monday 2 starts ISO week 45; Wednesday 11 (Armistice) is a holiday, so the week of
Monday 9 has 4 working days (9, 10, 12, 13).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.production.calendar import (
    add_working_days,
    holiday_calendar,
    is_working_day,
    week_start,
    working_days,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize("day", [
    D(2026, 11, 11),  # Armistice, a Wednesday
    D(2026, 12, 25),  # Christmas, a Friday
    D(2026, 4, 6),  # Easter Monday
    D(2026, 5, 14),  # Ascension Thursday
    D(2026, 5, 25),  # Whit Monday: in the official list, kept as it is
    D(2027, 1, 1),  # New Year, a Friday
])
def test_public_holidays_are_not_working_days(day: dt.date) -> None:
    assert day.weekday() < 5 and not is_working_day(day)


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    assert is_working_day(D(2026, 11, 10)) and is_working_day(D(2026, 4, 3))  # Good Friday: not national
    assert not is_working_day(D(2026, 11, 7)) and not is_working_day(D(2026, 11, 8))


def test_working_days_lists_a_week_without_its_holiday() -> None:
    days = working_days(D(2026, 11, 9), D(2026, 11, 15))
    assert days.dtype == np.dtype("datetime64[D]")
    assert days.tolist() == [D(2026, 11, 9), D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 13)]
    assert working_days(D(2026, 11, 9), D(2026, 11, 9)).tolist() == [D(2026, 11, 9)]
    assert len(working_days(D(2026, 11, 10), D(2026, 11, 9))) == 0
    assert len(working_days(D(2026, 1, 1), D(2026, 12, 31))) == 365 - 104 - 9  # 9 of 11 holidays on weekdays


def test_working_days_between_by_hand() -> None:
    assert working_days_between(D(2026, 11, 6), D(2026, 11, 10)) == 2  # Fri -> Tue: Mon, Tue
    assert working_days_between(D(2026, 11, 10), D(2026, 11, 12)) == 1  # over Wed 11 Nov: Thu only
    assert working_days_between(D(2026, 11, 6), D(2026, 11, 13)) == 4  # 9, 10, 12, 13
    assert working_days_between(D(2026, 11, 10), D(2026, 11, 10)) == 0
    assert working_days_between(D(2026, 11, 10), D(2026, 11, 6)) == -2
    assert working_days_between(D(2026, 11, 7), D(2026, 11, 8)) == 0  # Saturday -> Sunday
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 4)) == 1  # over New Year: Monday 4 only


def test_add_working_days_by_hand() -> None:
    assert add_working_days(D(2026, 11, 6), 1) == D(2026, 11, 9)  # Friday + 1 -> Monday
    assert add_working_days(D(2026, 11, 6), 3) == D(2026, 11, 12)  # skips the weekend and 11 Nov
    assert add_working_days(D(2026, 11, 12), -1) == D(2026, 11, 10)
    assert add_working_days(D(2026, 4, 2), 2) == D(2026, 4, 7)  # Fri 3 April, then Easter Monday skipped
    assert add_working_days(D(2026, 12, 24), 2) == D(2026, 12, 29)  # Christmas skipped
    assert add_working_days(D(2026, 11, 7), 1) == D(2026, 11, 9)  # from a Saturday
    assert add_working_days(D(2026, 11, 7), -1) == D(2026, 11, 6)
    assert add_working_days(D(2026, 11, 7), 0) == D(2026, 11, 7)


@settings(max_examples=150, deadline=None)
@given(start=st.dates(D(2024, 1, 1), D(2030, 12, 31)), n=st.integers(-700, 700))
def test_add_then_count_gives_back_n(start: dt.date, n: int) -> None:
    day = add_working_days(start, 0 if is_working_day(start) else 1)
    assert working_days_between(day, add_working_days(day, n)) == n


@settings(max_examples=100, deadline=None)
@given(a=st.dates(D(2025, 6, 1), D(2027, 6, 30)), b=st.dates(D(2025, 6, 1), D(2027, 6, 30)))
def test_count_matches_the_listed_working_days(a: dt.date, b: dt.date) -> None:
    low, high = min(a, b), max(a, b)
    listed = len(working_days(low + dt.timedelta(days=1), high))
    assert working_days_between(low, high) == listed
    assert working_days_between(high, low) == -listed


def test_weeks() -> None:
    assert week_start(D(2026, 11, 12)) == D(2026, 11, 9)
    assert week_start(D(2026, 11, 9)) == D(2026, 11, 9)
    assert week_start(D(2026, 11, 15)) == D(2026, 11, 9)  # Sunday belongs to the ISO week before


def test_calendar_years_must_be_in_order() -> None:
    with pytest.raises(ValueError, match="before"):
        holiday_calendar(2027, 2026)
