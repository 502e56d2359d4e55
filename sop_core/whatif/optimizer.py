"""The cheapest mix: the least-cost levers (overtime, temps, subcontract) that reach a delivery target.

Pure, like `simulation`: a plan and a target in, a scenario and its simulated result out.

Target: no red order (no order red for its delay: above its tolerance or unable to finish; orders already
past their planned end at as_of are red whatever the levers and are left out), or an on-time rate of at
least X (share of the counted orders with delay_days <= 0; an order that cannot finish is late); with
`by_week`, only the orders due (planned_end) by the Sunday of that week are counted.

The programme (a mixed-integer programme solved by HiGHS through `scipy.optimize.milp`) is built and
solved by `mix_programme`; here the search around it: the orders the target counts, the programme
solved, its answer simulated, the rows it still misses added (`MAX_ITERATIONS` rounds at most), then
each lever, most expensive first, dropped when the target is still met without it, so the mix is not
padded. `MixResult.proven` is False when HiGHS stopped at `mix_programme.SOLVE_SECONDS` before proving
its mix within 1% of the cheapest: a slightly cheaper mix may exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.common import Message, MessageError
from sop_core.whatif import mix_programme as programme
from sop_core.whatif.levers import LEVER_KINDS, Lever, Overtime, Plan, Scenario, ScenarioError, Subcontract, lever_size
from sop_core.whatif.simulation import SimulationResult, simulate

MIX_NAME = "Cheapest mix"
MAX_ITERATIONS = 10
SIZE_STEP = 0.01  # hours: the precision of a mix's sizes (a subcontract lever's least hours are found to it)
_RAISE = {"overtime": "overtime_max_hours_per_person_week", "temps": "temp_max_headcount",
          "subcontract": "subcontract_max_hours_per_week"}


@dataclass(frozen=True)
class Target:
    """No red order (`on_time_rate` None) or an on-time rate of at least `on_time_rate` (0..1), counting
    only the orders due by the week of `by_week` (a Monday) when given."""

    on_time_rate: float | None = None
    by_week: dt.date | None = None

    def __post_init__(self) -> None:
        rate = self.on_time_rate
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)
                                 or not 0 < float(rate) <= 1):
            raise MessageError(Message("mix.error.bad_rate", {"rate": repr(rate)}))
        if self.by_week is not None and (not isinstance(self.by_week, dt.date) or isinstance(self.by_week, dt.datetime)
                                         or self.by_week.weekday() != 0):
            raise MessageError(Message("mix.error.not_monday", {"week": repr(self.by_week)}))

    def describe(self) -> Message:
        """"no red order", "on-time rate at least 95% among the orders due by W48"."""
        what = Message("mix.target.no_red") if self.on_time_rate is None else \
            Message("mix.target.on_time", {"rate": round(100 * self.on_time_rate, 1)})
        return Message("mix.target.by_week", {"target": what, "week": week_term(self.by_week)}) if self.by_week \
            else what


def week_term(monday: dt.date) -> Message:
    """The ISO week of `monday`: W48 or S48."""
    return Message("production.week_label", {"week": f"{monday.isocalendar().week:02d}"})


@dataclass(frozen=True, eq=False)
class MixResult:
    """The cheapest scenario found, its simulation, whether it meets the target and why not."""

    scenario: Scenario
    result: SimulationResult
    reached: bool
    message: Message
    iterations: int
    proven: bool = True  # False: the solver stopped at SOLVE_SECONDS, a slightly cheaper mix may exist


# --- the target on a simulated result ------------------------------------------------------------

def _counted(orders: pd.DataFrame, plan: Plan, target: Target) -> np.ndarray:
    """Orders the target counts (projected frame or plan orders: both have planned_end)."""
    end = pd.to_datetime(orders["planned_end"]).to_numpy().astype("datetime64[D]")
    counted = np.ones(len(orders), dtype=bool)
    if target.by_week is not None:
        counted &= end <= np.datetime64(target.by_week + dt.timedelta(days=6), "D")
    if target.on_time_rate is None:
        counted &= end >= np.datetime64(plan.as_of, "D")
    return counted


def _required_on_time(total: int, rate: float) -> int:
    return math.ceil(rate * total - 1e-9)


def meets(result: SimulationResult, plan: Plan, target: Target) -> bool:
    """Whether the simulated `result` meets `target` (see the module docstring)."""
    projected = result.orders
    counted = _counted(projected, plan, target)
    if target.on_time_rate is None:
        return not bool((counted & (projected["status"] == "red").to_numpy()).any())
    on_time = (projected["delay_days"].fillna(1) <= 0).to_numpy()
    return int((counted & on_time).sum()) >= _required_on_time(int(counted.sum()), target.on_time_rate)


# --- the search ------------------------------------------------------------------------------------

def _unreachable(model: programme.MixModel, orders: np.ndarray, shortfall: np.ndarray,
                 deadline: np.ndarray) -> Message:
    """Per workshop, the largest shortfall: 'INJECTION needs 120 h more by W49 than all levers can add'."""
    parts = []
    for shop in sorted(set(model.shop[orders].tolist())):
        mine = np.flatnonzero(model.shop[orders] == shop)
        worst = mine[np.argmax(shortfall[mine])]
        week = model.as_of + dt.timedelta(days=int(max(deadline[worst], 0)))
        fields = [_RAISE[kind] for k, kind in enumerate(LEVER_KINDS) if not model.upper[k, shop].any()] \
            or list(_RAISE.values())
        parts.append(Message("mix.shop_short", {
            "workshop": str(model.names[shop]), "hours": math.ceil(shortfall[worst]), "week": week_term(week),
            "fields": Message("explain.or", {"some": fields[:-1], "last": fields[-1]}) if len(fields) > 1
            else fields[0]}))
    return functools.reduce(lambda first, second: Message("explain.joined", {"first": first, "second": second}),
                            parts)


def cheapest_mix(plan: Plan, target: Target, baseline: SimulationResult | None = None) -> MixResult:
    """The least-cost levers that meet `target` on `plan`, simulated (see the module docstring).

    `baseline` is the empty scenario's result on the same plan, computed when not given. When the target
    cannot be met, `reached` is False and `message` says which workshop lacks how many hours by when.
    """
    clock = time.monotonic()
    base = baseline if baseline is not None else simulate(plan, Scenario("baseline"))
    notes = f"Target: {target.describe().render('en')}."
    empty = Scenario(MIX_NAME, (), notes)
    if meets(base, plan, target):
        return MixResult(empty, simulate(plan, empty, baseline=base), True, Message("mix.baseline_meets"), 0)
    model = programme.build_model(plan)
    counted = _counted(pd.DataFrame({"planned_end": plan.engine(0).book.end}), plan, target)
    late_now = set(base.orders.loc[base.orders["delay_days"].fillna(1) > 0, "mo_id"].astype(str))
    rate_target = target.on_time_rate is not None
    if rate_target:
        already = int(counted.sum()) - len(late_now & set(model.mo_id[counted]))
        at_least = _required_on_time(int(counted.sum()), float(target.on_time_rate or 0)) - already
        candidates = np.flatnonzero(counted & np.isin(model.mo_id, list(late_now)) & (model.due >= 0))
        deadline = model.due[candidates]
    else:
        at_least = 0
        candidates = np.flatnonzero(counted)
        deadline = model.slack[candidates]
    rows = programme.first_rows(model, candidates, deadline)
    chains = programme.chains(model.shop[candidates], deadline)
    upper = model.upper.ravel()
    iterations, scenario, result, proven = 0, empty, base, True
    while iterations < MAX_ITERATIONS:
        iterations += 1
        left = min(programme.SOLVE_SECONDS, programme.TIME_LIMIT_SECONDS - (time.monotonic() - clock))
        a, need = programme.cover_rows(model, candidates[rows.owner], deadline[rows.owner], rows.start)
        short = need > a @ upper + 1e-9
        if short.any() and not rate_target:
            detail = _unreachable(model, candidates[rows.owner[short]], (need - a @ upper)[short],
                                  deadline[rows.owner[short]])
            return MixResult(scenario, result, False, Message("mix.unreachable", {
                "target": target.describe(), "detail": detail}), iterations)
        allowed = None
        if rate_target:
            bounds = programme.candidate_bounds(model, a, need, rows.owner, len(candidates))
            if int(np.isfinite(bounds).sum()) < at_least:
                hopeless = short & (rows.start == 0)
                detail = Message("mix.rate_unreachable", {"needed": at_least,
                                                          "possible": int(np.isfinite(bounds).sum())})
                if hopeless.any():
                    detail = Message("explain.joined", {"first": detail, "second": _unreachable(
                        model, candidates[rows.owner[hopeless]], (need - a @ upper)[hopeless],
                        deadline[rows.owner[hopeless]])})
                return MixResult(scenario, result, False, Message("mix.unreachable", {
                    "target": target.describe(), "detail": detail}), iterations)
            allowed = programme.screened(model, a, need, rows.owner, bounds, at_least, left, chains)
        keep = (need > 0) if allowed is None else allowed[rows.owner]
        left = min(programme.SOLVE_SECONDS, programme.TIME_LIMIT_SECONDS - (time.monotonic() - clock))
        solution = programme.solve(model, a[keep], need[keep], rows.owner[keep], allowed, at_least, left, chains)
        if solution is None:
            return MixResult(scenario, result, False, Message("mix.no_solution", {
                "target": target.describe(), "seconds": float(programme.SOLVE_SECONDS)}), iterations)
        proven &= solution.proven
        sizes = programme.rounded(model, solution.sizes)
        scenario = Scenario(MIX_NAME, programme.mix_levers(model, sizes), notes)
        result = simulate(plan, scenario, baseline=base)
        if meets(result, plan, target):
            scenario, result = _prune(plan, target, scenario, result, base)
            reached = {"target": target.describe(), "cost": round(result.total_cost)}
            message = Message("mix.reached", reached) if proven else \
                Message("mix.reached_unproven", {**reached, "seconds": float(programme.SOLVE_SECONDS)})
            return MixResult(scenario, result, True, message, iterations, proven)
        if not _add_violated(model, rows, result, candidates, deadline, solution.chosen,
                             programme.capacity_cum(model, sizes)):
            break
    return MixResult(scenario, result, False, Message("mix.not_reached", {
        "target": target.describe(), "rounds": iterations}), iterations, proven)


def _add_violated(model: programme.MixModel, rows: programme.Rows, result: SimulationResult, candidates: np.ndarray,
                  deadline: np.ndarray, chosen: np.ndarray, capacity_cum: np.ndarray) -> bool:
    """For each chosen candidate the simulation still has late, the cover row of its most violated
    window; False when no new row was found (the rows already hold: nothing more to learn)."""
    late = result.orders.set_index(result.orders["mo_id"].astype(str)).loc[model.mo_id[candidates], "delay_days"]
    missed = np.flatnonzero(chosen & (late.fillna(1).to_numpy() > 0))
    added = False
    for index in missed.tolist():
        order = int(candidates[index])
        day = int(np.clip(deadline[index], 0, capacity_cum.shape[1] - 1))
        start, short = programme.most_violated(model, order, day, capacity_cum[model.shop[order]])
        if short > programme.MARGIN_HOURS:
            added |= rows.add(index, start)
    return added


def _prune(plan: Plan, target: Target, scenario: Scenario, result: SimulationResult,
           base: SimulationResult) -> tuple[Scenario, SimulationResult]:
    """Drop each lever, most expensive first, whose removal still meets the target; then try each
    remaining lever as the least subcontracting that still meets it (`_as_subcontract`, `_least`), kept
    when it costs less."""
    order = result.costs.sort_values("cost", ascending=False, kind="stable")["lever"].to_numpy() - 1
    kept = list(scenario.levers)
    for index in order.tolist():
        lever = scenario.levers[index]
        trial = Scenario(scenario.name, tuple(x for x in kept if x is not lever), scenario.notes)
        trial_result = simulate(plan, trial, baseline=base)
        if meets(trial_result, plan, target):
            kept, result = list(trial.levers), trial_result
    for index, lever in enumerate(list(kept)):
        swap = _as_subcontract(plan, lever)
        if swap is None:
            continue
        try:
            found = _least(plan, target, Scenario(scenario.name, (*kept[:index], swap, *kept[index + 1:]),
                                                  scenario.notes), index, base)
        except ScenarioError:  # subcontracted beside the mix's own subcontracting: over the weekly limit
            continue
        if found is not None and found[1].total_cost < result.total_cost - 1e-9:
            kept, result = list(found[0].levers), found[1]
    return Scenario(scenario.name, tuple(kept), scenario.notes), result


def _least(plan: Plan, target: Target, scenario: Scenario, index: int,
           base: SimulationResult) -> tuple[Scenario, SimulationResult] | None:
    """The subcontract lever `index` of `scenario` cut by bisection to the least hours that still meet
    the target (None when even its full size does not): subcontracting is paid on the hours used, and
    more capacity booked gets used sooner, so a smaller booking that still meets the target costs less."""
    lever = scenario.levers[index]
    assert isinstance(lever, Subcontract)

    def played(hours: float) -> tuple[Scenario, SimulationResult]:
        trial = Scenario(scenario.name, tuple(Subcontract(lever.workshop, lever.first_week, lever.last_week, hours)
                                              if i == index else x for i, x in enumerate(scenario.levers)),
                         scenario.notes)
        return trial, simulate(plan, trial, baseline=base)

    best = played(lever.hours_per_week)
    if not meets(best[1], plan, target):
        return None
    low, high = 0.0, lever.hours_per_week
    while high - low > SIZE_STEP:
        middle = math.ceil((low + high) / 2 / SIZE_STEP) * SIZE_STEP
        if middle >= high:
            break
        trial = played(middle)
        if meets(trial[1], plan, target):
            high, best = middle, trial
        else:
            low = middle
    return best


def _as_subcontract(plan: Plan, lever: Lever) -> Subcontract | None:
    """The same weekly hours subcontracted, at most the workshop's limit (a subcontract lever as it is;
    None for a workshop that cannot subcontract); the simulation says whether it still does the job.

    The programme prices subcontracting on the hours booked, while it is paid on the hours used: when
    the work runs out before the end of a week (an order due mid-week), booking costs more than it
    pays, and the programme may prefer overtime or temps that the simulation shows dearer."""
    if isinstance(lever, Subcontract):
        return lever
    shop = plan.parameters.loc[lever.workshop]
    hours = float(shop["headcount"] * lever_size(lever) * shop["efficiency"]) if isinstance(lever, Overtime) else \
        float(lever_size(lever) * shop["hours_per_week"] * shop["efficiency"] * shop["temp_productivity"])
    hours = min(math.ceil(hours * 100 - 1e-6) / 100, float(shop["subcontract_max_hours_per_week"]))
    if not hours > 0 or not float(shop["subcontract_cost_per_hour"]) >= 0:
        return None
    return Subcontract(lever.workshop, lever.first_week, lever.last_week, hours)
