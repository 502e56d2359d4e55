"""The demo company loads through the normal importers, completely, with its fixed as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sop_core.data.store import Store
from sop_core.demo.load import DEMO_DIR, demo_manifest, load_demo, needs_first_load
from sop_core.imports.importers import validate_file


def _csv_rows(name: str, encoding: str = "utf-8-sig") -> int:
    return len(pd.read_csv(DEMO_DIR / name, sep=";", encoding=encoding))


def test_demo_loads_every_row_with_its_as_of_date(tmp_path: Path) -> None:
    with Store(tmp_path / "d.duckdb") as store:
        assert needs_first_load(store)
        outcome = load_demo(store)
        assert outcome.ok and all(not r.findings for r in outcome.reports)
        counts = store.row_counts()
        files = demo_manifest()["files"]
        assert isinstance(files, dict)
        for kind, name in files.items():
            encoding = "cp1252" if kind == "products" else "utf-8-sig"
            assert counts[kind] == _csv_rows(name, encoding), kind
        assert store.as_of() == dt.date(2026, 11, 2) and not needs_first_load(store)
        version = store.data_version()
        assert load_demo(store).ok  # a reset to demo replaces, never adds
        assert store.row_counts() == counts and store.data_version() > version


def test_french_xlsx_matches_the_csv(tmp_path: Path) -> None:
    today = dt.date(2026, 11, 2)
    known = {"workshops": ["INJECTION", "ASSEMBLAGE", "CONDITIONNEMENT", "DECOR", "CONTROLE"]}
    from_xlsx = validate_file(DEMO_DIR / "products.xlsx", "products", known_keys=known, today=today)
    from_csv = validate_file(DEMO_DIR / "products.csv", "products", known_keys=known, today=today)
    assert from_xlsx.report.ok and from_xlsx.report.read_as is not None and from_csv.report.read_as is not None
    assert from_xlsx.report.read_as.render("en").startswith("Excel, first sheet")
    assert from_csv.report.read_as.render("en").startswith("CSV, cp1252, decimal comma")
    assert from_xlsx.rows is not None and from_csv.rows is not None
    pd.testing.assert_frame_equal(from_xlsx.rows.to_pandas(), from_csv.rows.to_pandas())


def test_demo_ships_real_frozen_cycles(tmp_path: Path) -> None:
    """The shipped snapshots are what the forecaster froze at each past cycle: six cycles before
    the as-of date, every SKU, lags 0-5, and a model chosen for each row."""
    with Store(tmp_path / "d.duckdb") as store:
        assert load_demo(store).ok
        cycles = store.query("SELECT cycle, count(DISTINCT sku) AS skus, max(lag) AS lags "
                             "FROM forecast_snapshots GROUP BY cycle ORDER BY cycle")
        assert cycles["cycle"].tolist() == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
        assert (cycles["skus"] == store.row_counts()["products"]).all() and (cycles["lags"] == 5).all()
        assert store.scalar("SELECT count(*) FROM forecast_snapshots WHERE model IS NULL") == 0
