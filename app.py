"""Home page: the month at a glance for the S&OP meeting. Seven KPI tiles against their targets
with their change since the last cycle, the agenda of exceptions, the cycle's progress, the last
cycle's decisions to follow up, and the meeting pack to send afterwards."""

from typing import Literal

import pandas as pd
import streamlit as st

from sop_core.common import Cycle, format_month
from sop_core.data import DataOverview, Store, data_overview, issued_pack_files
from sop_core.meeting import (
    Tile,
    agenda_text,
    build_pack,
    closed_cycle,
    cycle_figures,
    pack_files,
    previous_cycle_follow_up,
    tile_text,
)
from sop_ui import (
    APP_TITLE,
    as_of,
    compute,
    cycle_panel,
    date,
    file_downloads,
    lang,
    may,
    money,
    num,
    page_of,
    page_setup,
    plain,
    progress_bar,
    show_table,
    shown_cycle,
    status_tile,
    t,
    tile_style,
)

DeltaColor = Literal["normal", "inverse", "off"]
DELTA_COLORS: dict[bool, DeltaColor] = {True: "normal", False: "inverse"}


def show_tiles(tiles: list[Tile]) -> None:
    tile_style()
    with st.container(key="kpi-area"):
        for row in (tiles[:4], tiles[4:]):
            for cell, tile in zip(st.columns(4), row, strict=False):
                text = tile_text(tile, lang())
                with status_tile(cell, tile.status, tile.code):
                    st.metric(text.label, text.value, text.change, help=text.help,
                              delta_color="off" if tile.two_sided else DELTA_COLORS[tile.higher_is_better])
                    st.markdown(f"**{text.status}** · {text.target}")
                    if text.parts:
                        st.caption(text.parts)
                    st.page_link(page_of(tile.topic), label=t("home.details"), icon="🔎", query_params=tile.window)


def show_agenda(agenda: pd.DataFrame) -> None:
    if agenda.empty:
        st.success(t("home.no_exceptions"))
    for _, item in agenda.iterrows():
        st.page_link(page_of(item["topic"]), label=plain(agenda_text(item, lang())))  # names from the data, as text


def show_follow_up(store: Store, cycle: Cycle) -> None:
    follow_up = previous_cycle_follow_up(store, cycle)
    if follow_up.empty:
        st.caption(t("home.no_follow_up"))
    else:
        show_table(follow_up)
    st.page_link(page_of("decisions"), label=t("home.to_decisions"), icon="📝")


def meeting_pack(store: Store, cycle: Cycle) -> None:
    """Build the pack on demand (a few seconds, with a progress bar), then offer both files."""
    st.subheader("📄 " + t("home.pack"))
    if may("planner") and st.button(t("home.pack_build", cycle=cycle), key="pack_build"):
        with progress_bar(t("home.pack_building")) as progress:
            pack = build_pack(store, cycle, lang(), as_of(), progress=progress)
        st.session_state["pack_files"] = (cycle, lang(), pack_files(store, pack))
        st.rerun()  # the cycle status above now shows the pack issued
    built = st.session_state.get("pack_files")
    if built and built[:2] == (cycle, lang()):
        file_downloads(f"sop_{cycle}_{lang()}", built[2])


def issued_pack(store: Store, cycle: Cycle) -> None:
    """A closed cycle's pack: the files its meeting was handed, never a reprint."""
    st.subheader("📄 " + t("home.pack"))
    files = issued_pack_files(store, cycle)
    if files.empty:
        st.caption(t("home.no_pack_issued", cycle=cycle))
    for language, kept in files.groupby("lang", sort=False):
        st.caption(t("home.pack_issued_on", date=date(kept["issued_at"].max())))
        file_downloads(f"sop_{cycle}_{language}", dict(zip(kept["format"], kept["content"], strict=True)),
                       tag=f" · {str(language).upper()}")


def data_at_a_glance(overview: DataOverview) -> None:
    row = st.columns(6)
    row[0].metric(t("home.products"), num(overview.products), help=t("home.families", count=overview.families))
    row[1].metric(t("home.customers"), num(overview.customers))
    row[2].metric(t("home.open_lines"), num(overview.open_order_lines),
                  help=t("home.of_lines", count=overview.order_lines))
    row[3].metric(t("home.open_of"), num(overview.open_production_orders),
                  help=t("home.workshops", count=overview.workshops))
    stock_label = (t("home.stock_value_on", date=date(overview.stock_date)) if overview.stock_date
                   else t("home.stock_value"))
    row[4].metric(stock_label, money(overview.stock_value))
    row[5].metric(t("home.sales_months"), num(overview.sales_months))


store = page_setup("home.title", "🏭")
today = as_of()
st.title(APP_TITLE)
shown = shown_cycle(store)  # look back: a closed cycle is shown as its meeting saw it
cycle = shown.cycle
kept = closed_cycle(store, cycle)
if kept is not None:
    tiles, agenda = list(kept.tiles), kept.agenda
else:
    st.caption(t("home.cycle_caption", month=format_month(today, lang()), date=date(today)))
    tiles, agenda = compute(cycle_figures, today)  # one projection of the open OF serves both
show_tiles(tiles)

agenda_column, cycle_column = st.columns([3, 2], gap="large")
with agenda_column:
    st.subheader("🗒 " + t("home.agenda"))
    show_agenda(agenda)
with cycle_column:
    cycle_panel(store, cycle)
    st.subheader("📝 " + t("home.follow_up", cycle=cycle.previous))
    show_follow_up(store, cycle)

if kept is None:
    meeting_pack(store, cycle)
else:
    issued_pack(store, cycle)
with st.expander("🗄 " + t("home.data_at_a_glance")):
    data_at_a_glance(compute(data_overview, today))
