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

The scenario's JSON format: `scenario_json`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from sop_core.common import Message, MessageError
from sop_core.data import DERIVED_DEFAULTS, WORKSHOPS
from sop_core.production import (
    DEFAULT_SETTINGS,
    EPS,
    LINK_COLUMNS,
    RISK_COLUMNS,
    ROUGH_CUT_COLUMNS,
    Engine,
    ProductionSettings,
    by_week,
    daily_capacity,
    holiday_calendar,
    lines_at_risk,
    prepare,
    rough_cut_table,
    week_start,
    weekly_table,
    weeks_span,
    working_days_between_many,
)

LEGAL_MAX_HOURS_PER_WEEK = 48.0  # Code du travail L3121-20: no one works more than 48 h in a week
JSON_VERSION = 1
LeverKind = Literal["overtime", "temps", "subcontract"]
KINDS: tuple[LeverKind, ...] = ("overtime", "temps", "subcontract")
COST_COLUMNS = ("lever", "kind", "workshop", "first_week", "last_week", "weeks", "added_hours", "paid_hours",
                "used_hours", "cost")
# Workshop columns the levers read, with the contract's default for an empty cell.
LEVER_DEFAULTS: dict[str, float] = {
    c.name: c.default for c in WORKSHOPS.columns
    if c.default is not None and c.name not in ("tolerance_days",)
}


class ScenarioError(MessageError):
    """A scenario that cannot be simulated: its `Message` names the lever, the field and the fix."""


def scenario_error(problem: str, where: Message | str | None = None, **params: Any) -> ScenarioError:
    """The error `scenario.error.<problem>`, after what it is about (a lever, a file) when given."""
    message = Message(f"scenario.error.{problem}", params)
    return ScenarioError(message if where is None else Message("scenario.error.at", {"where": where,
                                                                                      "problem": message}))


@dataclass(frozen=True)
class _LeverSpan:
    """What every lever has: the workshop and the ISO weeks (Mondays, both included) it covers."""

    workshop: str
    first_week: dt.date
    last_week: dt.date


@dataclass(frozen=True)
class Overtime(_LeverSpan):
    """Extra hours per person per week for every person of the workshop."""

    hours_per_person: float
    kind: LeverKind = field(default="overtime", init=False)
    size_field = "hours_per_person"


@dataclass(frozen=True)
class TempWorkers(_LeverSpan):
    """Temporary workers on the workshop's weekly hours, at temp_productivity of a regular person."""

    headcount: float
    kind: LeverKind = field(default="temps", init=False)
    size_field = "headcount"


@dataclass(frozen=True)
class Subcontract(_LeverSpan):
    """Hours of the workshop's work a subcontractor can take each week (paid only when used)."""

    hours_per_week: float
    kind: LeverKind = field(default="subcontract", init=False)
    size_field = "hours_per_week"


Lever = Overtime | TempWorkers | Subcontract
LEVER_CLASSES: dict[str, type[Overtime] | type[TempWorkers] | type[Subcontract]] = {
    "overtime": Overtime, "temps": TempWorkers, "subcontract": Subcontract}


def lever_size(lever: Lever) -> float:
    """The lever's size: hours per person, headcount or hours per week."""
    return float(getattr(lever, lever.size_field))


def lever_limit(plan: Plan, lever: Lever) -> float:
    """The largest size the lever's workshop allows (overtime: also the legal 48 h a week)."""
    shop = plan.parameters.loc[lever.workshop]
    if isinstance(lever, Overtime):
        return max(min(float(shop["overtime_max_hours_per_person_week"]),
                       LEGAL_MAX_HOURS_PER_WEEK - float(shop["hours_per_week"])), 0.0)
    return float(shop["temp_max_headcount" if isinstance(lever, TempWorkers) else "subcontract_max_hours_per_week"])


@dataclass(frozen=True)
class Scenario:
    """A named set of levers; the empty scenario is the baseline."""

    name: str
    levers: tuple[Lever, ...] = ()
    notes: str = ""


