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
                          "2 tables of another program (invoices, products). Nothing was changed in it")
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


@pytest.mark.parametrize(("damage", "said"), [
    ("truncated", "Cannot open the database"),
    ("garbage", "Cannot open the database"),
    ("under_a_file", "Cannot create the folder of the database"),
])
def test_a_broken_file_or_path_is_one_message_naming_the_fix(demo_db: Path, tmp_path: Path, damage: str, said: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    if damage == "truncated":
        target = tmp_path / "cut.duckdb"
        target.write_bytes(demo_db.read_bytes()[:5000])
    elif damage == "garbage":
        target = tmp_path / "garbage.duckdb"
        target.write_bytes(b"not a database " * 500)
    else:
        (tmp_path / "a_file").write_text("x")
        target = tmp_path / "a_file" / "sub" / "sop.duckdb"
    assert main(["status", "--db", str(target), "--lang", "en"]) == EXIT_STORE
    err = capsys.readouterr().err
    assert err.startswith(f"Database error: {said} {target}") and "Traceback" not in err
    assert "restore" in err or "a folder you can write to" in err
