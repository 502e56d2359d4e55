"""Stock rotation KPIs on tiny hand-made stores, every figure computed by hand, plus properties.

The as-of date is 2026-07-15 throughout: July is running, June is the last complete month, and
July has 31 - 15 + 1 = 17 days left counting the as-of day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.data.preferences import save_preferences
from sop_core.data.store import Store
from sop_core.forecast.consensus import add_adjustment
from sop_core.kpi import stock, stock_by_sku
from sop_core.kpi.filters import KpiFilters
from sop_core.kpi.stock import StockSettings
from sop_core.meeting.executive import cycle_tiles, historical_values
from sop_core.meeting.figures import history_figures
from tests.rows import forecast_run, insert_rows

AS_OF = dt.date(2026, 7, 15)
D = dt.date
Z95 = NormalDist().inv_cdf(0.95)
CLASS_RANK = {"A": 0, "B": 1, "C": 2}


def add_products(store: Store, *rows: tuple[Any, ...]) -> None:
    """(sku, family, unit_cost[, lead_time_days, safety_stock, moq])."""
    full = [(r[0], f"name {r[0]}", *r[1:], *([None] * (6 - len(r)))) for r in rows]
    _insert(store, "INSERT INTO products (sku, name, family, unit_cost, lead_time_days, safety_stock, moq) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", full)


def add_stock(store: Store, *rows: tuple[Any, ...]) -> None:
    """(date, sku, on_hand, unit_cost or None)."""
    _insert(store, "INSERT INTO stock (date, sku, on_hand, unit_cost) VALUES (?, ?, ?, ?)", rows)


def add_sales(store: Store, *rows: tuple[Any, ...]) -> None:
    """(date, sku, quantity[, customer])."""
    _insert(store, "INSERT INTO sales (date, sku, quantity, customer) VALUES (?, ?, ?, ?)",
            [(*r, *([None] * (4 - len(r)))) for r in rows])


def add_orders(store: Store, *rows: tuple[Any, ...]) -> None:
    """(order_date, sku, quantity, customer)."""
    _insert(store, "INSERT INTO orders (order_id, customer, sku, quantity, order_date, promised_date) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
            [(f"O{i}", customer, sku, qty, day, day) for i, (day, sku, qty, customer) in enumerate(rows)])


def add_forecast(store: Store, rows: Sequence[tuple[str, dt.date, float]], run_id: int = 1) -> None:
    """A successful monthly run with these (sku, period, forecast) values."""
    with store.transaction() as cur:
        insert_rows(cur, "forecast_runs", [forecast_run(run_id, AS_OF)])
        cur.executemany("INSERT INTO forecast_values (run_id, sku, period, forecast) VALUES (?, ?, ?, ?)",
                        [(run_id, *row) for row in rows])


def _insert(store: Store, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    with store.transaction() as cur:
        cur.executemany(sql, [list(r) for r in rows])


def indexed(frame: pd.DataFrame, column: str = "sku") -> pd.DataFrame:
    return frame.set_index(column)


# --- inventory value -------------------------------------------------------------------------

@pytest.fixture
def two_snapshots(store: Store) -> Store:
    """P1 (F1, cost 2) and P2 (F2, cost 5); snapshots at the ends of May and June 2026.

    31 May: P1 10 units, no stock cost -> product cost 2 -> 20; P2 4 units at 3 -> 12. Total 32.
    30 June: P1 5 units at 2.5 -> 12.5; P2 absent (0). Total 12.5. 31 July is after the as-of date.
    Sales: P1 3 units on 10 May (COGS 6), P2 2 units on 20 June (COGS 10); April and July fall
    outside the window.
    """
    add_products(store, ("P1", "F1", 2.0), ("P2", "F2", 5.0))
    add_stock(store, (D(2026, 5, 31), "P1", 10, None), (D(2026, 5, 31), "P2", 4, 3.0),
              (D(2026, 6, 30), "P1", 5, 2.5), (D(2026, 7, 31), "P1", 100, None))
    add_sales(store, (D(2026, 4, 15), "P1", 7, "ACME"), (D(2026, 5, 10), "P1", 3, "ACME"),
              (D(2026, 6, 20), "P2", 2, "BOLT"), (D(2026, 7, 2), "P1", 100, "ACME"))
    return store


def test_inventory_value_falls_back_on_the_product_cost(two_snapshots: Store) -> None:
    total = stock.inventory_value(two_snapshots, AS_OF)
    assert total["date"].dt.date.tolist() == [D(2026, 5, 31), D(2026, 6, 30)]
    assert total["key"].tolist() == ["total", "total"]
    assert total["units"].tolist() == [14, 5]
    assert total["value"].tolist() == pytest.approx([32.0, 12.5])
    family = stock.inventory_value(two_snapshots, AS_OF, by="family")
    assert list(zip(family["key"], family["value"], strict=True)) == [("F1", 20.0), ("F2", 12.0), ("F1", 12.5)]


def test_inventory_value_filters_by_family_and_date(two_snapshots: Store) -> None:
    only_f2 = stock.inventory_value(two_snapshots, AS_OF, KpiFilters(families=("F2",)))
    assert only_f2["value"].tolist() == [12.0]
    june = stock.inventory_value(two_snapshots, AS_OF, KpiFilters(start=D(2026, 6, 1), end=D(2026, 6, 30)))
    assert june["date"].dt.date.tolist() == [D(2026, 6, 30)] and june["value"].tolist() == [12.5]


# --- turnover --------------------------------------------------------------------------------

def test_turnover_and_days_of_inventory_by_hand(two_snapshots: Store) -> None:
    """Window May-June (61 days): COGS 6 + 10 = 16, average value (32 + 12.5) / 2 = 22.25."""
    total = stock.turnover(two_snapshots, AS_OF, months=2).iloc[0]
    assert total["cogs"] == pytest.approx(16.0)
    assert total["average_stock_value"] == pytest.approx(22.25)
    assert total["turnover"] == pytest.approx(16 / 22.25)  # 0.719
    assert total["days_of_inventory"] == pytest.approx(22.25 * 61 / 16)  # 84.83
    assert total["window_days"] == 61

    # Twelve months asked, but the data starts in May (first snapshot): the same 61-day window.
    twelve = stock.turnover(two_snapshots, AS_OF).iloc[0]
    assert twelve["window_days"] == 61 and twelve["turnover"] == pytest.approx(16 / 22.25)

    families = indexed(stock.turnover(two_snapshots, AS_OF, by="family", months=2), "key")
    # F1: (20 + 12.5) / 2 = 16.25 held, COGS 6; F2: (12 + 0) / 2 = 6 held (absent in June = 0), COGS 10.
    assert families.loc["F1", "average_stock_value"] == pytest.approx(16.25)
    assert families.loc["F1", "turnover"] == pytest.approx(6 / 16.25)
    assert families.loc["F1", "days_of_inventory"] == pytest.approx(16.25 * 61 / 6)
    assert families.loc["F2", "average_stock_value"] == pytest.approx(6.0)
    assert families.loc["F2", "turnover"] == pytest.approx(10 / 6)
    assert families.loc["F2", "days_of_inventory"] == pytest.approx(36.6)
    skus = stock.turnover(two_snapshots, AS_OF, by="sku", months=2)
    assert skus["key"].tolist() == ["P1", "P2"] and skus["cogs"].tolist() == [6.0, 10.0]


def test_turnover_filters_narrow_the_window_and_the_demand(two_snapshots: Store) -> None:
    june = stock.turnover(two_snapshots, AS_OF, KpiFilters(start=D(2026, 6, 1)), months=2).iloc[0]
    # June alone: one snapshot of 12.5, COGS 10, 30 days.
    assert (june["window_days"], june["average_stock_value"], june["cogs"]) == (30, 12.5, 10.0)
    assert june["days_of_inventory"] == pytest.approx(37.5)
    acme = stock.turnover(two_snapshots, AS_OF, KpiFilters(customers=("ACME",)), months=2).iloc[0]
    assert acme["cogs"] == 6.0 and acme["average_stock_value"] == 22.25  # stock is not per customer
    f1 = stock.turnover(two_snapshots, AS_OF, KpiFilters(families=("F1",)), by="family", months=2)
    assert f1["key"].tolist() == ["F1"]


def test_turnover_trend_rolls_the_trailing_window(two_snapshots: Store) -> None:
    trend = stock.turnover_trend(two_snapshots, AS_OF, months=2)
    assert trend["month"].dt.date.tolist() == [D(2026, 5, 1), D(2026, 6, 1)]
    # May alone (the data starts in May): COGS 6, value 32, 31 days.
    assert trend["cogs_12m"].tolist() == [6.0, 16.0]
    assert trend["average_value"].tolist() == pytest.approx([32.0, 22.25])
    assert trend["window_days"].tolist() == [31, 61]
    assert trend["turnover"].tolist() == pytest.approx([6 / 32, 16 / 22.25])
    assert trend["days_of_inventory"].iloc[0] == pytest.approx(32 * 31 / 6)
    last = stock.turnover(two_snapshots, AS_OF, months=2).iloc[0]
    assert trend["days_of_inventory"].iloc[-1] == pytest.approx(last["days_of_inventory"])
    one_month = stock.turnover_trend(two_snapshots, AS_OF, months=1)  # May leaves June's window
    assert one_month["cogs_12m"].tolist() == [6.0, 10.0] and one_month["average_value"].tolist() == [32.0, 12.5]
    assert one_month["window_days"].tolist() == [31, 30]
    shown = stock.turnover_trend(two_snapshots, AS_OF, KpiFilters(start=D(2026, 6, 1)), months=2)
    assert shown["month"].dt.date.tolist() == [D(2026, 6, 1)] and shown["cogs_12m"].tolist() == [16.0]


def test_zero_stock_gives_no_turnover_rather_than_a_crash(store: Store) -> None:
    add_products(store, ("P", "F", 2.0))
    add_stock(store, (D(2026, 6, 30), "P", 0, None))
    add_sales(store, (D(2026, 6, 3), "P", 4))
    row = stock.turnover(store, AS_OF).iloc[0]
    assert row["average_stock_value"] == 0 and math.isnan(row["turnover"]) and row["days_of_inventory"] == 0
    sku = stock_by_sku.sku_stock(store, AS_OF).iloc[0]
    assert sku["value"] == 0 and sku["coverage_days"] == 0 and sku["status"] == "understock"
    summary = stock_by_sku.stock_summary(store, AS_OF)
    assert summary["total_value"] == 0 and summary["turnover"] is None and summary["skus"] == 1


def test_no_demand_means_no_days_of_inventory(store: Store) -> None:
    add_products(store, ("P", "F", 2.0))
    add_stock(store, (D(2026, 6, 30), "P", 10, None))
    add_sales(store, (D(2025, 1, 3), "P", 4))  # long ago: the window has no COGS
    row = stock.turnover(store, AS_OF).iloc[0]
    assert row["cogs"] == 0 and row["turnover"] == 0 and math.isnan(row["days_of_inventory"])


def test_orders_stand_in_for_sales(store: Store) -> None:
    add_products(store, ("P", "F", 2.0))
    add_stock(store, (D(2026, 6, 30), "P", 10, None))
    add_orders(store, (D(2026, 6, 3), "P", 4.0, "ACME"), (D(2026, 6, 9), "P", 6.0, "BOLT"))
    assert stock.turnover(store, AS_OF).iloc[0]["cogs"] == 20.0
    assert stock.turnover(store, AS_OF, KpiFilters(customers=("BOLT",))).iloc[0]["cogs"] == 12.0
    assert stock_by_sku.sku_stock(store, AS_OF, KpiFilters(customers=("ACME",))).iloc[0]["avg_monthly_demand"] == 4.0


# --- ABC / XYZ -------------------------------------------------------------------------------

def _one_month_of_sales(store: Store, quantities: dict[str, float]) -> None:
    """Cost 1 for every SKU, and its quantity sold in June 2026 (history_months=1 reads June only)."""
    add_products(store, *[(sku, "F", 1.0) for sku in quantities])
    add_sales(store, *[(D(2026, 6, 10), sku, q) for sku, q in quantities.items() if q])


def test_abc_uses_the_cumulative_share_before_each_sku(store: Store) -> None:
    """Shares 50/30/10/6/4/0 %. Before each: 0, 0.5, 0.8, 0.9, 0.96 -> A, A, B, B, C; no value -> C."""
    _one_month_of_sales(store, {"S1": 50, "S2": 30, "S3": 10, "S4": 6, "S5": 4, "S6": 0})
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1)))
    assert skus["abc"].to_dict() == {"S1": "A", "S2": "A", "S3": "B", "S4": "B", "S5": "C", "S6": "C"}
    assert skus.loc["S1", "annual_value"] == 600.0  # 50 a month * 12 * cost 1


def test_abc_top_sku_is_always_a(store: Store) -> None:
    _one_month_of_sales(store, {"BIG": 90, "SMALL": 10, "T1": 0})
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1)))
    assert skus.loc["BIG", "abc"] == "A" and skus.loc["SMALL", "abc"] == "B"  # 90 % alone is still A


def test_abc_ties_share_their_class(store: Store) -> None:
    _one_month_of_sales(store, {"T1": 40, "T2": 40, "T3": 20})
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1)))
    assert skus["abc"].to_dict() == {"T1": "A", "T2": "A", "T3": "B"}  # the second 40 also starts at 0


def test_xyz_from_the_monthly_coefficient_of_variation(store: Store) -> None:
    """Four months, March-June 2026, empty months counting 0, population standard deviation."""
    monthly = {
        "FLAT": [10, 10, 10, 10],  # mean 10, std 0 -> CV 0 -> X
        "WAVE": [12, 8, 12, 8],  # std 2 -> 0.2 -> X
        "SWING": [16, 4, 16, 4],  # std 6 -> 0.6 -> Y
        "EVERY2": [0, 20, 0, 20],  # std 10 -> 1.0 -> Y (the limit belongs to Y); ddof=1 would give Z
        "ONCE": [40, 0, 0, 0],  # std sqrt((900 + 3 * 100) / 4) = 17.32 -> 1.73 -> Z
    }
    add_products(store, *[(sku, "F", 1.0) for sku in [*monthly, "NEVER"]])
    add_sales(store, (D(2026, 1, 5), "FLAT", 1))  # the history starts in January: no cut in March
    add_sales(store, *[(D(2026, 3 + m, 10), sku, q) for sku, qs in monthly.items() for m, q in enumerate(qs) if q])
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=4)))
    assert skus["avg_monthly_demand"].drop("NEVER").tolist() == [10.0] * 5
    expected_std = {"FLAT": 0, "WAVE": 2, "SWING": 6, "EVERY2": 10, "ONCE": math.sqrt(300)}
    for sku, std in expected_std.items():
        assert skus.loc[sku, "demand_std"] == pytest.approx(std)
        assert skus.loc[sku, "demand_cv"] == pytest.approx(std / 10)
    assert skus["xyz"].to_dict() == {"EVERY2": "Y", "FLAT": "X", "NEVER": "Z", "ONCE": "Z", "SWING": "Y", "WAVE": "X"}
    assert math.isnan(skus.loc["NEVER", "demand_cv"])


def test_abc_xyz_matrix_has_nine_cells(store: Store) -> None:
    _one_month_of_sales(store, {"S1": 50, "S2": 30, "S3": 10, "S4": 6, "S5": 4, "S6": 0})
    add_stock(store, (D(2026, 6, 30), "S1", 3, None), (D(2026, 6, 30), "S6", 2, None))
    skus = stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1))
    matrix = stock_by_sku.abc_xyz_matrix(skus)
    assert list(zip(matrix["abc"], matrix["xyz"], strict=True)) == [
        (a, x) for a in "ABC" for x in "XYZ"]
    cells = matrix.set_index(["abc", "xyz"])
    # One month of history: any demand has CV 0 (X); S6 never sold (Z).
    assert cells.loc[("A", "X"), "skus"] == 2 and cells.loc[("A", "X"), "value"] == 3.0
    assert cells.loc[("A", "X"), "annual_value"] == 960.0
    assert cells.loc[("C", "Z"), "skus"] == 1 and cells.loc[("C", "Z"), "value"] == 2.0
    assert cells.loc[("B", "Y"), "skus"] == 0 and matrix["skus"].sum() == 6


# --- coverage and status ---------------------------------------------------------------------

def test_sku_without_demand_is_z_dead_and_uncovered(store: Store) -> None:
    add_products(store, ("NEVER", "F", 2.0), ("EMPTY", "F", 2.0), ("OTHER", "F", 1.0))
    add_stock(store, (D(2026, 6, 30), "NEVER", 5, None))
    add_sales(store, (D(2026, 6, 1), "OTHER", 1))
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF))
    never = skus.loc["NEVER"]
    assert never["xyz"] == "Z" and never["abc"] == "C" and never["status"] == "dead"
    assert never["value"] == 10.0 and never["coverage_source"] == "no demand" and math.isnan(never["coverage_days"])
    assert pd.isna(never["last_demand"]) and math.isnan(never["months_without_demand"])
    assert skus.loc["EMPTY", "status"] == "ok" and skus.loc["EMPTY", "on_hand"] == 0  # nothing held, nothing due


def test_coverage_from_recent_demand(store: Store) -> None:
    """April-June: 30 + 60 + 90 -> 60 a month -> 60 / 30.4375 a day; 100 units last 50.73 days."""
    add_products(store, ("R", "F", 1.0))
    add_stock(store, (D(2026, 5, 31), "R", 400, None), (D(2026, 6, 30), "R", 100, None))
    add_sales(store, (D(2026, 4, 2), "R", 30), (D(2026, 5, 2), "R", 60), (D(2026, 6, 2), "R", 90))
    row = stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=3)).iloc[0]
    assert row["on_hand"] == 100  # the last snapshot, not the first
    assert row["avg_monthly_demand"] == pytest.approx(60)
    assert row["coverage_days"] == pytest.approx(100 * 30.4375 / 60)  # 50.729
    assert row["coverage_source"] == "recent demand" and row["status"] == "ok"
    assert row["last_demand"] == pd.Timestamp(2026, 6, 2) and row["months_without_demand"] == 0


@pytest.fixture
def forecast_store(store: Store) -> Store:
    """Final forecast of W: June 99 (past, ignored), July 62 (2 a day), August 31 (1 a day), September 60
    (2 a day). W1 holds 50, W2 1,000, W3 nothing; R is not in the forecast."""
    add_products(store, ("W1", "F", 1.0), ("W2", "F", 1.0), ("W3", "F", 1.0), ("R", "F", 1.0))
    add_stock(store, (D(2026, 6, 30), "W1", 50, None), (D(2026, 6, 30), "W2", 1000, None),
              (D(2026, 6, 30), "R", 100, None))
    add_sales(store, *[(D(2026, 6, 2), sku, 60.875) for sku in ("W1", "W2", "W3", "R")])
    add_forecast(store, [(sku, period, q) for sku in ("W1", "W2", "W3")
                         for period, q in ((D(2026, 6, 1), 99.0), (D(2026, 7, 1), 62.0),
                                           (D(2026, 8, 1), 31.0), (D(2026, 9, 1), 60.0))])
    return store


def test_coverage_walks_the_forecast(forecast_store: Store) -> None:
    skus = indexed(stock_by_sku.sku_stock(forecast_store, AS_OF))
    # W1: July's 17 remaining days eat 34, 16 are left; August eats 1 a day: out on day 17 + 16 = 33.
    assert skus.loc["W1", "coverage_days"] == pytest.approx(33.0)
    assert skus.loc["W1", "coverage_source"] == "forecast" and skus.loc["W1", "status"] == "ok"
    # W2 outlasts the horizon: at least 17 + 31 + 30 = 78 days (overstock beyond 2 x 30).
    assert skus.loc["W2", "coverage_days"] == pytest.approx(78.0) and skus.loc["W2", "status"] == "overstock"
    assert skus.loc["W3", "coverage_days"] == 0 and skus.loc["W3", "status"] == "understock"
    # R is not in the forecast: its recent demand, 60.875 a month = 2 a day (one month of history).
    assert skus.loc["R", "coverage_source"] == "recent demand" and skus.loc["R", "coverage_days"] == 50.0


def test_coverage_uses_the_consensus_forecast(forecast_store: Store) -> None:
    add_adjustment(forecast_store, "planner", None, "sku", "W1", "month", D(2026, 8, 1), 31.0)
    # August becomes 62, 2 a day: the 16 units left after July last 8 days.
    w1 = indexed(stock_by_sku.sku_stock(forecast_store, AS_OF)).loc["W1"]
    assert w1["coverage_days"] == pytest.approx(25.0)


def test_each_status_rule(store: Store) -> None:
    """One month of history (June) of 30.4375 units: 1 a day, so coverage = on-hand days.
    Defaults: understock below 15 days, overstock above 60, slow above 180, dead after 6 empty months."""
    rows = {  # sku: (on_hand, products.safety_stock)
        "SLOW": (200, None), "OVER": (100, None), "SHORT": (10, None), "BELOW_SS": (40, 50), "OK": (40, 20),
    }
    add_products(store, *[(sku, "F", 1.0, None, ss) for sku, (_, ss) in rows.items()],
                 ("DEAD", "F", 1.0), ("ALIVE", "F", 1.0))
    add_stock(store, *[(D(2026, 6, 30), sku, on_hand, None) for sku, (on_hand, _) in rows.items()],
              (D(2026, 6, 30), "DEAD", 7, None), (D(2026, 6, 30), "ALIVE", 7, None))
    add_sales(store, *[(D(2026, 6, 5), sku, 30.4375) for sku in rows])
    # Last sales: December 2025 -> January to June empty (6 months): dead; January 2026 -> 5: not dead.
    add_sales(store, (D(2025, 12, 20), "DEAD", 5), (D(2026, 1, 5), "ALIVE", 5))
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1)))
    assert skus.loc[list(rows), "coverage_days"].tolist() == pytest.approx([200, 100, 10, 40, 40])
    assert skus["status"].to_dict() == {
        "ALIVE": "ok", "BELOW_SS": "understock", "DEAD": "dead", "OK": "ok", "OVER": "overstock",
        "SHORT": "understock", "SLOW": "slow",
    }
    assert skus.loc["DEAD", "months_without_demand"] == 6 and skus.loc["ALIVE", "months_without_demand"] == 5
    # ALIVE has no demand in June: no coverage, yet some demand within 6 months, so not dead.
    assert skus.loc["ALIVE", "coverage_source"] == "no demand"


def test_stock_at_risk_is_dead_slow_and_excess_over_the_target(store: Store) -> None:
    """The home tile on the book of the summary test: dead 30 + slow 300 + OVER's excess over 30
    days of cover, 180 = 510, each part shown."""
    test_summary_adds_up_the_statuses(store)
    save_preferences(store, StockSettings(history_months=1), "stock")
    values = historical_values(history_figures(store, AS_OF))
    assert values["stock_at_risk"] == pytest.approx(30 + 300 + 180)
    assert (values["stock_dead"], values["stock_slow"]) == (30, 300)
    assert values["stock_excess"] == pytest.approx(180)


def test_the_stock_at_risk_change_compares_today_policy_with_itself_a_month_earlier(store: Store) -> None:
    """OVER (cost 2) held 60 on 31/05 and 120 on 30/06, selling 30.4375 a month. Under today's
    policy (40 days of target cover, one month of history), on 15/07 it covers 120 days: its excess
    is 240 x (120 - 40) / 120 = 160. On 15/06 it covered 60 days, within the overstock limit of
    2 x 40 = 80: nothing at risk. The change is +160, whatever figure the June meeting recorded
    under its own policy (999 here)."""
    add_products(store, ("OVER", "F", 2.0))
    add_stock(store, (D(2026, 5, 31), "OVER", 60, None), (D(2026, 6, 30), "OVER", 120, None))
    add_sales(store, (D(2026, 5, 5), "OVER", 30.4375), (D(2026, 6, 5), "OVER", 30.4375))
    save_preferences(store, StockSettings(history_months=1, target_cover_days=40), "stock")
    _insert(store, "INSERT INTO cycle_kpis VALUES (?, ?, ?, ?, ?)",
            [("2026-06", "stock_at_risk", 999.0, "red", dt.datetime(2026, 6, 20))])
    tile = next(tile for tile in cycle_tiles(store, AS_OF) if tile.code == "stock_at_risk")
    assert tile.value == pytest.approx(160.0) and tile.detail["excess"] == pytest.approx(160.0)
    assert (tile.previous, tile.previous_source) == (pytest.approx(0.0), "recomputed")
    assert tile.change == pytest.approx(160.0)


def test_summary_adds_up_the_statuses(store: Store) -> None:
    add_products(store, ("OVER", "F", 2.0), ("SLOW", "F", 1.0), ("DEAD", "F", 3.0), ("SHORT", "F", 1.0, None, 50))
    add_stock(store, (D(2026, 6, 30), "OVER", 120, None), (D(2026, 6, 30), "SLOW", 300, None),
              (D(2026, 6, 30), "DEAD", 10, None), (D(2026, 6, 30), "SHORT", 20, None))
    add_sales(store, *[(D(2026, 6, 5), sku, 30.4375) for sku in ("OVER", "SLOW", "SHORT")])
    summary = stock_by_sku.stock_summary(store, AS_OF, settings=StockSettings(history_months=1))
    assert summary["total_value"] == 240 + 300 + 30 + 20
    assert summary["dead_stock_value"] == 30 and summary["slow_value"] == 300
    # OVER covers 120 days, 60 beyond the overstock limit of 60: half its value, 120; 90 beyond
    # the target coverage of 30: three quarters of its value, 180.
    assert summary["overstock_value"] == pytest.approx(120.0)
    assert summary["excess_value"] == pytest.approx(180.0)
    assert summary["understock_skus"] == 1 and summary["skus"] == 4
    assert summary["coverage_median_days"] == pytest.approx(120.0)  # 20, 120, 300
    # COGS of June: 3 x 30.4375 x costs 2 + 1 + 1; one snapshot worth 590; 30 days.
    cogs = 30.4375 * 4
    assert summary["turnover"] == pytest.approx(cogs / 590)
    assert summary["days_of_inventory"] == pytest.approx(590 * 30 / cogs)


# --- safety stock, reorder point, EOQ ----------------------------------------------------------

def test_safety_stock_reorder_point_and_eoq_by_hand(store: Store) -> None:
    """March-June 16, 4, 16, 4: mean 10, sigma 6. Lead time 121.75 days = 4 months -> sqrt 2."""
    add_products(store, ("S", "F", 2.0, 121.75, 5.0, 100.0), ("NOLT", "F", 2.0))
    add_sales(store, *[(D(2026, m, 10), sku, q) for m, q in zip((3, 4, 5, 6), (16, 4, 16, 4), strict=True)
                       for sku in ("S", "NOLT")])
    costs = StockSettings(history_months=4, order_cost=50.0, holding_rate=0.25)
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=costs))
    s = skus.loc["S"]
    assert s["suggested_safety_stock"] == pytest.approx(Z95 * 6 * 2)  # 19.74
    assert s["reorder_point"] == pytest.approx(10 / 30.4375 * 121.75 + Z95 * 12)  # 40 + 19.74
    assert s["eoq"] == pytest.approx(math.sqrt(2 * 120 * 50 / (0.25 * 2)))  # sqrt(24000) = 154.92
    assert (s["safety_stock"], s["moq"]) == (5.0, 100.0)
    assert math.isnan(skus.loc["NOLT", "suggested_safety_stock"]) and math.isnan(skus.loc["NOLT", "reorder_point"])
    no_costs = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=4)))
    assert no_costs["eoq"].isna().all()
    strict = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=4, service_level=0.99)))
    assert strict.loc["S", "suggested_safety_stock"] == pytest.approx(NormalDist().inv_cdf(0.99) * 12)


def test_safety_stock_from_the_forecast_error_by_hand(store: Store) -> None:
    """The option: z x the forecast's one-month error x sqrt(lead time in months). S's latest run
    says 100 for July with an 80% upper bound of 100 + 1.2816 x 10: sigma 10. Lead time 121.75 days
    = 4 months -> sqrt 2: 1.645 x 10 x 2 = 32.9 (from demand: 1.645 x 6 x 2 = 19.74). NOF has no
    forecast: its demand's spread, as before."""
    add_products(store, ("S", "F", 2.0, 121.75), ("NOF", "F", 2.0, 121.75))
    add_sales(store, *[(D(2026, m, 10), sku, q) for m, q in zip((3, 4, 5, 6), (16, 4, 16, 4), strict=True)
                       for sku in ("S", "NOF")])
    z80 = NormalDist().inv_cdf(0.9)  # 1.2816
    with store.transaction() as cur:
        insert_rows(cur, "forecast_runs", [forecast_run(1, AS_OF)])
        cur.executemany("INSERT INTO forecast_values (run_id, sku, period, forecast, lower_80, upper_80) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [(1, "S", D(2026, 6, 1), 90.0, 0.0, 190.0),  # before as_of's month: ignored
                         (1, "S", D(2026, 7, 1), 100.0, 100 - z80 * 10, 100 + z80 * 10),
                         (1, "S", D(2026, 8, 1), 100.0, 70.0, 130.0)])  # later months: wider, not used
    default = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=4)))
    assert default.loc["S", "suggested_safety_stock"] == pytest.approx(Z95 * 6 * 2)  # unchanged by default
    option = StockSettings(history_months=4, safety_stock_from="forecast")
    skus = indexed(stock_by_sku.sku_stock(store, AS_OF, settings=option))
    assert skus.loc["S", "suggested_safety_stock"] == pytest.approx(Z95 * 10 * 2)  # 32.90
    assert skus.loc["S", "reorder_point"] == pytest.approx(10 / 30.4375 * 121.75 + Z95 * 20)
    assert skus.loc["NOF", "suggested_safety_stock"] == pytest.approx(Z95 * 6 * 2)


