"""The home page runs the cycle: open it, freeze, mark the reviews, close it (kept as it was), and
open the next cycle once the data runs past the current one; each step says who did it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sop_core.common.periods import Cycle
from sop_core.data.cycles import cycle_record, cycle_steps, open_cycle
from sop_core.data.store import Store
from sop_core.forecast.runs import ForecastSettings, run_forecast
from sop_core.forecast.snapshots import accuracy_report
from sop_core.meeting import build_pack, pack_files, record_decision
from sop_core.meeting.cycle import close_cycle, closed_cycle
from sop_core.meeting.executive import tile_text
from tests.app.conftest import OpenPage


def _steps(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(m.value for m in app.markdown)


@pytest.mark.slow
def test_open_freeze_mark_and_close_the_cycle_from_home(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("app.py", "en")
    assert app.button(key="cycle_open").disabled  # nobody named yet
    app.text_input(key="cycle_user").input("Claire Martin").run()
    app.button(key="cycle_open").click().run()
    assert not app.exception and "Cycle 2026-11 opened." in [s.value for s in app.success]
    app.button(key="cycle_freeze").click().run()  # the demo database of the tests has no run yet
    assert [e.value for e in app.error] == [
        "There is no month forecast run to freeze: run `forecast` first (or the Forecast page)."]
    for step in ("supply_review", "pre_sop", "executive_meeting"):
        app.button(key=f"cycle_mark_{step}").click().run()
    assert "**Supply review: capacity and what-if** — done on" in _steps(app) and "by Claire Martin" in _steps(app)
    app.checkbox(key="cycle_close_confirm").check().run()
    app.button(key="cycle_close").click().run()
    assert not app.exception and "Cycle closed: 7 KPIs kept." in [s.value for s in app.success]
    with Store(demo_db) as store:
        november = Cycle(2026, 11)
        record = cycle_record(store, november)
        assert record is not None and (record.status, record.closed_by) == ("closed", "Claire Martin")
        done = cycle_steps(store, november).set_index("step")["done_by"]
        assert list(done[done.notna()].index) == ["data_collected", "supply_review", "pre_sop", "executive_meeting"]
        assert set(done.dropna()) == {"Claire Martin"}
        assert closed_cycle(store, november) is not None
    assert "Closed cycle: what it showed is kept as it was." in [c.value for c in app.caption]
    assert all(b.key != "cycle_freeze" for b in app.button)  # read only now


def test_new_data_past_the_cycle_offers_the_next_one(open_page: OpenPage, demo_db: Path) -> None:
    with Store(demo_db) as store, store.transaction() as cur:
        cur.execute("INSERT INTO sales (sku, customer, date, quantity) SELECT sku, customer, DATE '2026-11-30', 1 "
                    "FROM sales LIMIT 1")
    app = open_page("app.py", "fr")
    assert "Les données importées vont au-delà du cycle en cours : le cycle 2026-12 peut être ouvert " \
           "(données au 01/12/2026)." in [i.value for i in app.info]
    app.text_input(key="cycle_user").input("Marc").run()
    app.button(key="cycle_open_next").click().run()
    assert not app.exception
    with Store(demo_db) as store:
        assert store.as_of_source() == (dt.date(2026, 12, 1), "cycle")
    assert "données au 01/12/2026" in " ".join(c.value for c in app.caption)  # home follows the new as-of


def test_the_data_page_says_how_fresh_each_kind_is_and_offers_the_next_cycle(open_page: OpenPage,
                                                                               demo_db: Path) -> None:
    with Store(demo_db) as store, store.transaction() as cur:
        cur.execute("DELETE FROM stock WHERE date > DATE '2026-09-30'")  # the last snapshot: 30/09
        cur.execute("INSERT INTO sales (sku, customer, date, quantity) SELECT sku, customer, DATE '2026-11-30', 1 "
                    "FROM sales LIMIT 1")
    app = open_page("pages/1_Data.py", "fr")
    stale = [w.value for w in app.warning if "date d'arrêté" in w.value]
    assert stale == ["Stocks : les données s'arrêtent au 30/09/2026, 1 mois avant la date d'arrêté. "
                     "Importez un fichier plus récent."]
    assert "Les données importées vont au-delà du cycle en cours : le cycle 2026-12 peut être ouvert " \
           "(données au 01/12/2026)." in [i.value for i in app.info]
    app.text_input(key="cycle_user").input("Marc").run()
    app.button(key="cycle_open_next").click().run()
    assert not app.exception and "Cycle 2026-12 ouvert." in [s.value for s in app.success]


def test_a_closed_cycle_reads_back_as_its_meeting_saw_it(open_page: OpenPage, demo_db: Path) -> None:
    with Store(demo_db) as store:
        november = Cycle(2026, 11)
        open_cycle(store, november, store.as_of(), "Claire")
        shown = close_cycle(store, november, "Claire")
        with store.transaction() as cur:  # data changed since: a recomputation would say otherwise
            cur.execute("DELETE FROM orders")
    app = open_page("app.py", "en")
    assert "Cycle 2026-11 is closed (data as of 02 Nov 2026): shown as its meeting saw it, read only." in [
        i.value for i in app.info]
    values = {m.label: m.value for m in app.metric}
    for tile in shown.tiles:
        text = tile_text(tile, "en")
        assert values[text.label] == text.value
    assert all(b.key != "pack_build" for b in app.button)  # a closed cycle is read, not reissued


@pytest.mark.slow
def test_the_sidebar_looks_back_at_a_closed_cycle_on_every_page_that_keeps_it(open_page: OpenPage,
                                                                               demo_db: Path) -> None:
    """November issued its pack, took a decision and closed; December is open. Chosen in the
    sidebar, November reads back on home (its tiles and the pack files handed out), on the accuracy
    page (measured as of its day) and on the decisions page (read only), from page to page."""
    november = Cycle(2026, 11)
    with Store(demo_db) as store:
        open_cycle(store, november, store.as_of(), "Claire")
        issued = pack_files(store, build_pack(store, november, "en"))
        record_decision(store, november, "Overtime in INJECTION", "Marc")
        shown = close_cycle(store, november, "Claire")
        open_cycle(store, Cycle(2026, 12), dt.date(2026, 12, 1), "Claire")
        accuracy = accuracy_report(store, "month", dt.date(2026, 11, 2))["overall"].iloc[0]["accuracy"]
    home = open_page("app.py", "en")
    assert home.sidebar.selectbox(key="shown_cycle").value == "2026-12" and not home.info
    home.sidebar.selectbox(key="shown_cycle").set_value("2026-11").run()
    assert not home.exception, [e.value for e in home.exception]
    assert "Cycle 2026-11 is closed (data as of 02 Nov 2026): shown as its meeting saw it, read only." in [
        i.value for i in home.info]
    values = {m.label: m.value for m in home.metric}
    assert all(values[tile_text(tile, "en").label] == tile_text(tile, "en").value for tile in shown.tiles)
    downloads = {d.label: d for d in home.download_button}
    assert set(downloads) == {"⬇ PDF · EN", "⬇ Excel · EN"} and len(issued["pdf"]) > 10_000
    home.switch_page("pages/3_Forecast_accuracy.py").run()
    assert not home.exception and any("Cycle 2026-11 is closed" in i.value for i in home.info)
    assert next(m.value for m in home.metric if m.label == "Accuracy (1 − WAPE)") == f"{accuracy:.1%}"
    home.switch_page("pages/8_Decisions.py").run()
    assert not home.exception and home.dataframe[0].value["what"].tolist() == ["Overtime in INJECTION"]
    assert all(b.key != "dec_save" for b in home.button)  # read only: nothing recorded into a closed cycle


@pytest.mark.slow
def test_the_forecast_page_freezes_the_cycle_where_the_forecast_is_reviewed(open_page: OpenPage,
                                                                            demo_db: Path) -> None:
    november = Cycle(2026, 11)
    with Store(demo_db) as store:
        run_forecast(store, ForecastSettings(horizon=2, jobs=1), store.as_of())
    page = open_page("pages/2_Forecast.py", "en")
    assert "Cycle 2026-11 is not open: open it from the home page to record this step." in [
        c.value for c in page.caption]
    with Store(demo_db) as store:
        open_cycle(store, november, store.as_of(), "Claire")
    page.run()
    assert page.button(key="cycle_freeze").disabled  # a step is recorded with who did it
    page.text_input(key="cycle_user").input("Claire").run()
    page.button(key="cycle_freeze").click().run()
    assert not page.exception and "Forecast frozen (300 rows)." in [s.value for s in page.success]
    assert "**Demand review: forecast frozen** — done on" in _steps(page)
    with Store(demo_db) as store:
        assert store.scalar("SELECT count(*) FROM forecast_snapshots WHERE cycle = '2026-11'") == 300
        assert cycle_steps(store, november).set_index("step").loc["demand_review", "done_by"] == "Claire"
