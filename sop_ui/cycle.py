"""The cycle panel of the home page: each step of the S&OP cycle with who did it, the step's action
where it is shown (freeze the forecast, mark a review done, close the cycle), and the offer to open
the next cycle once imported data runs past the current one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from sop_core.common import Cycle, SaidError
from sop_core.data import Store, cycle_record, data_freshness, open_cycle, record_step
from sop_core.meeting import (
    close_cycle,
    cycle_status,
    cycle_status_text,
    freeze_step,
    next_cycle_offer,
    open_next_cycle,
)
from sop_ui.text import date, lang, num, plain, t

MARKED_STEPS = ("supply_review", "pre_sop", "executive_meeting")  # no trace in the data but a record


def _said(action: str, run: Callable[[], object]) -> None:
    """Run an action of the panel; keep what it says (done, or why not) for the next run."""
    try:
        said = run()
        st.session_state["cycle_said"] = ("success", t(f"cycle.did.{action}", result=said))
    except SaidError as exc:
        st.session_state["cycle_said"] = ("error", exc.render(lang()))


def _who() -> str:
    return str(st.session_state.get("cycle_user") or "")


def _who_input() -> bool:
    """The name recorded with each step; True once one is given."""
    st.text_input(t("cycle.who"), key="cycle_user", placeholder=t("cycle.who_placeholder"))
    return bool(_who().strip())


def _offer(store: Store, offer: tuple[Cycle, dt.date] | None, ready: bool) -> None:
    if offer is not None:
        st.info(t("cycle.offer", cycle=offer[0], date=date(offer[1])))
        st.button(t("cycle.open_next", cycle=offer[0]), key="cycle_open_next", disabled=not ready, type="primary",
                  on_click=lambda: _said("open", lambda: open_next_cycle(store, _who())))


def next_cycle_panel(store: Store) -> None:
    """Where data arrives (the Data page): how fresh each kind is, and the next cycle to open once
    the imported demand runs past the current one."""
    said = st.session_state.pop("cycle_said", None)
    if said:
        (st.success if said[0] == "success" else st.error)(said[1])
    fresh = data_freshness(store, store.as_of())
    for row in fresh[fresh["stale"]].itertuples():
        st.warning(t("cycle.stale", kind=t(f"data.kind.{row.kind}"), last=date(row.last),
                     months=num(row.months_behind)))
    offer = next_cycle_offer(store)
    if offer is not None:
        _offer(store, offer, _who_input())


def _actions(store: Store, cycle: Cycle, opened: bool, offer: tuple[Cycle, dt.date] | None) -> None:
    ready = _who_input()
    _offer(store, offer, ready)
    if not opened:
        st.button(t("cycle.open_this", cycle=cycle), key="cycle_open", disabled=not ready,
                  on_click=lambda: _said("open", lambda: _open_this(store, cycle)))
        return
    st.button(t("cycle.freeze"), key="cycle_freeze", disabled=not ready,
              on_click=lambda: _said("freeze", lambda: freeze_step(store, cycle, _who())))
    for step in MARKED_STEPS:
        st.button(t(f"cycle.mark.{step}"), key=f"cycle_mark_{step}", disabled=not ready,
                  on_click=lambda step=step: _said("mark", lambda: record_step(store, cycle, step, _who())))
    confirm = st.checkbox(t("cycle.close_confirm", cycle=cycle), key="cycle_close_confirm")
    st.button(t("cycle.close", cycle=cycle), key="cycle_close", disabled=not (ready and confirm),
              on_click=lambda: _said("close", lambda: len(close_cycle(store, cycle, _who()).tiles)))


def _open_this(store: Store, cycle: Cycle) -> Cycle:
    open_cycle(store, cycle, store.as_of(), _who())
    record_step(store, cycle, "data_collected", _who())
    return cycle


def cycle_panel(store: Store, cycle: Cycle) -> None:
    """The steps of `cycle`, then the actions an open cycle offers (a closed one is read only)."""
    record = cycle_record(store, cycle)
    state = record.status if record is not None else "not_opened"
    st.subheader("🔄 " + t("home.cycle", cycle=cycle) + " · " + t(f"cycle.state.{state}"))
    for name, done, detail in cycle_status_text(cycle_status(store, cycle), lang()):
        st.markdown(f"{'✔' if done else '○'} **{name}** — {plain(detail)}")
    said = st.session_state.pop("cycle_said", None)
    if said:
        (st.success if said[0] == "success" else st.error)(said[1])
    if state == "closed":
        st.caption(t("cycle.closed_note"))
        return
    offer = next_cycle_offer(store)
    with st.expander("▶ " + t("cycle.actions"), expanded=offer is not None):
        _actions(store, cycle, record is not None, offer)
