"""Plan (PIC): the final demand by family and month in units and euros against last year, the previous
cycle's plan and the budget; its balance on the workshops' capacity (production, stock, coverage,
demand at risk, capacity short); what changed since the previous cycle and who changed it; the year
to date and the landing against the budget."""

import streamlit as st

from sop_core.common import format_month
from sop_core.plan import MEASURES, TOTAL, demand_chart, waterfall_chart
from sop_ui import (
    as_of,
    choose,
    date,
    downloads,
    lang,
    num,
    page_setup,
    require_data,
    show_chart,
    show_table,
    status_label,
    t,
)
from sop_ui.plan import (
    balance_table,
    budget_missing,
    entries_only,
    entries_table,
    load_plan,
    short_months,
    show_headline,
    show_plan_table,
    year_table,
)

store = page_setup("plan.title", "🗓", money="euro")  # every amount here in whole euros
language = lang()  # bound for the choices' labels: AppTest also calls them outside the run
st.title("🗓 " + t("plan.title"))
require_data(store, "products")
today = as_of()
view = load_plan(today)
first, last = format_month(view.months[0], language), format_month(view.months[-1], language)
st.caption(t("plan.caption", first=first, last=last, months=num(len(view.months)), date=date(today)))

left, right = st.columns([2, 1])
names = {TOTAL: t("plan.all_families"), **{family: family for family in view.families}}
family = choose(t("plan.family"), list(names), key="plan_family", format_func=names.__getitem__, where=left)
measures = {code: t(f"plan.measure.{code}") for code in MEASURES}
measure = right.radio(t("plan.measure"), list(measures), key="plan_measure", horizontal=True,
                      format_func=measures.__getitem__)
rows = view.rows[family]
selection = names[family]

st.subheader(t("plan.headline"))
show_headline(rows, measure, t("plan.figures.column", selection=selection, first=first, last=last))
shown_in = t(f"plan.in.{measure}")
show_chart(demand_chart(rows, measure, t("plan.chart.demand", selection=selection, measure=shown_in), language))

st.subheader(t("plan.balance"))
st.caption(t("plan.balance.caption", red=status_label("red"), orange=status_label("orange"),
             green=status_label("green")))
show_plan_table(balance_table(rows, measure), key="plan_balance")
st.markdown(short_months(rows))
downloads(view.table, "pic_family_month")

previous = view.previous_cycle
st.subheader(t("plan.changes"))
steps = view.changes[family]
if previous is None or steps.empty:
    st.info(t("plan.changes.none"))
else:
    st.caption(t("plan.changes.caption"))
    title = t("plan.chart.waterfall", cycle=previous, measure=shown_in)
    show_chart(waterfall_chart(steps, measure, title, language, previous))
    st.markdown("**" + t("plan.entries") + "**")
    entries = entries_only(steps)
    if entries.empty:
        st.caption(t("plan.entries.none"))
    else:
        show_table(entries_table(entries, previous), key="plan_entries")

st.subheader(t("plan.year", year=view.year))
st.caption(t("plan.year.caption", year=view.year))
year = year_table(view.year_to_date, measure)
show_plan_table(year, key="plan_year")
if budget_missing(year, year.columns[2]):
    st.caption(t("plan.empty.budget"))
