"""Import files into the store: validate every file, then write them all in one transaction.

A set of files (the demo, a monthly refresh) is checked file by file, each against the store plus
the files before it in the set (so products may name workshops of the same set), and written only
if every file passes. Every attempt, refused or not, leaves a row in `import_batches`: until it ends,
a row in `import_attempts`, which a later opening of the store turns into an `interrupted` one when
the process was killed outright (`sop_core.data.attempts`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from sop_core.common import Message, Progress, render_stored
from sop_core.data import (
    KINDS,
    Kind,
    Store,
    StoreError,
    acting_name,
    allow,
    begin_attempt,
    end_attempts,
    first_row,
    importing,
)
from sop_core.imports.checking import FileToImport, check_files, check_files_apart
from sop_core.imports.importers import StagedImport
from sop_core.imports.report import Finding, ImportReport

PLACEHOLDER_FAMILY = "(non classé)"


@dataclass
class ImportOutcome:
    """What happened: the reports (one per file) and, when written, the batch ids."""

    reports: list[ImportReport]
    batch_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.batch_ids)


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _note_repeat(store: Store, report: ImportReport, checksum: str) -> None:
    earlier = store.scalar(
        "SELECT max(batch_id) FROM import_batches WHERE checksum = ? AND kind = ? AND status = 'ok'",
        [checksum, report.kind],
    )
    if earlier is not None:
        report.add(Finding(
            "warning", "already_imported", Message("imports.already_imported", {"batch": str(earlier)}),
            Message("imports.nothing_to_do"),
        ))


def _record(
    cur: duckdb.DuckDBPyConnection, report: ImportReport, checksum: str, status: str,
    written: int, started: dt.datetime, message: Message, who: str,
) -> int:
    """One audit row, with who imported; its message is stored as JSON so the history reads in
    either language."""
    batch_id = int(first_row(cur, "SELECT nextval('import_batch_seq')")[0])
    cur.execute(
        "INSERT INTO import_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?)",
        [batch_id, report.kind, report.file_name, checksum, report.rows_read, written,
         report.rows_rejected, status, message.to_json(), report.to_json(), started, who],
    )
    return batch_id


def import_history(store: Store, lang: str, limit: int = 50) -> pd.DataFrame:
    """The audit trail (`Store.imports`), its file names and messages in `lang`; rows written
    before messages were stored as JSON read as they were written."""
    history = store.imports(limit)
    return history.assign(**{column: [render_stored(text, lang) for text in history[column]]
                             for column in ("file_name", "message")})


def _insert_placeholders(cur: duckdb.DuckDBPyConnection, skus: Sequence[str], batch_id: int) -> None:
    cur.executemany(
        "INSERT INTO products (sku, name, family, batch_id) VALUES (?, ?, ?, ?)",
        [(sku, sku, PLACEHOLDER_FAMILY, batch_id) for sku in skus],
    )


def _write_rows(cur: duckdb.DuckDBPyConnection, staged: StagedImport, batch_id: int) -> int:
    """Replace the stored rows that share a key with the file, then insert the file's rows."""
    kind: Kind = staged.kind
    assert staged.rows is not None
    cur.register("_staged", staged.rows)
    try:
        match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM s."{k}"' for k in kind.key)
        cur.execute(f"DELETE FROM {kind.table} t USING _staged s WHERE {match}")
        columns = ", ".join(f'"{c.name}"' for c in kind.columns)
        cur.execute(
            f"INSERT INTO {kind.table} ({columns}, batch_id) SELECT {columns}, ? FROM _staged",
            [batch_id],
        )
    finally:
        cur.unregister("_staged")
    return int(staged.rows.num_rows)


# Computed from the data: meaningless once the data they came from is gone.
DERIVED_TABLES = ("forecast_values", "forecast_choices", "forecast_backtests", "forecast_runs",
                  "forecast_snapshots", "forecast_adjustments", "consensus_entries", "forced_models",
                  "cycle_archive", "cycle_steps", "cycles")


def clear_data(cur: duckdb.DuckDBPyConnection, started: dt.datetime, why: Message, who: str) -> None:
    """Empty every data table and what was computed from it (audit kept); forget the as-of date and
    the cycles opened on that data (their as-of dates would pin the new data to old days)."""
    for table in (*(kind.table for kind in KINDS.values()), *DERIVED_TABLES):
        cur.execute(f"DELETE FROM {table}")
    cur.execute("DELETE FROM settings WHERE key = 'as_of'")
    # No file: the history's file name column says what happened, in the reader's language.
    cleared = ImportReport(Message("imports.history.cleared").to_json(), "all")
    _record(cur, cleared, "", "reset", 0, started, why, who)


def empty_store(store: Store) -> None:
    """Remove all data (to start from one's own files); the import history stays."""
    allow(store, "admin")
    with store.transaction() as cur:
        clear_data(cur, dt.datetime.now(), Message("imports.history.removed_by_user"), acting_name(store))


