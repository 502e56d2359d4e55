"""Forecast one series: profile it, backtest the candidate models, pick one, say why.

Pure: arrays in, a `SeriesForecast` out; no store, no clock. The rules (README "Forecast"):
- no demand at all -> `zero`;
- fewer than `MIN_HISTORY` periods -> moving average (the only thing such a history supports);
- a level shift in the recent past (structural break) -> only the periods after it are used;
- average interval between demands >= 1.32 (Syntetos-Boylan) -> intermittent: Croston SBA and TSB
  join the candidates;
- otherwise naive, moving average, ETS, Theta and CES, plus seasonal naive with two full seasons,
  and the combination (a mean weighted by the inverse square of each member's backtest score, see
  `recipe.RECIPE`) of ETS, Theta, seasonal naive and CES;
- at most the last `MAX_HISTORY_SEASONS` seasons are used (10 years of months or of weeks).
The score is the MASE over a rolling-origin backtest (up to 3 cutoffs, the real horizon when the
history allows it; with 2 seasons of history the origins keep one season and a period). The
combination wins unless a single model scores clearly lower (below `recipe.COMBINATION_EDGE` times its
score): the mean or median of several models is more accurate than the one that
looked best on three backtest windows (the "forecast combination puzzle"; on the M1, Tourism and M4
weekly sets, see bench/RESULTS.md). Among single models a tie goes to the simpler one.
The reason is a `Message` (picklable: it crosses from the worker processes), rendered where it is read.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from sop_core.common import Message
from sop_core.forecast.accuracy import seasonal_naive_mae
from sop_core.forecast.models import (
    Floats,
    Forecast,
    Model,
    SeriesContext,
    ces_form,
    ets_form,
    get_model,
    theta_form,
)
from sop_core.forecast.recipe import RECIPE, Recipe

LEVELS = (80, 95)
MIN_HISTORY = 6
MIN_MODEL_HISTORY = 10  # ETS and Theta need this many periods to estimate anything
INTERMITTENT_ADI = 1.32
BREAK_WINDOW = 6
MAX_ETS_SEASON = 24  # statsforecast fits no seasonal ETS above 24 periods (weekly data: ETS runs non-seasonal)
COMBINATION = "combination"
# Older demand describes another market, and the cost of every fit grows with the history (25-year
# Tourism series: MASE 1.453 -> 1.425 and 2.2x faster with the cap; 8 seasons is too few).
MAX_HISTORY_SEASONS = 10


@dataclass(frozen=True)
class SeriesForecast:
    """The chosen model's forecast with 80% and 95% intervals, and the story of the choice."""

    model: str
    reason: Message
    profile: str
    history_used: int
    mean: Floats
    lower_80: Floats
    upper_80: Floats
    lower_95: Floats
    upper_95: Floats
    scores: dict[str, float] = field(default_factory=dict)  # backtest MASE per candidate


def average_demand_interval(y: Floats) -> float:
    """ADI: periods per non-zero demand (1 = demand every period)."""
    nonzero = int(np.count_nonzero(y))
    return len(y) / nonzero if nonzero else float("inf")


def _shifted_level(recent: Floats, before: Floats) -> bool:
    """A step, not a slope: the new level lies outside the old range, far from the old mean, and
    the jump at the boundary dwarfs the usual period-to-period change (a trend moves by steps)."""
    spread = max(float(np.std(before)), 0.1 * float(np.mean(before)), 1e-9)
    shift = abs(float(np.mean(recent)) - float(np.mean(before))) / spread
    outside = bool(np.all(recent > before.max()) or np.all(recent < before.min()))
    jump = abs(float(np.mean(recent[:3])) - float(np.mean(before[-3:])))
    usual = max(float(np.mean(np.abs(np.diff(before)))), 1e-9)
    return shift > 3 and outside and jump > 4 * usual


