"""Production delays: finite-capacity projection of the open manufacturing orders (OF).

Pure functions over frames: no store, no clock (`as_of` is passed in), no I/O. The what-if feature
changes the hours of the capacity frame and calls `project` again, so `project` takes that frame as
given and never rebuilds it.

Scheduling rule (the README repeats it, see "Production delays: the rules"):
- Each workshop is one pool of capacity: the `hours` of its capacity rows, day by day (several rows
  for one workshop and day add up; a day without a row has no capacity). Day 0 is `as_of`; days from
  `as_of + horizon_days` on are not looked at.
- An order is released on `as_of` when it has started (actual_start set) or when
  `respect_planned_start` is False, else on max(as_of, planned_start): material and tooling are
  planned for that date.
- Every day, the released unfinished orders are served in due-date order (planned_end), then
  priority (1 = most urgent, none = last), then mo_id, so the result does not depend on row order.
  The day's capacity goes to the first order until it is done, the rest to the next, and so on: a
  preemptive fixed-priority fluid model (an order can span days and share a day). An order released
  later with an earlier due date takes over the capacity from the next day it is released.
  This model keeps "more capacity never makes any order later" true.
- projected_start = first day the order gets capacity; projected_end = the day its remaining hours
  reach 0. An order with 0 remaining hours starts and ends on `as_of`. One that is not done at the
  horizon has no projected dates and "cannot finish".
- delay_days = working days after planned_end up to and including projected_end (positive = late),
  both moved on to the next working day first when they fall on a weekend or public holiday (an
  order finishing on an overtime Saturday ships on Monday).

Status (tolerance: `tolerance_days` of the settings, or the workshop's entry in `tolerances`):
- red: delay above the tolerance, or planned_end before as_of (past its planned end, not finished),
  or cannot finish within the horizon;
- orange: 0 < delay <= tolerance, or started after its planned start, or not started while its
  planned start has passed, or a started order behind its progress curve: progress below the share
  of working days elapsed from planned start to planned end (before as_of, clipped 0..1) by more
  than `behind_curve_points` (progress unknown: 1 - remaining / total hours);
- green otherwise.

Load: the planned (infinite-capacity) load spreads each order's remaining hours evenly over the
working days of [max(as_of, planned_start), planned_end]; an order whose window holds no working
day (past its planned end: the backlog) puts them all on the first working day on or after its
start. Scheduled hours are the hours the projection uses each day.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from sop_core.production.calendar import holiday_calendar, week_start, working_days_between_many
from sop_core.production.inputs import EPS, OrderBook, capacity_matrix, daily_capacity, order_book, workshop_names
from sop_core.production.reasons import RULES, SEPARATOR, WEEK_RUN, WEEK_RUNS, code

__all__ = ["EPS", "PROJECTED_COLUMNS", "STATUSES", "Engine", "ProductionSettings", "by_week", "daily_capacity",
           "prepare", "project"]

Status = Literal["green", "orange", "red"]
STATUSES: tuple[Status, ...] = ("red", "orange", "green")
PROJECTED_COLUMNS = (
    "mo_id", "sku", "workshop", "order_id", "planned_start", "planned_end", "actual_start", "remaining_hours",
    "progress", "expected_progress", "projected_start", "projected_end", "delay_days", "tolerance_days", "status",
    "reason_codes",
)
ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class ProductionSettings:
    """How late is late, and how far ahead the projection looks."""

    tolerance_days: int = 2  # working days late still orange; per workshop: `tolerances` of `project`
    behind_curve_points: float = 0.10  # progress this far below the straight line counts as behind
    horizon_days: int = 730  # calendar days of capacity looked at from as_of
    respect_planned_start: bool = True  # an order not started waits for its planned start

    def __post_init__(self) -> None:
        _check_tolerance("tolerance_days", self.tolerance_days)
        if not 0 <= self.behind_curve_points < 1:
            raise ValueError(f"behind_curve_points is a fraction of the work, from 0 to 1, not "
                             f"{self.behind_curve_points}: write 0.10 for 10 points")
        if isinstance(self.horizon_days, bool) or not isinstance(self.horizon_days, int) or self.horizon_days < 1:
            raise ValueError(f"horizon_days must be a whole number of days, at least 1, not {self.horizon_days!r}")


def _check_tolerance(name: str, days: object) -> int:
    """The tolerance as an int; 2.0 is accepted (a workshops file column is read as floats)."""
    if isinstance(days, int | float | np.integer | np.floating) and not isinstance(days, bool):
        value = float(days)
        if value >= 0 and value.is_integer():
            return int(value)
    raise ValueError(f"{name} must be a whole number of working days, 0 or more, not {days!r}")


DEFAULT_SETTINGS = ProductionSettings()


def _tolerances(names: tuple[str, ...], settings: ProductionSettings,
                tolerances: Mapping[str, float] | None) -> np.ndarray:
    """Tolerance in working days per workshop (index of `names`)."""
    chosen = dict(tolerances or {})
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        raise ValueError(f"tolerances name workshops without capacity: {', '.join(unknown)}; "
                         f"use one of {', '.join(names)}")
    checked = {workshop: _check_tolerance(f"the tolerance of {workshop}", days) for workshop, days in chosen.items()}
    return np.array([checked.get(name, settings.tolerance_days) for name in names], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Engine:
    """The open orders checked and put in service order against a capacity, once (`prepare`): the
    what-if swaps the capacity (`with_capacity`) and projects again without re-reading the orders."""

    book: OrderBook
    names: tuple[str, ...]  # the workshops, sorted: row index of every matrix
    day0: dt.date  # as_of
    as_of: np.datetime64
    calendar: np.busdaycalendar
    capacity: np.ndarray  # workshops x days, hours (days >= horizon)
    release: np.ndarray  # day index each order may start (may be >= days)
    horizon: int  # days the projection schedules from as_of
    tolerance: np.ndarray  # working days late still orange, per workshop
    settings: ProductionSettings
    planned: np.ndarray  # workshops x days: the planned (infinite-capacity) load

    def with_capacity(self, capacity: np.ndarray) -> Engine:
        """The same orders against another capacity matrix of the same shape."""
        if capacity.shape != self.capacity.shape:
            raise ValueError(f"capacity must be workshops x days {self.capacity.shape}, not {capacity.shape}")
        return replace(self, capacity=capacity)

    def project(self) -> pd.DataFrame:
        """Projected start and end, delay, status and reason of every order (see `project`)."""
        first, last = _schedule(self)
        judged = _judge(self, first, last)
        never = np.iinfo(np.int64).max
        order = np.lexsort((np.arange(len(last)), np.where(last >= 0, last, never), self.book.shop))
        return judged.iloc[order].reset_index(drop=True)

    def scheduled(self) -> np.ndarray:
        """Hours the projection uses, workshops x days (0 from the horizon on). Any work-conserving
        order serves the same total each day, so the backlog recursion gives it without the event
        loop (cumulative service = capacity + min(0, running minimum of arrivals - capacity))."""
        capacity = self.capacity.copy()
        capacity[:, self.horizon:] = 0.0
        arrivals = np.zeros_like(capacity)
        inside = self.release < capacity.shape[1]
        np.add.at(arrivals, (self.book.shop[inside], self.release[inside]), self.book.hours[inside])
        cumulated = np.cumsum(capacity, axis=1)
        served = cumulated + np.minimum(np.minimum.accumulate(np.cumsum(arrivals, axis=1) - cumulated, axis=1), 0.0)
        return np.asarray(np.clip(np.diff(served, axis=1, prepend=0.0), 0.0, capacity))


def prepare(orders: pd.DataFrame, capacity: pd.DataFrame, as_of: dt.date,
            settings: ProductionSettings = DEFAULT_SETTINGS, tolerances: Mapping[str, float] | None = None,
            days: int = 0) -> Engine:
    """Check the orders (see `project`) and lay the capacity out over max(horizon, `days`) days."""
    horizon = settings.horizon_days
    names = workshop_names(capacity)
    book = order_book(orders, names)
    tolerance = _tolerances(names, settings, tolerances)
    today = np.datetime64(as_of, "D")
    width = max(horizon, days)
    dates = [as_of, as_of + dt.timedelta(days=width)]
    if len(book.hours):
        dates += [book.start.min().item(), book.end.max().item()]
    # One year more at the end: rolling a date forward to a working day may cross New Year.
    calendar = holiday_calendar(min(d.year for d in dates), max(d.year for d in dates) + 1)
    at_once = ~np.isnat(book.actual) | (not settings.respect_planned_start)
    release = np.where(at_once, 0, np.maximum((book.start - today).astype(np.int64), 0))
    matrix = capacity_matrix(capacity, names, today, width)
    return Engine(book=book, names=names, day0=as_of, as_of=today, calendar=calendar, capacity=matrix,
                  release=release, horizon=horizon, tolerance=tolerance, settings=settings,
                  planned=_planned_load(book, len(names), today, calendar, width))


# --- the projection --------------------------------------------------------------------------

def _serve(hours: list[float], release: list[int], capacity: list[float]) -> tuple[list[int], list[int]]:
    """First and last day index each order gets capacity (-1: never), one workshop.

    Orders come in service order (list index = rank); a heap holds the released unfinished ones. Each
    day either finishes the order on top or spends its capacity on it: O((days + orders) log orders).
    """
    n = len(hours)
    first, last, left = [-1] * n, [-1] * n, list(hours)
    arrivals = sorted(range(n), key=release.__getitem__)
    queue: list[int] = []
    arrived = 0
    for day, room in enumerate(capacity):
        while arrived < n and release[arrivals[arrived]] <= day:
            heapq.heappush(queue, arrivals[arrived])
            arrived += 1
        while queue and room > EPS:
            top = queue[0]
            if first[top] < 0:
                first[top] = day
            if left[top] <= room + EPS:
                room -= left[top]
                last[top] = day
                heapq.heappop(queue)
            else:
                left[top] -= room
                room = 0.0
        if arrived == n and not queue:
            break
    return first, last


def _schedule(plan: Engine) -> tuple[np.ndarray, np.ndarray]:
    """First and last day index of every order (-1: does not finish within the horizon)."""
    book = plan.book
    first = np.full(len(book.hours), -1, dtype=np.int64)
    last = first.copy()
    done = book.hours <= 0
    first[done] = last[done] = 0
    bounds = np.searchsorted(book.shop, np.arange(len(plan.names) + 1))
    for shop, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        todo = lo + np.flatnonzero(~done[lo:hi])
        starts, ends = _serve(book.hours[todo].tolist(), plan.release[todo].tolist(),
                               plan.capacity[shop, :plan.horizon].tolist())
        first[todo], last[todo] = starts, ends
    return first, last


def _planned_load(book: OrderBook, shops: int, as_of: np.datetime64, calendar: np.busdaycalendar,
                  days: int) -> np.ndarray:
    """Infinite-capacity load, workshops x days: hours spread evenly over each planned window."""
    begin = np.maximum(book.start, as_of)
    span = np.busday_count(begin, book.end + ONE_DAY, busdaycal=calendar)
    spread = span > 0
    rate = book.hours[spread] / span[spread]
    steps = np.zeros((shops, days + 1))  # +rate from the window's first day, -rate after its last
    np.add.at(steps, (book.shop[spread], np.minimum((begin[spread] - as_of).astype(np.int64), days)), rate)
    np.add.at(steps, (book.shop[spread], np.minimum((book.end[spread] - as_of).astype(np.int64) + 1, days)), -rate)
    working = np.is_busday(as_of + np.arange(days), busdaycal=calendar)
    load = np.maximum(np.cumsum(steps[:, :days], axis=1), 0.0) * working  # max: rounding noise
    lump = (np.busday_offset(begin[~spread], 0, roll="forward", busdaycal=calendar) - as_of).astype(np.int64)
    inside = lump < days
    np.add.at(load, (book.shop[~spread][inside], lump[inside]), book.hours[~spread][inside])
    return np.asarray(load)


def by_week(daily: np.ndarray, offset: int) -> np.ndarray:
    """Workshops x days -> workshops x ISO weeks; `offset` = weekday of day 0 (Monday 0)."""
    shops, days = daily.shape
    weeks = -(-(days + offset) // 7)
    padded = np.zeros((shops, weeks * 7))
    padded[:, offset:offset + days] = daily
    return np.asarray(padded.reshape(shops, weeks, 7).sum(axis=2))


def _week_runs(first_monday: dt.date, weeks: list[int]) -> str:
    """Week indices (ascending) as runs of ISO Mondays: "2026-11-02/2026-11-09,2026-11-23"."""
    runs: list[list[int]] = []
    for week in weeks:
        if runs and week == runs[-1][1] + 1:
            runs[-1][1] = week
        else:
            runs.append([week, week])

    def monday(week: int) -> str:
        return (first_monday + dt.timedelta(weeks=week)).isoformat()

    return WEEK_RUNS.join(monday(first) + (WEEK_RUN + monday(last) if last > first else "") for first, last in runs)


def _overloaded_weeks(plan: Engine, last: np.ndarray, late: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """For late orders: the weeks whose planned load is above their workshop's capacity, from as_of to
    the week of the projected end, as `_week_runs` ("" when none). Returns an index per order into the
    runs (0: "", for every order on time); the runs are computed once per workshop and end week."""
    first_monday = week_start(plan.day0)
    offset = plan.day0.weekday()
    overloaded = by_week(plan.planned, offset) > by_week(plan.capacity, offset) + EPS
    weeks = overloaded.shape[1]
    distinct, inverse = np.unique(plan.book.shop[late] * weeks + (last[late] + offset) // 7, return_inverse=True)
    runs = [""] + [_week_runs(first_monday, np.flatnonzero(overloaded[shop, :end_week + 1]).tolist())
                   for shop, end_week in (divmod(key, weeks) for key in distinct.tolist())]
    which = np.zeros(len(last), dtype=np.int64)
    which[late] = inverse.reshape(-1) + 1
    return which, runs


def _expected_progress(plan: Engine) -> np.ndarray:
    """Share of the planned window's working days elapsed before as_of, clipped 0..1."""
    book = plan.book
    window = np.busday_count(book.start, book.end + ONE_DAY, busdaycal=plan.calendar)
    elapsed = np.busday_count(book.start, np.maximum(book.start, plan.as_of), busdaycal=plan.calendar)
    share = np.where(window > 0, elapsed / np.maximum(window, 1), (plan.as_of > book.end).astype(float))
    return np.asarray(np.clip(share, 0.0, 1.0))


