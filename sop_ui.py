"""The one module between Streamlit and `sop_core`: page set-up, the store, cached calls.

Pages call `compute(func, *args)` for anything computed from the data: the result is cached on the
data version (the last import batch), so an import invalidates every cached figure at once and
nothing is recomputed on a mere rerun.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from sop_core.demo import demo_manifest, needs_first_load, prepare_demo
from sop_core.forecasting import ForecastSettings, run_forecast
from sop_core.store import Store, StoreError, default_db_path

T = TypeVar("T")
APP_TITLE = "S&OP — PIC/PDP"


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
    return get_store().as_of() or dt.date.today()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(func_path: str, db_path: str, version: tuple[int, ...], args: tuple[Any, ...]) -> Any:
    module, name = func_path.split(":")
    func = getattr(importlib.import_module(module), name)
    return func(get_store(), *args)


def compute(func: Callable[..., T], *args: Any) -> T:
    """`func(store, *args)`, cached until the data, a forecast run or an adjustment changes."""
    store = get_store()
    result: T = _cached(f"{func.__module__}:{func.__qualname__}", str(store.path), store.state_version(), args)
    return result


def _load_demo_with_progress(store: Store) -> None:
    bar = st.progress(0.0, text="First start: loading the demo company and forecasting it…")
    outcome = prepare_demo(store, progress=lambda f, text: bar.progress(min(f, 1.0), text=text))
    bar.empty()
    if not outcome.ok:
        st.error("The demo data could not be loaded: " + "; ".join(
            line for r in outcome.reports for line in r.lines()))
        st.stop()


def page_setup(title: str, icon: str = "📊") -> Store:
    """Page config, the store (loading the demo on a brand-new database), the sidebar facts."""
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=icon, layout="wide")
    try:
        store = get_store()
        if needs_first_load(store):
            _load_demo_with_progress(store)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    _sidebar(store)
    return store


def _sidebar(store: Store) -> None:
    source = store.get_setting("data_source")
    with st.sidebar:
        if source == "demo":
            st.caption(f"Demo data: {demo_manifest()['company']}")
        st.caption(f"As of {as_of():%d/%m/%Y} · data version {data_version()}")


def require_data(store: Store, *tables: str) -> None:
    """Stop the page with a pointer to the Data page when a needed table is empty."""
    counts = store.row_counts()
    missing = [t for t in tables if not counts.get(t)]
    if missing:
        st.info(f"No {', '.join(missing)} imported yet. Import them on the Data page.")
        st.page_link("pages/1_Data.py", label="Go to the Data page", icon="📥")
        st.stop()


def run_forecast_with_progress(granularity: str = "month") -> int:
    """Forecast every SKU now, with a progress bar; the pages then read the stored run."""
    bar = st.progress(0.0, text="Forecasting…")
    run_id = run_forecast(get_store(), ForecastSettings(granularity=granularity), as_of(),
                          progress=lambda f, text: bar.progress(min(f, 1.0), text=text))
    bar.empty()
    return run_id


def not_built_yet(what: str, coming: list[str]) -> None:
    """Say plainly that a capability is not there yet, and what it will show."""
    st.info(f"{what} is not built yet. It will show:")
    st.markdown("\n".join(f"- {item}" for item in coming))
