"""Invariants of the PIC on random plans: families add up to the total, SKUs to their family, a 0 %
scenario is the baseline, more capacity never increases the shortage, and stock balances."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.common import Cycle
from sop_core.plan import DemandChange, PlanInputs, apply_changes, balance, plan_table

MONTHS = tuple(dt.date(2027, m, 1) for m in range(1, 7))
FAMILIES = ("F1", "F2", "F3")
SUMMED = ("units", "revenue", "margin", "production_units", "closing_stock_units", "backlog_units",
          "at_risk_units", "capacity_shortage_hours", "last_year_units")


@st.composite
def plans(draw: st.DrawFn) -> PlanInputs:
    n = draw(st.integers(1, 8))
    shops = draw(st.integers(1, 3))
    amount = st.floats(0, 500, allow_nan=False)
    demand = np.array(draw(st.lists(st.lists(amount, min_size=6, max_size=6), min_size=n, max_size=n)))
    skus = pd.DataFrame({
        "family": [draw(st.sampled_from(FAMILIES)) for _ in range(n)],
        "unit_price": [draw(st.floats(0, 50)) for _ in range(n)],
        "unit_cost": [draw(st.floats(0, 50)) for _ in range(n)],
        "workshop": [draw(st.sampled_from([*(f"W{i}" for i in range(shops)), None])) for _ in range(n)],
        "hours_per_unit": [draw(st.floats(0, 2)) for _ in range(n)],
        "opening_stock": [draw(amount) for _ in range(n)],
        "target_stock": [draw(st.floats(0, 200)) for _ in range(n)],
    }, index=pd.Index([f"S{i}" for i in range(n)], name="sku"))
    capacity = np.array(draw(st.lists(st.lists(st.floats(0, 400), min_size=6, max_size=6),
                                      min_size=shops, max_size=shops)))
    return PlanInputs(
        as_of=dt.date(2027, 1, 4), cycle=Cycle(2027, 1), run_id=1, months=MONTHS, skus=skus,
        statistical=demand, consensus=demand, workshops=tuple(f"W{i}" for i in range(shops)),
        capacity_hours=capacity, open_orders_hours=capacity * draw(st.floats(0, 1)),
        last_year=demand * 0.9, previous=np.full(demand.shape, np.nan),
        previous_statistical=np.full(demand.shape, np.nan),
        previous_cycle=None, previous_frozen_at=None,
        budget=pd.DataFrame({"family": [], "month": pd.to_datetime([]), "quantity": [], "revenue": []}),
        actuals=pd.DataFrame({"sku": [], "month": [], "units": []}))


@settings(max_examples=150, deadline=None)
@given(plans())
def test_families_add_up_to_the_total_and_skus_to_their_family(plan: PlanInputs) -> None:
    result = balance(plan)
    table = plan_table(result)
    by_month = table.families.groupby("month")[list(SUMMED)].sum()
    total = table.total.set_index("month")[list(SUMMED)]
    np.testing.assert_allclose(by_month.to_numpy(), total.loc[by_month.index].to_numpy(), rtol=1e-9, atol=1e-6)
    families = plan.skus["family"].to_numpy()
    for family, rows in table.families.groupby("family"):
        members = families == family
        np.testing.assert_allclose(rows["units"].to_numpy(), result.demand[members].sum(axis=0), atol=1e-6)
        np.testing.assert_allclose(rows["closing_stock_units"].to_numpy(),
                                   result.closing_stock[members].sum(axis=0), atol=1e-6)


@settings(max_examples=150, deadline=None)
@given(plans(), st.sampled_from(FAMILIES), st.integers(0, 5), st.integers(0, 5))
def test_a_zero_change_is_the_baseline(plan: PlanInputs, family: str, first: int, length: int) -> None:
    last = min(first + length, 5)
    skus, families = list(plan.skus.index), list(plan.skus["family"])
    if family not in families:
        family = families[0]
    changes = [DemandChange("family", family, MONTHS[first], MONTHS[last], percent=0.0),
               DemandChange("sku", skus[0], MONTHS[first], MONTHS[last], quantity=0.0)]
    demand = apply_changes(plan.consensus, MONTHS, skus, families, changes)
    np.testing.assert_allclose(demand, plan.consensus)
    base, varied = balance(plan), balance(plan, demand)
    for name in ("production", "closing_stock", "backlog", "shortage_hours"):
        np.testing.assert_allclose(getattr(varied, name), getattr(base, name))


@settings(max_examples=150, deadline=None)
@given(plans(), st.data())
def test_more_capacity_never_increases_the_shortage(plan: PlanInputs, data: st.DataObject) -> None:
    extra = np.array(data.draw(st.lists(st.lists(st.floats(0, 300), min_size=6, max_size=6),
                                        min_size=len(plan.workshops), max_size=len(plan.workshops))))
    base, more = balance(plan), balance(plan, extra_capacity=extra)
    # Month by month: more hours leave every SKU at least as much stock, so less to make later.
    assert np.all(more.shortage_hours.sum(axis=0) <= base.shortage_hours.sum(axis=0) + 1e-6)
    assert np.all(more.backlog <= base.backlog + 1e-6)
    assert more.at_risk.sum() <= base.at_risk.sum() + 1e-6


@settings(max_examples=150, deadline=None)
@given(plans())
def test_stock_balances_month_by_month(plan: PlanInputs) -> None:
    result = balance(plan)
    position = result.closing_stock - result.backlog
    opening = np.concatenate([plan.skus["opening_stock"].to_numpy()[:, None], position[:, :-1]], axis=1)
    np.testing.assert_allclose(position, opening + result.production - result.demand, atol=1e-6)
    assert np.all(result.production <= result.wanted + 1e-9)
    assert np.all(result.at_risk <= result.demand + 1e-9)
