"""An import cancelled from the Data page, in a real browser: the check stops at once, nothing is
written, the page says so, and the import history shows the attempt as interrupted."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from sop_core.data.store import Store
from tests.conftest import CopyDatabase
from tests.e2e.test_browser import ARTIFACTS, launch, new_tab, pytestmark, start_server, upload_as  # noqa: F401
from tests.integration.test_import_apart import _orders

LINES = 400_000


def _checking_children() -> list[str]:
    found = subprocess.run(["pgrep", "-f", "sop_core.imports.checking"], capture_output=True, text=True)
    return found.stdout.split()


@pytest.mark.slow
def test_cancel_stops_the_check_and_writes_nothing(demo_copy: CopyDatabase, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    db = demo_copy("cancel")
    with Store(db) as store:
        skus = store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()
        before = store.row_counts()
    big = _orders(tmp_path / "commandes_big.csv", skus, LINES)
    folders_before = set(Path(tempfile.gettempdir()).glob("sop_check_*"))
    with start_server(db) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        tab = new_tab(browser)
        tab.goto(f"{url}/Data?lang=en")
        try:
            upload_as(tab, "Orders", big)
            tab.get_by_role("button", name="Check and import").click()
            tab.locator("[data-testid='stProgress']").wait_for()
            tab.get_by_role("button", name="Cancel the import").click()
            tab.get_by_text("Import of commandes_big.csv cancelled: nothing was written.").wait_for()
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / "failed_import_cancel.png"), full_page=True)
            raise
        assert _checking_children() == []  # the check was stopped, not left to run
        browser.close()
        with Store(db) as store:
            assert store.row_counts() == before
            assert store.row("SELECT status, file_name FROM import_batches ORDER BY batch_id DESC LIMIT 1") == (
                "interrupted", "commandes_big.csv")
    assert set(Path(tempfile.gettempdir()).glob("sop_check_*")) == folders_before