@dataclass(frozen=True)
class _Verdict:
    """What the projection says of each order (arrays in service order)."""

    last: np.ndarray  # day index of the projected end, -1: cannot finish
    projected_end: np.ndarray  # datetime64[D]
    delay: np.ndarray  # working days late (0 when it cannot finish)
    progress: np.ndarray  # fraction done, filled from the hours when unknown
    expected: np.ndarray  # fraction expected by the straight line
    past_end: np.ndarray
    started_late: np.ndarray
    not_started: np.ndarray
    behind: np.ndarray

    @property
    def finished(self) -> np.ndarray:
        return np.asarray(self.last >= 0)

    @property
    def late(self) -> np.ndarray:
        return np.asarray(self.finished & (self.delay > 0))


def _verdict(plan: Engine, last: np.ndarray) -> _Verdict:
    """Delay (both dates rolled forward to a working day) and the facts the status rules read."""
    book, cal = plan.book, plan.calendar
    finished = last >= 0
    projected_end = np.where(finished, plan.as_of + last, np.datetime64("NaT"))
    delay = np.zeros(len(last), dtype=np.int64)
    delay[finished] = working_days_between_many(
        np.busday_offset(book.end[finished], 0, roll="forward", busdaycal=cal),
        np.busday_offset(projected_end[finished], 0, roll="forward", busdaycal=cal), cal)
    started = ~np.isnat(book.actual)
    progress = np.where(np.isnan(book.progress) & (book.total > 0),
                        1 - book.hours / np.where(book.total > 0, book.total, 1), book.progress)
    expected = _expected_progress(plan)
    return _Verdict(last=last, projected_end=projected_end, delay=delay, progress=progress, expected=expected,
                    past_end=book.end < plan.as_of, started_late=started & (book.actual > book.start),
                    not_started=~started & (book.start < plan.as_of),
                    behind=started & (progress < expected - plan.settings.behind_curve_points))


