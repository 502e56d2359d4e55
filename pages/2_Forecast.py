"""Forecast: history, statistical and final forecast with its 80% band; the model and why; consensus."""

import streamlit as st

from sop_core.common import render_stored
from sop_core.forecast import (
    force_model,
    forecast_chart,
    forecast_levels,
    history_levels,
    latest_run,
    model_mix,
    model_names,
    model_story,
    run_info,
)
from sop_ui import (
    as_of,
    choose,
    compute,
    consensus_panel,
    date,
    lang,
    may,
    num,
    page_setup,
    plain,
    require_data,
    run_forecast_with_progress,
    show_chart,
    show_table,
    step_action,
    t,
    user_name,
)


def model_label(code: object) -> str:
    return t(f"forecast.model.{code}")


def profile_label(code: object) -> str:
    return t(f"forecast.profile.{code}")


store = page_setup("forecast.title", "📈")
st.title("📈 " + t("forecast.title"))
require_data(store, "products")

# Option labels are worked out while the page runs, in its language: a format_func must not call t()
# later (AppTest calls it outside the run, where the session's language is unknown).
granularities = {code: t(f"forecast.granularity.{code}") for code in ("month", "week")}
granularity = st.segmented_control(t("forecast.granularity"), list(granularities), default="month",
                                   key="fc_granularity", format_func=granularities.__getitem__) or "month"
run_id = latest_run(store, granularity)
with st.expander(t("forecast.recompute"), expanded=run_id is None):
    st.caption(t("forecast.recompute_caption", date=date(as_of())))
    if may("planner") and st.button(t("forecast.run_now"), key="run_forecast"):
        run_id = run_forecast_with_progress(granularity)
if run_id is None:
    st.info(t("forecast.no_run"))
    st.stop()

info = run_info(store, run_id)
st.caption(t(f"forecast.run_caption.{granularity}", run=run_id, date=date(info["created_at"]),
             time=f"{info['created_at']:%H:%M}", as_of=date(info["as_of"]), series=num(info["series"]),
             horizon=num(info["horizon"])))

products = store.table("products")
left, right = st.columns([1, 3])
levels = {code: t(f"forecast.level.{code}") for code in ("total", "family", "sku")}
level = left.radio(t("forecast.level"), list(levels), key="fc_level", format_func=levels.__getitem__)
keys = sorted(products["family"].unique()) if level == "family" else sorted(products["sku"])
key = choose(t("forecast.which"), keys, key=f"fc_key_{level}", where=right) if level != "total" else None

forecast = compute(forecast_levels, run_id, level, key)
history = compute(history_levels, granularity, as_of(), level, key)
show_chart(forecast_chart(history, forecast, lang()))

if level == "sku" and key:
    choice, scores = compute(model_story, run_id, key)
    if choice:
        st.markdown(t("forecast.story", model=model_label(choice["model"]), profile=profile_label(choice["profile"]),
                      periods=num(choice["history_periods"]),
                      reason=plain(render_stored(choice["reason"], lang()))))
    else:  # a SKU imported after this run
        st.info(t("forecast.no_story"))
    show_table(scores.rename(columns={"score": "backtest_error"}).assign(model=scores["model"].map(model_label)))
else:
    st.markdown(f"**{t('forecast.models_chosen')}**")
    mix = compute(model_mix, run_id, key if level == "family" else None)
    show_table(mix.assign(model=mix["model"].map(model_label), profile=mix["profile"].map(profile_label)))

if level != "total" and key and may("planner"):  # a viewer reads the forecast, changes nothing
    with st.form("force_model"):
        models = {code: model_label(code) for code in ("auto", *model_names())}
        forced = choose(t(f"forecast.force.{level}"), list(models), key="fc_force",
                              format_func=models.__getitem__)
        if st.form_submit_button(t("forecast.force.submit"), key="fc_force_submit"):
            force_model(store, level, key, forced, author=user_name() or None)
            st.success(t("forecast.force.done", name=plain(key), model=model_label(forced)))
    consensus_panel(store, run_id, granularity, level, key, forecast)

if granularity == "month":  # the cycle freezes the monthly forecast, once the consensus is in
    st.subheader(t("forecast.cycle_step"))
    step_action(store, "demand_review")
