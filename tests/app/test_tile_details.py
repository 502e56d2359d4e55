"""Every home tile's "Détail" link opens a page on the tile's own window (period, month, every
family and customer), where the same figure is shown: the meeting never sees two numbers for one KPI."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl

from sop_core.data import Store
from sop_core.meeting import KPI_CODES
from sop_core.meeting.executive import cycle_tiles, tile_text
from tests.app.conftest import PAGES, OpenPage

# Where each tile's figure stands on the page its link opens (the page's metric, in English).
PAGE_FIGURE = {"forecast_accuracy": "Accuracy (1 − WAPE)", "forecast_bias": "Bias", "service_otif": "OTIF (lines)",
               "stock_days": "Days of inventory", "stock_at_risk": "Stock at risk",
               "red_orders": "Late manufacturing orders (red)", "load_4w": "Load · next 4 weeks"}


def page_file(url_path: str) -> str:
    """The script a link's address names ("Service_rate" -> "pages/4_Service_rate.py")."""
    return next(page for page in PAGES if Path(page).stem.split("_", 1)[1] == url_path)


def figure(text: str) -> float:
    """The number a metric writes ("+1.8%", "−2.5%", "65 days", "1,921,615 €"), whatever its unit."""
    digits = re.sub(r"[^0-9.\-]", "", text.replace("−", "-").replace(",", ""))
    return float(digits)


def test_every_tile_link_opens_a_page_showing_the_same_figure(open_page: OpenPage, demo_db: Path) -> None:
    home = open_page("app.py", "en")
    links = [link.proto for link in home.get("page_link") if link.proto.label == "Details"]
    assert len(links) == len(KPI_CODES) == len(PAGE_FIGURE)
    with Store(demo_db) as store:
        tiles = cycle_tiles(store, store.as_of())
    assert {tile.code: tile.window.get("period") for tile in tiles if "period" in tile.window} == {
        "service_otif": "3m", "stock_days": "all", "stock_at_risk": "all"}
    for tile, link in zip(tiles, links, strict=True):
        shown = {m.label: m.value for m in home.metric}[tile_text(tile, "en").label]
        query = dict(parse_qsl(link.query_string))
        assert query == tile.window
        page = open_page(page_file(link.page), "en", **query)
        on_page = {m.label: m.value for m in page.metric}[PAGE_FIGURE[tile.code]]
        assert figure(on_page) == figure(shown), (tile.code, on_page, shown)


def test_a_link_sets_the_window_once_then_the_reader_chooses(open_page: OpenPage) -> None:
    page = open_page("pages/4_Service_rate.py", "en", period="3m")
    assert page.selectbox(key="filter_period").value == "3m"
    assert "period" not in page.query_params  # dropped: the reader's own choice holds from here
    page.selectbox(key="filter_period").set_value("6m").run()
    assert page.selectbox(key="filter_period").value == "6m"
