"""The demo company: deterministic to the byte, internally consistent, and realistic enough to
show every chart of the dashboard with a story (service dip, overloaded presses, overstock...)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sop_core.demo.generator.calendar import WorkCalendar
from sop_core.demo.generator.company import DEMO_AS_OF, FRENCH_PRODUCT_HEADERS, KINDS, generate, write_demo_files
from sop_core.demo.generator.production import weekly_load

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COMMITTED_DEMO = PROJECT_ROOT / "data" / "demo"
AS_OF = pd.Timestamp(DEMO_AS_OF)
CANONICAL_COLUMNS: dict[str, list[str]] = {
    "workshops": ["workshop", "headcount", "hours_per_week", "efficiency", "regular_cost_per_hour",
                  "overtime_max_hours_per_person_week", "overtime_premium", "temp_max_headcount",
                  "temp_cost_per_hour", "temp_lead_time_days", "temp_productivity",
                  "subcontract_cost_per_hour", "subcontract_lead_time_days",
                  "subcontract_max_hours_per_week"],
    "products": ["sku", "name", "family", "unit_cost", "unit_price", "lead_time_days",
                 "safety_stock", "workshop", "hours_per_unit", "moq"],
    "budget": ["family", "month", "quantity", "revenue"],
    "sales": ["date", "sku", "quantity", "customer"],
    "orders": ["order_id", "line", "customer", "sku", "quantity", "order_date", "promised_date",
               "delivered_date", "delivered_quantity"],
    "stock": ["date", "sku", "on_hand", "unit_cost"],
    "production_orders": ["mo_id", "sku", "workshop", "quantity", "planned_start", "planned_end",
                          "actual_start", "actual_end", "hours_required", "hours_done",
                          "progress_pct", "order_id", "priority"],
}
KEYS: dict[str, list[str]] = {
    "workshops": ["workshop"], "products": ["sku"], "budget": ["family", "month"], "sales": ["date", "sku", "customer"],
    "orders": ["order_id", "line"], "stock": ["date", "sku"], "production_orders": ["mo_id"],
}


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_files(out)
    return out


def monthly_sales(demo: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """(SKU x month) units sold over the 36 months, zeros included."""
    sales = demo["sales"]
    table = sales.groupby(["sku", sales["date"].dt.to_period("M")])["quantity"].sum().unstack(
        fill_value=0)
    months = pd.period_range("2023-11", "2026-10", freq="M")
    return table.reindex(index=demo["products"]["sku"], columns=months, fill_value=0)


# --- determinism -------------------------------------------------------------------------------

def test_same_seed_gives_identical_frames(demo: dict[str, pd.DataFrame]) -> None:
    again = generate(42)
    for kind in KINDS:
        pd.testing.assert_frame_equal(demo[kind], again[kind])


def test_another_seed_gives_another_company(demo: dict[str, pd.DataFrame]) -> None:
    other = generate(7)
    assert not other["orders"]["quantity"].equals(demo["orders"]["quantity"])


def test_files_are_byte_identical_across_runs(demo_dir: Path, tmp_path: Path) -> None:
    written = write_demo_files(tmp_path / "again")
    assert sorted(p.name for p in written) == sorted(p.name for p in demo_dir.iterdir())
    for path in written:
        assert path.read_bytes() == (demo_dir / path.name).read_bytes(), path.name


def test_committed_files_equal_a_fresh_generation(demo_dir: Path) -> None:
    """data/demo is generated, never edited: regenerate with write_demo_files(Path("data/demo"))."""
    fresh = sorted(p.name for p in demo_dir.iterdir())
    # forecast_snapshots.csv comes from the forecaster, not the generator (tests/integration/test_demo_load.py)
    assert sorted(p.name for p in COMMITTED_DEMO.iterdir() if p.name != "forecast_snapshots.csv") == fresh
    for name in fresh:
        assert (COMMITTED_DEMO / name).read_bytes() == (demo_dir / name).read_bytes(), name


# --- contract ----------------------------------------------------------------------------------

def test_frames_have_canonical_columns_and_types(demo: dict[str, pd.DataFrame]) -> None:
    assert list(demo) == list(KINDS)
    for kind, columns in CANONICAL_COLUMNS.items():
        frame = demo[kind]
        assert list(frame.columns) == columns, kind
        for column in columns:
            is_date = column in ("date", "month") or column.endswith(("_date", "_start", "_end"))
            if is_date:
                assert pd.api.types.is_datetime64_any_dtype(frame[column]), (kind, column)
    numeric = ["headcount", "unit_cost", "quantity", "on_hand", "hours_required", "priority"]
    for kind, frame in demo.items():
        for column in set(numeric) & set(frame.columns):
            assert pd.api.types.is_numeric_dtype(frame[column]), (kind, column)


def test_keys_are_unique_and_references_exist(demo: dict[str, pd.DataFrame]) -> None:
    for kind, key in KEYS.items():
        assert not demo[kind].duplicated(key).any(), kind
    skus = set(demo["products"]["sku"])
    workshops = set(demo["workshops"]["workshop"])
    for kind in ("sales", "orders", "stock", "production_orders"):
        assert set(demo[kind]["sku"]) <= skus, kind
    assert set(demo["products"]["workshop"]) <= workshops
    assert set(demo["production_orders"]["workshop"]) <= workshops
    linked = demo["production_orders"]["order_id"].dropna()
    assert set(linked) <= set(demo["orders"]["order_id"])


def test_budget_is_last_years_sales_up_five_percent_per_family_and_month(demo: dict[str, pd.DataFrame]) -> None:
    """Twelve months before the as-of (the year to date has a budget) to December of next year, every
    family every month; each month the same month's sales of the last year sold, +5 % a year, in units
    and in euros at the products' prices, rounded to hundreds."""
    budget, products, sales = demo["budget"], demo["products"], demo["sales"]
    months = pd.date_range("2025-11-01", "2027-12-01", freq="MS")
    assert len(budget) == len(months) * products["family"].nunique()
    assert set(budget["family"]) == set(products["family"]) and sorted(set(budget["month"])) == list(months)
    priced = sales.merge(products[["sku", "family", "unit_price"]], on="sku")
    for family, month, sold_in, years in [("Bouchage", "2026-03-01", "2025-03", 1),
                                          ("Médical", "2027-01-01", "2026-01", 1),
                                          ("Automobile", "2027-11-01", "2025-11", 2)]:
        sold = priced[(priced["family"] == family) & (priced["date"].dt.strftime("%Y-%m") == sold_in)]
        row = budget[(budget["family"] == family) & (budget["month"] == pd.Timestamp(month))].iloc[0]
        assert row["quantity"] == round(sold["quantity"].sum() * 1.05 ** years, -2), (family, month)
        expected = round(float((sold["quantity"] * sold["unit_price"]).sum()) * 1.05 ** years, -2)
        assert row["revenue"] == pytest.approx(expected), (family, month)
    assert (budget["quantity"] > 0).all() and (budget["revenue"] > budget["quantity"] * 0.1).all()


