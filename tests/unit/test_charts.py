"""The chart builders, on small hand-made frames: what each draws (marks, fields, titles in both
languages), read from the Vega-Lite spec; the pack's specs come from the same builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from sop_core.forecast.charts import accuracy_chart, forecast_chart, fva_chart
from sop_core.kpi.charts import rates_trend_chart, stock_value_chart, worst_otif_chart
from sop_core.meeting.pack.charts import load_chart, stock_chart
from sop_core.production.charts import load_heatmap

LOAD = pd.DataFrame({"workshop": ["INJ", "INJ", "ASM", "ASM"],
                     "week": pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-02", "2026-11-09"]),
                     "load_pct": [0.5, 1.25, 0.9, None], "capacity_hours": [100.0, 100, 50, 50],
                     "load_hours": [50.0, 125, 45, 0], "overload_hours": [0.0, 25, 0, 0]})


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer") or spec["spec"]["layer"]


def _data(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return next(iter(spec["datasets"].values()))


def test_the_load_heatmap_writes_weeks_in_the_language_and_every_cell_its_percentage() -> None:
    for lang, weeks, title in (
            ("fr", {"S45", "S46"}, "Charge planifiée en % de la capacité, par atelier et par semaine"),
            ("en", {"W45", "W46"}, "Planned load in % of capacity, per workshop and week")):
        spec = load_heatmap(LOAD, lang).to_dict()
        rows = _data(spec)
        assert {row["week_label"] for row in rows} == weeks
        assert [row["load_label"] for row in rows] == ["50", "125", "90", "–"]  # no value: a dash, not "nan"
        cells, labels = _layers(spec)
        assert cells["mark"]["type"] == "rect" and cells["encoding"]["color"]["field"] == "load_pct"
        assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "load_label"
        assert spec["title"] == title


def test_the_pack_draws_the_pages_heatmap_and_stock_chart() -> None:
    page, pack = load_heatmap(LOAD, "en").to_dict(), load_chart(LOAD, "en")
    assert _layers(pack)[0]["encoding"]["color"] == _layers(page)[0]["encoding"]["color"]
    values = pd.DataFrame({"date": [dt.date(2026, 9, 30), dt.date(2026, 10, 31)], "family": ["F1", "F1"],
                           "units": [10.0, 12], "value": [100.0, 120]})
    spec = stock_chart(values, "fr")
    assert spec["mark"]["type"] == "area" and spec["encoding"]["color"]["field"] == "family"
    assert spec["encoding"]["y"]["title"] == stock_value_chart(values, "fr").to_dict()["encoding"]["y"]["title"]


def test_accuracy_by_lag_is_bars_with_the_lag_as_a_category() -> None:
    frame = pd.DataFrame({"lag": [0, 1], "accuracy": [0.8, 0.7], "bias_pct": [0.02, -0.05]})
    spec = accuracy_chart(frame, "lag", "en").to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["field"] == "lag"
    assert spec["encoding"]["x"]["type"] == "nominal" and [row["lag"] for row in _data(spec)] == ["0", "1"]
    assert spec["encoding"]["y"]["axis"]["format"] == "%"


def test_the_service_trend_draws_four_rates_under_the_target() -> None:
    by_month = pd.DataFrame({"key": pd.to_datetime(["2026-09-01", "2026-10-01"]), "otif": [0.8, 0.9],
                             "on_time": [0.85, 0.92], "in_full": [0.9, 0.95], "fill_rate": [0.95, 0.97]})
    spec = rates_trend_chart(by_month, 0.95, "fr").to_dict()
    line, rule = spec["layer"]
    assert line["mark"] == {"type": "line", "point": True} and line["encoding"]["color"]["field"] == "rate"
    assert {row["rate"] for row in _data(spec)} == {"OTIF", "À l'heure", "Complet", "Taux de service quantitatif"}
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["y"]["datum"] == 0.95


def test_the_worst_keys_are_the_lowest_otif_first_limited_to_the_count() -> None:
    breakdown = pd.DataFrame({"key": list("ABC"), "otif": [0.9, 0.5, 0.7], "status": ["green", "red", "orange"],
                              "lines": [10, 10, 10], "late_lines": [1, 5, 3]})
    spec = worst_otif_chart(breakdown, "customer", "en", count=2).to_dict()
    assert [row["key"] for row in _data(spec)] == ["B", "C"]
    assert spec["title"] == "Lowest OTIF by customer (25 worst)"


def test_the_forecast_chart_and_the_fva_chart_name_their_series_in_the_language() -> None:
    history = pd.DataFrame({"period": pd.to_datetime(["2026-09-01"]), "actual": [10.0]})
    forecast = pd.DataFrame({"period": pd.to_datetime(["2026-11-01"]), "statistical": [11.0], "final": [12.0],
                             "lower_80": [8.0], "upper_80": [14.0]})
    series = {row.get("series") for dataset in forecast_chart(history, forecast, "en").to_dict()["datasets"].values()
              for row in dataset}
    assert series == {None, "Actual", "Statistical", "Final (after consensus)"}  # None: the band's rows
    fva = pd.DataFrame({"period": pd.to_datetime(["2026-09-01"]), "wape_naive": [0.4], "wape_statistical": [0.3],
                        "wape_final": [0.25]})
    named = {row["forecast"] for row in _data(fva_chart(fva, "fr").to_dict())}
    assert len(named) == 3 and not [name for name in named if name.startswith("wape_")]  # words, not codes