@dataclass(frozen=True, eq=False)
class Plan:
    """What the scenarios are played against: the open orders (the engine's columns, see
    `production.project`) and the workshops (headcount, hours_per_week, efficiency,
    regular_cost_per_hour and the optional lever columns of `contract.WORKSHOPS`); optionally the
    customer lines each OF serves (`exposure.LINK_COLUMNS`) and the rough-cut load of the months
    ahead (`exposure.ROUGH_CUT_LOAD_COLUMNS`).

    The orders are checked once per plan and kept (`engine`): do not change its frames afterwards.
    """

    as_of: dt.date
    orders: pd.DataFrame
    workshops: pd.DataFrame
    settings: ProductionSettings = DEFAULT_SETTINGS
    customer_lines: pd.DataFrame | None = None
    rough_cut: pd.DataFrame | None = None

    @cached_property
    def parameters(self) -> pd.DataFrame:
        """`workshop_parameters` of the workshops."""
        return workshop_parameters(self.workshops)

    @cached_property
    def _engines(self) -> dict[int, Engine]:
        return {}

    def engine(self, days: int) -> Engine:
        """The orders against the workshops' own capacity over max(horizon, `days`) days."""
        if days not in self._engines:
            shops = self.parameters
            tolerances = None
            if "tolerance_days" in shops.columns:
                known = shops["tolerance_days"].notna()
                tolerances = dict(zip(shops.loc[known, "workshop"], shops.loc[known, "tolerance_days"], strict=True))
            width = max(self.settings.horizon_days, days)
            capacity = daily_capacity(shops.reset_index(drop=True), self.as_of, width)
            self._engines[days] = prepare(self.orders, capacity, self.as_of, self.settings, tolerances, days)
        return self._engines[days]


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """A scenario played on a plan.

    `orders`: the projection (`production.PROJECTED_COLUMNS`); `load`: `production_load.weekly_load`
    plus base_capacity_hours, added_overtime_hours, added_temps_hours, added_subcontract_hours
    (capacity added, to stack on a chart) and subcontracted_hours (used); `costs`: one row per lever
    (`COST_COLUMNS`); `lines`: the plan's customer lines with their risk (`exposure.RISK_COLUMNS`,
    empty when the plan has none); `rough_cut`: the plan's rough-cut load against the scenario's
    capacity (`exposure.ROUGH_CUT_COLUMNS`, empty when the plan has none). Hours are productive
    hours except paid_hours.
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


# --- workshops and validation ----------------------------------------------------------------

def workshop_parameters(workshops: pd.DataFrame) -> pd.DataFrame:
    """The workshops indexed by name, lever columns added when absent and empty cells filled with
    the contract's defaults (temp cost = regular x 1.4, subcontract cost = regular x 1.8)."""
    frame = workshops.copy()
    frame["workshop"] = frame["workshop"].astype(str)
    for column in ("regular_cost_per_hour", *LEVER_DEFAULTS, *DERIVED_DEFAULTS["workshops"]):
        if column not in frame.columns:
            frame[column] = np.nan
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame = frame.fillna({column: default for column, default in LEVER_DEFAULTS.items()})
    for column, (source, factor) in DERIVED_DEFAULTS["workshops"].items():
        frame[column] = frame[column].fillna(frame[source] * factor)
    return frame.set_index("workshop", drop=False)


def lever_name(index: int, kind: str, workshop: object) -> Message:
    """"lever 2 (overtime, INJECTION)": the lever's number from 1, its kind in words and its workshop."""
    return Message("scenario.lever", {"n": index + 1, "workshop": str(workshop),
                                      "kind": Message(f"whatif.kind.{kind}") if kind in LEVER_CLASSES else kind})


def field_term(name: str) -> Message:
    """A lever's field as the messages name it: its JSON name in English, words in French."""
    return Message(f"scenario.field.{name}")


