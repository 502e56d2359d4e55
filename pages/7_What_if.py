"""What-if: overtime, temporary workers (intérimaires) and subcontracting (sous-traitance) played on the
production plan, up to four scenarios beside the baseline, with their cost; and the cheapest mix."""

from dataclasses import replace
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.scenario_json import scenario_from_json, scenario_from_rows, scenario_to_json
from sop_core.scenarios import (
    baseline_result,
    delete_scenario,
    find_cheapest_mix,
    mark_decision,
    plan_from_store,
    save_scenario,
    saved_scenarios,
    simulate_scenario,
)
from sop_core.simulation import KINDS, Scenario, ScenarioError, compare, lever_limit, simulate
from sop_ui import as_of, compute, page_setup, require_data

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "example.json"
MAX_SCENARIOS = 4
ADDED = {"added_overtime_hours": "overtime", "added_temps_hours": "temps", "added_subcontract_hours": "subcontract"}

store = page_setup("What-if", "🧮")
st.title("🧮 What-if: heures sup, intérimaires, sous-traitance")
require_data(store, "production_orders", "workshops")
today = as_of()
scenarios: list[str] = st.session_state.setdefault("whatif_scenarios", [])  # scenario JSON texts
workshops = list(compute(baseline_result, today).load["workshop"].unique())


def add(text: str) -> None:
    """Keep a scenario once it simulates; otherwise say which lever is wrong and how to fix it."""
    try:
        compute(simulate_scenario, today, text)
    except ScenarioError as exc:
        st.error(f"Scenario not added: {exc}")
        return
    scenarios[:] = [s for s in scenarios if scenario_from_json(s).name != scenario_from_json(text).name]
    scenarios.append(text)
    del scenarios[:-MAX_SCENARIOS]


with st.expander("Add a scenario", expanded=not scenarios):
    levers_tab, file_tab, mix_tab = st.tabs(["Levers", "JSON file", "Cheapest mix"])
    with levers_tab, st.form("whatif_levers"):
        name = st.text_input("Name", "My scenario", key="whatif_name")
        rows = st.data_editor(
            pd.DataFrame({"kind": ["overtime"], "workshop": [workshops[0]], "first_week": [pd.NaT],
                          "last_week": [pd.NaT], "size": [4.0]}),
            num_rows="dynamic", key="whatif_editor", hide_index=True, column_config={
                "kind": st.column_config.SelectboxColumn(options=list(KINDS), required=True),
                "workshop": st.column_config.SelectboxColumn(options=workshops, required=True),
                "first_week": st.column_config.DateColumn("first week (Monday)", format="DD/MM/YYYY"),
                "last_week": st.column_config.DateColumn("last week (Monday)", format="DD/MM/YYYY"),
                "size": st.column_config.NumberColumn("h/person (overtime), people (temps), h/week (subcontract)")})
        if st.form_submit_button("Simulate this scenario"):
            try:
                add(scenario_to_json(scenario_from_rows(name, rows.to_dict("records"))))
            except ScenarioError as exc:
                st.error(f"Scenario not added: {exc}")
    with file_tab:
        uploaded = st.file_uploader("Scenario file (.json, format in the README)", type=["json"], key="whatif_file")
        if uploaded is not None and st.button("Add this file", key="whatif_add_file"):
            try:
                add(scenario_to_json(scenario_from_json(uploaded.getvalue().decode("utf-8-sig"))))
            except ScenarioError as exc:
                st.error(f"{uploaded.name}: {exc}")
        if st.button("Add the demo example", key="whatif_example"):
            add(EXAMPLE.read_text(encoding="utf-8"))
    with mix_tab, st.form("whatif_mix"):
        goal = st.radio("Target", ["No red OF", "On-time rate"], horizontal=True, key="whatif_goal")
        rate = st.slider("On-time rate (%)", 50, 100, 90, key="whatif_rate")
        if st.form_submit_button("Find the cheapest mix"):
            with st.spinner("Solving (HiGHS) and checking by simulation…"):
                mix = compute(find_cheapest_mix, today, None if goal == "No red OF" else rate / 100)
            (st.success if mix.reached else st.warning)(mix.message)
            if mix.scenario.levers:
                add(scenario_to_json(mix.scenario))

baseline = compute(baseline_result, today)
results = [compute(simulate_scenario, today, text)[1] for text in scenarios]
FIGURES = {"total_cost": "Total cost (€)", "late_days": "Late days (working days)",
           "late_days_avoided": "Late days avoided", "cost_per_late_day_avoided": "Cost per late day avoided (€)",
           "red_orders": "Red OF", "orange_orders": "Orange OF", "green_orders": "Green OF",
           "projected_on_time_rate": "On time (%)", "lines_at_risk": "Customer lines at risk",
           "subcontracted_hours": "Subcontracted hours"}
