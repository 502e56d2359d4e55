"""What-if levers on a one-workshop plant, every figure computed by hand, plus properties.

The plant: workshop W, 1 person at 35 h a week, efficiency 1, regular cost 30 EUR/h, overtime premium
0.25: 7 h on each working day. As of Monday 16 November 2026 (ISO week 47); weeks 47 to 49 hold no
public holiday. Order A: 70 h, planned 16-20 November, so alone on W it ends on Friday 27 November
(10 working days of 7 h), 5 working days late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_core.production.engine import ProductionSettings, daily_capacity, project
from sop_core.whatif.levers import (
    Overtime,
    Plan,
    Scenario,
    ScenarioError,
    Subcontract,
    TempWorkers,
    lever_size,
    validate,
)
from sop_core.whatif.scenario_json import scenario_from_json, scenario_from_rows, scenario_to_json
from sop_core.whatif.simulation import compare, simulate

D = dt.date
AS_OF = D(2026, 11, 16)
W47, W48, W49 = D(2026, 11, 16), D(2026, 11, 23), D(2026, 11, 30)


def shops(**extra: Any) -> pd.DataFrame:
    row = {"workshop": "W", "headcount": 1.0, "hours_per_week": 35.0, "efficiency": 1.0,
           "regular_cost_per_hour": 30.0, "overtime_premium": 0.25, **extra}
    return pd.DataFrame([row])


def orders(*rows: tuple[str, float, dt.date, dt.date]) -> pd.DataFrame:
    return pd.DataFrame([{"mo_id": mo, "workshop": "W", "remaining_hours": hours, "planned_start": start,
                          "planned_end": end} for mo, hours, start, end in rows])


def plan(*rows: tuple[str, float, dt.date, dt.date], **extra: Any) -> Plan:
    return Plan(AS_OF, orders(*(rows or (("A", 70.0, W47, D(2026, 11, 20)),))), shops(**extra))


def end_of(result: Any, mo_id: str) -> dt.date:
    return result.orders.set_index("mo_id").loc[mo_id, "projected_end"].date()  # type: ignore[no-any-return]


def test_baseline_order_a_ends_friday_27_five_days_late() -> None:
    base = simulate(plan(), Scenario("baseline"))
    assert end_of(base, "A") == D(2026, 11, 27)
    assert base.late_days == 5
    assert base.total_cost == 0 and base.costs.empty and base.cost_per_late_day_avoided is None
    assert base.projected_on_time_rate == 0.0 and base.red_orders == 1


def test_overtime_5_hours_for_2_weeks_costs_375_and_ends_a_day_earlier() -> None:
    # 8 h a day in weeks 47-48: 70 h take 8.75 days -> Thursday 26 Nov, 4 days late.
    # Paid 2 weeks x 5 h x 30 x 1.25 = 375 EUR. Used: days 1-8 take 8 h (8 h of overtime), day 9 takes
    # 6 h, all on the base hours.
    result = simulate(plan(), Scenario("ot", (Overtime("W", W47, W48, 5),)))
    assert end_of(result, "A") == D(2026, 11, 26)
    cost = result.costs.iloc[0]
    assert (cost["kind"], cost["weeks"], cost["paid_hours"], cost["added_hours"]) == ("overtime", 2, 10.0, 10.0)
    assert cost["used_hours"] == pytest.approx(8.0)
    assert cost["cost"] == pytest.approx(375.0) and result.total_cost == pytest.approx(375.0)
    assert (result.late_days, result.late_days_avoided) == (4, 1)
    assert result.cost_per_late_day_avoided == pytest.approx(375.0)
    load = result.load.set_index("week")
    assert load.loc[pd.Timestamp(W47), "base_capacity_hours"] == pytest.approx(35.0)
    assert load.loc[pd.Timestamp(W47), "added_overtime_hours"] == pytest.approx(5.0)
    assert load.loc[pd.Timestamp(W49), "added_overtime_hours"] == 0.0
    assert load.loc[pd.Timestamp(W47), "capacity_hours"] == pytest.approx(40.0)


def test_overtime_pays_the_efficiency_loss_and_the_premium() -> None:
    # 2 people at 80 %: 2 x 4 h paid a week = 8 h, 6.4 h productive; 8 x 30 x 1.5 = 360 EUR.
    result = simulate(plan(headcount=2.0, efficiency=0.8, overtime_premium=0.5),
                      Scenario("ot", (Overtime("W", W48, W48, 4),)))
    cost = result.costs.iloc[0]
    assert cost["paid_hours"] == pytest.approx(8.0) and cost["added_hours"] == pytest.approx(6.4)
    assert cost["cost"] == pytest.approx(360.0)


def test_temps_start_after_their_lead_time_at_their_productivity() -> None:
    # Lead time 7 days: none in week 47. Week 48: 7 h x 0.8 = 5.6 h a day more, 12.6 h a day; A has 35 h
    # left on Monday 23 -> 12.6 + 12.6 + 9.8 -> Wednesday 25, 3 days late. Paid 5 x 7 h at 30 x 1.4 = 42:
    # 1,470 EUR for the week, even on the days A is done.
    result = simulate(plan(temp_max_headcount=2.0, temp_lead_time_days=7.0),
                      Scenario("temps", (TempWorkers("W", W47, W49, 1),)))
    assert end_of(result, "A") == D(2026, 11, 25)
    load = result.load.set_index("week")
    assert load.loc[pd.Timestamp(W47), "added_temps_hours"] == 0.0
    assert load.loc[pd.Timestamp(W48), "added_temps_hours"] == pytest.approx(28.0)
    cost = result.costs.iloc[0]
    assert cost["paid_hours"] == pytest.approx(70.0)  # weeks 48 and 49
    assert cost["cost"] == pytest.approx(70 * 42.0)
    assert cost["used_hours"] == pytest.approx(5.6 * 2 + 2.8)  # Wednesday's 9.8 h: 7 h base, 2.8 h temps
    assert (result.late_days, result.late_days_avoided) == (3, 2)


def test_temps_after_the_horizon_of_their_lead_time_change_nothing() -> None:
    result = simulate(plan(temp_max_headcount=2.0, temp_lead_time_days=14.0),
                      Scenario("late temps", (TempWorkers("W", W47, W47, 2),)))
    assert end_of(result, "A") == D(2026, 11, 27)
    assert result.total_cost == 0.0 and result.late_days_avoided == 0


def test_subcontract_after_its_lead_time_is_paid_only_for_the_hours_used() -> None:
    # A: 84 h, 12 base days -> Tuesday 1 Dec, 7 days late. Subcontract 20 h a week, lead time 10 days:
    # 4 h a day from Thursday 26 Nov. 8 base days = 56 h, Thu 26 and Fri 27 take 11 h each (78 h), Mon 30
    # takes the last 6 h on the base hours: ends Monday 30 Nov, 6 days late. Used 8 h at 30 x 1.8 = 54:
    # 432 EUR, though 28 h of capacity were offered.
    result = simulate(plan(("A", 84.0, W47, D(2026, 11, 20)), subcontract_max_hours_per_week=40.0),
                      Scenario("sub", (Subcontract("W", W47, W49, 20),)))
    assert end_of(result, "A") == D(2026, 11, 30)
    cost = result.costs.iloc[0]
    assert cost["added_hours"] == pytest.approx(28.0)
    assert cost["used_hours"] == pytest.approx(8.0) and cost["paid_hours"] == pytest.approx(8.0)
    assert cost["cost"] == pytest.approx(432.0)
    assert result.subcontracted_hours == pytest.approx(8.0)
    assert result.internal_hours == pytest.approx(76.0) and result.scheduled_hours == pytest.approx(84.0)
    assert (result.late_days, result.late_days_avoided) == (6, 1)
    assert result.cost_per_late_day_avoided == pytest.approx(432.0)
    load = result.load.set_index("week")
    assert load.loc[pd.Timestamp(W47), "added_subcontract_hours"] == 0.0
    assert load.loc[pd.Timestamp(W48), "subcontracted_hours"] == pytest.approx(8.0)


def test_subcontract_takes_only_the_hours_beyond_overtime() -> None:
    # A: 84 h; overtime 1 h a day (W47-W49) gives 8 h a day, the subcontract 4 h a day from Thursday 26.
    # 8 days x 8 h = 64 h; Thursday 26 takes 12 h (4 subcontracted) -> 76 h; Friday 27 takes the last 8 h
    # on base + overtime, none subcontracted: 4 h paid at 54 = 216 EUR; overtime used 8 + 1 + 1 = 10 h.
    result = simulate(plan(("A", 84.0, W47, D(2026, 11, 20)), subcontract_max_hours_per_week=40.0),
                      Scenario("both", (Subcontract("W", W47, W49, 20), Overtime("W", W47, W49, 5))))
    assert end_of(result, "A") == D(2026, 11, 27)
    assert result.subcontracted_hours == pytest.approx(4.0)
    costs = result.costs.set_index("kind")
    assert costs.loc["subcontract", "cost"] == pytest.approx(216.0)
    assert costs.loc["overtime", "used_hours"] == pytest.approx(10.0)
    assert costs.loc["overtime", "paid_hours"] == pytest.approx(15.0)


def test_explicit_costs_win_over_the_derived_ones() -> None:
    result = simulate(plan(temp_max_headcount=1.0, temp_lead_time_days=0.0, temp_cost_per_hour=50.0),
                      Scenario("t", (TempWorkers("W", W47, W47, 1),)))
    assert result.costs.iloc[0]["cost"] == pytest.approx(35 * 50.0)


def test_an_order_that_cannot_finish_counts_up_to_the_horizon() -> None:
    # Horizon 14 days: 10 working days of 7 h; a 200 h order due Fri 20 Nov counts 10 days (23 Nov - 30 Nov
    # is the first day after the horizon: 23, 24, 25, 26, 27, 30 -> 6 working days).
    short = Plan(AS_OF, orders(("A", 200.0, W47, D(2026, 11, 20))), shops(), ProductionSettings(horizon_days=14))
    result = simulate(short, Scenario("baseline"))
    assert result.orders["delay_days"].isna().all()
    assert result.late_days == 6


def test_compare_puts_the_scenarios_side_by_side() -> None:
    base = simulate(plan(), Scenario("baseline"))
    overtime = simulate(plan(), Scenario("ot", (Overtime("W", W47, W48, 5),)), baseline=base)
    table = compare([base, overtime])
    assert list(table["scenario"]) == ["baseline", "ot"]
    assert list(table["late_days_avoided"]) == [0, 1]


# --- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("lever", "extra", "words"), [
    (Overtime("X", W47, W48, 2), {}, ["lever 1 (overtime, X)", "workshop 'X' is unknown", "use one of W"]),
    (Overtime("W", W47, W48, -1), {}, ["hours_per_person is -1", "0 or more"]),
    (TempWorkers("W", W47, W48, -1), {"temp_max_headcount": 3.0}, ["lever 1 (temps, W)", "headcount is -1"]),
    (Subcontract("W", W47, W48, float("nan")), {}, ["hours_per_week is nan"]),
    (Overtime("W", W48, W47, 2), {}, ["first_week 23 Nov 2026 is after last_week 16 Nov 2026", "swap"]),
    (Overtime("W", D(2026, 11, 18), W48, 2), {}, ["first_week 18 Nov 2026 is a Wednesday", "use 16 Nov 2026"]),
    (Overtime("W", W47, D(2026, 11, 29), 2), {}, ["last_week 29 Nov 2026 is a Sunday", "use 23 Nov 2026"]),
    (Overtime("W", D(2026, 11, 9), W48, 2), {}, ["before the as-of week", "16 Nov 2026 or later"]),
    (Overtime("W", W47, D(2028, 11, 20), 2), {}, ["beyond the horizon", "730 days", "end on 13 Nov 2028"]),
    (Overtime("W", W47, W48, 9), {}, ["above the workshop's overtime_max_hours_per_person_week 8", "8 h or less"]),
    (Overtime("W", W47, W48, 7), {"hours_per_week": 42.0, "overtime_max_hours_per_person_week": 13.0},
     ["49 h, above the legal 48 h", "6 h or less"]),
    (TempWorkers("W", W47, W48, 1), {}, ["temp_max_headcount 0", "raise temp_max_headcount"]),
    (TempWorkers("W", W47, W48, 3), {"temp_max_headcount": 2.0}, ["headcount 3 is above", "2 or fewer"]),
    (Subcontract("W", W47, W48, 10), {}, ["subcontract_max_hours_per_week 0", "lever 1 (subcontract, W)"]),
    (Overtime("W", W47, W48, 2), {"regular_cost_per_hour": np.nan}, ["no regular_cost_per_hour"]),
])
def test_validate_names_the_lever_the_field_and_the_fix(lever: Any, extra: dict[str, Any],
                                                        words: list[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        validate(plan(**extra), Scenario("s", (lever,)))
    for word in words:
        assert word in str(caught.value)
    with pytest.raises(ScenarioError):  # simulate refuses it too
        simulate(plan(**extra), Scenario("s", (lever,)))


def test_validate_numbers_the_failing_lever() -> None:
    levers = (Overtime("W", W47, W48, 2), Overtime("W", W47, W48, 20))
    with pytest.raises(ScenarioError, match=r"^lever 2 \(overtime, W\)"):
        validate(plan(), Scenario("s", levers))


@pytest.mark.parametrize(("levers", "extra", "words"), [
    # Two 6 h overtime levers on the same week are 12 h a person where the limit is 8 h.
    ((Overtime("W", W47, W48, 6), Overtime("W", W48, W49, 6)), {},
     ["levers 1, 2 (overtime, workshop W) add up to 12 in the week of 23 Nov 2026", "maximum (8)"]),
    ((TempWorkers("W", W47, W47, 2), TempWorkers("W", W47, W47, 2), TempWorkers("W", W47, W47, 1)),
     {"temp_max_headcount": 4.0}, ["levers 1, 2, 3 (temps, workshop W) add up to 5", "maximum (4)"]),
    ((Subcontract("W", W47, W49, 30), Subcontract("W", W49, W49, 20)), {"subcontract_max_hours_per_week": 40.0},
     ["levers 1, 2 (subcontract, workshop W) add up to 50 in the week of 30 Nov 2026"]),
])
def test_the_limits_hold_for_the_levers_together_week_by_week(levers: Any, extra: dict[str, Any],
                                                               words: list[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        validate(plan(**extra), Scenario("s", levers))
    for word in words:
        assert word in str(caught.value)


def test_levers_on_other_weeks_or_kinds_do_not_add_up_and_their_number_is_bounded() -> None:
    validate(plan(temp_max_headcount=4.0), Scenario("ok", (
        Overtime("W", W47, W47, 8), Overtime("W", W48, W48, 8), TempWorkers("W", W47, W48, 4))))
    with pytest.raises(ScenarioError, match="the scenario has 201 levers, 200 at most"):
        validate(plan(), Scenario("pasted", tuple(Overtime("W", W47, W47, 0) for _ in range(201))))


def test_validate_accepts_the_limits() -> None:
    validate(plan(temp_max_headcount=2.0, subcontract_max_hours_per_week=40.0, hours_per_week=40.0),
             Scenario("max", (Overtime("W", W47, W47, 8), TempWorkers("W", W47, W47, 2),
                              Subcontract("W", W47, W47, 40))))


# --- JSON ------------------------------------------------------------------------------------

def test_json_round_trip() -> None:
    scenario = Scenario("Novembre «serré»", (Overtime("W", W47, W48, 4.5), TempWorkers("W", W48, W49, 2),
                                              Subcontract("W", W49, W49, 60)), notes="à valider")
    text = scenario_to_json(scenario)
    assert scenario_from_json(text) == scenario
    assert '"kind": "overtime"' in text and '"first_week": "2026-11-16"' in text


def test_json_reads_the_documented_example() -> None:
    text = ('{"name": "n", "levers": [{"kind": "overtime", "workshop": "INJECTION", "first_week": "2026-11-09",'
            ' "last_week": "2026-11-30", "hours_per_person": 4}]}')
    assert scenario_from_json(text) == Scenario("n", (Overtime("INJECTION", D(2026, 11, 9), D(2026, 11, 30), 4),))


@pytest.mark.parametrize(("text", "words"), [
    ('{"name": "n", "levers": [', ["not valid JSON"]),
    ('["n"]', ["JSON object"]),
    ('{"levers": []}', ['no "name"']),
    ('{"name": "n", "levers": {}}', ['"levers" must be a list']),
    ('{"name": "n", "levers": [{"kind": "robots", "workshop": "W"}]}', ["lever 1", "unknown kind 'robots'",
                                                                        "overtime, temps, subcontract"]),
    ('{"name": "n", "levers": [{"kind": "temps", "workshop": "W", "first_week": "2026-11-16", '
     '"last_week": "2026-11-16"}]}', ["lever 1 (temps, W)", "missing field 'headcount'"]),
    ('{"name": "n", "levers": [{"kind": "temps", "workshop": "W", "first_week": "16/11/2026", '
     '"last_week": "2026-11-16", "headcount": 1}]}', ["first_week '16/11/2026' is not a date", "2026-11-09"]),
    ('{"name": "n", "levers": [{"kind": "temps", "workshop": "W", "first_week": "2026-11-16", '
     '"last_week": "2026-11-16", "headcount": "two"}]}', ["headcount 'two' is not a number"]),
    ('{"name": "n", "levers": [{"kind": "temps", "workshop": "W", "first_week": "2026-11-16", '
     '"last_week": "2026-11-16", "headcount": 1, "hours": 3}]}', ["unknown field 'hours'"]),
    ('{"version": 2, "name": "n", "levers": []}', ["version 2 is not supported"]),
])
def test_malformed_json_says_what_to_fix(text: str, words: list[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_json(text)
    for word in words:
        assert word in str(caught.value)


# --- properties -------------------------------------------------------------------------------

HORIZON = ProductionSettings(horizon_days=120)
MONDAYS = [AS_OF + dt.timedelta(weeks=w) for w in range(12)]
LIMITS = {"overtime_max_hours_per_person_week": 10.0, "temp_max_headcount": 3.0, "temp_lead_time_days": 5.0,
          "subcontract_max_hours_per_week": 50.0, "subcontract_lead_time_days": 8.0}


@st.composite
def plants(draw: st.DrawFn) -> Plan:
    names = ["A", "B"][:draw(st.integers(1, 2))]
    workshops = pd.DataFrame([{"workshop": n, "headcount": float(draw(st.integers(1, 4))),
                               "hours_per_week": float(draw(st.sampled_from([35, 38]))),
                               "efficiency": draw(st.sampled_from([0.8, 1.0])), "regular_cost_per_hour": 30.0,
                               **LIMITS} for n in names])
    rows = []
    for i in range(draw(st.integers(0, 12))):
        start = AS_OF + dt.timedelta(days=draw(st.integers(-20, 40)))
        rows.append({"mo_id": f"M{i}", "workshop": draw(st.sampled_from(names)),
                     "remaining_hours": float(draw(st.integers(0, 300))), "planned_start": start,
                     "planned_end": start + dt.timedelta(days=draw(st.integers(0, 30))),
                     "priority": draw(st.sampled_from([None, 1, 2]))})
    frame = pd.DataFrame(rows, columns=["mo_id", "workshop", "remaining_hours", "planned_start", "planned_end",
                                        "priority"])
    return Plan(AS_OF, frame, workshops, HORIZON)


@st.composite
def levers(draw: st.DrawFn, plant: Plan) -> Any:
    workshop = draw(st.sampled_from(list(plant.workshops["workshop"])))
    first = draw(st.integers(0, len(MONDAYS) - 1))
    last = draw(st.integers(first, len(MONDAYS) - 1))
    kind = draw(st.sampled_from(["overtime", "temps", "subcontract"]))
    if kind == "overtime":
        return Overtime(workshop, MONDAYS[first], MONDAYS[last], draw(st.floats(0, 10)))
    if kind == "temps":
        return TempWorkers(workshop, MONDAYS[first], MONDAYS[last], float(draw(st.integers(0, 3))))
    return Subcontract(workshop, MONDAYS[first], MONDAYS[last], draw(st.floats(0, 50)))


def one_limit(lever: Any) -> tuple[str, str]:
    """Levers drawn together are of different kinds or workshops: each then stays within its limit
    (the same kind on the same workshop adds up, and may pass it: see the tests of `validate`)."""
    return (lever.workshop, lever.kind)


def ends(result: Any) -> pd.Series:
    """Projected end per order, a far day when it cannot finish."""
    return result.orders.set_index("mo_id")["projected_end"].fillna(pd.Timestamp("2100-01-01")).sort_index()


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data=st.data())
def test_a_valid_lever_never_makes_any_order_later(data: st.DataObject) -> None:
    plant = data.draw(plants())
    chosen = tuple(data.draw(st.lists(levers(plant), min_size=1, max_size=3, unique_by=one_limit)))
    base = simulate(plant, Scenario("baseline"))
    result = simulate(plant, Scenario("s", chosen), baseline=base)
    assert (ends(result) <= ends(base)).all()
    assert result.late_days <= base.late_days and result.late_days_avoided >= 0
    assert result.total_cost >= 0


@PROPERTY
@given(plant=plants())
def test_the_empty_scenario_is_the_baseline_at_zero_cost(plant: Plan) -> None:
    result = simulate(plant, Scenario("nothing"))
    expected = project(plant.orders, daily_capacity(plant.workshops, AS_OF, HORIZON.horizon_days), AS_OF, HORIZON)
    pd.testing.assert_frame_equal(result.orders, expected)
    assert result.total_cost == 0 and result.late_days_avoided == 0 and result.subcontracted_hours == 0
    assert (result.load["capacity_hours"] == result.load["base_capacity_hours"]).all()


@PROPERTY
@given(data=st.data())
def test_cost_is_monotone_in_the_size_of_a_lever(data: st.DataObject) -> None:
    plant = data.draw(plants())
    lever = data.draw(levers(plant))
    top = {"overtime": 10.0, "temps": 3.0, "subcontract": 50.0}[lever.kind]
    bigger = data.draw(st.floats(getattr(lever, lever.size_field), top))
    if lever.kind == "temps":
        bigger = float(np.ceil(bigger))
    larger = type(lever)(lever.workshop, lever.first_week, lever.last_week, bigger)
    small = simulate(plant, Scenario("small", (lever,)))
    large = simulate(plant, Scenario("large", (larger,)), baseline=small)
    assert large.total_cost >= small.total_cost - 1e-6
    assert (ends(large) <= ends(small)).all()


@PROPERTY
@given(data=st.data())
def test_internal_plus_subcontracted_hours_are_the_scheduled_hours(data: st.DataObject) -> None:
    plant = data.draw(plants())
    chosen = tuple(data.draw(st.lists(levers(plant), max_size=3, unique_by=one_limit)))
    result = simulate(plant, Scenario("s", chosen))
    assert result.internal_hours + result.subcontracted_hours == pytest.approx(result.scheduled_hours)
    assert result.subcontracted_hours <= result.costs.loc[result.costs["kind"] == "subcontract",
                                                          "added_hours"].sum() + 1e-6
    assert (result.costs["used_hours"] <= result.costs["added_hours"] + 1e-6).all()
    subcontract = result.costs[result.costs["kind"] == "subcontract"]
    assert subcontract["paid_hours"].sum() == pytest.approx(result.subcontracted_hours)


def test_scenario_from_table_rows_uses_each_kind_size_and_the_json_messages() -> None:
    rows = [{"kind": "overtime", "workshop": "W", "first_week": dt.date(2026, 11, 16),
             "last_week": pd.Timestamp("2026-11-23"), "size": 5},
            {"kind": "temps", "workshop": "W", "first_week": "2026-11-16", "last_week": "2026-11-16", "size": 1},
            {"kind": "subcontract", "workshop": "W", "first_week": "2026-11-16", "last_week": "2026-11-16",
             "size": 20}]
    scenario = scenario_from_rows("Mix", rows)
    assert [lever_size(lever) for lever in scenario.levers] == [5, 1, 20]
    assert scenario.levers[0].last_week == dt.date(2026, 11, 23)
    with pytest.raises(ScenarioError, match=r"lever 1 \(overtime, W\): last_week"):
        scenario_from_rows("Bad", [{**rows[0], "last_week": None}])
