"""Forecast benchmark: the product's automatic forecaster vs Prophet, seasonal naive and an ensemble.

    python bench/forecast_bench.py [--sets m1,tourism,m4w] [--limit N] [--jobs 2]

On the train part of each real set (M1 monthly h=18, Tourism monthly h=24, M4 weekly h=13; synthetic
dates from 2000-01) it forecasts the official horizon with:

* auto: `forecast_series(y, h, ctx)`, the product's path;
* prophet: `Prophet()` with default settings, `make_future_dataframe(h, freq=...)`;
* snaive: statsforecast `SeasonalNaive`;
* ensemble: mean of statsforecast `AutoETS`, `AutoTheta`, `AutoARIMA` (season 12 / 52). AutoARIMA uses
  `approximation=None` (R auto.arima's rule: CSS search above 150 points; statsforecast's default, full
  ML, is 12x slower, 16 s on a 306-month series) and season 1 on weekly data (with 52: minutes per fit).

Scores on the held-out test part: mean sMAPE (%), mean MASE (in-sample seasonal-naive scale, m = 12
monthly, 52 weekly, m = 1 for a weekly train part shorter than 2*52+1) and the set's overall WAPE.
Every method runs over the same `--jobs` process pool (workers warmed up before timing), so
ms/series = wall time / number of series compares. It is a measurement: it exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from sop_core.forecast.accuracy import mase, smape
from sop_core.forecast.models import SeriesContext
from sop_core.forecast.selection import forecast_series

Floats = NDArray[np.float64]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "forecasting"
if not DATA.exists():  # run from another checkout: fall back on the shared absolute path
    DATA = Path("/work/shared/data/forecasting")
METHODS = ("auto", "prophet", "snaive", "ensemble")
MONTHLY = SeriesContext(12, pd.Timestamp("2000-01-01"), "MS")
WEEKLY = SeriesContext(52, pd.Timestamp("2000-01-03"), "W-MON")  # a Monday
MAX_MS_MONTHLY = 150.0
ENSEMBLE_SLACK = 1.03
SEED = 42


@dataclass(frozen=True)
class Series:
    sid: str
    train: Floats
    test: Floats
    context: SeriesContext


def load(name: str, limit: int | None) -> list[Series]:
    if name in ("m1", "tourism"):
        frame = pd.read_csv(DATA / f"{'m1' if name == 'm1' else 'tourism'}_monthly.csv")
        out = []
        for sid, group in frame.groupby("series_id", sort=False):
            group = group.sort_values("t")
            part = {s: g["y"].to_numpy(float) for s, g in group.groupby("split")}
            out.append(Series(str(sid), part["train"], part["test"], MONTHLY))
    elif name == "m4w":
        train = pd.read_csv(DATA / "m4_weekly_train.csv").set_index("V1")
        test = pd.read_csv(DATA / "m4_weekly_test.csv").set_index("V1")
        out = [Series(str(sid), row.dropna().to_numpy(float), test.loc[sid].dropna().to_numpy(float), WEEKLY)
               for sid, row in train.iterrows()]
    else:
        raise SystemExit(f"unknown set {name!r}: use m1, tourism, m4w")
    return out[:limit] if limit else out


def _silence() -> None:
    warnings.simplefilter("ignore")
    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.ERROR)
        logging.getLogger(name).disabled = True


def forecast(method: str, s: Series) -> tuple[Floats, str]:
    """One method's forecast of the test horizon, and the model `auto` chose (else "")."""
    h, ctx, y = len(s.test), s.context, s.train
    if method == "auto":
        result = forecast_series(y, h, ctx)
        return np.asarray(result.mean, dtype=float), result.model
    if method == "prophet":
        from prophet import Prophet

        np.random.seed(SEED)  # Prophet's uncertainty sampling; the MAP fit itself is deterministic
        model = Prophet()
        model.fit(pd.DataFrame({"ds": pd.date_range(ctx.first_period, periods=len(y), freq=ctx.freq), "y": y}))
        future = model.make_future_dataframe(periods=h, freq=ctx.freq, include_history=False)
        return model.predict(future)["yhat"].to_numpy(float), ""
    if method == "snaive":
        return np.asarray(SeasonalNaive(season_length=ctx.season).forecast(y=y, h=h)["mean"], dtype=float), ""
    if method == "ensemble":
        arima_season = ctx.season if ctx.season <= 12 else 1  # AutoARIMA with 52 takes minutes per fit
        models = (AutoETS(season_length=ctx.season), AutoTheta(season_length=ctx.season),
                  AutoARIMA(season_length=arima_season, approximation=None))  # R's rule: CSS above 150 points
        return np.mean([np.asarray(m.forecast(y=y, h=h)["mean"], dtype=float) for m in models], axis=0), ""
    raise ValueError(method)


def _task(job: tuple[str, Series]) -> tuple[Floats, str, bool]:
    method, s = job
    try:
        mean, model = forecast(method, s)
        if mean.shape == s.test.shape and np.all(np.isfinite(mean)):
            return mean, model, False
    except Exception:  # counted as a failure; scored with the seasonal naive forecast
        pass
    return forecast("snaive", s)[0], "", True


