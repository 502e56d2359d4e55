"""Forecast benchmark: the product's automatic forecaster vs Prophet, seasonal naive and an ensemble.

    python bench/forecast_bench.py [--sets m1,tourism,m4w] [--limit N] [--jobs 2] [--methods auto,snaive]
    python bench/forecast_bench.py --validate [--windows 3] --variants current,dot,median [--limit N]

On the train part of each real set (M1 monthly h=18, Tourism monthly h=24, M4 weekly h=13; synthetic
dates from 2000-01) it forecasts the official horizon with:

* auto: `forecast_series(y, h, ctx)`, the product's path;
* prophet: `Prophet()` with default settings, `make_future_dataframe(h, freq=...)`;
* snaive: statsforecast `SeasonalNaive`;
* ensemble: mean of statsforecast `AutoETS`, `AutoTheta`, `AutoARIMA` (season 12 / 52). AutoARIMA uses
  `approximation=None` (R auto.arima's rule: CSS search above 150 points; statsforecast's default, full
  ML, is 12x slower, 16 s on a 306-month series) and season 1 on weekly data (with 52: minutes per fit).

Scores on the held-out test part: mean sMAPE (%), mean MASE (in-sample seasonal-naive scale, m = 12
monthly, 52 weekly, m = 1 for a weekly train part shorter than 2*52+1) and the set's overall WAPE;
for the methods with intervals (auto and its variants, snaive), the coverage of the 80% and 95%
intervals (share of test points inside) and the mean scaled interval score of the 80% interval
(MSIS, the M4 definition at alpha = 0.2, on the MASE's scale).

`--validate` never looks at the test parts: it cuts the last h points of each train part off as the
validation target and forecasts them from the rest, so that variants of `auto` (`--variants`, each a
`recipe.Recipe`; `auto` itself is the product's `RECIPE`) are compared and chosen there; with
`--windows K`, the K last windows of h points of each train part (one window is too few to rank
variants a percent apart). It also
prints, per variant, the 80% coverage the intervals would have with their half-widths scaled by a few
factors (an approximation: the bounds were clipped at 0 before the scaling) to calibrate them.
Every method runs over the same `--jobs` process pool (workers warmed up before timing), so
ms/series = wall time / number of series compares; cpu ms = the workers' CPU time per series, which
other work on the machine barely changes (on an idle machine, ms/series ~ cpu ms / jobs). It is a
measurement: it exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from multiprocessing.synchronize import Barrier
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from sop_core.forecast.accuracy import mase, seasonal_naive_mae, smape
from sop_core.forecast.models import SeriesContext
from sop_core.forecast.recipe import RECIPE, Recipe
from sop_core.forecast.selection import forecast_series

Floats = NDArray[np.float64]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "forecasting"
if not DATA.exists():  # run from another checkout: fall back on the shared absolute path
    DATA = Path("/work/shared/data/forecasting")
METHODS = ("auto", "prophet", "snaive", "ensemble")
# Variants of `auto` compared on validation windows (bench/RESULTS.md lists every one tried); a method
# "auto:<name>" runs `forecast_series` with that recipe, the product's code path.
VARIANTS: dict[str, Recipe] = {
    "current": Recipe(("ets", "theta", "seasonal_naive")),
    "dot": Recipe(("ets", "theta", "seasonal_naive", "dot")),
    "dot_median": Recipe(("ets", "theta", "seasonal_naive", "dot"), how="median"),
    "median": Recipe(("ets", "theta", "seasonal_naive"), how="median"),
    "ces": Recipe(("ets", "theta", "seasonal_naive", "ces")),
    "ces_dot": Recipe(("ets", "theta", "seasonal_naive", "ces", "dot")),
    "ces_dot_median": Recipe(("ets", "theta", "seasonal_naive", "ces", "dot"), how="median"),
    "best3_of_4": Recipe(("ets", "theta", "seasonal_naive", "dot"), keep=3),
    "ces_for_theta": Recipe(("ets", "ces", "seasonal_naive")),
    "weighted": Recipe(("ets", "theta", "seasonal_naive"), how="weighted"),
    "dot_weighted": Recipe(("ets", "theta", "seasonal_naive", "dot"), how="weighted"),
    "best3_of_5": Recipe(("ets", "theta", "seasonal_naive", "ces", "dot"), keep=3),
    # the fourth round: the combination always (no single model however good its backtest), two members
    "always": Recipe(("ets", "theta", "seasonal_naive"), edge=0.0),
    "always_median": Recipe(("ets", "theta", "seasonal_naive"), how="median", edge=0.0),
    "always_weighted": Recipe(("ets", "theta", "seasonal_naive"), how="weighted", edge=0.0),
    "ets_theta_always": Recipe(("ets", "theta"), edge=0.0),
    "dot_always_weighted": Recipe(("ets", "theta", "seasonal_naive", "dot"), how="weighted", edge=0.0),
    "weighted_e06": Recipe(("ets", "theta", "seasonal_naive"), how="weighted", edge=0.6),
    "weighted_e04": Recipe(("ets", "theta", "seasonal_naive"), how="weighted", edge=0.4),
    "weighted_sq": Recipe(("ets", "theta", "seasonal_naive"), how="weighted_sq"),
    # the fifth round: a fourth member under 1 / MASE² weights
    "dot_weighted_sq": Recipe(("ets", "theta", "seasonal_naive", "dot"), how="weighted_sq"),
    "ces_weighted_sq": Recipe(("ets", "theta", "seasonal_naive", "ces"), how="weighted_sq"),
}
SCALES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)
HISTORY_BUCKETS = ((0, 4, "under 4 seasons"), (4, 10, "4 to 10 seasons"), (10, np.inf, "10 seasons or more"))
MONTHLY = SeriesContext(12, pd.Timestamp("2000-01-01"), "MS")
WEEKLY = SeriesContext(52, pd.Timestamp("2000-01-03"), "W-MON")  # a Monday
MAX_MS_MONTHLY = 100.0
ENSEMBLE_SLACK = 1.0  # auto at or below the ensemble's MASE
COVERAGE_80 = (75.0, 85.0)  # the 80% interval should hold 75-85% of the test points
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


def recipe(method: str) -> Recipe:
    """"auto" -> the product's RECIPE; "auto:<variant>" -> VARIANTS[variant]; a suffix "@1.2,0.8"
    sets the intervals' scale (monthly, weekly)."""
    name, _, scales = method.removeprefix("auto").removeprefix(":").partition("@")
    chosen = VARIANTS[name] if name else RECIPE
    if scales:
        monthly, weekly = (float(k) for k in scales.split(","))
        chosen = replace(chosen, interval_scale=(monthly, weekly))
    return chosen


