"""Production orders (OF): the closed history from the stock simulation's lots, plus the open book.

Closed orders get actual dates that are mostly on plan and late when the workshop was under
pressure. The open book (see `demo_open_book`) is what the load chart shows; both are merged here
and numbered like an ERP would (OF-26-00123, per year of creation).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sop_core.demo.generator.calendar import DEMO_AS_OF, HISTORY_START, WorkCalendar
from sop_core.demo.generator.catalogue import WORKSHOPS
from sop_core.demo.generator.orders import BASE_LATE_RATE, DATE_DTYPE
from sop_core.demo.generator.products import Catalogue

PRODUCTION_COLUMNS: tuple[str, ...] = (
    "mo_id", "sku", "workshop", "quantity", "planned_start", "planned_end", "actual_start",
    "actual_end", "hours_required", "hours_done", "progress_pct", "order_id", "priority",
)
# Mould changes make press set-ups long; the other workshops only need a line changeover.
SETUP_HOURS: dict[str, tuple[float, float]] = {
    "INJECTION": (2.0, 4.0), "ASSEMBLAGE": (0.5, 1.5), "CONDITIONNEMENT": (0.5, 1.0),
    "DECOR": (1.0, 2.0), "CONTROLE": (0.5, 1.0),
}
CREW: dict[str, int] = {  # people usually on one order: sets an order's duration
    "INJECTION": 3, "ASSEMBLAGE": 2, "CONDITIONNEMENT": 2, "DECOR": 1, "CONTROLE": 1,
}
MAX_DURATION_DAYS = 15
LINKED_SHARE = 0.2  # closed orders made for a specific customer order


def setup_hours(workshop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random set-up time per order, by workshop index."""
    low = np.array([SETUP_HOURS[w][0] for w in WORKSHOPS])[workshop]
    high = np.array([SETUP_HOURS[w][1] for w in WORKSHOPS])[workshop]
    return np.asarray(np.round(rng.uniform(low, high), 1))


def duration_days(hours: np.ndarray, workshop: np.ndarray, efficiency: np.ndarray) -> np.ndarray:
    """Working days an order takes with its usual crew (7 h days at the workshop's efficiency)."""
    daily = np.array([CREW[w] * 7.0 for w in WORKSHOPS])[workshop] * efficiency[workshop]
    return np.asarray(np.clip(np.ceil(hours / daily), 1, MAX_DURATION_DAYS).astype(np.int64))