# --- settings and arguments --------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    ({"abc_a": 0.95, "abc_b": 0.8}, "abc_a < abc_b"),
    ({"abc_b": 1.2}, "abc_b <= 1"),
    ({"xyz_x": 1.0, "xyz_y": 1.0}, "xyz_x < xyz_y"),
    ({"service_level": 95}, "write 0.95"),
    ({"safety_stock_from": "sales"}, "safety_stock_from is one of demand, forecast"),
    ({"history_months": 0}, "history_months must be a whole number"),
    ({"dead_months": 1.5}, "dead_months must be a whole number"),
    ({"target_cover_days": 0}, "target_cover_days must be a positive"),
    ({"under_ratio": 3.0}, "under_ratio < over_ratio"),
    ({"order_cost": 50.0}, "set both, or neither"),
    ({"order_cost": -1.0, "holding_rate": 0.2}, "order_cost must be positive"),
])
def test_settings_refuse_bad_values_and_say_the_fix(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        StockSettings(**changes)


def test_bad_arguments_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="by must be one of total, family"):
        stock.inventory_value(store, AS_OF, by="sku")
    with pytest.raises(ValueError, match="months must be a whole number"):
        stock.turnover(store, AS_OF, months=0)
    with pytest.raises(ValueError, match="by must be one of"):
        stock.turnover(store, AS_OF, by="customer")


