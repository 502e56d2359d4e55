"""The decisions log: record, validate, close with an outcome, follow up, flag overdue decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.common.i18n import LANGUAGES, translate
from sop_core.common.periods import Cycle
from sop_core.data.store import Store
from sop_core.meeting.decisions import (
    DECISION_COLUMNS,
    DecisionError,
    all_decisions,
    close_decision,
    decisions_of_cycle,
    open_decisions,
    overdue,
    previous_cycle_follow_up,
    record_decision,
)
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import save_scenario

NOW = dt.datetime(2026, 11, 21, 10, 30)


def test_record_then_the_open_list(store: Store) -> None:
    save_scenario(store, scenario_to_json(Scenario("Overtime INJ")), "Claire")
    first = record_decision(store, Cycle(2026, 11), " Add a Saturday shift ", " Marc ", dt.date(2026, 12, 15),
                            "scenario", "Overtime INJ", now=NOW)
    second = record_decision(store, Cycle(2026, 11), "Cut the safety stock of F2", "Claire", dt.date(2026, 11, 30),
                             "kpi", "stock_days", now=NOW)
    third = record_decision(store, Cycle(2026, 11), "Call the resin supplier", "Paul")
    assert first < second < third
    opened = open_decisions(store)
    assert tuple(opened.columns) == DECISION_COLUMNS
    assert list(opened["decision_id"]) == [second, first, third]  # nearest due first, none last
    row = opened.set_index("decision_id").loc[first]
    assert (row["what"], row["owner"], row["status"], row["cycle"]) == (
        "Add a Saturday shift", "Marc", "open", "2026-11")
    assert row["due"] == dt.date(2026, 12, 15) and type(row["due"]) is dt.date
    assert (row["link_kind"], row["link"]) == ("scenario", "Overtime INJ") and row["created_at"] == NOW
    assert opened.set_index("decision_id").loc[third, "due"] is None


@pytest.mark.parametrize(("kwargs", "code", "params", "words"), [
    ({"owner": "  "}, "empty_field", {"field": "owner"}, "owner"),
    ({"what": ""}, "empty_field", {"field": "what"}, "what"),
    ({"due": dt.date(2026, 10, 31)}, "due_before_cycle", {"due": dt.date(2026, 10, 31), "cycle": "2026-11",
                                                          "start": dt.date(2026, 11, 1)}, "before cycle 2026-11"),
    ({"link_kind": "scenario", "link": "Nowhere"}, "unknown_scenario", {"link": "Nowhere"}, "save it"),
    ({"link_kind": "kpi", "link": "margin"}, "unknown_kpi", {"link": "margin"}, "Unknown KPI"),
    ({"link_kind": "kpi"}, "missing_link", {"link_kind": "kpi"}, "Choose"),
    ({"link": "stock_days"}, "link_without_kind", {"link": "stock_days"}, "scenario or a KPI"),
    ({"link_kind": "order", "link": "C1"}, "bad_link_kind", {"link_kind": "order"}, "scenario or a KPI"),
    ({"due": "2026-12-01"}, "bad_due", {"due": "2026-12-01"}, "must be a date"),
])
def test_refusals_say_what_to_fix_and_write_nothing(store: Store, kwargs: dict[str, Any], code: str,
                                                    params: dict[str, Any], words: str) -> None:
    call = {"cycle": Cycle(2026, 11), "what": "Raise the forecast of F1", "owner": "Claire", **kwargs}
    with pytest.raises(DecisionError) as caught:
        record_decision(store, **call)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code and caught.value.params == params and words in str(caught.value)
    assert all_decisions(store).empty
    _translates(caught.value)


def _translates(error: DecisionError) -> None:
    """The page shows the catalogue's sentence in each language, filled in, a field named in words."""
    for lang in LANGUAGES:
        said = error.render(lang)
        assert said and "{" not in said
        if "field" in error.params:
            assert translate(f"decisions.field.{error.params['field']}", lang) in said


def test_due_on_the_cycle_first_day_is_fine(store: Store) -> None:
    record_decision(store, Cycle(2026, 11), "Freeze the plan", "Claire", dt.datetime(2026, 11, 1, 9, 0))
    assert all_decisions(store)["due"].tolist() == [dt.date(2026, 11, 1)]


