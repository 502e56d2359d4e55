"""Ctrl-C or a service stopping (SIGTERM) during an import: everything rolls back, the command says
so with its own exit code (6), and the import history shows the attempt as interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sop_core.cli.common import EXIT_INTERRUPTED
from sop_core.data.store import Store
from tests.conftest import PROJECT_ROOT, CopyDatabase

LINES = 400_000


def _big_orders(path: Path, skus: list[str]) -> Path:
    """A large French orders export: long enough to be stopped while it is being checked."""
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id;line;customer;sku;quantity;order_date;promised_date\n")
        for i in range(LINES):
            out.write(f"C{i};1;Client {i % 97};{skus[i % len(skus)]};{i % 50 + 1},5;03/11/2026;20/11/2026\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_import_writes_nothing_and_says_so(demo_copy: CopyDatabase, tmp_path: Path,
                                                          sent: signal.Signals) -> None:
    db = demo_copy("signals")
    with Store(db) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
        before = store.row_counts()
    export = _big_orders(tmp_path / "orders.csv", skus)
    command = subprocess.Popen(
        [sys.executable, "-m", "sop_core", "import", "orders", str(export), "--db", str(db), "--lang", "en"],
        cwd=PROJECT_ROOT, env={**os.environ, "SOP_DB_WAIT": "30"}, stderr=subprocess.PIPE, text=True)
    assert command.stderr is not None
    first = command.stderr.readline()  # the first progress line: the import is under way
    assert "%]" in first, first
    command.send_signal(sent)
    rest = command.stderr.read()
    assert command.wait(timeout=120) == EXIT_INTERRUPTED, rest
    assert "Interrupted: everything was rolled back, nothing was written to the database." in rest
    assert "Traceback" not in rest
    with Store(db) as store:
        assert store.row_counts() == before
        assert store.row("SELECT status, file_name FROM import_batches ORDER BY batch_id DESC LIMIT 1") == (
            "interrupted", "orders.csv")
