"""What-if scenarios against the store: the plan (open OF and workshops as of a day) that
`simulation.simulate` takes, a scenario read from a JSON file, the saved scenarios and the one
decided at an S&OP cycle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sop_core.common import Cycle, Message
from sop_core.data import Store, allow
from sop_core.production import customer_links, open_orders, rough_cut_load, workshops
from sop_core.whatif.levers import Plan, Scenario, ScenarioError, scenario_error
from sop_core.whatif.optimizer import MixResult, Target, cheapest_mix
from sop_core.whatif.scenario_json import scenario_from_json, scenario_to_json
from sop_core.whatif.simulation import SimulationResult, simulate

BASELINE = "Baseline"


def plan_from_store(store: Store, as_of: dt.date) -> Plan:
    """The open OF, the workshops (with their lever limits and costs), the customer lines the OF serve
    and the rough-cut load of the months ahead, as of `as_of`."""
    orders = open_orders(store, as_of)
    load, _, _ = rough_cut_load(store, as_of)
    return Plan(as_of=as_of, orders=orders, workshops=workshops(store),
                customer_lines=customer_links(store, as_of, orders), rough_cut=load)


def read_scenario(path: Path) -> Scenario:
    """A scenario from a JSON file; an unreadable file is a ScenarioError naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise scenario_error("cannot_read", str(path), error=exc.strerror) from None
    try:
        return scenario_from_json(text)
    except ScenarioError as exc:
        raise ScenarioError(Message("scenario.error.at", {"where": path.name, "problem": exc.message})) from None


def simulate_scenario(store: Store, as_of: dt.date, scenario: Scenario) -> tuple[SimulationResult, SimulationResult]:
    """The baseline and the scenario played on the store's plan; a ScenarioError names the lever and
    the fix when the scenario does not fit the plan (`simulate` checks it)."""
    plan = plan_from_store(store, as_of)
    baseline = simulate(plan, Scenario(BASELINE))
    return baseline, simulate(plan, scenario, baseline)


def baseline_result(store: Store, as_of: dt.date) -> SimulationResult:
    """The plan as it stands: no lever."""
    return simulate(plan_from_store(store, as_of), Scenario(BASELINE))


def find_cheapest_mix(store: Store, as_of: dt.date, on_time_rate: float | None,
                      by_week: dt.date | None = None, baseline: SimulationResult | None = None) -> MixResult:
    """The cheapest mix of levers meeting the target (`optimizer.cheapest_mix`) on the store's plan;
    `baseline` (`baseline_result` of the same day) saves simulating it again when the caller has it."""
    plan = plan_from_store(store, as_of)
    return cheapest_mix(plan, Target(on_time_rate=on_time_rate, by_week=by_week),
                        baseline if baseline is not None else simulate(plan, Scenario(BASELINE)))


def save_scenario(store: Store, scenario_json: str, author: str, replace: bool = False) -> int:
    """Store a scenario under its name; returns its id. A saved scenario of the same name (a
    colleague's, saved a minute ago) is replaced only when `replace` says so, else refused with who
    saved it and when: never lost in silence. The text is read back first, so a malformed one is
    refused before anything is written."""
    allow(store, "planner")
    scenario = scenario_from_json(scenario_json)
    if not author.strip():
        raise scenario_error("no_author")
    with store.transaction() as cur:
        taken = cur.execute("SELECT author, created_at FROM scenarios WHERE name = ?", [scenario.name]).fetchall()
        if taken and not replace:
            raise scenario_error("name_taken", name=scenario.name, author=taken[0][0],
                                 saved_at=taken[0][1].strftime("%d/%m/%Y %H:%M"))
        cur.execute("DELETE FROM scenarios WHERE name = ?", [scenario.name])
        row = cur.execute(
            "INSERT INTO scenarios VALUES (nextval('scenario_seq'), ?, ?, ?, now()::TIMESTAMP, NULL) "
            "RETURNING scenario_id", [scenario.name, scenario_to_json(scenario), author.strip()]).fetchall()
    return int(row[0][0])


def saved_scenarios(store: Store) -> pd.DataFrame:
    """scenario_id, name, author, created_at, decision_cycle, scenario_json; newest first."""
    return store.query("SELECT scenario_id, name, author, created_at, decision_cycle, scenario_json "
                       "FROM scenarios ORDER BY created_at DESC, scenario_id DESC")


def delete_scenario(store: Store, name: str) -> None:
    allow(store, "planner")
    with store.transaction() as cur:
        cur.execute("DELETE FROM scenarios WHERE name = ?", [name])


def mark_decision(store: Store, name: str, cycle: Cycle) -> None:
    """Record the saved scenario `name` as the decision of the S&OP cycle `cycle`: one decision per
    cycle, so a previous one for that cycle is unmarked."""
    allow(store, "planner")
    with store.transaction() as cur:
        if not cur.execute("SELECT count(*) FROM scenarios WHERE name = ?", [name]).fetchall()[0][0]:
            raise scenario_error("not_saved", name=name)
        cur.execute("UPDATE scenarios SET decision_cycle = NULL WHERE decision_cycle = ?", [str(cycle)])
        cur.execute("UPDATE scenarios SET decision_cycle = ? WHERE name = ?", [str(cycle), name])