Bounds = tuple[Floats, Floats] | None  # the 80% interval, when the method gives one


def forecast(method: str, s: Series) -> tuple[Floats, str, Bounds, Bounds]:
    """One method's forecast of the test horizon, the model `auto` chose (else ""), and its 80% and
    95% intervals (None when the method has none here)."""
    h, ctx, y = len(s.test), s.context, s.train
    if method == "auto" or method.startswith("auto:"):
        result = forecast_series(y, h, ctx, recipe=recipe(method))
        return (np.asarray(result.mean, dtype=float), result.model, (result.lower_80, result.upper_80),
                (result.lower_95, result.upper_95))
    if method == "prophet":
        from prophet import Prophet

        np.random.seed(SEED)  # Prophet's uncertainty sampling; the MAP fit itself is deterministic
        model = Prophet()
        model.fit(pd.DataFrame({"ds": pd.date_range(ctx.first_period, periods=len(y), freq=ctx.freq), "y": y}))
        future = model.make_future_dataframe(periods=h, freq=ctx.freq, include_history=False)
        return model.predict(future)["yhat"].to_numpy(float), "", None, None
    if method == "snaive":
        out = SeasonalNaive(season_length=ctx.season).forecast(y=y, h=h, level=[80, 95])
        return (np.asarray(out["mean"], dtype=float), "", (out["lo-80"], out["hi-80"]),
                (out["lo-95"], out["hi-95"]))
    if method == "ensemble":
        arima_season = ctx.season if ctx.season <= 12 else 1  # AutoARIMA with 52 takes minutes per fit
        models = (AutoETS(season_length=ctx.season), AutoTheta(season_length=ctx.season),
                  AutoARIMA(season_length=arima_season, approximation=None))  # R's rule: CSS above 150 points
        mean = np.mean([np.asarray(m.forecast(y=y, h=h)["mean"], dtype=float) for m in models], axis=0)
        return mean, "", None, None
    raise ValueError(method)


