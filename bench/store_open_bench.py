"""What sharing the database file costs a page: the reads of a home-page run (the state version,
the as-of, the tiles' history figures) with the file kept open for the whole process (the old
way, baseline), with the connection closed when idle (the product: open at the first call of the
run, closed 0.3 s after the last), and reopened at every call (the worst case: every call finds
the file closed). Prints medians and ratios against the baseline, run in the same process.

    python bench/store_open_bench.py [--db PATH] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import median_seconds
from sop_core.data import Store
from sop_core.data import store as store_module
from sop_core.demo import load_demo
from sop_core.meeting.figures import history_figures


def page_reads(store: Store) -> None:
    """The reads a home-page run makes before its cache answers, and one cycle's history figures."""
    store.state_version()
    day = store.as_of()
    store.row_counts()
    history_figures(store, day)


def measure(db: Path, idle: float, repeats: int, pause: float) -> float:
    """Median seconds of one page's reads, `pause` s after the previous page (the file then closed
    when `pause` > `idle`)."""
    store_module.IDLE_SECONDS = idle
    runs = []
    with Store(db) as store:
        page_reads(store)  # warm the imports and the OS cache
        for _ in range(repeats):
            time.sleep(pause)
            start = time.perf_counter()
            page_reads(store)
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a database to read (default: the demo, loaded in a temp folder)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "demo.duckdb"
        with Store(db) as store:
            load_demo(store)
    kept = measure(db, idle=1e9, repeats=args.repeats, pause=0.5)
    idle_closed = measure(db, idle=0.3, repeats=args.repeats, pause=0.5)
    opened_open = measure(db, idle=0.3, repeats=args.repeats, pause=0.0)
    print(f"{'connection':46} {'median s':>9} {'vs kept':>8}")
    for name, seconds in (("kept open (baseline, the old way)", kept),
                          ("closed when idle, page after a pause (product)", idle_closed),
                          ("closed when idle, pages back to back (product)", opened_open)):
        print(f"{name:46} {seconds:9.3f} {seconds / kept:8.2f}")
    connects = measure_connect(db, args.repeats)
    print(f"one open + migration check + close: {connects * 1000:.1f} ms")


def measure_connect(db: Path, repeats: int) -> float:
    store_module.IDLE_SECONDS = 0.0
    store = Store(db)

    def open_close() -> None:
        store.scalar("SELECT 1")
        store.close()

    return median_seconds(open_close, repeats)[0]


if __name__ == "__main__":
    main()