def test_quantities_are_non_negative_and_dates_ordered(demo: dict[str, pd.DataFrame]) -> None:
    orders, production = demo["orders"], demo["production_orders"]
    for kind, column in [("sales", "quantity"), ("orders", "quantity"), ("stock", "on_hand"),
                         ("orders", "delivered_quantity"), ("production_orders", "quantity"),
                         ("production_orders", "hours_done")]:
        assert (demo[kind][column].dropna() >= 0).all(), (kind, column)
    assert (orders["promised_date"] >= orders["order_date"]).all()
    delivered = orders.dropna(subset=["delivered_date"])
    assert (delivered["delivered_date"] >= delivered["order_date"]).all()
    assert (delivered["delivered_quantity"] <= delivered["quantity"]).all()
    assert (production["planned_end"] >= production["planned_start"]).all()
    done = production.dropna(subset=["actual_end"])
    assert (done["actual_end"] >= done["actual_start"]).all()
    assert production["progress_pct"].between(0, 100).all()


def test_activity_dates_fall_on_plant_working_days(demo: dict[str, pd.DataFrame]) -> None:
    working = set(pd.to_datetime(WorkCalendar.build().days))
    dates = pd.concat([demo["sales"]["date"], demo["orders"]["order_date"],
                       demo["orders"]["promised_date"], demo["orders"]["delivered_date"].dropna(),
                       demo["production_orders"]["planned_start"]])
    assert set(dates) <= working
    assert demo["sales"]["date"].max() < AS_OF
    assert demo["sales"]["date"].min() >= pd.Timestamp("2023-11-01")