def _begin_attempts(store: Store, reports: list[ImportReport], checksums: list[str],
                    started: dt.datetime) -> list[int]:
    """Note the files in `import_attempts` at once, committed before the checks: a process killed
    before the end of the import leaves them for the next opening of the store to settle."""
    with store.transaction() as cur:
        return [begin_attempt(cur, report.kind, report.file_name, checksum, started, acting_name(store))
                for report, checksum in zip(reports, checksums, strict=True)]


def _write_all(
    store: Store, staged_all: list[StagedImport], checksums: list[str], started: dt.datetime,
    clear_first: bool, settings: Mapping[str, str], attempts: list[int],
) -> list[int]:
    with store.transaction() as cur:
        end_attempts(cur, attempts)
        if clear_first:
            clear_data(cur, started, Message("imports.history.emptied_for_load"), acting_name(store))
        for key, value in settings.items():
            store.set_setting(key, value, cur)
        batch_ids = []
        for staged, checksum in zip(staged_all, checksums, strict=True):
            batch_id = _record(cur, staged.report, checksum, "ok", 0, started, staged.report.summary_message(),
                               acting_name(store))
            if staged.new_skus:
                _insert_placeholders(cur, staged.new_skus, batch_id)
            written = _write_rows(cur, staged, batch_id)
            cur.execute("UPDATE import_batches SET rows_written = ? WHERE batch_id = ?",
                        [written, batch_id])
            batch_ids.append(batch_id)
        return batch_ids


def _record_outside(store: Store, reports: list[ImportReport], checksums: list[str], attempts: list[int],
                    status: str, started: dt.datetime, message: Message | None = None) -> None:
    with store.transaction() as cur:
        end_attempts(cur, attempts)
        for report, checksum in zip(reports, checksums, strict=True):
            _record(cur, report, checksum, status, 0, started, message or report.summary_message(),
                    acting_name(store))


def import_files(
    store: Store,
    files: Sequence[FileToImport],
    *,
    today: dt.date | None = None,
    clear_first: bool = False,
    settings: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    lang: str = "en",
    apart: bool = False,
) -> ImportOutcome:
    """Validate all `files`, then write all or nothing. `clear_first` empties the data tables
    and `settings` are stored in the same transaction (reset to demo). `progress` is told how far
    the import is, in `lang`. `apart` checks the files in a child process (the dashboard: see
    `checking`); whatever `progress` raises stops the import there. Raises StoreError when the
    database itself fails."""
    allow(store, "admin")

    def report_progress(fraction: float, step: Message) -> None:
        if progress is not None:
            progress(fraction, step.render(lang))

    started = dt.datetime.now()
    checksums = [file_checksum(f.path) if f.path.is_file() else "" for f in files]
    unread = [ImportReport(f.file_name or f.path.name, f.kind) for f in files]
    with importing():
        attempts = _begin_attempts(store, unread, checksums, started)
        try:
            known = {} if clear_first else store.known_keys()
            staged_all = (check_files_apart if apart else check_files)(
                files, known, today or store.as_of(), report_progress)
            outcome = _written(store, staged_all, checksums, attempts, started, clear_first, settings,
                               report_progress)
        except BaseException as exc:  # Ctrl-C, SIGTERM, a page's Cancel: the write rolled back; the history says so
            # DuckDB turns a Ctrl-C inside a query of the checks into its InterruptException, an
            # Exception like any error: it is the same stop, and goes on as KeyboardInterrupt.
            interrupted = isinstance(exc, duckdb.InterruptException)
            if isinstance(exc, Exception) and not interrupted:
                raise
            _record_outside(store, unread, checksums, attempts, "interrupted", started,
                            Message("imports.history.interrupted"))
            if interrupted:
                raise KeyboardInterrupt from exc
            raise
    if outcome.ok:  # outside the guard: stopping here leaves a written import, rightly recorded as such
        report_progress(1.0, Message("imports.progress.done"))
    return outcome


def _written(store: Store, staged_all: list[StagedImport], checksums: list[str], attempts: list[int],
             started: dt.datetime, clear_first: bool, settings: Mapping[str, str] | None,
             report_progress: Callable[[float, Message], None]) -> ImportOutcome:
    """Write the checked files, or record their refusal. No progress is reported once the write
    began: a caller stopping at a progress report must find the store either untouched or written."""
    reports = [s.report for s in staged_all]
    for report, checksum in zip(reports, checksums, strict=True):
        if checksum and not clear_first:  # a full reload replaces everything: repeats are expected
            _note_repeat(store, report, checksum)
    if not all(s.report.ok for s in staged_all):
        _record_outside(store, reports, checksums, attempts, "refused", started)
        return ImportOutcome(reports)
    report_progress(len(staged_all) / (len(staged_all) + 1), Message("imports.progress.writing"))
    try:
        batch_ids = _write_all(store, staged_all, checksums, started, clear_first, settings or {}, attempts)
    except duckdb.InterruptException:
        raise  # a stop, not a database failure: `import_files` records it and raises KeyboardInterrupt
    except duckdb.Error as exc:
        _record_outside(store, reports, checksums, attempts, "failed", started,
                        Message("imports.history.db_error", {"error": str(exc)}))
        raise StoreError(Message("store.import_failed", {"error": str(exc)})) from exc
    return ImportOutcome(reports, batch_ids)
