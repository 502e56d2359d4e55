"""One user's upload against another user's pages: a real `streamlit run app.py` on the demo, two
browser sessions (Debian's Chromium through Playwright). Session B views home K times alone (the
baseline), then session A imports a large orders export from the Data page and, while A's import
runs, B views home K times again. Prints each view's time, the medians and their ratio (the target:
under 2), and how long A's import took.

The dashboard checks an upload in a child process at a lower priority (`sop_core.imports.checking`),
so B's page runs keep the machine first. The box is noisy: read the ratio, not the times.

    python bench/upload_isolation_bench.py [--lines 800000] [--views 5] [--xlsx]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.test_browser import start_server  # noqa: E402 (after the path)
from tests.e2e.test_upload_isolation import orders_export, views_alone_and_during_import  # noqa: E402

TARGET_RATIO = 2.0


def demo_database() -> Path:
    from sop_core.data import Store
    from sop_core.demo import load_demo

    path = Path(tempfile.mkdtemp(prefix="upload_bench_")) / "demo.duckdb"
    with Store(path) as store:
        load_demo(store)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=800_000)
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--xlsx", action="store_true", help="upload an XLSX workbook instead of a CSV")
    args = parser.parse_args()
    db = demo_database()
    export = orders_export(db, args.lines, args.xlsx)
    print(f"orders export: {export.name}, {args.lines} lines, {export.stat().st_size / 1e6:.1f} MB")
    started = time.perf_counter()
    with start_server(db) as url:
        alone, during, verdict = views_alone_and_during_import(url, export, args.views)
    took = time.perf_counter() - started
    ratio = statistics.median(during) / statistics.median(alone) if during else float("nan")
    print("B's home views alone (s):      ", " ".join(f"{s:.2f}" for s in alone))
    print("B's home views during A's import (s):", " ".join(f"{s:.2f}" for s in during))
    print(f"median alone {statistics.median(alone):.2f} s, during {statistics.median(during):.2f} s, "
          f"ratio {ratio:.2f} (target under {TARGET_RATIO}: {'PASS' if ratio < TARGET_RATIO else 'FAIL'})")
    print(f"server start, B's views and A's import took {took:.1f} s: {verdict.splitlines()[0][:120]}")


if __name__ == "__main__":
    main()