# --- the company -------------------------------------------------------------------------------

def test_company_size(demo: dict[str, pd.DataFrame]) -> None:
    assert 4 <= len(demo["workshops"]) <= 6
    assert 100 <= len(demo["products"]) <= 200
    assert 6 <= demo["products"]["family"].nunique() <= 8
    assert 30 <= demo["orders"]["customer"].nunique() <= 50
    assert 15_000 <= len(demo["orders"]) <= 40_000
    workshops = demo["workshops"]
    assert workshops["headcount"].between(3, 14).all()
    assert workshops["regular_cost_per_hour"].between(28, 45).all()
    margin = 1 - demo["products"]["unit_cost"] / demo["products"]["unit_price"]
    assert margin.between(0.19, 0.61).all()


def test_hours_per_unit_match_production_orders(demo: dict[str, pd.DataFrame]) -> None:
    """hours_required = quantity x hours_per_unit + a set-up of at most 4 hours."""
    production = demo["production_orders"].merge(demo["products"][["sku", "hours_per_unit"]],
                                                 on="sku")
    setup = production["hours_required"] - production["quantity"] * production["hours_per_unit"]
    assert setup.between(0.3, 4.1).all()


def test_service_rate_is_about_90_percent_with_a_spring_2026_dip(
        demo: dict[str, pd.DataFrame]) -> None:
    delivered = demo["orders"].dropna(subset=["delivered_date"])
    on_time = delivered["delivered_date"] <= delivered["promised_date"]
    overall = on_time.mean()
    assert 0.85 <= overall <= 0.95
    by_month = on_time.groupby(delivered["promised_date"].dt.to_period("M")).mean()
    by_month = by_month[by_month.index < pd.Period("2026-11", "M")]
    assert by_month.min() <= overall - 0.08
    assert by_month.idxmin() in pd.period_range("2026-03", "2026-06", freq="M")
    partial = delivered["delivered_quantity"] < delivered["quantity"]
    assert 0.005 <= partial.mean() <= 0.06


def test_open_customer_lines_some_already_late(demo: dict[str, pd.DataFrame]) -> None:
    open_lines = demo["orders"][demo["orders"]["delivered_date"].isna()]
    assert open_lines["delivered_quantity"].isna().all()
    assert len(open_lines) >= 100
    assert 10 <= (open_lines["promised_date"] < AS_OF).sum() < len(open_lines) / 2


