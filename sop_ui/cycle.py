"""The S&OP cycle on screen: the home page's panel (each step with who did it, the step's action,
closing), a step's action on the page where its work is done (freeze on the Forecast page), the
offer to open the next cycle once imported data runs past the current one, and the sidebar's choice
of the cycle shown (a closed cycle reads back as its meeting saw it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from sop_core.common import Cycle, SaidError
from sop_core.data import CYCLE_STEPS, Store, closed_cycles, cycle_record, data_freshness, open_cycle, record_step
from sop_core.meeting import (
    close_cycle,
    cycle_status,
    cycle_status_text,
    freeze_step,
    next_cycle_offer,
    open_next_cycle,
)
from sop_ui.login import may, user_name
from sop_ui.session import as_of
from sop_ui.text import date, lang, plain, t
from sop_ui.widgets import choose, keep_choice, kept_choice

MARKED_STEPS = ("supply_review", "pre_sop", "executive_meeting")  # no trace in the data but a record


@dataclass(frozen=True)
class ShownCycle:
    """The cycle a page shows and the day its figures are as of; `closed`: read it back, change nothing."""

    cycle: Cycle
    as_of: dt.date
    closed: bool


def shown_cycle(store: Store) -> ShownCycle:
    """The current cycle, or the closed cycle chosen in the sidebar (offered once one is closed);
    the choice holds from page to page. A closed cycle is said on the page, with its as-of."""
    today = as_of()
    cycle = Cycle.of(today)
    past = closed_cycles(store)
    if past:
        names = {str(c): t("home.cycle_choice", cycle=c) for c in dict.fromkeys([cycle, *past])}
        kept_choice("shown_cycle", str(cycle))
        if st.session_state["shown_cycle"] not in names:
            st.session_state["shown_cycle"] = str(cycle)
        cycle = Cycle.parse(choose(t("home.view_cycle"), list(names), key="shown_cycle",
                                                 format_func=names.__getitem__, on_change=keep_choice,
                                                 args=("shown_cycle",), where=st.sidebar))
    record = cycle_record(store, cycle)
    if record is None or record.status != "closed":
        return ShownCycle(cycle, today, closed=False)
    st.info(t("home.closed_view", cycle=cycle, date=date(record.as_of)))
    return ShownCycle(cycle, record.as_of, closed=True)


def _said(action: str, run: Callable[[], object]) -> None:
    """Run an action of the panel; keep what it says (done, or why not) for the next run."""
    try:
        said = run()
        # A number done (rows frozen, KPIs kept) is the count its sentence agrees with.
        said_as = {"count": said} if isinstance(said, int) else {"result": said}
        st.session_state["cycle_said"] = ("success", t(f"cycle.did.{action}", **said_as))
    except SaidError as exc:
        st.session_state["cycle_said"] = ("error", exc.render(lang()))


def _who() -> str:
    return user_name() or str(st.session_state.get("cycle_user") or "")


def _who_input() -> bool:
    """Whether this reader may record a step: a planner signed in (their name is recorded), or,
    without accounts, once a name is typed (kept from page to page)."""
    if user_name():
        return True
    kept_choice("cycle_user", "")
    st.text_input(t("cycle.who"), key="cycle_user", placeholder=t("cycle.who_placeholder"),
                  on_change=keep_choice, args=("cycle_user",))
    return bool(_who().strip())


def _said_here() -> None:
    said = st.session_state.pop("cycle_said", None)
    if said:
        (st.success if said[0] == "success" else st.error)(said[1])


def _step_button(store: Store, cycle: Cycle, step: str, ready: bool) -> None:
    """The action that records `step`: the demand review freezes the forecast, the others are marked."""
    if step == "demand_review":
        st.button(t("cycle.freeze"), key="cycle_freeze", disabled=not ready,
                  on_click=lambda: _said("freeze", lambda: freeze_step(store, cycle, _who())))
    else:
        st.button(t(f"cycle.mark.{step}"), key=f"cycle_mark_{step}", disabled=not ready,
                  on_click=lambda: _said("mark", lambda: record_step(store, cycle, step, _who())))


def step_action(store: Store, step: str) -> None:
    """`step` of the current cycle where its work is done (freeze on the Forecast page): who did it
    and when once done, else the button that records it (the cycle must be open)."""
    cycle = Cycle.of(as_of())
    record = cycle_record(store, cycle)
    with st.container(border=True):
        _said_here()
        if record is None or record.status != "open":
            st.caption(t("cycle.step_needs_open", cycle=cycle))
            return
        rows = dict(zip(CYCLE_STEPS, cycle_status_text(cycle_status(store, cycle), lang()), strict=True))
        name, done, detail = rows[step]
        st.markdown(f"{'✔' if done else '○'} **{name}** — {plain(detail)}")
        if may("planner"):  # a viewer sees where the cycle stands, no button
            _step_button(store, cycle, step, _who_input())


def _offer(store: Store, offer: tuple[Cycle, dt.date] | None, ready: bool) -> None:
    if offer is not None:
        st.info(t("cycle.offer", cycle=offer[0], date=date(offer[1])))
        st.button(t("cycle.open_next", cycle=offer[0]), key="cycle_open_next", disabled=not ready, type="primary",
                  on_click=lambda: _said("open", lambda: open_next_cycle(store, _who())))


def next_cycle_panel(store: Store) -> None:
    """Where data arrives (the Data page): how fresh each kind is, and the next cycle to open once
    the imported demand runs past the current one."""
    _said_here()
    fresh = data_freshness(store, store.as_of())
    for row in fresh[fresh["stale"]].itertuples():
        st.warning(t("cycle.stale", kind=t(f"data.kind.{row.kind}"), last=date(row.last),
                     count=row.months_behind))
    offer = next_cycle_offer(store)
    if offer is not None and may("planner"):
        _offer(store, offer, _who_input())


def _actions(store: Store, cycle: Cycle, opened: bool, offer: tuple[Cycle, dt.date] | None) -> None:
    if not may("planner"):
        st.caption(t("login.planner_only"))
        return
    ready = _who_input()
    _offer(store, offer, ready)
    if not opened:
        st.button(t("cycle.open_this", cycle=cycle), key="cycle_open", disabled=not ready,
                  on_click=lambda: _said("open", lambda: _open_this(store, cycle)))
        return
    for step in ("demand_review", *MARKED_STEPS):
        _step_button(store, cycle, step, ready)
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
    _said_here()
    if state == "closed":
        st.caption(t("cycle.closed_note"))
        return
    offer = next_cycle_offer(store)
    with st.expander("▶ " + t("cycle.actions"), expanded=offer is not None):
        _actions(store, cycle, record is not None, offer)
