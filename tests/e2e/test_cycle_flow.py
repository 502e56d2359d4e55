"""The month after month of an S&OP lead, in a real browser, in one session: November's sales are
uploaded on the Data page, the offered cycle 2026-12 is opened, the forecast is run and frozen on
the Forecast page, the pack is issued from home, and the closed November reads back from the
sidebar with the figures its meeting saw."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sop_core.common.periods import Cycle
from sop_core.data.cycles import open_cycle
from sop_core.data.store import Store
from sop_core.meeting.cycle import close_cycle
from sop_core.meeting.executive import tile_text
from tests.conftest import CopyDatabase
from tests.e2e.test_browser import ARTIFACTS, launch, new_tab, pytestmark, start_server, upload_as  # noqa: F401

NAME = "Your name (recorded with each step)"


@pytest.fixture
def november(demo_copy: CopyDatabase) -> tuple[Path, list[str], list[str]]:
    """The demo with cycle 2026-11 opened and closed; (database, three SKUs, November's tile values)."""
    path = demo_copy("flow")
    with Store(path) as store:
        open_cycle(store, Cycle(2026, 11), store.as_of(), "Claire")
        shown = close_cycle(store, Cycle(2026, 11), "Claire")
        skus = store.query("SELECT sku FROM products ORDER BY sku LIMIT 3")["sku"].tolist()
    return path, skus, [tile_text(tile, "en").value for tile in shown.tiles]


@pytest.fixture
def tab(november: tuple[Path, list[str], list[str]]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with start_server(november[0]) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        opened = new_tab(browser)
        opened.goto(f"{url}/Data?lang=en")
        yield opened
        browser.close()


def _idle(tab: Any) -> None:
    tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def _go(tab: Any, page: str) -> None:
    """A sidebar link, as a user clicks it: the session (and what it remembers) goes on."""
    tab.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").filter(
        has=tab.get_by_text(page, exact=True)).click()
    _idle(tab)


def _name(tab: Any) -> None:
    field = tab.get_by_label(NAME)
    if field.input_value() != "Claire":
        field.fill("Claire")
        field.press("Enter")
        _idle(tab)


@pytest.mark.slow
def test_a_month_of_the_cycle_from_upload_to_look_back(tab: Any, november: tuple[Path, list[str], list[str]],
                                                      tmp_path: Path) -> None:
    _, skus, november_tiles = november

    sales = tmp_path / "ventes_novembre.csv"
    lines = "".join(f"{day:02d}/11/2026;{sku};{100 + day},5;Électro-Distribution Centre\r\n"
                    for day in (3, 16, 30) for sku in skus)
    sales.write_bytes(("Date facture;Code article;Qté;Client\r\n" + lines).encode("cp1252"))
    copies_before = set(Path(tempfile.gettempdir()).glob("sop_upload_*"))
    try:
        upload_as(tab, "Sales", sales)
        tab.get_by_role("button", name="Check and import").click()
        tab.locator("[data-testid='stAlert']").filter(has_text="ventes_novembre.csv").wait_for()
        _idle(tab)
        _name(tab)
        tab.get_by_role("button", name="Open cycle 2026-12").click()
        tab.get_by_text("Cycle 2026-12 opened.").wait_for()
        # The upload's one temporary copy went with its import, whatever the reruns since.
        assert not set(Path(tempfile.gettempdir()).glob("sop_upload_*")) - copies_before

        _go(tab, "Forecast")
        tab.get_by_role("button", name="Run the forecast now").click()
        tab.get_by_text("Models chosen across the SKUs").wait_for(timeout=180_000)
        _idle(tab)
        _name(tab)  # remembered from the Data page: nothing to type again
        tab.get_by_role("button", name="Freeze the cycle's forecast").click()
        tab.get_by_text("Forecast frozen (").wait_for()

        _go(tab, "Home")
        tab.get_by_role("button", name="Prepare the pack of cycle 2026-12 (PDF and Excel)").click()
        tab.get_by_role("button", name="⬇ PDF").wait_for(timeout=120_000)
        _idle(tab)
        steps = tab.locator("[data-testid='stMarkdownContainer']").all_inner_texts()

        cycle_choice = tab.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
        # The sidebar scrolls: brought to its middle, as a user scrolls to it, the list opens in view.
        cycle_choice.evaluate("element => element.scrollIntoView({block: 'center'})")
        cycle_choice.click()
        tab.get_by_role("option", name="Cycle 2026-11", exact=True).click()
        tab.get_by_text("Cycle 2026-11 is closed (data as of 02 Nov 2026)").wait_for()
        _idle(tab)
        values = tab.locator(".st-key-kpi-area [data-testid='stMetricValue']").all_inner_texts()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "failed_cycle_flow.png"), full_page=True)
        raise
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "cycle_flow_look_back.png"), full_page=True)
    assert [value.replace("\xa0", " ") for value in values] == [v.replace("\xa0", " ") for v in november_tiles]
    assert tab.locator("[data-testid='stException']").count() == 0
    # December's steps as home showed them once the pack was issued (the server holds the database).
    for step in ("Data collected", "Demand review: forecast frozen", "Follow-up: meeting pack issued"):
        assert any(text.startswith(f"✔ {step} — done on") for text in steps), step
    assert any(text.startswith("✔ Demand review: forecast frozen — done on") and text.endswith("by Claire")
               for text in steps)