def _status(v: _Verdict, allowed: np.ndarray) -> np.ndarray:
    """red, orange or green per order (see the module docstring)."""
    red = ~v.finished | v.past_end | (v.delay > allowed)
    orange = ~red & (v.late | v.started_late | v.not_started | v.behind)
    return np.asarray(np.where(red, "red", np.where(orange, "orange", "green")))


def _reason_codes(plan: Engine, v: _Verdict) -> np.ndarray:
    """The reason of each order as codes (`production_reasons`): every rule that applies, in `RULES`
    order. Orders share few combinations of rules and overloaded weeks: each one's text is built once."""
    late = v.late
    applies = {"cannot_finish": ~v.finished, "late": late, "on_time": v.finished & ~late & ~v.past_end,
               "past_end": v.past_end, "started_late": v.started_late, "not_started": v.not_started,
               "behind": v.behind}
    weeks, runs = _overloaded_weeks(plan, v.last, late)
    rules = len(RULES)
    keys = (weeks << rules) | ((1 << np.arange(rules)) @ np.stack([applies[rule] for rule in RULES]))  # bit i: RULES[i]
    distinct, inverse = np.unique(keys, return_inverse=True)
    parameters = {"cannot_finish": str(plan.horizon)}
    texts = [SEPARATOR.join(code(rule, runs[key >> rules] if rule == "late" else parameters.get(rule, ""))
                            for bit, rule in enumerate(RULES) if key >> bit & 1) for key in distinct.tolist()]
    return np.array(texts, dtype=object)[inverse.reshape(-1)]


