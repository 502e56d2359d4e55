"""Load against capacity, per workshop and day or ISO week, and the summary per workshop: what the
production engine (`production`) gives the load charts, the heatmap and the what-if columns.

Pure functions over the engine's matrices: planned load (infinite capacity, see `production`),
capacity, and the hours the projection schedules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sop_core.production.calendar import week_start
from sop_core.production.engine import DEFAULT_SETTINGS, EPS, STATUSES, Engine, ProductionSettings, by_week, prepare

WEEKLY_COLUMNS = ("workshop", "week", "capacity_hours", "load_hours", "scheduled_hours",
                  "overload_hours", "load_pct", *(f"{status}_orders" for status in STATUSES))


def weeks_span(as_of: dt.date, weeks: int) -> int:
    """Days from as_of to the end of the `weeks`-th ISO week counted from as_of's week."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks must be a whole number, at least 1, not {weeks!r}")
    return (week_start(as_of) + dt.timedelta(weeks=weeks) - as_of).days


def _status_counts(engine: Engine, projected: pd.DataFrame, weeks: int) -> np.ndarray:
    """statuses x workshops x weeks: orders whose projected end falls in the week."""
    counts = np.zeros((len(STATUSES), len(engine.names), weeks), dtype=np.int64)
    ends = projected["projected_end"].to_numpy().astype("datetime64[D]")
    known = ~np.isnat(ends)
    week = (ends[known] - np.datetime64(week_start(engine.day0), "D")).astype(np.int64) // 7
    shop = np.searchsorted(np.array(engine.names), projected["workshop"].to_numpy()[known].astype(str))
    status = pd.Categorical(projected["status"].to_numpy()[known], categories=STATUSES).codes
    inside = (week < weeks) & (status >= 0)
    np.add.at(counts, (status[inside], shop[inside], week[inside]), 1)
    return counts


def weekly_table(engine: Engine, weeks: int, projected: pd.DataFrame,
                 scheduled: np.ndarray | None = None) -> pd.DataFrame:
    """Per workshop and ISO week (`WEEKLY_COLUMNS`, see `weekly_load`) from the engine's matrices;
    `scheduled` is `engine.scheduled()`, computed when not given."""
    days = weeks_span(engine.day0, weeks)
    offset = engine.day0.weekday()
    scheduled = engine.scheduled() if scheduled is None else scheduled
    capacity, load, used = (by_week(m[:, :days], offset) for m in (engine.capacity, engine.planned, scheduled))
    mondays = [week_start(engine.day0) + dt.timedelta(weeks=k) for k in range(weeks)]
    overload = np.clip(load - capacity, 0.0, None)
    overload[overload < EPS] = 0.0  # the even spread leaves float dust
    shops = len(engine.names)
    frame = pd.DataFrame({
        "workshop": np.repeat(np.array(engine.names, dtype=object), weeks),
        "week": np.tile(pd.DatetimeIndex(mondays).as_unit("ns"), shops),
        "capacity_hours": capacity.ravel(), "load_hours": load.ravel(), "scheduled_hours": used.ravel(),
        "overload_hours": overload.ravel(),
        "load_pct": (load / np.where(capacity > 0, capacity, np.nan)).ravel(),
    })
    for status, count in zip(STATUSES, _status_counts(engine, projected, weeks), strict=True):
        frame[f"{status}_orders"] = count.ravel()
    return frame


def daily_load(orders: pd.DataFrame, capacity: pd.DataFrame, as_of: dt.date, days: int,
               settings: ProductionSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Per workshop and day from as_of for `days` days: capacity_hours, load_hours (planned, infinite
    capacity) and scheduled_hours (used by the projection; 0 beyond the horizon)."""
    engine = prepare(orders, capacity, as_of, settings, days=days)
    every_day = engine.as_of + np.arange(days)
    return pd.DataFrame({
        "workshop": np.repeat(np.array(engine.names, dtype=object), days),
        "day": np.tile(every_day.astype("datetime64[ns]"), len(engine.names)),
        "capacity_hours": engine.capacity[:, :days].ravel(),
        "load_hours": engine.planned[:, :days].ravel(),
        "scheduled_hours": engine.scheduled()[:, :days].ravel(),
    })


def weekly_load(orders: pd.DataFrame, capacity: pd.DataFrame, as_of: dt.date, weeks: int = 26,
                projected: pd.DataFrame | None = None, settings: ProductionSettings = DEFAULT_SETTINGS,
                tolerances: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per workshop and ISO week, `weeks` weeks from as_of's week (its days before as_of left out).

    Columns: workshop, week (Monday; `i18n.format_week` labels it), capacity_hours, load_hours (planned),
    scheduled_hours, overload_hours = max(load - capacity, 0), load_pct = load / capacity (NaN when
    capacity is 0), red_orders, orange_orders, green_orders (orders whose projected end falls in the
    week). Pass `project`'s output as `projected` to spare computing it again.
    """
    engine = prepare(orders, capacity, as_of, settings, tolerances, days=weeks_span(as_of, weeks))
    return weekly_table(engine, weeks, engine.project() if projected is None else projected)


def workshop_summary(projected: pd.DataFrame, load: pd.DataFrame) -> pd.DataFrame:
    """Per workshop: orders, red/orange/green counts, remaining_hours, worst_delay_days, overload
    hours in the first 4 weeks of `load` (overload_hours_4w) and over all its weeks (overload_hours)."""
    per_order = projected.groupby("workshop").agg(
        orders=("mo_id", "size"), remaining_hours=("remaining_hours", "sum"), worst_delay_days=("delay_days", "max"))
    statuses = pd.crosstab(projected["workshop"], projected["status"]).reindex(columns=list(STATUSES), fill_value=0)
    soon = load[load["week"] < load["week"].min() + pd.Timedelta(weeks=4)]
    overload = pd.DataFrame({"overload_hours_4w": soon.groupby("workshop")["overload_hours"].sum(),
                             "overload_hours": load.groupby("workshop")["overload_hours"].sum()})
    summary = per_order.join(statuses, how="outer").join(overload, how="outer")
    counts = ["orders", *STATUSES]
    summary[counts] = summary[counts].fillna(0).astype(np.int64)
    summary[["remaining_hours", "overload_hours_4w", "overload_hours"]] = \
        summary[["remaining_hours", "overload_hours_4w", "overload_hours"]].fillna(0.0)
    summary["worst_delay_days"] = summary["worst_delay_days"].astype("Int64")
    summary.index.name = "workshop"
    return summary.reset_index()[["workshop", "orders", *STATUSES, "remaining_hours", "worst_delay_days",
                                  "overload_hours_4w", "overload_hours"]]
