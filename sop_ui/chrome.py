"""What every page shows around its content: set-up, the sidebar, meeting mode and the page links.

The core names topics ("service", "production"...), never files: `page_of` maps a topic to the page
that shows it, so renaming a page touches this module only.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from sop_core.common import LANGUAGE_NAMES, LANGUAGES
from sop_core.data import Store, StoreError
from sop_core.demo import demo_manifest, needs_first_load, prepare_demo
from sop_ui.login import account_box, remember_for_user, sign_in
from sop_ui.session import as_of, data_version, get_store, meeting_mode, new_run, set_meeting_mode
from sop_ui.text import choose_money_scale, date, lang, num, plain, remember_lang, t
from sop_ui.widgets import progress_bar

APP_TITLE = "S&OP — PIC/PDP"
HOME = "app.py"
# Every page, in the order of the meeting: the home page's links, the meeting-mode bar. The topic
# (third) names the page in the catalogue (`nav.<topic>`) and in the core's links.
PAGES = (
    ("pages/1_Data.py", "📥", "data"),
    ("pages/2_Forecast.py", "📈", "forecast"),
    ("pages/3_Forecast_accuracy.py", "🎯", "accuracy"),
    ("pages/4_Service_rate.py", "🚚", "service"),
    ("pages/5_Stock_rotation.py", "📦", "stock"),
    ("pages/6_Production_delays.py", "🏭", "production"),
    ("pages/9_Plan.py", "🗓", "plan"),
    ("pages/7_What_if.py", "🧮", "whatif"),
    ("pages/8_Decisions.py", "📝", "decisions"),
)
TOPIC_PAGES = {topic: path for path, _, topic in PAGES}
MEETING_CSS = "<style>" + (Path(__file__).parent / "meeting.css").read_text(encoding="utf-8") + "</style>"


def page_of(topic: str) -> str:
    """The page file that shows `topic` (a code the core uses for its links)."""
    return TOPIC_PAGES[topic]


def page_setup(title_key: str, icon: str = "📊", money: str | None = None) -> Store:
    """Page config, the store (loading the demo on a brand-new database), language, meeting mode
    and the sidebar facts. `title_key` names the page's title in the catalogue; `money` the
    precision of every amount on the page (`i18n.MONEY_SCALES`)."""
    st.set_page_config(page_title=f"{t(title_key)} · {APP_TITLE}", page_icon=icon, layout="wide")
    choose_money_scale(money)
    store = get_store()
    new_run()
    try:
        _wait_for_the_file(store)
        sign_in(store)  # with accounts, nothing below runs before its reader has signed in
    except StoreError as exc:
        st.error(plain(exc.render(lang())))
        st.stop()
    if needs_first_load(store):
        _load_demo(store)
    if meeting_mode():
        _meeting_bar()
    _sidebar(store)
    return store


def _wait_for_the_file(store: Store) -> None:
    """While a cron import (or another program) has the database, say so and wait for its turn
    (at most `store.wait` seconds): the page then runs on the data it wrote."""
    if store.available():
        return
    with st.spinner(t("setup.waiting_for_import", seconds=num(store.wait))):
        store.row("SELECT 1")


def _load_demo(store: Store) -> None:
    with progress_bar(t("setup.first_start")) as progress:
        outcome = prepare_demo(store, progress=progress, lang=lang())
    if not outcome.ok:
        st.error(t("setup.demo_failed", reasons="; ".join(
            line for r in outcome.reports for line in r.lines(lang()))))
        st.stop()


def _choose_language() -> None:
    remember_lang(st.session_state["lang_choice"])
    remember_for_user(get_store(), "lang", st.session_state["lang_choice"])


def _toggle_meeting() -> None:
    set_meeting_mode(bool(st.session_state["meeting_choice"]))


def _meeting_bar() -> None:
    """In meeting mode the sidebar is hidden: the pages and the way out sit in a bar on top."""
    st.html(MEETING_CSS)
    with st.container(key="meeting-bar"):
        cells = st.columns([1] * (len(PAGES) + 1) + [1.4], vertical_alignment="center")
        cells[0].page_link(HOME, label=t("nav.home"), icon="🏠")
        for cell, (path, icon, name) in zip(cells[1:], PAGES, strict=False):
            cell.page_link(path, label=t(f"nav.{name}"), icon=icon)
        cells[-1].button(t("meeting.exit"), key="meeting_exit", on_click=set_meeting_mode, args=(False,))


def _sidebar(store: Store) -> None:
    source = store.get_setting("data_source")
    with st.sidebar:
        st.page_link(HOME, label=t("nav.home"), icon="🏠")
        for path, icon, name in PAGES:
            st.page_link(path, label=t(f"nav.{name}"), icon=icon)
        st.divider()
        st.session_state["lang_choice"] = lang()
        st.radio("🌐 " + t("setup.language"), LANGUAGES, format_func=LANGUAGE_NAMES.__getitem__,
                 key="lang_choice", horizontal=True, on_change=_choose_language)
        st.session_state["meeting_choice"] = meeting_mode()
        st.toggle("📽 " + t("meeting.switch"), key="meeting_choice", on_change=_toggle_meeting,
                  help=t("meeting.help"))
        account_box()
        if source == "demo":
            st.caption(t("setup.demo_data", company=demo_manifest()["company"]))
        st.caption(t("setup.as_of", date=date(as_of()), version=data_version()))


def require_data(store: Store, *tables: str) -> None:
    """Stop the page with a pointer to the Data page when a needed table is empty."""
    counts = store.row_counts()
    missing = [t(f"table.{name}") for name in tables if not counts.get(name)]
    if missing:
        st.info(t("setup.missing_tables", tables=", ".join(missing)))
        st.page_link(page_of("data"), label=t("setup.go_to_data"), icon="📥")
        st.stop()
