"""The cheapest mix: the least-cost levers (overtime, temps, subcontract) that reach a delivery target.

Pure, like `simulation`: a plan and a target in, a scenario and its simulated result out.

Target: no red order (no order red for its delay: above its tolerance or unable to finish; orders already
past their planned end at as_of are red whatever the levers and are left out), or an on-time rate of at
least X (share of the counted orders with delay_days <= 0; an order that cannot finish is late); with
`by_week`, only the orders due (planned_end) by the Sunday of that week are counted.

Formulation (a mixed-integer programme solved by HiGHS through `scipy.optimize.milp`):
- variables per workshop w and ISO week k, from the as-of week to the week of the last deadline the
  target needs: overtime hours per person o[w,k] in 0..min(overtime_max_hours_per_person_week, 48 -
  hours_per_week), temps t[w,k] integer in 0..temp_max_headcount, subcontract hours s[w,k] in
  0..subcontract_max_hours_per_week. A lever works the working days of its week from as_of (temps and
  subcontract from their lead time on), so each variable adds a fixed productive capacity per covered
  working day (the formulas of `simulation`) and costs a fixed amount per covered working day.
- deadline of an order: its planned end rolled to a working day (on-time), plus its workshop's
  tolerance in working days ("no red"); capped at the horizon's last day.
- cover (the earliest-due-date condition): the projection serves each workshop's orders in due-date
  order, so an order meets its deadline D only if the workshop's capacity from as_of through D covers the
  remaining hours of the order and of every order served before it (the prefix). Capacity being
  cumulative per day, the condition is written per day with the weekly variables: base capacity through D
  + sum over weeks of (covered working days of the week up to D) x (capacity per day of the variable)
  >= prefix hours. It is exact when every order is released at as_of and only necessary when planned
  starts hold orders back, hence the check below.
- "no red": every counted order needs its cover. On-time rate: a binary z[i] per counted order late in
  the baseline (orders on time in the baseline stay on time, more capacity never makes an order later),
  cover >= need x z[i], and sum z >= the orders missing to the rate.
- objective: the paid cost of `simulation` (overtime at regular x (1 + premium), temps at
  temp_cost_per_hour on their weekly hours, subcontract at subcontract_cost_per_hour on the capacity
  booked, an upper bound of the hours it will use).
Then the answer is simulated; orders the daily projection still misses get their deadline moved one week
(5 working days) earlier and the programme is solved again (`MAX_ITERATIONS` rounds at most). Last, each
lever, most expensive first, is dropped when the target is still met without it, so the mix is not
padded. Sizes are rounded up (hundredths of an hour, whole temps), which only adds capacity.
Limit: with an on-time rate over hundreds of late orders the binaries make HiGHS slow; it stops after
`TIME_LIMIT_SECONDS` with the best mix found so far, which is then not proven the cheapest.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from sop_core.simulation import (
    KINDS,
    LEGAL_MAX_HOURS_PER_WEEK,
    Lever,
    Overtime,
    Plan,
    Scenario,
    SimulationResult,
    Subcontract,
    TempWorkers,
    simulate,
    workshop_parameters,
)
from sop_core.workcalendar import holiday_calendar, iso_week_label, week_start

MIX_NAME = "Cheapest mix"
MAX_ITERATIONS = 5
MARGIN_HOURS = 1e-6  # asked on top of each cover (the projection's own EPS absorbs float noise)
TIME_LIMIT_SECONDS = 20.0  # HiGHS then keeps its best mix, not proven cheapest (on-time rate, many binaries)
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
            raise ValueError(f"on_time_rate is a share of the orders, above 0 and at most 1, not {rate!r}: "
                             "write 0.95 for 95 %")
        if self.by_week is not None and (not isinstance(self.by_week, dt.date) or isinstance(self.by_week, dt.datetime)
                                         or self.by_week.weekday() != 0):
            raise ValueError(f"by_week {self.by_week!r} is not a Monday; give the Monday of the week")

    def describe(self) -> str:
        what = "no red order" if self.on_time_rate is None else f"on-time rate at least {self.on_time_rate:.0%}"
        return what + (f" among the orders due by {iso_week_label(self.by_week)}" if self.by_week else "")


@dataclass(frozen=True, eq=False)
class MixResult:
    """The cheapest scenario found, its simulation, whether it meets the target and why not."""

    scenario: Scenario
    result: SimulationResult
    reached: bool
    message: str
    iterations: int


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


# --- the programme ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Model:
    """Data of the programme: orders in service order, capacities per day, lever coefficients."""

    as_of: dt.date
    names: list[str]
    mondays: list[dt.date]
    mo_id: np.ndarray
    shop: np.ndarray  # workshop index per order
    prefix: np.ndarray  # hours of the order and of those served before it in its workshop
    due: np.ndarray  # day index of the rolled planned end (may be < 0 or >= horizon)
    slack: np.ndarray  # day index of the rolled planned end + tolerance
    base_cum: np.ndarray  # workshops x days, cumulative base capacity
    covered_cum: np.ndarray  # kinds x workshops x weeks x days: covered working days of week k up to day d
    per_day: np.ndarray  # kinds x workshops: productive hours per covered day per unit of the variable
    cost: np.ndarray  # kinds x workshops x weeks: cost per unit of the variable
    upper: np.ndarray  # kinds x workshops: size limit


def _model(plan: Plan) -> _Model:
    shops = workshop_parameters(plan.workshops)
    names = sorted(shops.index)
    shops = shops.loc[names]
    horizon = plan.settings.horizon_days
    today = np.datetime64(plan.as_of, "D")
    days = today + np.arange(horizon)
    calendar = holiday_calendar(plan.as_of.year, (plan.as_of + dt.timedelta(days=horizon)).year + 1)
    working = np.is_busday(days, busdaycal=calendar)
    offset = plan.as_of.weekday()
    weeks = (horizon - 1 + offset) // 7 + 1
    mondays = [week_start(plan.as_of) + dt.timedelta(weeks=k) for k in range(weeks)]
    week_of = (np.arange(horizon) + offset) // 7

    frame = plan.orders.copy()
    frame["workshop"] = frame["workshop"].astype(str)
    frame["priority"] = pd.to_numeric(frame["priority"], errors="coerce") if "priority" in frame else np.nan
    frame["end"] = pd.to_datetime(frame["planned_end"]).to_numpy().astype("datetime64[D]")
    frame["mo"] = frame["mo_id"].astype(str)
    frame = frame.sort_values(["workshop", "end", "priority", "mo"], na_position="last")
    hours = pd.to_numeric(frame["remaining_hours"]).to_numpy(dtype=float)
    shop = np.searchsorted(np.array(names), frame["workshop"].to_numpy().astype(str))
    prefix = pd.Series(hours).groupby(shop).cumsum().to_numpy()
    end = np.asarray(frame["end"].to_numpy().astype("datetime64[D]"))
    big = holiday_calendar(min(plan.as_of.year, end.min().item().year) if len(end) else plan.as_of.year,
                           max(plan.as_of.year + horizon // 365 + 2, end.max().item().year + 2 if len(end) else 0))
    rolled = np.busday_offset(end, 0, roll="forward", busdaycal=big)
    tolerance = shops["tolerance_days"].fillna(plan.settings.tolerance_days).to_numpy() \
        if "tolerance_days" in shops else np.full(len(names), float(plan.settings.tolerance_days))
    late_ok = np.busday_offset(rolled, tolerance[shop].astype(np.int64), roll="forward", busdaycal=big)

    base_day = (shops["headcount"] * shops["hours_per_week"] / 5 * shops["efficiency"]).to_numpy()
    base_cum = np.cumsum(np.outer(base_day, working), axis=1)
    leads = {"overtime": np.zeros(len(names)), "temps": np.ceil(shops["temp_lead_time_days"].to_numpy()),
             "subcontract": np.ceil(shops["subcontract_lead_time_days"].to_numpy())}
    covered_cum = np.zeros((len(KINDS), len(names), weeks, horizon))
    for kind_index, kind in enumerate(KINDS):
        for w in range(len(names)):
            covered = working & (np.arange(horizon) >= leads[kind][w])
            one_hot = np.zeros((weeks, horizon))
            one_hot[week_of[covered], np.flatnonzero(covered)] = 1.0
            covered_cum[kind_index, w] = np.cumsum(one_hot, axis=1)
    paid_day = np.stack([(shops["headcount"] / 5).to_numpy(), (shops["hours_per_week"] / 5).to_numpy(),
                         np.full(len(names), 0.2)])
    rate = np.stack([(shops["regular_cost_per_hour"] * (1 + shops["overtime_premium"])).to_numpy(),
                     shops["temp_cost_per_hour"].to_numpy(), shops["subcontract_cost_per_hour"].to_numpy()])
    per_day = np.stack([paid_day[0] * shops["efficiency"].to_numpy(),
                        paid_day[1] * (shops["efficiency"] * shops["temp_productivity"]).to_numpy(), paid_day[2]])
    days_per_week = covered_cum[:, :, :, -1]
    upper = np.stack([
        np.clip(np.minimum(shops["overtime_max_hours_per_person_week"].to_numpy(),
                           LEGAL_MAX_HOURS_PER_WEEK - shops["hours_per_week"].to_numpy()), 0, None),
        np.floor(shops["temp_max_headcount"].to_numpy() + 1e-9), shops["subcontract_max_hours_per_week"].to_numpy()])
    upper = np.where(rate >= 0, upper, 0.0)  # no cost known: the lever cannot be played
    return _Model(as_of=plan.as_of, names=names, mondays=mondays, mo_id=frame["mo"].to_numpy(), shop=shop,
                  prefix=prefix,
                  due=(rolled - today).astype(np.int64), slack=(late_ok - today).astype(np.int64),
                  base_cum=base_cum, covered_cum=covered_cum, per_day=per_day,
                  cost=days_per_week * (paid_day * np.nan_to_num(rate))[:, :, None], upper=upper)


def _rows(model: _Model, index: np.ndarray, deadline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cover coefficients (rows x variables, variables kinds x workshops x weeks) and the hours needed."""
    kinds, shops, weeks, _ = model.covered_cum.shape
    day = np.clip(deadline, 0, model.base_cum.shape[1] - 1)
    coefficients = np.zeros((len(index), kinds, shops, weeks))
    for kind in range(kinds):
        coefficients[np.arange(len(index)), kind, model.shop[index]] = \
            model.covered_cum[kind, model.shop[index], :, day] * model.per_day[kind, model.shop[index]][:, None]
    need = model.prefix[index] - model.base_cum[model.shop[index], day] + MARGIN_HOURS
    return coefficients.reshape(len(index), -1), need


