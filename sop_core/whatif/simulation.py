"""What-if: overtime, temporary workers and subcontracting added to the finite-capacity projection.

Pure: frozen dataclasses in, a frozen result out; no store, no clock (`Plan.as_of` is given), no I/O.
A scenario is a list of levers; each adds capacity rows to the frame `production.daily_capacity`
builds (the engine sums rows of one workshop and day), then `production.project` and
`production.weekly_load` run on it unchanged, so every rule of the projection still holds and
"more capacity never makes any order later" carries over to every lever.

Rules of the levers (a lever covers the working days of the ISO weeks first_week..last_week, both
Mondays, inclusive, from as_of and within the horizon; paid and added hours follow those days, so a
week with a public holiday holds 4/5 of the weekly figures):
- overtime: headcount x hours_per_person / 5 x efficiency productive hours per working day; paid
  headcount x hours_per_person / 5 per working day at regular_cost_per_hour x (1 + overtime_premium).
- temps: from as_of + temp_lead_time_days (calendar days) on; headcount x hours_per_week / 5 x
  efficiency x temp_productivity productive hours per working day; paid headcount x hours_per_week / 5
  per working day at temp_cost_per_hour.
- subcontract: from as_of + subcontract_lead_time_days on; hours_per_week / 5 per working day of
  capacity, paid only for the hours used at subcontract_cost_per_hour.
Used hours: each workshop-day's scheduled hours fill the base capacity first, then the overtime
levers, then the temps, then the subcontract levers (scenario order within a kind). Subcontracted
hours are thus the scheduled hours beyond the internal capacity (base + overtime + temps), capped by
the subcontract capacity, and internal + subcontracted = scheduled, day by day.

Late days: the sum of the positive delays (working days); an order that cannot finish within the
horizon counts as if it finished on the first day after it (as_of + horizon_days), which is more
than any delay it could have inside the horizon, so adding capacity never raises the sum.

The levers, the scenario, the plan and their checks: `levers`; the JSON format: `scenario_json`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sop_core.production import (
    LINK_COLUMNS,
    RISK_COLUMNS,
    ROUGH_CUT_COLUMNS,
    Engine,
    by_week,
    holiday_calendar,
    lines_at_risk,
    rough_cut_table,
    weekly_table,
    weeks_span,
    working_days_between_many,
)
from sop_core.whatif.levers import (
    LEVER_KINDS,
    Lever,
    Overtime,
    Plan,
    Scenario,
    TempWorkers,
    lever_size,
    validate,
)

COST_COLUMNS = ("lever", "kind", "workshop", "first_week", "last_week", "weeks", "amount", "unit", "added_hours",
                "paid_hours", "used_hours", "cost")


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """A scenario played on a plan.

    `orders`: the projection (`production.PROJECTED_COLUMNS`); `load`: `production_load.weekly_load`
    plus base_capacity_hours, added_overtime_hours, added_temps_hours, added_subcontract_hours
    (capacity added, to stack on a chart) and subcontracted_hours (used); `costs`: one row per lever
    (`COST_COLUMNS`; `amount` is the lever's size in its `unit`: hours_per_person, headcount or
    hours_per_week); `lines`: the plan's customer lines with their risk (`exposure.RISK_COLUMNS`,
    empty when the plan has none); `rough_cut`: the plan's rough-cut load against the scenario's
    capacity (`exposure.ROUGH_CUT_COLUMNS`, empty when the plan has none); `added_by_month`: the
    productive hours the levers add, per workshop and month (workshop, month, hours; the PIC of the
    scenario plays on them). Hours are productive hours except paid_hours.
    """

    scenario: Scenario
    orders: pd.DataFrame
    load: pd.DataFrame
    costs: pd.DataFrame
    lines: pd.DataFrame
    rough_cut: pd.DataFrame
    total_cost: float
    scheduled_hours: float
    internal_hours: float
    subcontracted_hours: float
    late_days: int
    late_days_avoided: int
    cost_per_late_day_avoided: float | None
    red_orders: int
    orange_orders: int
    green_orders: int
    projected_on_time_rate: float | None
    lines_at_risk: int
    added_by_month: pd.DataFrame


# --- simulation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _LeverDays:
    """A lever's hours per day index from as_of (horizon long), on its workshop."""

    shop: int
    added: np.ndarray  # productive capacity added
    paid: np.ndarray  # paid hours (subcontract: capacity, paid only when used)
    rate: float  # cost per paid hour


