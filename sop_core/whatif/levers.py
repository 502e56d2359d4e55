"""What-if scenarios as values: the levers (overtime, temps, subcontracting), a scenario (a named set
of levers), the plan they are played on, and the checks a scenario passes before it is played.

A scenario is checked once, where it enters (`validate`, which `scenario_json` and the pages call
when they read one); `simulation.simulate` then plays it. The rules of the levers are in
`simulation`'s docstring.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from sop_core.common import Message, MessageError
from sop_core.data import DERIVED_DEFAULTS, WORKSHOPS
from sop_core.plan import DemandChange
from sop_core.production import (
    DEFAULT_SETTINGS,
    EPS,
    Engine,
    ProductionSettings,
    daily_capacity,
    prepare,
    week_start,
)

LEGAL_MAX_HOURS_PER_WEEK = 48.0  # Code du travail L3121-20: no one works more than 48 h in a week
JSON_VERSION = 1
LeverKind = Literal["overtime", "temps", "subcontract"]
LEVER_KINDS: tuple[LeverKind, ...] = ("overtime", "temps", "subcontract")
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
    """A named set of levers and of demand changes (a promotion, a lost customer: `plan.DemandChange`,
    played on the PIC); the empty scenario is the baseline."""

    name: str
    levers: tuple[Lever, ...] = ()
    notes: str = ""
    demand: tuple[DemandChange, ...] = ()


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


MAX_LEVERS = 200  # a plant's scenario holds a few dozen; thousands are a pasted file, not a plan


def _check_totals(plan: Plan, levers: tuple[Lever, ...]) -> None:
    """The workshop's limits hold for the levers of one kind together, week by week: two 6 h overtime
    levers on the same weeks are 12 h a person, refused where the limit is 6 h."""
    totals: dict[tuple[str, str, dt.date], tuple[float, list[int]]] = {}
    for index, lever in enumerate(levers):
        week = lever.first_week
        while week <= lever.last_week:
            size, which = totals.get((lever.workshop, lever.kind, week), (0.0, []))
            totals[(lever.workshop, lever.kind, week)] = (size + lever_size(lever), [*which, index])
            week += dt.timedelta(weeks=1)
    for (workshop, kind, week), (size, which) in sorted(totals.items()):
        most = lever_limit(plan, levers[which[0]])
        if len(which) > 1 and size > most + EPS:
            raise scenario_error("total_above_max", workshop=workshop, kind=Message(f"whatif.kind.{kind}"),
                                 week=week, total=size, most=most, levers=[n + 1 for n in which])


def validate(plan: Plan, scenario: Scenario) -> None:
    """Refuse a scenario that cannot be played on `plan` with a `ScenarioError` naming the lever
    (number from 1 and kind), the field and the fix; then the levers of a kind on a workshop
    together, week by week, within its limits."""
    if not isinstance(scenario.levers, tuple):
        raise scenario_error("levers_not_tuple", name=scenario.name, type=type(scenario.levers).__name__)
    if len(scenario.levers) > MAX_LEVERS:
        raise scenario_error("too_many_levers", count=len(scenario.levers), most=MAX_LEVERS)
    shops = workshop_parameters(plan.workshops)
    for index, lever in enumerate(scenario.levers):
        _check_lever(plan, shops, index, lever)
    _check_totals(plan, scenario.levers)
