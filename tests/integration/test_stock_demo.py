"""Stock rotation on the demo company: every function runs and the figures agree with each other.

The demo as loaded has no forecast run (the app forecasts on first start), so the module adds a
quick one (moving average, 6 months) to a copy; one test reads the demo without it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from sop_core.data.store import Store
from sop_core.forecast.runs import ForecastSettings, latest_run, run_forecast
from sop_core.kpi import stock, stock_by_sku
from sop_core.kpi.filters import KpiFilters
from sop_core.kpi.stock import StockSettings
from tests.conftest import CopyDatabase

COSTS = StockSettings(order_cost=80.0, holding_rate=0.2)


@pytest.fixture(scope="module")
def forecast_db(demo_copy: CopyDatabase) -> Path:
    path = demo_copy("stock")
    with Store(path) as store:
        run_forecast(store, ForecastSettings(horizon=6, model="moving_average", jobs=1, cutoffs=1), _as_of(store))
    return path


@pytest.fixture
def store(forecast_db: Path) -> Iterator[Store]:
    with Store(forecast_db) as opened:
        yield opened


def _as_of(store: Store) -> dt.date:
    as_of = store.as_of()
    assert as_of is not None
    return as_of


def test_sku_stock_has_one_row_per_product_and_walks_the_forecast(store: Store) -> None:
    skus = stock_by_sku.sku_stock(store, _as_of(store), settings=COSTS)
    products = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
    assert skus["sku"].tolist() == products and skus["sku"].is_unique
    assert list(skus.columns) == stock_by_sku.SKU_COLUMNS
    assert (skus["coverage_source"] == "forecast").all()  # the run forecasts every SKU
    assert (skus["coverage_days"] >= 0).all() and (skus["coverage_days"] <= 31 + 30 + 31 + 31 + 28 + 31).all()
    assert set(skus["abc"]) == {"A", "B", "C"} and set(skus["status"]) <= set(stock.STATUSES)
    sold = skus["avg_monthly_demand"] > 0
    assert skus.loc[sold & (skus["unit_cost"] > 0), "eoq"].gt(0).all()
    a_share = skus.loc[skus["abc"] == "A", "annual_value"].sum() / skus["annual_value"].sum()
    assert 0.5 < a_share < 0.9  # A closes once 80 % is reached: the last A SKU overshoots a little


def test_matrix_and_summary_agree_with_the_skus(store: Store) -> None:
    as_of = _as_of(store)
    skus = stock_by_sku.sku_stock(store, as_of, settings=COSTS)
    matrix = stock_by_sku.abc_xyz_matrix(skus)
    assert len(matrix) == 9 and matrix["skus"].sum() == len(skus)
    assert matrix["value"].sum() == pytest.approx(skus["value"].sum())
    summary = stock_by_sku.stock_summary(store, as_of, settings=COSTS)
    assert all(value is not None and math.isfinite(value) for value in summary.values()), summary
    assert summary["skus"] == len(skus)
    assert summary["total_value"] == pytest.approx(skus["value"].sum())
    assert summary["dead_stock_value"] == pytest.approx(skus.loc[skus["status"] == "dead", "value"].sum())
    assert summary["understock_skus"] == (skus["status"] == "understock").sum()
    assert summary["coverage_median_days"] == pytest.approx(skus["coverage_days"].median())
    assert 0 <= (summary["overstock_value"] or 0) <= skus.loc[skus["status"] == "overstock", "value"].sum()
    latest = stock.inventory_value(store, as_of).iloc[-1]
    assert latest["value"] == pytest.approx(summary["total_value"])
    # a page holding both frames gets the same figures without computing them again
    assert stock_by_sku.summarise(skus, stock.turnover(store, as_of), COSTS) == summary


def test_turnover_totals_families_skus_and_trend_agree(store: Store) -> None:
    as_of = _as_of(store)
    total = stock.turnover(store, as_of).iloc[0]
    assert total["window_days"] == 365 and 1 < total["turnover"] < 52
    assert total["turnover"] * total["days_of_inventory"] == pytest.approx(365)
    for by in ("family", "sku"):
        parts = stock.turnover(store, as_of, by=by)
        assert parts["cogs"].sum() == pytest.approx(total["cogs"])
        assert parts["average_stock_value"].sum() == pytest.approx(total["average_stock_value"])
    trend = stock.turnover_trend(store, as_of)
    assert trend["month"].is_monotonic_increasing and len(trend) == 36  # November 2023 to October 2026
    assert trend["turnover"].iloc[-1] == pytest.approx(total["turnover"])
    assert trend["window_days"].iloc[-1] == 365 and trend["window_days"].iloc[0] == 30
    by_family = stock.inventory_value(store, as_of, by="family")
    by_total = stock.inventory_value(store, as_of)
    assert by_family.groupby("date")["value"].sum().to_numpy() == pytest.approx(by_total["value"].to_numpy())


def test_filters_narrow_the_demo(store: Store) -> None:
    as_of = _as_of(store)
    family = str(store.scalar("SELECT min(family) FROM products"))
    customer = str(store.scalar(  # the family's biggest customer over the last year
        "SELECT customer FROM sales JOIN products USING (sku) WHERE family = ? AND date >= ? "
        "GROUP BY customer ORDER BY sum(quantity) DESC, customer LIMIT 1",
        [family, as_of.replace(year=as_of.year - 1, day=1)]))
    narrow = KpiFilters(families=(family,), customers=(customer,))
    skus = stock_by_sku.sku_stock(store, as_of, narrow)
    assert set(skus["family"]) == {family}
    assert len(skus) == store.scalar("SELECT count(*) FROM products WHERE family = ?", [family])
    everyone = stock.turnover(store, as_of, KpiFilters(families=(family,))).iloc[0]
    one = stock.turnover(store, as_of, narrow).iloc[0]
    assert 0 < one["cogs"] < everyone["cogs"] and one["average_stock_value"] == everyone["average_stock_value"]
    summary = stock_by_sku.stock_summary(store, as_of, narrow)
    assert summary["skus"] == len(skus)


def test_without_a_forecast_coverage_comes_from_recent_demand(demo_db: Path) -> None:
    with Store(demo_db) as demo:
        assert latest_run(demo) is None
        skus = stock_by_sku.sku_stock(demo, _as_of(demo))
        assert set(skus["coverage_source"]) <= {"recent demand", "no demand"}
        sold = skus["avg_monthly_demand"] > 0
        expected = skus.loc[sold, "on_hand"].clip(lower=0) * stock.DAYS_PER_MONTH / skus.loc[sold, "avg_monthly_demand"]
        assert skus.loc[sold, "coverage_days"].to_numpy() == pytest.approx(expected.to_numpy())
        assert math.isfinite(stock_by_sku.stock_summary(demo, _as_of(demo))["total_value"] or math.nan)


def test_total_turnover_from_the_families_equals_the_total_query(demo_db: Path) -> None:
    with Store(demo_db) as store:
        as_of = store.as_of()
        direct = stock.turnover(store, as_of, by="total")
        derived = stock.total_turnover(stock.turnover(store, as_of, by="family"))
    pd.testing.assert_frame_equal(derived, direct, check_dtype=False)