def _lever_days(plan: Plan, shops: pd.DataFrame, names: list[str], lever: Lever, days: np.ndarray,
                working: np.ndarray) -> _LeverDays:
    shop = shops.loc[lever.workshop]
    first, last = np.datetime64(lever.first_week, "D"), np.datetime64(lever.last_week, "D") + 6
    covered = working & (days >= first) & (days <= last)
    size = lever_size(lever)
    if isinstance(lever, Overtime):
        paid = shop["headcount"] * size / 5
        added = paid * shop["efficiency"]
        rate = shop["regular_cost_per_hour"] * (1 + shop["overtime_premium"])
    elif isinstance(lever, TempWorkers):
        covered &= days >= np.datetime64(plan.as_of, "D") + math.ceil(shop["temp_lead_time_days"])
        paid = size * shop["hours_per_week"] / 5
        added = paid * shop["efficiency"] * shop["temp_productivity"]
        rate = shop["temp_cost_per_hour"]
    else:
        covered &= days >= np.datetime64(plan.as_of, "D") + math.ceil(shop["subcontract_lead_time_days"])
        paid = added = size / 5
        rate = shop["subcontract_cost_per_hour"]
    return _LeverDays(shop=names.index(lever.workshop), added=np.where(covered, float(added), 0.0),
                      paid=np.where(covered, float(paid), 0.0), rate=float(rate))


def _late_days(projected: pd.DataFrame, as_of: dt.date, horizon_days: int) -> int:
    """Sum of the positive delays; an order that cannot finish counts up to as_of + horizon_days."""
    delay = projected["delay_days"]
    finished = int(delay[delay.notna()].clip(lower=0).sum())
    stuck = projected.loc[delay.isna(), "planned_end"].to_numpy().astype("datetime64[D]")
    if not len(stuck):
        return finished
    beyond = np.datetime64(as_of + dt.timedelta(days=horizon_days), "D")
    calendar = holiday_calendar(min(stuck.min().item().year, as_of.year), beyond.item().year + 1)
    due = np.busday_offset(stuck, 0, roll="forward", busdaycal=calendar)
    end = np.busday_offset(beyond, 0, roll="forward", busdaycal=calendar)
    return finished + int(np.clip(working_days_between_many(due, end, calendar), 0, None).sum())


def _used(scenario: Scenario, levers: list[_LeverDays], extra: np.ndarray) -> list[np.ndarray]:
    """Hours each lever is used, day by day: `extra` (scheduled hours beyond the base capacity,
    workshops x days) fills overtime, temps, then subcontract capacity (scenario order within a kind)."""
    left = extra.copy()
    used = [np.zeros(extra.shape[1]) for _ in levers]
    for kind in LEVER_KINDS:
        for i, lever in enumerate(scenario.levers):
            if lever.kind == kind:
                used[i] = np.minimum(left[levers[i].shop], levers[i].added)
                left[levers[i].shop] -= used[i]
    return used


def _costs(scenario: Scenario, levers: list[_LeverDays], used: list[np.ndarray]) -> pd.DataFrame:
    rows = []
    for i, (lever, days_of) in enumerate(zip(scenario.levers, levers, strict=True)):
        paid = float(used[i].sum()) if lever.kind == "subcontract" else float(days_of.paid.sum())
        rows.append({"lever": i + 1, "kind": lever.kind, "workshop": lever.workshop, "first_week": lever.first_week,
                     "last_week": lever.last_week, "weeks": (lever.last_week - lever.first_week).days // 7 + 1,
                     "amount": lever_size(lever), "unit": lever.size_field,
                     "added_hours": float(days_of.added.sum()), "paid_hours": paid,
                     "used_hours": float(used[i].sum()), "cost": paid * days_of.rate})
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))


def _rough_cut(plan: Plan, engine: Engine) -> pd.DataFrame:
    """The plan's rough-cut load against `engine`'s capacity, over the months of the load."""
    if plan.rough_cut is None or plan.rough_cut.empty:
        return pd.DataFrame(columns=list(ROUGH_CUT_COLUMNS))
    end = (pd.to_datetime(plan.rough_cut["month"]).max() + pd.offsets.MonthBegin(1)).date()
    days = min((end - plan.as_of).days, engine.capacity.shape[1])
    capacity = pd.DataFrame({"workshop": np.repeat(np.array(engine.names, dtype=object), days),
                             "day": np.tile((engine.as_of + np.arange(days)).astype("datetime64[ns]"),
                                            len(engine.names)),
                             "hours": engine.capacity[:, :days].ravel()})
    return rough_cut_table(plan.rough_cut, capacity)


