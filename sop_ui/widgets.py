"""The widgets pages share: the KPI filters, charts, tables, downloads and the progress bar."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.common import (
    STATUS_COLORS,
    TABLE_DATE_FORMATS,
    Progress,
    csv_bytes,
    localized,
    table_formatters,
    translated_headers,
    xlsx_bytes,
)
from sop_core.forecast import ForecastSettings, run_forecast
from sop_core.kpi import PERIOD_MONTHS, KpiFilters, filter_choices
from sop_ui.session import as_of, compute, get_store, meeting_mode
from sop_ui.text import column_label, figure, lang, money_scale, num, t

# Rows of a table in meeting mode: what a projected screen shows; the rest is for the PC.
MEETING_ROWS = 20
# The Styler costs about 80 µs a cell: past this size a table keeps the browser's number formats.
STYLED_CELLS_MAX = 50_000


@contextmanager
def progress_bar(text: str) -> Iterator[Progress]:
    """A progress bar for long work: yields the `progress(fraction, text)` callback the core takes,
    and removes the bar when the work is done."""
    bar = st.progress(0.0, text=text)

    def progress(fraction: float, said: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=said)

    try:
        yield progress
    finally:
        bar.empty()


def run_forecast_with_progress(granularity: str = "month") -> int:
    """Forecast every SKU now, with a progress bar in the page's language; the pages then read the stored run."""
    with progress_bar(t("setup.forecasting")) as progress:
        return run_forecast(get_store(), ForecastSettings(granularity=granularity), as_of(),
                            progress=progress, lang=lang())


def kept_choice(key: str, default: Any) -> None:
    """Give widget `key` the value it had on any page this session. Streamlit keeps a widget's
    state per page (and forgets it on pages that do not draw it), so the value is mirrored under a
    key of our own and handed back to the widget on every run."""
    st.session_state[key] = st.session_state.get(f"kept:{key}", default)


def keep_choice(key: str) -> None:
    st.session_state[f"kept:{key}"] = st.session_state[key]


UPLOAD_PREFIX = "sop_upload_"
ABANDONED_HOURS = 12  # longer than a working day's session; an upload older than that is abandoned
UPLOAD_COPY = "upload_copy"  # (the upload's id, the folder holding its one temporary copy)


def upload_copy(upload: Any | None) -> Path | None:
    """The file an upload is read from: one temporary copy per upload, made once and reused by every
    rerun of the page; the copy of an upload that left the widget (removed, replaced, imported) is
    deleted. None when nothing is uploaded."""
    kept = st.session_state.get(UPLOAD_COPY)
    if upload is not None and kept is not None and kept[0] == upload.file_id and kept[1].is_dir():
        return Path(kept[1]) / Path(upload.name).name
    drop_upload_copy()
    if upload is None:
        return None
    sweep_abandoned_copies(time.time())
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    st.session_state[UPLOAD_COPY] = (upload.file_id, folder)
    return path


def choose(label: str, options: Any, where: Any = st, **kwargs: Any) -> Any:
    """A selectbox whose empty state is said in the page's language: Streamlit's own placeholder
    ("Choose an option") is English whatever the page."""
    kwargs.setdefault("placeholder", t("widget.choose"))
    return where.selectbox(label, options, **kwargs)


def choose_many(label: str, options: Any, where: Any = st, **kwargs: Any) -> Any:
    """A multiselect whose empty state is said in the page's language ("Choose options" otherwise)."""
    kwargs.setdefault("placeholder", t("widget.choose_many"))
    return where.multiselect(label, options, **kwargs)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uploader_css(size_mb: int) -> str:
    """Streamlit writes the uploader's button ("Upload") and its limit line ("500MB per file • CSV…")
    in English, with no parameter to change them: on a French page CSS shows ours instead. The
    selectors are Streamlit's test ids; should a release rename them, the English texts come back,
    nothing breaks."""
    label = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
    limit = "[data-testid='stFileUploaderDropzoneInstructions']"
    return (f"<style>{label} {{ font-size: 0 !important; }}"
            f"{label}::after {{ content: {_css_string(t('widget.upload'))}; font-size: 0.875rem; }}"
            f"{limit} * {{ font-size: 0 !important; }}"
            f"{limit}::after {{ content: {_css_string(t('data.import.limit', size=num(size_mb)))};"
            " font-size: 0.75rem; }</style>")


