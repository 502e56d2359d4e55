"""A real browser (Debian's Chromium through Playwright) against `streamlit run app.py`."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit

from sop_core.data.store import DB_PATH_ENV
from tests.conftest import PROJECT_ROOT, CopyDatabase
from tests.serving import CHROMIUM as CHROMIUM_PATH
from tests.serving import CHROMIUM_ARGS, free_port, wait_healthy

CHROMIUM = Path(CHROMIUM_PATH)
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
STREAMLIT_FONTS = Path(streamlit.__file__).parent / "static" / "static" / "media"
pytestmark = [
    pytest.mark.e2e,
    # In CI the browser test must run: a missing Chromium fails there instead of skipping.
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless (Playwright's own browser download does not work offline)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_tab(browser: Any, size: tuple[int, int] = (1280, 900), timeout_ms: int = 90_000) -> Any:
    """A tab of its own (own cookies and storage) whose web fonts come from Streamlit's files on disk.

    Grids and Vega charts measure their text once, in whatever font is there: a font that the server
    sends late (it serves files between script runs, under the GIL) would make the drawing, its
    hidden axis labels and its snapshot depend on the machine's load."""
    tab = browser.new_page(viewport={"width": size[0], "height": size[1]})
    tab.set_default_timeout(timeout_ms)
    tab.route("**/static/media/*.woff2", _font_from_disk)
    return tab


def upload_as(tab: Any, kind: str, path: Path) -> None:
    """On the Data page: choose what the file holds (`kind`, as the list names it), then give the file.
    The choice reruns the page: the file is given once that run is over, or it lands in the widget of
    the run being replaced and is lost (seen on a loaded machine)."""
    from playwright.sync_api import expect

    chooser = tab.locator("[data-testid='stSelectbox']").first
    chooser.click()
    tab.get_by_role("option", name=kind, exact=True).click()
    expect(chooser.locator("input")).to_have_value(kind)
    tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    tab.locator("input[type='file']").first.set_input_files(str(path))


def _font_from_disk(route: Any) -> None:
    font = STREAMLIT_FONTS / route.request.url.rsplit("/", 1)[-1]
    if font.is_file():
        route.fulfill(path=str(font), headers={"Content-Type": "font/woff2"})
    else:  # a Streamlit release that names its fonts otherwise: the server sends them
        route.fallback()


@contextlib.contextmanager
def start_server(db: Path) -> Iterator[str]:
    """`streamlit run app.py` on the database `db` (a copy of the demo), on a free port, until the block ends."""
    port = free_port()
    env = {**os.environ, DB_PATH_ENV: str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def server(demo_copy: CopyDatabase) -> Iterator[str]:
    with start_server(demo_copy("e2e")) as url:
        yield url


@pytest.fixture
def page(server: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield new_tab(browser, timeout_ms=60_000)
        browser.close()


def test_home_page_renders_title_and_kpis(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/?lang=en")
    page.get_by_role("heading", name="S&OP — PIC/PDP").wait_for()
    kpis = page.locator(".st-key-kpi-area [data-testid='stMetric']")
    kpis.first.wait_for()
    assert kpis.count() >= 6
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_uploading_a_bad_file_shows_row_column_and_fix(page, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "stock_bad.csv"
    bad.write_text("date;sku;on_hand\n31/01/2026;INJ-1001;-5\n", encoding="utf-8")

    copies_before = set(Path(tempfile.gettempdir()).glob("sop_upload_*"))
    page.goto(f"{server}/Data?lang=en")
    page.get_by_text("What does the file hold?").wait_for()
    try:
        upload_as(page, "Stock", bad)
        page.get_by_role("button", name="Check and import").click()
        error = page.locator("[data-testid='stAlert']").filter(has_text="refused")
        error.wait_for()
    except AssertionError:
        raise
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "failed_data_bad_upload.png"), full_page=True)
        raise
    table_text = page.locator("[data-testid='stTable']").last.inner_text()
    # One temporary copy of the refused upload, kept for a new try, however many runs the page made.
    copies = set(Path(tempfile.gettempdir()).glob("sop_upload_*")) - copies_before
    assert len(copies) == 1 and (copies.pop() / "stock_bad.csv").exists()
    assert "stock_bad.csv" in error.inner_text()
    assert "on_hand is negative" in table_text and "use a value of at least 0" in table_text
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data_bad_upload.png"), full_page=True)


def test_forecast_page_runs_and_draws_the_chart(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/Forecast?lang=en")
    page.get_by_text("Recompute the forecast (all SKUs)").wait_for()
    page.get_by_role("button", name="Run the forecast now").click()
    page.get_by_text("Models chosen across the SKUs").wait_for(timeout=120_000)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for()
    assert chart.bounding_box()["height"] > 200
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "forecast.png"), full_page=True)


@pytest.mark.parametrize(("path", "tile"),
                         [("Service_rate", "OTIF (lines)"), ("Stock_rotation", "Stock value (at cost)"),
                          ("Production_delays", "INJECTION")])
def test_kpi_pages_draw_tiles_and_charts(page, server: str, path: str, tile: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/{path}?lang=en")
    page.locator("[data-testid='stMetric']").filter(has_text=tile).wait_for(timeout=60_000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.nth(2).wait_for()  # the page draws its charts one after another: wait for the third
    assert charts.count() >= 3 and charts.first.bounding_box()["height"] > 200
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{path.lower()}.png"), full_page=True)
