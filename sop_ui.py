"""The one module between Streamlit and `sop_core`: page set-up, the store, cached calls.

Pages call `compute(func, *args)` for anything computed from the data: the result is cached on the
data version (the last import batch), so an import invalidates every cached figure at once and
nothing is recomputed on a mere rerun.

Every text goes through `t(key)` in the session's language (French by default, remembered in the
store), numbers and dates through `num`, `pct`, `money`, `date`; charts through `show_chart`
(language formats, large fonts in meeting mode) and tables through `show_table` (translated headers).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import streamlit as st

from sop_core import i18n
from sop_core.demand import next_period
from sop_core.demo import demo_manifest, needs_first_load, prepare_demo
from sop_core.exports import csv_bytes, translated_headers, xlsx_bytes
from sop_core.filters import KpiFilters, filter_choices
from sop_core.forecasting import ForecastSettings, run_forecast
from sop_core.presentation import localized, table_formatters
from sop_core.presentation import status_label as _status_label
from sop_core.store import Store, StoreError, default_db_path

T = TypeVar("T")
APP_TITLE = "S&OP — PIC/PDP"
# Period choices by code; the label shown is translated (`period.<code>`), so a choice survives a
# change of language.
PERIOD_MONTHS: dict[str, int | None] = {"3m": 3, "6m": 6, "12m": 12, "24m": 24, "36m": 36, "all": None}
# Every page, in the order of the meeting: the home page's links, the meeting-mode bar.
PAGES = (
    ("pages/1_Data.py", "📥", "data"),
    ("pages/2_Forecast.py", "📈", "forecast"),
    ("pages/3_Forecast_accuracy.py", "🎯", "accuracy"),
    ("pages/4_Service_rate.py", "🚚", "service"),
    ("pages/5_Stock_rotation.py", "📦", "stock"),
    ("pages/6_Production_delays.py", "🏭", "production"),
    ("pages/7_What_if.py", "🧮", "whatif"),
    ("pages/8_Decisions.py", "📝", "decisions"),
)
LANGUAGE_SETTING = "ui.language"
MEETING_CSS = """
<style>
/* Meeting mode: read from the back of the room. No sidebar (the bar on top navigates), larger
   type everywhere, black on white, big tiles. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1rem 2rem 2rem 2rem; color: #000; }
/* Columns too narrow for the large type wrap to the next line instead of cutting values short. */
[data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[data-testid="stColumn"] { min-width: 13rem; }
[data-testid="stMetricLabel"] p { white-space: normal; }
/* ...except the navigation bar: one line, each link as wide as its label, words never split. */
.st-key-meeting-bar [data-testid="stColumn"] { min-width: 0; flex: 1 1 auto !important; width: auto !important; }
.st-key-meeting-bar a { padding-left: 0.15rem !important; padding-right: 0.15rem !important; }
.st-key-meeting-bar [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; gap: 0.3rem; }
.st-key-meeting-bar p { font-size: 0.66rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; font-weight: 600; }
[data-testid="stMetricDelta"] { font-size: 1.05rem; }
/* Values and labels wrap on two lines rather than end in "…" (Streamlit cuts tile values, changes
   and button labels short), between words only. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
.st-key-meeting-bar [data-testid="stMarkdownContainer"], .st-key-meeting-bar p,
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"], [data-testid="stMetricDelta"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  word-break: keep-all !important; overflow-wrap: normal !important; }
[data-testid="stMetric"] { border: 2px solid #000; border-radius: 0.4rem; padding: 0.5rem 0.8rem; }
h1 { font-size: 2.4rem !important; }
</style>
"""


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


# --- language and meeting mode -----------------------------------------------------------------

def lang() -> str:
    """The session's language: a `?lang=` in the address, else the last choice, else the one
    remembered in the store, else French."""
    asked = st.query_params.get("lang")
    if asked in i18n.LANGUAGES:
        st.session_state["lang"] = asked
    if st.session_state.get("lang") not in i18n.LANGUAGES:
        stored = get_store().get_setting(LANGUAGE_SETTING)
        st.session_state["lang"] = stored if stored in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return str(st.session_state["lang"])


def t(key: str, **params: Any) -> str:
    return i18n.translate(key, lang(), **params)


def num(value: float | int | None, decimals: int = 0) -> str:
    return i18n.format_number(value, lang(), decimals)


def pct(fraction: float | None, decimals: int = 1) -> str:
    return i18n.format_percent(fraction, lang(), decimals)


def money(value: float | None) -> str:
    return i18n.format_money(value, lang())


def date(value: dt.date | None) -> str:
    return i18n.format_date(value, lang())


def status_label(status: str | None) -> str:
    return _status_label(status, lang())


def meeting_mode() -> bool:
    """Projection mode: `?meeting=1` in the address or the switch; kept for the session."""
    asked = st.query_params.get("meeting")
    if asked in ("0", "1"):
        st.session_state["meeting"] = asked == "1"
    return bool(st.session_state.get("meeting", False))


def _choose_language() -> None:
    chosen = st.session_state["lang_choice"]
    st.session_state["lang"] = chosen
    if "lang" in st.query_params:
        st.query_params["lang"] = chosen
    get_store().set_setting(LANGUAGE_SETTING, chosen)  # remembered for the next session


def _set_meeting(on: bool) -> None:
    st.session_state["meeting"] = on
    if "meeting" in st.query_params:
        st.query_params["meeting"] = "1" if on else "0"


def _toggle_meeting() -> None:
    _set_meeting(bool(st.session_state["meeting_choice"]))


def _meeting_bar() -> None:
    """In meeting mode the sidebar is hidden: the pages and the way out sit in a bar on top."""
    st.html(MEETING_CSS)
    with st.container(key="meeting-bar"):
        cells = st.columns([1] * (len(PAGES) + 1) + [1.4], vertical_alignment="center")
        cells[0].page_link("app.py", label=t("nav.home"), icon="🏠")
        for cell, (path, icon, name) in zip(cells[1:], PAGES, strict=False):
            cell.page_link(path, label=t(f"nav.{name}"), icon=icon)
        cells[-1].button(t("meeting.exit"), key="meeting_exit", on_click=_set_meeting, args=(False,))


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
    bar = st.progress(0.0, text=t("setup.first_start"))
    outcome = prepare_demo(store, progress=lambda f, text: bar.progress(min(f, 1.0), text=text), lang=lang())
    bar.empty()
    if not outcome.ok:
        st.error(t("setup.demo_failed", reasons="; ".join(
            line for r in outcome.reports for line in r.lines(lang()))))
        st.stop()


def page_setup(title_key: str, icon: str = "📊") -> Store:
    """Page config, the store (loading the demo on a brand-new database), language, meeting mode
    and the sidebar facts. `title_key` names the page's title in the catalogue."""
    try:
        store = get_store()
        title = t(title_key)
    except StoreError as exc:
        st.set_page_config(page_title=APP_TITLE, page_icon=icon, layout="wide")
        # The language remembered in the store is out of reach: the address's or the session's, else French.
        chosen = st.query_params.get("lang") or st.session_state.get("lang")
        st.error(exc.render(chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE))
        st.stop()
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=icon, layout="wide")
    if needs_first_load(store):
        _load_demo_with_progress(store)
    if meeting_mode():
        _meeting_bar()
    _sidebar(store)
    return store


def _sidebar(store: Store) -> None:
    source = store.get_setting("data_source")
    with st.sidebar:
        st.page_link("app.py", label=t("nav.home"), icon="🏠")
        for path, icon, name in PAGES:
            st.page_link(path, label=t(f"nav.{name}"), icon=icon)
        st.divider()
        st.session_state["lang_choice"] = lang()
        st.radio("🌐 " + t("setup.language"), i18n.LANGUAGES, format_func=i18n.LANGUAGE_NAMES.__getitem__,
                 key="lang_choice", horizontal=True, on_change=_choose_language)
        st.session_state["meeting_choice"] = meeting_mode()
        st.toggle("📽 " + t("meeting.switch"), key="meeting_choice", on_change=_toggle_meeting,
                  help=t("meeting.help"))
        if source == "demo":
            st.caption(t("setup.demo_data", company=demo_manifest()["company"]))
        st.caption(t("setup.as_of", date=date(as_of()), version=data_version()))


def require_data(store: Store, *tables: str) -> None:
    """Stop the page with a pointer to the Data page when a needed table is empty."""
    counts = store.row_counts()
    missing = [t(f"table.{name}") for name in tables if not counts.get(name)]
    if missing:
        st.info(t("setup.missing_tables", tables=", ".join(missing)))
        st.page_link("pages/1_Data.py", label=t("setup.go_to_data"), icon="📥")
        st.stop()


def run_forecast_with_progress(granularity: str = "month") -> int:
    """Forecast every SKU now, with a progress bar in the page's language; the pages then read the stored run."""
    bar = st.progress(0.0, text=t("setup.forecasting"))
    run_id = run_forecast(get_store(), ForecastSettings(granularity=granularity), as_of(),
                          progress=lambda f, text: bar.progress(min(f, 1.0), text=text), lang=lang())
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
        st.subheader(t("filters.title"))
        _kept("filter_period", "12m")
        # Labels made now, in the page's language: AppTest may call format_func outside the run.
        periods = {code: t(f"period.{code}") for code in PERIOD_MONTHS}
        st.selectbox(t("filters.period"), list(PERIOD_MONTHS), key="filter_period", on_change=_keep,
                     args=("filter_period",), format_func=periods.__getitem__)
        _kept("filter_families", [])
        st.multiselect(t("filters.families"), choices["families"], key="filter_families", on_change=_keep,
                       args=("filter_families",), placeholder=t("filters.all_families"))
        if customers:
            _kept("filter_customers", [])
            st.multiselect(t("filters.customers"), choices["customers"], key="filter_customers", on_change=_keep,
                           args=("filter_customers",), placeholder=t("filters.all_customers"))
    months = PERIOD_MONTHS[st.session_state["filter_period"]]
    today = as_of()
    start = None if months is None else next_period(today.replace(day=1), "month", -months)
    # Choices that vanished with a new import are dropped rather than filtering on nothing.
    families = tuple(f for f in st.session_state["filter_families"] if f in choices["families"])
    chosen = tuple(c for c in st.session_state.get("filter_customers", []) if c in choices["customers"])
    return KpiFilters(start=start, end=today - dt.timedelta(days=1), families=families,
                      customers=chosen if customers else ())


def show_chart(chart: alt.TopLevelMixin, where: Any = st) -> None:
    """An Altair chart in the page's language, with large fonts in meeting mode."""
    where.altair_chart(localized(chart, lang(), large=meeting_mode()), width="stretch")


def column_label(name: str) -> str:
    return t(f"col.{name}")


def show_table(frame: pd.DataFrame, key: str | None = None, config: dict[str, Any] | None = None,
               where: Any = st, percent: tuple[str, ...] = (), money: tuple[str, ...] = ()) -> None:
    """A table with its headers in the page's language (`col.<name>` in the catalogue), dates and
    numbers in the language's format, `percent` columns (fractions; rate columns always) as
    percentages and `money` columns in euros; `config` adds or overrides column settings.

    Numbers are written by a pandas Styler (Streamlit's number formats follow the browser's locale,
    not the language chosen): the cell shows the text, sorting still uses the number. The Styler
    costs about 80 µs a cell, so a table past `STYLED_CELLS_MAX` is shown with the browser's formats."""
    columns: dict[str, Any] = {}
    for name in frame.columns:
        setting = dict((config or {}).get(name) or _default_column(name, frame[name]))
        setting["label"] = column_label(str(name))
        columns[str(name)] = setting
    shown: Any = frame.reset_index(drop=True)
    if frame.size <= STYLED_CELLS_MAX:
        shown = shown.style.format(
            table_formatters(shown, lang(), percent=(*RATE_COLUMNS, *percent), money=(*MONEY_COLUMNS, *money)))
    where.dataframe(shown, hide_index=True, column_config=columns, key=key)


STYLED_CELLS_MAX = 50_000


RATE_COLUMNS = ("on_time", "in_full", "otif", "fill_rate", "orders_on_time", "orders_otif")
MONEY_COLUMNS = ("late_value", "missing_value", "value", "annual_value", "cogs", "average_stock_value")


def _default_column(name: str, values: pd.Series) -> dict[str, Any]:
    sample = values.dropna()
    if pd.api.types.is_datetime64_any_dtype(values):
        if (sample == sample.dt.normalize()).all():
            return dict(st.column_config.DateColumn(format=i18n.TABLE_DATE_FORMATS[lang()]))
        return dict(st.column_config.DatetimeColumn(format=i18n.TABLE_DATE_FORMATS[lang()] + " HH:mm"))
    if not sample.empty and isinstance(sample.iloc[0], dt.date):
        return dict(st.column_config.DateColumn(format=i18n.TABLE_DATE_FORMATS[lang()]))
    return {}


def downloads(table: pd.DataFrame | Callable[[], pd.DataFrame], name: str) -> None:
    """CSV (as French Excel reads it) and .xlsx buttons for one table, or for a function giving it
    (then computed only on click); files are built on click, without rerunning the page. Headers
    are in the page's language; cells that a spreadsheet would run as formulas are neutralised."""
    frame = table if callable(table) else lambda: table
    language = lang()

    def localized_frame() -> pd.DataFrame:
        return translated_headers(frame(), language)

    left, right, _ = st.columns([1, 1, 4])
    left.download_button("⬇ CSV", lambda: csv_bytes(localized_frame()), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv_{name}", on_click="ignore")
    right.download_button("⬇ Excel", lambda: xlsx_bytes(localized_frame(), name), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx_{name}", on_click="ignore")
