"""Periods and S&OP cycles: the months and ISO weeks the plan counts in, and the cycle as a value.

A cycle is a month, written "YYYY-MM" at the edges (CLI arguments, page widgets, the database); it
is parsed once there into a `Cycle` and travels as that value. `str(cycle)` gives the text back.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sop_core.common.messages import Message, MessageError

__all__ = ["GRANULARITIES", "Cycle", "check_granularity", "next_period", "period_start"]

# granularity -> (DuckDB date_trunc unit, SQL interval, periods in a season, pandas frequency)
GRANULARITIES = {"month": ("month", "1 month", 12, "MS"), "week": ("week", "1 week", 52, "W-MON")}
CYCLE_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_start(day: dt.date, granularity: str) -> dt.date:
    """First day of the month, or Monday of the ISO week, holding `day`."""
    if granularity == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def next_period(period: dt.date, granularity: str, steps: int = 1) -> dt.date:
    """The period `steps` periods after `period` (before it when negative); months land on the 1st."""
    if granularity == "week":
        return period + dt.timedelta(weeks=steps)
    months = period.year * 12 + period.month - 1 + steps
    return dt.date(months // 12, months % 12 + 1, 1)


def check_granularity(granularity: str) -> None:
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}")


@dataclass(frozen=True, order=True)
class Cycle:
    """One monthly S&OP cycle. Build it with `Cycle.parse("2026-11")` or `Cycle.of(day)`."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 1 <= self.year <= 9999):
            raise MessageError(Message("cycle.error.format", {"cycle": repr(f"{self.year}-{self.month}")}))

    @classmethod
    def parse(cls, text: object) -> Cycle:
        """The cycle written "YYYY-MM"; a `MessageError` naming the expected format otherwise."""
        match = CYCLE_PATTERN.match(text) if isinstance(text, str) else None
        if not match:
            raise MessageError(Message("cycle.error.format", {"cycle": repr(text)}))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Cycle:
        """The cycle of the month holding `day`."""
        return cls(day.year, day.month)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the cycle's month."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> Cycle:
        return Cycle.of(next_period(self.start, "month", -1))

    @property
    def next(self) -> Cycle:
        return Cycle.of(next_period(self.start, "month", 1))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
