"""Every page in a real browser, in French and in English, and in meeting mode at the projector's
sizes in both languages: no exception element, the title in the chosen language; in meeting mode no
sidebar, no horizontal scrolling, no "None"/"nan"/"NaT", no number with more than 3 decimals, no
table text under 18 px, no tile value or change cut short, no category axis showing fewer labels
than it has categories (read from Vega's SVG), and the picture of the screens without clock-dependent
text compared with its baseline (`snapshots`). Screenshots of the home page go to test-artifacts/."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sop_core.common.i18n import LANGUAGES, translate
from tests.app.test_pages import PAGES
from tests.conftest import PROJECT_ROOT, CopyDatabase
from tests.e2e.snapshots import assert_snapshot, changed_share
from tests.e2e.test_browser import ARTIFACTS, new_tab, pytestmark, start_server  # noqa: F401

SCREENS = {"app.py": "", **{page: Path(page).stem.split("_", 1)[1] for page in PAGES}}
TITLE_KEY = re.compile(r'page_setup\("([^"]+)"')
PROJECTOR_SIZES = ((1280, 720), (1920, 1080))
# The text of every tile value, tile change or meeting-bar label that does not fit its box (Streamlit
# then ends it with "…").
TRUNCATED_VALUES = """[...document.querySelectorAll('[data-testid="stMetricValue"] *, '
        + '[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"], '
        + '.st-key-meeting-bar [data-testid="stMarkdownContainer"]')]
    .filter(e => (e.children.length === 0 || e.dataset.testid === "stMarkdownContainer")
                 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
# Meeting-bar labels that take more than one line (a word split as "Productio / n").
# What a reader at the back of the room must never see (in meeting mode): empty values written as
# code, raw floats, table text too small, and category axes whose labels Vega hid or cut.
ILLEGIBLE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const text = main.innerText;
    const axes = [...main.querySelectorAll('g.role-axis')].map(axis => {
        const scale = /discrete scale with (\\d+) value/.exec(axis.getAttribute('aria-label') || '');
        const shown = [...axis.querySelectorAll('.role-axis-label text')]
            .filter(t => t.getAttribute('opacity') !== '0' && t.textContent && !t.textContent.endsWith('…'));
        return scale && shown.length < Number(scale[1]) ? `${axis.getAttribute('aria-label').slice(0, 60)}: `
            + `${shown.length} of ${scale[1]} labels` : null;
    }).filter(Boolean);
    return {
        empty_as_code: text.match(/\\b(None|nan|NaN|NaT)\\b/g) || [],
        raw_floats: text.match(/\\d[.,]\\d{4,}/g) || [],
        small_table_text: [...main.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th')]
            .filter(cell => cell.textContent.trim() && parseFloat(getComputedStyle(cell).fontSize) < 18)
            .map(cell => cell.textContent).slice(0, 5),
        axes_missing_labels: axes,
    };
}"""
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector('svg, canvas'))"""
LEGIBLE = {"empty_as_code": [], "raw_floats": [], "small_table_text": [], "axes_missing_labels": []}
# Screens whose meeting view holds no text that depends on the clock (import times, decision
# dates): their pictures are compared with baselines.
SNAPSHOT_SCREENS = ("", "Forecast_accuracy", "Service_rate", "Stock_rotation", "Production_delays", "What_if")
SPLIT_LABELS = """[...document.querySelectorAll('.st-key-meeting-bar [data-testid="stPageLink"] p')]
    .filter(p => p.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(p).lineHeight))
    .map(p => p.textContent)"""


def _open(browser: Any, url: str, size: tuple[int, int] = (1280, 900)) -> Any:
    tab = new_tab(browser, size)
    tab.goto(url)
    tab.locator("h1").first.wait_for()
    tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    return tab


def _heading(script: str, lang: str) -> str:
    if script == "app.py":
        return "S&OP — PIC/PDP"
    match = TITLE_KEY.search((PROJECT_ROOT / script).read_text(encoding="utf-8"))
    assert match
    return translate(match.group(1), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("script", list(SCREENS))
def test_every_page_renders_in_both_languages(browser: Any, site: str, script: str, lang: str) -> None:
    tab = _open(browser, f"{site}/{SCREENS[script]}?lang={lang}")
    try:
        assert _heading(script, lang) in tab.locator("h1").first.inner_text()
        assert tab.locator("[data-testid='stException']").count() == 0
        assert tab.locator("[data-testid='stSidebar']").is_visible()
    finally:
        tab.close()


@pytest.mark.parametrize("size", PROJECTOR_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("script", list(SCREENS))
def test_every_page_renders_in_meeting_mode(browser: Any, site: str, script: str, lang: str,
                                            size: tuple[int, int]) -> None:
    screen = SCREENS[script]
    tab = _open(browser, f"{site}/{screen}?lang={lang}&meeting=1", size)
    try:
        _legible_in_meeting(tab, lang)
        if lang == "fr" and screen in SNAPSHOT_SCREENS:
            assert_snapshot(tab.screenshot(animations="disabled"), f"meeting_{screen or 'home'}_{size[0]}x{size[1]}")
    except AssertionError:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"failed_meeting_{screen or 'home'}_{lang}_{size[0]}x{size[1]}.png"),
                       full_page=True)
        raise
    finally:
        tab.close()


def _legible_in_meeting(tab: Any, lang: str) -> None:
    """The meeting view of the open tab reads from the back of the room (the module's docstring)."""
    from playwright.sync_api import expect

    # Waiting assertions: on a loaded 2-core machine the style element may land a moment after
    # the script's end is reported.
    expect(tab.get_by_text(translate("meeting.exit", lang))).to_be_visible(timeout=20_000)
    expect(tab.locator("[data-testid='stSidebar']")).to_be_hidden(timeout=20_000)
    assert tab.locator("[data-testid='stException']").count() == 0
    # Charts fit the projector's width: nothing to scroll sideways; no tile value cut short.
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert tab.evaluate(TRUNCATED_VALUES) == []
    assert tab.evaluate(SPLIT_LABELS) == []
    _settled(tab)
    assert tab.evaluate(ILLEGIBLE) == LEGIBLE


@pytest.fixture(scope="module")
def plan_site(demo_copy: CopyDatabase, demo_forecast_template: Path) -> Iterator[str]:
    """`streamlit run` on the demo with today's forecast: the plan's screen shows a plan (on the plain
    demo it shows the way to the forecast)."""
    with start_server(demo_copy("plan_site", source=demo_forecast_template)) as url:
        yield url


@pytest.mark.parametrize("size", PROJECTOR_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_in_meeting_mode_with_a_forecast(browser: Any, plan_site: str, lang: str,
                                                   size: tuple[int, int]) -> None:
    tab = _open(browser, f"{plan_site}/Plan?lang={lang}&meeting=1", size)
    try:
        _legible_in_meeting(tab, lang)
        assert tab.locator('[data-testid="stVegaLiteChart"]').count() == 2  # the demand and the waterfall
        assert tab.locator('[data-testid="stTable"]').count() >= 3  # the figures, the balance, the year
    except AssertionError:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"failed_meeting_Plan_{lang}_{size[0]}x{size[1]}.png"), full_page=True)
        raise
    finally:
        tab.close()


