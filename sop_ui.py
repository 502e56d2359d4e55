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

import pandas as pd
import streamlit as st

from sop_core.demand import next_period
from sop_core.demo import demo_manifest, needs_first_load, prepare_demo
from sop_core.exports import csv_bytes, xlsx_bytes
from sop_core.filters import KpiFilters, filter_choices
from sop_core.forecasting import ForecastSettings, run_forecast
from sop_core.store import Store, StoreError, default_db_path

T = TypeVar("T")
APP_TITLE = "S&OP — PIC/PDP"
STATUS_COLORS = {"green": "#2e7d32", "orange": "#ef6c00", "red": "#c62828"}
PERIOD_CHOICES = {"Last 3 months": 3, "Last 6 months": 6, "Last 12 months": 12, "Last 24 months": 24,
                  "Last 36 months": 36, "All history": None}


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


def _kept(key: str, default: Any) -> None:
    """Give widget `key` the value it had on any page this session. Streamlit keeps a widget's
    state per page (and forgets it on pages that do not draw it), so the value is mirrored under a
    key of our own and handed back to the widget on every run."""
    st.session_state[key] = st.session_state.get(f"kept:{key}", default)


def _keep(key: str) -> None:
    st.session_state[f"kept:{key}"] = st.session_state[key]


def kpi_filters(store: Store, customers: bool = True) -> KpiFilters:
    """The sidebar filters shared by the KPI pages (period, families, customers); a choice made on
    one page holds on the others."""
    choices = compute(filter_choices)
    with st.sidebar:
        st.subheader("Filters")
        _kept("filter_period", "Last 12 months")
        st.selectbox("Period", list(PERIOD_CHOICES), key="filter_period", on_change=_keep, args=("filter_period",))
        _kept("filter_families", [])
        st.multiselect("Families", choices["families"], key="filter_families", on_change=_keep,
                       args=("filter_families",), placeholder="All families")
        if customers:
            _kept("filter_customers", [])
            st.multiselect("Customers", choices["customers"], key="filter_customers", on_change=_keep,
                           args=("filter_customers",), placeholder="All customers")
    months = PERIOD_CHOICES[st.session_state["filter_period"]]
    today = as_of()
    start = None if months is None else next_period(today.replace(day=1), "month", -months)
    # Choices that vanished with a new import are dropped rather than filtering on nothing.
    families = tuple(f for f in st.session_state["filter_families"] if f in choices["families"])
    chosen = tuple(c for c in st.session_state.get("filter_customers", []) if c in choices["customers"])
    return KpiFilters(start=start, end=today - dt.timedelta(days=1), families=families,
                      customers=chosen if customers else ())


def downloads(table: pd.DataFrame | Callable[[], pd.DataFrame], name: str) -> None:
    """CSV (as French Excel reads it) and .xlsx buttons for one table, or for a function giving it
    (then computed only on click); files are built on click, without rerunning the page."""
    frame = table if callable(table) else lambda: table
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("⬇ CSV", lambda: csv_bytes(frame()), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv_{name}", on_click="ignore")
    right.download_button("⬇ Excel", lambda: xlsx_bytes(frame(), name), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx_{name}", on_click="ignore")


def euros(value: float) -> str:
    """Money short enough for a tile read from the back of the room: 4.32 M€, 42.8 k€, 950 €."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} M€"
    if abs(value) >= 1e4:
        return f"{value / 1e3:,.1f} k€"
    return f"{value:,.0f} €"


RATE_COLUMNS = ("on_time", "in_full", "otif", "fill_rate", "orders_on_time", "orders_otif")
MONEY_COLUMNS = ("late_value", "missing_value", "value", "annual_value", "cogs", "average_stock_value")


def rate_columns() -> dict[str, Any]:
    """Column formats for KPI tables: fractions shown as percentages, values in euros."""
    config: dict[str, Any] = {name: st.column_config.NumberColumn(format="percent") for name in RATE_COLUMNS}
    config.update({name: st.column_config.NumberColumn(format="euro") for name in MONEY_COLUMNS})
    config.update(promised_date=st.column_config.DateColumn(format="DD/MM/YYYY"),
                  delivered_date=st.column_config.DateColumn(format="DD/MM/YYYY"))
    return config