Result = tuple[Floats, str, bool, Bounds, Bounds, float]  # ..., CPU seconds of the worker


def _task(job: tuple[str, Series]) -> Result:
    method, s = job
    cpu = time.process_time()
    try:
        mean, model, b80, b95 = forecast(method, s)
        if mean.shape == s.test.shape and np.all(np.isfinite(mean)):
            return mean, model, False, b80, b95, time.process_time() - cpu
    except Exception:  # counted as a failure; scored with the seasonal naive forecast
        pass
    mean, _, b80, b95 = forecast("snaive", s)
    return mean, "", True, b80, b95, time.process_time() - cpu


def _init(barrier: Barrier) -> None:
    """Silence, seed, and run every method once (imports, numba compilation) before any timing."""
    _silence()
    np.random.seed(SEED)
    rng = np.random.default_rng(SEED)
    for ctx, n, h in ((MONTHLY, 60, 6), (WEEKLY, 160, 4)):
        y = 100 + 10 * np.sin(np.arange(n + h) * 2 * np.pi / ctx.season) + rng.normal(0, 2, n + h)
        for method in (*METHODS, *(f"auto:{name}" for name in VARIANTS)):
            forecast(method, Series("warmup", y[:n], y[n:], ctx))
    barrier.wait()


def _ping(_: int) -> None:
    return None


def mase_season(s: Series) -> int:
    """m = 12 monthly, 52 weekly, 1 for a weekly history shorter than 2*52+1 (the usual fallback)."""
    return s.context.season if s.context.season <= 12 or len(s.train) >= 2 * s.context.season + 1 else 1


def msis(s: Series, lower: Floats, upper: Floats, alpha: float = 0.2) -> float:
    """Mean scaled interval score (M4): width plus 2/alpha x each miss, over the in-sample seasonal
    naive MAE (the MASE's scale)."""
    y = s.test
    penalty = (2 / alpha) * ((lower - y) * (y < lower) + (y - upper) * (y > upper))
    scale = seasonal_naive_mae(s.train, mase_season(s))
    return float(np.mean(upper - lower + penalty)) / scale if scale else float("nan")


def interval_scores(series: list[Series], means: list[Floats], b80: list[Bounds], b95: list[Bounds]
                    ) -> dict[str, float]:
    """Coverage of the 80% and 95% intervals (% of test points inside), MSIS of the 80% one, and the
    80% coverage with the half-widths scaled by each of SCALES (for calibration)."""
    if any(b is None for b in b80):
        return {}
    out: dict[str, float] = {}
    tests = np.concatenate([s.test for s in series])
    for level, bounds in ((80, b80), (95, b95)):
        lo = np.concatenate([b[0] for b in bounds if b is not None])
        hi = np.concatenate([b[1] for b in bounds if b is not None])
        out[f"cov{level}"] = 100 * float(np.mean((tests >= lo) & (tests <= hi)))
    out["msis"] = float(np.nanmean([msis(s, b[0], b[1]) for s, b in zip(series, b80, strict=True) if b is not None]))
    mean = np.concatenate(means)
    lo = np.concatenate([b[0] for b in b80 if b is not None])
    hi = np.concatenate([b[1] for b in b80 if b is not None])
    for k in SCALES:
        inside = (tests >= mean - k * (mean - lo)) & (tests <= mean + k * (hi - mean))
        out[f"cov80x{k}"] = 100 * float(np.mean(inside))
        for label, bucket in coverage_buckets(series):
            out[f"cov80x{k}|{label}"] = 100 * float(np.mean(inside[bucket]))
            out[f"points|{label}"] = float(bucket.sum())
    return out


