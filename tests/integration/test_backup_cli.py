"""`python -m sop_core backup` and `restore`: a copy of the demo database restored into a new file has
the same schema version and the same rows in every table; a restore never overwrites a file; folder
names with a quote are quoted, a NUL is refused."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from sop_core.cli.backup import sql_text
from sop_core.cli.main import EXIT_OK, EXIT_STORE, EXIT_USAGE, main


def _contents(path: Path) -> tuple[int, dict[str, int]]:
    """(schema version, {table: rows}) of a database file, read without migrating it."""
    with duckdb.connect(str(path), read_only=True) as con:
        version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        names = [name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
        return version, {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in names}


def _backup(target: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["backup", str(target), "--db", str(db), "--json"]) == EXIT_OK
    written: dict[str, object] = json.loads(capsys.readouterr().out)
    return written


def test_a_backup_restores_into_a_new_file_with_every_row(demo_db: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    version, rows = _contents(demo_db)
    tables = len(rows)
    assert tables >= 25 and version >= 10 and rows["sales"] > 20_000
    assert main(["backup", str(tmp_path / "backups"), "--lang", "en"]) == EXIT_OK  # --db from $SOP_DB_PATH
    out = capsys.readouterr().out
    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("sop-") and len(folder.name) == len("sop-20261121-020000")
    assert out.startswith(f"Backup written to {folder}: {tables} tables, ")
    assert out.endswith(f" MB (schema v{version}).\n")
    assert folder.stat().st_mode & 0o077 == 0  # the password hashes are in it: the owner's only

    restored = tmp_path / "restored" / "sop.duckdb"
    assert main(["restore", str(folder), "--db", str(restored), "--lang", "en"]) == EXIT_OK
    said = capsys.readouterr().out
    assert said == f"Database {restored} created from {folder}: {tables} tables (schema v{version}).\n"
    assert _contents(restored) == (version, rows)

    second = _backup(tmp_path / "backups", demo_db, capsys)  # the same second: a folder of its own
    assert second["tables"] == tables and Path(str(second["folder"])) != folder
    assert len(list((tmp_path / "backups").iterdir())) == 2


def test_a_restore_never_overwrites_a_database(demo_db: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(str(_backup(tmp_path, demo_db, capsys)["folder"]))
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(demo_db.read_bytes())
    before = hashlib.sha256(existing.read_bytes()).hexdigest(), existing.stat().st_mtime_ns
    assert main(["restore", str(folder), "--db", str(existing), "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {existing} already exists: a restore never overwrites a database.")
    assert "Restore into a new file (--db NEW_FILE)" in err
    assert (hashlib.sha256(existing.read_bytes()).hexdigest(), existing.stat().st_mtime_ns) == before

    assert main(["restore", str(tmp_path), "--db", str(tmp_path / "new.duckdb")]) == EXIT_USAGE
    assert "n'est pas un dossier de sauvegarde" in capsys.readouterr().err
    assert not (tmp_path / "new.duckdb").exists()


def test_a_folder_name_with_a_quote_is_quoted_and_a_nul_refused(demo_db: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    quoted = tmp_path / "l'usine d'Angers" / "it''s"
    written = _backup(quoted, demo_db, capsys)
    folder = Path(str(written["folder"]))
    assert folder.parent == quoted and (folder / "schema.sql").is_file()
    assert written["tables"] == len(_contents(demo_db)[1])
    restored = tmp_path / "d'Angers.duckdb"
    assert main(["restore", str(folder), "--db", str(restored)]) == EXIT_OK
    assert _contents(restored) == _contents(demo_db)

    assert sql_text(Path("/srv/l'usine")) == "'/srv/l''usine'"
    assert main(["backup", str(tmp_path / "bad\0name"), "--db", str(demo_db), "--lang", "en"]) == EXIT_USAGE
    assert "contains a NUL character" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_a_backup_that_cannot_run_leaves_no_folder(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The file held by another process for the whole wait: exit 3, and no empty backup folder."""
    monkeypatch.setenv("SOP_DB_WAIT", "0")
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; con = duckdb.connect({str(demo_db)!r}); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert main(["backup", str(tmp_path / "backups"), "--lang", "en"]) == EXIT_STORE
    finally:
        holder.kill()
        holder.wait()
    assert "stayed in use by process" in capsys.readouterr().err
    assert list((tmp_path / "backups").iterdir()) == []
