"""The dashboard and a cron import share one database file: real `streamlit run`, real CLI
processes, a real browser. Round after round a page is viewed in Chromium while `import` runs, and
an `import` runs while a page is viewed: every import exits 0, every page shows no exception, and
the data holds exactly the snapshots imported so far."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sop_core.data.store import Store
from tests.conftest import PROJECT_ROOT, CopyDatabase
from tests.e2e.test_browser import ARTIFACTS, launch, new_tab, pytestmark, start_server  # noqa: F401

ROUNDS = 20
PAGES = ("", "Service_rate", "Stock_rotation", "Data")


@pytest.fixture
def shared(demo_copy: CopyDatabase) -> tuple[Path, list[str], int]:
    """(database, SKUs, stock rows): the demo, its first 40 SKUs and how many stock rows it holds."""
    path = demo_copy("team")
    with Store(path) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku LIMIT 40")["sku"].tolist()
        rows = int(store.scalar("SELECT count(*) FROM stock"))
    return path, skus, rows


@pytest.fixture
def tab(shared: tuple[Path, list[str], int]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with start_server(shared[0]) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        opened = new_tab(browser, timeout_ms=120_000)
        opened.base_url = url  # type: ignore[attr-defined]
        yield opened
        browser.close()


def _cli(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SOP_DB_WAIT": "120"}
    return subprocess.Popen([sys.executable, "-m", "sop_core", *args, "--db", str(db), "--lang", "en"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _snapshot(folder: Path, day: dt.date, skus: list[str]) -> Path:
    """A stock snapshot of `day` as the ERP writes it: `;`, dd/mm/yyyy, decimal comma."""
    path = folder / f"stock_{day:%Y%m%d}.csv"
    path.write_text("date;sku;on_hand\n" + "".join(f"{day:%d/%m/%Y};{sku};{10 + i},5\n" for i, sku in enumerate(skus)),
                    encoding="cp1252")
    return path


def _view(tab: Any, page: str) -> None:
    """Open `page` and wait until its script has run to the end."""
    tab.goto(f"{tab.base_url}/{page}?lang=en")
    tab.locator("h1").first.wait_for()
    tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


@pytest.mark.slow
def test_cron_imports_and_page_views_share_the_database(tab: Any, shared: tuple[Path, list[str], int],
                                                        tmp_path: Path) -> None:
    db, skus, rows = shared
    failures: list[str] = []
    for round_ in range(ROUNDS):
        day = dt.date(2026, 9, 1) + dt.timedelta(days=round_)
        page = PAGES[round_ % len(PAGES)]
        if round_ % 2:  # a page view while the import runs...
            importing = _cli(db, "import", "stock", str(_snapshot(tmp_path, day, skus)))
            _view(tab, page)
        else:  # ...and an import while the page is being viewed
            tab.goto(f"{tab.base_url}/{page}?lang=en")
            importing = _cli(db, "import", "stock", str(_snapshot(tmp_path, day, skus)))
            tab.locator("h1").first.wait_for()
            tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
        _, err = importing.communicate(timeout=180)
        if importing.returncode != 0:
            failures.append(f"round {round_}: import exit {importing.returncode}: {err.strip()[-300:]}")
        if tab.locator("[data-testid='stException']").count():
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"team_round_{round_}.png"), full_page=True)
            failures.append(f"round {round_}: exception on /{page}")
        with Store(db, wait=120) as reader:  # a third process's turn: the test's own
            counted = int(reader.scalar("SELECT count(*) FROM stock"))
        if counted != rows + len(skus) * (round_ + 1):
            failures.append(f"round {round_}: {counted} stock rows, {rows + len(skus) * (round_ + 1)} expected")
    assert failures == []
