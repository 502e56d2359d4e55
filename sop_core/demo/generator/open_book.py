"""The open production orders at the as-of date, shaped to tell the demo's capacity story.

INJECTION and ASSEMBLAGE are booked at 110-140% of capacity for the coming weeks while the other
workshops sit at 60-90%. A few orders are already past their planned end (red), a few end within
days with most of their hours still to do (orange/red), the rest are comfortable (green). The
hours of each order are fitted to a target weekly load by iterative proportional fitting, then
turned into a quantity of a real SKU of that workshop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_core.demo.generator.calendar import DEMO_AS_OF, SIM_MONTHS, WorkCalendar
from sop_core.demo.generator.catalogue import WORKSHOPS
from sop_core.demo.generator.production import setup_hours, week_shares
from sop_core.demo.generator.products import Catalogue

HORIZON_WEEKS = 12
# (past due, in progress, not started) open orders per workshop; at least one order starts in
# each of the horizon's 11 working weeks.
OPEN_BOOK: dict[str, tuple[int, int, int]] = {
    "INJECTION": (3, 5, 30), "ASSEMBLAGE": (2, 3, 24), "CONDITIONNEMENT": (1, 2, 12),
    "DECOR": (1, 1, 11), "CONTROLE": (0, 1, 11),
}
# Target load, % of the contract's weekly capacity, for the 12 weeks from the as-of Monday. Week 7
# (21 Dec) has three working days and week 8 is the Christmas closure; after New Year the planning
# horizon thins out as it does in any real order book.
TARGET_LOAD: dict[str, tuple[float, ...]] = {
    "INJECTION": (122, 134, 138, 128, 119, 112, 104, 72, 0, 45, 32, 20),
    "ASSEMBLAGE": (104, 113, 121, 126, 116, 108, 96, 66, 0, 40, 28, 16),
    "CONDITIONNEMENT": (84, 81, 77, 74, 70, 67, 64, 63, 0, 38, 26, 14),
    "DECOR": (88, 76, 82, 71, 69, 64, 62, 63, 0, 36, 24, 14),
    "CONTROLE": (79, 86, 74, 77, 68, 65, 64, 63, 0, 36, 24, 14),
}
LINK_SHARE = 0.4  # open orders made for an identified customer order
LINK_SLACK_DAYS = 3  # an order planned to end this much after the promise is still the one made for it
FIT_ITERATIONS = 80
MIN_HOURS = 8.0


def _monday(week: np.ndarray | int) -> np.ndarray:
    return np.datetime64(DEMO_AS_OF, "D") + (7 * np.asarray(week)).astype("timedelta64[D]")


def _on_or_before(dates: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    return calendar.shift(np.asarray(dates) + np.timedelta64(1, "D"), -1)


def _past_due(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Orders that should have finished last week; some never started (material missing)."""
    started = rng.uniform(size=count) < 0.6
    return pd.DataFrame({
        "planned_start": _monday(rng.integers(-3, -1, count)) + rng.integers(0, 2, count),
        "planned_end": _monday(-1) + rng.integers(2, 5, count),
        "status": "past_due",
        "progress": np.where(started, rng.uniform(0.15, 0.6, count), 0.0), "size_hint": 2.0,
    })


