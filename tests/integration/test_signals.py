"""Ctrl-C or a service stopping (SIGTERM) during an import: everything rolls back, the command says
so with its own exit code (6), and the import history shows the attempt as interrupted."""

from __future__ import annotations

import signal
from pathlib import Path

import duckdb
import pytest

from sop_core.cli.common import EXIT_INTERRUPTED
from sop_core.data.store import Store
from sop_core.imports import FileToImport, import_files, reading
from tests.conftest import CopyDatabase, WriteFile
from tests.long_import import big_orders, start_import


@pytest.mark.slow
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_import_writes_nothing_and_says_so(demo_copy: CopyDatabase, tmp_path: Path,
                                                          sent: signal.Signals) -> None:
    db = demo_copy("signals")
    with Store(db) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
        before = store.row_counts()
    command = start_import(db, big_orders(tmp_path / "orders.csv", skus))
    assert command.stderr is not None
    command.send_signal(sent)
    rest = command.stderr.read()
    assert command.wait(timeout=120) == EXIT_INTERRUPTED, rest
    assert "Interrupted: everything was rolled back, nothing was written to the database." in rest
    assert "Traceback" not in rest
    with Store(db) as store:
        assert store.row_counts() == before
        assert store.row("SELECT status, file_name FROM import_batches ORDER BY batch_id DESC LIMIT 1") == (
            "interrupted", "orders.csv")
        assert store.scalar("SELECT count(*) FROM import_attempts") == 0  # its final row replaced its attempt


def _interrupted_read(*args: object, **kwargs: object) -> None:
    raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")


def test_a_ctrl_c_inside_the_csv_read_stops_the_import(store: Store, write_file: WriteFile,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB answers a Ctrl-C inside a query with its InterruptException, an ordinary error: the
    reader used to take it for a ragged file and read again, and the import went on (a cron import
    stopped during its read was written anyway; test_signals caught it once in a full run)."""
    path = write_file("products.csv", "sku;description\nA1;Widget\n")
    monkeypatch.setattr(reading, "_create_raw", _interrupted_read)
    with pytest.raises(KeyboardInterrupt):
        import_files(store, [FileToImport("products", path)])
    assert store.scalar("SELECT count(*) FROM products") == 0
    assert store.row("SELECT status, file_name FROM import_batches ORDER BY batch_id DESC LIMIT 1") == (
        "interrupted", "products.csv")
