"""Consensus overrides on a hand-made run: family spread, SKU + family deltas, floor at zero,
aggregated intervals, forced models, and the refusals."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from sop_core.data.store import Store
from sop_core.forecast import consensus
from sop_core.forecast.runs import forced_models
from tests.rows import forecast_run, insert_rows

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
# sku, family, statistical in January, lower_80, upper_80 (February: the same values + 1)
SKUS = [("A1", "F1", 30.0, 20.0, 40.0), ("A2", "F1", 10.0, 4.0, 16.0),
        ("B1", "F2", 0.0, 0.0, 0.0), ("B2", "F2", 0.0, 0.0, 0.0)]
RUN = 1


@pytest.fixture
def run_store(store: Store) -> Store:
    """Four SKUs in two families and one monthly run over January and February 2026."""
    with store.transaction() as cur:
        for sku, family, value, low, high in SKUS:
            cur.execute("INSERT INTO products (sku, family) VALUES (?, ?)", [sku, family])
            insert_rows(cur, "forecast_choices", [{"run_id": RUN, "sku": sku, "model": "naive", "profile": "smooth",
                                                   "reason": "test", "history_periods": 24}])
            insert_rows(cur, "forecast_values", [
                {"run_id": RUN, "sku": sku, "period": period, "forecast": value + bump, "lower_80": low,
                 "upper_80": high + bump, "lower_95": low, "upper_95": high + 2 * bump}
                for period, bump in ((JAN, 0.0), (FEB, 1.0))])
        insert_rows(cur, "forecast_runs", [forecast_run(RUN, JAN, horizon=2, settings_json="{}", series=4,
                                                        seconds=1.0)])
    return store


def _final(store: Store, period: dt.date = JAN) -> pd.DataFrame:
    rows = consensus.final_forecast(store, RUN)
    return rows[rows["period"] == pd.Timestamp(period)].set_index("sku")


def test_without_adjustments_final_is_statistical(run_store: Store) -> None:
    rows = consensus.final_forecast(run_store, RUN)
    assert list(rows.columns) == consensus.FINAL_COLUMNS
    assert len(rows) == 8
    assert (rows["adjustment"] == 0).all() and (rows["final"] == rows["statistical"]).all()
    assert set(rows["model"]) == {"naive"}


def test_family_delta_is_spread_by_statistical_share(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", "promo", "family", "F1", "month", JAN, 8)
    jan = _final(run_store)
    assert jan.loc["A1", "adjustment"] == pytest.approx(6.0)  # 8 x 30/40
    assert jan.loc["A2", "adjustment"] == pytest.approx(2.0)  # 8 x 10/40
    assert jan.loc["A1", "final"] == pytest.approx(36.0) and jan.loc["A2", "final"] == pytest.approx(12.0)
    assert (jan.loc[["B1", "B2"], "adjustment"] == 0).all()
    assert (_final(run_store, FEB)["adjustment"] == 0).all()  # other periods untouched


def test_all_zero_family_spreads_equally(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "family", "F2", "month", JAN, 10)
    jan = _final(run_store)
    assert jan.loc["B1", "final"] == pytest.approx(5.0) and jan.loc["B2", "final"] == pytest.approx(5.0)


def test_sku_and_family_deltas_add_up(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "family", "F1", "month", JAN, 8)
    consensus.add_adjustment(run_store, "Ben", None, "sku", "A1", "month", dt.date(2026, 1, 20), 4)
    consensus.add_adjustment(run_store, "Ben", None, "sku", "A1", "month", JAN, -1)
    jan = _final(run_store)
    assert jan.loc["A1", "adjustment"] == pytest.approx(6 + 4 - 1)
    assert jan.loc["A1", "final"] == pytest.approx(39.0)


def test_final_is_never_negative(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "sku", "A2", "month", JAN, -50)
    jan = _final(run_store)
    assert jan.loc["A2", "adjustment"] == pytest.approx(-50.0)
    assert jan.loc["A2", "final"] == 0.0


def test_other_granularity_is_ignored_and_delete_restores(run_store: Store) -> None:
    weekly = consensus.add_adjustment(run_store, "Ana", None, "sku", "A1", "week", JAN, 100)
    monthly = consensus.add_adjustment(run_store, "Ana", None, "sku", "A1", "month", JAN, 5)
    assert _final(run_store).loc["A1", "final"] == pytest.approx(35.0)
    assert list(consensus.adjustments(run_store, "month")["adjustment_id"]) == [monthly]
    assert list(consensus.adjustments(run_store, "week")["adjustment_id"]) == [weekly]
    consensus.delete_adjustment(run_store, monthly)
    assert _final(run_store).loc["A1", "final"] == pytest.approx(30.0)
    with pytest.raises(ValueError, match="no adjustment"):
        consensus.delete_adjustment(run_store, monthly)


def test_set_final_reaches_the_target(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "sku", "A1", "month", JAN, 3)
    consensus.set_final(run_store, "Ben", "customer call", "sku", "A1", "month", JAN, RUN, 50)
    assert _final(run_store).loc["A1", "final"] == pytest.approx(50.0)
    consensus.set_final(run_store, "Ben", None, "family", "F1", "month", JAN, RUN, 100)
    family = consensus.forecast_levels(run_store, RUN, "family", "F1").set_index("period")
    assert family.loc[pd.Timestamp(JAN), "final"] == pytest.approx(100.0)
    assert consensus.adjustments(run_store)["delta"].tolist() == pytest.approx([3.0, 17.0, 40.0])


def test_levels_sum_and_combine_intervals_as_independent(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "family", "F1", "month", JAN, 8)
    family = consensus.forecast_levels(run_store, RUN, "family").set_index(["key", "period"])
    f1 = family.loc[("F1", pd.Timestamp(JAN))]
    assert (f1["statistical"], f1["adjustment"], f1["final"]) == pytest.approx((40.0, 8.0, 48.0))
    # half-widths below 10 and 6, above 10 and 6: sqrt(100 + 36) around the summed statistical 40
    assert f1["lower_80"] == pytest.approx(40 - math.sqrt(136))
    assert f1["upper_80"] == pytest.approx(40 + math.sqrt(136))
    total = consensus.forecast_levels(run_store, RUN, "total")
    assert list(total["key"]) == ["total", "total"]
    assert total["final"].tolist() == pytest.approx([48.0, 44.0])
    one = consensus.forecast_levels(run_store, RUN, "sku", "A2")
    assert one["final"].tolist() == pytest.approx([12.0, 11.0])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"author": "  "}, "author"),
    ({"level": "region"}, "level must be one of"),
    ({"key": "ZZ9"}, "Unknown sku 'ZZ9'"),
    ({"level": "family", "key": "A1"}, "Unknown family 'A1'"),
    ({"delta": float("nan")}, "finite"),
    ({"delta": float("inf")}, "finite"),
    ({"granularity": "year"}, "granularity"),
])
def test_bad_adjustments_are_refused(run_store: Store, kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"author": "Ana", "comment": None, "level": "sku", "key": "A1",
                                    "granularity": "month", "period": JAN, "delta": 1.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        consensus.add_adjustment(run_store, **arguments)  # type: ignore[arg-type]
    assert consensus.adjustments(run_store).empty


def test_unknown_run_and_negative_target_are_refused(run_store: Store) -> None:
    with pytest.raises(consensus.MissingRunError):
        consensus.final_forecast(run_store, 99)
    with pytest.raises(ValueError, match="negative"):
        consensus.set_final(run_store, "Ana", None, "sku", "A1", "month", JAN, RUN, -1)
    with pytest.raises(ValueError, match="level must be one of"):
        consensus.forecast_levels(run_store, RUN, "region")


def test_forced_models_replace_and_clear(run_store: Store) -> None:
    consensus.force_model(run_store, "family", "F1", "ets", "Ana")
    consensus.force_model(run_store, "sku", "A1", "theta", "Ana")
    consensus.force_model(run_store, "sku", "A1", "croston_sba", "Ben")  # replaces, no duplicate
    assert forced_models(run_store) == {"A1": "croston_sba", "A2": "ets"}
    consensus.force_model(run_store, "sku", "A1", "auto", "Ben")
    assert forced_models(run_store) == {"A1": "ets", "A2": "ets"}
    consensus.clear_forced_model(run_store, "family", "F1")
    assert forced_models(run_store) == {}
    with pytest.raises(ValueError, match="Unknown model 'magic'"):
        consensus.force_model(run_store, "sku", "A1", "magic", "Ana")
    with pytest.raises(ValueError, match="Unknown sku"):
        consensus.force_model(run_store, "sku", "NOPE", "ets", "Ana")


def test_missing_statistical_counts_as_zero(run_store: Store) -> None:
    """A model that failed on a too-short history leaves NULL: an override must still apply."""
    with run_store.transaction() as cur:
        cur.execute("INSERT INTO products (sku, family) VALUES ('N1', 'F3')")
        insert_rows(cur, "forecast_values", [{"run_id": RUN, "sku": "N1", "period": JAN, "forecast": None}])
    consensus.add_adjustment(run_store, "Ana", "launch", "family", "F3", "month", JAN, 12)
    row = _final(run_store).loc["N1"]
    assert math.isnan(row["statistical"]) and row["final"] == pytest.approx(12.0)
