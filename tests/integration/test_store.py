"""The store on a real DuckDB file: all-or-nothing imports, refreshes, audit, threads, busy file."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from sop_core.data.contract import KINDS
from sop_core.data.migrations import MIGRATIONS
from sop_core.data.store import Store, StoreBusyError
from sop_core.imports.ingest import FileToImport, empty_store, import_files, import_history
from tests.conftest import PRODUCTS_CSV, TODAY, WORKSHOPS_CSV, WriteFile
from tests.rows import insert_rows

ORDERS_CSV = (
    "order_id;line;customer;sku;quantity;order_date;promised_date;delivered_date\n"
    "C1;1;Dupont;A1;10;01/02/2026;10/02/2026;09/02/2026\n"
    "C1;2;Dupont;A2;5;01/02/2026;10/02/2026;\n"
    "C2;1;Durand;B1;7,5;03/02/2026;12/02/2026;15/02/2026\n"
)


def _load_base(store: Store, write_file: WriteFile) -> None:
    outcome = import_files(store, [
        FileToImport("workshops", write_file("w.csv", WORKSHOPS_CSV)),
        FileToImport("products", write_file("p.csv", PRODUCTS_CSV)),
        FileToImport("orders", write_file("o.csv", ORDERS_CSV)),
    ], today=TODAY)
    assert outcome.ok, [r.lines() for r in outcome.reports]


def _dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {k.table: sorted(store.query(f"SELECT * FROM {k.table}").astype(str).itertuples(index=False))
            for k in KINDS.values()}


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    with Store(path) as first:
        assert first.schema_version() == MIGRATIONS[-1][0]
    with Store(path) as again:  # reopening applies nothing twice
        assert again.scalar("SELECT count(*) FROM schema_version") == len(MIGRATIONS)
        for kind in KINDS.values():
            stored = set(again.query(f"SELECT * FROM {kind.table} LIMIT 0").columns)
            assert {c.name for c in kind.columns} | {"batch_id"} == stored, kind.name


def test_set_of_files_is_all_or_nothing(store: Store, write_file: WriteFile) -> None:
    _load_base(store, write_file)
    before, version = _dump(store), store.data_version()
    good = write_file("s.csv", "date;sku;quantity\n02/01/2026;A1;5\n")
    bad = write_file("st.csv", "date;sku;on_hand\n31/01/2026;A1;cinq\n")
    outcome = import_files(store, [FileToImport("sales", good), FileToImport("stock", bad)], today=TODAY)
    assert not outcome.ok and outcome.reports[0].ok and not outcome.reports[1].ok
    assert _dump(store) == before and store.data_version() == version
    audit = store.imports(limit=2)
    assert list(audit["status"]) == ["refused", "refused"]


def test_database_failure_midway_rolls_back(store: Store, write_file: WriteFile,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _load_base(store, write_file)
    before = _dump(store)
    from sop_core.imports import ingest

    real_write = ingest._write_rows
    calls = {"n": 0}

    def fail_on_second(cur: duckdb.DuckDBPyConnection, staged, batch_id: int) -> int:  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise duckdb.IOException("disk full (simulated)")
        return real_write(cur, staged, batch_id)

    monkeypatch.setattr(ingest, "_write_rows", fail_on_second)
    files = [FileToImport("sales", write_file("s.csv", "date;sku;quantity\n02/01/2026;A1;5\n")),
             FileToImport("orders", write_file("o2.csv", ORDERS_CSV.replace("10;", "99;")))]
    with pytest.raises(ingest.StoreError, match="rolled back"):
        import_files(store, files, today=TODAY)
    assert _dump(store) == before
    assert store.imports(limit=1)["status"].iloc[0] == "failed"
    failed = import_history(store, "fr", limit=1)["message"].iloc[0]
    assert failed.startswith("erreur de base de données : ") and "disk full (simulated)" in failed


def test_importing_the_same_file_twice_never_double_counts(store: Store, write_file: WriteFile) -> None:
    _load_base(store, write_file)
    path = write_file("o.csv", ORDERS_CSV)
    again = import_files(store, [FileToImport("orders", path)], today=TODAY)
    assert again.ok and "already_imported" in {w.code for w in again.reports[0].warnings}
    assert store.scalar("SELECT count(*) FROM orders") == 3
    assert store.scalar("SELECT sum(quantity) FROM orders") == 22.5


def test_monthly_refresh_updates_overlapping_history(store: Store, write_file: WriteFile) -> None:
    _load_base(store, write_file)
    refresh = write_file("o_refresh.csv",
                         "order_id;line;customer;sku;quantity;order_date;promised_date;delivered_date\n"
                         "C1;2;Dupont;A2;5;01/02/2026;10/02/2026;11/02/2026\n"
                         "C3;1;Martin;A1;1;01/03/2026;05/03/2026;\n")
    assert import_files(store, [FileToImport("orders", refresh)], today=TODAY).ok
    rows = store.query("SELECT order_id, line, delivered_date FROM orders ORDER BY 1, 2")
    assert len(rows) == 4  # C1/1, C1/2 (now delivered), C2/1, C3/1
    delivered = rows.set_index(["order_id", "line"])["delivered_date"]
    assert str(delivered[("C1", "2")])[:10] == "2026-02-11"


def test_sales_refresh_replaces_same_day_rows(store: Store, write_file: WriteFile) -> None:
    _load_base(store, write_file)
    jan = write_file("v1.csv", "date;sku;quantity;customer\n02/01/2026;A1;5;X\n03/01/2026;A1;2;X\n")
    corrected = write_file("v2.csv", "date;sku;quantity;customer\n03/01/2026;A1;4;X\n04/01/2026;A1;1;X\n")
    for path in (jan, corrected):
        assert import_files(store, [FileToImport("sales", path)], today=TODAY).ok
    assert store.query("SELECT quantity FROM sales ORDER BY date")["quantity"].tolist() == [5, 4, 1]


def test_audit_rows_and_data_version(store: Store, write_file: WriteFile) -> None:
    assert store.data_version() == 0
    _load_base(store, write_file)
    audit = store.imports()
    assert list(audit["kind"]) == ["orders", "products", "workshops"]
    assert list(audit["rows_written"]) == [3, 3, 2]
    assert audit["checksum"].str.len().eq(64).all()
    assert store.data_version() == int(audit["batch_id"].max())
    empty_store(store)
    assert store.row_counts() == dict.fromkeys(KINDS, 0)
    assert store.data_version() > int(audit["batch_id"].max())


def test_the_history_reads_in_either_language(store: Store, write_file: WriteFile) -> None:
    """Messages are stored as JSON and read in the reader's language; rows stored before that
    (plain English text) read as they were written."""
    with store.transaction() as cur:
        first = cur.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0]  # as an import takes it
        insert_rows(cur, "import_batches", [{
            "batch_id": first, "kind": "sales", "file_name": "old.csv", "checksum": "", "rows_read": 1,
            "rows_written": 1, "rows_rejected": 0, "status": "ok", "message": "old.csv (sales, CSV): 1 rows read",
            "started_at": dt.datetime(2026, 1, 5, 8, 0), "finished_at": dt.datetime(2026, 1, 5, 8, 1)}])
    bad = write_file("st.csv", "date;sku;on_hand\n31/01/2026;A1;cinq\n")
    assert not import_files(store, [FileToImport("stock", bad)], today=TODAY).ok
    empty_store(store)
    assert store.imports(limit=1)["message"].iloc[0].startswith('{"key": ')
    french, english = import_history(store, "fr"), import_history(store, "en")
    assert french[["file_name", "message"]].values.tolist() == [
        ["(toutes les données effacées)", "toutes les données supprimées par l'utilisateur"],
        ["st.csv", "st.csv (Stocks, CSV, utf-8, point décimal) : 1 ligne lue, 1 rejetée, 2 erreurs, "
                   "0 avertissement : refusé, rien n'a été écrit"],
        ["old.csv", "old.csv (sales, CSV): 1 rows read"],
    ]
    assert english[["file_name", "message"]].values.tolist()[:2] == [
        ["(all data cleared)", "all data removed by the user"],
        ["st.csv", "st.csv (Stock, CSV, utf-8, decimal point): 1 row read, 1 rejected, 2 errors, 0 warnings: "
                   "refused, nothing was written"],
    ]


def test_reading_from_several_threads(store: Store, write_file: WriteFile) -> None:
    _load_base(store, write_file)
    results: list[float] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                results.append(float(store.scalar("SELECT sum(quantity) FROM orders")))
        except BaseException as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [22.5] * 160


def test_a_file_held_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        busy = Store(path, wait=0.3)
        with pytest.raises(StoreBusyError, match=rf"stayed in use by process {holder.pid}"), busy.cursor():
            pass
    finally:
        holder.communicate("\n", timeout=30)
