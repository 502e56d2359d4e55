"""Demand history, forecast models and runs, the consensus, frozen cycles and their accuracy."""

from sop_core.forecast.accuracy import accuracy_by
from sop_core.forecast.changes import ConfirmationNeeded, adjust_range, consensus_log, undo_entry
from sop_core.forecast.charts import accuracy_chart, forecast_chart, fva_chart
from sop_core.forecast.cluster import ClusterError, batch_size
from sop_core.forecast.consensus import (
    CONTRIBUTORS,
    FINAL_FORECAST_SQL,
    ConsensusConflict,
    MissingRunError,
    add_adjustment,
    entry_cycle,
    final_forecast,
    force_model,
    forecast_levels,
    run_granularity,
    set_final,
)
from sop_core.forecast.demand import demand_between, demand_history, demand_source
from sop_core.forecast.models import model_names
from sop_core.forecast.runs import ForecastSettings, latest_run, run_forecast
from sop_core.forecast.snapshots import (
    FVA_STEPS,
    accuracy_frame,
    accuracy_report,
    cycle_forecast,
    freeze_cycle,
    frozen_plan,
    fva_by_contributor,
)
from sop_core.forecast.views import history_levels, model_mix, model_story, run_info

__all__ = [
    "CONTRIBUTORS",
    "FINAL_FORECAST_SQL",
    "FVA_STEPS",
    "ClusterError",
    "ConfirmationNeeded",
    "ConsensusConflict",
    "ForecastSettings",
    "MissingRunError",
    "accuracy_by",
    "accuracy_chart",
    "accuracy_frame",
    "accuracy_report",
    "add_adjustment",
    "adjust_range",
    "batch_size",
    "consensus_log",
    "cycle_forecast",
    "demand_between",
    "demand_history",
    "demand_source",
    "entry_cycle",
    "final_forecast",
    "force_model",
    "forecast_chart",
    "forecast_levels",
    "freeze_cycle",
    "frozen_plan",
    "fva_by_contributor",
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
    "undo_entry",
]
