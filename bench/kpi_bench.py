"""KPI benchmark: service-rate and stock-rotation figures on a large tenant vs a bare DuckDB scan.

    python bench/kpi_bench.py [--skus 5000] [--lines 500000] [--months 36] [--repeats 5] [--seed 42]

Builds, in a temporary DuckDB store (the product's own schema), a tenant of `--skus` products in 25
families, `--lines` customer order lines over `--months` months (300 customers; ~80% on time, late
ones 1-40 days, 3% partial, 1% cancelled, open lines at the end), one stock snapshot per SKU per
month-end and an 18-month forecast run per SKU. It then times, the median of `--repeats` runs after
one warm-up, each KPI set as a page computes it (the same function calls), and the bare scan of the
same tables: one aggregate pass reading every column the set reads, with no joins or grouping.
Verdict: every set under 1 s and within 10x of its bare scan. It exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from timing import median_seconds  # bench/ is the script's folder, first on sys.path

from sop_core.data.store import Store
from sop_core.kpi import (
    StockSettings,
    abc_xyz_matrix,
    inventory_value,
    sku_stock,
    summarise,
    total_turnover,
    turnover,
    turnover_trend,
)
from sop_core.kpi.filters import NO_FILTERS, KpiFilters
from sop_core.kpi.service import service_report

MAX_SECONDS = 1.0
MAX_RATIO = 10.0


def build_tenant(store: Store, skus: int, lines: int, months: int, seed: int, as_of: dt.date) -> None:
    """Everything generated in SQL from `range()` with DuckDB's seeded random()."""
    first = as_of - dt.timedelta(days=round(months * 30.44))
    with store.transaction() as cur:
        cur.execute("SELECT setseed(?)", [seed / 1000])
        cur.execute("""
            INSERT INTO products (sku, name, family, unit_cost, unit_price, lead_time_days, safety_stock, moq)
            SELECT 'SKU-' || lpad(i::VARCHAR, 5, '0'), 'Product ' || i, 'Family ' || (i % 25),
                   round(0.5 + random() * 50, 2), round(1 + random() * 90, 2), 5 + (i % 30), (i % 7) * 20, 100
            FROM range(?) t(i)""", [skus])
        cur.execute("""
            INSERT INTO orders (order_id, line, customer, sku, quantity, order_date, promised_date,
                                delivered_date, delivered_quantity, status)
            WITH raw AS (
                SELECT i, ? + (random() * ?)::INT AS ordered, 7 + (random() * 30)::INT AS lead,
                       random() AS r_late, random() AS r_days, random() AS r_part, random() AS r_cancel,
                       (pow(random(), 2) * ?)::INT AS sku_i, hash(i // 3) % 300 AS customer_i,
                       1 + (random() * 400)::INT AS quantity
                FROM range(?) t(i)
            ), dated AS (
                SELECT *, ordered + lead AS promised,
                       ordered + lead + CASE WHEN r_late < 0.8 THEN -(r_days * 5)::INT
                                             ELSE 1 + (r_days * 40)::INT END AS delivered
                FROM raw
            )
            SELECT 'CMD-' || (i // 3), (i % 3 + 1)::VARCHAR, 'Customer ' || customer_i,
                   'SKU-' || lpad(sku_i::VARCHAR, 5, '0'), quantity, ordered::DATE, promised::DATE,
                   CASE WHEN delivered < ? THEN delivered::DATE END,
                   CASE WHEN r_part < 0.03 THEN floor(quantity * 0.7) END,
                   CASE WHEN r_cancel < 0.01 THEN 'annulée' END
            FROM dated""",
                    [first, (as_of - first).days - 20, skus - 1, lines, as_of])
        cur.execute("""
            INSERT INTO stock (date, sku, on_hand, unit_cost)
            SELECT (date_trunc('month', ?::DATE) - INTERVAL (m) MONTH - INTERVAL 1 DAY)::DATE,
                   'SKU-' || lpad(i::VARCHAR, 5, '0'), (random() * 5000)::INT, NULL
            FROM range(?) s(i), range(?) t(m)""", [as_of, skus, months])
        cur.execute("INSERT INTO forecast_runs VALUES "
                    "(1, now()::TIMESTAMP, 0, ?, 'month', 18, 'auto', '{}', ?, 0, 'ok')", [as_of, skus])
        cur.execute("""
            INSERT INTO forecast_values
            SELECT 1, 'SKU-' || lpad(i::VARCHAR, 5, '0'), (date_trunc('month', ?::DATE) + INTERVAL (m) MONTH)::DATE,
                   f, f * 0.8, f * 1.2, f * 0.7, f * 1.3
            FROM (SELECT i, m, 50 + random() * 2000 AS f FROM range(?) s(i), range(18) t(m))""", [as_of, skus])


