"""The forecasting models, behind one contract: `forecast(y, h, level) -> {"mean", "lo-80", ...}`.

Statistical models come from statsforecast (maintained, compiled, and the reference
implementations of ETS, Theta, Croston); Prophet is wrapped to the same contract. Models without
native intervals get them from their backtest errors (see `selection`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sop_core.common import Message, MessageError

Floats = NDArray[np.float64]
Forecast = dict[str, Floats]


class Model(Protocol):
    def forecast(self, y: Floats, h: int, level: list[int] | None = None) -> Forecast: ...


@dataclass(frozen=True)
class SeriesContext:
    """What some models need beyond the values: the season length and the calendar."""

    season: int
    first_period: pd.Timestamp
    freq: str  # "MS" (months) or "W-MON" (ISO weeks starting Monday)


@dataclass(frozen=True)
class ModelSpec:
    """A named model: how to build it, whether it gives intervals, what it needs."""

    name: str
    label: str
    build: Callable[[SeriesContext], Model]
    native_intervals: bool
    seasonal: bool = False


class _StatsForecastModel:
    """Adapter: statsforecast models refuse `level` when they have no intervals, and emit float32."""

    def __init__(self, model: Any, native_intervals: bool) -> None:
        self.model, self.native_intervals = model, native_intervals

    def forecast(self, y: Floats, h: int, level: list[int] | None = None) -> Forecast:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter on short series
            out = self.model.forecast(y=y, h=h, level=level if self.native_intervals else None)
        return {key: np.asarray(value, dtype=float) for key, value in out.items()}


class MovingAverage:
    """Mean of the last `window` periods (of all of them when the history is shorter): the one
    forecast a two-month-old SKU supports. No native intervals."""

    def __init__(self, window: int = 3) -> None:
        self.window = window

    def forecast(self, y: Floats, h: int, level: list[int] | None = None) -> Forecast:
        recent = y[-self.window :]
        return {"mean": np.full(h, float(np.mean(recent)) if len(recent) else 0.0)}


class ZeroModel:
    """For a SKU that never sold: forecast nothing, with certainty."""

    def forecast(self, y: Floats, h: int, level: list[int] | None = None) -> Forecast:
        zeros = np.zeros(h)
        out = {"mean": zeros}
        for lv in level or []:
            out[f"lo-{lv}"], out[f"hi-{lv}"] = zeros, zeros
        return out


class ProphetModel:
    """Prophet with yearly seasonality; French public holidays at week granularity."""

    def __init__(self, context: SeriesContext) -> None:
        self.context = context

    def forecast(self, y: Floats, h: int, level: list[int] | None = None) -> Forecast:
        from prophet import Prophet  # imported late: it is slow to import and only used here

        logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
        dates = pd.date_range(self.context.first_period, periods=len(y) + h, freq=self.context.freq)
        model = Prophet(weekly_seasonality=False, daily_seasonality=False, uncertainty_samples=300,
                        yearly_seasonality=len(y) >= 2 * self.context.season)
        if self.context.freq.startswith("W"):
            model.add_country_holidays(country_name="FR")
        model.fit(pd.DataFrame({"ds": dates[: len(y)], "y": y}))
        future = pd.DataFrame({"ds": dates[len(y):]})
        out: Forecast = {"mean": model.predict(future)["yhat"].to_numpy(float)}
        for lv in level or []:
            model.interval_width = lv / 100  # read at predict time: one fit serves every level
            predicted = model.predict(future)
            out[f"lo-{lv}"] = predicted["yhat_lower"].to_numpy(float)
            out[f"hi-{lv}"] = predicted["yhat_upper"].to_numpy(float)
        return out


def _statsforecast(name: str) -> Any:
    """The statsforecast model class `name`, imported when a model is first built: the dashboard's
    pages that only read stored forecasts never pay its second of import (a server's cold start)."""
    from statsforecast import models

    return getattr(models, name)


def _sf_spec(name: str, label: str, model: str, native: bool, seasonal: bool = False,
             **params: Callable[[SeriesContext], Any]) -> ModelSpec:
    """statsforecast's model `model` as a spec, its parameters worked out from the series' context;
    whether it gives intervals (`native`) is said once, for the spec and for the adapter."""
    def build(context: SeriesContext) -> Model:
        return _StatsForecastModel(_statsforecast(model)(**{key: value(context) for key, value in params.items()}),
                                   native)

    return ModelSpec(name, label, build, native, seasonal)


def _season(context: SeriesContext) -> int:
    return context.season


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    _sf_spec("naive", "Naive (last value)", "Naive", True),
    _sf_spec("seasonal_naive", "Seasonal naive (same period last year)", "SeasonalNaive", True, seasonal=True,
             season_length=_season),
    ModelSpec("moving_average", "Moving average (last 3 periods)", lambda c: MovingAverage(3), False),
    _sf_spec("ets", "Exponential smoothing (ETS, automatic)", "AutoETS", True, season_length=_season),
    # ETS refitted in the form `ets` chose on the whole history (see `ets_form`): 15x cheaper than
    # searching the 30 forms again at each backtest cutoff.
    _sf_spec("theta", "Theta (automatic)", "AutoTheta", True, season_length=_season),
    _sf_spec("dot", "Dynamic optimised Theta", "DynamicOptimizedTheta", True, season_length=_season),
    # CES's intervals are simulated: 65-105 ms a series, twenty times its fit. It gets its bounds
    # from its backtest errors, and lends none to a combination (see `selection`).
    _sf_spec("ces", "Complex exponential smoothing (CES, automatic)", "AutoCES", False, season_length=_season),
    _sf_spec("croston_sba", "Croston SBA (intermittent demand)", "CrostonSBA", False),
    _sf_spec("tsb", "TSB (intermittent demand, obsolescence)", "TSB", False,
             alpha_d=lambda c: 0.2, alpha_p=lambda c: 0.2),
    ModelSpec("prophet", "Prophet", ProphetModel, True),
    ModelSpec("zero", "Zero (no demand)", lambda c: ZeroModel(), True),
)}


def model_names() -> Sequence[str]:
    return tuple(MODELS)


def get_model(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise MessageError(Message("forecast.error.unknown_model",
                                   {"name": repr(name), "models": list(MODELS)})) from None


def ets_form(y: Floats, context: SeriesContext) -> Model:
    """ETS in the form AICc selects on `y` (e.g. M,Ad,A), to refit cheaply on shorter histories."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ets = _statsforecast("AutoETS")
        components = ets(season_length=context.season).fit(y).model_["components"]
    fixed = ets(season_length=context.season, model=components[:3], damped=components[3] == "D")
    return _StatsForecastModel(fixed, MODELS["ets"].native_intervals)


def theta_form(y: Floats, context: SeriesContext) -> Model:
    """Theta in the variant (STM, OTM, DSTM, DOTM) AutoTheta selects on `y`, to refit cheaply."""
    theta = _statsforecast("AutoTheta")
    variant = theta(season_length=context.season).fit(y).model_["modeltype"]
    return _StatsForecastModel(theta(season_length=context.season, model=variant), MODELS["theta"].native_intervals)


def ces_form(y: Floats, context: SeriesContext) -> Model:
    """CES in the seasonal type (N, S, P, F) AutoCES selects on `y`, to refit cheaply."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ces = _statsforecast("AutoCES")
        kind = ces(season_length=context.season).fit(y).model_["seasontype"]
    return _StatsForecastModel(ces(season_length=context.season, model=kind), MODELS["ces"].native_intervals)