def _settled(tab: Any) -> None:
    """The page as the room sees it: the run over, no element still a grey placeholder (a rerun
    draws them first), the charts drawn."""
    from playwright.sync_api import expect

    expect(tab.locator("[data-testid='stSkeleton'], [data-testid='stSkeletonElement']")).to_have_count(
        0, timeout=30_000)
    tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    tab.wait_for_function(CHARTS_DRAWN)
    tab.wait_for_timeout(200)  # Vega lays its labels out a frame after it draws


def _font_px(tab: Any, selector: str) -> float:
    return float(tab.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_home_page_in_meeting_mode_at_projector_sizes(browser: Any, site: str) -> None:
    normal = _open(browser, f"{site}/?lang=fr")
    normal_size = _font_px(normal, "[data-testid='stMetricValue']")
    normal.close()
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in PROJECTOR_SIZES:
        tab = _open(browser, f"{site}/?lang=fr&meeting=1", (width, height))
        try:
            tiles = tab.locator(".st-key-kpi-area [data-testid='stMetric']")
            _settled(tab)  # every tile drawn, not only the first
            assert tiles.count() >= 5 and tab.locator("[data-testid='stException']").count() == 0
            assert _font_px(tab, "[data-testid='stMetricValue']") >= 1.4 * normal_size
            # The status is written, not only coloured: each tile carries one of the three symbols.
            text = tab.locator(".st-key-kpi-area").inner_text()
            assert len(re.findall("[✔▲✖]", text)) >= tiles.count()
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert tab.evaluate(TRUNCATED_VALUES) == []
            assert tab.evaluate(SPLIT_LABELS) == []
            tab.screenshot(path=str(ARTIFACTS / f"home_meeting_{width}x{height}.png"))
            tab.screenshot(path=str(ARTIFACTS / f"home_meeting_{width}x{height}_full.png"), full_page=True)
        finally:
            tab.close()


# What the French Data page's uploader shows in place of Streamlit's English button and limit line.
UPLOADER_TEXTS = """(() => {
    const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
    const label = zone.querySelector('button [data-testid="stMarkdownContainer"] p');
    const limit = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"]');
    const shown = (e, where) => getComputedStyle(e, where);
    return {button: shown(label, '::after').content, english_button: shown(label).fontSize,
            limit: shown(limit, '::after').content,
            english_limit: [...limit.querySelectorAll('*')].map(e => shown(e).fontSize)};
})()"""


def test_the_french_uploader_shows_french_texts(browser: Any, site: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab = _open(browser, f"{site}/Data?lang=fr")
    try:
        tab.locator('[data-testid="stFileUploaderDropzone"]').first.wait_for()
        # The page's style may land a moment after the uploader on a loaded machine: wait for it.
        with contextlib.suppress(PlaywrightTimeout):
            tab.wait_for_function(f"!['none', 'normal'].includes({UPLOADER_TEXTS}.button)", timeout=20_000)
        texts = tab.evaluate(UPLOADER_TEXTS)
        assert texts["button"] == '"Choisir un fichier"' and texts["english_button"] == "0px", texts
        # The browser may give the no-break space of "500 Mo" back as a plain one.
        assert texts["limit"].replace("\u00a0", " ") == '"500 Mo au plus par fichier"', texts
        assert set(texts["english_limit"]) == {"0px"}, texts
    finally:
        tab.close()


def _editor_picture(browser: Any, url: str, font_delay_ms: int) -> bytes:
    """The What-if page's first data editor as drawn when the web fonts arrive `font_delay_ms` late."""
    tab = new_tab(browser, (1280, 720))
    try:
        if font_delay_ms:
            def late(route: Any) -> None:
                time.sleep(font_delay_ms / 1000)  # the browser goes on drawing; only the font waits
                route.fallback()
            tab.route("**/*.woff2", late)
        tab.goto(url)
        tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
        _settled(tab)
        tab.evaluate("document.fonts.ready.then(() => true)")
        tab.wait_for_timeout(500)  # a grid that re-measures on the font's arrival has done it by now
        picture: bytes = tab.locator('[data-testid="stDataFrame"]').first.screenshot(animations="disabled")
        return picture
    finally:
        tab.close()


def test_the_editors_layout_does_not_depend_on_when_the_font_arrives(browser: Any, site: str) -> None:
    """A grid left to size its columns measures its text once, in whatever font is there: on a slow
    network (or a loaded CI machine) the fallback one, and the columns keep those widths."""
    url = f"{site}/What_if?lang=fr&meeting=1"
    at_once, late = _editor_picture(browser, url, 0), _editor_picture(browser, url, 3000)
    assert changed_share(late, at_once) == 0.0