def break_start(y: Floats) -> int:
    """Index where a structural break starts (0 when none): at least the last `BREAK_WINDOW`
    periods all sit outside the range of the 12 before them (a lost customer, a new contract).
    The earliest such start wins, so every period of the new regime is kept. Vectorised first
    pass: only the starts whose whole tail lies outside the range of the 12 periods before them
    (a condition of `_shifted_level`) are examined in full."""
    y = np.asarray(y, dtype=float)
    if len(y) < 12 + BREAK_WINDOW:
        return 0
    before = sliding_window_view(y[:-BREAK_WINDOW], 12)  # row i: the 12 periods before start i + 12
    tail_min = np.minimum.accumulate(y[::-1])[::-1][12 : len(y) - BREAK_WINDOW + 1]
    tail_max = np.maximum.accumulate(y[::-1])[::-1][12 : len(y) - BREAK_WINDOW + 1]
    outside = (tail_min > before.max(axis=1)) | (tail_max < before.min(axis=1))
    for start in np.flatnonzero(outside) + 12:
        if _shifted_level(y[start:], y[start - 12 : start]):
            return int(start)
    return 0


def candidates(profile: str, n: int, season: int, recipe: Recipe = RECIPE) -> list[str]:
    """Models worth trying, simplest first (a tie goes to the simpler one)."""
    fitted = ["ets", "theta"] if n >= MIN_MODEL_HISTORY else []
    if profile == "intermittent":
        # No naive forecasts: repeating the last period (often 0) plans nothing, or a whole order.
        return ["moving_average", *fitted, "croston_sba", "tsb"]
    extra = [name for name in recipe.members if name not in ("ets", "theta", "seasonal_naive")]
    return ["naive", *(["seasonal_naive"] if n >= 2 * season else []), "moving_average", *fitted,
            *(extra if n >= MIN_MODEL_HISTORY else [])]


def _model(name: str, context: SeriesContext, fixed: dict[str, Model]) -> Model:
    return fixed[name] if name in fixed else get_model(name).build(context)


