"""What-if: overtime, temps and subcontracting on the production plan, and the cheapest mix."""

from sop_core.whatif.optimizer import MIX_NAME, Target
from sop_core.whatif.scenario_json import scenario_from_json, scenario_from_rows, scenario_to_json
from sop_core.whatif.scenarios import (
    BASELINE,
    baseline_result,
    delete_scenario,
    find_cheapest_mix,
    mark_decision,
    plan_from_store,
    read_scenario,
    save_scenario,
    saved_scenarios,
    simulate_scenario,
)
from sop_core.whatif.simulation import KINDS, Scenario, ScenarioError, compare, lever_limit, simulate, validate

__all__ = [
    "BASELINE",
    "KINDS",
    "MIX_NAME",
    "Scenario",
    "ScenarioError",
    "Target",
    "baseline_result",
    "compare",
    "delete_scenario",
    "find_cheapest_mix",
    "lever_limit",
    "mark_decision",
    "plan_from_store",
    "read_scenario",
    "save_scenario",
    "saved_scenarios",
    "scenario_from_json",
    "scenario_from_rows",
    "scenario_to_json",
    "simulate",
    "simulate_scenario",
    "validate",
]