def service_set(store: Store, as_of: dt.date, filters: KpiFilters) -> None:
    """What the Service rate page computes."""
    service_report(store, as_of, filters).customers_most_hurt()


def stock_set(store: Store, as_of: dt.date, filters: KpiFilters) -> None:
    """What the Stock rotation page computes."""
    settings = StockSettings(order_cost=80.0, holding_rate=0.2)
    whole_history = replace(filters, start=None, end=None)
    skus = sku_stock(store, as_of, filters, settings)
    summarise(skus, total_turnover(turnover(store, as_of, whole_history, by="family")), settings)
    inventory_value(store, as_of, filters, by="family")
    turnover_trend(store, as_of, filters)
    abc_xyz_matrix(skus)


# One aggregate pass over each table a set reads, touching every column it reads.
BARE_SCANS = {
    "service": ["SELECT count(*), sum(quantity), min(promised_date), max(delivered_date), sum(delivered_quantity),"
                " max(order_date), max(order_id), max(line), max(customer), max(sku), max(status) FROM orders",
                "SELECT max(sku), max(family), sum(unit_price) FROM products"],
    "stock": ["SELECT count(*), sum(on_hand), sum(unit_cost), max(sku), max(date) FROM stock",
              "SELECT count(*), sum(quantity), max(sku), max(order_date), max(customer) FROM orders",
              "SELECT count(*), sum(forecast), max(sku), max(period) FROM forecast_values",
              "SELECT max(sku), max(family), sum(unit_cost), sum(lead_time_days), sum(safety_stock) FROM products"],
}
KPI_SETS: dict[str, Callable[[Store, dt.date, KpiFilters], None]] = {"service": service_set, "stock": stock_set}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    as_of = dt.date(2026, 11, 2)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        start = time.perf_counter()
        build_tenant(store, args.skus, args.lines, args.months, args.seed, as_of)
        counts = store.row_counts()
        print(f"tenant built in {time.perf_counter() - start:.1f} s: {counts['products']:,} SKUs, "
              f"{counts['orders']:,} order lines, {counts['stock']:,} stock rows "
              f"({store.scalar('SELECT count(DISTINCT date) FROM stock')} snapshots)")
        year = KpiFilters(start=dt.date(2025, 11, 1), end=as_of - dt.timedelta(days=1))
        print(f"\n{'KPI set':<22}{'median s':>10}{'bare scan s':>13}{'ratio':>8}   runs (s)")
        verdicts = []
        for name, kpi_set in KPI_SETS.items():
            scan, _ = median_seconds(lambda sqls=BARE_SCANS[name]: [store.query(sql) for sql in sqls],  # type: ignore[misc]
                                     args.repeats)
            for label, filters in (("all history", NO_FILTERS), ("last 12 months", year)):
                seconds, runs = median_seconds(lambda k=kpi_set, f=filters: k(store, as_of, f), args.repeats)  # type: ignore[misc]
                ratio = seconds / scan
                print(f"{name + ', ' + label:<22}{seconds:>10.3f}{scan:>13.4f}{ratio:>8.1f}   "
                      + " ".join(f"{r:.3f}" for r in runs))
                verdicts.append((f"{name} ({label})", seconds, ratio))
        fails = [f"{n}: {s:.2f} s, {r:.1f}x" for n, s, r in verdicts if s > MAX_SECONDS or r > MAX_RATIO]
        print("\nVERDICT: " + ("PASS" if not fails else "FAIL: " + "; ".join(fails))
              + f" (target: under {MAX_SECONDS:.0f} s and within {MAX_RATIO:.0f}x of the bare scan)")


if __name__ == "__main__":
    main()