def _by_month(added: np.ndarray, engine: Engine) -> pd.DataFrame:
    """workshop, month, hours: the workshops x days matrix `added` summed by calendar month."""
    days = (engine.as_of + np.arange(added.shape[1])).astype("datetime64[M]").astype("datetime64[ns]")
    frame = pd.DataFrame({"workshop": np.repeat(np.array(engine.names, dtype=object), added.shape[1]),
                          "month": np.tile(days, len(engine.names)), "hours": added.ravel()})
    return frame[frame["hours"] > 0].groupby(["workshop", "month"], as_index=False)["hours"].sum()


def _lines(plan: Plan, projected: pd.DataFrame) -> pd.DataFrame:
    if plan.customer_lines is None:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    return lines_at_risk(plan.customer_lines[list(LINK_COLUMNS)], projected)


def simulate(plan: Plan, scenario: Scenario, baseline: SimulationResult | None = None,
             weeks: int = 26) -> SimulationResult:
    """Play `scenario` on `plan` (see the module docstring for the rules).

    `baseline` is the result of the empty scenario on the same plan, computed when not given (pass it
    when comparing several scenarios). `weeks` is the length of the weekly `load`.
    """
    validate(plan, scenario)
    span = weeks_span(plan.as_of, weeks)
    base = plan.engine(span)
    width, horizon = base.capacity.shape[1], plan.settings.horizon_days
    days = base.as_of + np.arange(width)
    working = np.is_busday(days, busdaycal=base.calendar) & (np.arange(width) < horizon)
    levers = [_lever_days(plan, plan.parameters, list(base.names), lever, days, working) for lever in scenario.levers]
    added = {kind: np.zeros_like(base.capacity) for kind in LEVER_KINDS}
    for lever, days_of in zip(scenario.levers, levers, strict=True):
        added[lever.kind][days_of.shop] += days_of.added
    engine = base.with_capacity(base.capacity + sum(added.values())) if levers else base
    projected = engine.project()
    scheduled = engine.scheduled()
    used = _used(scenario, levers, np.maximum(scheduled - base.capacity, 0.0))
    costs = _costs(scenario, levers, used)
    subcontracted = np.zeros_like(base.capacity)
    for lever, days_of, hours in zip(scenario.levers, levers, used, strict=True):
        if lever.kind == "subcontract":
            subcontracted[days_of.shop] += hours

    load = weekly_table(engine, weeks, projected, scheduled)
    offset = plan.as_of.weekday()
    matrices = [("base_capacity_hours", base.capacity), *((f"added_{k}_hours", added[k]) for k in LEVER_KINDS),
                ("subcontracted_hours", subcontracted)]
    for column, matrix in matrices:
        load[column] = by_week(matrix[:, :span], offset).ravel()

    late_days = _late_days(projected, plan.as_of, horizon)
    if not scenario.levers:
        avoided = 0
    else:
        reference = baseline if baseline is not None else simulate(plan, Scenario("baseline"), weeks=weeks)
        avoided = reference.late_days - late_days
    total_cost = float(costs["cost"].sum())
    counts = projected["status"].value_counts()
    delay = projected["delay_days"]
    lines = _lines(plan, projected)
    return SimulationResult(
        scenario=scenario, orders=projected, load=load, costs=costs, lines=lines,
        rough_cut=_rough_cut(plan, engine), total_cost=total_cost,
        scheduled_hours=float(scheduled.sum()), internal_hours=float(scheduled.sum() - subcontracted.sum()),
        subcontracted_hours=float(subcontracted.sum()), late_days=late_days, late_days_avoided=avoided,
        cost_per_late_day_avoided=total_cost / avoided if avoided > 0 else None,
        red_orders=int(counts.get("red", 0)), orange_orders=int(counts.get("orange", 0)),
        green_orders=int(counts.get("green", 0)),
        projected_on_time_rate=float((delay.fillna(1) <= 0).mean()) if len(projected) else None,
        lines_at_risk=int(lines["at_risk"].sum()),
        added_by_month=_by_month(sum(added.values(), np.zeros_like(base.capacity)), base),
    )


def compare(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """One row per result, side by side: scenario, total_cost, late_days, late_days_avoided,
    cost_per_late_day_avoided, red/orange/green orders, projected_on_time_rate, lines_at_risk,
    subcontracted_hours."""
    columns = ("total_cost", "late_days", "late_days_avoided", "cost_per_late_day_avoided", "red_orders",
               "orange_orders", "green_orders", "projected_on_time_rate", "lines_at_risk", "subcontracted_hours")
    records: list[dict[str, Any]] = [
        {"scenario": r.scenario.name, **{c: getattr(r, c) for c in columns}} for r in results]
    return pd.DataFrame(records, columns=["scenario", *columns])
