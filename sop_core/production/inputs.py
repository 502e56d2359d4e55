"""The production engine's inputs: the open orders, the capacity and the workshops frames, checked
and put in the form the projection works on (`production`), and the daily capacity of the workshops.

Every refusal is a ValueError naming the frame, the column, the first rows at fault and the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.production.calendar import holiday_calendar

EPS = 1e-6  # hours: float noise below this is no work and no overload
REQUIRED_ORDER_COLUMNS = ("mo_id", "workshop", "remaining_hours", "planned_start", "planned_end")
# Optional order columns and the value a missing column stands for.
OPTIONAL_ORDER_COLUMNS: dict[str, object] = {
    "sku": None, "order_id": None, "total_hours": np.nan, "actual_start": pd.NaT, "progress": np.nan,
    "priority": np.nan,
}
CAPACITY_COLUMNS = ("workshop", "day", "hours")
WORKSHOP_COLUMNS = ("workshop", "headcount", "hours_per_week", "efficiency")


def missing_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    absent = [column for column in columns if column not in frame.columns]
    if absent:
        raise ValueError(f"{name} has no column {', '.join(absent)} (it has {', '.join(map(str, frame.columns))}): "
                         "rename or add it")


def refuse(bad: np.ndarray, ids: np.ndarray, problem: str, fix: str) -> None:
    """Raise when any row is `bad`, naming the first three distinct `ids` and how many more."""
    if bad.any():
        distinct = pd.unique(pd.Series(ids[bad]).astype(str))
        named, more = list(distinct[:3]), len(distinct) - 3
        raise ValueError(f"{problem}: {', '.join(named)}{f' and {more} more' if more > 0 else ''}; {fix}")


def as_days(values: pd.Series, column: str, name: str) -> np.ndarray:
    """A column as datetime64[D] (NaT kept)."""
    if pd.api.types.is_datetime64_dtype(values.dtype):  # to_datetime would walk through them again
        return np.asarray(values.to_numpy().astype("datetime64[D]"))
    try:
        parsed = pd.to_datetime(values)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}.{column} holds values that are not dates ({error}): write them as 2026-11-02") \
            from error
    return np.asarray(parsed.to_numpy().astype("datetime64[D]"))


def as_numbers(values: pd.Series, column: str, name: str) -> np.ndarray:
    try:
        return np.asarray(pd.to_numeric(values).to_numpy(dtype=float))
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}.{column} holds values that are not numbers ({error})") from error


@dataclass(frozen=True)
class OrderBook:
    """The open orders, validated, in service order (workshop, planned_end, priority, mo_id)."""

    frame: pd.DataFrame  # mo_id, sku, workshop, order_id, in service order, index 0..n-1
    shop: np.ndarray  # index of the workshop in the capacity's sorted names
    hours: np.ndarray  # remaining hours
    total: np.ndarray  # total hours (NaN unknown)
    start: np.ndarray  # planned_start, datetime64[D]
    end: np.ndarray  # planned_end
    actual: np.ndarray  # actual_start (NaT: not started)
    progress: np.ndarray  # fraction done as given (NaN unknown)


def order_book(orders: pd.DataFrame, names: tuple[str, ...]) -> OrderBook:
    """Validate the orders against the capacity's workshops and sort them in service order."""
    missing_columns(orders, REQUIRED_ORDER_COLUMNS, "orders")
    frame = orders.assign(**{c: v for c, v in OPTIONAL_ORDER_COLUMNS.items() if c not in orders.columns})
    if frame["mo_id"].isna().any():
        raise ValueError("orders: some rows have no mo_id; every manufacturing order needs its number")
    ids = frame["mo_id"].astype(str).to_numpy()
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy()
    refuse(duplicated, ids, "orders: mo_id appears more than once", "keep one row per manufacturing order")
    workshop = frame["workshop"].astype(str).to_numpy().astype(str)
    refuse(frame["workshop"].isna().to_numpy() | ~np.isin(workshop, names), ids,
            "orders: these orders name a workshop that has no capacity rows",
            f"use one of {', '.join(names) or '(none)'} or add the workshop to the workshops file")
    hours = as_numbers(frame["remaining_hours"], "remaining_hours", "orders")
    refuse(~(hours >= 0), ids, "orders: remaining_hours is missing or negative",
            "give the hours left (0 when the order is done)")
    total = as_numbers(frame["total_hours"], "total_hours", "orders")
    refuse(total < hours - EPS, ids, "orders: total_hours is below remaining_hours",
            "total_hours is the whole order's hours, at least the hours left")
    progress = as_numbers(frame["progress"], "progress", "orders")
    refuse((progress < 0) | (progress > 1), ids, "orders: progress is outside 0..1",
            "progress is a fraction: divide a percentage by 100")
    start, end = (as_days(frame[c], c, "orders") for c in ("planned_start", "planned_end"))
    refuse(np.isnat(start) | np.isnat(end), ids, "orders: planned_start or planned_end is missing",
            "every open order needs its planned dates")
    refuse(start > end, ids, "orders: planned_start is after planned_end", "swap or fix the dates")
    priority = as_numbers(frame["priority"], "priority", "orders")
    keys = pd.DataFrame({"workshop": workshop, "end": end, "priority": priority, "mo_id": ids})
    order = keys.sort_values(["workshop", "end", "priority", "mo_id"], na_position="last").index.to_numpy()
    served = pd.DataFrame({"mo_id": ids, "sku": frame["sku"].to_numpy(), "workshop": workshop,
                           "order_id": frame["order_id"].to_numpy()}).iloc[order].reset_index(drop=True)
    return OrderBook(frame=served, shop=np.searchsorted(np.array(names), workshop[order]), hours=hours[order],
                 total=total[order], start=start[order], end=end[order],
                 actual=as_days(frame["actual_start"], "actual_start", "orders")[order], progress=progress[order])