def file_uploader(label: str, types: list[str], key: str) -> Any:
    """Streamlit's file uploader, its own texts in the page's language as far as CSS can (English
    pages keep Streamlit's); the size limit is also in the help, where a screen reader finds it."""
    size_mb = int(st.get_option("server.maxUploadSize"))
    if lang() != "en":
        st.html(_uploader_css(size_mb))
    return st.file_uploader(label, type=types, key=key, help=t("data.import.limit", size=num(size_mb)))


def sweep_abandoned_copies(now: float) -> None:
    """Delete the copies of uploads left more than `ABANDONED_HOURS` ago: a reader who closes the
    tab after uploading, without importing, ends a session that nothing tells the server about.
    A session still holding one of them copies its upload again (`upload_copy`)."""
    for folder in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        with contextlib.suppress(OSError):  # another session swept it first, or it is not ours to remove
            if now - folder.stat().st_mtime > ABANDONED_HOURS * 3600:
                shutil.rmtree(folder)


def drop_upload_copy() -> None:
    kept = st.session_state.pop(UPLOAD_COPY, None)
    if kept is not None:
        shutil.rmtree(kept[1], ignore_errors=True)


def _follow_link() -> None:
    """A home tile's link (`?period=3m`) opens the page on the tile's window, every family and
    customer: the page then shows the tile's figure. The link's parameter is then dropped, so the
    reader's own choices hold from there on."""
    period = st.query_params.get("period")
    if period is None:
        return
    del st.query_params["period"]
    if period in PERIOD_MONTHS:
        st.session_state.update({"kept:filter_period": period, "kept:filter_families": [],
                                 "kept:filter_customers": []})


def kpi_filters(customers: bool = True) -> KpiFilters:
    """The sidebar filters shared by the KPI pages (period, families, customers); a choice made on
    one page holds on the others."""
    _follow_link()
    choices = compute(filter_choices)
    with st.sidebar:
        st.subheader(t("filters.title"))
        kept_choice("filter_period", "12m")
        # Labels made now, in the page's language: AppTest may call format_func outside the run.
        periods = {code: t(f"period.{code}") for code in PERIOD_MONTHS}
        choose(t("filters.period"), list(PERIOD_MONTHS), key="filter_period", on_change=keep_choice,
                     args=("filter_period",), format_func=periods.__getitem__)
        kept_choice("filter_families", [])
        st.multiselect(t("filters.families"), choices["families"], key="filter_families", on_change=keep_choice,
                       args=("filter_families",), placeholder=t("filters.all_families"))
        if customers:
            kept_choice("filter_customers", [])
            st.multiselect(t("filters.customers"), choices["customers"], key="filter_customers", on_change=keep_choice,
                           args=("filter_customers",), placeholder=t("filters.all_customers"))
    # Choices that vanished with a new import are dropped rather than filtering on nothing.
    families = tuple(f for f in st.session_state["filter_families"] if f in choices["families"])
    chosen = tuple(c for c in st.session_state.get("filter_customers", []) if c in choices["customers"])
    return KpiFilters.of_period(st.session_state["filter_period"], as_of(), families, chosen if customers else ())


def show_chart(chart: alt.TopLevelMixin, where: Any = st) -> None:
    """An Altair chart in the page's language, with large fonts in meeting mode."""
    where.altair_chart(localized(chart, lang(), large=meeting_mode()), width="stretch")


def show_table(frame: pd.DataFrame, key: str | None = None, config: dict[str, Any] | None = None,
               where: Any = st) -> None:
    """A table with its headers in the page's language (`col.<name>` in the catalogue), dates and
    numbers in the language's format, ratio columns (fractions) as percentages and money columns in
    euros (`common.columns` names them); `config` adds or overrides column settings.

    Numbers are written by a pandas Styler (Streamlit's number formats follow the browser's locale,
    not the language chosen): the cell shows the text, sorting still uses the number. In meeting
    mode the table is static HTML at the room's type size (the data grid draws its text on a canvas
    at a fixed small size), its first `MEETING_ROWS` rows: a wall is read, not scrolled."""
    if meeting_mode():
        _show_static_table(frame, where)
        return
    columns: dict[str, Any] = {}
    for name in frame.columns:
        setting = dict((config or {}).get(name) or _default_column(frame[name]))
        setting["label"] = column_label(str(name))
        columns[str(name)] = setting
    shown: Any = frame.reset_index(drop=True)
    if frame.size <= STYLED_CELLS_MAX:
        shown = shown.style.format(
            table_formatters(shown, lang(), money_scale=money_scale()))
    where.dataframe(shown, hide_index=True, column_config=columns, key=key)


