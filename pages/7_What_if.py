"""What-if: overtime, temporary workers (intérimaires) and subcontracting (sous-traitance) played on the
production plan, up to four scenarios beside the baseline, with their cost; and the cheapest mix."""

from dataclasses import replace
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.common import translate
from sop_core.whatif import (
    BASELINE,
    KINDS,
    Scenario,
    ScenarioError,
    baseline_result,
    compare,
    delete_scenario,
    find_cheapest_mix,
    lever_limit,
    mark_decision,
    plan_from_store,
    save_scenario,
    saved_scenarios,
    scenario_from_json,
    scenario_from_rows,
    scenario_to_json,
    simulate,
    simulate_scenario,
)
from sop_ui import (
    as_of,
    compute,
    lang,
    money,
    num,
    page_setup,
    pct,
    require_data,
    show_chart,
    show_table,
    status_label,
    t,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "example.json"
MAX_SCENARIOS = 4
ADDED = {"added_overtime_hours": "overtime", "added_temps_hours": "temps", "added_subcontract_hours": "subcontract"}
FIGURES = ("total_cost", "late_days", "late_days_avoided", "cost_per_late_day_avoided", "red_orders", "orange_orders",
           "green_orders", "projected_on_time_rate", "lines_at_risk", "subcontracted_hours")

store = page_setup("whatif.title", "🧮")
language = lang()  # bound for the choices' labels: AppTest also calls them outside the run
st.title("🧮 " + t("whatif.heading"))
require_data(store, "production_orders", "workshops")
today = as_of()
scenarios: list[str] = st.session_state.setdefault("whatif_scenarios", [])  # scenario JSON texts
workshops = list(compute(baseline_result, today).load["workshop"].unique())


def kind_name(kind: str) -> str:
    return translate(f"whatif.kind.{kind}", language)


def shown_name(name: str) -> str:
    """A scenario's name as shown: the baseline is named in the page's language."""
    return translate("whatif.baseline", language) if name == BASELINE else name


def euros(value: float) -> str:
    """To the euro (the tiles of the tuning are compared with the table)."""
    return t("whatif.euros", amount=num(value))


def add(text: str) -> None:
    """Keep a scenario once it simulates; otherwise say which lever is wrong and how to fix it."""
    try:
        compute(simulate_scenario, today, text)
    except ScenarioError as exc:
        st.error(t("whatif.not_added", error=exc.render(language)))
        return
    scenarios[:] = [s for s in scenarios if scenario_from_json(s).name != scenario_from_json(text).name]
    scenarios.append(text)
    del scenarios[:-MAX_SCENARIOS]


with st.expander(t("whatif.add"), expanded=not scenarios):
    levers_tab, file_tab, mix_tab = st.tabs([t("whatif.tab.levers"), t("whatif.tab.file"), t("whatif.tab.mix")])
    with levers_tab, st.form("whatif_levers"):
        name = st.text_input(t("whatif.name"), t("whatif.default_name"), key="whatif_name")
        rows = st.data_editor(
            pd.DataFrame({"kind": ["overtime"], "workshop": [workshops[0]], "first_week": [pd.NaT],
                          "last_week": [pd.NaT], "size": [4.0]}),
            num_rows="dynamic", key="whatif_editor", hide_index=True, column_config={
                "kind": st.column_config.SelectboxColumn(t("whatif.editor.kind"), options=list(KINDS), required=True,
                                                         format_func=kind_name),
                "workshop": st.column_config.SelectboxColumn(t("whatif.editor.workshop"), options=workshops,
                                                             required=True),
                "first_week": st.column_config.DateColumn(t("whatif.editor.first_week"), format="DD/MM/YYYY"),
                "last_week": st.column_config.DateColumn(t("whatif.editor.last_week"), format="DD/MM/YYYY"),
                "size": st.column_config.NumberColumn(t("whatif.editor.size"))})
        if st.form_submit_button(t("whatif.simulate")):
            try:
                add(scenario_to_json(scenario_from_rows(name, rows.to_dict("records"))))
            except ScenarioError as exc:
                st.error(t("whatif.not_added", error=exc.render(language)))
    with file_tab:
        uploaded = st.file_uploader(t("whatif.file"), type=["json"], key="whatif_file")
        if uploaded is not None and st.button(t("whatif.add_file"), key="whatif_add_file"):
            try:
                add(scenario_to_json(scenario_from_json(uploaded.getvalue().decode("utf-8-sig"))))
            except ScenarioError as exc:
                st.error(t("scenario.error.at", where=uploaded.name, problem=exc.render(language)))
        if st.button(t("whatif.add_example"), key="whatif_example"):
            add(EXAMPLE.read_text(encoding="utf-8"))
    with mix_tab, st.form("whatif_mix"):
        goal = st.radio(t("whatif.goal"), ["no_red", "on_time"], horizontal=True, key="whatif_goal",
                        format_func=lambda code: translate(f"whatif.goal.{code}", language))
        rate = st.slider(t("whatif.rate"), 50, 100, 90, key="whatif_rate")
        if st.form_submit_button(t("whatif.find_mix")):
            with st.spinner(t("whatif.solving")):
                mix = compute(find_cheapest_mix, today, None if goal == "no_red" else rate / 100)
            (st.success if mix.reached else st.warning)(mix.message.render(language))
            if mix.scenario.levers:  # named in the page's language: it is saved and exported under that name
                add(scenario_to_json(replace(mix.scenario, name=t("whatif.mix_name"))))

baseline = compute(baseline_result, today)
results = [compute(simulate_scenario, today, text)[1] for text in scenarios]
figures = compare([baseline, *results]).set_index("scenario")
figures["projected_on_time_rate"] *= 100
table = figures.astype(float).round(1)[list(FIGURES)].rename(
    columns=lambda code: t(f"whatif.figure.{code}"), index=shown_name).T
st.subheader(t("whatif.side_by_side"))
st.dataframe(table.style.format(lambda value: num(value, 1)), key="whatif_compare")  # one unit per row
for column, result, text in zip(st.columns(max(len(results), 1)), results, scenarios, strict=False):
    column.markdown(t("whatif.scenario_cost", name=result.scenario.name, cost=money(result.total_cost)))
    costs = result.costs[["kind", "workshop", "weeks", "paid_hours", "cost"]]
    show_table(costs.assign(kind=costs["kind"].map(kind_name)).rename(columns={"kind": "lever_type"}),
               key=f"whatif_costs_{result.scenario.name}",
               money=("cost",), where=column)
    column.download_button(t("whatif.download_json"), text, file_name=f"{result.scenario.name}.json",
                           mime="application/json", key=f"whatif_json_{result.scenario.name}", on_click="ignore")
    if column.button(t("whatif.remove"), key=f"whatif_remove_{result.scenario.name}"):
        scenarios.remove(text)
        st.rerun()
    if column.button(t("whatif.save"), key=f"whatif_save_{result.scenario.name}"):
        try:
            save_scenario(store, text, st.session_state.get("whatif_author", ""))
            column.success(t("whatif.saved"))
        except ScenarioError as exc:
            column.error(exc.render(language))


@st.fragment
def tune() -> None:
    """Drag a lever's size: only this fragment reruns, one simulation per move (tens of milliseconds)."""
    st.subheader(t("whatif.tune"))
    if not scenarios:
        st.info(t("whatif.tune_empty"))
        return
    texts = {scenario_from_json(text).name: text for text in scenarios}
    picked = scenario_from_json(texts[st.selectbox(t("whatif.scenario"), list(texts), key="whatif_tune_pick")])
    plan = compute(plan_from_store, today)
    sliders, figures_column = st.columns([2, 1])
    levers = []
    for i, lever in enumerate(picked.levers):
        top = lever_limit(plan, lever)
        label = t("whatif.tune.lever", n=i + 1, kind=kind_name(lever.kind), workshop=lever.workshop,
                  first=f"{lever.first_week:%d/%m}", last=f"{lever.last_week:%d/%m}",
                  unit=t(f"whatif.size.{lever.size_field}"))
        size = sliders.slider(label, 0.0, max(top, 0.5), min(float(getattr(lever, lever.size_field)), top),
                              1.0 if lever.kind == "temps" else 0.5, key=f"whatif_tune_{picked.name}_{i}")
        levers.append(replace(lever, **{lever.size_field: size}))
    tuned = Scenario(t("whatif.tuned_name", name=picked.name), tuple(levers), picked.notes)
    result = simulate(plan, tuned, baseline)
    figures_column.metric(t("whatif.metric.total_cost"), euros(result.total_cost))
    figures_column.metric(t("whatif.metric.red"), num(result.red_orders), result.red_orders - baseline.red_orders,
                          delta_color="inverse")
    gain = 100 * ((result.projected_on_time_rate or 0) - (baseline.projected_on_time_rate or 0))
    # An ASCII sign: the tile's arrow goes down only for a leading "-".
    points = ("-" if gain < 0 else "+") + num(abs(gain), 1)
    figures_column.metric(t("whatif.metric.on_time"), pct(result.projected_on_time_rate or 0),
                          t("whatif.points", points=points))
    figures_column.metric(t("whatif.metric.lines_at_risk"), num(result.lines_at_risk),
                          result.lines_at_risk - baseline.lines_at_risk, delta_color="inverse")
    if sliders.button(t("whatif.keep_tuned"), key="whatif_tune_keep"):
        add(scenario_to_json(tuned))
        st.rerun(scope="app")


tune()

st.subheader(t("whatif.saved_scenarios"))
cycle = f"{today:%Y-%m}"
saved = saved_scenarios(store)
left, right = st.columns([1, 2])
left.text_input(t("whatif.author"), key="whatif_author")
if saved.empty:
    right.info(t("whatif.no_saved"))
else:
    show_table(saved.drop(columns="scenario_json").rename(columns={"name": "scenario", "created_at": "saved_at"}),
               where=right)
    picked = right.selectbox(t("whatif.scenario"), list(saved["name"]), key="whatif_saved")
    load, remove, decide = right.columns(3)
    if load.button(t("whatif.compare_it"), key="whatif_load"):
        add(saved.set_index("name").loc[picked, "scenario_json"])
        st.rerun()
    if remove.button(t("whatif.delete_it"), key="whatif_delete"):
        delete_scenario(store, picked)
        st.rerun()
    if decide.button(t("whatif.decide", cycle=cycle), key="whatif_decide"):
        mark_decision(store, picked, cycle)
        st.rerun()

chosen = st.selectbox(t("whatif.capacity_of"), [r.scenario.name for r in [baseline, *results]], key="whatif_chart",
                      format_func=shown_name)
shown = next(r for r in [baseline, *results] if r.scenario.name == chosen)
sources = {"regular": t("whatif.capacity.regular"), **{code: t(f"whatif.capacity.{code}") for code in ADDED.values()}}
capacity = shown.load.rename(columns={"base_capacity_hours": "regular", **ADDED}).melt(
    ["workshop", "week"], list(sources), "capacity", "hours")
capacity["capacity"] = capacity["capacity"].map(sources)
show_chart(alt.layer(
    alt.Chart().mark_bar().encode(
        x=alt.X("week:T", title=None), y=alt.Y("hours:Q", title=t("whatif.hours")),
        color=alt.Color("capacity:N", title=t("whatif.capacity"), legend=alt.Legend(orient="top"),
                        sort=list(sources.values())),
        tooltip=[alt.Tooltip("week:T", title=t("whatif.week"), format="%d/%m"),
                 alt.Tooltip("capacity:N", title=t("whatif.capacity")),
                 alt.Tooltip("hours:Q", title=t("whatif.hours"), format=",.0f")]),
    alt.Chart().mark_line(color="black").encode(
        x=alt.X("week:T", title=None), y=alt.Y("load_hours:Q", title=t("whatif.hours")),
        tooltip=[alt.Tooltip("week:T", title=t("whatif.week"), format="%d/%m"),
                 alt.Tooltip("load_hours:Q", title=t("whatif.load_hours"), format=",.0f")]),
    data=capacity.merge(shown.load[["workshop", "week", "load_hours"]], on=["workshop", "week"]),
).properties(height=170, width=240).facet(facet=alt.Facet("workshop:N", title=None), columns=3)
 .properties(title=t("whatif.chart.capacity", name=shown_name(chosen))))
left, right = st.columns(2)
left.markdown(t("whatif.lines_at_risk", name=shown_name(chosen), count=num(shown.lines_at_risk)))
lines = shown.lines[shown.lines["at_risk"]].drop(columns="at_risk")
lines = lines.assign(status=lines["status"].map(status_label),
                     link=lines["link"].map(lambda s: t(f"production.served_by.{s}"))).rename(
    columns={"link": "served_by"})
show_table(lines, key="whatif_lines", where=left)
right.markdown(t("whatif.rough_cut", name=shown_name(chosen)))
show_table(shown.rough_cut.round({"capacity_hours": 1, "open_orders_hours": 1, "forecast_hours": 1, "load_hours": 1,
                                  "overload_hours": 1}),
           key="whatif_rough_cut", where=right, percent=("load_pct",),
           config={"month": dict(st.column_config.DateColumn(format="MM/YYYY"))})
