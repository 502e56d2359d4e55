"""The product recognises its own database: another program's DuckDB file, or one a newer version
migrated, is refused with a message naming the file and the fix (exit 3), and left untouched."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sop_core.cli.main import EXIT_OK, EXIT_STORE, main
from sop_core.data.store import Store


def _tables(path: Path) -> list[str]:
    with duckdb.connect(str(path)) as con:
        return [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "erp_cache.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE products (code VARCHAR, label VARCHAR)")  # a name ours uses too
        con.execute("CREATE TABLE invoices (id INTEGER)")
    assert main(["status", "--db", str(foreign), "--lang", "en"]) == EXIT_STORE
    err = capsys.readouterr().err
    assert err.startswith(f"Database error: {foreign} is not a database of this dashboard: it already holds "
                          "2 table(s) of another program (invoices, products). Nothing was changed in it")
    assert "Traceback" not in err and _tables(foreign) == ["invoices", "products"]


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = tmp_path / "sop.duckdb"
    with Store(ours) as store:
        known = store.schema_version()
    with duckdb.connect(str(ours)) as con:
        con.execute("INSERT INTO schema_version VALUES (99, 'a later release', now()::TIMESTAMP)")
    assert main(["status", "--db", str(ours), "--lang", "en"]) == EXIT_STORE
    assert (f"was upgraded by a newer version of the dashboard (schema 99, this one knows up to {known})"
            in capsys.readouterr().err)


def test_a_new_or_empty_file_becomes_ours(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["status", "--db", str(empty)]) == EXIT_OK
    assert main(["status", "--db", str(tmp_path / "new" / "sop.duckdb")]) == EXIT_OK
    assert "schema_version" in _tables(empty)
