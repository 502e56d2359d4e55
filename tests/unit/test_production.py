"""Production delays on tiny hand-made books, every figure computed by hand, plus properties.

Unless said otherwise the as-of date is Monday 2 November 2026 (ISO week 45) and workshop W has
one person at 40 h a week and 100% efficiency: 8 h on a working day, 0 on weekends and on
Wednesday 11 November (Armistice), so week 45 holds 40 h and week 46 holds 32 h.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.production.engine import PROJECTED_COLUMNS, ProductionSettings, daily_capacity, project
from sop_core.production.load import daily_load, weekly_load, workshop_summary
from sop_core.production.reasons import describe

D = dt.date
AS_OF = D(2026, 11, 2)


def workshops(*names: str, hours_per_day: float = 8.0) -> pd.DataFrame:
    return pd.DataFrame({"workshop": list(names), "headcount": 1.0, "hours_per_week": 5 * hours_per_day,
                         "efficiency": 1.0})


def capacity(*names: str, start: dt.date = AS_OF, hours_per_day: float = 8.0, days: int = 730) -> pd.DataFrame:
    return daily_capacity(workshops(*(names or ("W",)), hours_per_day=hours_per_day), start, days)


def order(mo_id: str, hours: float, planned_start: dt.date, planned_end: dt.date, **extra: Any) -> dict[str, Any]:
    return {"mo_id": mo_id, "workshop": "W", "remaining_hours": hours, "total_hours": hours,
            "planned_start": planned_start, "planned_end": planned_end, **extra}


def book(*rows: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    for column in ("actual_start", "progress", "priority"):
        if column not in frame:
            frame[column] = None
    return frame


def projected(*rows: dict[str, Any], as_of: dt.date = AS_OF, cap: pd.DataFrame | None = None,
              **kwargs: Any) -> pd.DataFrame:
    """The projection by mo_id, with its reason codes worded in English in `reason`."""
    result = project(book(*rows), capacity(start=as_of) if cap is None else cap, as_of, **kwargs)
    return result.assign(reason=describe(result, "en")).set_index("mo_id")


def day(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# --- daily capacity ----------------------------------------------------------------------------

def test_daily_capacity_by_hand() -> None:
    frame = pd.DataFrame({"workshop": ["INJ", "ASM"], "headcount": [5, 3], "hours_per_week": [35, 35],
                          "efficiency": [0.8, 1.0]})
    cap = daily_capacity(frame, D(2026, 11, 9), 7).pivot(index="day", columns="workshop", values="hours")
    assert cap["INJ"].tolist() == pytest.approx([28, 28, 0, 28, 28, 0, 0])  # 5 * 35 / 5 * 0.8; 11 Nov off
    assert cap["ASM"].tolist() == pytest.approx([21, 21, 0, 21, 21, 0, 0])


# --- the projection, by hand -------------------------------------------------------------------

def test_a_single_order_of_16_hours_from_a_monday_ends_on_tuesday() -> None:
    row = projected(order("A", 16, AS_OF, D(2026, 11, 6))).loc["A"]
    assert (day(row["projected_start"]), day(row["projected_end"])) == (D(2026, 11, 2), D(2026, 11, 3))
    assert row["delay_days"] == -3  # Tuesday against Friday: Wed, Thu, Fri early
    assert row["status"] == "green" and row["reason"] == "on time (projected end 03 Nov)"


def test_two_orders_compete_and_the_earlier_due_date_goes_first() -> None:
    """B (due Tuesday) takes Monday and Tuesday, A (due Wednesday, listed first) gets Wednesday and
    Thursday: 1 working day late. The planned load, 32 h, stays below the 40 h of the week."""
    result = projected(order("A", 16, AS_OF, D(2026, 11, 4)), order("B", 16, AS_OF, D(2026, 11, 3)))
    assert day(result.loc["B", "projected_end"]) == D(2026, 11, 3)
    assert (day(result.loc["A", "projected_start"]), day(result.loc["A", "projected_end"])) == \
           (D(2026, 11, 4), D(2026, 11, 5))
    assert result.loc["A", "delay_days"] == 1 and result.loc["A", "status"] == "orange"
    assert result.loc["A", "reason"] == "late 1 working day (projected end 05 Nov)"
    assert result.index.tolist() == ["B", "A"]  # sorted by projected end
    assert list(result.reset_index().columns) == [*PROJECTED_COLUMNS, "reason"]  # reason: `projected` adds it


def test_same_due_date_priority_then_mo_id() -> None:
    due = D(2026, 11, 13)
    result = projected(order("A", 8, AS_OF, due), order("C", 8, AS_OF, due, priority=1),
                       order("B", 8, AS_OF, due, priority=2), order("0", 8, AS_OF, due))
    ends = {mo: day(result.loc[mo, "projected_end"]) for mo in result.index}
    assert ends == {"C": D(2026, 11, 2), "B": D(2026, 11, 3), "0": D(2026, 11, 4), "A": D(2026, 11, 5)}


def test_a_holiday_in_the_window_shifts_the_end_by_one_day() -> None:
    normal = projected(order("A", 24, D(2026, 11, 16), D(2026, 11, 20)), as_of=D(2026, 11, 16)).loc["A"]
    assert day(normal["projected_end"]) == D(2026, 11, 18)  # Mon, Tue, Wed
    armistice = projected(order("A", 24, D(2026, 11, 9), D(2026, 11, 13)), as_of=D(2026, 11, 9)).loc["A"]
    assert day(armistice["projected_end"]) == D(2026, 11, 12)  # Mon, Tue, (Wed 11 off), Thu


def test_an_order_with_nothing_left_ends_on_as_of() -> None:
    row = projected(order("A", 0, D(2026, 11, 9), D(2026, 11, 13))).loc["A"]
    assert day(row["projected_start"]) == day(row["projected_end"]) == AS_OF
    assert row["status"] == "green"


def test_an_unstarted_order_waits_for_its_planned_start() -> None:
    next_week = order("A", 8, D(2026, 11, 9), D(2026, 11, 13))
    row = projected(next_week).loc["A"]
    assert (day(row["projected_start"]), day(row["projected_end"])) == (D(2026, 11, 9), D(2026, 11, 9))
    free = projected(next_week, settings=ProductionSettings(respect_planned_start=False)).loc["A"]
    assert day(free["projected_end"]) == AS_OF
    started = projected({**next_week, "actual_start": AS_OF}).loc["A"]  # started early: goes on now
    assert day(started["projected_end"]) == AS_OF and started["status"] == "green"


@pytest.mark.parametrize(("planned_end", "delay", "status"), [
    (D(2026, 11, 6), 0, "green"),
    (D(2026, 11, 5), 1, "orange"),
    (D(2026, 11, 4), 2, "orange"),  # exactly the tolerance
    (D(2026, 11, 3), 3, "red"),  # tolerance + 1
])
def test_tolerance_edges(planned_end: dt.date, delay: int, status: str) -> None:
    """40 h from Monday end on Friday 6/11; the week's planned load is 40 h = capacity, no overload."""
    row = projected(order("A", 40, AS_OF, planned_end)).loc["A"]
    assert day(row["projected_end"]) == D(2026, 11, 6)
    assert row["delay_days"] == delay and row["status"] == status
    if delay:
        assert row["reason"] == f"late {delay} working day{'s' if delay > 1 else ''} (projected end 06 Nov)"


