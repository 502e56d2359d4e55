"""The filters every KPI page shares (period, families, customers), turned into bound SQL.

One frozen value object, so a page passes it through the cache as an argument and the KPI
functions receive the same filters whatever page set them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sop_core.common import next_period
from sop_core.data import Store

# The periods a reader picks from, by code (the label is translated: `period.<code>`): the last n
# full months before the as-of month and that month so far; None for the whole history.
PERIOD_MONTHS: dict[str, int | None] = {"3m": 3, "6m": 6, "12m": 12, "24m": 24, "36m": 36, "all": None}


@dataclass(frozen=True)
class KpiFilters:
    """Empty means "everything". `start`/`end` are inclusive days; the meaning of the date
    filtered on is the KPI's (promised date for the service rate, snapshot date for stock)."""

    start: dt.date | None = None
    end: dt.date | None = None
    families: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"the period starts ({self.start}) after it ends ({self.end}): swap the dates")

    def where(
        self, date: str | None = None, family: str | None = None, customer: str | None = None
    ) -> tuple[str, list[Any]]:
        """`" AND ..."` conditions on the given columns (code constants, never user text) and their
        bound parameters. A filter whose column is None does not apply to that query."""
        clauses: list[str] = []
        params: list[Any] = []
        if date and self.start:
            clauses.append(f"{date} >= ?")
            params.append(self.start)
        if date and self.end:
            clauses.append(f"{date} <= ?")
            params.append(self.end)
        for column, values in ((family, self.families), (customer, self.customers)):
            if column and values:
                clauses.append(f"list_contains(?::VARCHAR[], {column})")
                params.append(list(values))
        return "".join(f" AND {clause}" for clause in clauses), params

    @classmethod
    def of_period(cls, period: str, as_of: dt.date, families: tuple[str, ...] = (),
                  customers: tuple[str, ...] = ()) -> KpiFilters:
        """The filters of period `period` (a code of `PERIOD_MONTHS`) as of `as_of`: the days up to
        the day before it, from the first day of the month `PERIOD_MONTHS[period]` months earlier."""
        months = PERIOD_MONTHS[period]
        start = None if months is None else next_period(as_of.replace(day=1), "month", -months)
        return cls(start=start, end=as_of - dt.timedelta(days=1), families=families, customers=customers)


NO_FILTERS = KpiFilters()


def filter_choices(store: Store) -> dict[str, list[str]]:
    """The families and customers a user can filter on, sorted."""
    return {
        "families": [str(f) for f in store.query(
            "SELECT DISTINCT family FROM products WHERE family IS NOT NULL ORDER BY 1")["family"]],
        "customers": [str(c) for c in store.query(
            "SELECT DISTINCT customer FROM orders WHERE customer IS NOT NULL "
            "UNION SELECT DISTINCT customer FROM sales WHERE customer IS NOT NULL ORDER BY 1")["customer"]],
    }
