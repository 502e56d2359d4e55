"""Import benchmark: the product's validated import of a large French orders CSV vs bare DuckDB.

    python bench/import_bench.py [--rows 1000000] [--skus 5000] [--encoding utf-8|cp1252]

Generates (seeded) an orders file and a matching products file in a temp dir, then times, each in
a fresh subprocess so the peak RSS (which includes DuckDB's native memory) belongs to one path:

* product: `import_files` of the orders file into a fresh store, validation on (the products file
  is imported first, timed separately);
* baseline (raw): `CREATE TABLE orders AS SELECT * FROM read_csv(path, delim=';', header=true)`
  (plus `encoding='latin-1'` for a cp1252 file, DuckDB having no cp1252 decoder);
* baseline (typed): the same with `decimal_separator=','` and `dateformat='%d/%m/%Y'`, so quantities
  and dates come out typed like the product's: the fair comparison, and the one the verdict uses.

Every timing includes opening the database file and closing it (the checkpoint to disk). Each
measurement runs `--repeats` times in alternating order; the table shows medians. It is a
measurement, not a test: it exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 2.5
PATHS = ("product", "baseline_raw", "baseline_typed")
ORDERS_HEADER = ("order_id;line;customer;sku;quantity;order_date;promised_date;delivered_date;"
                 "delivered_quantity")
CUSTOMERS = ("Dupont Mécanique", "Société Générale d'Usinage", "Ateliers Lefèvre", "Durand & Fils",
             "Plasturgie Côte d'Or", "Forges de l'Est", "Électro Rhône", "Menuiserie Bérard")


@functools.cache  # a few hundred distinct days: formatting them once halves the generation time
def _fr_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _fr_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def write_products(path: Path, skus: list[str], encoding: str, rng: random.Random) -> None:
    with path.open("w", encoding=encoding, newline="") as out:
        out.write("Référence;Désignation;Famille;Coût unitaire;Prix de vente\r\n")
        for i, sku in enumerate(skus):
            cost = round(rng.uniform(0.5, 200), 2)
            out.write(f"{sku};Pièce n°{i};F{i % 40:02d};{_fr_number(cost)};"
                      f"{_fr_number(round(cost * rng.uniform(1.2, 2.5), 2))}\r\n")


def _order_line(order: int, line: int, customer: str, sku: str, ordered: dt.date,
                rng: random.Random) -> str:
    # One line in five has a decimal-comma quantity ("12,5"); one in ten is still open.
    quantity = rng.randint(1, 400) + (0.5 if rng.random() < 0.2 else 0.0)
    promised = ordered + dt.timedelta(days=rng.randint(3, 45))
    if rng.random() < 0.1:
        delivered, delivered_qty = "", ""
    else:
        delivered = _fr_date(max(ordered, promised + dt.timedelta(days=rng.randint(-5, 10))))
        delivered_qty = _fr_number(quantity if rng.random() < 0.9 else quantity // 2)
    return (f"C{order:07d};{line};{customer};{sku};{_fr_number(quantity)};{_fr_date(ordered)};"
            f"{_fr_date(promised)};{delivered};{delivered_qty}\n")


def write_orders(path: Path, rows: int, skus: list[str], encoding: str, rng: random.Random) -> None:
    start = dt.date(2024, 1, 1)
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(ORDERS_HEADER + "\n")
        written, order = 0, 0
        while written < rows:
            order += 1
            customer = rng.choice(CUSTOMERS)
            ordered = start + dt.timedelta(days=rng.randint(0, 760))
            lines = [_order_line(order, n, customer, rng.choice(skus), ordered, rng)
                     for n in range(1, min(rng.randint(1, 8), rows - written) + 1)]
            out.write("".join(lines))
            written += len(lines)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads, DuckDB's included
    return usage.ru_utime + usage.ru_stime


def _product(db: Path, orders: Path, products: Path) -> tuple[float, float, int, float]:
    """(seconds, CPU seconds, rows stored, products import seconds) for the product path."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sop_core.data.store import Store
    from sop_core.imports.ingest import FileToImport, import_files

    store = Store(db)
    started = time.perf_counter()
    first = import_files(store, [FileToImport("products", products)])
    products_seconds = time.perf_counter() - started
    cpu, started = _cpu_seconds(), time.perf_counter()
    outcome = import_files(store, [FileToImport("orders", orders)])
    store.close()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    for report in first.reports + outcome.reports:
        if not report.ok:
            print(report.summary(), *report.lines()[:5], sep="\n", file=sys.stderr)
    with Store(db) as store:
        return seconds, cpu, store.row_counts()["orders"], products_seconds