def test_tolerance_per_workshop_and_in_the_settings() -> None:
    three_late = order("A", 40, AS_OF, D(2026, 11, 3))
    assert projected(three_late, tolerances={"W": 3}).loc["A", "status"] == "orange"
    assert projected(three_late, tolerances={"W": 3.0}).loc["A", "tolerance_days"] == 3  # as read from a file
    one_late = order("A", 40, AS_OF, D(2026, 11, 5))
    assert projected(one_late, settings=ProductionSettings(tolerance_days=0)).loc["A", "status"] == "red"
    two = capacity("V", "W")
    rows = book(three_late, {**three_late, "mo_id": "B", "workshop": "V"})
    result = project(rows, two, AS_OF, tolerances={"V": 3}).set_index("mo_id")
    assert result.loc["B", "status"] == "orange" and result.loc["A", "status"] == "red"


def test_past_its_planned_end_is_red_even_within_tolerance() -> None:
    """Planned 26-30 Oct, started, 8 h left: done Monday 2/11, 1 working day after Friday 30/10."""
    row = projected(order("A", 8, D(2026, 10, 26), D(2026, 10, 30), actual_start=D(2026, 10, 26),
                          total_hours=40, progress=0.95)).loc["A"]
    assert row["delay_days"] == 1 and row["status"] == "red"
    assert row["reason_codes"] == "late;past_end"
    assert row["reason"] == ("late 1 working day (projected end 02 Nov); "
                             "past its planned end 30 Oct and not finished")


