"""A what-if scenario on the PIC, on the demo store: its demand changes and its levers' hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_core.data import Store
from sop_core.plan import balance, plan_inputs, plan_table
from sop_core.whatif import (
    PLAN_FIGURES,
    Scenario,
    ScenarioError,
    plan_comparison,
    scenario_from_json,
    scenario_from_rows,
    scenario_plan,
    scenario_to_json,
)
from tests.conftest import CopyDatabase

PROMO = """{"name": "Promo bouchage", "levers": [
  {"kind": "overtime", "workshop": "INJECTION", "first_week": "2026-11-09", "last_week": "2026-12-28",
   "hours_per_person": 4}],
  "demand": [{"level": "family", "key": "Bouchage", "first_month": "2026-12-01", "last_month": "2027-01-01",
              "percent": 20}]}"""


@pytest.fixture(scope="module")
def planned(demo_copy: CopyDatabase, demo_forecast_template: Path) -> Iterator[Store]:
    """The demo with today's forecast (the plan's months: November 2026 to April 2028)."""
    with Store(demo_copy("planned", source=demo_forecast_template)) as store:
        yield store


def test_a_scenario_file_keeps_its_demand_changes() -> None:
    scenario = scenario_from_json(PROMO)
    assert scenario.demand[0].percent == 20
    assert scenario.demand[0].first_month == dt.date(2026, 12, 1)
    assert scenario_from_json(scenario_to_json(scenario)) == scenario
    # A scenario of levers only writes no "demand" key: files written before it read the same.
    assert '"demand"' not in scenario_to_json(Scenario("Levers only"))


def test_a_page_row_with_a_bad_month_says_which_change_and_the_fix() -> None:
    with pytest.raises(ScenarioError) as raised:
        scenario_from_rows("x", [], demand_rows=[{"level": "family", "key": "Bouchage", "first_month": "2027-01-15",
                                                  "last_month": "2027-02-01", "percent": 10, "quantity": None}])
    text = raised.value.message.render("fr")
    assert text.startswith("variation de la demande 1 : ")
    assert "premier jour" in text


def test_the_scenario_changes_its_months_only_and_its_levers_add_hours(planned: Store) -> None:
    scenario = scenario_from_json(PROMO)
    as_of = planned.as_of()
    varied, simulated = scenario_plan(planned, as_of, scenario)
    base, _ = scenario_plan(planned, as_of, Scenario("Baseline"))
    families = varied.inputs.skus["family"].to_numpy()
    months = list(varied.inputs.months)
    december, january = months.index(dt.date(2026, 12, 1)), months.index(dt.date(2027, 1, 1))
    bouchage = families == "Bouchage"
    np.testing.assert_allclose(varied.demand[bouchage][:, [december, january]],
                               1.2 * base.demand[bouchage][:, [december, january]])
    others = np.ones(len(months), dtype=bool)
    others[[december, january]] = False
    np.testing.assert_allclose(varied.demand[:, others], base.demand[:, others])
    np.testing.assert_allclose(varied.demand[~bouchage], base.demand[~bouchage])
    # The overtime adds INJECTION hours in November and December only, as the simulation played them.
    injection = varied.inputs.workshops.index("INJECTION")
    added = varied.capacity_hours - base.capacity_hours
    assert added[injection, 0] > 0 and added[injection, 1] > 0
    assert added.sum() == pytest.approx(simulated.added_by_month["hours"].sum())
    assert np.all(added[:, 2:] == 0)


def test_the_comparison_reads_revenue_and_margin_after_levers(planned: Store) -> None:
    scenario = scenario_from_json(PROMO)
    as_of = planned.as_of()
    (base, base_sim), (varied, sim) = (scenario_plan(planned, as_of, s) for s in (Scenario("Baseline"), scenario))
    table = plan_comparison([base, varied], [base_sim, sim], ["Baseline", "Promo"])
    assert list(table.index) == list(PLAN_FIGURES)
    total = plan_table(varied).total
    assert table.loc["plan_revenue", "Promo"] == pytest.approx(total["revenue"].sum())
    assert table.loc["lever_cost", "Promo"] == pytest.approx(sim.total_cost) and sim.total_cost > 0
    assert table.loc["margin_after_levers", "Promo"] == pytest.approx(total["margin"].sum() - sim.total_cost)
    assert table.loc["lever_cost", "Baseline"] == 0


def test_the_plan_reads_the_demo_as_the_meeting_sees_it(planned: Store) -> None:
    inputs = plan_inputs(planned)
    assert inputs.months[0] == dt.date(2026, 11, 1) and len(inputs.months) == 18
    assert str(inputs.previous_cycle) == "2026-10"  # the demo's last frozen cycle
    # The October cycle planned November to March: April on is beyond it.
    assert not np.isnan(inputs.previous[:, :5]).any() and np.isnan(inputs.previous[:, 5:]).all()
    # Last year's sales stand beside November 2026 to October 2027; November 2027 on has none yet.
    assert np.nansum(inputs.last_year[:, :12]) > 0 and np.isnan(inputs.last_year[:, 12:]).all()
    assert set(inputs.workshops) == {"ASSEMBLAGE", "CONDITIONNEMENT", "CONTROLE", "DECOR", "INJECTION"}
    # The demo's budget (data/demo/budget.csv) lands beside the plan, family by family.
    table = plan_table(balance(inputs)).families.set_index(["family", "month"])
    stored = planned.query("SELECT quantity, revenue FROM budget WHERE family = 'Bouchage' AND month = ?",
                           [dt.date(2026, 12, 1)])
    december = table.loc[("Bouchage", pd.Timestamp("2026-12-01"))]
    assert december["budget_units"] == pytest.approx(stored["quantity"][0])
    assert december["gap_revenue"] == pytest.approx(december["revenue"] - stored["revenue"][0])

