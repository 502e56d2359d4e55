"""Production-delay benchmark: `project` + `weekly_load` on a large open book vs a bare vectorised bound.

    python bench/production_bench.py [--orders 20000] [--workshops 10] [--weeks 26] [--repeats 5] [--seed 42]

Generates `--orders` open manufacturing orders over `--workshops` workshops: remaining hours
lognormal (median 12 h, a long tail of big runs), planned windows of 1-15 working days starting
over the `--weeks` weeks around the as-of date (about 15% already past their planned end, 30%
started with some progress, priorities on a third of them), and the daily capacity of the workshops
(`daily_capacity`, 730 days) sized so that the book loads them at about 90% on average. It then
times, the median of `--repeats` runs after one warm-up, what the Production page computes
(`project`, then `weekly_load` given that projection) and, in the same process, the bare lower
bound: per workshop, sort by due date, cumulative sum of the hours, `np.searchsorted` into the
cumulative capacity (every order released at once, one queue, no status). Verdict: the status
computation under 1 s. It exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from timing import median_seconds  # bench/ is the script's folder, first on sys.path

from sop_core.production.calendar import holiday_calendar
from sop_core.production.engine import daily_capacity, project
from sop_core.production.load import weekly_load

MAX_SECONDS = 1.0
AS_OF = dt.date(2026, 11, 2)
LOAD_FACTOR = 0.9


def build_book(orders: int, workshops: int, weeks: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The open orders and their workshops (headcount, hours, efficiency)."""
    rng = np.random.default_rng(seed)
    calendar = holiday_calendar(AS_OF.year - 1, AS_OF.year + 3)
    today = np.datetime64(AS_OF, "D")
    names = np.array([f"WS{i:02d}" for i in range(workshops)])
    shop = rng.integers(0, workshops, orders)
    total = np.round(rng.lognormal(np.log(12.0), 0.9, orders), 1) + 0.5
    offset = rng.integers(-3 * 5, weeks * 5, orders)  # working days from as_of; negative = planned earlier
    start = np.busday_offset(today, offset, roll="forward", busdaycal=calendar)
    end = np.busday_offset(start, rng.integers(0, 15, orders), busdaycal=calendar)
    started = (start < today) & (rng.uniform(size=orders) < 0.8)
    done = np.where(started, rng.uniform(0.0, 0.9, orders), 0.0)
    book = pd.DataFrame({
        "mo_id": [f"OF-{i:06d}" for i in range(orders)], "sku": [f"SKU-{i % 3000:05d}" for i in range(orders)],
        "workshop": names[shop], "remaining_hours": np.round(total * (1 - done), 2), "total_hours": total,
        "planned_start": start.astype("datetime64[ns]"), "planned_end": end.astype("datetime64[ns]"),
        "actual_start": np.where(started, start, np.datetime64("NaT")).astype("datetime64[ns]"),
        "progress": np.where(started & (rng.uniform(size=orders) < 0.5), done, np.nan),
        "priority": np.where(rng.uniform(size=orders) < 0.3, rng.integers(1, 4, orders), np.nan),
        "order_id": pd.Series("CMD-" + (np.arange(orders) // 2).astype(str)).where(rng.uniform(size=orders) < 0.4),
    })
    # Headcount so that each workshop's planned hours fill LOAD_FACTOR of its weeks.
    hours = np.bincount(shop, weights=book["remaining_hours"].to_numpy(), minlength=workshops)
    per_week = hours / (weeks + 3) / LOAD_FACTOR
    frame = pd.DataFrame({"workshop": names, "headcount": np.ceil(per_week / (35.0 * 0.85)), "hours_per_week": 35.0,
                          "efficiency": 0.85})
    return book, frame


def bare_bound(book: pd.DataFrame, capacity: pd.DataFrame) -> dict[str, np.ndarray]:
    """Infinite-release single queue per workshop: due-date order, cumsum, searchsorted."""
    ends = {}
    for (workshop, orders), (_, days) in zip(book.groupby("workshop"), capacity.groupby("workshop"), strict=True):
        hours = orders.sort_values("planned_end")["remaining_hours"].to_numpy()
        cumulated = np.cumsum(days["hours"].to_numpy())
        ends[workshop] = days["day"].to_numpy()[np.minimum(np.searchsorted(cumulated, np.cumsum(hours) - 1e-6),
                                                           len(cumulated) - 1)]
    return ends


def page(book: pd.DataFrame, capacity: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """What the Production page computes."""
    projected = project(book, capacity, AS_OF)
    weekly_load(book, capacity, AS_OF, weeks=weeks, projected=projected)
    return projected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--workshops", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    book, workshops = build_book(args.orders, args.workshops, args.weeks, args.seed)
    capacity = daily_capacity(workshops, AS_OF, 730)
    projected = page(book, capacity, args.weeks)
    statuses = projected["status"].value_counts()
    print(f"book: {len(book):,} open orders, {args.workshops} workshops, {book['remaining_hours'].sum():,.0f} h left, "
          f"{(book['planned_end'] < pd.Timestamp(AS_OF)).mean():.0%} past their planned end, "
          f"{book['actual_start'].notna().mean():.0%} started; capacity {len(capacity):,} workshop-days")
    print("statuses: " + ", ".join(f"{s} {statuses.get(s, 0):,}" for s in ("red", "orange", "green"))
          + f"; cannot finish {projected['projected_end'].isna().sum():,}")
    bound, _ = median_seconds(lambda: bare_bound(book, capacity), args.repeats)
    print(f"\n{'step':<26}{'median s':>10}{'x bare':>9}   runs (s)")
    steps: dict[str, Callable[[], Any]] = {
        "project": lambda: project(book, capacity, AS_OF),
        "weekly_load (projected)": lambda: weekly_load(book, capacity, AS_OF, weeks=args.weeks, projected=projected),
        "project + weekly_load": lambda: page(book, capacity, args.weeks),
    }
    medians = {}
    for name, step in steps.items():
        medians[name], runs = median_seconds(step, args.repeats)
        print(f"{name:<26}{medians[name]:>10.3f}{medians[name] / bound:>9.1f}   " + " ".join(f"{r:.3f}" for r in runs))
    total = medians["project + weekly_load"]
    print(f"{'bare bound (cumsum)':<26}{bound:>10.4f}{1.0:>9.1f}")
    print("\nVERDICT: " + ("PASS" if total < MAX_SECONDS else "FAIL")
          + f": project + weekly_load {total:.3f} s, {total / bound:.0f}x the bare bound "
          f"(target: status computation under {MAX_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
