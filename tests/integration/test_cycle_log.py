"""Cycles month after month: the as-of follows the data (never months of invented zero demand),
each kind says how fresh it is, cycles open in order and a closed cycle keeps what it showed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from sop_core.cli.main import EXIT_OK, EXIT_USAGE, main
from sop_core.common.messages import MessageError
from sop_core.common.periods import Cycle
from sop_core.data import get_kind, issued_pack_files
from sop_core.data.cycles import cycle_record, cycle_steps, data_freshness, latest_cycle, open_cycle
from sop_core.data.store import Store
from sop_core.forecast.demand import demand_history
from sop_core.forecast.runs import ForecastSettings, run_forecast
from sop_core.forecast.snapshots import accuracy_frame
from sop_core.imports.ingest import FileToImport, import_files
from sop_core.imports.mapping import load_mapping
from sop_core.meeting import build_pack, cycle_status, pack_files
from sop_core.meeting.cycle import close_cycle, closed_cycle, freeze_step, next_cycle_offer, open_next_cycle
from sop_core.meeting.executive import cycle_tiles, historical_values, month_before, tile_text
from sop_core.meeting.figures import history_figures
from tests.conftest import PROJECT_ROOT, WriteFile

TODAY = dt.date(2026, 12, 5)


def _sales(store: Store, rows: list[tuple[str, str, float]]) -> None:
    """Products P1 and P2, and sales (sku, ISO day, quantity), named column by column."""
    with store.transaction() as cur:
        cur.execute("INSERT INTO products (sku, name, family, unit_cost, unit_price) VALUES "
                    "('P1', 'Bac', 'F1', 1.0, 2.0), ('P2', 'Couvercle', 'F1', 1.0, 2.0)")
        for sku, day, quantity in rows:
            cur.execute("INSERT INTO sales (sku, customer, date, quantity) VALUES (?, 'C1', ?, ?)",
                        [sku, dt.date.fromisoformat(day), quantity])


def test_the_as_of_follows_the_data_when_it_ends_before_today(store: Store) -> None:
    assert store.as_of_source(TODAY) == (TODAY, "today")  # no data at all
    _sales(store, [("P1", "2025-11-20", 5), ("P1", "2025-12-31", 7)])  # an export 11 months behind
    assert store.as_of_source(TODAY) == (dt.date(2026, 1, 1), "data")
    assert store.as_of_source(dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), "today")  # data up to yesterday


def test_a_partial_current_month_is_not_history(store: Store) -> None:
    _sales(store, [("P1", "2026-10-10", 4), ("P1", "2026-11-15", 9)])
    assert store.as_of_source(TODAY)[0] == dt.date(2026, 11, 16)
    history = demand_history(store, "month", store.as_of(TODAY))
    p1 = history[history["sku"] == "P1"]
    assert [d.isoformat()[:7] for d in p1["period"]] == ["2026-10"]  # November is running: not counted


def test_no_zeros_are_invented_after_the_end_of_the_data(store: Store) -> None:
    """Asked for a history as of today, a series that stops in December 2025 stops there; its
    empty months inside the data stay real zeros."""
    _sales(store, [("P1", "2025-09-10", 5), ("P1", "2025-12-31", 7), ("P2", "2025-11-03", 2)])
    history = demand_history(store, "month", TODAY)
    p1 = history[history["sku"] == "P1"]
    assert [(d.isoformat()[:7], q) for d, q in zip(p1["period"], p1["quantity"], strict=True)] == [
        ("2025-09", 5), ("2025-10", 0), ("2025-11", 0), ("2025-12", 7)]
    assert history[history["sku"] == "P2"]["period"].max().isoformat()[:7] == "2025-12"


def test_each_kind_says_how_fresh_it_is(store: Store) -> None:
    _sales(store, [("P1", "2026-10-31", 3)])
    with store.transaction() as cur:
        cur.execute("INSERT INTO stock (sku, date, on_hand) VALUES ('P1', DATE '2026-09-30', 10)")
    fresh = data_freshness(store, dt.date(2026, 11, 2)).set_index("kind")
    assert fresh.loc["sales", "last"] == dt.date(2026, 10, 31) and fresh.loc["sales", "months_behind"] == 0
    assert fresh.loc["stock", "last"] == dt.date(2026, 9, 30) and fresh.loc["stock", "months_behind"] == 1
    assert not fresh.loc["sales", "stale"] and fresh.loc["stock", "stale"]
    assert fresh.loc["orders", "rows"] == 0 and not fresh.loc["orders", "stale"]


def test_cycles_open_in_order_and_fix_the_as_of(store: Store) -> None:
    _sales(store, [("P1", "2026-10-31", 3)])
    open_cycle(store, Cycle(2026, 11), dt.date(2026, 11, 2), "Claire")
    assert store.as_of_source(TODAY) == (dt.date(2026, 11, 2), "cycle")
    for cycle, day, key in [(Cycle(2026, 11), dt.date(2026, 11, 3), "cycle.error.not_after"),
                            (Cycle(2026, 10), dt.date(2026, 10, 3), "cycle.error.not_after"),
                            (Cycle(2026, 12), dt.date(2026, 11, 30), "cycle.error.as_of_outside")]:
        with pytest.raises(MessageError) as refused:
            open_cycle(store, cycle, day, "Claire")
        assert refused.value.message.key == key
    open_cycle(store, Cycle(2026, 12), dt.date(2026, 12, 1), "Marc")
    record = latest_cycle(store)
    assert record is not None and (record.cycle, record.as_of, record.status, record.opened_by) == (
        Cycle(2026, 12), dt.date(2026, 12, 1), "open", "Marc")


def test_a_closed_cycle_keeps_what_it_showed(demo_db: Path) -> None:
    with Store(demo_db) as store:
        november = Cycle(2026, 11)
        open_cycle(store, november, store.as_of(), "Claire")
        shown = close_cycle(store, november, "Claire")
        record = cycle_record(store, november)
        assert record is not None and record.status == "closed" and record.closed_by == "Claire"
        assert cycle_status(store, november)["follow_up"] is None  # closing issues no pack
        with store.transaction() as cur:  # later data changes what a recomputation would say...
            cur.execute("DELETE FROM orders")
        kept = closed_cycle(store, november)
        assert kept is not None  # ...not what the closed cycle showed
        for lang in ("fr", "en"):
            assert [tile_text(t, lang) for t in kept.tiles] == [tile_text(t, lang) for t in shown.tiles]
        assert len(kept.tiles) == 7 and len(kept.agenda) == len(shown.agenda) >= 5
        assert list(kept.agenda["subject"]) == list(shown.agenda["subject"])
        with pytest.raises(MessageError, match="already closed"):
            close_cycle(store, november, "Claire")


@pytest.mark.slow
def test_freezing_from_the_cycle_records_the_demand_review(demo_db: Path) -> None:
    with Store(demo_db) as store:
        november = Cycle(2026, 11)
        open_cycle(store, november, store.as_of(), "Claire")
        run_forecast(store, ForecastSettings(horizon=2, jobs=1), store.as_of())
        assert freeze_step(store, november, "Claire") == 150 * 2
        steps = cycle_steps(store, november).set_index("step")
        assert steps.loc["demand_review", "done_by"] == "Claire" and steps.loc["follow_up", "done_by"] is None


def test_the_cycle_commands(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_db)
    assert main(["cycle", "status", "--db", db, "--json"]) == EXIT_OK
    status = json.loads(capsys.readouterr().out)
    assert (status["cycle"], status["status"], status["as_of"], status["as_of_source"]) == (
        "2026-11", "not_opened", "2026-11-02", "demo")
    assert [step["step"] for step in status["steps"]] == ["data_collected", "demand_review", "supply_review",
                                                         "pre_sop", "executive_meeting", "follow_up"]
    assert main(["cycle", "open", "2026-11", "--db", db, "--user", "Claire"]) == EXIT_OK
    assert "Cycle 2026-11 ouvert, données au 02/11/2026." in capsys.readouterr().out
    assert main(["cycle", "open", "2026-13", "--db", db]) == EXIT_USAGE
    assert main(["cycle", "open", "2026-10", "--db", db, "--lang", "en"]) == EXIT_USAGE
    assert "is not after the last cycle opened (2026-11)" in capsys.readouterr().err
    assert main(["cycle", "close", "2026-11", "--db", db, "--user", "Claire", "--lang", "en"]) == EXIT_OK
    assert "Cycle 2026-11 closed: 7 KPIs" in capsys.readouterr().out
    assert main(["cycle", "status", "--db", db, "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["status"] == "closed"


def test_the_stock_at_risk_change_compares_the_same_definition(demo_db: Path) -> None:
    """A figure recorded at the last cycle under another definition or policy says nothing about
    the change: stock at risk is compared with itself a month earlier, today's way; the other
    tiles keep the figure the last meeting saw."""
    with Store(demo_db) as store:
        as_of = store.as_of()
        with store.transaction() as cur:
            cur.execute("INSERT INTO cycle_kpis (cycle, code, value, status, recorded_at) VALUES "
                        "('2026-10', 'stock_at_risk', 1.0, 'green', now()::TIMESTAMP), "
                        "('2026-10', 'service_otif', 0.5, 'red', now()::TIMESTAMP)")
        tiles = {tile.code: tile for tile in cycle_tiles(store, as_of)}
        month_earlier = historical_values(history_figures(store, month_before(as_of)))
    assert (tiles["service_otif"].previous, tiles["service_otif"].previous_source) == (0.5, "recorded")
    assert tiles["stock_at_risk"].previous_source == "recomputed"
    assert tiles["stock_at_risk"].previous == pytest.approx(month_earlier["stock_at_risk"])
    assert tiles["stock_at_risk"].value == pytest.approx(sum(tiles["stock_at_risk"].detail[part] or 0
                                                             for part in ("dead", "slow", "excess")))


ERP_ORDERS = "N° Cde;Ligne;Client;Code article;Qté cdée;Date cde;Date livr. prévue;Date livr. réelle;Qté livrée\n"


def _november_export(skus: list[str], write_file: WriteFile) -> tuple[Path, Path]:
    """November's orders and sales written as a French ERP exports them: cp1252, `;`, decimal
    comma, dd/mm/yyyy, abbreviated French headers (the orders through `erp_fr_orders.yaml`)."""
    orders = "".join(f"CDE-NOV-{n};1;Électro-Distribution Centre;{sku};{100 + day},5;{day:02d}/11/2026;"
                     f"{day + 1:02d}/11/2026;{day + 2:02d}/11/2026;{100 + day},5\n"
                     for n, (day, sku) in enumerate((day, sku) for day in (3, 16, 27) for sku in skus))
    sales = "".join(f"{day:02d}/11/2026;{sku};{100 + day},5;Électro-Distribution Centre\n"
                    for day in (3, 16, 30) for sku in skus)
    return (write_file("carnet_commandes_novembre.csv", ERP_ORDERS + orders, encoding="cp1252"),
            write_file("ventes_novembre.csv", "Date facture;Code article;Qté;Client\n" + sales, encoding="cp1252"))


@pytest.mark.slow
def test_a_new_month_from_a_french_erp_export_opens_the_next_cycle(demo_db: Path, write_file: WriteFile) -> None:
    """Cycle 2026-11 issues its pack; November's exports arrive and run past it: cycle 2026-12 is
    offered as of 01/12, opened, forecast and frozen; closing November then keeps what its meeting
    saw (tiles and the pack's very files), and November becomes a month the accuracy measures."""
    with Store(demo_db) as store:
        november = Cycle(2026, 11)
        open_cycle(store, november, store.as_of(), "Claire")
        issued = pack_files(store, build_pack(store, november, "fr"))
        seen = [tile_text(t, "fr") for t in cycle_tiles(store, store.as_of())]
        skus = store.query("SELECT sku FROM products ORDER BY sku LIMIT 3")["sku"].tolist()
        orders, sales = _november_export(skus, write_file)
        mapping = load_mapping(PROJECT_ROOT / "data" / "mappings" / "erp_fr_orders.yaml", get_kind("orders"))
        outcome = import_files(store, [FileToImport("orders", orders, mapping), FileToImport("sales", sales)])
        assert outcome.ok, [r.lines() for r in outcome.reports]
        assert [(r.rows_read, r.rows_rejected) for r in outcome.reports] == [(9, 0), (9, 0)]
        assert next_cycle_offer(store) == (Cycle(2026, 12), dt.date(2026, 12, 1))
        assert open_next_cycle(store, "Marc") == Cycle(2026, 12)
        assert store.as_of_source() == (dt.date(2026, 12, 1), "cycle") and next_cycle_offer(store) is None
        history = demand_history(store, "month", store.as_of())
        assert history["period"].max().isoformat()[:7] == "2026-11"  # November is history now
        run_forecast(store, ForecastSettings(horizon=2, jobs=1), store.as_of())
        assert freeze_step(store, Cycle(2026, 12), "Marc") == 150 * 2
        close_cycle(store, november, "Claire")
        measured = accuracy_frame(store, "month", store.as_of())
        november_lag1 = measured[(measured["period"] == pd.Timestamp("2026-11-01")) & (measured["lag"] == 1)]
        assert set(november_lag1["cycle"]) == {"2026-10"} and len(november_lag1) == 150
        kept = closed_cycle(store, november)
        assert kept is not None and [tile_text(t, "fr") for t in kept.tiles] == seen
        files = issued_pack_files(store, november).set_index("format")["content"]
        assert dict(files) == issued
