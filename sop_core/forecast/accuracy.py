"""Forecast accuracy metrics: small stateless functions, then vectorised group-by versions.

Conventions (the README repeats them so the meeting agrees):
- error = forecast - actual; bias > 0 means the forecast was too high.
- WAPE = sum |error| / sum |actual|; accuracy = 1 - WAPE (may go below 0 on a bad month).
- MAPE ignores periods whose actual is zero (undefined there) and is NaN when all are zero.
- sMAPE = mean of 2 |error| / (|actual| + |forecast|), a period with both zero counting as 0.
- MASE = MAE / MAE of the seasonal naive forecast in-sample (scale-free, comparable across SKUs).
- tracking signal = cumulated (actual - forecast) / mean absolute deviation: beyond +-4, the
  forecast is systematically off.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[Floats, Floats]:
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise ValueError(f"actual and forecast differ in length ({a.shape} vs {f.shape})")
    return a, f


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def wape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return _ratio(np.abs(f - a).sum(), np.abs(a).sum())


def bias_pct(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return _ratio((f - a).sum(), np.abs(a).sum())


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    nonzero = a != 0
    return float(np.mean(np.abs(f[nonzero] - a[nonzero]) / np.abs(a[nonzero]))) if nonzero.any() else float("nan")


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    if not a.size:
        return float("nan")
    denominator = np.abs(a) + np.abs(f)
    terms = np.divide(2 * np.abs(f - a), denominator, out=np.zeros_like(a), where=denominator > 0)
    return float(terms.mean())


def seasonal_naive_mae(insample: ArrayLike, season: int) -> float:
    """In-sample MAE of the seasonal naive forecast (naive when the history is too short)."""
    y = np.asarray(insample, dtype=float)
    lag = season if y.size > season else 1
    return float(np.mean(np.abs(y[lag:] - y[:-lag]))) if y.size > lag else float("nan")


def mase(actual: ArrayLike, forecast: ArrayLike, insample: ArrayLike, season: int) -> float:
    a, f = _pair(actual, forecast)
    scale = seasonal_naive_mae(insample, season)
    return _ratio(np.abs(f - a).mean(), scale) if a.size else float("nan")


def tracking_signal(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    mad = np.abs(a - f).mean() if a.size else 0.0
    return _ratio((a - f).sum(), mad)


def accuracy_by(
    frame: pd.DataFrame,
    by: Sequence[str],
    actual: str = "actual",
    forecast: str = "forecast",
) -> pd.DataFrame:
    """WAPE, accuracy, bias, MAPE, sMAPE and tracking signal per group, without a Python loop.

    `frame` holds one row per SKU x period (x lag...); `by` names the grouping columns ([] for one
    overall row).
    """
    data = frame.assign(
        _abs_error=(frame[forecast] - frame[actual]).abs(),
        _error=frame[forecast] - frame[actual],
        _abs_actual=frame[actual].abs(),
        _ape=np.where(frame[actual] != 0, (frame[forecast] - frame[actual]).abs() / frame[actual].abs(), np.nan),
        _sape=_sape(frame[actual].to_numpy(float), frame[forecast].to_numpy(float)),
    )
    grouped = data.groupby(list(by), dropna=False, sort=True) if by else data.groupby(np.zeros(len(data)))
    sums = grouped.agg(
        actual=(actual, "sum"), forecast=(forecast, "sum"), abs_error=("_abs_error", "sum"),
        error=("_error", "sum"), abs_actual=("_abs_actual", "sum"), mape=("_ape", "mean"),
        smape=("_sape", "mean"), mad=("_abs_error", "mean"), n=(actual, "size"),
    )
    result = pd.DataFrame({
        "actual": sums["actual"], "forecast": sums["forecast"],
        "wape": _safe_divide(sums["abs_error"], sums["abs_actual"]),
        "bias_pct": _safe_divide(sums["error"], sums["abs_actual"]),
        "mape": sums["mape"], "smape": sums["smape"],
        "tracking_signal": _safe_divide(-sums["error"], sums["mad"]),
        "abs_error": sums["abs_error"], "n": sums["n"],
    })
    result.insert(3, "accuracy", 1 - result["wape"])
    return result.reset_index(drop=not by)


def _sape(a: Floats, f: Floats) -> Floats:
    denominator = np.abs(a) + np.abs(f)
    terms: Floats = np.divide(2 * np.abs(f - a), denominator, out=np.zeros_like(a), where=denominator > 0)
    return terms


def _safe_divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator != 0)
