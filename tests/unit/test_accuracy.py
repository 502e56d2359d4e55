"""Accuracy metrics: hand-computed cases, zero actuals, and the vectorised table against a loop."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from sop_core.forecast import accuracy as acc

ACTUAL = [10.0, 0.0, 20.0, 30.0]
FORECAST = [12.0, 2.0, 15.0, 30.0]


def test_hand_computed_case() -> None:
    # |errors| = 2, 2, 5, 0 -> 9; sum actual = 60; errors = +2, +2, -5, 0 -> -1
    assert acc.wape(ACTUAL, FORECAST) == pytest.approx(9 / 60)
    assert acc.bias_pct(ACTUAL, FORECAST) == pytest.approx(-1 / 60)
    assert acc.mape(ACTUAL, FORECAST) == pytest.approx((2 / 10 + 5 / 20 + 0) / 3)  # zero actual skipped
    assert acc.smape(ACTUAL, FORECAST) == pytest.approx((4 / 22 + 2 + 10 / 35 + 0) / 4)
    assert acc.tracking_signal(ACTUAL, FORECAST) == pytest.approx(1 / (9 / 4))
    # seasonal naive with m=2 on [1, 3, 2, 6]: |2-1| + |6-3| -> MAE 2
    assert acc.mase([4, 4], [5, 2], [1, 3, 2, 6], season=2) == pytest.approx(((1 + 2) / 2) / 2)


def test_zero_actuals_do_not_crash() -> None:
    assert math.isnan(acc.wape([0, 0], [1, 1])) and math.isnan(acc.mape([0, 0], [1, 1]))
    assert acc.smape([0, 0], [0, 0]) == 0.0 and acc.smape([0], [5]) == 2.0
    assert math.isnan(acc.mase([1], [1], [5, 5, 5], season=12))  # flat history: no scale


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        acc.wape([1, 2], [1])


QUANTITY = st.floats(0, 1e4, allow_subnormal=False)
frames = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C"]), QUANTITY, QUANTITY), min_size=1, max_size=40
).map(lambda rows: pd.DataFrame(rows, columns=["sku", "actual", "forecast"]))


def _loop_metrics(actual: list[float], forecast: list[float]) -> dict[str, float]:
    """The README's definitions, one period at a time in plain Python: the oracle of the table."""
    nan = float("nan")
    errors = [f - a for a, f in zip(actual, forecast, strict=True)]
    volume = sum(abs(a) for a in actual)
    absolute = sum(abs(e) for e in errors)
    relative = [abs(e) / abs(a) for a, e in zip(actual, errors, strict=True) if a != 0]
    symmetric = [0.0 if abs(a) + abs(f) == 0 else 2 * abs(f - a) / (abs(a) + abs(f))
                 for a, f in zip(actual, forecast, strict=True)]
    mad = absolute / len(errors)
    return {"wape": absolute / volume if volume else nan, "bias_pct": sum(errors) / volume if volume else nan,
            "mape": sum(relative) / len(relative) if relative else nan, "smape": sum(symmetric) / len(symmetric),
            "tracking_signal": -sum(errors) / mad if mad else nan}


@settings(max_examples=80, deadline=None)
@given(frame=frames)
def test_table_matches_a_naive_loop(frame: pd.DataFrame) -> None:
    table = acc.accuracy_by(frame, ["sku"]).set_index("sku")
    for sku, group in frame.groupby("sku"):
        expected = _loop_metrics(group["actual"].tolist(), group["forecast"].tolist())
        for name, value in expected.items():
            np.testing.assert_allclose(table.loc[sku, name], value, rtol=1e-9, atol=1e-12, equal_nan=True,
                                       err_msg=f"{name} of {sku}")
    overall = acc.accuracy_by(frame, [])
    assert len(overall) == 1
    np.testing.assert_allclose(overall["wape"][0], _loop_metrics(frame["actual"].tolist(),
                                                                 frame["forecast"].tolist())["wape"],
                               rtol=1e-9, equal_nan=True)


def test_the_table_on_a_hand_computed_case() -> None:
    """Two SKUs: A (10 -> 12, 0 -> 2), B (20 -> 15, 30 -> 30); by hand as in the first test."""
    frame = pd.DataFrame({"sku": ["A", "A", "B", "B"], "actual": ACTUAL, "forecast": FORECAST})
    table = acc.accuracy_by(frame, ["sku"]).set_index("sku")
    assert table.loc["A", "wape"] == pytest.approx(4 / 10) and table.loc["B", "wape"] == pytest.approx(5 / 50)
    assert table.loc["A", "bias_pct"] == pytest.approx(4 / 10) and table.loc["B", "bias_pct"] == pytest.approx(-5 / 50)
    assert table.loc["A", "mape"] == pytest.approx(2 / 10)  # the zero actual is left out
    assert acc.accuracy_by(frame, [])["wape"][0] == pytest.approx(9 / 60)
