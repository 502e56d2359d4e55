"""The forecaster on series whose right answer is known, and on a real one with Prophet."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.forecast.models import SeriesContext, ces_form, get_model
from sop_core.forecast.recipe import COMBINATION_EDGE, RECIPE
from sop_core.forecast.selection import (
    BREAK_WINDOW,
    MAX_HISTORY_SEASONS,
    SeriesForecast,
    _combined_forecast,
    _shifted_level,
    average_demand_interval,
    break_start,
    forecast_series,
)
from tests.conftest import SHARED_DATA

MONTHLY = SeriesContext(12, pd.Timestamp("2023-01-01"), "MS")
PATTERN = np.array([10, 12, 15, 20, 30, 45, 50, 40, 25, 18, 12, 9], dtype=float)


def english(result: SeriesForecast) -> str:
    return result.reason.render("en")


def test_naive_and_seasonal_naive_exact_values() -> None:
    y = np.r_[PATTERN, PATTERN + 1]
    assert get_model("naive").build(MONTHLY).forecast(y, 3)["mean"].tolist() == [10.0, 10.0, 10.0]
    seasonal = get_model("seasonal_naive").build(MONTHLY).forecast(y, 13)["mean"]
    assert seasonal.tolist() == [*(PATTERN + 1).tolist(), 11.0]


def test_pure_seasonality_is_recognised() -> None:
    result = forecast_series(np.tile(PATTERN, 3), 12, MONTHLY)
    assert result.profile == "smooth" and result.model in {"seasonal_naive", "ets"}
    np.testing.assert_allclose(result.mean, PATTERN, atol=0.5)
    assert result.scores["seasonal_naive"] == pytest.approx(0.0, abs=1e-9)
    assert result.scores["naive"] > result.scores["seasonal_naive"] + 0.5 and "lowest backtest MASE" in english(result)
    # A recipe with no edge keeps the combination even when one member is perfect on the backtest.
    always = forecast_series(np.tile(PATTERN, 3), 12, MONTHLY, recipe=replace(RECIPE, edge=0.0))
    assert always.model == "combination" and always.scores["seasonal_naive"] == pytest.approx(0.0, abs=1e-9)


def test_pure_trend_is_extrapolated() -> None:
    y = 100 + 5 * np.arange(36, dtype=float)
    result = forecast_series(y, 6, MONTHLY)
    assert result.model in {"ets", "theta"}
    np.testing.assert_allclose(result.mean, 100 + 5 * np.arange(36, 42), rtol=0.02)


def test_intermittent_demand_gets_an_intermittent_method() -> None:
    rng = np.random.default_rng(7)
    y = np.where(rng.random(36) < 0.3, rng.integers(5, 15, 36), 0).astype(float)
    assert average_demand_interval(y) >= 1.32
    result = forecast_series(y, 6, MONTHLY)
    assert result.profile == "intermittent" and result.model != "naive"
    assert {"croston_sba", "tsb"} <= set(result.scores) and "RMSSE" in english(result)
    assert 0 < result.mean[0] < y.max()  # a rate, not zero and not a whole order


@pytest.mark.parametrize(
    ("y", "model", "profile"),
    [(np.zeros(24), "zero", "zero"), (np.array([5.0, 7, 6]), "moving_average", "short"),
     (np.array([]), "zero", "zero")],
)
def test_fallbacks_never_crash(y: np.ndarray, model: str, profile: str) -> None:
    result = forecast_series(y, 4, MONTHLY)
    assert (result.model, result.profile) == (model, profile) and len(result.mean) == 4


def test_structural_break_uses_the_recent_level() -> None:
    y = np.r_[np.full(30, 100.0) + np.tile([1, -1], 15), np.full(8, 20.0) + np.tile([1, -1], 4)]
    assert break_start(y) == 30  # the first period at the new level
    result = forecast_series(y, 3, MONTHLY)
    assert "structural break" in english(result) and abs(result.mean[0] - 20) < 3


def test_intervals_are_ordered_and_non_negative() -> None:
    rng = np.random.default_rng(3)
    result = forecast_series(np.tile(PATTERN, 3) + rng.normal(0, 2, 36), 12, MONTHLY)
    assert np.all(result.lower_95 <= result.lower_80) and np.all(result.lower_80 <= result.mean)
    assert np.all(result.mean <= result.upper_80) and np.all(result.upper_80 <= result.upper_95)
    assert np.all(result.lower_95 >= 0)


def test_forced_model_is_used() -> None:
    result = forecast_series(np.tile(PATTERN, 3), 6, MONTHLY, forced="naive")
    assert result.model == "naive" and english(result).startswith("forced")


@pytest.mark.slow
def test_prophet_on_a_real_series() -> None:
    path = SHARED_DATA / "forecasting" / "single" / "Airline.csv"
    if not path.exists():
        pytest.skip("../shared/data is not beside the checkout")
    y = pd.read_csv(path)["Passengers"].to_numpy(float)
    train, test = y[:-12], y[-12:]
    context = SeriesContext(12, pd.Timestamp("1949-01-01"), "MS")
    out = get_model("prophet").build(context).forecast(train, 12, level=[80, 95])
    assert np.all(out["lo-95"] <= out["lo-80"]) and np.all(out["lo-80"] <= out["mean"])
    assert np.all(out["mean"] <= out["hi-80"])
    # A seasonal series: Prophet's mean absolute error is below the naive forecast's (the last value
    # repeated); both share MASE's scale, so the errors are compared directly.
    naive_error = np.abs(test - train[-1]).mean()
    assert np.abs(test - out["mean"]).mean() < naive_error


def _noisy_seasonal(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.tile(PATTERN, n // 12 + 1)[:n] * (1 + 0.01 * np.arange(n)) + rng.normal(0, 10, n)


def test_noisy_seasonal_demand_gets_the_combination_of_its_members() -> None:
    y = _noisy_seasonal(60, 0)
    result = forecast_series(y, 12, MONTHLY)
    assert result.model == "combination" and english(result).startswith(
        "mean of ETS, Theta, seasonal naive, CES weighted by the inverse square of their error")
    names = ("ets", "theta", "seasonal_naive", "ces")
    members = [forecast_series(y, 12, MONTHLY, forced=name) for name in names]
    # Each member weighs 1 / (its backtest MASE)^2: the best backtest counts most.
    weights = np.array([1 / result.scores[name] ** 2 for name in names])
    expected = (weights[:, None] * np.array([m.mean for m in members])).sum(axis=0) / weights.sum()
    np.testing.assert_allclose(result.mean, expected, rtol=1e-9)
    assert np.all(result.lower_80 <= result.mean) and np.all(result.mean <= result.upper_80)
    best_single = min(score for name, score in result.scores.items() if name != "combination")
    assert best_single < result.scores["combination"]  # CES looked better on three windows...
    assert best_single >= COMBINATION_EDGE * result.scores["combination"]  # ...but not clearly enough


def test_only_the_last_ten_seasons_are_used() -> None:
    y = _noisy_seasonal(12 * 14, 5)
    result = forecast_series(y, 12, MONTHLY)
    assert result.history_used == 12 * MAX_HISTORY_SEASONS and "(10 seasons) used" in english(result)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=0, max_size=60))
def test_vectorised_break_search_matches_the_plain_loop(values: list[int]) -> None:
    y = np.asarray(values, dtype=float)
    plain = next((start for start in range(12, len(y) - BREAK_WINDOW + 1)
                  if _shifted_level(y[start:], y[start - 12 : start])), 0)
    assert break_start(y) == plain


def test_two_seasons_of_history_keep_a_seasonal_model() -> None:
    """At exactly 24 months, ETS's earliest backtest origin used to be too short to fit (so ETS sat out)
    and seasonal naive could not be backtested: a flat moving average won. The oracle: the season's
    shape (PATTERN, scaled by the level), which the forecast must repeat."""
    rng = np.random.default_rng(1)
    y = np.tile(PATTERN, 2) * 10 + rng.normal(0, 5, 24)
    result = forecast_series(y, 12, MONTHLY)
    seasonal = {"seasonal_naive", "ets"}
    assert all(np.isfinite(result.scores[name]) for name in seasonal)  # both backtested
    assert result.model in {*seasonal, "combination"}
    oracle = PATTERN * 10
    assert np.corrcoef(result.mean, oracle)[0, 1] > 0.95
    assert np.argmax(result.mean) == np.argmax(oracle) and np.argmin(result.mean) == np.argmin(oracle)
    np.testing.assert_allclose(result.mean, oracle, rtol=0.2)


class _Fixed:
    """A model whose forecast is given: the mean, and bounds at a fixed distance when it has any."""

    def __init__(self, mean: float, below: float | None = None, above: float | None = None) -> None:
        self.mean, self.below, self.above = mean, below, above

    def forecast(self, y: np.ndarray, h: int, level: list[int] | None = None) -> dict[str, np.ndarray]:
        out = {"mean": np.full(h, self.mean)}
        if self.below is not None and self.above is not None:
            for lv in level or []:
                widen = 1.5 if lv == 95 else 1.0
                out[f"lo-{lv}"] = np.full(h, self.mean - widen * self.below)
                out[f"hi-{lv}"] = np.full(h, self.mean + widen * self.above)
        return out


def test_a_member_without_intervals_moves_the_combination_not_its_widths() -> None:
    """a: 10 [8, 13], b: 20 [15, 26], c: 40 without bounds, weights 1, 1, 2. Mean: (10 + 20 + 2 x 40)
    / 4 = 27.5; the bounds keep a's and b's distances, averaged with their weights: 2 and 5 below
    (3.5), 3 and 6 above (4.5): [24, 32]; the 95% ones 1.5 times wider: [22.25, 34.25]."""
    fixed = {"a": _Fixed(10, 2, 3), "b": _Fixed(20, 5, 6), "c": _Fixed(40)}
    out = _combined_forecast(["a", "b", "c"], np.ones(30), 2, MONTHLY, fixed, "weighted", [1.0, 1.0, 2.0])
    assert out["mean"].tolist() == [27.5, 27.5]
    assert (out["lo-80"].tolist(), out["hi-80"].tolist()) == ([24.0, 24.0], [32.0, 32.0])
    assert (out["lo-95"].tolist(), out["hi-95"].tolist()) == ([22.25, 22.25], [34.25, 34.25])


@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0, 1e3), st.floats(0, 1e3), st.floats(0.01, 100)),
                min_size=2, max_size=4))
@settings(max_examples=50, deadline=None)
def test_when_every_member_has_bounds_the_combined_bound_is_their_weighted_mean(
        members: list[tuple[float, float, float, float]]) -> None:
    fixed = {str(i): _Fixed(mean, below, above) for i, (mean, below, above, _) in enumerate(members)}
    weights = [weight for *_, weight in members]
    out = _combined_forecast(list(fixed), np.ones(30), 1, MONTHLY, fixed, "weighted", weights)
    lows = [mean - below for mean, below, _, _ in members]
    highs = [mean + above for mean, _, above, _ in members]
    np.testing.assert_allclose(out["lo-80"], [np.average(lows, weights=weights)], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(out["hi-80"], [np.average(highs, weights=weights)], rtol=1e-9, atol=1e-6)


def test_ces_never_simulates_its_intervals() -> None:
    """statsforecast draws CES's intervals by simulation (65-105 ms a series, twenty times its fit):
    the product asks CES for its mean only, and the backtest errors give its bounds."""
    y = _noisy_seasonal(60, 3)
    assert not get_model("ces").native_intervals
    out = ces_form(y, MONTHLY).forecast(y, 6, level=[80, 95])
    assert list(out) == ["mean"] and len(out["mean"]) == 6
    alone = forecast_series(y, 6, MONTHLY, forced="ces")
    assert np.all(alone.lower_80 <= alone.mean) and np.all(alone.mean < alone.upper_80)  # drawn, not flat
