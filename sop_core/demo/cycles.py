"""Past S&OP cycles for the demo: real forecasts made as of each past month, frozen.

The accuracy page needs snapshots frozen months ago to show lag-based figures. Rather than invent
them, each past cycle really re-runs the forecast on the history cut at the cycle's first day
(`run_forecast` only reads demand before `as_of`) and freezes it, so the demo's accuracy is what
the engine would have achieved. It costs one forecast run per cycle (6-10 s for the 150 demo SKUs,
more as the history grows): 6 cycles took 54 s and 12 cycles 3 min on a busy two-core machine, so
the default is 6 cycles, and it is meant to run once and ship its result as a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sop_core.common import Cycle, Progress, next_period, silent
from sop_core.data import Store
from sop_core.forecast import ForecastSettings, freeze_cycle, run_forecast

DEMO_HORIZON = 6
DEMO_CYCLES = 6


def past_cycles(as_of: dt.date, count: int = DEMO_CYCLES) -> list[Cycle]:
    """The `count` cycles before the one holding `as_of`, oldest first."""
    first = as_of.replace(day=1)
    return [Cycle.of(next_period(first, "month", -back)) for back in range(count, 0, -1)]


def _drop_run(store: Store, run_id: int) -> None:
    """Remove a past-cycle run once frozen: the snapshot holds what the accuracy page needs, and
    keeping the run would make it the "latest" forecast the other pages show."""
    with store.transaction() as cur:
        for table in ("forecast_values", "forecast_choices", "forecast_backtests", "forecast_runs"):
            cur.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])


def build_demo_snapshots(store: Store, cycles: Sequence[Cycle], horizon: int = DEMO_HORIZON,
                         progress: Progress | None = None, keep_runs: bool = False) -> int:
    """Forecast as of the first day of each cycle month and freeze it; return the rows frozen.

    Every run uses the current forced models and consensus adjustments of its periods (the demo
    has none). The runs themselves are deleted after freezing unless `keep_runs`.
    """
    report = progress or silent
    frozen = 0
    for i, cycle in enumerate(cycles):
        start = cycle.start
        report(i / len(cycles), f"Cycle {cycle}: forecasting as of {start}")
        run_id = run_forecast(store, ForecastSettings(horizon=horizon, jobs=1), as_of=start)
        frozen += freeze_cycle(store, cycle, run_id)
        if not keep_runs:
            _drop_run(store, run_id)
    report(1.0, f"{len(cycles)} cycles frozen ({frozen} rows)")
    return frozen


def write_demo_snapshots(store: Store, path: Path) -> int:
    """Save the frozen snapshots as the demo's CSV; `frozen_at` is set to each cycle's first day
    (the meeting) so the file does not change with the day it was generated."""
    frame = store.query("SELECT * FROM forecast_snapshots ORDER BY cycle, sku, period")
    frame["frozen_at"] = pd.to_datetime(frame["cycle"] + "-01")
    frame.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    return len(frame)