def coverage_buckets(series: list[Series]) -> list[tuple[str, np.ndarray]]:
    """The test points split by length of history (is the miss the same for short and long
    histories?) and, with several validation windows, by window (is it the same in every period?)."""
    seasons = np.concatenate([np.full(len(s.test), len(s.train) / s.context.season) for s in series])
    windows = np.concatenate([np.full(len(s.test), s.sid.partition("@")[2] or "w1") for s in series])
    buckets = [(f"{label} of history", (seasons >= low) & (seasons < high)) for low, high, label in HISTORY_BUCKETS]
    if len(set(windows)) > 1:
        buckets += [(f"validation window {w[1:]}", windows == w) for w in sorted(set(windows))]
    return [(label, mask) for label, mask in buckets if mask.any()]


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
        fails.append(f"MASE {auto['mase']:.3f} > ensemble {rows['ensemble']['mase']:.3f}")
    if monthly and auto["ms"] > MAX_MS_MONTHLY:
        fails.append(f"{auto['ms']:.0f} ms/series > {MAX_MS_MONTHLY:.0f}")
    if "cov80" in auto and not COVERAGE_80[0] <= auto["cov80"] <= COVERAGE_80[1]:
        fails.append(f"80% coverage {auto['cov80']:.1f}% outside {COVERAGE_80[0]:.0f}-{COVERAGE_80[1]:.0f}%")
    ok = "PASS" if not fails else "FAIL: " + "; ".join(fails)
    return f"VERDICT {name}: {ok}"