def test_not_started_with_its_planned_start_passed_is_orange() -> None:
    row = projected(order("A", 8, D(2026, 10, 28), D(2026, 11, 13))).loc["A"]
    assert row["status"] == "orange" and row["delay_days"] < 0
    assert row["reason_codes"] == "on_time;not_started"
    assert row["reason"] == "on time (projected end 02 Nov); not started, planned start 28 Oct passed"


def test_started_late_is_orange() -> None:
    row = projected(order("A", 8, D(2026, 10, 26), D(2026, 11, 13), actual_start=D(2026, 10, 28),
                          progress=0.5)).loc["A"]
    assert row["status"] == "orange"
    assert row["reason_codes"] == "on_time;started_late" and day(row["actual_start"]) == D(2026, 10, 28)
    assert row["reason"] == "on time (projected end 02 Nov); started late (planned start 26 Oct, started 28 Oct)"


@pytest.mark.parametrize(("progress", "remaining", "status"), [
    (0.30, 7.0, "orange"),  # 30% done, 50% expected: more than 10 points behind
    (0.40, 7.0, "green"),  # exactly 10 points behind: not behind
    (0.45, 7.0, "green"),
    (None, 7.0, "orange"),  # unknown progress: 1 - 7 / 10 = 30%
    (None, 5.0, "green"),  # 1 - 5 / 10 = 50%
])
def test_behind_the_progress_curve(progress: float | None, remaining: float, status: str) -> None:
    """Planned 26/10-6/11: 10 working days, 5 of them (26-30 Oct) before as_of: 50% expected."""
    row = projected(order("A", remaining, D(2026, 10, 26), D(2026, 11, 6), total_hours=10.0,
                          actual_start=D(2026, 10, 26), progress=progress)).loc["A"]
    assert row["expected_progress"] == pytest.approx(0.5)
    assert row["status"] == status
    if status == "orange":
        assert row["reason_codes"] == "on_time;behind"
        assert row["reason"] == "on time (projected end 02 Nov); behind its progress curve (30% done, 50% expected)"


def test_an_order_that_cannot_finish_is_red() -> None:
    row = projected(order("A", 8, AS_OF, D(2026, 11, 6)), cap=capacity(hours_per_day=0.0)).loc["A"]
    assert pd.isna(row["projected_end"]) and pd.isna(row["projected_start"]) and pd.isna(row["delay_days"])
    assert row["status"] == "red" and row["reason_codes"] == "cannot_finish:730"
    assert row["reason"] == "cannot finish within 730 days at this capacity"
    short = projected(order("A", 100, AS_OF, D(2026, 11, 30)), settings=ProductionSettings(horizon_days=5)).loc["A"]
    assert day(short["projected_start"]) == AS_OF and pd.isna(short["projected_end"])
    assert short["reason"] == "cannot finish within 5 days at this capacity"


# --- overload and load, by hand ----------------------------------------------------------------

# X: 80 h planned in week 45, Y: 60 h planned in week 46 (32 h of capacity), Z: 50 h planned in week 48.
OVERLOADED = (order("X", 80, AS_OF, D(2026, 11, 6)), order("Y", 60, D(2026, 11, 9), D(2026, 11, 13)),
              order("Z", 50, D(2026, 11, 23), D(2026, 11, 27)))