def _solve(model: _Model, a: np.ndarray, need: np.ndarray, optional: np.ndarray,
           at_least: int) -> np.ndarray | None:
    """Least-cost variables meeting the covers (rows in `optional` only when their binary is 1 and at least
    `at_least` of those binaries are 1); None when infeasible."""
    upper = np.broadcast_to(model.upper[:, :, None], model.cost.shape).copy()
    upper[model.cost <= 0] = 0.0  # a week with no covered day
    n, m = upper.size, int(optional.sum())
    integrality = np.broadcast_to(np.array([0, 1, 0])[:, None, None], model.cost.shape).ravel()
    matrix = np.hstack([a, np.zeros((len(need), m))])
    matrix[np.flatnonzero(optional), n + np.arange(m)] = -need[optional]
    lower_rows = np.where(optional, 0.0, need)
    constraints = [LinearConstraint(csr_matrix(matrix), lower_rows, np.inf)]
    if m:
        count = np.zeros(n + m)
        count[n:] = 1.0
        constraints.append(LinearConstraint(count, at_least, np.inf))
    solution = milp(np.concatenate([model.cost.ravel(), np.zeros(m)]), constraints=constraints,
                    integrality=np.concatenate([integrality, np.ones(m)]),
                    bounds=Bounds(np.zeros(n + m), np.concatenate([upper.ravel(), np.ones(m)])),
                    options={"time_limit": TIME_LIMIT_SECONDS})
    if solution.x is None:
        return None
    return np.asarray(solution.x[:n]).reshape(model.cost.shape)


