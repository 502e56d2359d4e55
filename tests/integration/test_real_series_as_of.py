"""A real history that stopped a year ago is forecast from where it stops, not from today.

Four M1 competition series (monthly totals, dated on each month's first day as ERPs export them) are
imported twice: ending a year before today's month, and ending last month. Both stores forecast
from the month after their last observation, with the same models, the same backtest accuracy and
the same figures: a year of silence after the data is not a year of zero demand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sop_core.common.periods import Cycle, next_period
from sop_core.data.store import Store
from sop_core.forecast.runs import ForecastSettings, run_forecast
from sop_core.imports.ingest import FileToImport, import_files
from tests.conftest import SHARED_DATA, WriteFile

M1 = SHARED_DATA / "forecasting" / "m1_monthly.csv"
SERIES = ("MNI29", "MNM38", "MRM11", "MRM10")  # four of the longest monthly series, 132 months each
MONTHS = 60  # the last five years of each: what an SME's ERP typically holds


def _history() -> pd.DataFrame:
    m1 = pd.read_csv(M1)
    train = m1[(m1["split"] == "train") & m1["series_id"].isin(SERIES)]
    return train.sort_values(["series_id", "t"]).groupby("series_id").tail(MONTHS)


def _import(store: Store, history: pd.DataFrame, last: Cycle, write_file: WriteFile) -> None:
    """`history` as products and sales files, the series' last month landing on `last`."""
    products = "sku;name;family;unit_cost;unit_price\n" + "".join(
        f"{sku};Série {sku};M1;1;2\n" for sku in SERIES)
    lines = []
    for sku, series in history.groupby("series_id"):
        first = next_period(last.start, "month", -(len(series) - 1))
        for offset, quantity in enumerate(series["y"]):
            day = next_period(first, "month", offset)
            lines.append(f"{day:%d/%m/%Y};{sku};{str(quantity).replace('.', ',')}\n")
    sales = "date;sku;quantity\n" + "".join(lines)
    outcome = import_files(store, [FileToImport("products", write_file(f"p{last}.csv", products, "cp1252")),
                                   FileToImport("sales", write_file(f"s{last}.csv", sales, "cp1252"))])
    assert outcome.ok, [r.lines() for r in outcome.reports]


def _forecast(path: Path, history: pd.DataFrame, last: Cycle, write_file: WriteFile
              ) -> tuple[dt.date, pd.DataFrame, pd.DataFrame]:
    """(as-of, forecast values, backtest scores) of a fresh store holding `history` up to `last`."""
    with Store(path) as store:
        _import(store, history, last, write_file)
        as_of = store.as_of()
        run = run_forecast(store, ForecastSettings(horizon=6, jobs=1), as_of)
        values = store.query("SELECT sku, period, forecast FROM forecast_values WHERE run_id = ? "
                             "ORDER BY sku, period", [run])
        scores = store.query("SELECT sku, model, score FROM forecast_backtests WHERE run_id = ? "
                             "ORDER BY sku, model", [run])
    return as_of, values, scores


@pytest.mark.slow
def test_a_history_ending_a_year_ago_forecasts_from_its_end_like_a_fresh_one(tmp_path: Path,
                                                                               write_file: WriteFile) -> None:
    if not M1.exists():
        pytest.skip("../shared/data is not beside the checkout")
    history = _history()
    assert history.groupby("series_id").size().eq(MONTHS).all()
    last_month = Cycle.of(dt.date.today()).previous
    year_ago = Cycle.of(next_period(last_month.start, "month", -12))
    old_as_of, old_values, old_scores = _forecast(tmp_path / "old.duckdb", history, year_ago, write_file)
    new_as_of, new_values, new_scores = _forecast(tmp_path / "new.duckdb", history, last_month, write_file)

    # Monthly totals cover their whole last month: the as-of is the first day after it.
    assert (old_as_of, new_as_of) == (year_ago.next.start, last_month.next.start)
    assert pd.Timestamp(old_values["period"].min()).date() == year_ago.next.start
    assert pd.Timestamp(new_values["period"].min()).date() == last_month.next.start
    # The same history, the same accuracy and the same forecast, a year apart.
    pd.testing.assert_frame_equal(old_scores, new_scores, rtol=1e-3)
    pd.testing.assert_frame_equal(old_values.drop(columns="period"), new_values.drop(columns="period"), rtol=1e-3)
    assert old_values["forecast"].gt(0).all()  # not collapsed towards zero by months of invented silence
