"""Periods and cycles: hand-checked months and weeks, and the cycle parsed once into a value."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_core.common.messages import MessageError
from sop_core.common.periods import Cycle, next_period, period_start


def test_period_start_and_next_period_by_hand() -> None:
    assert period_start(dt.date(2026, 11, 21), "month") == dt.date(2026, 11, 1)
    assert period_start(dt.date(2026, 11, 21), "week") == dt.date(2026, 11, 16)  # a Saturday -> its Monday
    assert next_period(dt.date(2026, 11, 1), "month", 2) == dt.date(2027, 1, 1)
    assert next_period(dt.date(2026, 1, 1), "month", -1) == dt.date(2025, 12, 1)
    assert next_period(dt.date(2026, 11, 16), "week", -2) == dt.date(2026, 11, 2)


def test_a_cycle_parsed_once_knows_its_month() -> None:
    cycle = Cycle.parse("2024-02")
    assert (cycle.year, cycle.month, str(cycle)) == (2024, 2, "2024-02")
    assert (cycle.start, cycle.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))  # a leap year
    assert Cycle(2025, 2).end == dt.date(2025, 2, 28)
    assert (Cycle(2026, 1).previous, Cycle(2026, 12).next) == (Cycle(2025, 12), Cycle(2027, 1))
    assert Cycle.of(dt.date(2026, 11, 21)) == Cycle(2026, 11)
    assert sorted([Cycle(2026, 11), Cycle(2025, 12), Cycle(2026, 2)]) == [Cycle(2025, 12), Cycle(2026, 2),
                                                                           Cycle(2026, 11)]
    assert f"cycle {Cycle(2026, 3)}" == "cycle 2026-03"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-08", "2026/08", "2026-8", "", "novembre", None, 202611])
def test_a_malformed_cycle_is_refused_with_the_format(text: object) -> None:
    with pytest.raises(MessageError) as caught:
        Cycle.parse(text)
    assert "YYYY-MM" in str(caught.value) and "AAAA-MM" in caught.value.render("fr")


def test_a_cycle_built_from_numbers_is_checked_too() -> None:
    with pytest.raises(MessageError):
        Cycle(2026, 13)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9998, 12, 31)))
def test_cycles_round_trip_and_hold_their_days(day: dt.date) -> None:
    cycle = Cycle.of(day)
    assert Cycle.parse(str(cycle)) == cycle
    assert cycle.start <= day <= cycle.end
    assert cycle.next.start == cycle.end + dt.timedelta(days=1)
    assert cycle.next.previous == cycle and cycle.previous < cycle < cycle.next
