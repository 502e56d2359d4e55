"""Forecast: history, statistical and final forecast with its 80% band; the model and why; consensus."""

import altair as alt
import pandas as pd
import streamlit as st

from sop_core.consensus import add_adjustment, force_model, forecast_levels
from sop_core.forecast_models import model_names
from sop_core.forecast_views import history_levels, model_mix, model_story, run_info
from sop_core.forecasting import latest_run
from sop_ui import as_of, compute, page_setup, require_data, run_forecast_with_progress

store = page_setup("Forecast", "📈")
st.title("📈 Forecast")
require_data(store, "products")

granularity = st.segmented_control("Granularity", ["month", "week"], default="month", key="fc_granularity",
                                   format_func={"month": "Months", "week": "ISO weeks"}.get) or "month"
run_id = latest_run(store, granularity)
with st.expander("Recompute the forecast (all SKUs)", expanded=run_id is None):
    st.caption("Runs the model choice and fit for every SKU on the history before "
               f"{as_of():%d/%m/%Y}. Pages only read the stored result.")
    if st.button("Run the forecast now", key="run_forecast"):
        run_id = run_forecast_with_progress(granularity)
if run_id is None:
    st.info("No forecast has been computed yet.")
    st.stop()

info = run_info(store, run_id)
st.caption(f"Run #{run_id} of {info['created_at']:%d/%m/%Y %H:%M}, history up to {info['as_of']:%d/%m/%Y}, "
           f"{info['series']} SKUs, {info['horizon']} {granularity}s ahead.")

products = store.table("products")
left, right = st.columns([1, 3])
level = left.radio("Level", ["total", "family", "sku"], key="fc_level",
                   format_func={"total": "Total", "family": "Family", "sku": "SKU (référence)"}.get)
keys = sorted(products["family"].unique()) if level == "family" else sorted(products["sku"])
key = right.selectbox("Which one", keys, key=f"fc_key_{level}") if level != "total" else None

forecast = compute(forecast_levels, run_id, level, key)
history = compute(history_levels, granularity, as_of(), level, key)
band = alt.Chart(forecast).mark_area(opacity=0.25).encode(
    x=alt.X("period:T", title=None), y=alt.Y("lower_80:Q", title="Units"), y2="upper_80:Q")
lines = pd.concat([
    history.assign(series="Actual", value=history["actual"])[["period", "series", "value"]],
    forecast.assign(series="Statistical", value=forecast["statistical"])[["period", "series", "value"]],
    forecast.assign(series="Final (after consensus)", value=forecast["final"])[["period", "series", "value"]],
])
line_chart = alt.Chart(lines).mark_line(point=True).encode(
    x="period:T", y="value:Q", color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
    strokeDash=alt.condition(alt.datum.series == "Statistical", alt.value([4, 3]), alt.value([1, 0])),
    tooltip=["series:N", alt.Tooltip("period:T", format="%m/%Y"), alt.Tooltip("value:Q", format=",.0f")])
st.altair_chart((band + line_chart).properties(height=380), width="stretch")

if level == "sku" and key:
    choice, scores = compute(model_story, run_id, key)
    st.markdown(f"**Model: {choice.get('model')}** ({choice.get('profile')} demand, "
                f"{choice.get('history_periods')} periods used): {choice.get('reason')}.")
    st.dataframe(scores.rename(columns={"score": "backtest error (scaled)"}), hide_index=True)
else:
    st.markdown("**Models chosen across the SKUs**")
    st.dataframe(compute(model_mix, run_id, key if level == "family" else None), hide_index=True)

if level != "total" and key:
    with st.form("force_model"):
        forced = st.selectbox(f"Model for this {level} from the next run", ["auto", *model_names()], key="fc_force")
        if st.form_submit_button("Set the model", key="fc_force_submit"):
            force_model(store, level, key, forced, author=None)
            st.success(f"{key}: {forced} from the next run on.")
    st.subheader("Consensus")
    with st.form("consensus", clear_on_submit=False):
        table = forecast[["period", "statistical", "adjustment", "final"]].assign(new_final=forecast["final"])
        edited = st.data_editor(table, key=f"editor_{level}_{key}", hide_index=True,
                                disabled=["period", "statistical", "adjustment", "final"],
                                column_config={"period": st.column_config.DateColumn(format="MM/YYYY")})
        author = st.text_input("Your name", key="consensus_author")
        comment = st.text_input("Why (promotion, lost customer...)", key="consensus_comment")
        if st.form_submit_button("Record the changes"):
            changed = edited[(edited["new_final"] - edited["final"]).abs() > 1e-9]
            if not author.strip():
                st.error("Give your name: every adjustment is signed.")
            for row in changed.itertuples() if author.strip() else []:
                add_adjustment(store, author, comment, level, key, granularity, row.period.date(),
                               float(row.new_final - row.final))
            if author.strip():
                st.success(f"{len(changed)} adjustment(s) recorded.")