def workshop_names(capacity: pd.DataFrame) -> tuple[str, ...]:
    missing_columns(capacity, CAPACITY_COLUMNS, "capacity")
    if capacity["workshop"].isna().any():
        raise ValueError("capacity: some rows have no workshop; name the workshop of every capacity row")
    return tuple(sorted(capacity["workshop"].astype(str).unique()))


def capacity_matrix(capacity: pd.DataFrame, names: tuple[str, ...], as_of: np.datetime64, days: int) -> np.ndarray:
    """Hours per workshop (index of `names`) and day index; rows of one workshop and day add up."""
    hours = as_numbers(capacity["hours"], "hours", "capacity")
    day = as_days(capacity["day"], "day", "capacity")
    workshop = capacity["workshop"].astype(str).to_numpy()
    bad = ~(hours >= 0) | np.isnat(day)
    rows = np.char.add(np.char.add(workshop.astype(str), " "), day.astype(str)) if bad.any() else workshop
    refuse(bad, rows, "capacity: hours missing or negative, or day missing, on",
            "give 0 or more hours per workshop and day")
    index = (day - as_of).astype(np.int64)
    inside = (index >= 0) & (index < days)
    matrix = np.zeros((len(names), days))
    shop = np.searchsorted(np.array(names), workshop)
    np.add.at(matrix, (shop[inside], index[inside]), hours[inside])
    return matrix


def daily_capacity(workshops: pd.DataFrame, start: dt.date, days: int) -> pd.DataFrame:
    """Productive hours per workshop and day from `start` for `days` days: workshop, day, hours.

    A working day gives headcount * hours_per_week / 5 * efficiency; weekends and public holidays 0.
    """
    missing_columns(workshops, WORKSHOP_COLUMNS, "workshops")
    names = workshops["workshop"].astype(str).to_numpy()
    refuse(pd.Series(names).duplicated(keep=False).to_numpy(), names, "workshops: workshop appears more than once",
            "keep one row per workshop")
    daily = np.ones(len(names))
    for column in WORKSHOP_COLUMNS[1:]:
        values = as_numbers(workshops[column], column, "workshops")
        refuse(~(values >= 0), names, f"workshops: {column} is missing or negative", f"give each workshop's {column}")
        daily *= values
    every_day = np.datetime64(start, "D") + np.arange(max(days, 0))
    calendar = holiday_calendar(start.year, (start + dt.timedelta(days=max(days, 0))).year)
    working = np.is_busday(every_day, busdaycal=calendar)
    return pd.DataFrame({
        "workshop": np.repeat(names, len(every_day)),
        "day": np.tile(every_day.astype("datetime64[ns]"), len(names)),
        "hours": np.outer(daily / 5, working).ravel(),
    })