def _levers(model: _Model, sizes: np.ndarray) -> tuple[Lever, ...]:
    """One lever per workshop, kind and run of consecutive weeks of the same (rounded-up) size."""
    rounded = np.where(np.array([0, 1, 0])[:, None, None] == 1, np.ceil(sizes - 1e-6),
                       np.ceil(sizes * 100 - 1e-3) / 100)
    rounded = np.minimum(rounded, model.upper[:, :, None])
    classes = (Overtime, TempWorkers, Subcontract)
    levers: list[Lever] = []
    for kind, shop in np.ndindex(*rounded.shape[:2]):
        row = rounded[kind, shop]
        k = 0
        while k < len(row):
            if row[k] <= 0:
                k += 1
                continue
            last = k
            while last + 1 < len(row) and row[last + 1] == row[k]:
                last += 1
            levers.append(classes[kind](model.names[shop], model.mondays[k], model.mondays[last], float(row[k])))
            k = last + 1
    return tuple(levers)


# --- the search ------------------------------------------------------------------------------------

def _unreachable(model: _Model, index: np.ndarray, shortfall: np.ndarray, deadline: np.ndarray) -> str:
    """Per workshop, the largest shortfall: 'INJECTION needs 120 h more by W49 than all levers can add'."""
    parts = []
    for shop in sorted(set(model.shop[index].tolist())):
        mine = np.flatnonzero(model.shop[index] == shop)
        worst = mine[np.argmax(shortfall[mine])]
        week = model.as_of + dt.timedelta(days=int(max(deadline[worst], 0)))
        fields = [_RAISE[kind] for k, kind in enumerate(KINDS) if model.upper[k, shop] <= 0] or list(_RAISE.values())
        parts.append(f"{model.names[shop]} needs {math.ceil(shortfall[worst]):g} h more by "
                     f"{iso_week_label(week)} than all levers can add: raise "
                     f"{', '.join(fields[:-1]) + ' or ' + fields[-1] if len(fields) > 1 else fields[0]}"
                     " (or shorten the lead times)")
    return "; ".join(parts)