def is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _is_day(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _check_lever(plan: Plan, shops: pd.DataFrame, index: int, lever: object) -> None:
    if not isinstance(lever, Overtime | TempWorkers | Subcontract):
        where = lever_name(index, type(lever).__name__, getattr(lever, "workshop", "?"))
        raise scenario_error("not_a_lever", where, type=type(lever).__name__)
    where = lever_name(index, lever.kind, lever.workshop)
    if lever.workshop not in shops.index:
        raise scenario_error("unknown_workshop", where, workshop=lever.workshop,
                             workshops=list(map(str, shops.index)) or Message("scenario.none"))
    _check_weeks(plan, where, lever)
    size = getattr(lever, lever.size_field)
    if not is_number(size) or size < 0:
        raise scenario_error("bad_size", where, field=field_term(lever.size_field), value=repr(size))
    _check_size(shops.loc[lever.workshop], where, lever, float(size))


def _check_weeks(plan: Plan, where: Message, lever: Lever) -> None:
    """Mondays, in order, from the as-of week and within the horizon."""
    for name in ("first_week", "last_week"):
        day = getattr(lever, name)
        if not _is_day(day):
            raise scenario_error("week_not_a_date", where, field=field_term(name), value=repr(day))
        if day.weekday() != 0:
            raise scenario_error("not_monday", where, field=field_term(name), day=day, monday=week_start(day),
                                 weekday=Message(f"scenario.weekday.{day.weekday()}"))
    if lever.first_week > lever.last_week:
        raise scenario_error("first_after_last", where, first=lever.first_week, last=lever.last_week)
    first_allowed = week_start(plan.as_of)
    if lever.first_week < first_allowed:
        raise scenario_error("before_as_of", where, first=lever.first_week, earliest=first_allowed)
    horizon_end = plan.as_of + dt.timedelta(days=plan.settings.horizon_days)
    if lever.last_week >= horizon_end:
        raise scenario_error("beyond_horizon", where, last=lever.last_week, days=plan.settings.horizon_days,
                             end=horizon_end, latest=week_start(horizon_end - dt.timedelta(days=1)))


def _check_size(shop: pd.Series, where: Message, lever: Lever, size: float) -> None:
    """Within the workshop's limits (and the legal week for overtime), with a cost per hour to pay it."""
    if isinstance(lever, Overtime):
        most = float(shop["overtime_max_hours_per_person_week"])
        if size > most + EPS:
            raise scenario_error("overtime_above_max", where, size=size, most=most)
        weekly = float(shop["hours_per_week"])
        if weekly + size > LEGAL_MAX_HOURS_PER_WEEK + EPS:
            raise scenario_error("overtime_above_legal", where, size=size, weekly=weekly, total=weekly + size,
                                 legal=LEGAL_MAX_HOURS_PER_WEEK, most=max(LEGAL_MAX_HOURS_PER_WEEK - weekly, 0))
        rate = "regular_cost_per_hour"
    elif isinstance(lever, TempWorkers):
        most = float(shop["temp_max_headcount"])
        if size > most + EPS:
            raise scenario_error("temps_above_max", where, size=size, most=most)
        rate = "temp_cost_per_hour"
    else:
        most = float(shop["subcontract_max_hours_per_week"])
        if size > most + EPS:
            raise scenario_error("subcontract_above_max", where, size=size, most=most)
        rate = "subcontract_cost_per_hour"
    if not float(shop[rate]) >= 0:
        raise scenario_error("no_rate", where, rate=rate)


def validate(plan: Plan, scenario: Scenario) -> None:
    """Refuse a scenario that cannot be played on `plan` with a `ScenarioError` naming the lever
    (number from 1 and kind), the field and the fix."""
    if not isinstance(scenario.levers, tuple):
        raise scenario_error("levers_not_tuple", name=scenario.name, type=type(scenario.levers).__name__)
    shops = workshop_parameters(plan.workshops)
    for index, lever in enumerate(scenario.levers):
        _check_lever(plan, shops, index, lever)


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
    for kind in KINDS:
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
    added = {kind: np.zeros_like(base.capacity) for kind in KINDS}
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
    for column, matrix in [("base_capacity_hours", base.capacity), *((f"added_{k}_hours", added[k]) for k in KINDS),
                           ("subcontracted_hours", subcontracted)]:
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
