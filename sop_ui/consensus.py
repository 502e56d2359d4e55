"""The consensus section of the Forecast page: the grid of new finals per period, a change over a
range of months (by % or by units, confirmed beyond ±30 % of the statistics), and the log of the
cycle's changes with their undo.

After any save the page runs again at once: its figures are read afresh (the cache keys on the
store's version, which every write changes), and the grid, keyed on the finals it shows, starts
from the new ones rather than from the cells typed before the save.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from sop_core.common import MessageError, format_month, parse_number, table_formatters
from sop_core.data import Store
from sop_core.forecast import (
    CONTRIBUTORS,
    ConfirmationNeeded,
    ConsensusConflict,
    adjust_range,
    consensus_log,
    entry_cycle,
    set_final,
    undo_entry,
)
from sop_ui.login import user_name
from sop_ui.session import compute
from sop_ui.text import date, lang, num, plain, t
from sop_ui.widgets import choose, show_table

SAID = "consensus_said"  # what the last save said, shown once the page has run again
PENDING_RANGE = "consensus_range_pending"  # a range change waiting for its confirmation


def consensus_panel(store: Store, run_id: int, granularity: str, level: str, key: str,
                    forecast: pd.DataFrame) -> None:
    """The consensus of one SKU or family (`forecast`: its `forecast_levels` rows)."""
    st.subheader(t("forecast.consensus"))
    said = st.session_state.pop(SAID, None)
    if said:
        getattr(st, said[0])(said[1])
    contributors = {code: t(f"forecast.contributor.{code}") for code in CONTRIBUTORS}
    _grid(store, run_id, granularity, level, key, forecast, contributors)
    _range_form(store, run_id, granularity, level, key, forecast, contributors)
    _log(store, granularity)


def _saved(kind: str, text: str) -> None:
    """Say `text` after the page has run again with the new figures."""
    st.session_state[SAID] = (kind, text)
    st.rerun()


def _author(key: str) -> str:
    name = user_name() or st.text_input(t("forecast.author"), key=key)
    return str(name or "").strip()


def _grid(store: Store, run_id: int, granularity: str, level: str, key: str, forecast: pd.DataFrame,
          contributors: dict[str, str]) -> None:
    table = forecast[["period", "statistical", "adjustment", "final"]].reset_index(drop=True)
    formats = table_formatters(table, lang())
    # The column one types in is text written like the others (34 480,8), read back in the page's
    # language: a number column would show the browser's raw float (34480.7967).
    shown = table.assign(new_final=table["final"].map(formats["final"]))
    # Keyed on the finals shown: after a save (or a colleague's) the grid starts from the new ones.
    digest = hashlib.sha1(table["final"].round(6).to_numpy().tobytes()).hexdigest()[:12]
    with st.form("consensus", clear_on_submit=False):
        edited = st.data_editor(
            shown.style.format({name: formats[name] for name in table.columns}),
            key=f"editor_{level}_{key}_{digest}", hide_index=True,
            disabled=["period", "statistical", "adjustment", "final"],
            column_config={"period": st.column_config.DateColumn(t("col.period"), format="MM/YYYY"),
                           "new_final": st.column_config.TextColumn(t("col.new_final"), required=True),
                           **{name: st.column_config.NumberColumn(t(f"col.{name}"))
                              for name in ("statistical", "adjustment", "final")}})
        contributor = st.radio(t("forecast.contributor"), list(contributors), key="consensus_contributor",
                               format_func=contributors.__getitem__, horizontal=True)
        author = _author("consensus_author")
        comment = st.text_input(t("forecast.comment"), key="consensus_comment")
        if not st.form_submit_button(t("forecast.record")):
            return
    if not author:
        st.error(t("forecast.no_author"))
        return
    wanted = []
    for row, typed in zip(table.itertuples(), edited["new_final"], strict=True):
        shown_final = formats["final"](row.final)
        try:
            target = float(parse_number(str(typed), lang()))
        except ValueError:
            st.error(t("forecast.number_unreadable", period=date(row.period.date()), text=plain(str(typed))))
            return
        if target != parse_number(shown_final, lang()):  # the figure shown, retyped or not: untouched
            wanted.append((row.period.date(), target, float(row.final)))
    conflicts = []
    for period, target, seen in wanted:
        try:  # the final seen here goes along: a colleague's change meanwhile is shown, not added to
            set_final(store, author, comment, level, key, granularity, period, run_id, target, seen=seen,
                      contributor=contributor)
        except ConsensusConflict as exc:
            conflicts.append((period, exc.wanted, exc.render(lang())))
    st.session_state["consensus_conflicts"] = (level, key, author, comment, conflicts, contributor)
    _saved("success", t("forecast.recorded", count=len(wanted) - len(conflicts)))


def _conflicts(store: Store, run_id: int, granularity: str, level: str, key: str) -> None:
    pending = st.session_state.get("consensus_conflicts")
    if not (pending and pending[:2] == (level, key) and pending[4]):
        return
    for _, _, said in pending[4]:
        st.warning(plain(said))
    if st.button(t("forecast.apply_mine"), key="consensus_apply_mine"):  # over the colleague's, knowingly
        for period, wanted, _ in pending[4]:
            set_final(store, pending[2], pending[3], level, key, granularity, period, run_id, wanted,
                      contributor=pending[5])
        st.session_state.pop("consensus_conflicts")
        _saved("success", t("forecast.recorded", count=len(pending[4])))


def _range_form(store: Store, run_id: int, granularity: str, level: str, key: str, forecast: pd.DataFrame,
                contributors: dict[str, str]) -> None:
    _conflicts(store, run_id, granularity, level, key)
    periods = [p.date() for p in pd.to_datetime(forecast["period"]).drop_duplicates().sort_values()]
    # Labels made now, in the page's language: AppTest may call format_func outside the run.
    months = {p: format_month(p, lang()) if granularity == "month" else date(p) for p in periods}
    kinds = {code: t(f"forecast.range.kind.{code}") for code in ("percent", "quantity")}
    with st.expander(t("forecast.range.title")), st.form("consensus_range"):
        left, right = st.columns(2)
        first = choose(t("forecast.range.first"), periods, key="range_first", format_func=months.__getitem__,
                       where=left)
        last = choose(t("forecast.range.last"), periods, key="range_last", index=len(periods) - 1,
                      format_func=months.__getitem__, where=right)
        kind = left.radio(t("forecast.range.kind"), list(kinds), key="range_kind", format_func=kinds.__getitem__)
        amount = right.number_input(t("forecast.range.amount"), value=0.0, step=1.0, key="range_amount")
        contributor = st.radio(t("forecast.contributor"), list(contributors), key="range_contributor",
                               format_func=contributors.__getitem__, horizontal=True)
        author = _author("range_author")
        reason = st.text_input(t("forecast.range.reason"), key="range_reason")
        if st.form_submit_button(t("forecast.range.submit")):
            if not author:
                st.error(t("forecast.no_author"))
            else:
                _apply_range(store, {"author": author, "contributor": contributor, "reason": reason, "level": level,
                                     "key": key, "granularity": granularity, "first_period": first,
                                     "last_period": last, "run_id": run_id, kind: float(amount)})
    pending = st.session_state.get(PENDING_RANGE)
    if pending and (pending["level"], pending["key"]) == (level, key):
        if st.button(t("forecast.range.confirm"), key="range_confirm"):
            st.session_state.pop(PENDING_RANGE)
            _apply_range(store, pending, confirmed=True)
        elif st.button(t("forecast.range.cancel"), key="range_cancel"):
            st.session_state.pop(PENDING_RANGE)
            st.rerun()


def _apply_range(store: Store, change: dict[str, Any], confirmed: bool = False) -> None:
    try:
        entry = adjust_range(store, **change, confirmed=confirmed)
    except ConfirmationNeeded as exc:
        st.session_state[PENDING_RANGE] = change
        _saved("warning", plain(exc.render(lang())))
        return
    except MessageError as exc:
        st.error(plain(exc.render(lang())))
        return
    row = consensus_log(store, None, change["granularity"]).set_index("entry_id").loc[entry]
    _saved("success", t("forecast.range.done", entry=entry, before=num(row["units_before"], 1),
                        after=num(row["units_after"], 1)))


def _log(store: Store, granularity: str) -> None:
    cycle = compute(entry_cycle)
    log = compute(consensus_log, str(cycle), granularity)
    st.markdown(f"**{t('forecast.log.title', cycle=format_month(cycle.start, lang()))}**")
    if log.empty:
        st.caption(t("forecast.log.empty"))
        return
    # Codes in words, made now in the page's language.
    words = {column: {code: t(f"forecast.{prefix}.{code}") for code in codes} for column, prefix, codes in (
        ("contributor", "contributor", CONTRIBUTORS), ("level", "level", ("sku", "family")),
        ("change_kind", "kind", ("percent", "quantity", "target")))}
    shown = log.drop(columns=["cycle", "granularity"]).assign(
        **{column: log[column].map(names) for column, names in words.items()})
    show_table(shown, key="consensus_log")
    standing = log[log["undone_at"].isna()]
    if standing.empty:
        return
    options = {int(r.entry_id): t("forecast.log.option", entry=int(r.entry_id), name=r.key, who=r.author,
                                  why=r.reason or "–") for r in standing.itertuples()}
    left, middle = st.columns([3, 2])
    chosen = choose(t("forecast.log.which"), list(options), key="log_undo_entry", format_func=options.__getitem__,
                    where=left)
    # Signed in, the user; else a name, the one typed in a form above to begin with.
    for typed in ("range_author", "consensus_author"):
        if not st.session_state.get("undo_author") and st.session_state.get(typed):
            st.session_state["undo_author"] = st.session_state[typed]
    who = user_name() or str(middle.text_input(t("forecast.author"), key="undo_author") or "").strip()
    if st.button(t("forecast.log.undo"), key="log_undo") and chosen is not None:
        if not who:
            st.error(t("forecast.no_author"))
            return
        try:
            undo_entry(store, int(chosen), who)
        except MessageError as exc:
            st.error(plain(exc.render(lang())))
            return
        _saved("success", t("forecast.log.undone", entry=int(chosen)))
