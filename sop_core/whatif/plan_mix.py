"""The cheapest mix aimed at a demand scenario: the least-cost levers that give every workshop, month by
month, the hours the scenario's PIC lacks (its capacity shortage), within the levers' horizon.

Pure, like `optimizer`: the same programme (`mix_programme`: variables per workshop, kind and ISO week,
their costs and limits), with one cover row per workshop and month short of hours: the levers'
productive hours on the working days of that month (from as-of, within the horizon) must reach the
month's shortage. Covering each month's shortage of the scenario without levers is enough: a month
whose production is no longer cut leaves more stock (or less backlog), so the months after it need no
more hours than before. A month past the levers' horizon, or a shortage larger than every lever at its
limit can give, is covered as far as the levers allow and `reached` is False with the hours still short.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sop_core.common import Message
from sop_core.data import Store
from sop_core.plan import PlanInputs, PlanResult, balance, plan_inputs
from sop_core.whatif import mix_programme as programme
from sop_core.whatif.levers import Plan, Scenario
from sop_core.whatif.optimizer import MIX_NAME, MixResult
from sop_core.whatif.plan_scenarios import added_capacity, scenario_demand
from sop_core.whatif.scenarios import baseline_result, plan_from_store
from sop_core.whatif.simulation import SimulationResult, simulate

SHORT_HOURS = 0.5  # hours a plan may still lack and count as covered (the rounding of the levers' sizes)


def cheapest_mix_for_demand(plan: Plan, inputs: PlanInputs, scenario: Scenario,
                            baseline: SimulationResult | None = None) -> tuple[MixResult, PlanResult]:
    """The cheapest levers covering the PIC shortage of `scenario`'s demand (its own levers are left out:
    the mix replaces them), with the simulated mix and the PIC it gives."""
    demand = scenario_demand(inputs, scenario)
    short = _shortage(balance(inputs, demand))
    base = baseline if baseline is not None else simulate(plan, Scenario("baseline"))
    notes = f"Target: PIC of {scenario.name!r} without capacity shortage."
    empty = Scenario(MIX_NAME, (), notes, scenario.demand)
    if short.sum() <= SHORT_HOURS:
        return (MixResult(empty, simulate(plan, empty, baseline=base), True, Message("mix.plan.no_shortage"), 0),
                balance(inputs, demand))
    model = programme.build_model(plan)
    a, need = _cover_rows(model, inputs, short)
    if not len(need):  # every short month lies past the levers' horizon
        return (MixResult(empty, simulate(plan, empty, baseline=base), False, Message("mix.plan.partly", {
            "cost": 0, "before": math.ceil(short.sum()), "hours": math.ceil(short.sum())}), 0),
                balance(inputs, demand))
    most = a @ model.upper.ravel()
    solution = programme.solve(model, a, np.minimum(need, most), np.arange(len(need)), None, 0,
                               programme.SOLVE_SECONDS, np.empty((0, 2), dtype=int))
    if solution is None:
        return (MixResult(empty, base, False, Message("mix.no_solution", {
            "target": Message("mix.plan.target"), "seconds": float(programme.SOLVE_SECONDS)}), 1),
                balance(inputs, demand))
    mix = Scenario(MIX_NAME, programme.mix_levers(model, programme.rounded(model, solution.sizes)), notes,
                   scenario.demand)
    simulated = simulate(plan, mix, baseline=base)
    result = balance(inputs, demand, added_capacity(inputs, simulated))
    left = float(result.shortage_hours.sum())
    cost = round(simulated.total_cost)
    message = Message("mix.plan.reached", {"cost": cost}) if left <= SHORT_HOURS else \
        Message("mix.plan.partly", {"cost": cost, "before": math.ceil(short.sum()), "hours": math.ceil(left)})
    return MixResult(mix, simulated, left <= SHORT_HOURS, message, 1, solution.proven), result


def find_mix_for_demand(store: Store, as_of: dt.date, scenario: Scenario) -> tuple[MixResult, PlanResult]:
    """`cheapest_mix_for_demand` on the store's plan and PIC as of `as_of`."""
    return cheapest_mix_for_demand(plan_from_store(store, as_of), plan_inputs(store, as_of), scenario,
                                   baseline_result(store, as_of))


def _shortage(result: PlanResult) -> np.ndarray:
    """Hours each workshop lacks each month (workshops x months)."""
    short: np.ndarray = np.maximum(result.wanted_hours - result.capacity_left, 0.0)
    return short


def _cover_rows(model: programme.MixModel, inputs: PlanInputs, short: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per workshop-month short of hours: the levers' hours on the month's days >= the shortage."""
    horizon = model.covered_cum.shape[3]
    position = {name: i for i, name in enumerate(model.names)}
    shops, firsts, lasts, need = [], [], [], []
    for w, m in zip(*np.nonzero(short > 0), strict=True):
        shop = position.get(inputs.workshops[w])
        first = max((inputs.months[m] - model.as_of).days, 0)
        following = inputs.months[m + 1] if m + 1 < len(inputs.months) else None
        last = min(((following - model.as_of).days if following else horizon) - 1, horizon - 1)
        if shop is None or first > last:
            continue  # a workshop without levers, or a month past the levers' horizon
        shops.append(shop)
        firsts.append(first)
        lasts.append(last)
        need.append(short[w, m] + programme.MARGIN_HOURS)
    coefficients = programme.window_coefficients(model, np.array(shops, dtype=int), np.array(firsts, dtype=int),
                                                 np.array(lasts, dtype=int))
    return coefficients, np.array(need, dtype=float)
