"""What-if: overtime, temps and subcontracting on the production plan, and the cheapest mix."""

from sop_core.whatif.charts import capacity_chart
from sop_core.whatif.compared import (
    FIGURE_KINDS,
    FIGURES,
    MAX_COMPARED,
    comparison_table,
    lines_at_risk_of,
    with_scenario,
)
from sop_core.whatif.levers import LEVER_KINDS, Plan, Scenario, ScenarioError, lever_limit, validate
from sop_core.whatif.optimizer import MIX_NAME, MixResult, Target
from sop_core.whatif.plan_mix import cheapest_mix_for_demand, find_mix_for_demand
from sop_core.whatif.plan_scenarios import (
    PLAN_FIGURE_KINDS,
    PLAN_FIGURES,
    plan_comparison,
    plan_figures,
    plan_of,
    scenario_demand,
    scenario_plan,
)
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
from sop_core.whatif.simulation import SimulationResult, compare, simulate

__all__ = [
    "BASELINE",
    "FIGURES",
    "FIGURE_KINDS",
    "LEVER_KINDS",
    "MAX_COMPARED",
    "MIX_NAME",
    "PLAN_FIGURES",
    "PLAN_FIGURE_KINDS",
    "MixResult",
    "Plan",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Target",
    "baseline_result",
    "capacity_chart",
    "cheapest_mix_for_demand",
    "compare",
    "comparison_table",
    "delete_scenario",
    "find_cheapest_mix",
    "find_mix_for_demand",
    "lever_limit",
    "lines_at_risk_of",
    "mark_decision",
    "plan_comparison",
    "plan_figures",
    "plan_from_store",
    "plan_of",
    "read_scenario",
    "save_scenario",
    "saved_scenarios",
    "scenario_demand",
    "scenario_from_json",
    "scenario_from_rows",
    "scenario_plan",
    "scenario_to_json",
    "simulate",
    "simulate_scenario",
    "validate",
    "with_scenario",
]
