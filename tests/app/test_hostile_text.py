"""Text from the data is shown as text, never as Markdown: a customer, a workshop and a scenario
named like Markdown images and links reach no page as markup (the browser would fetch the image's
address; a link would show its label only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_core.data.store import Store
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import save_scenario
from tests.app.conftest import SCREENS, OpenPage
from tests.app.shown_text import TEXT_ELEMENTS

IMAGE = "![img](http://127.0.0.1:9/t.png)"
LINK = "[link](javascript:alert(1))"
MARKUP = ("![img](", "](http", "](javascript")


def name_hostile(db: Path, image: str = IMAGE, link: str = LINK, html: str = "") -> None:
    """Give the demo in `db` its biggest customer named like an image, its busiest workshop like a
    link, its first product (when `html`) like an HTML tag, and a saved scenario named like both."""
    with Store(db) as store:
        customer = store.scalar("SELECT customer FROM orders GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        workshop = store.scalar("SELECT workshop FROM production_orders GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        with store.transaction() as cur:
            for table in ("orders", "sales"):
                cur.execute(f"UPDATE {table} SET customer = ? WHERE customer = ?", [image, customer])
            for table in ("workshops", "products", "production_orders"):
                cur.execute(f"UPDATE {table} SET workshop = ? WHERE workshop = ?", [f"INJ {link}", workshop])
            if html:
                cur.execute("UPDATE products SET name = ? WHERE sku = (SELECT min(sku) FROM products)", [html])
        save_scenario(store, scenario_to_json(Scenario(f"Plan {image}")), "Claire")


@pytest.fixture
def hostile(demo_db: Path) -> Path:
    name_hostile(demo_db)
    return demo_db


def _markup(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text of the run that Streamlit renders as Markdown and still holds raw markup."""
    texts = [str(e.value) for name in TEXT_ELEMENTS for e in getattr(app, name)]
    texts += [m.label for m in app.metric] + [str(link.proto.label) for link in app.get("page_link")]
    return [text for text in texts if any(mark in text for mark in MARKUP)]


@pytest.mark.slow
@pytest.mark.parametrize("screen", SCREENS)
def test_no_page_renders_data_as_markdown(open_page: OpenPage, hostile: Path, screen: str) -> None:
    app = open_page(screen, "en")
    assert _markup(app) == [], screen