def _baseline(db: Path, orders: Path, typed: bool, encoding: str) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, rows stored, typed columns) for bare DuckDB."""
    import duckdb

    options = "delim=';', header=true" + (", encoding='latin-1'" if encoding == "cp1252" else "")
    if typed:
        options += ", decimal_separator=',', dateformat='%d/%m/%Y'"
    cpu, started = _cpu_seconds(), time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE orders AS SELECT * FROM read_csv(?, {options})", [str(orders)])
    con.close()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM orders").fetchall()[0][0]
        typed_columns = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'orders' "
            "AND data_type IN ('DOUBLE', 'DATE', 'BIGINT')").fetchall()[0][0]
    return seconds, cpu, stored, typed_columns


def measure(path: str, orders: Path, products: Path, work: Path, encoding: str) -> dict[str, float]:
    """One measurement in this (fresh) process: seconds, CPU seconds, peak RSS (MB), rows stored.

    Every timing includes opening the database file and closing it (the checkpoint to disk)."""
    db = work / f"{path}.duckdb"
    db.unlink(missing_ok=True)
    if path == "product":
        seconds, cpu, stored, extra = _product(db, orders, products)
    else:
        seconds, cpu, stored, extra = _baseline(db, orders, path == "baseline_typed", encoding)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "stored": stored, "extra": extra}


def run_in_subprocess(
    path: str, orders: Path, products: Path, work: Path, encoding: str
) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", path, "--orders", str(orders),
               "--products", str(products), "--work", str(work), "--encoding", encoding]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def report(rows: int, results: dict[str, list[dict[str, float]]]) -> None:
    product = _median(results["product"], "seconds")
    print(f"\n{'path':<16}{'rows stored':>12}{'median s':>10}{'runs (s)':>18}{'CPU s':>8}"
          f"{'peak RSS MB':>13}{'product/this':>14}")
    for path in PATHS:
        runs = results[path]
        seconds = _median(runs, "seconds")
        stored = "/".join(str(n) for n in sorted({int(r["stored"]) for r in runs}))
        each = " ".join(f"{r['seconds']:.2f}" for r in runs)
        print(f"{path:<16}{stored:>12}{seconds:>10.2f}{each:>18}{_median(runs, 'cpu'):>8.2f}"
              f"{max(r['peak_mb'] for r in runs):>13.0f}{product / seconds:>14.2f}")
    print(f"(products file, imported first and not in the ratio: "
          f"{_median(results['product'], 'extra'):.2f} s; the typed baseline has "
          f"{int(results['baseline_typed'][0]['extra'])} numeric/date columns)")
    ratio = product / _median(results["baseline_typed"], "seconds")
    all_stored = all(int(r["stored"]) == rows for runs in results.values() for r in runs)
    verdict = "PASS" if ratio <= TARGET_RATIO and all_stored else "FAIL"
    why = "" if all_stored else f" (not every path stored {rows} rows)"
    print(f"\nVERDICT: {verdict}: product / typed baseline = {ratio:.2f} "
          f"(target <= {TARGET_RATIO}){why}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skus", type=int, default=5_000)
    parser.add_argument("--encoding", choices=("utf-8", "cp1252"), default="utf-8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--measure", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--orders", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--products", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.orders, args.products, args.work, args.encoding)))
        return 0
    with tempfile.TemporaryDirectory(prefix="sop_bench_") as tmp:
        work = Path(tmp)
        rng = random.Random(args.seed)
        skus = [f"SKU{i:05d}" for i in range(args.skus)]
        orders, products = work / "orders.csv", work / "products.csv"
        started = time.perf_counter()
        write_products(products, skus, args.encoding, rng)
        write_orders(orders, args.rows, skus, args.encoding, rng)
        print(f"generated {args.rows} order lines, {args.skus} SKUs ({args.encoding}, "
              f"{orders.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        results: dict[str, list[dict[str, float]]] = {path: [] for path in PATHS}
        for repeat in range(args.repeats):
            for path in PATHS if repeat % 2 == 0 else PATHS[::-1]:
                result = run_in_subprocess(path, orders, products, work, args.encoding)
                results[path].append(result)
                print(f"  run {repeat + 1} {path:<15} {result['seconds']:6.2f} s  "
                      f"{result['peak_mb']:5.0f} MB  {int(result['stored'])} rows", flush=True)
        report(args.rows, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
