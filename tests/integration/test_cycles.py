"""Freeze a real forecast of the demo company, measure it by lag against an independent pandas
computation, and drive forecast -> freeze -> accuracy -> export through the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_core.cli.main import EXIT_NO_RUN, EXIT_OK, EXIT_USAGE, EXPORT_COLUMNS, main
from sop_core.common.periods import Cycle
from sop_core.data.store import Store
from sop_core.demo.cycles import build_demo_snapshots, past_cycles
from sop_core.forecast import consensus
from sop_core.forecast import snapshots as cycles
from sop_core.forecast.runs import ForecastSettings, run_forecast
from tests.conftest import CopyDatabase

# Three months forecast as of August 2026: August, September and October are complete by the demo's
# as-of date (2026-11-02), so every lag 0..2 has actuals.
AS_OF = dt.date(2026, 8, 1)
CYCLE = Cycle(2026, 8)
SKUS = 150


@pytest.fixture(scope="module")
def frozen_db(demo_copy: CopyDatabase) -> Path:
    """A copy of the demo with one real 3-month run frozen as cycle 2026-08 (closed afterwards)."""
    path = demo_copy("cycles")
    with Store(path) as store:
        with store.transaction() as cur:  # the demo ships past cycles: measure this one alone
            cur.execute("DELETE FROM forecast_snapshots")
        run_id = run_forecast(store, ForecastSettings(horizon=3, jobs=1), AS_OF)
        assert cycles.freeze_cycle(store, CYCLE, run_id) == SKUS * 3
    return path


@pytest.fixture
def store(frozen_db: Path, demo_copy: CopyDatabase) -> Iterator[Store]:
    """A private copy of the frozen database, so that tests can change it."""
    with Store(demo_copy("frozen", frozen_db)) as opened:
        yield opened


def _monthly_sales(store: Store) -> pd.DataFrame:
    """Actual demand per SKU and month, computed in pandas from the raw sales table."""
    sales = store.table("sales")
    sales["period"] = pd.to_datetime(sales["date"]).dt.to_period("M").dt.to_timestamp()
    return sales.groupby(["sku", "period"], as_index=False)["quantity"].sum()


def test_accuracy_by_lag_matches_an_independent_computation(store: Store) -> None:
    report = cycles.accuracy_report(store)
    by_lag = report["by_lag"]
    assert by_lag["lag"].tolist() == [0, 1, 2]
    assert by_lag["n"].tolist() == [SKUS] * 3

    snapshots = store.query("SELECT sku, period, lag, final FROM forecast_snapshots WHERE cycle = ?", [str(CYCLE)])
    snapshots["period"] = pd.to_datetime(snapshots["period"])
    merged = snapshots.merge(_monthly_sales(store), on=["sku", "period"], how="left").fillna({"quantity": 0.0})
    for lag, rows in merged.groupby("lag"):
        expected = np.abs(rows["final"] - rows["quantity"]).sum() / rows["quantity"].abs().sum()
        assert by_lag.set_index("lag").loc[lag, "wape"] == pytest.approx(expected)
    overall = np.abs(merged["final"] - merged["quantity"]).sum() / merged["quantity"].sum()
    assert report["overall"]["wape"].iloc[0] == pytest.approx(overall)
    assert report["rows"] == SKUS * 3 and len(report["worst_skus"]) == 20
    assert report["worst_skus"]["abs_error"].is_monotonic_decreasing


def test_naive_is_the_month_before_the_cycle_and_fva_adds_up(store: Store) -> None:
    frame = cycles.accuracy_frame(store)
    sales = _monthly_sales(store)
    july = sales[sales["period"] == pd.Timestamp(2026, 7, 1)].set_index("sku")["quantity"]
    naive = frame.drop_duplicates("sku").set_index("sku")["naive"]
    assert naive.to_dict() == pytest.approx(july.reindex(naive.index, fill_value=0.0).to_dict())
    fva = cycles.accuracy_report(store)["fva"]
    assert len(fva) == 3
    assert np.allclose(fva["fva_statistical"], fva["wape_naive"] - fva["wape_statistical"])
    assert np.allclose(fva["fva_consensus"], fva["wape_statistical"] - fva["wape_final"])
    assert np.allclose(fva["fva_consensus"], 0.0)  # nobody adjusted: final = statistical


def test_refreezing_replaces_the_cycle(store: Store) -> None:
    run_id = int(store.scalar("SELECT max(run_id) FROM forecast_runs"))
    family = str(store.scalar("SELECT family FROM products ORDER BY sku LIMIT 1"))
    consensus.add_adjustment(store, "Ana", "trade fair", "family", family, "month", AS_OF, 1000)
    assert cycles.freeze_cycle(store, CYCLE, run_id) == SKUS * 3
    assert int(store.scalar("SELECT count(*) FROM forecast_snapshots")) == SKUS * 3
    assert cycles.cycles(store)["cycle"].tolist() == [str(CYCLE)]
    frozen = store.query("SELECT sum(final - statistical) AS added FROM forecast_snapshots WHERE period = ?", [AS_OF])
    assert frozen["added"].iloc[0] == pytest.approx(1000.0)


def test_freeze_refuses_missing_runs(store: Store) -> None:
    with pytest.raises(consensus.MissingRunError):
        cycles.freeze_cycle(store, CYCLE, run_id=999)
    with pytest.raises(consensus.MissingRunError):
        cycles.freeze_cycle(store, CYCLE, granularity="week")  # no weekly run yet


def _without_shipped_cycles(path: Path) -> None:
    with Store(path) as store, store.transaction() as cur:
        cur.execute("DELETE FROM forecast_snapshots")


def test_cli_forecast_freeze_accuracy_export(demo_db: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _without_shipped_cycles(demo_db)
    db = str(demo_db)
    assert main(["export", "forecasts", "--output", str(tmp_path / "none.csv"), "--db", db, "--lang", "en"]) \
        == EXIT_NO_RUN
    assert "run `forecast` first" in capsys.readouterr().err
    assert main(["freeze", "--cycle", str(CYCLE), "--db", db]) == EXIT_NO_RUN  # French by default
    assert capsys.readouterr().err == ("Erreur : Aucune prévision mensuelle à figer : lancez d'abord une prévision "
                                       "(commande `forecast` ou page Prévision).\n")
    assert main(["freeze", "--cycle", str(CYCLE), "--db", db, "--lang", "en"]) == EXIT_NO_RUN
    assert capsys.readouterr().err == ("Error: There is no month forecast run to freeze: run `forecast` first "
                                       "(or the Forecast page).\n")
    # A forced naive model keeps the run short; auto selection is covered above.
    assert main(["forecast", "--db", db, "--horizon", "3", "--jobs", "1", "--model", "naive",
                 "--as-of", AS_OF.isoformat(), "--json", "--lang", "en"]) == EXIT_OK
    captured = capsys.readouterr()
    run = json.loads(captured.out)
    # (selection may still fall back for a SKU whose history is too short for the forced model)
    assert sum(run["models"].values()) == SKUS and run["models"]["naive"] > SKUS - 5 and run["horizon"] == 3
    assert "SKUs forecast" in captured.err  # progress lines

    assert main(["freeze", "--cycle", str(CYCLE), "--db", db, "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == {"cycle": str(CYCLE), "run_id": run["run_id"], "rows": SKUS * 3}

    assert main(["accuracy", "--db", db, "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert [r["lag"] for r in report["by_lag"]] == [0, 1, 2]
    assert report["by_month"][0]["period"] == "2026-08-01"
    assert {"overall", "by_family", "by_sku", "worst_skus", "fva", "fva_overall"} <= set(report)

    csv = tmp_path / "out" / "forecasts.csv"
    assert main(["export", "forecasts", "--format", "csv", "--output", str(csv), "--db", db]) == EXIT_OK
    exported = pd.read_csv(csv)
    assert list(exported.columns) == EXPORT_COLUMNS == ["sku", "period", "model", "forecast", "lower_80", "upper_80"]
    assert len(exported) == SKUS * 3 and exported["period"].min() == "2026-08-01"
    xlsx = tmp_path / "forecasts.xlsx"
    assert main(["export", "forecasts", "--format", "xlsx", "--output", str(xlsx), "--db", db]) == EXIT_OK
    assert list(pd.read_excel(xlsx).columns) == EXPORT_COLUMNS


@pytest.mark.parametrize(("argv", "message"), [
    (["freeze", "--cycle", "2026-13"], "YYYY-MM"),
    (["forecast", "--model", "magic"], "Unknown model 'magic'"),
])
def test_cli_bad_values_exit_with_usage(demo_db: Path, capsys: pytest.CaptureFixture[str],
                                        argv: list[str], message: str) -> None:
    assert main([*argv, "--db", str(demo_db), "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_argument_errors_exit_with_usage(demo_db: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "forecasts", "--format", "pdf", "--output", "x.pdf", "--db", str(demo_db)])
    assert exit_info.value.code == EXIT_USAGE


def test_past_cycles_cross_the_year() -> None:
    assert past_cycles(dt.date(2026, 2, 10), 3) == [Cycle(2025, 11), Cycle(2025, 12), Cycle(2026, 1)]
    assert past_cycles(dt.date(2026, 11, 2), 12)[0] == Cycle(2025, 11)


@pytest.mark.slow
def test_demo_snapshots_freeze_a_real_past_run_and_drop_it(demo_db: Path) -> None:
    _without_shipped_cycles(demo_db)
    with Store(demo_db) as store:
        assert build_demo_snapshots(store, [Cycle(2026, 10)], horizon=2) == SKUS * 2
        assert store.scalar("SELECT count(*) FROM forecast_runs") == 0  # not left as the "latest" run
        report = cycles.accuracy_report(store)
        assert report["by_lag"]["lag"].tolist() == [0]  # November is not over on 2026-11-02
