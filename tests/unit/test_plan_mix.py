"""The cheapest mix aimed at a demand scenario's PIC, on a one-workshop plant computed by hand.

Workshop W: 1 person, 35 h a week, efficiency 1, 30 EUR/h, overtime premium 0.25 (37.5 EUR/h), at most
8 h a person a week. As of Monday 1 February 2027: February has 20 working days (140 h), March 23 (161 h).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sop_core.common import Cycle
from sop_core.plan import DemandChange, PlanInputs
from sop_core.whatif.levers import Overtime, Plan, Scenario
from sop_core.whatif.plan_mix import cheapest_mix_for_demand

AS_OF = dt.date(2027, 2, 1)
MONTHS = (dt.date(2027, 2, 1), dt.date(2027, 3, 1))


def plant() -> tuple[Plan, PlanInputs]:
    workshops = pd.DataFrame([{"workshop": "W", "headcount": 1.0, "hours_per_week": 35.0, "efficiency": 1.0,
                               "regular_cost_per_hour": 30.0, "overtime_premium": 0.25}])
    orders = pd.DataFrame(columns=["mo_id", "workshop", "remaining_hours", "planned_start", "planned_end"])
    skus = pd.DataFrame({"family": ["F"], "unit_price": [10.0], "unit_cost": [6.0], "workshop": ["W"],
                         "hours_per_unit": [1.0], "opening_stock": [0.0], "target_stock": [0.0]},
                        index=pd.Index(["A"], name="sku"))
    demand = np.array([[130.0, 100.0]])
    inputs = PlanInputs(
        as_of=AS_OF, cycle=Cycle(2027, 2), run_id=1, months=MONTHS, skus=skus, statistical=demand,
        consensus=demand, workshops=("W",), capacity_hours=np.array([[140.0, 161.0]]),
        open_orders_hours=np.zeros((1, 2)), last_year=np.zeros((1, 2)), previous=np.full((1, 2), np.nan),
        previous_statistical=np.full((1, 2), np.nan), previous_cycle=None, previous_frozen_at=None,
        budget=pd.DataFrame({"family": [], "month": pd.to_datetime([]), "quantity": [], "revenue": []}),
        actuals=pd.DataFrame({"sku": [], "month": [], "units": []}))
    return Plan(AS_OF, orders, workshops), inputs


def test_a_promotion_is_covered_by_the_cheapest_hours_in_its_month() -> None:
    plan, inputs = plant()
    # +15 % in February: 149.5 units, 9.5 h more than February's 140 h; March is not short.
    promo = Scenario("Promo", demand=(DemandChange("sku", "A", MONTHS[0], MONTHS[0], percent=15),))
    mix, result = cheapest_mix_for_demand(plan, inputs, promo)
    assert mix.reached
    # Overtime is the only lever W allows: 9.5 h at 37.5 EUR = 356.25 EUR (sizes rounded up to 0.01 h).
    assert mix.result.total_cost == pytest.approx(356.25, abs=0.5)
    assert all(isinstance(lever, Overtime) and lever.first_week.month == 2 for lever in mix.scenario.levers)
    assert mix.scenario.demand == promo.demand  # the mix keeps the scenario's demand
    assert result.shortage_hours.sum() == pytest.approx(0, abs=1e-6)
    np.testing.assert_allclose(result.production[0], [149.5, 100.0])


def test_no_shortage_needs_no_lever() -> None:
    plan, inputs = plant()
    mix, result = cheapest_mix_for_demand(plan, inputs, Scenario("As planned"))
    assert mix.reached and mix.scenario.levers == () and mix.message.key == "mix.plan.no_shortage"
    assert result.shortage_hours.sum() == 0


def test_a_shortage_beyond_the_levers_is_said_with_the_hours_left() -> None:
    plan, inputs = plant()
    # +50 %: 195 units, 55 h short in February; overtime gives 8 h a week, 32 h in February at most.
    rush = Scenario("Rush", demand=(DemandChange("sku", "A", MONTHS[0], MONTHS[0], percent=50),))
    mix, result = cheapest_mix_for_demand(plan, inputs, rush)
    assert not mix.reached and mix.message.key == "mix.plan.partly"
    assert mix.message.params["before"] == 55
    assert result.shortage_hours[0, 0] == pytest.approx(55 - 32, abs=0.05)
