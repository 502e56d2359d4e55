"""The PIC balance, revenue, margin, coverage and the waterfall, on cases computed by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sop_core.common import Cycle
from sop_core.plan import (
    TOTAL,
    DemandChange,
    DemandChangeError,
    PlanInputs,
    apply_changes,
    balance,
    changes_since_previous,
    plan_rows,
    plan_table,
)

MONTHS = (dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1))


def inputs(capacity: list[float] | None = None, demand: np.ndarray | None = None, **overrides: object) -> PlanInputs:
    """Two families: F1 = A (1 h/unit on W, 20 in stock, target 10); F2 = B (0.5 h/unit on W) and C (no
    workshop, 5 in stock). W has 100, 100, 120 hours and no open OF."""
    skus = pd.DataFrame({
        "family": ["F1", "F2", "F2"], "unit_price": [10.0, 5.0, 2.0], "unit_cost": [6.0, 4.0, 1.0],
        "workshop": ["W", "W", None], "hours_per_unit": [1.0, 0.5, 0.0], "opening_stock": [20.0, 0.0, 5.0],
        "target_stock": [10.0, 0.0, 0.0]}, index=pd.Index(["A", "B", "C"], name="sku"))
    consensus = np.array([[50.0, 60, 40], [100, 100, 100], [10, 10, 10]]) if demand is None else demand
    values: dict[str, object] = dict(
        as_of=dt.date(2027, 1, 4), cycle=Cycle(2027, 1), run_id=1, months=MONTHS, skus=skus,
        statistical=consensus.copy(), consensus=consensus, workshops=("W",),
        capacity_hours=np.array([capacity or [100.0, 100.0, 120.0]]), open_orders_hours=np.zeros((1, 3)),
        last_year=np.array([[40.0, 50, 30], [90, 90, 90], [0, 0, 0]]),
        previous=np.full((3, 3), np.nan), previous_statistical=np.full((3, 3), np.nan), previous_cycle=None,
        previous_frozen_at=None,
        budget=pd.DataFrame({"family": ["F1", "F2"], "month": pd.to_datetime(["2027-01-01", "2027-01-01"]),
                             "quantity": [45.0, np.nan], "revenue": [480.0, 600.0]}),
        actuals=pd.DataFrame({"sku": [], "month": [], "units": []}))
    values.update(overrides)
    return PlanInputs(**values)  # type: ignore[arg-type]


def test_balance_of_two_families_over_three_months_by_hand() -> None:
    result = balance(inputs())
    # January: A wants 50 + 10 - 20 = 40 (40 h), B 100 (50 h): 90 h of 100, nothing cut.
    # February: A wants 60 + 10 - 10 = 60 (60 h), B 100 (50 h): 110 h of 100, each gets 10/11.
    # March: A wants 40 + 10 - 50/11, B 100 + 100/11: 100 h of 120, nothing cut, the backlog is caught up.
    np.testing.assert_allclose(result.wanted[0], [40, 60, 50 - 50 / 11])
    np.testing.assert_allclose(result.production[0], [40, 600 / 11, 50 - 50 / 11])
    np.testing.assert_allclose(result.production[1], [100, 1000 / 11, 100 + 100 / 11])
    np.testing.assert_allclose(result.closing_stock[0], [10, 50 / 11, 10])
    np.testing.assert_allclose(result.backlog[1], [0, 100 / 11, 0], atol=1e-9)
    np.testing.assert_allclose(result.at_risk[1], [0, 100 / 11, 0], atol=1e-9)
    np.testing.assert_allclose(result.shortage_hours[:, 1], [60 / 11, 50 / 11, 0])
    # C has no workshop: never capped; 5 in stock covers half of January.
    np.testing.assert_allclose(result.production[2], [5, 10, 10])
    np.testing.assert_allclose(result.closing_stock[2], [0, 0, 0])


def test_family_table_revenue_margin_budget_and_coverage_by_hand() -> None:
    table = plan_table(balance(inputs()))
    rows = table.families.set_index(["family", "month"])
    jan, feb = pd.Timestamp("2027-01-01"), pd.Timestamp("2027-02-01")
    assert rows.loc[("F1", jan), "revenue"] == pytest.approx(500)  # 50 x 10
    assert rows.loc[("F1", jan), "margin"] == pytest.approx(200)  # 50 x (10 - 6)
    assert rows.loc[("F2", jan), "revenue"] == pytest.approx(520)  # 100 x 5 + 10 x 2
    assert rows.loc[("F2", jan), "margin"] == pytest.approx(110)  # 100 x 1 + 10 x 1
    assert rows.loc[("F1", jan), "gap_units"] == pytest.approx(5)  # 50 - 45
    assert rows.loc[("F1", jan), "gap_revenue"] == pytest.approx(20)  # 500 - 480
    assert np.isnan(rows.loc[("F2", jan), "budget_units"])  # the budget gives F2's revenue only
    assert rows.loc[("F2", jan), "gap_revenue"] == pytest.approx(-80)
    assert np.isnan(rows.loc[("F1", feb), "budget_units"])  # no budget that month
    # F1 closes January with 10 units; February's demand is 60 over 28 days: 10 / (60 / 28) days.
    assert rows.loc[("F1", jan), "coverage_days"] == pytest.approx(10 / (60 / 28))
    assert rows.loc[("F1", jan), "target_coverage_days"] == pytest.approx(10 / (60 / 28))
    assert rows.loc[("F2", feb), "closing_stock_units"] == pytest.approx(0)
    assert rows.loc[("F2", feb), "backlog_units"] == pytest.approx(100 / 11)
    assert rows.loc[("F2", feb), "capacity_shortage_hours"] == pytest.approx(50 / 11)
    assert rows.loc[("F1", feb), "opening_stock_units"] == pytest.approx(10)
    total = table.total.set_index("month")
    assert (table.total["family"] == TOTAL).all()
    assert total.loc[jan, "revenue"] == pytest.approx(1020)
    assert total.loc[jan, "budget_revenue"] == pytest.approx(1080)
    assert total.loc[jan, "budget_units"] == pytest.approx(45)  # only F1 gives units
    assert total.loc[jan, "last_year_units"] == pytest.approx(130)


def test_demand_scenario_overloads_the_workshop_in_its_month_only() -> None:
    plan = inputs(capacity=[100.0, 200.0, 200.0])
    base = balance(plan)
    assert base.shortage_hours.sum() == 0
    # +30 % on F2 in January: B wants 130 (65 h) + A 40 h = 105 h of 100: 5 h short in January only.
    change = DemandChange("family", "F2", MONTHS[0], MONTHS[0], percent=30)
    demand = apply_changes(plan.consensus, MONTHS, list(plan.skus.index), list(plan.skus["family"]), [change])
    np.testing.assert_allclose(demand[:, 0], [50, 130, 13])
    np.testing.assert_allclose(demand[:, 1:], plan.consensus[:, 1:])
    varied = balance(plan, demand)
    np.testing.assert_allclose(varied.shortage_hours.sum(axis=0), [5, 0, 0], atol=1e-9)
    np.testing.assert_allclose(varied.production[:, 0], [40 * 100 / 105, 130 * 100 / 105, 8])


def test_a_quantity_is_spread_over_the_family_by_demand_share() -> None:
    plan = inputs()
    change = DemandChange("family", "F2", MONTHS[1], MONTHS[2], quantity=-22)
    demand = apply_changes(plan.consensus, MONTHS, list(plan.skus.index), list(plan.skus["family"]), [change])
    # B has 100 of F2's 110 units in February and March: -20 for B, -2 for C.
    np.testing.assert_allclose(demand[1], [100, 80, 80])
    np.testing.assert_allclose(demand[2], [10, 8, 8])
    np.testing.assert_allclose(demand[0], plan.consensus[0])


@pytest.mark.parametrize(("fields", "problem"), [
    ({"percent": 10, "quantity": 5}, "plan.error.percent_or_quantity"),
    ({}, "plan.error.percent_or_quantity"),
    ({"percent": -120}, "plan.error.percent_below"),
    ({"percent": float("nan")}, "plan.error.amount"),
])
def test_a_demand_change_says_what_is_wrong(fields: dict[str, float], problem: str) -> None:
    with pytest.raises(DemandChangeError) as raised:
        DemandChange("sku", "A", MONTHS[0], MONTHS[1], **fields)
    assert raised.value.message.key == problem


def test_an_unknown_family_is_refused_not_ignored() -> None:
    plan = inputs()
    with pytest.raises(DemandChangeError) as raised:
        apply_changes(plan.consensus, MONTHS, list(plan.skus.index), list(plan.skus["family"]),
                      [DemandChange("family", "F9", MONTHS[0], MONTHS[0], percent=10)])
    assert raised.value.message.key == "plan.error.unknown_family"


class _Changes:
    """A store that answers the changes query with fixed rows."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows

    def query(self, sql: str, params: object = ()) -> pd.DataFrame:
        return self.rows


