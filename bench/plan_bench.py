"""Plan (PIC) benchmark: the plan and its balance on a large tenant vs a bare DuckDB aggregation.

    python bench/plan_bench.py [--skus 5000] [--families 40] [--workshops 10] [--months 18] [--repeats 5]
                               [--seed 42]

Builds, in a temporary DuckDB store (the product's own schema), `--skus` products in `--families`
families made in `--workshops` workshops (prices 2-120 €, costs 40-80% of the price, 0.002-0.05 h a
unit, safety stocks), a stock snapshot per SKU, 2 open OF per workshop-week over 8 weeks, two years of
monthly sales (last year's months), a monthly forecast run of `--months` months written into
forecast_runs/forecast_values, the previous cycle frozen in forecast_snapshots and a budget per family
and month. It then times, the median of `--repeats` runs after one warm-up, what the Plan page and
`python -m sop_core plan` compute: `plan_inputs` (the store read), `balance` (the month-by-month stock
balance on the capacity), `plan_table` (family x month in units and euros, the total), and all three
together; and, in the same process, the bare bound: one DuckDB aggregation of the same forecast rows
by family and month (units, euros, margin). Verdict: the plan and its balance under 1 s. It exits 0
whatever the verdict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root
from timing import median_seconds  # bench/ is the script's folder, first on sys.path

from sop_core.common import Cycle, next_period
from sop_core.data.store import Store
from sop_core.plan import balance, plan_inputs, plan_table

MAX_SECONDS = 1.0
AS_OF = dt.date(2026, 11, 2)

BARE = """
    SELECT p.family, v.period, sum(v.forecast) AS units, sum(v.forecast * p.unit_price) AS revenue,
           sum(v.forecast * (p.unit_price - p.unit_cost)) AS margin
    FROM forecast_values v JOIN products p USING (sku)
    WHERE v.run_id = ? AND v.period >= ? AND v.period < ?
    GROUP BY ALL ORDER BY ALL