def test_late_orders_name_the_overloaded_weeks() -> None:
    """X takes all of W45 and W46 (72 h) and ends Monday 16/11; Y, released 9/11 but due later,
    runs 17/11-26/11; Z, released 23/11, gets 4 h on 26/11, 8 h on 27/11 and 38 h in W49: ends 4/12."""
    result = projected(*OVERLOADED)
    assert [day(result.loc[m, "projected_end"]) for m in "XYZ"] == [D(2026, 11, 16), D(2026, 11, 26), D(2026, 12, 4)]
    assert result["delay_days"].tolist() == [5, 9, 5]
    assert result.loc["X", "reason_codes"] == "late:2026-11-02/2026-11-09"  # the Mondays of W45 and W46
    assert result.loc["X", "reason"] == "late 5 working days: W overloaded weeks W45–W46"
    assert result.loc["Y", "reason_codes"] == "late:2026-11-02/2026-11-09,2026-11-23"
    assert result.loc["Y", "reason"] == "late 9 working days: W overloaded weeks W45–W46, W48"  # ends in W48
    assert result.loc["Z", "reason"] == "late 5 working days: W overloaded weeks W45–W46, W48"
    assert (result["status"] == "red").all()


def test_weekly_load_of_the_overloaded_book() -> None:
    load = weekly_load(book(*OVERLOADED), capacity(), AS_OF, weeks=5).set_index("week")
    assert load.index.tolist() == [pd.Timestamp(D(2026, 11, 2)) + pd.Timedelta(weeks=k) for k in range(5)]
    assert load["capacity_hours"].tolist() == pytest.approx([40, 32, 40, 40, 40])
    assert load["load_hours"].tolist() == pytest.approx([80, 60, 0, 50, 0])
    assert load["overload_hours"].tolist() == pytest.approx([40, 28, 0, 10, 0])
    assert load["scheduled_hours"].tolist() == pytest.approx([40, 32, 40, 40, 38])
    assert load["red_orders"].tolist() == [0, 0, 1, 1, 1]


def test_weekly_load_spreads_the_plan_and_puts_the_backlog_on_the_first_day() -> None:
    """A: 36 h over 2-13/11 (9 working days) = 4 h a day. B: 30 h planned in October, started,
    past its end: all on Monday 2/11. W45: 20 + 30 = 50 h for 40 h; W46: 16 h for 32 h.
    Due first, B takes 8+8+8+6 h and ends Thursday 5/11 (4 working days late); A gets 2 h that
    Thursday, 8 h Friday, then 8+8 (Wed 11 off) +8+2: ends Friday 13/11, on time."""
    orders = book(order("A", 36, AS_OF, D(2026, 11, 13)),
                  order("B", 30, D(2026, 10, 26), D(2026, 10, 30), actual_start=D(2026, 10, 26), progress=0.95))
    daily = daily_load(orders, capacity(), AS_OF, 12).set_index("day")
    assert daily["load_hours"].tolist() == pytest.approx([34, 4, 4, 4, 4, 0, 0, 4, 4, 0, 4, 4])
    assert daily["scheduled_hours"].tolist() == pytest.approx([8, 8, 8, 8, 8, 0, 0, 8, 8, 0, 8, 2])
    result = project(orders, capacity(), AS_OF)
    load = weekly_load(orders, capacity(), AS_OF, weeks=3, projected=result)
    assert load["week"].dt.date.tolist() == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)]
    assert load["load_hours"].tolist() == pytest.approx([50, 16, 0])
    assert load["capacity_hours"].tolist() == pytest.approx([40, 32, 40])
    assert load["overload_hours"].tolist() == pytest.approx([10, 0, 0])
    assert load["load_pct"].tolist() == pytest.approx([1.25, 0.5, 0])
    assert load["scheduled_hours"].tolist() == pytest.approx([40, 26, 0])
    counts = load[["red_orders", "orange_orders", "green_orders"]].to_numpy().tolist()
    assert counts == [[1, 0, 0], [0, 0, 1], [0, 0, 0]]
    assert weekly_load(orders, capacity(), AS_OF, weeks=3).equals(load)  # the same without `projected`

    summary = workshop_summary(result, load).iloc[0]
    assert (summary["orders"], summary["red"], summary["orange"], summary["green"]) == (2, 1, 0, 1)
    assert summary["remaining_hours"] == 66 and summary["worst_delay_days"] == 4
    assert summary["overload_hours_4w"] == 10 and summary["overload_hours"] == 10


