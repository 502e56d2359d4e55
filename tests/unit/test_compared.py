"""The compared scenarios: one per name, the newest last, at most four."""

from __future__ import annotations

import datetime as dt

from sop_core.whatif.compared import MAX_COMPARED, with_scenario
from sop_core.whatif.levers import Overtime, Scenario

MONDAY = dt.date(2026, 11, 9)


def _named(name: str, hours: float = 4) -> Scenario:
    return Scenario(name, (Overtime("INJ", MONDAY, MONDAY, hours),))


def test_a_scenario_is_added_last() -> None:
    assert [s.name for s in with_scenario((_named("A"), _named("B")), _named("C"))] == ["A", "B", "C"]


def test_the_same_name_replaces_the_older_one_and_moves_last() -> None:
    kept = with_scenario((_named("A", 2), _named("B")), _named("A", 6))
    assert [s.name for s in kept] == ["B", "A"] and kept[-1].levers[0].hours_per_person == 6


def test_only_the_last_four_are_kept() -> None:
    compared: tuple[Scenario, ...] = ()
    for name in "ABCDEF":
        compared = with_scenario(compared, _named(name))
    assert MAX_COMPARED == 4 and [s.name for s in compared] == ["C", "D", "E", "F"]


def test_nothing_compared_yet() -> None:
    assert with_scenario((), _named("A")) == (_named("A"),)