"""


def build_tenant(store: Store, skus: int, families: int, workshops: int, months: int, seed: int) -> int:
    """Everything generated in SQL from `range()` with DuckDB's seeded random(); returns the run id."""
    start = Cycle.of(AS_OF).start
    previous = next_period(start, "month", -1)
    with store.transaction() as cur:
        cur.execute("SELECT setseed(?)", [seed / 1000])
        cur.execute("""
            INSERT INTO workshops (workshop, headcount, hours_per_week, efficiency, regular_cost_per_hour)
            SELECT 'WS' || lpad(i::VARCHAR, 2, '0'), 0, 35, 0.85, 32 FROM range(?) t(i)""", [workshops])
        cur.execute("""
            INSERT INTO products (sku, name, family, unit_cost, unit_price, lead_time_days, safety_stock, workshop,
                                  hours_per_unit, moq)
            WITH raw AS (SELECT i, round(2 + random() * 118, 2) AS price FROM range(?) t(i))
            SELECT 'SKU-' || lpad(i::VARCHAR, 5, '0'), 'Product ' || i, 'Family ' || lpad((i % ?)::VARCHAR, 2, '0'),
                   round(price * (0.4 + random() * 0.4), 2), price, 10, (i % 7) * 30,
                   'WS' || lpad((i % ?)::VARCHAR, 2, '0'), round(0.002 + random() * 0.048, 4), 100
            FROM raw""", [skus, families, workshops])
        # A base monthly demand per SKU (lognormal-like), a season, noise: sales of the last two years.
        cur.execute("CREATE TEMP TABLE base AS SELECT sku, exp(3 + random() * 4) AS level FROM products")
        cur.execute("""
            INSERT INTO sales (date, sku, quantity, customer)
            SELECT (?::DATE - INTERVAL (m) MONTH)::DATE, sku,
                   round(level * (1 + 0.2 * sin(m * 0.52)) * (0.7 + random() * 0.6)), 'C1'
            FROM base, range(1, 25) t(m)""", [start])
        cur.execute("""
            INSERT INTO stock (date, sku, on_hand, unit_cost)
            SELECT ?::DATE, sku, round(level * (0.5 + random() * 2)), NULL FROM base""", [AS_OF])
        cur.execute("""
            INSERT INTO forecast_runs VALUES (1, now()::TIMESTAMP, 1, ?, 'month', ?, 'auto', NULL, ?, 1.0, 'ok')""",
                    [AS_OF, months, skus])
        cur.execute("""
            INSERT INTO forecast_values (run_id, sku, period, forecast, lower_80, upper_80)
            SELECT 1, sku, (?::DATE + INTERVAL (m) MONTH)::DATE, f, f * 0.8, f * 1.2
            FROM (SELECT sku, m, round(level * (1 + 0.2 * sin(m * 0.52)) * (0.8 + random() * 0.4), 1) AS f
                  FROM base, range(?) t(m))""", [start, months])
        cur.execute("""
            INSERT INTO forecast_snapshots (cycle, frozen_at, run_id, granularity, sku, period, lag, model,
                                            statistical, final)
            SELECT ?, ?::TIMESTAMP, 0, 'month', sku, (?::DATE + INTERVAL (m) MONTH)::DATE, m, 'ets', f, f
            FROM (SELECT sku, m, round(level * (0.8 + random() * 0.4), 1) AS f FROM base, range(?) t(m))""",
                    [str(Cycle.of(previous)), dt.datetime(2026, 10, 5, 9), previous, months])
        cur.execute("""
            INSERT INTO budget (family, month, quantity, revenue)
            SELECT p.family, (?::DATE + INTERVAL (m) MONTH)::DATE, round(sum(b.level) * 1.05),
                   round(sum(b.level * p.unit_price) * 1.05)
            FROM base b JOIN products p USING (sku), range(-10, 2) t(m) GROUP BY ALL""", [start])
        cur.execute("""
            INSERT INTO production_orders (mo_id, sku, workshop, quantity, planned_start, planned_end,
                                           hours_required, hours_done)
            SELECT 'OF-' || lpad(i::VARCHAR, 6, '0'), p.sku, p.workshop, q, ?::DATE + (i % 56)::INT,
                   ?::DATE + (i % 56)::INT + 5, q * p.hours_per_unit, 0
            FROM (SELECT i, 'SKU-' || lpad(((i * 37) % ?)::VARCHAR, 5, '0') AS sku, 500 + (i % 9) * 250 AS q
                  FROM range(?) t(i)) o JOIN products p USING (sku)""",
                    [AS_OF, AS_OF, skus, workshops * 8 * 2])
        # Headcount so that the workshops carry their average demand at about 95%: some months short.
        cur.execute("""
            UPDATE workshops w SET headcount = ceil(need.hours / (35 * 0.85 * 4.33) / 0.95)
            FROM (SELECT p.workshop, sum(b.level * p.hours_per_unit) AS hours
                  FROM base b JOIN products p USING (sku) GROUP BY ALL) need
            WHERE w.workshop = need.workshop""")
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=5000)
    parser.add_argument("--families", type=int, default=40)
    parser.add_argument("--workshops", type=int, default=10)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "plan.duckdb") as store:
        run_id = build_tenant(store, args.skus, args.families, args.workshops, args.months, args.seed)
        start = Cycle.of(AS_OF).start
        end = next_period(start, "month", args.months)
        inputs = plan_inputs(store, AS_OF, args.months)
        result = balance(inputs)
        table = plan_table(result)
        rows = store.scalar("SELECT count(*) FROM forecast_values")
        print(f"tenant: {len(inputs.skus):,} SKUs, {inputs.skus['family'].nunique()} families, "
              f"{len(inputs.workshops)} workshops, {len(inputs.months)} months, {rows:,} forecast rows, "
              f"{store.scalar('SELECT count(*) FROM production_orders'):,} open OF, "
              f"{store.scalar('SELECT count(*) FROM sales'):,} sales rows; previous cycle {inputs.previous_cycle}")
        print(f"plan: {len(table.families):,} family-month rows, {table.total['units'].sum():,.0f} units, "
              f"{table.total['revenue'].sum():,.0f} €, capacity shortage {result.shortage_hours.sum():,.0f} h "
              f"in {(result.shortage_hours.sum(axis=0) > 0).sum()} months")
        bare = store.query(BARE, [run_id, start, end])
        assert len(bare) == len(table.families)
        assert abs(bare["units"].sum() - table.total["units"].sum()) < 1e-6 * bare["units"].sum()
        bound, bound_runs = median_seconds(lambda: store.query(BARE, [run_id, start, end]), args.repeats)
        print(f"\n{'step':<36}{'median s':>10}{'x bare':>9}   runs (s)")
        steps: dict[str, Callable[[], Any]] = {
            "plan_inputs (store read)": lambda: plan_inputs(store, AS_OF, args.months),
            "balance": lambda: balance(inputs),
            "plan_table": lambda: plan_table(result),
            "plan_inputs + balance + plan_table": lambda: plan_table(balance(plan_inputs(store, AS_OF, args.months))),
        }
        medians = {}
        for name, step in steps.items():
            medians[name], runs = median_seconds(step, args.repeats)
            print(f"{name:<36}{medians[name]:>10.3f}{medians[name] / bound:>9.1f}   "
                  + " ".join(f"{r:.3f}" for r in runs))
        print(f"{'bare DuckDB aggregation':<36}{bound:>10.4f}{1.0:>9.1f}   " + " ".join(f"{r:.4f}" for r in bound_runs))
    total = medians["plan_inputs + balance + plan_table"]
    print("\nVERDICT: " + ("PASS" if total < MAX_SECONDS else "FAIL")
          + f": the plan and its balance {total:.3f} s, {total / bound:.0f}x the bare aggregation "
          f"(target: under {MAX_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