def test_a_window_without_working_day_lands_on_the_next_one() -> None:
    """As of Saturday 7/11: the October backlog (10 h) and an order planned on the weekend of
    14-15/11 (6 h) both land on the next working day, Monday 9/11 and Monday 16/11."""
    orders = book(order("A", 10, D(2026, 10, 26), D(2026, 10, 30)), order("B", 6, D(2026, 11, 14), D(2026, 11, 15)))
    saturday = D(2026, 11, 7)
    daily = daily_load(orders, capacity(start=saturday), saturday, 10).set_index("day")["load_hours"]
    assert daily[daily > 0].to_dict() == {pd.Timestamp(2026, 11, 9): 10.0, pd.Timestamp(2026, 11, 16): 6.0}


def test_a_midweek_as_of_leaves_the_days_before_out_and_capacity_zero_has_no_pct() -> None:
    cap = pd.DataFrame({"workshop": "W", "day": pd.date_range("2026-11-04", periods=3), "hours": [8.0, 0.0, 0.0]})
    orders = book(order("A", 4, D(2026, 11, 4), D(2026, 11, 5)))
    load = weekly_load(orders, cap, D(2026, 11, 4), weeks=2)
    assert load["capacity_hours"].tolist() == [8.0, 0.0] and load["load_hours"].tolist() == [4.0, 0.0]
    assert load["load_pct"].iloc[0] == 0.5 and np.isnan(load["load_pct"].iloc[1])


def test_summary_lists_workshops_without_orders() -> None:
    cap = capacity("V", "W")
    orders = book(order("A", 50, AS_OF, D(2026, 11, 6)))
    result = project(orders, cap, AS_OF)
    summary = workshop_summary(result, weekly_load(orders, cap, AS_OF, projected=result)).set_index("workshop")
    assert summary.loc["V", "orders"] == 0 and pd.isna(summary.loc["V", "worst_delay_days"])
    assert summary.loc["W", "overload_hours_4w"] == pytest.approx(10)


def test_capacity_rows_of_one_day_add_up() -> None:
    """The what-if appends rows: 8 h of overtime on Monday make 16 h there."""
    extra = pd.DataFrame({"workshop": ["W"], "day": [pd.Timestamp(AS_OF)], "hours": [8.0]})
    cap = pd.concat([capacity(), extra], ignore_index=True)
    row = projected(order("A", 16, AS_OF, D(2026, 11, 6)), cap=cap).loc["A"]
    assert day(row["projected_end"]) == AS_OF


def test_saturday_overtime_after_a_friday_due_date_is_one_day_late() -> None:
    saturday = pd.DataFrame({"workshop": ["W"], "day": [pd.Timestamp(2026, 11, 7)], "hours": [8.0]})
    cap = pd.concat([capacity(), saturday], ignore_index=True)
    row = projected(order("A", 48, AS_OF, D(2026, 11, 6)), cap=cap).loc["A"]
    assert day(row["projected_end"]) == D(2026, 11, 7) and row["delay_days"] == 1  # ships on Monday


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.drop(columns="planned_end"), "no column planned_end"),
    (lambda f: f.assign(remaining_hours=-1.0), "remaining_hours is missing or negative: A"),
    (lambda f: f.assign(remaining_hours=None), "remaining_hours is missing"),
    (lambda f: f.assign(total_hours=1.0), "total_hours is below remaining_hours: A"),
    (lambda f: f.assign(workshop="PRESSES"), "name a workshop that has no capacity rows: A; use one of W"),
    (lambda f: f.assign(progress=40.0), "divide a percentage by 100"),
    (lambda f: f.assign(planned_start=D(2026, 11, 20)), "planned_start is after planned_end: A"),
    (lambda f: f.assign(planned_end=None), "planned_start or planned_end is missing: A"),
    (lambda f: f.assign(planned_end="soon"), "planned_end holds values that are not dates"),
    (lambda f: pd.concat([f, f]), "mo_id appears more than once: A;"),
])
def test_bad_orders_are_refused_with_the_fix(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        project(change(book(order("A", 8, AS_OF, D(2026, 11, 6)))), capacity(), AS_OF)


def test_bad_capacity_tolerances_and_settings_are_refused() -> None:
    orders = book(order("A", 8, AS_OF, D(2026, 11, 6)))
    negative = capacity().assign(hours=-1.0)
    with pytest.raises(ValueError, match="capacity: hours missing or negative, or day missing, on: W 2026-11-02"):
        project(orders, negative, AS_OF)
    with pytest.raises(ValueError, match="capacity has no column hours"):
        project(orders, capacity().drop(columns="hours"), AS_OF)
    with pytest.raises(ValueError, match="tolerances name workshops without capacity: X"):
        project(orders, capacity(), AS_OF, tolerances={"X": 1})
    for bad in (-1, 2.5, True, "2"):
        with pytest.raises(ValueError, match="whole number of working days"):
            project(orders, capacity(), AS_OF, tolerances={"W": bad})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="behind_curve_points"):
        ProductionSettings(behind_curve_points=10)
    with pytest.raises(ValueError, match="horizon_days"):
        ProductionSettings(horizon_days=0)
    with pytest.raises(ValueError, match="headcount is missing or negative"):
        daily_capacity(workshops("W").assign(headcount=-2), AS_OF, 5)