def test_demand_is_pareto_seasonal_and_intermittent(demo: dict[str, pd.DataFrame]) -> None:
    table = monthly_sales(demo)
    volume = table.sum(axis=1).sort_values(ascending=False)
    assert volume.iloc[: len(volume) // 5].sum() / volume.sum() >= 0.60
    zero_share = (table == 0).mean(axis=1)
    assert (zero_share >= 0.40).sum() >= 10
    sold = table.to_numpy() > 0
    first_sale = sold.argmax(axis=1)
    last_sale = table.shape[1] - 1 - sold[:, ::-1].argmax(axis=1)
    assert 2 <= (first_sale >= 6).sum() <= 4  # launches
    assert 1 <= (last_sale <= 26).sum() <= 2  # discontinued
    total = table.sum()
    for year in (2024, 2025, 2026):  # the August shutdown
        july, august, september = (total[pd.Period(f"{year}-{m:02d}", "M")] for m in (7, 8, 9))
        assert august < 0.6 * (july + september) / 2


def test_stock_has_month_end_snapshots_overstock_and_stockouts(
        demo: dict[str, pd.DataFrame]) -> None:
    stock = demo["stock"]
    assert (stock["date"] + pd.Timedelta(days=1)).dt.day.eq(1).all()
    assert stock["date"].nunique() == 36
    last = stock[stock["date"] == stock["date"].max()].set_index("sku")
    average = monthly_sales(demo).iloc[:, -12:].mean(axis=1).reindex(last.index)
    coverage = last["on_hand"] / average
    assert (coverage > 6).sum() >= 3
    assert (stock["on_hand"] == 0).sum() >= 10
    assert (last["on_hand"] == 0).sum() >= 1


def test_open_production_orders_tell_the_capacity_story(demo: dict[str, pd.DataFrame]) -> None:
    production = demo["production_orders"]
    open_orders = production[production["actual_end"].isna()]
    assert 60 <= len(open_orders) <= 120
    assert set(open_orders["workshop"]) == set(demo["workshops"]["workshop"])
    assert (open_orders["planned_end"] < AS_OF).sum() >= 3
    assert (open_orders["planned_end"] >= AS_OF).sum() >= 50
    assert open_orders["actual_start"].isna().sum() >= 30  # not started yet
    assert open_orders["order_id"].notna().sum() >= 10
    open_ids = set(demo["orders"].loc[demo["orders"]["delivered_date"].isna(), "order_id"])
    assert set(open_orders["order_id"].dropna()) <= open_ids
    closed = production[production["actual_end"].notna()]
    assert (closed["actual_end"] < AS_OF).all()
    assert 0.05 <= (closed["actual_end"] > closed["planned_end"]).mean() <= 0.3


def test_weekly_load_overloads_injection_and_assemblage_only(
        demo: dict[str, pd.DataFrame]) -> None:
    load = weekly_load(demo["production_orders"], demo["workshops"], weeks=8)
    assert load.loc["INJECTION", 0:5].between(110, 140).all()
    assert load.loc["ASSEMBLAGE", 0:7].between(110, 140).sum() >= 4
    for shop in ("CONDITIONNEMENT", "DECOR", "CONTROLE"):
        assert load.loc[shop].between(60, 90).all(), shop


# --- files -------------------------------------------------------------------------------------

def test_csv_files_are_french_excel_style(demo_dir: Path) -> None:
    for kind in KINDS:
        raw = (demo_dir / f"{kind}.csv").read_bytes()
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        if kind == "products":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            header = raw.decode("cp1252").split("\r\n")[0]
            assert header == ";".join(FRENCH_PRODUCT_HEADERS)
        else:
            assert raw.startswith(b"\xef\xbb\xbf")
            header = raw.decode("utf-8-sig").split("\r\n")[0]
            assert header == ";".join(CANONICAL_COLUMNS[kind])
    orders = (demo_dir / "orders.csv").read_bytes().decode("utf-8-sig")
    assert "\r\n" in orders and ";;" in orders  # open lines leave optional cells empty
    first_line = orders.split("\r\n")[1].split(";")
    dt.datetime.strptime(first_line[5], "%d/%m/%Y")
    assert "0,85" in (demo_dir / "workshops.csv").read_text(encoding="utf-8-sig")


def test_csv_round_trips_to_the_frames(demo: dict[str, pd.DataFrame], demo_dir: Path) -> None:
    read = pd.read_csv(demo_dir / "stock.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert read["on_hand"].tolist() == demo["stock"]["on_hand"].tolist()
    assert np.allclose(read["unit_cost"], demo["stock"]["unit_cost"])
    products = pd.read_csv(demo_dir / "products.csv", sep=";", decimal=",", encoding="cp1252")
    assert np.allclose(products["Heures par unité"], demo["products"]["hours_per_unit"])


def test_products_workbook(demo: dict[str, pd.DataFrame], demo_dir: Path) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO((demo_dir / "products.xlsx").read_bytes()))
    assert workbook.sheetnames == ["Articles"]
    rows = list(workbook["Articles"].iter_rows(values_only=True))
    assert rows[0] == FRENCH_PRODUCT_HEADERS
    assert len(rows) == len(demo["products"]) + 1
    first = demo["products"].iloc[0]
    assert rows[1][0] == first["sku"] and rows[1][3] == pytest.approx(first["unit_cost"])
    assert isinstance(rows[1][8], float)


def test_manifest_lists_the_files_in_import_order(demo_dir: Path) -> None:
    manifest = json.loads((demo_dir / "demo.json").read_text(encoding="utf-8"))
    assert manifest["company"] == "Plastiques du Val de Loire"
    assert manifest["as_of"] == "2026-11-02" and manifest["seed"] == 42
    assert list(manifest["files"]) == list(KINDS)
    for name in manifest["files"].values():
        assert (demo_dir / name).is_file()


def test_demo_files_stay_small(demo_dir: Path) -> None:
    assert sum(p.stat().st_size for p in demo_dir.iterdir()) < 15_000_000