def test_close_with_an_outcome_at_the_next_cycle(store: Store) -> None:
    kept = record_decision(store, Cycle(2026, 10), "Hire two temps in ASM", "Paul", dt.date(2026, 11, 15))
    closed = record_decision(store, Cycle(2026, 10), "Move OF-104 forward", "Marc", link_kind="kpi", link="red_orders")
    close_decision(store, closed, Cycle(2026, 11), "  Done on 3 Nov, OF-104 delivered on time ", now=NOW)
    assert list(open_decisions(store)["decision_id"]) == [kept]
    row = all_decisions(store).set_index("decision_id").loc[closed]
    assert (row["status"], row["outcome"], row["closed_cycle"], row["closed_at"]) == (
        "done", "Done on 3 Nov, OF-104 delivered on time", "2026-11", NOW)
    assert list(decisions_of_cycle(store, Cycle(2026, 11))["decision_id"]) == [closed]  # closed at it
    assert list(decisions_of_cycle(store, Cycle(2026, 10))["decision_id"]) == [kept, closed]  # taken at it
    assert list(previous_cycle_follow_up(store, Cycle(2026, 11))["decision_id"]) == [kept, closed]
    assert list(previous_cycle_follow_up(store, Cycle(2026, 12))["decision_id"]) == [kept]  # closed before
    assert previous_cycle_follow_up(store, Cycle(2026, 10)).empty  # nothing before it
    with pytest.raises(DecisionError) as twice:
        close_decision(store, closed, Cycle(2026, 12), "again", "dropped")
    assert twice.value.code == "already_closed" and twice.value.params == {"decision_id": closed, "status": "done"}
    _translates(twice.value)
    close_decision(store, kept, Cycle(2026, 10), "No temps available", "dropped")  # the same cycle is allowed
    assert open_decisions(store).empty and all_decisions(store)["status"].tolist() == ["dropped", "done"]


@pytest.mark.parametrize(("call", "code"), [
    (lambda s, i: close_decision(s, i, Cycle(2026, 11), "   "), "empty_field"),
    (lambda s, i: close_decision(s, i, Cycle(2026, 10), "Done"), "close_before_cycle"),
    (lambda s, i: close_decision(s, i, Cycle(2026, 11), "Done", "cancelled"), "bad_status"),
    (lambda s, i: close_decision(s, i + 99, Cycle(2026, 11), "Done"), "unknown_decision"),
])
def test_close_refusals_leave_the_decision_open(store: Store, call: Callable[[Store, int], object], code: str) -> None:
    decision = record_decision(store, Cycle(2026, 11), "Rebalance the mix", "Claire")
    with pytest.raises(DecisionError) as caught:
        call(store, decision)
    assert caught.value.code == code
    _translates(caught.value)
    assert list(open_decisions(store)["decision_id"]) == [decision]


def test_overdue_flags_open_decisions_past_their_due_date(store: Store) -> None:
    late = record_decision(store, Cycle(2026, 10), "Late one", "A", dt.date(2026, 11, 20))
    record_decision(store, Cycle(2026, 10), "Due today", "B", dt.date(2026, 11, 21))
    record_decision(store, Cycle(2026, 10), "No due date", "C")
    done = record_decision(store, Cycle(2026, 10), "Closed late one", "D", dt.date(2026, 10, 5))
    close_decision(store, done, Cycle(2026, 11), "Done")
    flagged = overdue(all_decisions(store), dt.date(2026, 11, 21)).set_index("decision_id")["overdue"]
    assert flagged.dtype == bool and flagged[flagged].index.tolist() == [late]
    empty = overdue(all_decisions(store).iloc[0:0], dt.date(2026, 11, 21))
    assert empty.empty and tuple(empty.columns) == (*DECISION_COLUMNS, "overdue")


CYCLES = (Cycle(2026, 9), Cycle(2026, 10), Cycle(2026, 11), Cycle(2026, 12))
STEPS = st.lists(st.one_of(
    st.tuples(st.just("record"), st.integers(0, 3), st.text(max_size=3)),
    st.tuples(st.just("close"), st.integers(0, 20), st.integers(0, 3)),
), max_size=12)


@settings(max_examples=25, deadline=None)
@given(STEPS)
def test_any_sequence_keeps_every_decision(steps: list[tuple[str, int, Any]]) -> None:
    """Whatever is recorded, refused or closed: no row is lost, open + closed == recorded, and a
    refused call changes nothing."""
    with Store(":memory:") as store:
        taken: dict[int, str] = {}
        closed: set[int] = set()
        for action, number, extra in steps:
            ids = sorted(taken)
            try:
                if action == "record":
                    taken[record_decision(store, CYCLES[number], "Decide", extra)] = CYCLES[number]
                elif ids:
                    target = ids[number % len(ids)]
                    close_decision(store, target, CYCLES[extra], "Outcome")
                    closed.add(target)
            except DecisionError as exc:
                assert exc.code in ("empty_field", "already_closed", "close_before_cycle")
                if action == "close":
                    assert target in closed or CYCLES[extra] < taken[target]
            everything = all_decisions(store)
            assert sorted(everything["decision_id"]) == sorted(taken)
            assert set(open_decisions(store)["decision_id"]) == set(taken) - closed
            assert (everything["status"] != "open").sum() == len(closed)
        for cycle in CYCLES:  # each decision reviewed where it should be, never twice in one table
            follow = previous_cycle_follow_up(store, cycle)["decision_id"]
            assert follow.is_unique and all(taken[i] < cycle for i in follow)
