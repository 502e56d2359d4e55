"""What-if: overtime, temporary workers (intérimaires) and subcontracting (sous-traitance) played on the
production plan, up to four scenarios beside the baseline, with their cost; and the cheapest mix."""

from dataclasses import replace
from pathlib import Path

import streamlit as st

from sop_core.forecast import MissingRunError
from sop_core.plan import DemandChangeError, family_names, plan_inputs
from sop_core.whatif import (
    BASELINE,
    Scenario,
    ScenarioError,
    baseline_result,
    capacity_chart,
    lines_at_risk_of,
    plan_from_store,
    scenario_demand,
    scenario_from_json,
    scenario_from_rows,
    simulate_scenario,
    with_scenario,
)
from sop_ui import (
    as_of,
    choose,
    compute,
    file_uploader,
    lang,
    may,
    num,
    page_setup,
    plain,
    require_data,
    show_chart,
    show_table,
    status_label,
    step_action,
    t,
)
from sop_ui.whatif import (
    cheapest_mix,
    demand_editor,
    lever_editor,
    saved_panel,
    show_comparison,
    show_plan_comparison,
    show_scenarios,
    shown_name,
    tune_panel,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "example.json"

store = page_setup("whatif.title", "🧮", money="euro")  # every amount here in whole euros
language = lang()  # bound for the choices' labels: AppTest also calls them outside the run
st.title("🧮 " + t("whatif.heading"))
require_data(store, "production_orders", "workshops")
today = as_of()
compared: tuple[Scenario, ...] = st.session_state.setdefault("whatif_scenarios", ())
baseline = compute(baseline_result, today)


def add(scenario: Scenario) -> None:
    """Keep a scenario once it simulates; otherwise say which lever is wrong and how to fix it."""
    try:
        compute(simulate_scenario, today, scenario)
        if scenario.demand:  # its demand changes must name families and SKUs the plan has
            scenario_demand(compute(plan_inputs, today), scenario)
    except (ScenarioError, DemandChangeError, MissingRunError) as exc:
        st.error(t("whatif.not_added", error=plain(exc.render(language))))
        return
    st.session_state["whatif_scenarios"] = with_scenario(st.session_state["whatif_scenarios"], scenario)


with st.expander(t("whatif.add"), expanded=not compared):
    levers_tab, file_tab, mix_tab = st.tabs([t("whatif.tab.levers"), t("whatif.tab.file"), t("whatif.tab.mix")])
    with levers_tab, st.form("whatif_levers"):
        name = st.text_input(t("whatif.name"), t("whatif.default_name"), key="whatif_name")
        rows = lever_editor(list(baseline.load["workshop"].unique()), today)
        st.caption(t("whatif.demand.title"))
        changes = demand_editor(compute(family_names))
        if st.form_submit_button(t("whatif.simulate")):
            try:
                add(scenario_from_rows(name, rows.to_dict("records"), demand_rows=changes))
            except ScenarioError as exc:
                st.error(t("whatif.not_added", error=plain(exc.render(language))))
    with file_tab:
        uploaded = file_uploader(t("whatif.file"), ["json"], key="whatif_file")
        if uploaded is not None and st.button(t("whatif.add_file"), key="whatif_add_file"):
            try:
                add(scenario_from_json(uploaded.getvalue().decode("utf-8-sig")))
            except ScenarioError as exc:
                st.error(t("scenario.error.at", where=plain(uploaded.name), problem=plain(exc.render(language))))
        if st.button(t("whatif.add_example"), key="whatif_example"):
            add(scenario_from_json(EXAMPLE.read_text(encoding="utf-8")))
    with mix_tab, st.form("whatif_mix"):
        goals = ("no_red", "on_time", "pic")
        goal = st.radio(t("whatif.goal"), goals, horizontal=True, key="whatif_goal",
                        format_func={code: t(f"whatif.goal.{code}") for code in goals}.__getitem__)
        rate = st.slider(t("whatif.rate"), 50, 100, 90, key="whatif_rate")
        demands = [BASELINE, *(s.name for s in compared if s.demand)]
        demand_of = choose(t("whatif.goal.demand_of"), demands, key="whatif_mix_demand",
                           format_func={name: shown_name(name) for name in demands}.__getitem__)
        if st.form_submit_button(t("whatif.find_mix")):
            demand = next((s for s in compared if s.name == demand_of), Scenario(BASELINE))
            mix = cheapest_mix(today, goal, rate / 100, demand)
            if mix is not None:
                (st.success if mix.reached else st.warning)(plain(mix.message.render(language)))
                if mix.scenario.levers:  # named in the page's language: it is saved and exported under that name
                    add(replace(mix.scenario, name=t("whatif.mix_name")))

compared = st.session_state["whatif_scenarios"]
planner = may("planner")  # a viewer compares scenarios; saving or deciding is a planner's
results = [compute(simulate_scenario, today, scenario)[1] for scenario in compared]
everything = [baseline, *results]
st.subheader(t("whatif.side_by_side"))
show_comparison(everything)
show_scenarios(store, results, planner)
try:
    show_plan_comparison(compute(plan_inputs, today), everything)
except MissingRunError as exc:
    st.info(t("whatif.demand.no_plan", why=plain(exc.render(language))))

tune_panel(compared, compute(plan_from_store, today), baseline, add)

saved_panel(store, planner, today, add)
step_action(store, "pre_sop")  # scenarios compared, one proposed: the pre-S&OP done

chosen = choose(t("whatif.capacity_of"), [r.scenario.name for r in everything], key="whatif_chart",
                      format_func={r.scenario.name: shown_name(r.scenario.name) for r in everything}.__getitem__)
shown = next(r for r in everything if r.scenario.name == chosen)
show_chart(capacity_chart(shown, shown_name(chosen), language))
left, right = st.columns(2)
left.markdown(t("whatif.lines_at_risk", name=plain(shown_name(chosen)), count=num(shown.lines_at_risk)))
lines = lines_at_risk_of(shown)
show_table(lines.assign(status=lines["status"].map(status_label),
                        served_by=lines["served_by"].map(lambda s: t(f"production.served_by.{s}"))),
           key="whatif_lines", where=left)
right.markdown(t("whatif.rough_cut", name=plain(shown_name(chosen))))
show_table(shown.rough_cut.round({"capacity_hours": 1, "open_orders_hours": 1, "forecast_hours": 1, "load_hours": 1,
                                  "overload_hours": 1}),
           key="whatif_rough_cut", where=right,
           config={"month": dict(st.column_config.DateColumn(format="MM/YYYY"))})
