"""The session's language and the figures written in it: `t(key)`, `num`, `pct`, `money`, `date`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from sop_core.common import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    format_date,
    format_money,
    format_number,
    format_percent,
    translate,
)
from sop_core.common import status_label as _status_label
from sop_ui.session import get_store

LANGUAGE_SETTING = "ui.language"


def lang() -> str:
    """The session's language: a `?lang=` in the address, else the last choice, else the one
    remembered in the store, else French."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    if st.session_state.get("lang") not in LANGUAGES:
        stored = get_store().get_setting(LANGUAGE_SETTING)
        st.session_state["lang"] = stored if stored in LANGUAGES else DEFAULT_LANGUAGE
    return str(st.session_state["lang"])


def fallback_lang() -> str:
    """The language when the store is out of reach: the address's or the session's, else French."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang")
    return str(chosen) if chosen in LANGUAGES else DEFAULT_LANGUAGE


def remember_lang(chosen: str) -> None:
    st.session_state["lang"] = chosen
    if "lang" in st.query_params:
        st.query_params["lang"] = chosen
    get_store().set_setting(LANGUAGE_SETTING, chosen)  # remembered for the next session


def t(key: str, **params: Any) -> str:
    return translate(key, lang(), **params)


def num(value: float | int | None, decimals: int = 0) -> str:
    return format_number(value, lang(), decimals)


def pct(fraction: float | None, decimals: int = 1) -> str:
    return format_percent(fraction, lang(), decimals)


def money(value: float | None) -> str:
    return format_money(value, lang())


def date(value: dt.date | None) -> str:
    return format_date(value, lang())


def status_label(status: str | None) -> str:
    return _status_label(status, lang())


MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!<>|~"


def plain(text: str) -> str:
    """Text from the data (a name, a reason) inside a Markdown line, shown as it is: every
    character Markdown would read as markup is escaped."""
    return "".join("\\" + char if char in MARKDOWN_SPECIALS else char for char in str(text))


def column_label(name: str) -> str:
    return t(f"col.{name}")
