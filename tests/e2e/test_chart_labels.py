"""Charts read from the back of the room: in meeting mode at the projector's sizes, Vega's drawing
(SVG: Streamlit's default renderer below 2,000 marks) names every workshop of the load heatmap and
every customer of the worst-OTIF chart, none dropped or cut, and the service trend's time axis
reads months, not days."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sop_core.common.i18n import CHART_LOCALES, translate
from sop_core.data.store import Store
from tests.e2e.test_browser import ARTIFACTS, pytestmark  # noqa: F401
from tests.e2e.test_every_page import PROJECTOR_SIZES, _open

# The labels Vega shows on each axis of the chart titled `title` (SVG), and its bar count: labels
# Vega hid for overlapping carry opacity 0.
AXIS_LABELS = """title => {
    const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].find(c =>
        [...c.querySelectorAll('.role-title text')].some(t => t.textContent === title));
    if (!chart || !chart.querySelector('svg')) return null;
    const shown = axis => [...chart.querySelectorAll('g.role-axis')]
        .filter(g => (g.getAttribute('aria-label') || '').startsWith(axis + '-axis'))
        .flatMap(g => [...g.querySelectorAll('.role-axis-label text')])
        .filter(t => t.getAttribute('opacity') !== '0' && t.textContent)
        .map(t => t.textContent);
    return {x: shown('X'), y: shown('Y'), bars: chart.querySelectorAll('.role-mark.mark-rect path').length};
}"""
FRENCH_MONTH = re.compile("^({}) \\d{{4}}$".format("|".join(
    re.escape(month) for month in CHART_LOCALES["fr"]["time"]["shortMonths"])))


def _axis_labels(tab: Any, title: str) -> dict[str, Any]:
    tab.wait_for_function(f"({AXIS_LABELS})({title!r}) !== null")
    labels: dict[str, Any] = tab.evaluate(AXIS_LABELS, title)
    return labels


def _in_meeting_mode(browser: Any, site: str, screen: str, size: tuple[int, int], check: Any) -> None:
    tab = _open(browser, f"{site}/{screen}?lang=fr&meeting=1", size)
    try:
        check(tab)
    except AssertionError:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"failed_labels_{screen}_{size[0]}x{size[1]}.png"), full_page=True)
        raise
    finally:
        tab.close()


@pytest.mark.parametrize("size", PROJECTOR_SIZES)
def test_the_load_heatmap_names_every_workshop(browser: Any, site: str, demo_db_template: Path,
                                               size: tuple[int, int]) -> None:
    with Store(demo_db_template) as store:
        workshops = set(store.query("SELECT workshop FROM workshops")["workshop"])

    def check(tab: Any) -> None:
        labels = _axis_labels(tab, translate("production.chart.heatmap", "fr"))
        assert sorted(labels["y"]) == sorted(workshops)
        assert labels["x"] and all(re.fullmatch(r"S\d\d", week) for week in labels["x"])

    _in_meeting_mode(browser, site, "Production_delays", size, check)


@pytest.mark.parametrize("size", PROJECTOR_SIZES)
def test_the_service_page_names_every_customer_and_reads_months(browser: Any, site: str,
                                                                size: tuple[int, int]) -> None:
    def check(tab: Any) -> None:
        worst = _axis_labels(tab, translate("service.chart.worst", "fr",
                                            dimension=translate("service.dimension.customer", "fr")))
        assert worst["bars"] > 10 and len(set(worst["y"])) == worst["bars"]  # a name per bar, none hidden
        assert not [name for name in worst["y"] if name.endswith("…")]  # none cut short
        months = _axis_labels(tab, translate("service.chart.trend", "fr"))["x"]
        assert len(months) >= 6 and [m for m in months if not FRENCH_MONTH.match(m)] == []

    _in_meeting_mode(browser, site, "Service_rate", size, check)