def test_family_filter_keeps_the_family_only(two_snapshots: Store) -> None:
    skus = stock_by_sku.sku_stock(two_snapshots, AS_OF, KpiFilters(families=("F1",)))
    assert skus["sku"].tolist() == ["P1"] and skus["value"].tolist() == [12.5]
    # the period does not change the picture as of AS_OF
    dated = stock_by_sku.sku_stock(two_snapshots, AS_OF, KpiFilters(start=D(2026, 5, 1), end=D(2026, 5, 31)))
    assert dated["value"].tolist() == [12.5, 0.0]


# --- properties --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for every hypothesis example (function fixtures are not reset between examples)."""
    with Store(Path(tmp_path_factory.mktemp("stock")) / "p.duckdb") as opened:
        yield opened


def _clear(store: Store) -> Store:
    with store.transaction() as cur:
        for table in ("products", "stock", "sales", "orders", "forecast_runs", "forecast_values"):
            cur.execute(f"DELETE FROM {table}")
    return store


PROPERTY = settings(max_examples=30, deadline=None)


@PROPERTY
@given(values=st.lists(st.tuples(st.integers(0, 500), st.sampled_from([0.5, 1.0, 3.0])), min_size=1, max_size=15),
       shares=st.tuples(st.floats(0.05, 0.9), st.floats(0.0, 0.1)))
