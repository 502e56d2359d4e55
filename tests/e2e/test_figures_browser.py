"""In a real browser: the compared figures of What-if are legible from the back of the room in
meeting mode (cells of 18 px or more), and no home tile's change is cut short, in meeting mode at
the projector's small size nor at 1440x900 with the sidebar (where "(recalculé)" ended in "…")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import CopyDatabase
from tests.e2e.test_browser import launch, new_tab, pytestmark, start_server  # noqa: F401

# Tile changes whose text is wider than their box (Streamlit then ends them with "…").
CUT_DELTAS = """[...document.querySelectorAll('.st-key-kpi-area [data-testid="stMetricDelta"] *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
TABLE_CELL_SIZES = """[...document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th')]
    .map(e => parseFloat(getComputedStyle(e).fontSize))"""


@pytest.fixture(scope="module")
def tab_at(demo_copy: CopyDatabase) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with start_server(demo_copy("figures")) as url, sync_playwright() as playwright:
        browser = launch(playwright)

        def opened(path: str, width: int, height: int) -> Any:
            tab = new_tab(browser, (width, height))
            tab.goto(url + path)
            tab.locator("h1").first.wait_for()
            tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
            return tab

        yield opened
        browser.close()


def test_compared_figures_are_large_in_meeting_mode(tab_at: Any) -> None:
    tab = tab_at("/What_if?lang=fr&meeting=1", 1280, 720)
    tab.locator('[data-testid="stTable"] td').first.wait_for()
    sizes = tab.evaluate(TABLE_CELL_SIZES)
    assert sizes and min(sizes) >= 18, sizes


@pytest.mark.parametrize(("query", "size"), [("?lang=fr&meeting=1", (1280, 720)), ("?lang=fr", (1440, 900))])
def test_no_tile_change_is_cut(tab_at: Any, query: str, size: tuple[int, int]) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab = tab_at(f"/{query}", *size)
    tab.locator('.st-key-kpi-area [data-testid="stMetricDelta"]').first.wait_for()
    # A waiting assertion: on a loaded 2-core machine the tiles' style lands a moment after them.
    with contextlib.suppress(PlaywrightTimeout):
        tab.wait_for_function(f"({CUT_DELTAS}).length === 0", timeout=20_000)
    assert tab.evaluate(CUT_DELTAS) == []