def backtest_horizon(n: int, h: int, season: int, cutoffs: int) -> int:
    """The real horizon when the history allows `cutoffs` origins that each keep two full seasons
    of training (so seasonal models can compete); shorter otherwise, down to one period. With 36
    months and an 18-month horizon, 18-month tests would leave one origin trained on 18 months:
    no season to learn, and the choice would ignore e.g. the August shutdown. Between two seasons
    and two seasons + `cutoffs`, the origins keep one season and a period: seasonal naive can be
    backtested there, and ETS at the origins where it fits (see `_runs`)."""
    if n >= 2 * season + cutoffs:
        min_train = 2 * season
    elif season > 1 and n >= 2 * season:
        min_train = season + 1
    else:
        min_train = MIN_HISTORY
    return max(1, min(h, (n - min_train) // cutoffs))


def _scaled_error(predicted: Floats, test: Floats, train: Floats, season: int, squared: bool) -> float:
    """MASE, or RMSSE for intermittent series: under absolute error a flat zero forecast wins
    whenever demand is rare, which would plan no production at all."""
    scale = seasonal_naive_mae(train, season) or float(np.mean(np.abs(train))) or 1.0
    if squared:
        return float(np.sqrt(np.mean((predicted - test) ** 2))) / scale
    return float(np.mean(np.abs(predicted - test))) / scale


Runs = list[tuple[int, Floats]]  # (end of the training part, prediction) per rolling origin


def _runs(name: str, y: Floats, h: int, context: SeriesContext, cutoffs: int, fixed: dict[str, Model]) -> Runs | None:
    """The predictions at each rolling origin, latest first; None when the model cannot fit even
    the latest. A model that fits the later origins but not an earlier, shorter one (seasonal ETS
    needs more than a season and a half) is scored on the origins it reached, like seasonal naive,
    which needs a full season."""
    runs = []
    for end in range(len(y) - h, len(y) - h * (cutoffs + 1), -h):
        if end < max(MIN_HISTORY, context.season if name == "seasonal_naive" else 0):
            break
        try:
            runs.append((end, _model(name, context, fixed).forecast(y[:end], len(y[end : end + h]))["mean"]))
        except Exception:  # a model that cannot fit this history simply loses the contest
            if not runs:
                return None
            break
    return runs


def _score(runs: Runs | None, y: Floats, h: int, season: int, squared: bool) -> tuple[float, Floats]:
    """Mean scaled error over the origins, and the absolute errors per horizon step."""
    if not runs:
        return float("inf"), np.full((1, h), np.nan)
    tests = [y[end : end + h] for end, _ in runs]
    scores = [_scaled_error(p, t, y[:end], season, squared) for (end, p), t in zip(runs, tests, strict=True)]
    errors = [np.pad(np.abs(p - t), (0, h - len(t)), constant_values=np.nan)
              for (_, p), t in zip(runs, tests, strict=True)]
    return float(np.mean(scores)), np.vstack(errors)


def _members(runs: dict[str, Runs | None], scores: dict[str, float], recipe: Recipe) -> list[str]:
    """The recipe's members that were backtested, the `keep` best of them when it says so (in the
    recipe's order); none when fewer than two remain."""
    members = [name for name in recipe.members if runs.get(name) and np.isfinite(scores.get(name, np.inf))]
    if recipe.keep is not None and len(members) > recipe.keep:
        best = sorted(members, key=lambda name: (scores[name], recipe.members.index(name)))[: recipe.keep]
        members = [name for name in members if name in best]
    return members if len(members) >= 2 else []


def _combine(values: list[Floats], how: str, weights: list[float] | None = None) -> Floats:
    if how == "median":
        return np.median(values, axis=0)
    return np.average(values, axis=0, weights=weights if how.startswith("weighted") else None)


def _weights(members: list[str], scores: dict[str, float], how: str) -> list[float]:
    """Inverse backtest scores, squared for "weighted_sq" (a perfect backtest counts as a tiny
    error, not an infinite weight)."""
    power = 2 if how == "weighted_sq" else 1
    return [1 / max(scores[name], 1e-6) ** power for name in members]


def _combined_runs(runs: dict[str, Runs | None], members: list[str], how: str = "mean",
                   weights: list[float] | None = None) -> Runs | None:
    """The mean (or median) of the members' predictions at the origins they all reached."""
    member_runs = [member for name in members if (member := runs.get(name))]
    if len(member_runs) < 2:
        return None
    common = min(len(member) for member in member_runs)  # seasonal naive may stop an origin earlier
    return [(member_runs[0][i][0], _combine([member[i][1] for member in member_runs], how, weights))
            for i in range(common)]


def _intervals(out: Forecast, errors: Floats, h: int, y: Floats, scale: float = 1.0) -> dict[str, Floats]:
    """Native intervals when the model has them; else empirical ones from backtest errors at the
    same horizon step (conformal), else a spread that grows with the square root of the step.
    Every half-width is then multiplied by `scale` (the recipe's calibration)."""
    mean = out["mean"]
    bounds = {}
    for lv in LEVELS:
        if f"lo-{lv}" in out:
            lo, hi = out[f"lo-{lv}"], out[f"hi-{lv}"]
            bounds[lv] = (mean - scale * (mean - lo), mean + scale * (hi - mean))
            continue
        if np.isfinite(errors).sum(axis=0).min(initial=0) >= 2:
            width = np.nanquantile(errors, lv / 100, axis=0)[:h]
        else:
            z = 1.2816 if lv == 80 else 1.96
            # Little history, little knowledge: at least a quarter of the level either side.
            spread = max(float(np.std(np.diff(y))) if len(y) > 2 else 0.0, float(np.std(y)) if len(y) else 0.0,
                         0.25 * abs(float(np.mean(y))) if len(y) else 0.0)
            width = z * spread * np.sqrt(np.arange(1, h + 1))
        bounds[lv] = (mean - scale * width, mean + scale * width)
    return {f"{side}_{lv}": np.maximum(bound, 0.0) for lv, (lo, hi) in bounds.items()
            for side, bound in (("lower", lo), ("upper", hi))}


def _combined_forecast(members: list[str], y: Floats, h: int, context: SeriesContext,
                       fixed: dict[str, Model], how: str = "mean", weights: list[float] | None = None
                       ) -> Forecast:
    """Mean (or median) of the members' forecasts; each bound is that combined forecast plus the
    combination of the members' distances to their own bounds, over the members with native
    intervals (for a mean, exactly the mean of their bounds when every member has them)."""
    outs = [_model(name, context, fixed).forecast(y, h, level=list(LEVELS)) for name in members]
    weights = weights or [1.0] * len(outs)
    combined = {"mean": _combine([out["mean"] for out in outs], how, weights)}
    bounded = [(out, weight) for out, weight in zip(outs, weights, strict=True) if f"lo-{LEVELS[0]}" in out]
    if not bounded:  # no member has intervals: the backtest errors draw them (see `_intervals`)
        return combined
    for key in (key for key in bounded[0][0] if key != "mean"):
        offsets = [out[key] - out["mean"] for out, _ in bounded]
        combined[key] = combined["mean"] + _combine(offsets, how, [weight for _, weight in bounded])
    return combined


def model_term(name: str) -> Message:
    """A model as a reason names it ("seasonal naive", "naïf saisonnier")."""
    return Message(f"forecast.model_short.{name}")


def _noted(reason: Message, note: Message | None) -> Message:
    """The reason followed by what was cut from the history, if anything."""
    return Message("explain.joined", {"first": reason, "second": note}) if note else reason


def _finish(name: str, reason: Message, profile: str, y: Floats, context: SeriesContext, h: int,
            scores: dict[str, float], errors: Floats, fixed: dict[str, Model] | None = None,
            members: list[str] | None = None, recipe: Recipe = RECIPE) -> SeriesForecast:
    fixed = fixed or {}
    try:
        if members:
            out = _combined_forecast(members, y, h, context, fixed, recipe.how, _weights(members, scores, recipe.how))
        else:
            out = _model(name, context, fixed).forecast(y, h, level=list(LEVELS))
    except Exception as exc:  # never crash a run for one series: fall back on the moving average
        reason = Message("forecast.reason.failed", {"model": model_term(name), "error": str(exc)})
        name = "moving_average"
        out = get_model(name).build(context).forecast(y, h)
    bounds = _intervals(out, errors, h, y, recipe.scale(context))
    mean = np.maximum(out["mean"], 0.0)  # demand is never negative
    return SeriesForecast(
        name, reason, profile, len(y), mean, np.minimum(bounds["lower_80"], mean), np.maximum(bounds["upper_80"], mean),
        np.minimum(bounds["lower_95"], mean), np.maximum(bounds["upper_95"], mean), scores)


def _profile(y: Floats) -> str:
    if not np.any(y):
        return "zero"
    if len(y) < MIN_HISTORY:
        return "short"
    return "intermittent" if average_demand_interval(y) >= INTERMITTENT_ADI else "smooth"


def forecast_series(
    y: Floats, h: int, context: SeriesContext, cutoffs: int = 3, forced: str | None = None,
    recipe: Recipe = RECIPE,
) -> SeriesForecast:
    """Choose and fit the model for one demand series (see the module docstring for the rules)."""
    y = np.asarray(y, dtype=float)
    start = break_start(y)
    note = Message("forecast.reason.note.break", {"periods": len(y) - start}) if start else None
    longest = MAX_HISTORY_SEASONS * context.season if context.season > 1 else len(y)
    if len(y) - start > longest:
        start = len(y) - longest
        note = Message("forecast.reason.note.capped", {"periods": longest, "seasons": MAX_HISTORY_SEASONS})
    y, context = y[start:], _shifted(context, start)
    profile = _profile(y)
    if profile == "zero":
        return _finish("zero", Message("forecast.reason.no_demand"), profile, y, context, h, {}, np.empty((0, h)))
    if forced and len(y) <= MIN_HISTORY:  # too short to backtest: the user's model, as asked
        return _finish(forced, _noted(Message("forecast.reason.forced_short", {"periods": len(y)}), note), profile,
                       y, context, h, {}, np.empty((0, h)))
    if profile == "short" or len(y) <= MIN_HISTORY:
        return _finish("moving_average", _noted(Message("forecast.reason.short", {"periods": len(y)}), note),
                       profile, y, context, h, {}, np.empty((0, h)))
    if len(y) < 2 * context.season:  # too short to estimate a season: models run without one
        context = SeriesContext(1, context.first_period, context.freq)
    names = [forced] if forced else candidates(profile, len(y), context.season, recipe)
    fixed = _fixed_forms(names, y, context)
    squared = profile == "intermittent"
    h_test = backtest_horizon(len(y), h, context.season, cutoffs)
    runs = {name: _runs(name, y, h_test, context, cutoffs, fixed) for name in names}
    results = {name: _score(runs[name], y, h_test, context.season, squared) for name in names}
    scores = {name: score for name, (score, _) in results.items()}
    if not forced and not any(np.isfinite(list(scores.values()))):
        return _finish("moving_average", _noted(Message("forecast.reason.too_short", {"periods": len(y)}), note),
                       profile, y, context, h, {}, np.empty((0, h)))
    best = forced or min(names, key=lambda n: (scores[n], names.index(n)))
    reason = _noted(Message("forecast.reason.forced") if forced else Message("forecast.reason.lowest", {
        "metric": "RMSSE" if squared else "MASE", "score": round(scores[best], 2), "candidates": len(names),
        "profile": Message(f"forecast.profile.{profile}")}), note)
    members = [] if forced or profile != "smooth" else _members(runs, scores, recipe)
    combined = _combined_runs(runs, members, recipe.how, _weights(members, scores, recipe.how)) if members else None
    if combined:
        results[COMBINATION] = _score(combined, y, h_test, context.season, squared)
        scores[COMBINATION] = results[COMBINATION][0]
        if not scores[best] < recipe.edge * scores[COMBINATION]:
            key = "forecast.reason.combination" + ("" if recipe.how == "mean" else f"_{recipe.how}")
            reason = _noted(Message(key, {
                "models": [model_term(name) for name in members], "score": round(scores[COMBINATION], 2),
                "best": model_term(best), "best_score": round(scores[best], 2)}), note)
            return _finish(COMBINATION, reason, profile, y, context, h, scores, results[COMBINATION][1], fixed,
                           members, recipe)
    return _finish(best, reason, profile, y, context, h, scores, results[best][1], fixed, recipe=recipe)


def _fixed_forms(names: list[str], y: Floats, context: SeriesContext) -> dict[str, Model]:
    """ETS's form (AICc), Theta's variant (MSE) and CES's seasonal type (AICc), chosen once on the
    whole history and refitted at each backtest origin: several times cheaper than searching again.
    A model statsforecast refuses on this history (tiny, constant) is left to fail in the backtest
    and sit out."""
    fixed: dict[str, Model] = {}
    if "ets" in names:
        ets_context = context if context.season <= MAX_ETS_SEASON else SeriesContext(1, context.first_period,
                                                                                      context.freq)
        with contextlib.suppress(Exception):
            fixed["ets"] = ets_form(y, ets_context)
    if "theta" in names:
        with contextlib.suppress(Exception):
            fixed["theta"] = theta_form(y, context)
    if "ces" in names:
        with contextlib.suppress(Exception):
            fixed["ces"] = ces_form(y, context)
    return fixed


def _shifted(context: SeriesContext, periods: int) -> SeriesContext:
    """The context of the series without its first `periods` (after a structural break)."""
    if not periods:
        return context
    first = pd.date_range(context.first_period, periods=periods + 1, freq=context.freq)[-1]
    return SeriesContext(context.season, first, context.freq)