def _running(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Orders started in the last two weeks, ending this week or next. `progress` holds their
    pace for now (share of the elapsed plan actually done); the first one is badly behind."""
    end = _monday(rng.integers(0, 2, count)) + rng.integers(2, 5, count)
    pace, size_hint = rng.uniform(0.6, 1.0, count), np.ones(count)
    if count:  # big, late in its plan and due within days: the orange one
        end[0] = _monday(0) + rng.integers(2, 5)
        pace[0], size_hint[0] = rng.uniform(0.2, 0.35), 4.0
    return pd.DataFrame({
        "planned_start": _monday(rng.integers(-2, 0, count)) + rng.integers(0, 3, count),
        "planned_end": end, "status": "running", "progress": pace, "size_hint": size_hint,
    })


def _orders_per_week(count: int, target: np.ndarray) -> np.ndarray:
    """Start week of each order: one in every working week, the rest where the load is heaviest
    (largest-remainder apportionment, so no week ends up with a single giant order)."""
    open_weeks = np.flatnonzero(target > 0)
    extra = count - len(open_weeks)  # OPEN_BOOK guarantees extra >= 0
    quota = extra * target[open_weeks] / target[open_weeks].sum()
    per_week = np.floor(quota).astype(np.int64)
    leftover = np.argsort(-(quota - per_week), kind="stable")[: extra - per_week.sum()]
    per_week[leftover] += 1
    return np.repeat(open_weeks, per_week + 1)


def _not_started(count: int, target: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Orders released for the horizon; they last one week, or two when both are full weeks."""
    week = _orders_per_week(count, target)
    open_weeks = np.flatnonzero(target > 0)
    full_weeks = open_weeks[:-1][np.diff(open_weeks) == 1]
    two_weeks = np.isin(week, full_weeks) & (rng.uniform(size=count) < 0.5)
    last_week = week + two_weeks
    return pd.DataFrame({
        "planned_start": _monday(week) + (rng.uniform(size=count) < 0.3),
        "planned_end": _monday(last_week) + 4 - (rng.uniform(size=count) < 0.3),
        "status": "future", "progress": np.zeros(count), "size_hint": 1.0,
    })


def _windows(counts: tuple[int, int, int], target: np.ndarray, calendar: WorkCalendar,
             rng: np.random.Generator) -> pd.DataFrame:
    """Planned start/end (working days) and progress of one workshop's open orders."""
    past, running, future = counts
    frame = pd.concat([_past_due(past, rng), _running(running, rng),
                       _not_started(future, target, rng)], ignore_index=True)
    start = calendar.on_or_after(frame["planned_start"].to_numpy().astype("datetime64[D]"))
    end = np.maximum(start, _on_or_before(frame["planned_end"].to_numpy().astype("datetime64[D]"),
                                          calendar))
    elapsed = np.busday_count(start, _monday(0)) / np.busday_count(start, end + 1)
    running = (frame["status"] == "running").to_numpy()
    progress = np.where(running, np.clip(frame["progress"] * elapsed, 0.05, 0.9),
                        frame["progress"])
    return frame.assign(planned_start=start, planned_end=end, progress=progress)


def _fit_hours(windows: pd.DataFrame, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Remaining hours per order so that the weekly sums match the target (proportional fitting)."""
    mondays = _monday(np.arange(HORIZON_WEEKS + 1))
    shares = np.column_stack([week_shares(s, e, mondays) for s, e in zip(
        windows["planned_start"].to_numpy(), windows["planned_end"].to_numpy(), strict=True)])
    # Start proportional to the days left in the window: fitting scales all orders of a week
    # alike, so a two-day order stays smaller than a two-week one.
    begin = np.maximum(windows["planned_start"].to_numpy().astype("datetime64[D]"), mondays[0])
    days = np.busday_count(begin, windows["planned_end"].to_numpy().astype("datetime64[D]") + 1)
    remaining = (np.clip(days, 2, None) * windows["size_hint"].to_numpy()
                 * np.exp(rng.normal(0.0, 0.3, len(windows))))
    for _ in range(FIT_ITERATIONS):
        load = shares @ remaining
        ratio = np.divide(target, load, out=np.ones_like(target), where=load > 0)
        remaining *= (ratio @ shares) / np.maximum(shares.sum(axis=0), 1e-9)
    return np.asarray(np.maximum(remaining, MIN_HOURS))


def _spread_choice(eligible: np.ndarray, weight: np.ndarray, count: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Distinct SKUs while there are enough, favouring the big ones (by hours, square-rooted so
    that one giant SKU does not take the whole book)."""
    p = np.sqrt(weight) / np.sqrt(weight).sum()
    first = rng.choice(eligible, size=min(count, len(eligible)), replace=False, p=p)
    rest = rng.choice(eligible, size=count - len(first), p=p)
    return np.concatenate([first, rest])


def _pick_skus(workshop: int, ends: np.ndarray, catalogue: Catalogue, hours_per_unit: np.ndarray,
               open_lines: pd.DataFrame, rng: np.random.Generator,
               ) -> tuple[np.ndarray, list[str | None], np.ndarray]:
    """A SKU of the workshop for each order (planned to end on `ends`); some are made for an open
    customer order line, one promised no earlier than the order's planned end (minus a small slack):
    the planner launches an order for a line it can serve."""
    count = len(ends)
    eligible = np.flatnonzero((catalogue.workshop == workshop) & (catalogue.end == SIM_MONTHS))
    weight = (catalogue.base_volume * catalogue.occurrence * hours_per_unit)[eligible]
    lines = open_lines[np.isin(open_lines["sku_index"], eligible)].sort_values(
        ["promised_date", "order_id"], ignore_index=True)
    promised = lines["promised_date"].to_numpy().astype("datetime64[D]")
    skus = _spread_choice(eligible, weight, count, rng)
    links: list[str | None] = [None] * count
    priority = rng.choice([2, 3], size=count, p=[0.2, 0.8])
    soon = np.datetime64(DEMO_AS_OF, "D") + np.timedelta64(7, "D")
    free = np.ones(len(lines), dtype=bool)
    linked = np.flatnonzero(rng.uniform(size=count) < LINK_SHARE)
    for i in linked[np.argsort(ends[linked], kind="stable")]:  # the order that ends first chooses first
        servable = np.flatnonzero(free & (promised + np.timedelta64(LINK_SLACK_DAYS, "D") >= ends[i]))
        if not len(servable):
            continue
        pick = int(rng.choice(servable[:5]))  # one of the next lines promised after it
        free[pick] = False
        skus[i], links[i] = lines["sku_index"].iloc[pick], str(lines["order_id"].iloc[pick])
        priority[i] = 1 if promised[pick] < soon else 2
    return skus, links, priority


def _quantities(frame: pd.DataFrame, hours_per_unit: np.ndarray,
                rng: np.random.Generator) -> pd.DataFrame:
    """Quantity (3 significant figures) from the fitted remaining hours, then hours and progress."""
    progress = frame["progress"].to_numpy()
    setup = setup_hours(frame["workshop"].to_numpy(), rng)
    hpu = hours_per_unit[frame["sku"].to_numpy()]
    wanted = np.maximum(frame["remaining"].to_numpy() / (1.0 - progress) - setup, hpu)
    raw = wanted / hpu
    step = 10.0 ** np.maximum(np.floor(np.log10(raw)) - 2, 0)
    quantity = np.maximum(np.round(raw / step) * step, 1.0)
    required = np.round(quantity * hpu + setup, 1)
    done = np.round(progress * required, 1)
    return frame.assign(quantity=quantity, hours_required=required, hours_done=done,
                        progress_pct=np.round(100.0 * done / required, 1))


def _actual_start(frame: pd.DataFrame, calendar: WorkCalendar,
                  rng: np.random.Generator) -> np.ndarray:
    """Started orders began on plan or a day or two late, never after today."""
    started = frame["progress"].to_numpy() > 0
    shifted = calendar.shift(frame["planned_start"].to_numpy(), rng.integers(0, 3, len(frame)))
    latest = _on_or_before(np.array([np.datetime64(DEMO_AS_OF, "D") - 1]), calendar)[0]
    actual = np.minimum(shifted, latest)
    return np.where(started, actual, np.datetime64("NaT"))


def open_orders(catalogue: Catalogue, orders: pd.DataFrame, hours_per_unit: np.ndarray,
                capacity: dict[str, float], calendar: WorkCalendar,
                rng: np.random.Generator) -> pd.DataFrame:
    """All open production orders, in the same internal layout as the closed ones."""
    index_of = {code: i for i, code in enumerate(catalogue.sku)}
    open_lines = orders[orders["delivered_date"].isna()].assign(
        sku_index=lambda f: f["sku"].map(index_of).astype(np.int64))
    parts = []
    for w, shop in enumerate(WORKSHOPS):
        target = np.array(TARGET_LOAD[shop]) / 100.0 * capacity[shop]
        windows = _windows(OPEN_BOOK[shop], target, calendar, rng)
        skus, links, priority = _pick_skus(w, windows["planned_end"].to_numpy(), catalogue, hours_per_unit,
                                           open_lines, rng)
        parts.append(windows.assign(remaining=_fit_hours(windows, target, rng), sku=skus,
                                    workshop=w, order_id=links, priority=priority))
    frame = _quantities(pd.concat(parts, ignore_index=True), hours_per_unit, rng)
    past_due = (frame["status"] == "past_due") & (frame["priority"] == 3)
    frame.loc[past_due, "priority"] = 2  # the planner has already escalated what is late
    return frame.assign(actual_start=_actual_start(frame, calendar, rng),
                        actual_end=np.datetime64("NaT"))