def _show_static_table(frame: pd.DataFrame, where: Any) -> None:
    head = frame.head(MEETING_ROWS).reset_index(drop=True)
    formats = table_formatters(head, lang(), money_scale=money_scale())
    # Renamed in the frame itself: Streamlit sends the frame's own headers, not a Styler's relabelled ones.
    labels = {name: column_label(str(name)) for name in head.columns}
    where.table(head.rename(columns=labels).style.format({labels[name]: f for name, f in formats.items()})
                .hide(axis="index"))
    if len(frame) > MEETING_ROWS:
        where.caption(t("table.meeting_rows", shown=MEETING_ROWS, rows=len(frame)))


# A tile's border says its status in colour; its text says it in a symbol and a word as well. Its
# change wraps rather than end in "…" (at 1440 px "vs cycle précédent (recalculé)" lost its source).
STATUS_TILE_CSS = "<style>" + "".join(
    f'[class*="st-key-tile_{status}_"] {{ border-left: 0.6rem solid {color} !important; }}'
    for status, color in STATUS_COLORS.items()) + (
    "[class*='st-key-tile_'] [data-testid='stMetricDelta'] * { white-space: normal !important;"
    " overflow: visible !important; text-overflow: clip !important; }</style>")


def tile_style() -> None:
    """The style of `status_tile`s: once per page run, before its tiles."""
    st.html(STATUS_TILE_CSS)


def status_tile(where: Any, status: str | None, key: str) -> Any:
    """A bordered box for one tile, its left border in the colour of `status` (red, orange, green)."""
    return where.container(border=True, key=f"tile_{status or 'none'}_{key}")


def show_figures(table: pd.DataFrame, kinds: Mapping[str, str], labels: str,
                 why_empty: Mapping[str, str] | None = None) -> None:
    """A few figures side by side: one row per figure (`table`'s index: codes, named by the
    catalogue's `<labels>.<code>`), each written by the one rule for its kind (`kinds[code]`, see
    `i18n.format_figure`). A plain HTML table rather than the data grid: its text follows the page's
    type size, so meeting mode can make it legible from the back of the room. Under it, why a row
    shows "–" (`why_empty[code]`: a catalogue key saying it), for the rows that do."""
    named = table.rename(index=lambda code: t(f"{labels}.{code}"))
    styled = named.style
    for code, label in zip(table.index, named.index, strict=True):
        styled = styled.format(partial(figure, kind=kinds[code]), subset=pd.IndexSlice[[label], :])
    st.table(styled)
    for code, key in (why_empty or {}).items():
        if table.loc[code].isna().any():
            st.caption(t(key))


def _default_column(values: pd.Series) -> dict[str, Any]:
    sample = values.dropna()
    if pd.api.types.is_datetime64_any_dtype(values):
        if (sample == sample.dt.normalize()).all():
            return dict(st.column_config.DateColumn(format=TABLE_DATE_FORMATS[lang()]))
        return dict(st.column_config.DatetimeColumn(format=TABLE_DATE_FORMATS[lang()] + " HH:mm"))
    if not sample.empty and isinstance(sample.iloc[0], dt.date):
        return dict(st.column_config.DateColumn(format=TABLE_DATE_FORMATS[lang()]))
    return {}


def downloads(table: pd.DataFrame | Callable[[], pd.DataFrame], name: str) -> None:
    """CSV (as French Excel reads it) and .xlsx buttons for one table, or for a function giving it
    (then computed only on click); files are built on click, without rerunning the page. Headers
    are in the page's language; cells that a spreadsheet would run as formulas are neutralised."""
    frame = table if callable(table) else lambda: table
    language = lang()

    # The workbook translates the headers itself: it reads the columns' kinds from sop_core's names.
    file_downloads(name, {"csv": lambda: csv_bytes(translated_headers(frame(), language)),
                          "xlsx": lambda: xlsx_bytes(frame(), name, language)})


FILE_TYPES = {"csv": ("CSV", "text/csv"), "pdf": ("PDF", "application/pdf"),
              "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def file_downloads(name: str, files: Mapping[str, bytes | Callable[[], bytes]], tag: str = "") -> None:
    """A button per file (format -> its bytes, or a function making them on click), side by side;
    `tag` tells apart sets of the same files (the pack in each language)."""
    for column, (fmt, content) in zip(st.columns([1, 1, 4]), files.items(), strict=False):
        label, mime = FILE_TYPES[fmt]
        column.download_button(f"⬇ {label}{tag}", content, file_name=f"{name}.{fmt}", mime=mime,
                               key=f"{fmt}_{name}", on_click="ignore")