def cheapest_mix(plan: Plan, target: Target, baseline: SimulationResult | None = None) -> MixResult:
    """The least-cost levers that meet `target` on `plan`, simulated (see the module docstring).

    `baseline` is the empty scenario's result on the same plan, computed when not given. When the target
    cannot be met, `reached` is False and `message` says which workshop lacks how many hours by when.
    """
    base = baseline if baseline is not None else simulate(plan, Scenario("baseline"))
    notes = f"Target: {target.describe()}."
    empty = Scenario(MIX_NAME, (), notes)
    if meets(base, plan, target):
        return MixResult(empty, simulate(plan, empty, baseline=base), True,
                         "the baseline already meets the target: no lever needed", 0)
    model = _model(plan)
    counted = _counted(pd.DataFrame({"planned_end": plan.orders.set_index(plan.orders["mo_id"].astype(str))
                                     .loc[model.mo_id, "planned_end"].to_numpy()}), plan, target)
    late_now = set(base.orders.loc[base.orders["delay_days"].fillna(1) > 0, "mo_id"].astype(str))
    if target.on_time_rate is None:
        candidates = np.flatnonzero(counted)
        deadline = model.slack[candidates].copy()
        optional = np.zeros(len(candidates), dtype=bool)
        at_least = 0
    else:
        already = int(counted.sum()) - len(late_now & set(model.mo_id[counted]))
        at_least = _required_on_time(int(counted.sum()), target.on_time_rate) - already
        candidates = np.flatnonzero(counted & np.isin(model.mo_id, list(late_now)) & (model.due >= 0))
        deadline = model.due[candidates].copy()
        optional = np.ones(len(candidates), dtype=bool)

    iterations, scenario, result = 0, empty, base
    while iterations < MAX_ITERATIONS:
        iterations += 1
        a, need = _rows(model, candidates, deadline)
        most = a @ np.broadcast_to(model.upper[:, :, None], model.cost.shape).ravel()
        short = need > most + 1e-9
        if target.on_time_rate is None and short.any():
            message = (f"the target ({target.describe()}) cannot be reached: "
                       f"{_unreachable(model, candidates[short], (need - most)[short], deadline[short])}")
            return MixResult(scenario, result, False, message, iterations)
        keep = ~(optional & short) & ((need > 0) | optional)
        if target.on_time_rate is not None and int((keep & optional).sum()) < at_least:
            hopeless = optional & short
            message = (f"the target ({target.describe()}) cannot be reached: {at_least} more orders must be on time, "
                       f"at most {int((~short).sum())} can be"
                       + (f"; {_unreachable(model, candidates[hopeless], (need - most)[hopeless], deadline[hopeless])}"
                          if hopeless.any() else ""))
            return MixResult(scenario, result, False, message, iterations)
        sizes = _solve(model, a[keep], need[keep], optional[keep], at_least)
        if sizes is None:
            return MixResult(scenario, result, False, f"the target ({target.describe()}) was not reached: the "
                             f"programme has no solution after moving deadlines earlier {iterations - 1} time(s)",
                             iterations)
        scenario = Scenario(MIX_NAME, _levers(model, sizes), notes)
        result = simulate(plan, scenario, baseline=base)
        if meets(result, plan, target):
            scenario, result = _prune(plan, target, scenario, result, base)
            return MixResult(scenario, result, True, f"{target.describe()} reached for "
                             f"{result.total_cost:,.0f} EUR", iterations)
        missed = _missed(result, model, candidates, target)
        if not missed.any():
            break
        deadline[missed] = np.maximum(deadline[missed] - 7, 0)  # one week (5 working days) earlier
    return MixResult(scenario, result, False, f"the target ({target.describe()}) was not reached after "
                     f"{iterations} rounds: the daily schedule (planned starts) needs more than the weekly covers",
                     iterations)


def _missed(result: SimulationResult, model: _Model, candidates: np.ndarray, target: Target) -> np.ndarray:
    """Candidates the simulation still has red (no red) or late (on-time rate)."""
    projected = result.orders.set_index(result.orders["mo_id"].astype(str)).loc[model.mo_id[candidates]]
    if target.on_time_rate is None:
        return np.asarray((projected["status"] == "red").to_numpy())
    return np.asarray((projected["delay_days"].fillna(1) > 0).to_numpy())


def _prune(plan: Plan, target: Target, scenario: Scenario, result: SimulationResult,
           base: SimulationResult) -> tuple[Scenario, SimulationResult]:
    """Drop each lever, most expensive first, whose removal still meets the target."""
    order = result.costs.sort_values("cost", ascending=False, kind="stable")["lever"].to_numpy() - 1
    kept = list(scenario.levers)
    for index in order.tolist():
        lever = scenario.levers[index]
        trial = Scenario(scenario.name, tuple(x for x in kept if x is not lever), scenario.notes)
        trial_result = simulate(plan, trial, baseline=base)
        if meets(trial_result, plan, target):
            kept, result = list(trial.levers), trial_result
    return Scenario(scenario.name, tuple(kept), scenario.notes), result