figures = compare([baseline, *results]).set_index("scenario")
figures["projected_on_time_rate"] *= 100
table = figures.astype(float).round(1).rename(columns=FIGURES).T
st.subheader("Side by side")
st.dataframe(table, key="whatif_compare")
for column, result, text in zip(st.columns(max(len(results), 1)), results, scenarios, strict=False):
    column.markdown(f"**{result.scenario.name}**: {result.total_cost:,.0f} €")
    column.dataframe(result.costs[["kind", "workshop", "weeks", "paid_hours", "cost"]], hide_index=True)
    column.download_button("⬇ JSON", text, file_name=f"{result.scenario.name}.json", mime="application/json",
                           key=f"whatif_json_{result.scenario.name}", on_click="ignore")
    if column.button("Remove", key=f"whatif_remove_{result.scenario.name}"):
        scenarios.remove(text)
        st.rerun()
    if column.button("Save", key=f"whatif_save_{result.scenario.name}"):
        try:
            save_scenario(store, text, st.session_state.get("whatif_author", ""))
            column.success("Saved.")
        except ScenarioError as exc:
            column.error(str(exc))



@st.fragment
def tune() -> None:
    """Drag a lever's size: only this fragment reruns, one simulation per move (tens of milliseconds)."""
    st.subheader("Tune a scenario live")
    if not scenarios:
        st.info("Add a scenario above to tune its levers here.")
        return
    texts = {scenario_from_json(text).name: text for text in scenarios}
    picked = scenario_from_json(texts[st.selectbox("Scenario", list(texts), key="whatif_tune_pick")])
    plan = compute(plan_from_store, today)
    sliders, figures_column = st.columns([2, 1])
    levers = []
    for i, lever in enumerate(picked.levers):
        top = lever_limit(plan, lever)
        label = (f"{i + 1}. {lever.kind}, {lever.workshop}, {lever.first_week:%d/%m}-{lever.last_week:%d/%m} "
                 f"({lever.size_field.replace('_', ' ')})")
        size = sliders.slider(label, 0.0, max(top, 0.5), min(float(getattr(lever, lever.size_field)), top),
                              1.0 if lever.kind == "temps" else 0.5, key=f"whatif_tune_{picked.name}_{i}")
        levers.append(replace(lever, **{lever.size_field: size}))
    tuned = Scenario(f"{picked.name} (tuned)", tuple(levers), picked.notes)
    result = simulate(plan, tuned, baseline)
    figures_column.metric("Total cost", f"{result.total_cost:,.0f} €")
    figures_column.metric("Red OF", result.red_orders, result.red_orders - baseline.red_orders, delta_color="inverse")
    gain = (result.projected_on_time_rate or 0) - (baseline.projected_on_time_rate or 0)
    figures_column.metric("On time", f"{(result.projected_on_time_rate or 0):.1%}", f"{gain * 100:+.1f} pts")
    figures_column.metric("Customer lines at risk", result.lines_at_risk, result.lines_at_risk - baseline.lines_at_risk,
                          delta_color="inverse")
    if sliders.button("Keep this version beside the others", key="whatif_tune_keep"):
        add(scenario_to_json(tuned))
        st.rerun(scope="app")


tune()

st.subheader("Saved scenarios")
cycle = f"{today:%Y-%m}"
saved = saved_scenarios(store)
left, right = st.columns([1, 2])
left.text_input("Your name (to save)", key="whatif_author")
if saved.empty:
    right.info("No saved scenario yet: add one above and press Save under it.")
else:
    right.dataframe(saved.drop(columns="scenario_json"), hide_index=True)
    picked = right.selectbox("Scenario", list(saved["name"]), key="whatif_saved")
    load, remove, decide = right.columns(3)
    if load.button("Compare it", key="whatif_load"):
        add(saved.set_index("name").loc[picked, "scenario_json"])
        st.rerun()
    if remove.button("Delete it", key="whatif_delete"):
        delete_scenario(store, picked)
        st.rerun()
    if decide.button(f"Decision of cycle {cycle}", key="whatif_decide"):
        mark_decision(store, picked, cycle)
        st.rerun()

chosen = st.selectbox("Capacity of", [r.scenario.name for r in [baseline, *results]], key="whatif_chart")
shown = next(r for r in [baseline, *results] if r.scenario.name == chosen)
capacity = shown.load.rename(columns={"base_capacity_hours": "regular", **ADDED}).melt(
    ["workshop", "week"], ["regular", *ADDED.values()], "capacity", "hours")
st.altair_chart(alt.layer(
    alt.Chart().mark_bar().encode(x=alt.X("week:T", title=None), y=alt.Y("hours:Q", title="Hours"),
                                  color=alt.Color("capacity:N", legend=alt.Legend(orient="top"))),
    alt.Chart().mark_line(color="black").encode(x="week:T", y="load_hours:Q"),
    data=capacity.merge(shown.load[["workshop", "week", "load_hours"]], on=["workshop", "week"]),
).properties(height=170, width=240).facet(facet=alt.Facet("workshop:N", title=None), columns=3)
 .properties(title=f"{chosen}: capacity by source (bars) and planned load (line) per week"))
left, right = st.columns(2)
left.markdown(f"**{chosen}: customer lines at risk** ({shown.lines_at_risk})")
left.dataframe(shown.lines[shown.lines["at_risk"]].drop(columns="at_risk"), hide_index=True, key="whatif_lines")
right.markdown(f"**{chosen}: rough-cut plan, months ahead** (load against the scenario's capacity)")
right.dataframe(shown.rough_cut.assign(load_pct=shown.rough_cut["load_pct"] * 100).round(1), hide_index=True,
                key="whatif_rough_cut", column_config={"month": st.column_config.DateColumn(format="MM/YYYY")})
