"""Names from the data never make the browser fetch anything: every page is walked in Chromium with
every customer, a workshop, a product and a scenario named like Markdown images, links and HTML tags
that point at a local listener, which must receive no request; and no element of any page points
at it (a link is not fetched until clicked, so it is looked for in the page)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from sop_core.data.store import Store
from tests.app.test_hostile_text import name_hostile
from tests.conftest import CopyDatabase
from tests.e2e.test_browser import ARTIFACTS, launch, new_tab, pytestmark, start_server  # noqa: F401
from tests.e2e.test_every_page import SCREENS
from tests.serving import free_port

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Every address an element of the page would fetch or open.
POINTERS = """address => [...document.querySelectorAll('[src], [href], [srcset], [action]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset') || e.getAttribute('action'))
    .filter(value => value && value.includes(address))"""


class _Counting(http.server.BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # the standard library's name
        self.paths.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:  # quiet
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every path asked of it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Counting)
    _Counting.paths = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Counting.paths
    server.shutdown()


@pytest.mark.slow
def test_no_page_makes_the_browser_fetch_a_name(demo_copy: CopyDatabase, listener: tuple[str, list[str]]) -> None:
    from playwright.sync_api import sync_playwright

    address, asked = listener
    db = demo_copy("hostile_browser")
    name_hostile(db, image=f"![img]({address}/md-image.png)", link=f"[link]({address}/md-link)",
                 html=f'<img src="{address}/html-image.png"><script src="{address}/s.js"></script>')
    with Store(db) as store, store.transaction() as cur:  # every customer, whichever a page names
        for table in ("orders", "sales"):
            cur.execute(f"UPDATE {table} SET customer = ? || customer", [f"![c]({address}/customer.png) "])
    with start_server(db) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        tab = new_tab(browser)
        for lang in ("fr",):  # the names are the same in either language; French is the default
            for page in SCREENS.values():
                tab.goto(f"{url}/{page}?lang={lang}")
                tab.locator(DONE).wait_for()
                tab.wait_for_load_state("networkidle")
                if tab.locator("[data-testid='stException']").count():
                    ARTIFACTS.mkdir(exist_ok=True)
                    tab.screenshot(path=str(ARTIFACTS / f"hostile_{page or 'home'}.png"), full_page=True)
                assert tab.locator("[data-testid='stException']").count() == 0, page
                assert tab.evaluate(POINTERS, address) == [], f"{page or 'home'} ({lang}) points at a name's address"
        assert asked == [], "the browser fetched addresses written in the data"
        # The listener does hear this browser: a fetch the test makes itself is counted.
        tab.evaluate("address => fetch(address + '/probe', {mode: 'no-cors'})", address)
        tab.wait_for_timeout(500)
        browser.close()
    assert asked == ["/probe"]
