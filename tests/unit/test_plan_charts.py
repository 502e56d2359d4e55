"""The plan page's pieces of the core, by hand: the waterfall's bars, the step labels, the months'
status, the headline of the horizon, last year and the previous plan in euros; the charts build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sop_core.common import localized
from sop_core.plan import (
    STEP_COLUMNS,
    balance,
    demand_chart,
    horizon_figures,
    month_status,
    plan_table,
    step_labels,
    waterfall_bars,
    waterfall_chart,
)
from tests.unit.test_plan_balance import inputs


def _steps() -> pd.DataFrame:
    """Previous plan 100; statistics +30; Ana's entry -50; current 80."""
    return pd.DataFrame({"step": ["previous", "statistical", "entry", "current"],
                         "author": [None, None, "Ana", None], "reason": [None, None, "lost client", None],
                         "key": [None, None, "F1", None], "units": [100.0, 30.0, -50.0, 80.0],
                         "revenue": [1000.0, 300.0, -500.0, 800.0]}, columns=list(STEP_COLUMNS))


def test_waterfall_bars_run_from_the_total_before_to_the_total_after() -> None:
    bars = waterfall_bars(_steps(), "units")
    # previous: 0 -> 100; statistical: 100 -> 130; entry: 130 -> 80; current: 0 -> 80.
    assert bars["start"].tolist() == [0.0, 100.0, 130.0, 0.0]
    assert bars["end"].tolist() == [100.0, 130.0, 80.0, 80.0]
    assert bars["kind"].tolist() == ["total", "up", "down", "total"]
    assert waterfall_bars(_steps(), "revenue")["end"].tolist() == [1000.0, 1300.0, 800.0, 800.0]


def test_step_labels_name_the_entry_by_its_author_key_and_reason_and_stay_unique() -> None:
    steps = pd.concat([_steps().iloc[:3], _steps().iloc[2:]], ignore_index=True)  # Ana's entry twice
    labels = step_labels(steps, "fr", "2026-10").tolist()
    assert labels == ["Plan du cycle 2026-10", "Nouvelle prévision statistique", "Ana · F1 : lost client",
                      "Ana · F1 : lost client (2)", "Plan actuel"]
    nameless = _steps().assign(author=[None, None, " ", None], reason=[None, None, None, None])
    assert step_labels(nameless, "en").iloc[2] == "unknown author · F1: no reason given"


def test_a_month_is_red_when_demand_is_at_risk_orange_when_capacity_or_stock_falls_short() -> None:
    rows = pd.DataFrame({"at_risk_units": [3.0, 0.0, 0.0, 0.4], "capacity_shortage_hours": [0.0, 2.0, 0.0, 0.0],
                         "closing_stock_units": [0.0, 50.0, 40.0, 60.0], "target_stock_units": [50.0] * 4})
    assert month_status(rows).tolist() == ["red", "orange", "orange", "green"]


def test_the_horizon_sums_the_months_and_the_gap_only_where_a_budget_is() -> None:
    table = plan_table(balance(inputs()))
    f1 = table.families[table.families["family"] == "F1"]
    figures = horizon_figures(f1)
    assert figures["units"] == pytest.approx(150)  # 50 + 60 + 40
    assert figures["revenue"] == pytest.approx(1500) and figures["margin"] == pytest.approx(600)
    assert figures["gap_units"] == pytest.approx(5)  # January only: 50 - 45
    f2 = horizon_figures(table.families[table.families["family"] == "F2"])
    assert np.isnan(f2["gap_units"]) and f2["gap_revenue"] == pytest.approx(-80)
    # F2's B is short 50/11 h in February.
    assert f2["capacity_shortage_hours"] == pytest.approx(50 / 11)


def test_last_year_and_the_previous_plan_are_valued_at_todays_prices() -> None:
    previous = np.array([[45.0, 55, np.nan], [100, 100, np.nan], [10, 10, np.nan]])
    table = plan_table(balance(inputs(previous=previous)))
    rows = table.families.set_index(["family", "month"])
    jan, mar = pd.Timestamp("2027-01-01"), pd.Timestamp("2027-03-01")
    assert rows.loc[("F1", jan), "last_year_revenue"] == pytest.approx(400)  # 40 x 10
    assert rows.loc[("F2", jan), "last_year_revenue"] == pytest.approx(450)  # 90 x 5 + 0 x 2
    assert rows.loc[("F2", jan), "previous_cycle_revenue"] == pytest.approx(520)  # 100 x 5 + 10 x 2
    assert np.isnan(rows.loc[("F1", mar), "previous_cycle_revenue"])  # the previous plan stopped in February


@pytest.mark.parametrize("measure", ["units", "revenue"])
def test_the_charts_build_valid_specs(measure: str) -> None:
    table = plan_table(balance(inputs()))
    chart = demand_chart(table.total, measure, "Total", "fr")  # type: ignore[arg-type]
    spec = localized(chart, "fr").to_dict()  # validates against the Vega-Lite schema
    shown = {row["series"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert shown == {"Demande finale", "N-1", "Budget"}  # no previous plan in these inputs: left out
    waterfall = waterfall_chart(_steps(), measure, "Waterfall", "en", "2026-10")  # type: ignore[arg-type]
    bars, totals, moves = localized(waterfall, "en").to_dict()["layer"]
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "end"
    # A plan's total is written as it is, a move with its sign.
    assert not totals["encoding"]["text"]["format"].startswith("+")
    assert moves["encoding"]["text"]["format"].startswith("+")
