"""The what-if page's working widgets: the table of levers a scenario is typed in, the compared
scenarios' columns and figures, and the tuning of a compared scenario's levers with sliders (a
fragment: a move reruns it alone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from sop_core.common import Cycle
from sop_core.data import Store
from sop_core.forecast import MissingRunError
from sop_core.plan import PlanInputs
from sop_core.whatif import (
    BASELINE,
    FIGURE_KINDS,
    LEVER_KINDS,
    PLAN_FIGURE_KINDS,
    MixResult,
    Plan,
    Scenario,
    ScenarioError,
    SimulationResult,
    comparison_table,
    delete_scenario,
    find_cheapest_mix,
    find_mix_for_demand,
    lever_limit,
    mark_decision,
    plan_comparison,
    plan_of,
    save_scenario,
    saved_scenarios,
    scenario_from_json,
    scenario_to_json,
    simulate,
)
from sop_ui.login import user_name
from sop_ui.session import compute
from sop_ui.text import lang, money, num, pct, plain, t
from sop_ui.widgets import choose, show_figures, show_table

# Editor columns get a set width in pixels (room for their French header or longest choice): left to
# itself the grid sizes them by measuring their text, and a page drawn before its web font arrives
# measures the fallback font and keeps those widths.
EDITOR_WIDTHS: dict[str, Any] = {
    "kind": 180, "workshop": 130, "first_week": 195, "last_week": 195, "size": "medium",
    "level": 110, "key": 180, "first_month": 120, "last_month": 120, "percent": 120, "quantity": 160}
# How a lever's size moves on its slider, and how the slider writes it: people come whole (2, not
# 2.00), hours by the half hour (4.5).
SLIDER_STEPS = {"headcount": (1, "%d"), "hours_per_person": (0.5, "%.1f"), "hours_per_week": (0.5, "%.1f")}


def cheapest_mix(today: dt.date, goal: str, rate: float, demand: Scenario) -> MixResult | None:
    """The cheapest mix for `goal` (no red OF, on time at `rate`, or the PIC of `demand` without a
    capacity shortage), with a spinner while it is solved; None, and why on the page, when the PIC's
    goal has no plan to aim at (no monthly forecast, or a past cycle never frozen)."""
    try:
        with st.spinner(t("whatif.solving")):
            if goal == "pic":
                return compute(find_mix_for_demand, today, demand)[0]
            return compute(find_cheapest_mix, today, None if goal == "no_red" else rate)
    except MissingRunError as exc:
        st.info(t("whatif.demand.no_plan", why=plain(exc.render(lang()))))
        return None


def shown_name(name: str) -> str:
    """A scenario's name as shown: the baseline is named in the page's language."""
    return t("whatif.baseline") if name == BASELINE else name


def show_scenarios(store: Store, results: Sequence[SimulationResult], planner: bool) -> None:
    """One column per compared scenario: its cost and levers, its file, remove, and save (a planner's)."""
    for column, result in zip(st.columns(max(len(results), 1)), results, strict=False):
        scenario = result.scenario
        column.markdown(t("whatif.scenario_cost", name=plain(scenario.name), cost=money(result.total_cost)))
        costs = result.costs[["kind", "workshop", "weeks", "paid_hours", "cost"]]
        show_table(costs.assign(kind=costs["kind"].map(kind_name)).rename(columns={"kind": "lever_type"}),
                   key=f"whatif_costs_{scenario.name}", where=column)
        column.download_button(t("whatif.download_json"), scenario_to_json(scenario),
                               file_name=f"{scenario.name}.json", mime="application/json",
                               key=f"whatif_json_{scenario.name}", on_click="ignore")
        if column.button(t("whatif.remove"), key=f"whatif_remove_{scenario.name}"):
            st.session_state["whatif_scenarios"] = tuple(
                s for s in st.session_state["whatif_scenarios"] if s.name != scenario.name)
            st.rerun()
        if planner and column.button(t("whatif.save"), key=f"whatif_save_{scenario.name}"):
            try:
                save_scenario(store, scenario_to_json(scenario), *saved_as())
                column.success(t("whatif.saved"))
            except ScenarioError as exc:
                column.error(exc.render(lang()))


def show_comparison(results: Sequence[SimulationResult]) -> None:
    """The compared figures side by side, each written by its kind; the baseline's empty cost per
    late day avoided says why it is empty."""
    show_figures(comparison_table(results, [shown_name(r.scenario.name) for r in results]), FIGURE_KINDS,
                 "whatif.figure", why_empty={"cost_per_late_day_avoided": "whatif.empty.cost_per_late_day_avoided"})


def save_options(where: Any) -> None:
    """Who saves (typed without accounts; the signed-in reader otherwise) and whether a saved
    scenario of the same name may be replaced."""
    if not user_name():
        where.text_input(t("whatif.author"), key="whatif_author")
    where.checkbox(t("whatif.replace"), key="whatif_replace")


def saved_as() -> tuple[str, bool]:
    """(author, replace) for `save_scenario`, from `save_options`."""
    return user_name() or str(st.session_state.get("whatif_author", "")), bool(st.session_state.get("whatif_replace"))


def kind_name(kind: str) -> str:
    return t(f"whatif.kind.{kind}")


def _fixed_widths(columns: dict[str, Any]) -> dict[str, Any]:
    return {name: {**column, "width": EDITOR_WIDTHS[name]} for name, column in columns.items()}


def lever_editor(workshops: Sequence[str], today: dt.date) -> pd.DataFrame:
    """The levers typed in, one row each: kind, workshop, first and last week, size. A new row starts
    filled (next week, for four weeks, size 4) rather than with empty cells the grid would show as
    "None"."""
    kinds: dict[Any, str] = {kind: kind_name(kind) for kind in LEVER_KINDS}  # made now: AppTest formats later
    first = today + dt.timedelta(days=7 - today.weekday())  # next Monday: a lever starts on a week
    last = first + dt.timedelta(weeks=3)
    edited: pd.DataFrame = st.data_editor(
        pd.DataFrame({"kind": ["overtime"], "workshop": [workshops[0]], "first_week": [first],
                      "last_week": [last], "size": [4.0]}),
        num_rows="dynamic", key="whatif_editor", hide_index=True, column_config=_fixed_widths({
            "kind": st.column_config.SelectboxColumn(t("whatif.editor.kind"), options=list(LEVER_KINDS),
                                                     required=True, format_func=kinds.__getitem__,
                                                     default="overtime"),
            "workshop": st.column_config.SelectboxColumn(t("whatif.editor.workshop"), options=list(workshops),
                                                         required=True, default=workshops[0]),
            "first_week": st.column_config.DateColumn(t("whatif.editor.first_week"), format="DD/MM/YYYY",
                                                      default=first),
            "last_week": st.column_config.DateColumn(t("whatif.editor.last_week"), format="DD/MM/YYYY",
                                                     default=last),
            # %g: 4 and 4.5, never 4.00; the size is hours or people depending on the kind.
            "size": st.column_config.NumberColumn(t("whatif.editor.size"), format="%g", min_value=0.0,
                                                  default=4.0)}))
    return edited


def demand_editor(families: Sequence[str]) -> list[dict[str, Any]]:
    """The demand changes typed in (a promotion, a lost customer), one row each: family or SKU, which,
    first and last month, a percentage or a quantity per month. Any day picked stands for its month."""
    levels: dict[Any, str] = {level: t(f"whatif.demand.level.{level}") for level in ("family", "sku")}
    edited: pd.DataFrame = st.data_editor(
        pd.DataFrame({"level": pd.Series(dtype=object), "key": pd.Series(dtype=object),
                      "first_month": pd.Series(dtype="datetime64[ns]"), "last_month": pd.Series(dtype="datetime64[ns]"),
                      "percent": pd.Series(dtype=float), "quantity": pd.Series(dtype=float)}),
        num_rows="dynamic", key="whatif_demand_editor", hide_index=True, column_config=_fixed_widths({
            "level": st.column_config.SelectboxColumn(t("whatif.demand.level"), options=list(levels),
                                                      format_func=levels.__getitem__, default="family"),
            "key": st.column_config.TextColumn(t("whatif.demand.key"), help=t("whatif.demand.key_help",
                                                                              families=", ".join(families))),
            "first_month": st.column_config.DateColumn(t("whatif.demand.first_month"), format="MM/YYYY"),
            "last_month": st.column_config.DateColumn(t("whatif.demand.last_month"), format="MM/YYYY"),
            "percent": st.column_config.NumberColumn(t("whatif.demand.percent"), format="%g", min_value=-100.0),
            "quantity": st.column_config.NumberColumn(t("whatif.demand.quantity"), format="%g")}))
    rows: list[dict[str, Any]] = edited.dropna(how="all").to_dict("records")
    for row in rows:
        for name in ("first_month", "last_month"):
            if isinstance(row[name], dt.date):
                row[name] = row[name].replace(day=1)
    return rows


def show_plan_comparison(inputs: PlanInputs, results: Sequence[SimulationResult]) -> None:
    """The PIC of each compared scenario side by side (played on its simulation's levers, a few
    milliseconds each): revenue, margin, levers' cost, margin after them, demand at risk, service,
    closing stock, peak load and capacity shortage."""
    st.subheader(t("whatif.plan_side_by_side"))
    plans = [plan_of(inputs, result.scenario, result) for result in results]
    show_figures(plan_comparison(plans, results, [shown_name(r.scenario.name) for r in results]),
                 PLAN_FIGURE_KINDS, "whatif.plan_figure",
                 why_empty={"plan_service_rate": "whatif.empty.plan_service_rate",
                            "peak_load_pct": "whatif.empty.peak_load_pct"})


def _sliders(plan: Plan, picked: Scenario, where: Any) -> Scenario:
    levers = []
    for i, lever in enumerate(picked.levers):
        top = lever_limit(plan, lever)
        label = t("whatif.tune.lever", n=i + 1, kind=kind_name(lever.kind), workshop=lever.workshop,
                  first=f"{lever.first_week:%d/%m}", last=f"{lever.last_week:%d/%m}",
                  unit=t(f"whatif.size.{lever.size_field}"))
        step, shown_as = SLIDER_STEPS[lever.size_field]
        kind_of_step = type(step)  # int for people: the slider then holds and writes whole numbers
        size = where.slider(label, kind_of_step(0), kind_of_step(max(top, step)),
                            kind_of_step(min(float(getattr(lever, lever.size_field)), top)), step,
                            format=shown_as, key=f"whatif_tune_{picked.name}_{i}")
        levers.append(replace(lever, **{lever.size_field: size}))
    return Scenario(t("whatif.tuned_name", name=picked.name), tuple(levers), picked.notes, picked.demand)


def _figures(result: SimulationResult, baseline: SimulationResult, where: Any) -> None:
    where.metric(t("whatif.metric.total_cost"), money(result.total_cost))
    where.metric(t("whatif.metric.red"), num(result.red_orders), result.red_orders - baseline.red_orders,
                 delta_color="inverse")
    gain = 100 * ((result.projected_on_time_rate or 0) - (baseline.projected_on_time_rate or 0))
    points = ("-" if gain < 0 else "+") + num(abs(gain), 1)  # ASCII: the arrow goes down only for "-"
    where.metric(t("whatif.metric.on_time"), pct(result.projected_on_time_rate or 0), t("whatif.points", points=points))
    where.metric(t("whatif.metric.lines_at_risk"), num(result.lines_at_risk),
                 result.lines_at_risk - baseline.lines_at_risk, delta_color="inverse")


@st.fragment
def tune_panel(compared: Sequence[Scenario], plan: Plan, baseline: SimulationResult,
               keep: Callable[[Scenario], None]) -> None:
    """Drag a lever's size: only this fragment reruns, one simulation per move (tens of milliseconds)."""
    st.subheader(t("whatif.tune"))
    if not compared:
        st.info(t("whatif.tune_empty"))
        return
    by_name = {scenario.name: scenario for scenario in compared}
    picked = by_name[choose(t("whatif.scenario"), list(by_name), key="whatif_tune_pick")]
    sliders, figures = st.columns([2, 1])
    tuned = _sliders(plan, picked, sliders)
    _figures(simulate(plan, tuned, baseline), baseline, figures)
    if sliders.button(t("whatif.keep_tuned"), key="whatif_tune_keep"):
        keep(tuned)
        st.rerun(scope="app")


def saved_panel(store: Store, planner: bool, today: dt.date, add: Callable[[Scenario], None]) -> None:
    """The saved scenarios: compare one again; a planner also deletes one or marks it the cycle's decision."""
    st.subheader(t("whatif.saved_scenarios"))
    saved = saved_scenarios(store)
    left, right = st.columns([1, 2])
    if planner:
        save_options(left)
    if saved.empty:
        right.info(t("whatif.no_saved"))
        return
    show_table(saved.drop(columns="scenario_json").rename(columns={"name": "scenario", "created_at": "saved_at"}),
               where=right)
    picked = choose(t("whatif.scenario"), list(saved["name"]), key="whatif_saved", where=right)
    load, remove, decide = right.columns(3)
    if load.button(t("whatif.compare_it"), key="whatif_load"):
        add(scenario_from_json(saved.set_index("name").loc[picked, "scenario_json"]))
        st.rerun()
    if planner and remove.button(t("whatif.delete_it"), key="whatif_delete"):
        delete_scenario(store, picked)
        st.rerun()
    if planner and decide.button(t("whatif.decide", cycle=Cycle.of(today)), key="whatif_decide"):
        mark_decision(store, picked, Cycle.of(today))
        st.rerun()
