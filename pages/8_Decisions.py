"""Decisions log (relevé de décisions): record what the meeting decides, follow it, close it with an outcome.

Decisions are read straight from the store (not through `compute`, whose cache does not see them change).
Recording and closing run in button callbacks: the fields are cleared after a success, kept after an error.
"""


import pandas as pd
import streamlit as st

from sop_core.common import Cycle, format_month
from sop_core.meeting import (
    KPI_CODES,
    DecisionError,
    close_decision,
    closed_cycle,
    decisions_of_cycle,
    open_decisions,
    overdue,
    previous_cycle_follow_up,
    record_decision,
)
from sop_core.whatif import saved_scenarios
from sop_ui import as_of, choose, date, downloads, lang, may, page_setup, plain, show_table, shown_cycle, step_action, t

store = page_setup("decisions.title", "📝")
st.title("📝 " + t("decisions.title"))
today = as_of()
cycle = Cycle.of(today)
st.caption(t("decisions.caption", cycle=cycle, month=format_month(cycle.start, lang())))
state = st.session_state


def _record() -> None:
    kind = state["dec_link_kind"]
    link = state.get(f"dec_link_{kind}") if kind != "none" else None
    try:
        new_id = record_decision(store, cycle, state["dec_what"], state["dec_owner"], state["dec_due"],
                                 None if kind == "none" else kind, link)
    except DecisionError as exc:
        state["dec_record_msg"] = ("error", plain(exc.render(lang())))  # it may quote a name
        return
    state["dec_record_msg"] = ("success", t("decisions.recorded", id=new_id, cycle=cycle))
    state["dec_what"], state["dec_due"] = "", None


def _close() -> None:
    try:
        close_decision(store, int(state["dec_close_pick"]), cycle, state["dec_outcome"], state["dec_close_as"])
    except DecisionError as exc:
        state["dec_close_msg"] = ("error", plain(exc.render(lang())))
        return
    state["dec_close_msg"] = ("success", t("decisions.closed", id=state["dec_close_pick"],
                                           status=t(f"decisions.status.{state['dec_close_as']}")))
    state["dec_outcome"] = ""


def _message(key: str) -> None:
    if key in state:
        kind, text = state.pop(key)
        (st.success if kind == "success" else st.error)(text)


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes in words: status, link kind, KPI names, and the overdue flag with its symbol."""
    out = frame.assign(
        status=frame["status"].map(lambda s: t(f"decisions.status.{s}")),
        link_kind=frame["link_kind"].map(lambda k: t(f"decisions.link_kind.{k}") if isinstance(k, str) else ""),
        link=[t(f"kpi.{code}") if kind == "kpi" else (code or "") for kind, code in zip(frame["link_kind"],
                                                                                        frame["link"], strict=True)])
    if "overdue" in out:
        out["overdue"] = out["overdue"].map(lambda late: "⏰ " + t("decisions.overdue") if late else "")
    return out


shown = shown_cycle(store)
kept = closed_cycle(store, shown.cycle) if shown.closed else None
if kept is not None:  # a closed cycle: its decisions as they stood when it closed, read only
    st.subheader(t("decisions.of_cycle", cycle=shown.cycle))
    if kept.decisions.empty:
        st.info(t("decisions.none_of_cycle"))
    else:
        show_table(_shown(kept.decisions), key="dec_closed_cycle")
    st.stop()

if may("planner"):  # a viewer reads the log, records nothing
    with st.container(border=True):
        st.subheader(t("decisions.record"))
        left, right = st.columns([3, 1])
        left.text_input(t("decisions.what"), key="dec_what")
        right.text_input(t("decisions.owner"), key="dec_owner")
        kind_column, link_column, due_column = st.columns([2, 2, 1])
        kinds = {k: t(f"decisions.link_kind.{k}") for k in ("none", "scenario", "kpi")}  # labels fixed at render time
        kind_column.radio(t("decisions.link_kind"), list(kinds), key="dec_link_kind", horizontal=True,
                          format_func=kinds.__getitem__)
        if state["dec_link_kind"] == "scenario":
            names = list(saved_scenarios(store)["name"])
            choose(t("decisions.link_kind.scenario"), names, key="dec_link_scenario", where=link_column)
            if not names:
                link_column.caption(t("decisions.no_scenario"))
        elif state["dec_link_kind"] == "kpi":
            kpis = {code: t(f"kpi.{code}") for code in KPI_CODES}
            choose(t("decisions.link_kind.kpi"), list(kpis), key="dec_link_kpi",
                                  format_func=kpis.__getitem__, where=link_column)
        due_column.date_input(t("decisions.due"), value=None, min_value=cycle.start, format="DD/MM/YYYY",
                              key="dec_due")
        st.button(t("decisions.save"), key="dec_save", type="primary", on_click=_record)
        _message("dec_record_msg")
step_action(store, "executive_meeting")

st.subheader(t("decisions.open"))
opened = overdue(open_decisions(store), today)
_message("dec_close_msg")
if opened.empty:
    st.info(t("decisions.none_open"))
else:
    st.caption(t("decisions.open_caption", count=len(opened), late=int(opened["overdue"].sum()), date=date(today)))
    table = _shown(opened)[["decision_id", "overdue", "due", "what", "owner", "cycle", "link_kind", "link"]]
    show_table(table, key="dec_open_table")
    downloads(table, "decisions_open")
    if may("planner"):
        with st.container(border=True):
            st.markdown(f"**{t('decisions.close')}**")
            labels = {int(r.decision_id): f"#{r.decision_id} · {r.what} ({r.owner})" for r in opened.itertuples()}
            pick, how = st.columns([3, 1])
            choose(t("decisions.close_pick"), list(labels), key="dec_close_pick",
                           format_func=labels.__getitem__, where=pick)
            statuses = {s: t(f"decisions.status.{s}") for s in ("done", "dropped")}
            how.radio(t("decisions.close_as"), list(statuses), key="dec_close_as", format_func=statuses.__getitem__)
            st.text_area(t("decisions.outcome"), key="dec_outcome", height=80)
            st.button(t("decisions.close_button", cycle=cycle), key="dec_close", on_click=_close)

for title, caption, empty, frame, name in (
    (t("decisions.of_cycle", cycle=cycle), t("decisions.of_cycle_caption"), t("decisions.none_of_cycle"),
     decisions_of_cycle(store, cycle), f"decisions_{cycle}"),
    (t("decisions.follow_up"), t("decisions.follow_up_caption"), t("decisions.none_follow_up"),
     overdue(previous_cycle_follow_up(store, cycle), today), f"decisions_follow_up_{cycle}"),
):
    st.subheader(title)
    st.caption(caption)
    if frame.empty:
        st.info(empty)
        continue
    shown = _shown(frame)
    show_table(shown, key=f"table_{name}")
    downloads(shown, name)