def test_abc_never_ranks_a_bigger_sku_lower(shared_store: Store, values: list[tuple[int, float]],
                                           shares: tuple[float, float]) -> None:
    store = _clear(shared_store)
    add_products(store, *[(f"S{i}", "F", cost) for i, (_, cost) in enumerate(values)])
    add_sales(store, *[(D(2026, 6, 1), f"S{i}", q) for i, (q, _) in enumerate(values) if q])
    classes = StockSettings(history_months=1, abc_a=shares[0], abc_b=min(1.0, shares[0] + shares[1] + 0.01))
    skus = stock_by_sku.sku_stock(store, AS_OF, settings=classes)
    top = skus.loc[skus["annual_value"].idxmax()]
    assert top["abc"] == "A" or top["annual_value"] == 0
    for one, other in itertools.permutations(skus.itertuples(), 2):
        if one.annual_value > other.annual_value:
            assert CLASS_RANK[str(one.abc)] <= CLASS_RANK[str(other.abc)]


@PROPERTY
@given(on_hands=st.lists(st.floats(-10, 5000, allow_nan=False), min_size=2, max_size=8),
       forecast=st.one_of(st.none(), st.lists(st.floats(0, 300, allow_nan=False), min_size=1, max_size=6)),
       sold=st.integers(0, 300))
