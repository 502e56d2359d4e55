"""Scale benchmark: the forecast of many SKUs on the local process pool vs a Dask cluster.

    python bench/scale_bench.py [--series 20000] [--workers 2] [--seed 42]

Synthesises `--series` monthly demand series (24 to 60 months; level, trend, yearly season and noise;
one in four intermittent, one in twenty without demand), then forecasts them 18 months ahead with the
product's path, `runs.compute_forecasts`, three ways, in this order:

* one: the first 100 series in this process (one core, after a warm-up): the per-series cost;
* local: `--workers` spawned processes, the product's default path (`--jobs`), pool start included;
* cluster: a `distributed.LocalCluster` of `--workers` processes x 1 thread (started before the
  clock, as a user's cluster is), through `--cluster` (`cluster.Cluster`): first run on fresh workers
  (cold: imports and numba compilation in each worker), then the same series again (warm).

Also the scheduling cost: 400 empty batches through the same cluster, per task. The cluster's results
must equal the local ones (checked, like the tests). Prints the wall times, the overhead ratio
cluster / local, and series per second per worker core. A measurement: it exits 0 whatever it finds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from sop_core.common import silent
from sop_core.forecast.cluster import MAX_TASKS, Cluster, batch_size
from sop_core.forecast.runs import ForecastSettings, SeriesTask, _forecast_chunk, compute_forecasts

FIRST = dt.date(2021, 1, 1)
T = TypeVar("T")


def synthesise(n: int, seed: int) -> list[SeriesTask]:
    rng = np.random.default_rng(seed)
    tasks = []
    for i in range(n):
        months = int(rng.integers(24, 61))
        t = np.arange(months)
        level = rng.lognormal(4, 1)
        season = np.sin(2 * np.pi * (t + rng.integers(12)) / 12)
        y = level * (1 + rng.normal(0, 0.01) * t + rng.uniform(0, 0.4) * season)
        y = y + rng.normal(0, 0.15 * level, months)
        if i % 4 == 1:  # intermittent: demand in about one period out of three
            y = y * (rng.random(months) < rng.uniform(0.15, 0.5))
        if i % 20 == 3:
            y = y * 0
        tasks.append(SeriesTask(f"SKU{i:06d}", np.maximum(y, 0).round(), FIRST, None))
    return tasks


def timed(label: str, run: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = run()
    wall = time.perf_counter() - start
    print(f"{label:<34}{wall:>9.1f} s", flush=True)
    return wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    from distributed import LocalCluster

    tasks = synthesise(args.series, args.seed)
    settings = ForecastSettings(horizon=18, jobs=args.workers)
    cores = args.workers
    _forecast_chunk(tasks[:10], settings)  # warm-up: imports and numba compilation
    one, _ = timed("one core, 100 series", lambda: _forecast_chunk(tasks[:100], settings))
    per_series = one / 100
    print(f"  {1000 * per_series:.1f} ms/series on one core; {args.series} series on {cores} cores: "
          f"about {args.series * per_series / cores / 60:.1f} min per run", flush=True)

    local_wall, local = timed(f"local pool, {cores} processes", lambda: compute_forecasts(tasks, settings, silent))
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
        address = lc.scheduler_address
        cold_wall, cold = timed(f"cluster, {cores} workers, cold",
                                lambda: compute_forecasts(tasks, settings, silent, cluster=address))
        warm_wall, _ = timed(f"cluster, {cores} workers, warm",
                             lambda: compute_forecasts(tasks, settings, silent, cluster=address))
        with Cluster(address) as on:
            connect_wall, _ = timed("connect + checks", lambda: Cluster(address).close())
            empty: list[list[SeriesTask]] = [[] for _ in range(MAX_TASKS)]
            tasks_wall, _ = timed(f"{MAX_TASKS} empty batches", lambda: list(on.as_completed(_forecast_chunk, empty,
                                                                                           settings)))
    same = [(s, r.mean.tolist(), r.model, r.scores) for s, r in local] == [
        (s, r.mean.tolist(), r.model, r.scores) for s, r in cold]
    size = batch_size(args.series, cores)
    print(f"\n=== {args.series} series, {cores} worker cores, batches of {size} "
          f"({-(-args.series // size)} tasks) ===")
    print(f"{'path':<22}{'wall s':>9}{'series/s/core':>15}{'vs local':>10}")
    for name, wall in (("local pool", local_wall), ("cluster cold", cold_wall), ("cluster warm", warm_wall)):
        print(f"{name:<22}{wall:>9.1f}{args.series / wall / cores:>15.2f}{wall / local_wall:>10.3f}")
    print(f"one core in-process: {1 / per_series:.2f} series/s; scheduling: "
          f"{1000 * tasks_wall / MAX_TASKS:.1f} ms per task (wall, {MAX_TASKS} empty tasks on {cores} workers); "
          f"connect + checks {connect_wall:.2f} s")
    print(f"cluster results identical to local: {same}")


if __name__ == "__main__":
    main()