def _actual_dates(planned_start: np.ndarray, planned_end: np.ndarray, late_risk: np.ndarray,
                  slipped: np.ndarray, calendar: WorkCalendar,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts drift by a day now and then; ends are late under pressure and very late for lots
    the stock simulation let slip into the next month."""
    n = len(planned_start)
    start_shift = rng.choice([-1, 0, 1, 2], size=n, p=[0.08, 0.76, 0.11, 0.05])
    late = rng.uniform(size=n) < 0.08 + late_risk
    overrun = np.where(late, np.minimum(rng.geometric(0.35, n), 10), 0)
    overrun = np.where(slipped, rng.integers(8, 20, n), overrun)
    early = ~late & ~slipped & (planned_end > planned_start) & (rng.uniform(size=n) < 0.1)
    overrun = np.where(early, -1, overrun)
    actual_end = calendar.shift(planned_end, overrun)
    actual_start = np.minimum(calendar.shift(planned_start, start_shift), actual_end)
    return actual_start, actual_end, overrun


def closed_orders(catalogue: Catalogue, lots: pd.DataFrame, hours_per_unit: np.ndarray,
                  pressure: np.ndarray, efficiency: np.ndarray, calendar: WorkCalendar,
                  rng: np.random.Generator) -> pd.DataFrame:
    """The lots of the stock simulation as closed production orders (history only)."""
    sku, month = lots["sku"].to_numpy(), lots["month"].to_numpy()
    quantity = lots["quantity"].to_numpy()
    workshop = catalogue.workshop[sku]
    hours = np.round(quantity * hours_per_unit[sku] + setup_hours(workshop, rng), 1)
    duration = duration_days(hours, workshop, efficiency)
    first_day, n_days = calendar.month_slices()
    day = first_day[month] + (rng.uniform(size=len(sku)) * 0.8 * n_days[month]).astype(np.int64)
    planned_start = calendar.days[day]
    planned_end = calendar.shift(planned_start, duration - 1)
    base = np.array([BASE_LATE_RATE[w] for w in WORKSHOPS])
    risk = np.clip(1.5 * (pressure[workshop, month] - base[workshop]), 0.0, 0.8)
    actual_start, actual_end, overrun = _actual_dates(
        planned_start, planned_end, risk, lots["late"].to_numpy(), calendar, rng)
    done = hours * rng.uniform(0.92, 1.12, len(sku)) * (1 + 0.02 * np.maximum(overrun, 0))
    frame = pd.DataFrame({
        "sku": sku, "workshop": workshop, "quantity": quantity, "planned_start": planned_start,
        "planned_end": planned_end, "actual_start": actual_start, "actual_end": actual_end,
        "hours_required": hours, "hours_done": np.round(done, 1), "progress_pct": 100.0,
        "priority": rng.choice([1, 2, 3], size=len(sku), p=[0.1, 0.25, 0.65]),
    })
    as_of, start = np.datetime64(DEMO_AS_OF, "D"), np.datetime64(HISTORY_START, "D")
    keep = (frame["planned_start"] >= start) & (frame["actual_end"] < as_of)
    return frame[keep.to_numpy()].reset_index(drop=True)


def link_to_customer_orders(frame: pd.DataFrame, orders: pd.DataFrame, sku_codes: np.ndarray,
                            rng: np.random.Generator) -> pd.Series:
    """For a share of closed orders: the latest customer order of that SKU placed before the start."""
    by_sku = {sku: group.sort_values("order_date") for sku, group in orders.groupby("sku")}
    links: list[str | None] = []
    for sku, start in zip(frame["sku"], frame["planned_start"], strict=True):
        lines = by_sku.get(sku_codes[sku])
        if lines is None or rng.uniform() >= LINKED_SHARE:
            links.append(None)
            continue
        position = np.searchsorted(lines["order_date"].to_numpy(), np.datetime64(start, "us"),
                                   side="right") - 1
        links.append(str(lines["order_id"].iloc[position]) if position >= 0 else None)
    return pd.Series(links, dtype="string")


def number_orders(frame: pd.DataFrame, as_of: np.datetime64) -> pd.Series:
    """OF-yy-nnnnn, numbered in order of creation (a week before the planned start) per year."""
    created = np.minimum(frame["planned_start"].to_numpy().astype("datetime64[D]")
                         - np.timedelta64(7, "D"), as_of - np.timedelta64(1, "D"))
    year = created.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((frame["sku"].to_numpy(), created))
    sequence = np.empty(len(frame), dtype=np.int64)
    sequence[order] = pd.Series(year[order]).groupby(year[order]).cumcount().to_numpy() + 1
    return pd.Series([f"OF-{y % 100:02d}-{s:05d}" for y, s in zip(year, sequence, strict=True)])


def production_frame(frame: pd.DataFrame, sku_codes: np.ndarray) -> pd.DataFrame:
    """Canonical `production_orders` table from the merged closed and open orders."""
    frame = frame.assign(mo_id=number_orders(frame, np.datetime64(DEMO_AS_OF, "D")))
    out = pd.DataFrame({
        "mo_id": pd.array(frame["mo_id"], dtype="string"),
        "sku": pd.array(sku_codes[frame["sku"].to_numpy()], dtype="string"),
        "workshop": pd.array([WORKSHOPS[w] for w in frame["workshop"]], dtype="string"),
        "quantity": np.round(frame["quantity"].to_numpy()).astype(np.int64),
    })
    for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
        out[column] = pd.to_datetime(frame[column]).astype(DATE_DTYPE)
    for column in ("hours_required", "hours_done", "progress_pct"):
        out[column] = frame[column].astype(float)
    out["order_id"] = pd.array(frame["order_id"], dtype="string")
    out["priority"] = frame["priority"].astype(np.int64)
    return out[list(PRODUCTION_COLUMNS)].sort_values("mo_id", ignore_index=True)


def weekly_load(production_orders: pd.DataFrame, workshops: pd.DataFrame,
                as_of: dt.date = DEMO_AS_OF, weeks: int = 8) -> pd.DataFrame:
    """Open orders' remaining hours per week as % of weekly capacity (workshop x week).

    Remaining hours are spread evenly over the weekdays between max(planned start, as-of) and the
    planned end; an order already past its planned end is all due in the first week.
    """
    open_orders = production_orders[production_orders["actual_end"].isna()]
    mondays = np.datetime64(as_of, "D") + 7 * np.arange(weeks + 1).astype("timedelta64[D]")
    load = pd.DataFrame(0.0, index=workshops["workshop"].tolist(), columns=range(weeks))
    for row in open_orders.itertuples(index=False):
        remaining = max(float(row.hours_required) - float(row.hours_done), 0.0)
        load.loc[row.workshop] += remaining * week_shares(row.planned_start, row.planned_end,
                                                          mondays)
    capacity = (workshops["headcount"] * workshops["hours_per_week"]
                * workshops["efficiency"]).to_numpy()
    return load.div(capacity, axis=0) * 100.0


def week_shares(planned_start: object, planned_end: object, mondays: np.ndarray) -> np.ndarray:
    """Share of an order's remaining work falling in each week [mondays[k], mondays[k+1])."""
    start = np.datetime64(pd.Timestamp(planned_start).date(), "D")
    end = np.datetime64(pd.Timestamp(planned_end).date(), "D")
    shares = np.zeros(len(mondays) - 1)
    if end < mondays[0]:
        shares[0] = 1.0
        return shares
    begin = max(start, mondays[0])
    days = np.busday_count(np.maximum(begin, mondays[:-1]), np.minimum(end + 1, mondays[1:]))
    total = np.busday_count(begin, end + 1)
    return np.maximum(days, 0) / total if total > 0 else shares
