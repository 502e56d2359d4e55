"""Files of old versions still read: a database left at schema version 1 migrates to today's and
its rows read the same; a version-1 scenario file loads into the same levers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sop_core.data.migrations import MIGRATIONS
from sop_core.data.store import Store
from sop_core.whatif.levers import Overtime, Subcontract, TempWorkers
from sop_core.whatif.scenario_json import scenario_from_json

FIXTURES = Path(__file__).resolve().parents[1] / "data"


def test_a_version_1_database_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copy(FIXTURES / "schema_v1.duckdb", path)
    with Store(path) as store:
        assert store.schema_version() == max(version for version, _, _ in MIGRATIONS)
        assert store.row_counts() == {"workshops": 0, "products": 2, "sales": 2, "orders": 0, "stock": 1,
                                      "production_orders": 0, "budget": 0}
        assert store.query("SELECT sku, name, unit_price FROM products ORDER BY sku").values.tolist() == [
            ["A1", "Boîtier", 3.25], ["A2", "Capot", 4.0]]
        assert store.get_setting("service.target") == "0.9"
        assert store.data_version() == 1 and store.imports()["file_name"].tolist() == ["articles.csv"]
        # Its data lives on: the as-of follows its sales, and the new tables are there, empty.
        assert store.as_of_source(dt.date(2026, 12, 5)) == (dt.date(2025, 12, 21), "data")
        assert store.scalar("SELECT count(*) FROM cycles") == 0


def test_a_version_1_scenario_file_still_loads() -> None:
    scenario = scenario_from_json((FIXTURES / "scenario_v1.json").read_text(encoding="utf-8"))
    assert scenario.name == "Décembre : samedis injection, intérim assemblage, peinture sous-traitée"
    assert scenario.levers == (
        Overtime("INJECTION", dt.date(2026, 11, 9), dt.date(2026, 11, 30), 4),
        TempWorkers("ASSEMBLAGE", dt.date(2026, 11, 16), dt.date(2026, 12, 7), 2),
        Subcontract("PEINTURE", dt.date(2026, 11, 23), dt.date(2026, 12, 14), 60.5),
    )
