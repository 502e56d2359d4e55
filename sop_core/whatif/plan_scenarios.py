"""A what-if scenario on the PIC: its demand changes on the final demand, the hours its levers add on
the rough-cut capacity, and the figures the "comité PIC" compares side by side.

The levers' cost is the simulation's (`SimulationResult.total_cost`: overtime and temps paid for the
weeks they cover, subcontracting for the hours the open OF use), so the plan's margin after levers and
the What-if page's cost are one figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sop_core.data import Store
from sop_core.plan import PlanInputs, PlanResult, apply_changes, balance, plan_inputs
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenarios import plan_from_store
from sop_core.whatif.simulation import SimulationResult, simulate

# The plan's figures of the side-by-side table, in the order the meeting reads them.
PLAN_FIGURES = ("plan_revenue", "plan_margin", "lever_cost", "margin_after_levers", "demand_at_risk_units",
                "plan_service_rate", "closing_stock_units", "peak_load_pct", "capacity_shortage_hours")
PLAN_FIGURE_KINDS = {"plan_revenue": "money", "plan_margin": "money", "lever_cost": "money",
                     "margin_after_levers": "money", "demand_at_risk_units": "count", "plan_service_rate": "percent",
                     "closing_stock_units": "count", "peak_load_pct": "percent", "capacity_shortage_hours": "hours"}


def scenario_demand(inputs: PlanInputs, scenario: Scenario) -> np.ndarray | None:
    """The final demand (SKU x month) after the scenario's demand changes; None when it has none."""
    if not scenario.demand:
        return None
    return apply_changes(inputs.consensus, inputs.months, list(inputs.skus.index),
                         list(inputs.skus["family"].astype(str)), scenario.demand)


def added_capacity(inputs: PlanInputs, simulated: SimulationResult) -> np.ndarray:
    """The hours the scenario's levers add, as a workshop x month matrix in the plan's order."""
    extra = np.zeros((len(inputs.workshops), len(inputs.months)))
    added = simulated.added_by_month
    rows = pd.Index(inputs.workshops).get_indexer(added["workshop"])
    columns = pd.DatetimeIndex([pd.Timestamp(m) for m in inputs.months]).get_indexer(pd.to_datetime(added["month"]))
    keep = (rows >= 0) & (columns >= 0)
    np.add.at(extra, (rows[keep], columns[keep]), added["hours"].to_numpy(float)[keep])
    return extra


def plan_of(inputs: PlanInputs, scenario: Scenario, simulated: SimulationResult) -> PlanResult:
    """The PIC balance of `scenario` (`simulated` is its simulation: the levers' hours)."""
    return balance(inputs, scenario_demand(inputs, scenario), added_capacity(inputs, simulated))


def scenario_plan(store: Store, as_of: dt.date, scenario: Scenario) -> tuple[PlanResult, SimulationResult]:
    """The PIC of a scenario on the store's data as of `as_of`, with its simulation (the levers' cost)."""
    simulated = simulate(plan_from_store(store, as_of), scenario)
    return plan_of(plan_inputs(store, as_of), scenario, simulated), simulated


def plan_figures(result: PlanResult, lever_cost: float) -> dict[str, float]:
    """The figures of `PLAN_FIGURES` over the plan's horizon: revenue and margin of the final demand, the
    levers' cost and the margin after it, the demand not served in its month (and the service rate that
    leaves), the closing stock of the last month, the busiest workshop-month's load (open OF + wanted
    hours over capacity) and the capacity shortage."""
    skus = result.inputs.skus
    price, cost = skus["unit_price"].to_numpy(float), skus["unit_cost"].to_numpy(float)
    demand = float(result.demand.sum())
    margin = float((result.demand * (price - cost)[:, None]).sum())
    capacity = result.capacity_hours
    load = (result.wanted_hours + result.inputs.open_orders_hours) / np.where(capacity > 0, capacity, np.nan)
    return {
        "plan_revenue": float((result.demand * price[:, None]).sum()), "plan_margin": margin,
        "lever_cost": lever_cost, "margin_after_levers": margin - lever_cost,
        "demand_at_risk_units": float(result.at_risk.sum()),
        "plan_service_rate": 1 - float(result.at_risk.sum()) / demand if demand > 0 else float("nan"),
        "closing_stock_units": float(result.closing_stock[:, -1].sum()) if result.demand.shape[1] else 0.0,
        "peak_load_pct": float(np.nanmax(load)) if np.isfinite(load).any() else float("nan"),
        "capacity_shortage_hours": float(result.shortage_hours.sum()),
    }


def plan_comparison(plans: Sequence[PlanResult], simulated: Sequence[SimulationResult],
                    names: Sequence[str]) -> pd.DataFrame:
    """One row per plan figure (`PLAN_FIGURES` order), one column per scenario (named `names`)."""
    columns = {name: plan_figures(plan, sim.total_cost)
               for name, plan, sim in zip(names, plans, simulated, strict=True)}
    return pd.DataFrame(columns, index=list(PLAN_FIGURES), dtype=float)
