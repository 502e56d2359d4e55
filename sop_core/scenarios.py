"""What-if scenarios against the store: the plan (open OF and workshops as of a day) that
`simulation.simulate` takes, and a scenario read from a JSON file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sop_core.optimizer import MixResult, Target, cheapest_mix
from sop_core.shopfloor import open_orders, workshops
from sop_core.simulation import (
    Plan,
    Scenario,
    ScenarioError,
    SimulationResult,
    scenario_from_json,
    simulate,
    validate,
)
from sop_core.store import Store

BASELINE = "Baseline"


def plan_from_store(store: Store, as_of: dt.date) -> Plan:
    """The open OF and the workshops (with their lever limits and costs) as of `as_of`."""
    return Plan(as_of=as_of, orders=open_orders(store, as_of), workshops=workshops(store))


def read_scenario(path: Path) -> Scenario:
    """A scenario from a JSON file; an unreadable file is a ScenarioError naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file ({exc.strerror}); check the path") from None
    try:
        return scenario_from_json(text)
    except ScenarioError as exc:
        raise ScenarioError(f"{path.name}: {exc}") from None


def simulate_scenario(store: Store, as_of: dt.date, scenario_json: str) -> tuple[SimulationResult, SimulationResult]:
    """The baseline and the scenario (given as its JSON text, so that a page can cache on it) played
    on the store's plan; the scenario is checked first: a ScenarioError names the lever and the fix."""
    plan = plan_from_store(store, as_of)
    scenario = scenario_from_json(scenario_json)
    validate(plan, scenario)
    baseline = simulate(plan, Scenario(BASELINE))
    return baseline, simulate(plan, scenario, baseline)


def baseline_result(store: Store, as_of: dt.date) -> SimulationResult:
    """The plan as it stands: no lever."""
    return simulate(plan_from_store(store, as_of), Scenario(BASELINE))


def find_cheapest_mix(store: Store, as_of: dt.date, on_time_rate: float | None,
                      by_week: dt.date | None = None) -> MixResult:
    """The cheapest mix of levers meeting the target (`optimizer.cheapest_mix`) on the store's plan."""
    plan = plan_from_store(store, as_of)
    return cheapest_mix(plan, Target(on_time_rate=on_time_rate, by_week=by_week),
                        simulate(plan, Scenario(BASELINE)))
