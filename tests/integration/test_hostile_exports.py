"""Every file the product writes keeps hostile data inert: SKUs named like spreadsheet formulas come
out of the CLI's forecast export (CSV and XLSX), the page downloads and the pack as text, never as a
formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from sop_core.cli.main import EXIT_OK, main
from sop_core.common.exports import csv_bytes, xlsx_bytes
from sop_core.common.periods import Cycle
from sop_core.data.store import Store
from sop_core.forecast.consensus import final_forecast
from sop_core.forecast.runs import ForecastSettings, run_forecast
from sop_core.meeting import build_pack, pack_xlsx

HOSTILE = ['=HYPERLINK("http://127.0.0.1:9/x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def _formulas(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


@pytest.fixture
def hostile(demo_db: Path) -> Path:
    """The demo with four products whose SKUs are formulas, each with a year of sales, forecast."""
    with Store(demo_db) as store, store.transaction() as cur:
        for sku in HOSTILE:
            cur.execute("INSERT INTO products (sku, name, family, unit_cost, unit_price) VALUES (?, ?, 'F', 1, 2)",
                        [sku, sku])
            cur.executemany("INSERT INTO sales (sku, customer, date, quantity) VALUES (?, ?, ?, 10)",
                            [[sku, sku, f"2026-{month:02d}-15"] for month in range(1, 11)])
    with Store(demo_db) as store:
        run_forecast(store, ForecastSettings(horizon=2, jobs=1, model="naive"), store.as_of())
    return demo_db


def test_the_cli_forecast_export_is_inert_in_csv_and_xlsx(hostile: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"forecasts.{fmt}"
        assert main(["export", "forecasts", "--format", fmt, "--output", str(out), "--db", str(hostile)]) == EXIT_OK
        if fmt == "csv":
            skus = [row["sku"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))]
        else:
            assert _formulas(out.read_bytes()) == []
            sheet = openpyxl.load_workbook(out).active
            skus = [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert {"'" + sku for sku in HOSTILE} <= set(skus), fmt
        assert not any(sku.startswith(("=", "+", "@", "-")) for sku in skus), fmt


def test_page_downloads_and_the_pack_are_inert(hostile: Path) -> None:
    with Store(hostile) as store:
        rows = final_forecast(store, int(store.scalar("SELECT max(run_id) FROM forecast_runs")))
        pack = build_pack(store, Cycle.of(store.as_of()), "en")
    shown = [row["sku"] for row in csv.DictReader(io.StringIO(csv_bytes(rows).decode("utf-8-sig")), delimiter=";")]
    assert {"'" + sku for sku in HOSTILE} <= set(shown)
    assert not any(sku.startswith(("=", "+", "@", "-")) for sku in shown)
    assert _formulas(xlsx_bytes(rows)) == [] and _formulas(pack_xlsx(pack)) == []