def test_coverage_is_non_negative_and_grows_with_stock(shared_store: Store, on_hands: list[float],
                                                      forecast: list[float] | None, sold: int) -> None:
    """Same demand and forecast for every SKU; only the stock differs."""
    store = _clear(shared_store)
    skus = [f"S{i}" for i in range(len(on_hands))]
    add_products(store, *[(sku, "F", 1.0) for sku in skus])
    add_stock(store, *[(D(2026, 6, 30), sku, q, None) for sku, q in zip(skus, on_hands, strict=True)])
    if sold:
        add_sales(store, *[(D(2026, 6, 3), sku, sold) for sku in skus])
    if forecast is not None:
        add_forecast(store, [(sku, D(2026, 7 + m, 1), q) for sku in skus for m, q in enumerate(forecast)])
    result = stock_by_sku.sku_stock(store, AS_OF, settings=StockSettings(history_months=1)).sort_values("on_hand")
    coverage = result["coverage_days"]
    if coverage.isna().any():  # no demand and no forecast: undefined for every SKU alike
        assert coverage.isna().all() and forecast is None and not sold
        return
    assert (coverage >= 0).all()
    assert (coverage.diff().dropna() >= -1e-9).all()


@PROPERTY
@given(snapshots=st.lists(st.lists(st.integers(0, 50), min_size=3, max_size=3), min_size=1, max_size=4),
       sales=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 120), st.integers(0, 20)), max_size=12),
       months=st.integers(1, 6))
def test_turnover_times_days_is_the_window(shared_store: Store, snapshots: list[list[int]],
                                           sales: list[tuple[int, int, int]], months: int) -> None:
    store = _clear(shared_store)
    add_products(store, ("P0", "F1", 1.0), ("P1", "F1", 2.5), ("P2", "F2", 4.0))
    add_stock(store, *[(D(2026, 6 - m, 28), f"P{i}", q, None) for m, row in enumerate(snapshots)
                       for i, q in enumerate(row)])
    add_sales(store, *[(D(2026, 7, 14) - dt.timedelta(days=day), f"P{i}", q) for i, day, q in sales if q])
    for by in ("total", "family", "sku"):
        frame = stock.turnover(store, AS_OF, by=by, months=months)
        defined = frame.dropna(subset=["turnover", "days_of_inventory"])
        defined = defined[defined["turnover"] > 0]
        assert (defined["turnover"] * defined["days_of_inventory"]).tolist() == pytest.approx(
            defined["window_days"].tolist())
        assert (frame["window_days"] <= 31 * months).all()
