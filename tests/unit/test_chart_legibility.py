"""Every chart legible on a PC and from the back of the room, read from its Vega-Lite spec: each
category named (no label dropped for overlapping, none cut short, a row's height that fits its
label), time axes in the data's grain (months, ISO weeks; no day ticks), legends with their full
labels, cell text in the colour that contrasts with its cell."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pandas as pd
import pytest

from sop_core.common import localized
from sop_core.forecast.charts import accuracy_chart, forecast_chart, fva_chart
from sop_core.kpi.charts import (
    abc_xyz_chart,
    coverage_chart,
    late_lines_chart,
    rates_trend_chart,
    stock_value_chart,
    turnover_trend_chart,
    worst_otif_chart,
)
from sop_core.meeting.pack.charts import load_chart, stock_chart
from sop_core.production.charts import closed_history_chart, load_heatmap, order_timeline, rough_cut_chart
from sop_core.whatif.charts import capacity_chart
from sop_core.whatif.simulation import SimulationResult

PX_PER_CHAR = 7  # a character at 12 px, about
CATEGORY_CHANNELS = ("x", "y")
WORKSHOPS = ["INJECTION", "ASSEMBLAGE", "CONDITIONNEMENT", "DECOR", "MAINTENANCE PREVENTIVE"]
CUSTOMERS = [f"Distillerie Morvan & Fils {n:02d}" for n in range(25)]
MONTHS = pd.date_range("2025-11-01", periods=13, freq="MS")
MONTH_ENDS = pd.date_range("2025-11-30", periods=13, freq="ME")
WEEKS = pd.date_range("2026-11-16", periods=13, freq="W-MON")


def _views(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every view of a spec: itself, its layers, its facet's inner spec."""
    yield spec
    for view in spec.get("layer", []):
        yield from _views(view)
    if "spec" in spec:
        yield from _views(spec["spec"])


def _values(spec: dict[str, Any], field: str) -> list[str]:
    return [str(row[field]) for rows in spec.get("datasets", {}).values() for row in rows if row.get(field)]


def _longest_px(spec: dict[str, Any], field: str) -> int:
    return PX_PER_CHAR * max(len(value) for value in _values(spec, field))


def _heatmap_load() -> pd.DataFrame:
    return pd.DataFrame([{"workshop": w, "week": week, "load_pct": 0.4 + 0.2 * i, "capacity_hours": 100.0,
                          "load_hours": 40.0, "overload_hours": 0.0}
                         for i, w in enumerate(WORKSHOPS) for week in WEEKS])


def _orders() -> pd.DataFrame:
    days = pd.date_range("2026-11-16", periods=40, freq="D")
    return pd.DataFrame({"mo_id": [f"OF-2026-{n:05d}" for n in range(40)], "planned_start": days,
                         "planned_end": days + pd.Timedelta(days=3), "projected_start": days,
                         "projected_end": days + pd.Timedelta(days=5), "status": ["red", "orange"] * 20,
                         "reason": ["late material"] * 40})


def _worst() -> pd.DataFrame:
    return pd.DataFrame({"key": CUSTOMERS, "otif": [i / 30 for i in range(25)], "status": ["red"] * 25,
                         "lines": [10] * 25, "late_lines": [5] * 25})


def _accuracy(by: str, keys: list[Any]) -> pd.DataFrame:
    return pd.DataFrame({by: keys, "accuracy": [0.8] * len(keys), "bias_pct": [0.01] * len(keys),
                         "lag": [1] * len(keys)})


def _matrix() -> pd.DataFrame:
    return pd.DataFrame([{"abc": a, "xyz": x, "skus": 3, "value": 1000.0 * (i + 1), "annual_value": 1.0}
                         for i, (a, x) in enumerate((a, x) for a in "ABC" for x in "XYZ")])


def _distribution() -> pd.DataFrame:
    return pd.DataFrame({"bucket": ["on time", "1-2 days", "3-7 days", "8-14 days",
                                    "15-30 days", "over 30 days"],
                         "delivered_lines": [50, 5, 4, 3, 2, 1], "open_lines": [0, 1, 1, 1, 1, 1]})


CATEGORY_CHARTS = {
    "worst customers": lambda: worst_otif_chart(_worst(), "customer", "fr"),
    "load heatmap": lambda: load_heatmap(_heatmap_load(), "fr"),
    "Gantt": lambda: order_timeline(_orders(), "CONDITIONNEMENT", "fr"),
    "late lines": lambda: late_lines_chart(_distribution(), "fr"),
    "accuracy by family": lambda: accuracy_chart(_accuracy("family", ["Bouchons et capsules", "F2"]), "family", "fr"),
    "accuracy by lag": lambda: accuracy_chart(_accuracy("lag", [0, 1, 2]), "lag", "fr"),
    "ABC x XYZ": lambda: abc_xyz_chart(_matrix(), "fr"),
}


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("name", list(CATEGORY_CHARTS))
def test_every_category_axis_names_each_category_in_full_on_a_row_that_fits_it(name: str, large: bool) -> None:
    spec = localized(CATEGORY_CHARTS[name](), "fr", large=large).to_dict()
    font_px = spec["config"].get("axis", {}).get("labelFontSize", 12)
    # The height of a chart with a category axis is a step per category, the step taller than the text.
    assert spec["config"].get("view", {}).get("discreteHeight", {}).get("step", 20) >= 1.5 * font_px
    checked = 0
    for view in _views(spec):
        for channel in CATEGORY_CHANNELS:
            encoding = view.get("encoding", {}).get(channel)
            if not encoding or encoding.get("type") not in ("nominal", "ordinal"):
                continue
            # A fixed height would squeeze many rows together: the rows' step sets it.
            assert channel == "x" or not isinstance(view.get("height", spec.get("height")), int | float), name
            axis = encoding.get("axis") or {}
            assert axis.get("labelOverlap") is False, (name, channel)
            assert axis.get("labelLimit") == 0 or axis.get("labelLimit", 0) >= _longest_px(spec, encoding["field"])
            checked += 1
    assert checked