def test_an_empty_book_projects_nothing_and_loads_nothing() -> None:
    empty = book(order("A", 8, AS_OF, D(2026, 11, 6))).iloc[:0]
    assert project(empty, capacity(), AS_OF).empty
    load = weekly_load(empty, capacity(), AS_OF, weeks=2)
    assert load["load_hours"].tolist() == [0, 0] and load["green_orders"].tolist() == [0, 0]


# --- properties --------------------------------------------------------------------------------

HORIZON = 40
QUARTERS = st.integers(0, 48).map(lambda q: q / 4)  # exact in binary: sums compare without rounding


@st.composite
def books(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """1-8 orders over workshops V and W, and a random capacity (quarter hours) over the horizon."""
    rows = []
    for i in range(draw(st.integers(1, 8))):
        start = AS_OF + dt.timedelta(days=draw(st.integers(-10, 25)))
        rows.append({
            "mo_id": f"OF{i}", "workshop": draw(st.sampled_from(["V", "W"])),
            "remaining_hours": draw(st.integers(0, 120).map(lambda q: q / 4)), "total_hours": 40.0,
            "planned_start": start, "planned_end": start + dt.timedelta(days=draw(st.integers(0, 15))),
            "actual_start": start if draw(st.booleans()) else None,
            "progress": None, "priority": draw(st.one_of(st.none(), st.integers(1, 3))),
        })
    days = pd.date_range(AS_OF, periods=HORIZON)
    cap = pd.DataFrame({"workshop": np.repeat(["V", "W"], HORIZON), "day": np.tile(days, 2),
                        "hours": draw(st.lists(QUARTERS, min_size=2 * HORIZON, max_size=2 * HORIZON))})
    return book(*rows), cap


SETTINGS = ProductionSettings(horizon_days=HORIZON)
NEVER = pd.Timestamp.max


def ends(result: pd.DataFrame) -> pd.Series:
    return result.set_index("mo_id")["projected_end"].fillna(NEVER).sort_index()


def naive_ends(orders: pd.DataFrame, cap: pd.DataFrame, respect_start: bool = True) -> dict[str, pd.Timestamp]:
    """The scheduling rule written the slow way: every day, sort the released unfinished orders."""
    left = dict(zip(orders["mo_id"], orders["remaining_hours"], strict=True))
    result = {m: pd.Timestamp(AS_OF) for m, h in left.items() if h == 0}
    rows = orders.to_dict("records")
    for today in sorted(cap["day"].unique()):
        for workshop in ("V", "W"):
            room = cap.loc[(cap["workshop"] == workshop) & (cap["day"] == today), "hours"].sum()
            released = [r for r in rows if r["workshop"] == workshop and r["mo_id"] not in result
                        and (not respect_start or not pd.isna(r["actual_start"])
                             or pd.Timestamp(r["planned_start"]) <= today)]
            released.sort(key=lambda r: (pd.Timestamp(r["planned_end"]),
                                         np.inf if pd.isna(r["priority"]) else r["priority"], r["mo_id"]))
            for r in released:
                given = min(room, left[r["mo_id"]])
                room -= given
                left[r["mo_id"]] -= given
                if left[r["mo_id"]] == 0:
                    result[r["mo_id"]] = pd.Timestamp(today)
    return result


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(books(), st.booleans())
def test_the_projection_matches_the_naive_day_by_day_rule(generated: tuple[pd.DataFrame, pd.DataFrame],
                                                          respect_start: bool) -> None:
    orders, cap = generated
    result = project(orders, cap, AS_OF, ProductionSettings(horizon_days=HORIZON, respect_planned_start=respect_start))
    expected = naive_ends(orders, cap, respect_start)
    assert ends(result).to_dict() == {m: expected.get(m, NEVER) for m in orders["mo_id"]}


@settings(max_examples=60, deadline=None)
@given(books(), st.lists(st.tuples(st.integers(0, 2 * HORIZON - 1), QUARTERS), max_size=10))
def test_more_capacity_never_makes_an_order_later(generated: tuple[pd.DataFrame, pd.DataFrame],
                                                  extra: list[tuple[int, float]]) -> None:
    orders, cap = generated
    more = cap.copy()
    for row, hours in extra:
        more.loc[row, "hours"] += hours
    before, after = ends(project(orders, cap, AS_OF, SETTINGS)), ends(project(orders, more, AS_OF, SETTINGS))
    assert (after <= before).all()


@settings(max_examples=60, deadline=None)
@given(books())
def test_alone_an_order_ends_when_the_capacity_from_its_release_covers_it(
        generated: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    orders, cap = generated
    for row in orders.to_dict("records"):
        alone = project(book(row), cap, AS_OF, SETTINGS).iloc[0]
        release = AS_OF if row["actual_start"] else max(AS_OF, row["planned_start"])
        days = cap[(cap["workshop"] == row["workshop"]) & (cap["day"] >= pd.Timestamp(release))].sort_values("day")
        covered = days["day"][days["hours"].cumsum().to_numpy() >= row["remaining_hours"]]
        expected = pd.Timestamp(AS_OF) if row["remaining_hours"] == 0 else (covered.iloc[0] if len(covered) else None)
        assert day(alone["projected_end"]) == day(expected)


@settings(max_examples=60, deadline=None)
@given(books(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(generated: tuple[pd.DataFrame, pd.DataFrame], rng: Any) -> None:
    orders, cap = generated
    shuffled = orders.sample(frac=1, random_state=rng.randint(0, 2**31)).reset_index(drop=True)
    cap_shuffled = cap.sample(frac=1, random_state=rng.randint(0, 2**31))
    pd.testing.assert_frame_equal(project(orders, cap, AS_OF, SETTINGS),
                                  project(shuffled, cap_shuffled, AS_OF, SETTINGS))


@settings(max_examples=60, deadline=None)
@given(books())
def test_scheduled_hours_fit_the_capacity_and_add_up_to_the_finished_work(
        generated: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Scheduled hours never exceed the day's capacity; by every day they cover at least the orders
    finished by then, and at most the work released by then. Over the horizon they equal the hours of
    the finished orders plus what the unfinished ones got (0 when every order finishes)."""
    orders, cap = generated
    result = project(orders, cap, AS_OF, SETTINGS)
    daily = daily_load(orders, cap, AS_OF, HORIZON, SETTINGS)
    assert (daily["scheduled_hours"] <= daily["capacity_hours"] + 1e-9).all()
    for workshop, shop_days in daily.groupby("workshop"):
        mine = result[result["workshop"] == workshop]
        done_by = shop_days["day"].map(lambda d, m=mine: m.loc[m["projected_end"] <= d, "remaining_hours"].sum())
        assert (done_by.to_numpy() <= shop_days["scheduled_hours"].cumsum().to_numpy() + 1e-9).all()
        finished = mine["projected_end"].notna()
        total = shop_days["scheduled_hours"].sum()
        assert mine.loc[finished, "remaining_hours"].sum() - 1e-9 <= total <= mine["remaining_hours"].sum() + 1e-9
        if finished.all():
            assert total == pytest.approx(mine["remaining_hours"].sum())
