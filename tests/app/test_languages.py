"""Every screen in French and in English: no string missing from the catalogue (strict mode makes a
missing key an exception), French by default, the choice remembered, and meeting mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import LANGUAGES, translate
from sop_core.data.store import Store
from tests.app.conftest import SCREENS, TIMEOUT, OpenPage
from tests.app.shown_text import foreign_texts, misformatted_numbers, streamlit_placeholders
from tests.conftest import PROJECT_ROOT

TITLE_KEY = re.compile(r'page_setup\("([^"]+)"')


def _title_key(script: str) -> str:
    match = TITLE_KEY.search((PROJECT_ROOT / script).read_text(encoding="utf-8"))
    assert match, f"{script} does not call page_setup with a catalogue key"
    return match.group(1)




@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("script", SCREENS)
def test_every_screen_runs_in_both_languages(open_page: OpenPage, script: str, lang: str) -> None:
    app = open_page(script, lang)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{script} has no title"
    if script != "app.py":  # the home page's title is the product's name, in both languages
        heading = translate(_title_key(script), lang)
        assert heading in app.title[0].value, (heading, app.title[0].value)
    assert not foreign_texts(app, lang), f"{script} in {lang} shows untranslated text"
    assert not misformatted_numbers(app, lang), f"{script} in {lang} writes table numbers in another locale"
    assert not streamlit_placeholders(app), f"{script} leaves Streamlit's English placeholder in"


UNTRANSLATED_PAGE = """
import pandas as pd
import streamlit as st
from sop_ui import show_table
st.caption("late 3 working days (projected end 02/12)")
show_table(pd.DataFrame({"sku": ["A1"], "ordered_qty": [1234.5]}), key="styled")
st.dataframe(pd.DataFrame({"sku": ["A1"], "ordered_qty": [1234.5]}).style.format(precision=1), key="english")
"""


def test_the_checks_catch_an_english_sentence_and_english_numbers_on_a_french_page(demo_db: Path) -> None:
    """The two checks above are worth something only if they fail on a page that deserves it."""
    app = AppTest.from_string(UNTRANSLATED_PAGE, default_timeout=TIMEOUT)
    app.session_state["lang"] = "fr"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert foreign_texts(app, "fr") == ["late 3 working days (projected end 02/12)"]
    assert misformatted_numbers(app, "fr") == ["table 1.ordered_qty: '1234.5'"]
    # "1234.5" misses its thousands comma in English too.
    assert misformatted_numbers(app, "en") == ["table 0.ordered_qty: '1\\xa0234,5'", "table 1.ordered_qty: '1234.5'"]


def test_a_missing_key_fails_the_page(demo_db: Path) -> None:
    """The check above is only worth something if a missing key does break a page."""
    app = AppTest.from_string("from sop_ui import t\nimport streamlit as st\nst.write(t('no.such.key'))",
                              default_timeout=TIMEOUT)
    app.run()
    assert app.exception and "no.such.key" in app.exception[0].value


def test_the_language_is_the_readers_own_never_everyones(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/4_Service_rate.py")
    assert app.title[0].value == "🚚 " + translate("service.title", "fr")
    colleague = open_page("pages/4_Service_rate.py")  # another user of the same server, at the same time
    app.radio(key="lang_choice").set_value("en").run()
    assert app.title[0].value == "🚚 " + translate("service.title", "en")
    assert app.query_params["lang"] == "en"  # in the address: a reload or a bookmark keeps it
    colleague.run()
    assert colleague.title[0].value == "🚚 " + translate("service.title", "fr")
    assert open_page("pages/4_Service_rate.py").title[0].value == "🚚 " + translate("service.title", "fr")
    with Store(demo_db) as store:
        assert store.get_setting("ui.language") is None


def test_numbers_follow_the_language(open_page: OpenPage) -> None:
    french = {m.label: m.value for m in open_page("pages/4_Service_rate.py", "fr").metric}
    english = {m.label: m.value for m in open_page("pages/4_Service_rate.py", "en").metric}
    otif_fr, otif_en = french["OTIF (lignes)"], english["OTIF (lines)"]
    assert re.fullmatch(r"\d{1,3},\d\u00a0%", otif_fr) and re.fullmatch(r"\d{1,3}\.\d%", otif_en)
    assert otif_fr.replace(",", ".").replace("\u00a0", "") == otif_en


def test_meeting_mode_hides_the_sidebar_and_can_be_left(open_page: OpenPage) -> None:
    app = open_page("pages/6_Production_delays.py", "fr", meeting="1")
    assert not app.exception
    styles = " ".join(str(h.proto.body) for h in app.get("html"))
    assert 'data-testid="stSidebar"' in styles and "display: none" in styles
    app.button(key="meeting_exit").click().run()
    assert not app.exception and not app.session_state["meeting"]
    assert not any("stSidebar" in str(h.proto.body) for h in app.get("html"))