MONTHLY_CHARTS = {
    "service trend": lambda: rates_trend_chart(pd.DataFrame(
        {"key": MONTHS, "otif": 0.9, "on_time": 0.9, "in_full": 0.9, "fill_rate": 0.9}), 0.95, "fr"),
    "accuracy by month": lambda: accuracy_chart(_accuracy("period", list(MONTHS)), "period", "fr"),
    "value added": lambda: fva_chart(pd.DataFrame({"period": MONTHS, "wape_naive": 0.4, "wape_statistical": 0.3,
                                                   "wape_final": 0.2}), "fr"),
    "turnover": lambda: turnover_trend_chart(pd.DataFrame({"month": MONTHS, "turnover": 4.0,
                                                           "days_of_inventory": 90.0}), "fr"),
    "stock value (month ends)": lambda: stock_value_chart(pd.DataFrame({"date": MONTH_ENDS, "family": "F1",
                                                                        "value": 100.0}), "fr"),
    "forecast": lambda: forecast_chart(pd.DataFrame({"period": MONTHS[:9], "actual": 10.0}), pd.DataFrame(
        {"period": MONTHS[9:], "statistical": 11.0, "final": 12.0, "lower_80": 8.0, "upper_80": 14.0}), "fr"),
    "closed OF": lambda: closed_history_chart(pd.DataFrame(
        {"workshop": "INJECTION", "month": MONTHS, "closed": 3, "on_time_rate": 0.8, "avg_delay_days": 1.0}), "fr"),
    "rough-cut plan": lambda: rough_cut_chart(pd.DataFrame(
        {"workshop": "INJECTION", "month": MONTHS, "open_orders_hours": 10.0, "forecast_hours": 5.0,
         "capacity_hours": 20.0}), "fr"),
}


def _time_axes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [view["encoding"]["x"].get("axis") or {} for view in _views(spec)
            if view.get("encoding", {}).get("x", {}).get("type") == "temporal"]


@pytest.mark.parametrize("name", list(MONTHLY_CHARTS))
def test_monthly_charts_tick_months_named_as_months(name: str) -> None:
    axes = _time_axes(MONTHLY_CHARTS[name]().to_dict())
    assert axes
    for axis in axes:
        assert axis.get("format") == "%b %Y", name  # "nov. 2026", never "mai 03"
        # Ticks at the data's months only (every one, or every n-th of many): no day ticks between.
        ticks = axis["values"]
        assert 6 <= len(ticks) <= 13 and len({(t["year"], t["month"]) for t in ticks}) == len(ticks)


def test_the_capacity_chart_ticks_iso_weeks() -> None:
    load = pd.DataFrame({"workshop": "INJECTION", "week": WEEKS, "base_capacity_hours": 100.0,
                         "added_overtime_hours": 0.0, "added_temps_hours": 0.0, "added_subcontract_hours": 0.0,
                         "load_hours": 90.0})
    result = cast(SimulationResult, SimpleNamespace(load=load))
    for lang, prefix in (("fr", "S%V"), ("en", "W%V")):
        axes = _time_axes(capacity_chart(result, "Plan", lang).to_dict())
        assert axes and all(axis.get("format") == prefix for axis in axes)
        for ticks in (axis["values"] for axis in axes):  # on the weeks' Mondays, each week or every n-th
            assert len(ticks) >= 6 and {pd.Timestamp(t["year"], t["month"], t["date"]).weekday() for t in ticks} == {0}


def test_abc_xyz_text_contrasts_with_its_cell() -> None:
    _, text = abc_xyz_chart(_matrix(), "fr").to_dict()["layer"]
    color = text["encoding"].get("color", {})
    assert "condition" in color  # white on the dark (high value) cells, black on the light ones
    assert {color["condition"]["value"], color["value"]} == {"white", "black"}


LEGEND_CHARTS = {
    **MONTHLY_CHARTS,
    "late lines": CATEGORY_CHARTS["late lines"],
    "stock status": lambda: coverage_chart(pd.DataFrame(
        {"sku": list("ABCDE"), "coverage_days": [1.0, 20, 40, 90, 400],
         "status": ["understock", "ok", "overstock", "slow", "dead"]}), "fr"),
    "pack stock": lambda: stock_chart(pd.DataFrame({"date": MONTH_ENDS, "family": "Bouchons et capsules",
                                                    "units": 1.0, "value": 100.0}), "fr"),
    "pack load": lambda: load_chart(_heatmap_load(), "fr"),
}


@pytest.mark.parametrize("name", list(LEGEND_CHARTS))
def test_legends_show_their_full_labels(name: str) -> None:
    chart = LEGEND_CHARTS[name]()
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    for view in _views(spec):
        color = view.get("encoding", {}).get("color", {})
        if color.get("type") != "nominal" or color.get("legend", {}) is None or "field" not in color:
            continue
        legend = color.get("legend") or {}
        # A folded field's labels are in the color's sort, not in the data.
        labels = _values(spec, color["field"]) or list(color.get("sort") or color["scale"]["domain"])
        limit = legend.get("labelLimit", spec.get("config", {}).get("legend", {}).get("labelLimit"))
        assert limit == 0 or (limit or 0) >= PX_PER_CHAR * max(len(label) for label in labels), name
