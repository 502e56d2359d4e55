"""The consensus with a memory, on a hand-made run: a change over a range of months (by % or by a
quantity), the ±30 % confirmation, the reason required, the log, undo, the cycle recorded, and the
forecast value added per contributor (sales, then management). Every expected figure is worked out
by hand in the test."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sop_core.common import Cycle, MessageError
from sop_core.data import open_cycle
from sop_core.data.store import Store
from sop_core.forecast import changes, consensus, snapshots
from tests.rows import forecast_run, insert_rows

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
RUN = 1
# sku, family, statistical forecast in January, February, March
SKUS = [("A1", "F1", (30.0, 60.0, 90.0)), ("A2", "F1", (10.0, 20.0, 30.0)), ("B1", "F2", (50.0, 50.0, 50.0))]


@pytest.fixture
def run_store(store: Store) -> Store:
    """Three SKUs in two families, one monthly run over January to March 2026, as of 15 January."""
    store.set_setting("as_of", "2026-01-15")
    with store.transaction() as cur:
        for sku, family, values in SKUS:
            cur.execute("INSERT INTO products (sku, family) VALUES (?, ?)", [sku, family])
            insert_rows(cur, "forecast_choices", [{"run_id": RUN, "sku": sku, "model": "naive", "profile": "smooth",
                                                   "reason": "test", "history_periods": 24}])
            insert_rows(cur, "forecast_values", [
                {"run_id": RUN, "sku": sku, "period": period, "forecast": value, "lower_80": value,
                 "upper_80": value, "lower_95": value, "upper_95": value}
                for period, value in zip((JAN, FEB, MAR), values, strict=True)])
        insert_rows(cur, "forecast_runs", [forecast_run(RUN, JAN, horizon=3, settings_json="{}", series=3)])
    return store


def _finals(store: Store) -> dict[tuple[str, dt.date], float]:
    rows = consensus.final_forecast(store, RUN)
    return {(r.sku, r.period.date()): pytest.approx(r.final) for r in rows.itertuples()}


def _written(store: Store) -> tuple[int, int]:
    return (int(store.scalar("SELECT count(*) FROM consensus_entries")),
            int(store.scalar("SELECT count(*) FROM forecast_adjustments")))


def test_ten_percent_on_a_family_over_two_of_three_months(run_store: Store) -> None:
    # A1 already has +20 in February (a bare adjustment): F1's final is 60+20+20 = 100 in February,
    # 90+30 = 120 in March. +10 % adds 10 and 12, spread by statistical share (A1 60/80 and 90/120,
    # A2 20/80 and 30/120): A1 gets 7.5 and 9, A2 2.5 and 3.
    consensus.add_adjustment(run_store, "Ana", "fair", "sku", "A1", "month", FEB, 20)
    entry = changes.adjust_range(run_store, "Ana", "sales", "trade fair", "family", "F1", "month",
                                   dt.date(2026, 2, 14), MAR, RUN, percent=10)
    assert _finals(run_store) == {
        ("A1", JAN): 30.0, ("A1", FEB): 87.5, ("A1", MAR): 99.0,
        ("A2", JAN): 10.0, ("A2", FEB): 22.5, ("A2", MAR): 33.0,
        ("B1", JAN): 50.0, ("B1", FEB): 50.0, ("B1", MAR): 50.0,
    }
    log = changes.consensus_log(run_store)
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["entry_id"], row["author"], row["contributor"], row["reason"]) == (entry, "Ana", "sales", "trade fair")
    assert (row["level"], row["key"], row["change_kind"], row["amount"]) == ("family", "F1", "percent", 10.0)
    assert (row["first_period"], row["last_period"]) == (pd.Timestamp(FEB), pd.Timestamp(MAR))
    assert (row["units_before"], row["units_after"]) == (pytest.approx(220.0), pytest.approx(242.0))
    assert pd.isna(row["undone_at"]) and row["undone_by"] is None
    deltas = run_store.query("SELECT period, delta FROM forecast_adjustments WHERE entry_id = ? ORDER BY period",
                             [entry])
    assert deltas["delta"].tolist() == pytest.approx([10.0, 12.0])  # one row per period, tied to its entry


def test_a_quantity_per_period_may_be_negative(run_store: Store) -> None:
    entry = changes.adjust_range(run_store, "Ben", "management", "lost customer", "sku", "B1", "month",
                                   JAN, MAR, RUN, quantity=-5)
    finals = _finals(run_store)
    assert [finals[("B1", p)] for p in (JAN, FEB, MAR)] == [45.0, 45.0, 45.0]
    row = changes.consensus_log(run_store).set_index("entry_id").loc[entry]
    assert (row["change_kind"], row["amount"], row["contributor"]) == ("quantity", -5.0, "management")
    assert (row["units_before"], row["units_after"]) == (pytest.approx(150.0), pytest.approx(135.0))


def test_beyond_thirty_percent_of_the_statistics_asks_for_confirmation(run_store: Store) -> None:
    # A2 over January and February: statistical 10 + 20 = 30.
    changes.adjust_range(run_store, "Ana", "sales", "promo", "sku", "A2", "month", JAN, FEB, RUN, percent=29)
    assert [_finals(run_store)[("A2", p)] for p in (JAN, FEB)] == [12.9, 25.8]  # 38.7: +29 %, recorded
    changes.undo_entry(run_store, 1, "Ana")
    written = _written(run_store)
    with pytest.raises(changes.ConfirmationNeeded) as refused:
        changes.adjust_range(run_store, "Ana", "sales", "promo", "sku", "A2", "month", JAN, FEB, RUN, percent=31)
    assert refused.value.gap == pytest.approx(0.31)
    said = refused.value.render("fr")
    assert "31\u00a0% au-dessus" in said and "30\u00a0%" in said and "Confirmez" in said
    assert "31% above" in refused.value.render("en")
    assert _written(run_store) == written  # nothing recorded, neither entry nor adjustment
    with pytest.raises(changes.ConfirmationNeeded) as lowered:
        changes.adjust_range(run_store, "Ana", "sales", "promo", "sku", "A2", "month", JAN, FEB, RUN, quantity=-10)
    assert lowered.value.gap == pytest.approx(-20 / 30) and "below" in lowered.value.render("en")
    changes.adjust_range(run_store, "Ana", "sales", "promo", "sku", "A2", "month", JAN, FEB, RUN, percent=31,
                           confirmed=True)
    assert [_finals(run_store)[("A2", p)] for p in (JAN, FEB)] == [13.1, 26.2]


def test_a_reason_is_required(run_store: Store) -> None:
    for reason in ("", "   "):
        with pytest.raises(MessageError) as refused:
            changes.adjust_range(run_store, "Ana", "sales", reason, "sku", "A1", "month", JAN, FEB, RUN, percent=5)
        assert refused.value.message.key == "forecast.error.no_reason"
        assert "pourquoi" in refused.value.render("fr")
    assert _written(run_store) == (0, 0)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"contributor": "finance"}, "contributor must be one of"),
    ({"percent": None}, "either percent or quantity"),
    ({"quantity": 3}, "either percent or quantity"),
    ({"percent": float("nan")}, "finite"),
    ({"first_period": MAR, "last_period": JAN}, "comes after"),
    ({"first_period": dt.date(2027, 1, 1), "last_period": dt.date(2027, 2, 1)}, "no period"),
])
def test_bad_range_changes_are_refused(run_store: Store, kwargs: dict[str, object], error: str) -> None:
    arguments: dict[str, object] = {"author": "Ana", "contributor": "sales", "reason": "why", "level": "sku",
                                    "key": "A1", "granularity": "month", "first_period": JAN, "last_period": FEB,
                                    "run_id": RUN, "percent": 5, **kwargs}
    with pytest.raises((ValueError, MessageError)) as refused:
        changes.adjust_range(run_store, **arguments)  # type: ignore[arg-type]
    said = refused.value.render("en") if isinstance(refused.value, MessageError) else str(refused.value)
    assert error in said
    assert _written(run_store) == (0, 0)


def test_undo_restores_the_finals_exactly_and_keeps_the_entry(run_store: Store) -> None:
    consensus.add_adjustment(run_store, "Ana", None, "sku", "A1", "month", FEB, 20)
    before = _finals(run_store)
    family = changes.adjust_range(run_store, "Ana", "sales", "fair", "family", "F1", "month", FEB, MAR, RUN,
                                    percent=10)
    other = changes.adjust_range(run_store, "Ben", "management", "plant", "sku", "B1", "month", JAN, JAN, RUN,
                                   quantity=4)
    changes.undo_entry(run_store, family, "Claire")
    after = _finals(run_store)
    assert after == {**before, ("B1", JAN): 54.0}  # the family change gone, Ben's kept
    log = changes.consensus_log(run_store)
    assert log["entry_id"].tolist() == [other, family]  # newest first, the undone entry kept
    undone = log.set_index("entry_id").loc[family]
    assert undone["undone_by"] == "Claire" and pd.notna(undone["undone_at"])
    assert pd.isna(log.set_index("entry_id").loc[other, "undone_at"])
    assert not run_store.scalar("SELECT count(*) FROM forecast_adjustments WHERE entry_id = ?", [family])
    with pytest.raises(MessageError) as twice:
        changes.undo_entry(run_store, family, "Claire")
    assert twice.value.message.key == "forecast.error.already_undone" and "Claire" in twice.value.render("en")
    with pytest.raises(MessageError) as unknown:
        changes.undo_entry(run_store, 999, "Claire")
    assert unknown.value.message.key == "forecast.error.no_entry"
    assert _finals(run_store) == after


def test_the_cycle_recorded_is_the_open_one_else_the_as_of_month(run_store: Store) -> None:
    first = changes.adjust_range(run_store, "Ana", "sales", "a", "sku", "A1", "month", FEB, FEB, RUN, quantity=1)
    open_cycle(run_store, Cycle(2026, 2), dt.date(2026, 2, 3), "Ana")  # opened: as of 3 February
    second = changes.adjust_range(run_store, "Ana", "sales", "b", "sku", "A1", "month", FEB, FEB, RUN, quantity=1)
    log = changes.consensus_log(run_store).set_index("entry_id")["cycle"]
    assert (log[first], log[second]) == ("2026-01", "2026-02")
    assert changes.consensus_log(run_store, Cycle(2026, 2))["entry_id"].tolist() == [second]
    assert changes.consensus_log(run_store, "2026-01")["entry_id"].tolist() == [first]
    assert changes.consensus_log(run_store, granularity="week").empty


def test_set_final_is_logged_as_a_target_with_its_contributor(run_store: Store) -> None:
    adjustment = consensus.set_final(run_store, "Ben", "customer call", "sku", "A1", "month", JAN, RUN, 50,
                                     seen=30.0, contributor="management")
    entry = changes.adjustment_entry(run_store, adjustment)
    row = changes.consensus_log(run_store).set_index("entry_id").loc[entry]
    assert (row["change_kind"], row["amount"], row["contributor"], row["reason"]) == (
        "target", 50.0, "management", "customer call")
    assert (row["units_before"], row["units_after"]) == (30.0, 50.0)
    assert (row["first_period"], row["last_period"]) == (pd.Timestamp(JAN), pd.Timestamp(JAN))
    changes.undo_entry(run_store, entry, "Ben")
    assert _finals(run_store)[("A1", JAN)] == 30.0


def test_sales_snapshot_and_value_added_per_contributor(run_store: Store) -> None:
    """S1 and S2 sold 100 and 50 in December (the naive forecast), 110 and 50 in January. Statistics
    said 90 and 60; sales moved them to 110 (+20) and 50 (-10), management to 105 (-5) and 60 (+10).
    Errors over 160 sold: naive 10 -> 6,25 %, statistical 30 -> 18,75 %, after sales 0 -> 0 %,
    final 15 -> 9,375 %; value added: statistics -12,5 points, sales +18,75, management -9,375."""
    run_store.set_setting("as_of", "2026-02-15")
    with run_store.transaction() as cur:
        cur.execute("DELETE FROM forecast_values")
        for sku, december, january, statistical in (("S1", 100, 110, 90.0), ("S2", 50, 50, 60.0)):
            cur.execute("INSERT INTO products (sku, family) VALUES (?, 'F9')", [sku])
            insert_rows(cur, "sales", [{"date": dt.date(2025, 12, 10), "sku": sku, "quantity": december},
                                       {"date": dt.date(2026, 1, 10), "sku": sku, "quantity": january}])
            insert_rows(cur, "forecast_values", [{"run_id": RUN, "sku": sku, "period": JAN, "forecast": statistical}])
    for sku, sales, management in (("S1", 20, -5), ("S2", -10, 10)):
        changes.adjust_range(run_store, "Ana", "sales", "orders", "sku", sku, "month", JAN, JAN, RUN,
                               quantity=sales, confirmed=True)
        changes.adjust_range(run_store, "Ben", "management", "budget", "sku", sku, "month", JAN, JAN, RUN,
                               quantity=management, confirmed=True)
    assert snapshots.freeze_cycle(run_store, Cycle(2026, 1), RUN) == 2
    frozen = run_store.query("SELECT sku, statistical, sales, final FROM forecast_snapshots ORDER BY sku")
    assert frozen.values.tolist() == [["S1", 90.0, 110.0, 105.0], ["S2", 60.0, 50.0, 60.0]]

    fva = snapshots.accuracy_report(run_store)["fva_contributors"].set_index("step")
    assert list(fva.index) == list(snapshots.FVA_STEPS)
    assert fva["n"].tolist() == [2, 2, 2, 2]
    assert fva["wape"].tolist() == pytest.approx([0.0625, 0.1875, 0.0, 0.09375])
    assert fva["accuracy"].tolist() == pytest.approx([0.9375, 0.8125, 1.0, 0.90625])
    assert pd.isna(fva.loc["naive", "value_added"])
    assert fva["value_added"].iloc[1:].tolist() == pytest.approx([-0.125, 0.1875, -0.09375])

    # A cycle frozen before the sales forecast was kept (sales NULL): S1 forecast 100 for
    # December, sold 100, naive (November) 0. It counts for naive, statistical and final, never
    # for sales nor management.
    with run_store.transaction() as cur:
        insert_rows(cur, "forecast_snapshots", [{
            "cycle": "2025-12", "frozen_at": dt.datetime(2025, 12, 1), "run_id": 0, "granularity": "month",
            "sku": "S1", "period": dt.date(2025, 12, 1), "lag": 0, "model": "naive", "statistical": 100.0,
            "final": 100.0}])
    fva = snapshots.accuracy_report(run_store)["fva_contributors"].set_index("step")
    assert fva["n"].tolist() == [3, 3, 2, 3]
    # over 260 sold: naive 10 + 100, statistical 30 + 0, final 15 + 0
    assert fva["wape"].tolist() == pytest.approx([110 / 260, 30 / 260, 0.0, 15 / 260])
    assert fva["value_added"].iloc[2:].tolist() == pytest.approx([0.1875, -0.09375])  # as before: S1, S2 of January


def test_without_any_sales_forecast_the_contributors_are_empty() -> None:
    frame = pd.DataFrame({"actual": [10.0, 20.0], "naive": [10.0, 10.0], "statistical": [12.0, 18.0],
                          "final": [11.0, 20.0], "sales": [None, None]})
    fva = snapshots.fva_by_contributor(frame).set_index("step")
    assert fva["n"].tolist() == [2, 2, 0, 2]
    assert fva.loc["final", "wape"] == pytest.approx(1 / 30)
    assert fva.loc[["sales", "final"], "value_added"].isna().all() and pd.isna(fva.loc["sales", "wape"])
    assert fva.loc["statistical", "value_added"] == pytest.approx(10 / 30 - 4 / 30)