def _judge(plan: Engine, first: np.ndarray, last: np.ndarray) -> pd.DataFrame:
    """Projected dates, delay, status and reason of every order, in service order."""
    book, verdict = plan.book, _verdict(plan, last)
    allowed = plan.tolerance[book.shop]
    projected_start = np.where(first >= 0, plan.as_of + first, np.datetime64("NaT"))
    return book.frame.assign(
        planned_start=book.start.astype("datetime64[ns]"), planned_end=book.end.astype("datetime64[ns]"),
        actual_start=book.actual.astype("datetime64[ns]"), remaining_hours=book.hours,
        progress=verdict.progress, expected_progress=verdict.expected,
        projected_start=projected_start.astype("datetime64[ns]"),
        projected_end=verdict.projected_end.astype("datetime64[ns]"),
        delay_days=pd.Series(verdict.delay, dtype="Int64").mask(~verdict.finished),
        tolerance_days=allowed, status=_status(verdict, allowed), reason_codes=_reason_codes(plan, verdict),
    )[list(PROJECTED_COLUMNS)]


def project(orders: pd.DataFrame, capacity: pd.DataFrame, as_of: dt.date,
            settings: ProductionSettings = DEFAULT_SETTINGS,
            tolerances: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Projected start and end, delay, status and reason of every open order (see the module docstring).

    `orders` needs mo_id, workshop, remaining_hours, planned_start, planned_end; sku, order_id,
    total_hours, actual_start, progress (fraction 0..1) and priority are optional. `capacity` has
    workshop, day, hours (see `daily_capacity`). `tolerances` overrides `settings.tolerance_days`
    for the workshops it names. One row per order, columns `PROJECTED_COLUMNS`, sorted by workshop,
    projected end (cannot finish last), then service order. delay_days is <NA> when the order cannot
    finish; remaining_hours and progress are as used (progress filled from the hours when unknown).
    The reason is in `reason_codes`, language-neutral: `production_reasons.describe` words it.
    """
    return prepare(orders, capacity, as_of, settings, tolerances).project()