def _init(barrier: Barrier) -> None:
    """Silence, seed, and run every method once (imports, numba compilation) before any timing."""
    _silence()
    np.random.seed(SEED)
    rng = np.random.default_rng(SEED)
    for ctx, n, h in ((MONTHLY, 60, 6), (WEEKLY, 160, 4)):
        y = 100 + 10 * np.sin(np.arange(n + h) * 2 * np.pi / ctx.season) + rng.normal(0, 2, n + h)
        for method in METHODS:
            forecast(method, Series("warmup", y[:n], y[n:], ctx))
    barrier.wait()


def _ping(_: int) -> None:
    return None


def mase_season(s: Series) -> int:
    """m = 12 monthly, 52 weekly, 1 for a weekly history shorter than 2*52+1 (the usual fallback)."""
    return s.context.season if s.context.season <= 12 or len(s.train) >= 2 * s.context.season + 1 else 1


def score(series: list[Series], forecasts: list[Floats]) -> dict[str, float]:
    smapes = [smape(s.test, f) for s, f in zip(series, forecasts, strict=True)]
    mases = [mase(s.test, f, s.train, mase_season(s)) for s, f in zip(series, forecasts, strict=True)]
    abs_err = sum(float(np.abs(f - s.test).sum()) for s, f in zip(series, forecasts, strict=True))
    return {"smape": 100 * float(np.nanmean(smapes)), "mase": float(np.nanmean(mases)),
            "wape": 100 * abs_err / sum(float(np.abs(s.test).sum()) for s in series)}


def verdict(name: str, rows: dict[str, dict[str, float]], monthly: bool) -> str:
    auto, fails = rows["auto"], []
    for rival in ("prophet", "snaive"):
        for metric in ("mase", "wape"):
            if rival in rows and not auto[metric] < rows[rival][metric]:
                fails.append(f"{metric.upper()} {auto[metric]:.3f} not below {rival} {rows[rival][metric]:.3f}")
    if "ensemble" in rows and auto["mase"] > ENSEMBLE_SLACK * rows["ensemble"]["mase"]:
        fails.append(f"MASE {auto['mase']:.3f} > 1.03 x ensemble {rows['ensemble']['mase']:.3f}")
    if monthly and auto["ms"] > MAX_MS_MONTHLY:
        fails.append(f"{auto['ms']:.0f} ms/series > {MAX_MS_MONTHLY:.0f}")
    ok = "PASS" if not fails else "FAIL: " + "; ".join(fails)
    return f"VERDICT {name}: {ok}"


def run_set(name: str, series: list[Series], pool: mp.pool.Pool) -> None:
    rows: dict[str, dict[str, float]] = {}
    forecasts: dict[str, list[Floats]] = {}
    chosen: Counter[str] = Counter()
    for method in METHODS:
        start = time.perf_counter()
        out = pool.map(_task, [(method, s) for s in series], chunksize=1)
        wall = time.perf_counter() - start
        forecasts[method] = [f for f, _, _ in out]
        rows[method] = {**score(series, forecasts[method]), "ms": 1000 * wall / len(series),
                        "n": len(series), "failed": sum(failed for _, _, failed in out)}
        if method == "auto":
            chosen.update(model for _, model, _ in out)
    h = len(series[0].test)
    print(f"\n=== {name}: {len(series)} series, h={h}, jobs={pool._processes} ===")  # type: ignore[attr-defined]
    print(f"{'method':<10}{'n':>6}{'sMAPE %':>10}{'MASE':>9}{'WAPE %':>9}{'ms/series':>11}{'failed':>8}")
    for method, r in rows.items():
        print(f"{method:<10}{r['n']:>6.0f}{r['smape']:>10.2f}{r['mase']:>9.3f}{r['wape']:>9.2f}"
              f"{r['ms']:>11.1f}{r['failed']:>8.0f}")
    print("auto chose: " + ", ".join(f"{m} {c}" for m, c in chosen.most_common()))
    volume = np.array([np.abs(s.test).sum() for s in series])
    big = int(np.argmax(volume))  # WAPE weighs series by volume: say how much one series decides it
    rest = [i for i in range(len(series)) if i != big]
    print(f"largest series {series[big].sid}: {volume[big] / volume.sum():.0%} of the test volume; WAPE % without it: "
          + ", ".join(f"{m} {score([series[i] for i in rest], [f[i] for i in rest])['wape']:.2f}"
                      for m, f in forecasts.items()))
    print(verdict(name, rows, monthly=series[0].context.freq == "MS"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="m1,tourism,m4w")
    parser.add_argument("--limit", type=int, default=None, help="first N series of each set")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    _silence()
    data = {name: load(name, args.limit) for name in args.sets.split(",")}
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(args.jobs)
    start = time.perf_counter()
    with ctx.Pool(args.jobs, initializer=_init, initargs=(barrier,)) as pool:
        pool.map(_ping, range(args.jobs))  # returns once every worker has warmed up
        print(f"workers warmed up in {time.perf_counter() - start:.1f} s")
        for name, series in data.items():
            run_set(name, series, pool)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
