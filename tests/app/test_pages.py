"""Every page runs under AppTest without an exception, on the demo and on an empty database."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import format_money
from sop_core.data.preferences import load_preferences
from sop_core.data.store import DB_PATH_ENV, Store
from sop_core.kpi import StockSettings, sku_stock
from sop_core.kpi.filters import KpiFilters, filter_choices
from sop_core.kpi.service import service_summary
from sop_core.production.delays import production_report
from tests.app.conftest import PAGES, OpenPage, open_app


def test_there_is_a_page_per_capability() -> None:
    names = [Path(p).stem.split("_", 1)[1] for p in PAGES]
    assert names == ["Data", "Forecast", "Forecast_accuracy", "Service_rate", "Stock_rotation",
                     "Production_delays", "What_if", "Decisions", "Plan"]


def test_home_page_shows_the_demo_figures(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("app.py", "en")
    assert app.title[0].value.startswith("S&OP")
    metrics = {m.label: m.value for m in app.metric}
    with Store(demo_db) as store:
        products = store.scalar("SELECT count(*) FROM products")
    assert metrics["Products (références)"].replace(" ", "") == str(products)
    assert len(metrics) >= 6




@pytest.mark.slow
def test_first_start_on_an_empty_store_loads_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fresh.duckdb"
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    app = open_app("app.py", "en")
    assert not app.exception, [e.value for e in app.exception]
    with Store(path) as store:
        assert store.get_setting("data_source") == "demo" and store.row_counts()["orders"] > 1000


@pytest.mark.slow
def test_data_page_empties_and_resets_to_demo(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/1_Data.py", "en")
    assert app.button(key="reset_empty").disabled  # nothing happens without the confirmation
    app.checkbox(key="reset_confirm").check().run()
    app.button(key="reset_empty").click().run()
    assert not app.exception and "All data removed" in app.success[0].value
    with Store(demo_db) as store:
        assert sum(store.row_counts().values()) == 0
    forecast = open_page("pages/4_Service_rate.py", "en")
    assert "No orders imported yet" in forecast.info[0].value
    app.checkbox(key="reset_confirm").check().run()
    app.button(key="reset_demo").click().run()
    assert not app.exception and app.success[0].value == "Demo loaded."
    with Store(demo_db) as store:
        assert store.row_counts()["orders"] > 1000


def test_data_page_describes_the_contract(open_page: OpenPage) -> None:
    app = open_page("pages/1_Data.py", "en")
    app.selectbox(key="contract_kind").select("production_orders").run()
    columns = list(app.dataframe[-1].value["column"])
    assert columns[:3] == ["mo_id", "sku", "workshop"] and "progress_pct" in columns


def test_data_page_offers_and_imports_a_budget(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/1_Data.py", "fr")
    assert app.selectbox(key="import_kind").options == [
        "Ateliers", "Articles", "Budget", "Ventes", "Commandes clients", "Stocks", "Ordres de fabrication (OF)"]
    app.selectbox(key="contract_kind").select("budget").run()
    assert list(app.dataframe[-1].value["column"]) == ["family", "sku", "month", "quantity", "revenue"]
    app.selectbox(key="import_kind").select("budget").run()
    app.file_uploader(key="import_file_0").set_value((
        "budget.csv", "Famille;Mois;Quantité budget;CA budget\r\nBouchage;31/03/2028;12 000;8 400,5\r\n"
        .encode("cp1252"), "text/csv")).run()
    app.button(key="import_go").click().run()
    assert not app.exception and app.success, [e.value for e in app.error]
    with Store(demo_db) as store:
        assert store.row("SELECT family, sku, month, quantity, revenue FROM budget WHERE month = DATE '2028-03-01'") \
            == ("Bouchage", None, dt.date(2028, 3, 1), 12000.0, 8400.5)


def test_one_temporary_copy_per_upload_gone_once_imported(open_page: OpenPage) -> None:
    def copies() -> set[Path]:
        return set(Path(tempfile.gettempdir()).glob("sop_upload_*"))

    before = copies()
    app = open_page("pages/1_Data.py", "en")
    app.selectbox(key="import_kind").select("stock").run()
    app.file_uploader(key="import_file_0").set_value(
        ("stock.csv", b"date;sku;on_hand\n30/11/2026;INJ-1001;5\n", "text/csv")).run()
    for _ in range(3):  # reruns (a click elsewhere, a language change...) reuse the one copy
        app.run()
    made = copies() - before
    assert len(made) == 1 and [p.name for p in next(iter(made)).iterdir()] == ["stock.csv"]
    app.button(key="import_go").click().run()
    assert not app.exception and app.success
    assert not copies() - before  # imported: its copy is gone
    app.run()
    assert app.file_uploader(key="import_file_1").value is None  # and the page offers a new upload


def test_data_page_says_what_is_wrong_in_french(open_page: OpenPage) -> None:
    """A refused file, a bad mapping and the history, on the French page: French sentences only."""
    from tests.app.shown_text import foreign_texts, visible

    app = open_page("pages/1_Data.py", "fr")
    app.selectbox(key="import_kind").select("stock").run()
    app.file_uploader(key="import_file_0").set_value(
        ("stock.csv", b"date;sku;on_hand\n31/01/2026;A1;-1\n", "text/csv")).run()
    assert "Lu comme CSV, utf-8 ; premières lignes :" in [c.value for c in app.caption]
    app.button(key="import_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert visible(app.error[0].value) == ("stock.csv (Stocks, CSV, utf-8, point décimal) : 1 ligne lue, 1 rejetée, "
                                  "2 erreurs, 0 avertissement : refusé, rien n'a été écrit")
    findings = app.table[0].value
    assert findings.index.tolist() == ["erreur", "erreur"]
    assert findings[["Problème", "Correction"]].values.tolist() == [
        ["valeur négative pour on_hand", "indiquez une valeur d'au moins 0"],
        ["valeur de sku absente du fichier Articles", "importez d'abord le fichier Articles, ou ajoutez-y ces valeurs"]]
    history = app.dataframe[1].value  # the history tab: the refusal just recorded, in French
    assert history["message"].iloc[0] == visible(app.error[0].value)
    assert not foreign_texts(app, "fr")
    app.file_uploader(key="map_file").set_value(("m.yaml", b"decimal: ';'\n", "application/yaml")).run()
    assert visible(app.error[0].value) == 'Correspondance : decimal : indiquez "," ou "."'


@pytest.mark.slow
def test_forecast_page_runs_a_forecast_and_shows_the_model(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/2_Forecast.py", "en")
    assert "No forecast has been computed yet." in [i.value for i in app.info]
    app.button(key="run_forecast").click().run()
    assert not app.exception
    app.radio(key="fc_level").set_value("sku").run()
    story = [m.value for m in app.markdown if m.value.startswith("**Model:")]
    assert story and ("backtest" in story[0] or "history" in story[0])
    app.selectbox(key="fc_force").select("naive")
    app.button(key="fc_force_submit").click().run()
    assert not app.exception
    with Store(demo_db) as store:
        assert store.scalar("SELECT count(DISTINCT sku) FROM forecast_values") == store.row_counts()["products"]
        assert store.query("SELECT level, model FROM forced_models").values.tolist() == [["sku", "naive"]]


def test_accuracy_page_shows_the_frozen_cycles(open_page: OpenPage) -> None:
    app = open_page("pages/3_Forecast_accuracy.py", "en")
    labels = [m.label for m in app.metric]
    assert "Accuracy (1 − WAPE)" in labels and "Value added by the statistics" in labels
    accuracy = next(m.value for m in app.metric if m.label == "Accuracy (1 − WAPE)")
    assert accuracy.endswith("%") and 0 < float(accuracy.rstrip("%")) < 100


def _metric(app: AppTest, label: str) -> str:
    return str(next(m.value for m in app.metric if m.label == label))


def test_service_page_figures_follow_the_filters_and_the_target(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/4_Service_rate.py", "en")
    with Store(demo_db) as store:
        families = filter_choices(store)["families"]
        year = KpiFilters(start=dt.date(2025, 11, 1), end=store.as_of() - dt.timedelta(days=1))
        expected = service_summary(store, store.as_of(), year)
        one_family = service_summary(store, store.as_of(), replace(year, families=(families[0],)))
    assert _metric(app, "OTIF (lines)") == f"{expected['otif']:.1%}"  # default period: the last 12 months
    app.multiselect(key="filter_families").select(families[0]).run()
    assert _metric(app, "OTIF (lines)") == f"{one_family['otif']:.1%}"
    app.selectbox(key="service_dimension").select("sku").run()
    assert not app.exception and app.subheader[0].value == "By sku"
    app.selectbox(key="service_dimension").select("month").run()
    assert not app.exception and len(app.dataframe[0].value) == 12  # the default period: 12 months
    app.number_input(key="service_target").set_value(80.0)
    app.button(key="FormSubmitter:service_target-Save the target").click().run()
    assert not app.exception
    with Store(demo_db) as store:
        assert store.get_setting("service.target") == "0.8"
    # The family chosen here still filters the next page.
    app.switch_page("pages/5_Stock_rotation.py").run()
    app.switch_page("pages/4_Service_rate.py").run()
    assert app.multiselect(key="filter_families").value == [families[0]]
    assert _metric(app, "OTIF (lines)") == f"{one_family['otif']:.1%}"


def test_stock_page_figures_policy_and_status_filter(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/5_Stock_rotation.py", "en")
    with Store(demo_db) as store:
        skus = sku_stock(store, store.as_of())
    assert _metric(app, "Stock value (at cost)") == format_money(skus["value"].sum(), "en")
    shown = app.dataframe[0].value
    assert set(shown["status"]) <= {"dead", "slow", "overstock", "understock"} and len(shown) < len(skus)
    app.multiselect(key="stock_status").set_value(["ok"]).run()
    assert set(app.dataframe[0].value["status"]) == {"ok"}
    app.number_input(key="stock_cover").set_value(60.0)
    app.number_input(key="stock_order_cost").set_value(80.0)
    app.number_input(key="stock_holding").set_value(20.0)
    assert app.radio(key="stock_safety_from").value == "demand"  # the default
    app.radio(key="stock_safety_from").set_value("forecast")
    app.button(key="FormSubmitter:stock_policy-Save the policy").click().run()
    assert not app.exception
    with Store(demo_db) as store:
        saved = load_preferences(store, StockSettings, "stock")
    assert (saved.target_cover_days, saved.order_cost, saved.holding_rate) == (60.0, 80.0, 0.2)
    assert saved.safety_stock_from == "forecast"
    assert app.dataframe[0].value["eoq"].notna().any()  # Wilson's EOQ appears once both costs are known


def test_production_page_tiles_filters_and_plan(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/6_Production_delays.py", "en")
    with Store(demo_db) as store:
        report = production_report(store, store.as_of())
    tiles = {m.label: m.value for m in app.metric}
    for shop in report.summary.itertuples():
        assert tiles[shop.workshop] == f"{shop.red} ✖ red"  # a symbol and a word, never a colour alone
    table = app.dataframe[0].value
    assert len(table) == int(report.orders["status"].isin(["red", "orange"]).sum())
    app.multiselect(key="delay_status").set_value(["green"]).run()
    assert set(app.dataframe[0].value["status"]) == {"✔ green"}
    app.selectbox(key="delay_workshop").select("INJECTION").run()
    assert not app.exception
    assert any("No forecast yet" in w.value for w in app.warning)  # the demo fixture has no forecast run


def _comparison(app: AppTest) -> pd.DataFrame:
    """The side-by-side table of the What-if page (its rows are the compared figures)."""
    return next(d.value for d in app.table if "Total cost (€)" in d.value.index)


@pytest.mark.slow
def test_what_if_page_adds_the_example_and_the_cheapest_mix(open_page: OpenPage) -> None:
    app = open_page("pages/7_What_if.py", "en")
    assert list(_comparison(app).columns) == ["Baseline"]
    app.button(key="whatif_example").click().run()
    assert not app.exception and not app.error
    table = _comparison(app)
    example = "Novembre : heures sup injection + intérim assemblage"
    assert list(table.columns) == ["Baseline", example]
    late = "Late days (working days)"
    assert table.loc["Total cost (€)", example] > 0 and table.loc[late, example] < table.loc[late, "Baseline"]
    app.button(key="FormSubmitter:whatif_mix-Find the cheapest mix").click().run(timeout=180)
    assert not app.exception and "Cheapest mix" in _comparison(app).columns
    app.button(key=f"whatif_remove_{example}").click().run()
    assert list(_comparison(app).columns) == ["Baseline", "Cheapest mix"]


@pytest.mark.slow
def test_what_if_page_saves_loads_and_decides(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/7_What_if.py", "en")
    app.button(key="whatif_example").click().run()
    example = "Novembre : heures sup injection + intérim assemblage"
    app.button(key=f"whatif_save_{example}").click().run()
    assert any("author" in e.value for e in app.error)  # nothing saved without a name
    app.text_input(key="whatif_author").input("Claire").run()
    app.button(key=f"whatif_save_{example}").click().run()
    app.button(key="whatif_decide").click().run()
    with Store(demo_db) as store:
        saved = store.query("SELECT name, author, decision_cycle FROM scenarios").values.tolist()
    assert saved == [[example, "Claire", "2026-11"]]
    app.button(key=f"whatif_remove_{example}").click().run()
    app.button(key="whatif_load").click().run()
    assert example in _comparison(app).columns


@pytest.mark.slow
def test_two_planners_saving_one_name_are_asked_never_overwritten(open_page: OpenPage, demo_db: Path) -> None:
    example = "Novembre : heures sup injection + intérim assemblage"
    claire, marc = open_page("pages/7_What_if.py", "en"), open_page("pages/7_What_if.py", "en")
    for app, name in ((claire, "Claire"), (marc, "Marc")):
        app.button(key="whatif_example").click().run()
        app.text_input(key="whatif_author").input(name).run()
    claire.button(key=f"whatif_save_{example}").click().run()
    marc.button(key=f"whatif_save_{example}").click().run()
    assert any(f"'{example}' was already saved by Claire" in e.value for e in marc.error)
    assert not any(s.value == "Saved." for s in marc.success)
    marc.checkbox(key="whatif_replace").check().run()
    marc.button(key=f"whatif_save_{example}").click().run()
    with Store(demo_db) as store:
        assert store.query("SELECT name, author FROM scenarios").values.tolist() == [[example, "Marc"]]


def test_what_if_tuning_a_lever_live_recomputes_the_figures(open_page: OpenPage) -> None:
    """Setting the example's overtime to 0 h lowers its cost; the rows of the customer lines at risk and the
    months ahead are shown for the chosen scenario."""
    app = open_page("pages/7_What_if.py", "en")
    app.button(key="whatif_example").click().run()
    example = "Novembre : heures sup injection + intérim assemblage"
    cost = next(m for m in app.metric if m.label == "Total cost")
    full = float(cost.value.replace("€", "").replace(",", "").strip())
    assert full == pytest.approx(_comparison(app).loc["Total cost (€)", example], abs=1)
    app.slider(key=f"whatif_tune_{example}_0").set_value(0.0).run()
    assert not app.exception
    lower = float(next(m for m in app.metric if m.label == "Total cost").value.replace("€", "").replace(",", ""))
    assert lower < full
    assert "Customer lines at risk" in _comparison(app).index
    assert any({"month", "capacity_hours", "overload_hours"} <= set(d.value.columns) for d in app.dataframe)


def test_copies_of_abandoned_uploads_are_swept(tmp_path: Path) -> None:
    """An upload left without an import (the tab closed) loses its copy after ABANDONED_HOURS."""
    import os
    import shutil
    import time

    from sop_ui.widgets import ABANDONED_HOURS, sweep_abandoned_copies

    now = time.time()
    old = Path(tempfile.mkdtemp(prefix="sop_upload_"))
    fresh = Path(tempfile.mkdtemp(prefix="sop_upload_"))
    (old / "stock.csv").write_text("x")
    os.utime(old, (now - ABANDONED_HOURS * 3600 - 60,) * 2)
    try:
        sweep_abandoned_copies(now)
        assert not old.exists() and fresh.is_dir()
    finally:
        for folder in (old, fresh):
            shutil.rmtree(folder, ignore_errors=True)
