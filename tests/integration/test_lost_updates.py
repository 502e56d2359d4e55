"""Two planners on one server never lose or add up each other's changes: a consensus change is
recorded against the final its author saw, and a colleague's change meanwhile is shown, not summed."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from sop_core.data.store import Store
from sop_core.forecast.consensus import ConsensusConflict, final_forecast, set_final
from sop_core.forecast.runs import ForecastSettings, run_forecast


def _final(store: Store, run: int, sku: str, period: dt.date) -> float:
    rows = final_forecast(store, run)
    return float(rows[(rows["sku"] == sku) & (rows["period"].dt.date == period)]["final"].iloc[0])


def test_two_planners_changing_one_cell_at_once(demo_db: Path) -> None:
    """Claire and Marc both see F for one SKU and month and type F + 20 and F + 10 at the same
    instant: one is recorded, the other is told (F, F + 20 or F + 10 now, its own wish), and the
    final is the recorded one's, never F + 30."""
    with Store(demo_db) as store:
        run = run_forecast(store, ForecastSettings(horizon=2, jobs=1), store.as_of())
        rows = final_forecast(store, run)
        sku, period = str(rows.iloc[0]["sku"]), rows.iloc[0]["period"].date()
        seen = _final(store, run, sku, period)
        start = threading.Barrier(2)
        done: dict[str, float | ConsensusConflict] = {}

        def planner(name: str, wanted: float) -> None:
            start.wait()
            try:
                set_final(store, name, None, "sku", sku, "month", period, run, wanted, seen=seen)
                done[name] = wanted
            except ConsensusConflict as exc:
                done[name] = exc

        threads = [threading.Thread(target=planner, args=(name, seen + delta))
                   for name, delta in (("Claire", 20.0), ("Marc", 10.0))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        recorded = [value for value in done.values() if isinstance(value, float)]
        told = [value for value in done.values() if isinstance(value, ConsensusConflict)]
        assert len(recorded) == 1 and len(told) == 1
        assert _final(store, run, sku, period) == pytest.approx(recorded[0])
        assert (told[0].seen, told[0].now) == (pytest.approx(seen), pytest.approx(recorded[0]))
        assert "someone changed it to" in told[0].render("en") and "Nothing was recorded" in told[0].render("en")
        # Told, the planner applies their value knowingly: it replaces the colleague's, exactly.
        set_final(store, "Marc", None, "sku", sku, "month", period, run, told[0].wanted)
        assert _final(store, run, sku, period) == pytest.approx(told[0].wanted)
