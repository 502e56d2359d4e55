"""Forecast runs: every SKU's demand forecast, computed in parallel processes and stored.

A run reads the demand history as of a date, forecasts each SKU (see `selection`) in local processes
or on a Dask cluster (see `cluster`), and writes one row per SKU x period with the 80% and 95%
intervals, the model chosen and why, and every candidate's backtest score, in one transaction. Pages
only read runs; they never fit a model. The reason is stored as its message's JSON
(`Message.to_json`), so a run reads in either language.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sop_core.common import GRANULARITIES, Message, Progress, check_granularity, next_period, period_start, silent
from sop_core.data import Store, allow
from sop_core.forecast.cluster import Cluster, batch_size
from sop_core.forecast.demand import demand_history
from sop_core.forecast.models import SeriesContext, get_model
from sop_core.forecast.selection import SeriesForecast, forecast_series

CHUNK = 20
# Starting a worker process imports pandas and statsforecast (about 3 s): below this many SKUs one
# process finishes first.
PARALLEL_FROM = 300
DEFAULT_HORIZON = {"month": 18, "week": 26}


@dataclass(frozen=True)
class ForecastSettings:
    """What a run does. `model` is "auto" or a model name forced on every SKU."""

    granularity: str = "month"
    horizon: int | None = None  # default: 18 months or 26 weeks
    model: str = "auto"
    cutoffs: int = 3
    jobs: int = 2

    @property
    def periods(self) -> int:
        return self.horizon or DEFAULT_HORIZON[self.granularity]

    def check(self) -> None:
        check_granularity(self.granularity)
        if self.model != "auto":
            get_model(self.model)
        if self.periods < 1 or self.jobs < 1 or self.cutoffs < 1:
            raise ValueError("horizon, jobs and cutoffs must be at least 1")


@dataclass(frozen=True)
class SeriesTask:
    sku: str
    values: np.ndarray
    first_period: dt.date | None
    forced: str | None


def _forecast_chunk(tasks: Sequence[SeriesTask], settings: ForecastSettings) -> list[tuple[str, SeriesForecast]]:
    """Worker: forecast a few SKUs (module-level so that processes can pickle it)."""
    _, _, season, freq = GRANULARITIES[settings.granularity]
    out = []
    for task in tasks:
        first = pd.Timestamp(task.first_period) if task.first_period else pd.Timestamp("2000-01-01")
        context = SeriesContext(season, first, freq)
        out.append((task.sku, forecast_series(task.values, settings.periods, context, settings.cutoffs, task.forced)))
    return out


def forced_models(store: Store) -> dict[str, str]:
    """SKU -> model forced by a user, the SKU's own choice winning over its family's."""
    rows = store.query(
        """
        SELECT p.sku, coalesce(s.model, f.model) AS model
        FROM products p
        LEFT JOIN forced_models s ON s.level = 'sku' AND s.key = p.sku
        LEFT JOIN forced_models f ON f.level = 'family' AND f.key = p.family
        WHERE coalesce(s.model, f.model) IS NOT NULL
        """
    )
    return dict(zip(rows["sku"], rows["model"], strict=True))


def _tasks(history: pd.DataFrame, forced: dict[str, str], settings: ForecastSettings) -> list[SeriesTask]:
    tasks = []
    for sku, group in history.groupby("sku", sort=True):
        known = group.dropna(subset=["period"])
        first = known["period"].iloc[0].date() if len(known) else None
        model = settings.model if settings.model != "auto" else forced.get(str(sku))
        tasks.append(SeriesTask(str(sku), known["quantity"].to_numpy(float), first, model))
    return tasks


def _chunks(tasks: list[SeriesTask], size: int = CHUNK) -> Iterator[list[SeriesTask]]:
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def compute_forecasts(
    tasks: list[SeriesTask], settings: ForecastSettings, progress: Progress, lang: str = "en",
    cluster: str | None = None,
) -> list[tuple[str, SeriesForecast]]:
    """Forecast every task, in `settings.jobs` processes or on the Dask `cluster` at this address,
    reporting progress (in `lang`) as chunks finish."""
    results: list[tuple[str, SeriesForecast]] = []

    def report(fraction: float) -> None:
        progress(fraction, Message("forecast.progress.done", {"done": len(results), "total": len(tasks)}).render(lang))

    if cluster is not None:
        with Cluster(cluster) as on:
            size = batch_size(len(tasks), on.threads)
            chunks = list(_chunks(tasks, size))
            progress(0.0, Message("forecast.progress.cluster", {
                "address": cluster, "workers": on.workers, "threads": on.threads, "batches": len(chunks),
                "size": size}).render(lang))
            for done, part in enumerate(on.as_completed(_forecast_chunk, chunks, settings), start=1):
                results += part
                report(done / len(chunks))
        return sorted(results, key=lambda pair: pair[0])
    chunks = list(_chunks(tasks))
    if settings.jobs == 1 or len(tasks) < PARALLEL_FROM:
        for i, chunk in enumerate(chunks):
            results += _forecast_chunk(chunk, settings)
            report((i + 1) / len(chunks))
        return results
    # "spawn": a forked copy of a process holding DuckDB and web-server threads can deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=settings.jobs, mp_context=context) as pool:
        futures = [pool.submit(_forecast_chunk, chunk, settings) for chunk in chunks]
        for done, future in enumerate(as_completed(futures), start=1):
            results += future.result()
            report(done / len(chunks))
    return sorted(results, key=lambda pair: pair[0])


def _frames(
    results: list[tuple[str, SeriesForecast]], first_period: dt.date, settings: ForecastSettings
) -> dict[str, pd.DataFrame]:
    periods = [next_period(first_period, settings.granularity, i) for i in range(settings.periods)]
    values = pd.DataFrame({
        "sku": np.repeat([sku for sku, _ in results], settings.periods),
        "period": periods * len(results),
        **{col: np.concatenate([getattr(r, col) for _, r in results]) if results else []
           for col in ("mean", "lower_80", "upper_80", "lower_95", "upper_95")},
    }).rename(columns={"mean": "forecast"})
    choices = pd.DataFrame([(sku, r.model, r.profile, r.reason.to_json(), r.history_used) for sku, r in results],
                           columns=["sku", "model", "profile", "reason", "history_periods"])
    scores = pd.DataFrame([(sku, m, s if np.isfinite(s) else None) for sku, r in results for m, s in r.scores.items()],
                          columns=["sku", "model", "score"])
    return {"forecast_values": values, "forecast_choices": choices, "forecast_backtests": scores}


def _store_run(store: Store, frames: dict[str, pd.DataFrame], settings: ForecastSettings, as_of: dt.date,
               seconds: float) -> int:
    with store.transaction() as cur:
        run_id = int(cur.execute("SELECT nextval('forecast_run_seq')").fetchall()[0][0])
        cur.execute(
            "INSERT INTO forecast_runs VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')",
            [run_id, store.data_version(), as_of, settings.granularity, settings.periods, settings.model,
             json.dumps(asdict(settings)), len(frames["forecast_choices"]), seconds],
        )
        for table, frame in frames.items():
            cur.register("_frame", frame)
            cur.execute(f"INSERT INTO {table} SELECT ?, * FROM _frame", [run_id])
            cur.unregister("_frame")
    return run_id


def run_forecast(store: Store, settings: ForecastSettings, as_of: dt.date, progress: Progress | None = None,
                 lang: str = "en", cluster: str | None = None) -> int:
    """Forecast every SKU from the history before `as_of`'s period; store the run; return its id.
    `progress` is told how far the run is, in `lang`. With `cluster` (a Dask scheduler's address,
    `tcp://HOST:PORT`) the SKUs are forecast there (`cluster.py`), to the same numbers; a cluster that
    fails raises `ClusterError` before anything is stored."""
    allow(store, "planner")
    settings.check()
    report = progress or silent
    started = time.perf_counter()
    history = demand_history(store, settings.granularity, as_of)
    tasks = _tasks(history, forced_models(store), settings)
    report(0.0, Message(f"forecast.progress.start.{settings.granularity}",
                        {"skus": len(tasks), "periods": settings.periods}).render(lang))
    results = compute_forecasts(tasks, settings, report, lang, cluster)
    frames = _frames(results, period_start(as_of, settings.granularity), settings)
    return _store_run(store, frames, settings, as_of, time.perf_counter() - started)


def latest_run(store: Store, granularity: str = "month") -> int | None:
    """The newest successful run at this granularity, or None."""
    value = store.scalar(
        "SELECT max(run_id) FROM forecast_runs WHERE status = 'ok' AND granularity = ?", [granularity]
    )
    return None if value is None else int(value)
