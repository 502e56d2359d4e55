"""Working-day calendar of the fictional demo plant (French holidays, August and Christmas closures).

Every date the demo generator produces (order, delivery, production) falls on a day the plant
works, because that is what a real ERP export looks like and what the dashboard's calendars expect.
Dates are handled as numpy `datetime64[D]` arrays so that tens of thousands of order lines can be
moved along the calendar without Python loops.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DEMO_AS_OF = dt.date(2026, 11, 2)
"""The demo's fixed "today" (a Monday): the history covers the 36 complete months before it."""

HISTORY_START = dt.date(2023, 11, 1)
SIM_START_MONTH = np.datetime64("2023-10", "M")
"""One warm-up month before the history so that November 2023 deliveries have orders behind them."""
SIM_MONTHS = 37
"""Simulated months, index 0 = Oct 2023 (warm-up) .. index 36 = Oct 2026."""
HISTORY_MONTHS = 36
CALENDAR_START = dt.date(2023, 9, 1)
CALENDAR_END = dt.date(2027, 6, 30)


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm): Easter Monday and Ascension move with it."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def french_public_holidays(year: int) -> list[dt.date]:
    """Public holidays the plant does not work. Whit Monday is left out: most plants work it as the
    "journée de solidarité"."""
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    easter = easter_sunday(year)
    moving = [easter + dt.timedelta(days=1), easter + dt.timedelta(days=39)]
    return [dt.date(year, m, d) for m, d in fixed] + moving


def plant_closures(year: int) -> list[dt.date]:
    """Three weeks in August from its first Monday (typical French summer shutdown) and the days
    between Christmas and New Year: these are the dips every S&OP history shows."""
    august_first = dt.date(year, 8, 1)
    first_monday = august_first + dt.timedelta(days=(7 - august_first.weekday()) % 7)
    summer = [first_monday + dt.timedelta(days=i) for i in range(19)]
    winter = [dt.date(year, 12, d) for d in range(24, 32)]
    return summer + winter


def month_index(dates: np.ndarray) -> np.ndarray:
    """Simulation month index (0 = Oct 2023) of each `datetime64[D]` date."""
    return (dates.astype("datetime64[M]") - SIM_START_MONTH).astype(np.int64)


def month_number(sim_month: np.ndarray) -> np.ndarray:
    """Calendar month 1..12 of each simulation month index."""
    return (np.asarray(sim_month) + 9) % 12 + 1


@dataclass(frozen=True)
class WorkCalendar:
    """The plant's working days, sorted, with helpers to move dates along them."""

    days: np.ndarray  # datetime64[D]

    @classmethod
    def build(cls) -> WorkCalendar:
        closed = {d for y in range(CALENDAR_START.year, CALENDAR_END.year + 1)
                  for d in french_public_holidays(y) + plant_closures(y)}
        holidays = np.array(sorted(closed), dtype="datetime64[D]")
        start, end = np.datetime64(CALENDAR_START, "D"), np.datetime64(CALENDAR_END, "D")
        every_day = np.arange(start, end + 1, dtype="datetime64[D]")
        working = np.is_busday(every_day, holidays=holidays)
        return cls(days=every_day[working])

    def index_on_or_after(self, dates: np.ndarray) -> np.ndarray:
        """Position of the first working day on or after each date."""
        idx = np.searchsorted(self.days, np.asarray(dates, dtype="datetime64[D]"), side="left")
        return np.minimum(idx, len(self.days) - 1)

    def on_or_after(self, dates: np.ndarray) -> np.ndarray:
        """Each date rolled forward to a working day (a promise falling in a closure moves on)."""
        return np.asarray(self.days[self.index_on_or_after(dates)])

    def shift(self, dates: np.ndarray, working_days: np.ndarray | int) -> np.ndarray:
        """Each date moved by a number of working days (negative = earlier)."""
        idx = self.index_on_or_after(dates) + np.asarray(working_days, dtype=np.int64)
        return np.asarray(self.days[np.clip(idx, 0, len(self.days) - 1)])

    def month_slices(self) -> tuple[np.ndarray, np.ndarray]:
        """For each simulation month: index of its first working day and its number of them."""
        months = month_index(self.days)
        first = np.searchsorted(months, np.arange(SIM_MONTHS), side="left")
        last = np.searchsorted(months, np.arange(SIM_MONTHS), side="right")
        return first, last - first

