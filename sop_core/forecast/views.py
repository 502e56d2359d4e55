"""Read-only views of forecast runs for the pages: history by level, the model story of a SKU."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sop_core.data import Store
from sop_core.forecast.demand import demand_history


def history_levels(store: Store, granularity: str, as_of: dt.date, level: str, key: str | None) -> pd.DataFrame:
    """Actual demand per period at SKU, family or total level (columns key, period, actual)."""
    history = demand_history(store, granularity, as_of).dropna(subset=["period"])
    keyed = history.assign(key="total" if level == "total" else history[level])
    if key is not None and level != "total":
        keyed = keyed[keyed["key"] == key]
    out = keyed.groupby(["key", "period"], as_index=False)["quantity"].sum()
    return out.rename(columns={"quantity": "actual"})


def model_story(store: Store, run_id: int, sku: str) -> tuple[dict[str, object], pd.DataFrame]:
    """The chosen model, profile and reason of one SKU, and every candidate's backtest score. The reason
    is stored as a message's JSON (older runs: English text): show it with `messages.render_stored`."""
    choice = store.query(
        "SELECT model, profile, reason, history_periods FROM forecast_choices WHERE run_id = ? AND sku = ?",
        [run_id, sku],
    )
    scores = store.query(
        "SELECT model, score FROM forecast_backtests WHERE run_id = ? AND sku = ? ORDER BY score NULLS LAST",
        [run_id, sku],
    )
    return (choice.iloc[0].to_dict() if len(choice) else {}), scores


def model_mix(store: Store, run_id: int, family: str | None = None) -> pd.DataFrame:
    """How many SKUs each model serves (in one family, or all)."""
    return store.query(
        "SELECT c.model, c.profile, count(*) AS skus FROM forecast_choices c JOIN products p USING (sku) "
        "WHERE c.run_id = ? AND (? IS NULL OR p.family = ?) GROUP BY ALL ORDER BY skus DESC",
        [run_id, family, family],
    )


def run_info(store: Store, run_id: int) -> dict[str, object]:
    row = store.query("SELECT * FROM forecast_runs WHERE run_id = ?", [run_id])
    return row.iloc[0].to_dict() if len(row) else {}