def run_set(name: str, series: list[Series], pool: mp.pool.Pool, methods: list[str], validate: bool) -> None:
    """Score every method on `series` (with --windows, a series per validation window) and print."""
    rows: dict[str, dict[str, float]] = {}
    forecasts: dict[str, list[Floats]] = {}
    chosen: dict[str, Counter[str]] = {}
    for method in methods:
        start = time.perf_counter()
        out: list[Result] = pool.map(_task, [(method, s) for s in series], chunksize=1)
        wall = time.perf_counter() - start
        forecasts[method] = [r[0] for r in out]
        rows[method] = {**score(series, forecasts[method]), "ms": 1000 * wall / len(series),
                        "cpu": 1000 * sum(r[5] for r in out) / len(series),
                        "n": len(series), "failed": sum(r[2] for r in out),
                        **interval_scores(series, forecasts[method], [r[3] for r in out], [r[4] for r in out])}
        if method.startswith("auto"):
            chosen[method] = Counter(r[1] for r in out)
    h = len(series[0].test)
    windows = len({s.sid.partition("@")[2] for s in series})
    part = (f"VALIDATION ({windows} window(s) of h points cut from the end of each train part)" if validate
            else "test")
    print(f"\n=== {name}: {len(series)} series, h={h}, jobs={pool._processes}, {part} ===")  # type: ignore[attr-defined]
    print(f"{'method':<22}{'n':>6}{'sMAPE %':>10}{'MASE':>9}{'WAPE %':>9}{'ms/series':>11}{'cpu ms':>8}{'failed':>8}"
          f"{'cov80 %':>9}{'cov95 %':>9}{'MSIS80':>9}")
    for method, r in rows.items():
        intervals = (f"{r['cov80']:>9.1f}{r['cov95']:>9.1f}{r['msis']:>9.2f}" if "cov80" in r else "")
        print(f"{method:<22}{r['n']:>6.0f}{r['smape']:>10.2f}{r['mase']:>9.3f}{r['wape']:>9.2f}"
              f"{r['ms']:>11.1f}{r['cpu']:>8.1f}{r['failed']:>8.0f}{intervals}")
    for method, counts in chosen.items():
        print(f"{method} chose: " + ", ".join(f"{m} {c}" for m, c in counts.most_common()))
    for method, r in rows.items():
        if "cov80" in r:
            print(f"{method} 80% coverage with half-widths x " + ", ".join(
                f"{k}: {r[f'cov80x{k}']:.1f}" for k in SCALES))
            for label in [key.partition("|")[2] for key in r if key.startswith("points|")]:
                print(f"  {label} ({r[f'points|{label}']:.0f} points): " + ", ".join(
                    f"{k}: {r[f'cov80x{k}|{label}']:.1f}" for k in SCALES))
    if validate:
        return
    volume = np.array([np.abs(s.test).sum() for s in series])
    big = int(np.argmax(volume))  # WAPE weighs series by volume: say how much one series decides it
    rest = [i for i in range(len(series)) if i != big]
    print(f"largest series {series[big].sid}: {volume[big] / volume.sum():.0%} of the test volume; WAPE % without it: "
          + ", ".join(f"{m} {score([series[i] for i in rest], [f[i] for i in rest])['wape']:.2f}"
                      for m, f in forecasts.items()))
    if "auto" in rows:
        print(verdict(name, rows, monthly=series[0].context.freq == "MS"))


def validation(s: Series, window: int = 1) -> Series | None:
    """Validation window `window` (1 = the last): the train part cut `window` x h points before its
    end, the h points after the cut as the target; the test part unseen. Windows before the last
    are kept only where two full seasons of history remain (the last is always kept, as the test
    part is forecast from whatever history a series has)."""
    h, end = len(s.test), len(s.train) - window * len(s.test)
    if window > 1 and end < 2 * s.context.season:
        return None
    suffix = f"@w{window}" if window > 1 else ""
    return Series(s.sid + suffix, s.train[:end], s.train[end : end + h], s.context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="m1,tourism,m4w")
    parser.add_argument("--limit", type=int, default=None, help="first N series of each set")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"among {', '.join(METHODS)}; auto@1.2,0.8 scales the intervals (monthly, weekly)")
    parser.add_argument("--variants", default="", help=f"variants of auto, among {', '.join(VARIANTS)}")
    parser.add_argument("--validate", action="store_true", help="score on the last h points of the train parts")
    parser.add_argument("--windows", type=int, default=1,
                        help="with --validate: this many validation windows of h points per series, the latest first")
    args = parser.parse_args()
    methods = [m for m in args.methods.split(",") if m] + [f"auto:{v}" for v in args.variants.split(",") if v]
    for method in methods:
        variant = method.removeprefix("auto").removeprefix(":").partition("@")[0]
        if method not in METHODS and not (method.startswith("auto") and variant in ("", *VARIANTS)):
            raise SystemExit(f"unknown method {method!r}")
    _silence()
    data = {name: load(name, args.limit) for name in args.sets.split(",")}
    if args.validate:
        data = {name: [v for s in series for w in range(1, args.windows + 1) if (v := validation(s, w))]
                for name, series in data.items()}
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(args.jobs)
    start = time.perf_counter()
    with ctx.Pool(args.jobs, initializer=_init, initargs=(barrier,)) as pool:
        pool.map(_ping, range(args.jobs))  # returns once every worker has warmed up
        print(f"workers warmed up in {time.perf_counter() - start:.1f} s")
        for name, series in data.items():
            run_set(name, series, pool, methods, args.validate)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
