"""Working days of a French plant: Monday to Friday minus the French public holidays.

The holidays come from the maintained `holidays` package (`holidays.France`, national list as it
ships: Easter Monday, Ascension and Whit Monday included; the extra Alsace-Moselle days are not).
A plant that works Whit Monday as its "journée de solidarité" adds those hours back in its capacity
frame; the calendar itself stays the official one.

Counting convention, used by the production delays: `working_days_between(a, b)` counts the working
days after `a` up to and including `b`, so a job due on Friday that ends the next Tuesday is 2 working
days late. Vectorised code uses numpy's busday functions with `holiday_calendar(...)`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np

# Working days per year are about 250: one calendar year per 200 working days (plus one either
# side) always covers the result of `add_working_days`.
_WORKING_DAYS_PER_YEAR_AT_LEAST = 200
_ONE_DAY = np.timedelta64(1, "D")


@lru_cache(maxsize=64)
def holiday_calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    """numpy busday calendar (Monday-Friday, French public holidays of `first_year`..`last_year`).

    Dates outside those years see weekends only: callers ask for every year their dates touch.
    """
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    closed = holidays.country_holidays("FR", years=range(first_year, last_year + 1))  # holidays.France, typed
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(sorted(closed), dtype="datetime64[D]"))


def _calendar(*days: dt.date, margin_years: int = 0) -> np.busdaycalendar:
    years = [day.year for day in days]
    return holiday_calendar(min(years) - margin_years, max(years) + margin_years)


def working_days(start: dt.date, end: dt.date) -> np.ndarray:
    """The working days from `start` to `end`, both included, as datetime64[D] (empty when end < start)."""
    every_day = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1, dtype="datetime64[D]")
    return every_day[np.is_busday(every_day, busdaycal=_calendar(start, end))]


def is_working_day(day: dt.date) -> bool:
    """True from Monday to Friday unless a French public holiday falls on it."""
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=_calendar(day)))


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n > 0), the |n|-th before it (n < 0), `day` itself for 0.

    From a working day, `working_days_between(day, add_working_days(day, n)) == n`. From a Saturday,
    +1 is the Monday and -1 the Friday.
    """
    if n == 0:
        return day
    calendar = _calendar(day, margin_years=abs(n) // _WORKING_DAYS_PER_YEAR_AT_LEAST + 1)
    moved = np.busday_offset(np.datetime64(day, "D"), n, roll="backward" if n > 0 else "forward", busdaycal=calendar)
    return dt.date.fromisoformat(str(moved))


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b`; 0 when equal, minus the count from b to a when b < a.

    Friday -> next Tuesday is 2 (Monday, Tuesday); Tuesday -> the Friday before is -2.
    """
    return int(working_days_between_many(np.datetime64(a, "D"), np.datetime64(b, "D"), _calendar(a, b)))


def working_days_between_many(a: np.ndarray | np.datetime64, b: np.ndarray | np.datetime64,
                              calendar: np.busdaycalendar) -> np.ndarray:
    """`working_days_between` element-wise on datetime64[D] arrays, with a calendar covering their years.

    (numpy's own negative counts run over (b, a] shifted by one day, hence the explicit sign.)
    """
    low, high = np.minimum(a, b), np.maximum(a, b)
    count = np.busday_count(low + _ONE_DAY, high + _ONE_DAY, busdaycal=calendar)
    return np.asarray(np.where(np.asarray(b) < np.asarray(a), -count, count))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())
