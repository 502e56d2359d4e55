"""The store of this dashboard process and the cache of what pages compute from it.

Pages call `compute(func, *args)` for anything computed from the data: the result is cached on the
store's version (imports, forecast runs, adjustments, frozen cycles, decisions, saved scenarios and
the users' settings), so any change to what a figure reads invalidates it, and nothing is
recomputed on a mere rerun.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from sop_core.data import Store, default_db_path

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    # The one connection of this process; every call takes its own cursor from it.
    return Store(path)


def get_store() -> Store:
    return _store(str(default_db_path()))


def data_version() -> int:
    return get_store().data_version()


def as_of() -> dt.date:
    """The data's as-of date (fixed for the demo), else today."""
    return get_store().as_of()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(func_path: str, db_path: str, version: tuple[int, ...], args: tuple[Any, ...]) -> Any:
    module, name = func_path.split(":")
    func = getattr(importlib.import_module(module), name)
    return func(get_store(), *args)


def new_run() -> None:
    """A page run starts (`page_setup`): its first `compute` reads the store's version afresh."""
    st.session_state["run_number"] = st.session_state.get("run_number", 0) + 1


def _version(store: Store) -> tuple[int, ...]:
    """The store's version, read once per page run and again after any write of this process: the
    figures of one run agree with one another, and a warm page does not pay the read per figure
    (it was about half of a warm page's own time: bench/RESULTS.md, "Team benchmark")."""
    key = (st.session_state.get("run_number"), store.writes)
    memo = st.session_state.get("version_memo")
    if memo is not None and memo[0] == key and key[0] is not None:
        return memo[1]  # type: ignore[no-any-return]
    version = store.state_version()
    st.session_state["version_memo"] = (key, version)
    return version


def compute(func: Callable[..., T], *args: Any) -> T:
    """`func(store, *args)`, cached until anything it may read in the store changes."""
    store = get_store()
    result: T = _cached(f"{func.__module__}:{func.__qualname__}", str(store.path), _version(store), args)
    return result


def meeting_mode() -> bool:
    """Projection mode: `?meeting=1` in the address or the switch; kept for the session."""
    asked = st.query_params.get("meeting")
    if asked in ("0", "1"):
        st.session_state["meeting"] = asked == "1"
    return bool(st.session_state.get("meeting", False))


def set_meeting_mode(on: bool) -> None:
    st.session_state["meeting"] = on
    if "meeting" in st.query_params:
        st.query_params["meeting"] = "1" if on else "0"
