"""`backup` and `restore`: a consistent copy of the database in a folder, and a new database from it.

    python -m sop_core backup DIR [--db PATH] [--json]     # writes DIR/sop-YYYYMMDD-HHMMSS/
    python -m sop_core restore FOLDER --db NEW_PATH         # never over an existing file

`backup` runs DuckDB's `EXPORT DATABASE` (schema, sequences and one Parquet file per table) while the
store holds the file, so that no import writes half-way through it; the folder is readable by its
owner only (the accounts' password hashes are in it). `restore` runs `IMPORT DATABASE` into a file
that does not exist yet (exit 2 otherwise): put it in place of the old one with the dashboard stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import duckdb

from sop_core.cli.common import EXIT_OK, emit, say
from sop_core.common import Message, MessageError, format_number
from sop_core.data import Store, StoreError, first_row

BACKUP_PREFIX = "sop-"
EXPORT_FILES = ("schema.sql", "load.sql")


def backup_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[common],
                                 help="copy the database into a new folder DIR/sop-YYYYMMDD-HHMMSS (Parquet)")
    backup.add_argument("dir", type=Path, help="the folder that receives the backup folders")
    restore = commands.add_parser("restore", parents=[common],
                                  help="create the database --db (a new file) from a backup folder")
    restore.add_argument("folder", type=Path, help="a folder written by `backup`")


def sql_text(path: Path) -> str:
    """`path` as a SQL string literal (EXPORT/IMPORT DATABASE take no bound parameter)."""
    text = str(path)
    if "\0" in text:
        raise MessageError(Message("cli.backup.nul", {"path": text.replace("\0", "\\0")}))
    return "'" + text.replace("'", "''") + "'"


def _new_folder(parent: Path) -> Path:
    """A folder of its own, named after the time; a second backup within the same second gets -2, -3..."""
    stamp = BACKUP_PREFIX + dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    sql_text(parent)  # a NUL is refused before anything is created
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        folder = parent / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder.resolve()
    raise MessageError(Message("cli.backup.no_folder", {"path": str(parent)}))


def _counts(cur: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(tables, schema version) of the database `cur` is on."""
    tables, schema = first_row(cur, "SELECT (SELECT count(*) FROM duckdb_tables() WHERE NOT temporary "
                                    "AND database_name = current_database()), "
                                    "(SELECT max(version) FROM schema_version)")
    return int(tables), int(schema or 0)


def _megabytes(size: int, lang: str) -> str:
    return format_number(size / 1024 / 1024, lang, 1)


def _backup(args: argparse.Namespace, store: Store) -> int:
    if not store.path.exists():  # the store would create an empty database only to copy it
        raise MessageError(Message("cli.backup.no_database", {"path": str(store.path)}))
    folder = _new_folder(args.dir)
    try:
        with store.cursor() as cur:
            tables, schema = _counts(cur)
            cur.execute(f"EXPORT DATABASE {sql_text(folder)} (FORMAT parquet)")
    except BaseException as exc:  # the file stayed busy, the disk filled up...: no half backup left behind
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, duckdb.Error):
            raise StoreError(Message("cli.backup.failed", {"path": str(folder), "error": str(exc)})) from exc
        raise
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    emit(args, {"folder": str(folder), "database": str(store.path), "tables": tables, "bytes": size,
                "schema_version": schema},
         say(args.lang, "cli.backup.done", folder=str(folder), tables=tables, size=_megabytes(size, args.lang),
             schema=str(schema)))
    return EXIT_OK


def _restore(args: argparse.Namespace, store: Store) -> int:
    target = store.path.resolve()  # never opened through the store: its migrations would create the tables
    folder = args.folder.resolve()
    for taken in (target, target.with_name(target.name + ".wal")):
        if taken.exists():
            raise MessageError(Message("cli.restore.exists", {"path": str(taken)}))
    if not all((folder / name).is_file() for name in EXPORT_FILES):
        raise MessageError(Message("cli.restore.not_a_backup", {"path": str(folder)}))
    statement = f"IMPORT DATABASE {sql_text(folder)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with duckdb.connect(str(target)) as con:
            con.execute(statement)
            tables, schema = _counts(con)
    except duckdb.Error as exc:  # half a database is worse than none: the next try starts clean
        for left in (target, target.with_name(target.name + ".wal")):
            left.unlink(missing_ok=True)
        raise StoreError(Message("cli.restore.failed", {"path": str(folder), "error": str(exc)})) from exc
    emit(args, {"database": str(target), "folder": str(folder), "tables": tables, "schema_version": schema},
         say(args.lang, "cli.restore.done", path=str(target), folder=str(folder), tables=tables,
             schema=str(schema)))
    return EXIT_OK


BACKUP_COMMANDS = {"backup": _backup, "restore": _restore}
