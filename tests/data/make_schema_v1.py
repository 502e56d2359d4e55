"""Regenerate `schema_v1.duckdb`: a database as the first release left it (migration 1 only), with
a few rows in its tables, kept to prove that today's code migrates an old file and reads its data.

    python tests/data/make_schema_v1.py

Run it only to rebuild the fixture (for a new DuckDB storage version); the test reads the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from sop_core.data.migrations import MIGRATIONS  # noqa: E402

PATH = Path(__file__).with_name("schema_v1.duckdb")
ROWS = [
    "INSERT INTO import_batches (batch_id, kind, file_name, checksum, rows_read, rows_written, rows_rejected, "
    "status, message, started_at, finished_at) VALUES (nextval('import_batch_seq'), 'products', 'articles.csv', "
    "'abc', 2, 2, 0, 'ok', 'articles.csv (products, CSV): 2 rows read', TIMESTAMP '2026-01-05 08:00:00', "
    "TIMESTAMP '2026-01-05 08:00:02')",
    "INSERT INTO settings (key, value) VALUES ('service.target', '0.9')",
    "INSERT INTO products (sku, name, family, unit_cost, unit_price, batch_id) VALUES "
    "('A1', 'Boîtier', 'F1', 1.5, 3.25, 1), ('A2', 'Capot', 'F1', 2.0, 4.0, 1)",
    "INSERT INTO sales (date, sku, quantity, customer, batch_id) VALUES "
    "(DATE '2025-12-10', 'A1', 12, 'C1', 1), (DATE '2025-12-20', 'A2', 5, 'C2', 1)",
    "INSERT INTO stock (date, sku, on_hand, unit_cost, batch_id) VALUES (DATE '2025-12-31', 'A1', 40, NULL, 1)",
]


def main() -> None:
    PATH.unlink(missing_ok=True)
    version, description, sql = MIGRATIONS[0]
    with duckdb.connect(str(PATH)) as con:
        # The version table as the store creates it (sop_core.data.migrations.migrate).
        con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
                    "applied_at TIMESTAMP)")
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?, TIMESTAMP '2026-01-05 07:59:00')", [version, description])
        for statement in ROWS:
            con.execute(statement)
    print(f"wrote {PATH} ({PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
