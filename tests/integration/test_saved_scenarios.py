"""What-if scenarios saved in the store: replace by name, delete, one decision per S&OP cycle, and the
meeting pack's note on one that cannot be played."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sop_core.common.periods import Cycle
from sop_core.data.store import Store
from sop_core.meeting.pack.build import build_pack
from sop_core.whatif.levers import Overtime, Scenario, ScenarioError
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import delete_scenario, mark_decision, save_scenario, saved_scenarios
from tests.conftest import TODAY

A = scenario_to_json(Scenario("A", (Overtime("W", TODAY, TODAY, 4),)))
B = scenario_to_json(Scenario("B"))


def test_save_replace_delete_and_decide(store: Store) -> None:
    first = save_scenario(store, A, "Claire")
    save_scenario(store, B, "Marc")
    with pytest.raises(ScenarioError, match=r"'A' was already saved by Claire on \d\d/\d\d/\d{4} \d\d:\d\d; rename"):
        save_scenario(store, A, "Marc")  # a colleague's scenario of the same name is never lost in silence
    again = save_scenario(store, A, "Marc", replace=True)  # replaced once asked, not duplicated
    saved = saved_scenarios(store).set_index("name")
    assert sorted(saved.index) == ["A", "B"] and again != first and saved.loc["A", "author"] == "Marc"
    assert saved.loc["A", "scenario_json"] == A
    mark_decision(store, "A", Cycle(2026, 11))
    mark_decision(store, "B", Cycle(2026, 11))  # one decision per cycle
    decided = saved_scenarios(store).set_index("name")["decision_cycle"]
    assert decided.isna()["A"] and decided["B"] == "2026-11"
    delete_scenario(store, "B")
    assert list(saved_scenarios(store)["name"]) == ["A"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: save_scenario(s, "{broken", "Claire"), "not valid JSON"),
    (lambda s: save_scenario(s, A, "  "), "author"),
    (lambda s: mark_decision(s, "nowhere", Cycle(2026, 11)), "no saved scenario"),
])
def test_refusals_change_nothing(store: Store, call, message: str) -> None:  # type: ignore[no-untyped-def]
    save_scenario(store, A, "Claire")
    before = saved_scenarios(store)
    with pytest.raises((ScenarioError, ValueError), match=message):
        call(store)
    assert saved_scenarios(store).equals(before)


@pytest.mark.parametrize(("lang", "problem"), [("fr", "l'atelier « NOWHERE » est inconnu ; choisissez parmi "),
                                               ("en", "workshop 'NOWHERE' is unknown; use one of ")])
def test_the_pack_says_why_a_saved_scenario_was_not_played(demo_db: Path, lang: str, problem: str) -> None:
    lever = Overtime("NOWHERE", dt.date(2026, 11, 2), dt.date(2026, 11, 9), 4)
    with Store(demo_db) as store:
        save_scenario(store, scenario_to_json(Scenario("Ailleurs", (lever,))), "Claire")
        notes = build_pack(store, Cycle(2026, 11), lang).notes
    lever_name = "levier 1 (heures supplémentaires, NOWHERE)" if lang == "fr" else "lever 1 (overtime, NOWHERE)"
    skipped = [note for note in notes if "Ailleurs" in note]
    assert len(skipped) == 1 and f"{lever_name}{' :' if lang == 'fr' else ':'} {problem}" in skipped[0]