def test_the_waterfall_from_the_previous_plan_adds_up_by_hand() -> None:
    previous_statistical = np.array([[45.0, 55, np.nan], [100, 100, np.nan], [10, 10, np.nan]])
    previous = previous_statistical + np.array([[0.0, 5, 0], [0, 0, 0], [0, 0, 0]])
    consensus = np.array([[50.0, 70, 40], [100, 100, 100], [10, 10, 10]])
    statistical = np.array([[50.0, 60, 40], [100, 100, 100], [10, 10, 10]])
    plan = inputs(demand=consensus, statistical=statistical, previous=previous,
                  previous_statistical=previous_statistical, previous_cycle=Cycle(2026, 12),
                  previous_frozen_at=dt.datetime(2026, 12, 3))
    # Since the freeze: Sales (Ana) +10 on A in February; a family change of +11 on F2 in January,
    # spread 100:10 over B and C.
    rows = pd.DataFrame({
        "level": ["sku", "family"], "key": ["A", "F2"], "period": pd.to_datetime(["2027-02-01", "2027-01-01"]),
        "delta": [10.0, 11.0], "change": ["e1", "e2"], "author": ["Ana", "Bo"], "reason": ["promo", "new client"]})
    consensus[1, 0] += 10  # the family change as the final forecast has it
    consensus[2, 0] += 1
    steps = changes_since_previous(_Changes(rows), balance(plan)).set_index("step")  # type: ignore[arg-type]
    # Covered cells: January and February (the previous plan stopped there).
    assert steps.loc["previous", "units"] == pytest.approx(45 + 60 + 200 + 20)  # 325
    assert steps.loc["statistical", "units"] == pytest.approx(5 + 5)  # A: 50 - 45 and 60 - 55
    entries = steps.loc["entry"].set_index("author")
    assert entries.loc["Ana", "units"] == pytest.approx(10)
    assert entries.loc["Ana", "revenue"] == pytest.approx(100)
    assert entries.loc["Bo", "units"] == pytest.approx(11)
    assert entries.loc["Bo", "revenue"] == pytest.approx(10 * 5 + 1 * 2)
    assert entries.loc["Bo", "reason"] == "new client"
    assert steps.loc["current", "units"] == pytest.approx(50 + 70 + 110 + 100 + 11 + 10)  # 351
    # 325 + 10 + 10 + 11 = 356: the -5 is the previous plan's own +5 on A in February, gone since.
    assert steps.loc["other", "units"] == pytest.approx(-5)
    assert steps["units"].iloc[:-1].sum() == pytest.approx(steps.loc["current", "units"])


def test_json_rows_keep_the_contract_keys() -> None:
    rows = plan_rows(plan_table(balance(inputs())))
    assert len(rows) == 6
    assert list(rows[0]) == ["family", "month", "units", "revenue", "margin", "previous_cycle_units",
                             "last_year_units", "budget_units", "budget_revenue", "closing_stock_units",
                             "coverage_days", "capacity_shortage_hours"]
    assert rows[0]["month"] == "2027-01-01"
    assert rows[0]["previous_cycle_units"] is None
