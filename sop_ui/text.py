"""The session's language and the figures written in it: `t(key)`, `num`, `count`, `pct`, `money`,
`date`, and `figure` for a figure of a given kind (`i18n.format_figure`, the one rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from sop_core.common import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    format_count,
    format_date,
    format_figure,
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


def count(value: float | int | None) -> str:
    return format_count(value, lang())


MONEY_SCALE = "money_scale"


def choose_money_scale(scale: str | None) -> None:
    """The precision of every amount on the screen being drawn (a key of `i18n.MONEY_SCALES`), set
    once by the page through `page_setup`: one cost then never reads 30 957 € in one place and
    31,0 k€ in another. None keeps each amount's own short form (4,32 M€, 42,8 k€, 950 €)."""
    st.session_state[MONEY_SCALE] = scale


def money_scale() -> str | None:
    scale = st.session_state.get(MONEY_SCALE)
    return str(scale) if scale else None


def money(value: float | None) -> str:
    return format_money(value, lang(), money_scale())


def figure(value: Any, kind: str) -> str:
    return format_figure(value, kind, lang(), money_scale() or "euro")


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
