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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.test_browser import launch, start_server  # noqa: E402 (after the path)

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
TARGET_RATIO = 2.0


def demo_database() -> Path:
    from sop_core.data import Store
    from sop_core.demo import load_demo

    path = Path(tempfile.mkdtemp(prefix="upload_bench_")) / "demo.duckdb"
    with Store(path) as store:
        load_demo(store)
    return path


HEADER = ("order_id", "line", "customer", "sku", "quantity", "order_date", "promised_date")


def orders_export(db: Path, lines: int, xlsx: bool) -> Path:
    """A large orders export, as CSV (DuckDB reads it, mostly outside Python's interpreter lock) or
    as XLSX (openpyxl parses it in Python: the case where a check in the server's own process
    would take the other sessions' share)."""
    from sop_core.data import Store

    with Store(db) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
    rows = ((f"B{i}", "1", f"Client {i % 97}", skus[i % len(skus)], f"{i % 50 + 1},5", "03/11/2026", "20/11/2026")
            for i in range(lines))
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        book.save(path := db.parent / "commandes.xlsx")
        return path
    path = db.parent / "commandes.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(HEADER) + "\n")
        out.writelines(";".join(row) + "\n" for row in rows)
    return path


def view(tab: Any, url: str) -> float:
    """Open home as a new visit and wait until its script stopped running: seconds."""
    started = time.perf_counter()
    tab.goto(f"{url}/?lang=en")
    tab.locator(DONE).wait_for()
    tab.locator("[data-testid='stMetricValue']").first.wait_for()
    return time.perf_counter() - started


def start_import(tab: Any, url: str, export: Path) -> None:
    tab.goto(f"{url}/Data?lang=en")
    tab.locator(DONE).wait_for()
    kind = tab.locator("[data-testid='stSelectbox']").first
    kind.click()
    tab.get_by_role("option", name="Orders", exact=True).click()
    tab.locator("input[type='file']").first.set_input_files(str(export))
    tab.get_by_role("button", name="Check and import").wait_for()
    tab.locator(DONE).wait_for()
    tab.get_by_role("button", name="Check and import").click()
    tab.locator("[data-testid='stProgress']").wait_for()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=800_000)
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--xlsx", action="store_true", help="upload an XLSX workbook instead of a CSV")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    db = demo_database()
    export = orders_export(db, args.lines, args.xlsx)
    print(f"orders export: {export.name}, {args.lines} lines, {export.stat().st_size / 1e6:.1f} MB")
    with start_server(db) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        a, b = browser.new_context().new_page(), browser.new_context().new_page()
        for tab in (a, b):
            tab.set_default_timeout(300_000)
        view(b, url)  # warm the server's caches: the baseline is a warm view
        alone = [view(b, url) for _ in range(args.views)]
        started = time.perf_counter()
        start_import(a, url, export)
        during = []
        while a.locator(RUNNING).count() and len(during) < args.views:
            during.append(view(b, url))
        a.locator(DONE).wait_for()
        took = time.perf_counter() - started
        verdict = a.locator("[data-testid='stAlert']").first.inner_text()
        browser.close()
    ratio = statistics.median(during) / statistics.median(alone) if during else float("nan")
    print("B's home views alone (s):      ", " ".join(f"{s:.2f}" for s in alone))
    print("B's home views during A's import (s):", " ".join(f"{s:.2f}" for s in during))
    print(f"median alone {statistics.median(alone):.2f} s, during {statistics.median(during):.2f} s, "
          f"ratio {ratio:.2f} (target under {TARGET_RATIO}: {'PASS' if ratio < TARGET_RATIO else 'FAIL'})")
    print(f"A's import took {took:.1f} s: {verdict.splitlines()[0][:120]}")


if __name__ == "__main__":
    main()
