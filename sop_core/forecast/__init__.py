"""Demand history, forecast models and runs, the consensus, frozen cycles and their accuracy."""

from sop_core.forecast.accuracy import accuracy_by
from sop_core.forecast.charts import accuracy_chart, forecast_chart, fva_chart
from sop_core.forecast.cluster import ClusterError, batch_size
from sop_core.forecast.consensus import (
    FINAL_FORECAST_SQL,
    ConsensusConflict,
    MissingRunError,
    add_adjustment,
    final_forecast,
    force_model,
    forecast_levels,
    run_granularity,
    set_final,
)
from sop_core.forecast.demand import demand_between, demand_history, demand_source
from sop_core.forecast.models import model_names
from sop_core.forecast.runs import ForecastSettings, latest_run, run_forecast
from sop_core.forecast.snapshots import accuracy_frame, accuracy_report, freeze_cycle
from sop_core.forecast.views import history_levels, model_mix, model_story, run_info

__all__ = [
    "FINAL_FORECAST_SQL",
    "ClusterError",
    "ConsensusConflict",
    "ForecastSettings",
    "MissingRunError",
    "accuracy_by",
    "accuracy_chart",
    "accuracy_frame",
    "accuracy_report",
    "add_adjustment",
    "batch_size",
    "demand_between",
    "demand_history",
    "demand_source",
    "final_forecast",
    "force_model",
    "forecast_chart",
    "forecast_levels",
    "freeze_cycle",
    "fva_chart",
    "history_levels",
    "latest_run",
    "model_mix",
    "model_names",
    "model_story",
    "run_forecast",
    "run_granularity",
    "run_info",
    "set_final",
]
