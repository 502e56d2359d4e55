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


def lang() -> str:
    """The session's language: a `?lang=` in the address, else the session's choice, else French.
    A choice belongs to the reader who made it, never to every user of the server."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    if st.session_state.get("lang") not in LANGUAGES:
        st.session_state["lang"] = DEFAULT_LANGUAGE
    return str(st.session_state["lang"])


def remember_lang(chosen: str) -> None:
    """The reader's choice, kept in the address too: a reload or a bookmark keeps the language."""
    st.session_state["lang"] = chosen
    st.query_params["lang"] = chosen


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
