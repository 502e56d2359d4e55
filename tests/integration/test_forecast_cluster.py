"""Forecast runs on a Dask distributed cluster give the local run's numbers, or fail storing nothing.

A synthetic store of 40 SKUs (seasonal with trend, intermittent, short, a step change, no demand) is
forecast locally and on a cluster; forecast_values, forecast_choices and forecast_backtests must be
equal row for row. First on a `distributed.LocalCluster` in this process, then with real processes as
a user starts them (`dask scheduler`, two `dask worker`, the project on their PYTHONPATH) and the real
command `python -m sop_core forecast --cluster tcp://127.0.0.1:PORT`: a run, a wrong address, and a
worker killed while it holds a batch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_core.cli.common import EXIT_CLUSTER, EXIT_OK
from sop_core.data.store import Store
from sop_core.forecast import ClusterError, batch_size
from sop_core.forecast.cluster import MAX_TASKS
from sop_core.forecast.runs import ForecastSettings, run_forecast
from sop_core.imports.ingest import FileToImport, import_files
from tests.conftest import PROJECT_ROOT

SKUS = 40
AS_OF = dt.date(2026, 1, 15)  # 36 complete months of history, 2023-01 to 2025-12
SETTINGS = ForecastSettings(horizon=12)
LOCAL = 1  # the run every store copy starts with, computed locally
TABLES = {"forecast_values": "sku, period", "forecast_choices": "sku", "forecast_backtests": "sku, model"}
ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "SOP_DB_WAIT": "5"}

pytestmark = pytest.mark.slow


def _history(seed: int = 11) -> pd.DataFrame:
    """36 months per SKU: mostly seasonal with trend, every 4th intermittent, a few short, a step
    change and one without any demand, so that every branch of the model choice is sent."""
    rng = np.random.default_rng(seed)
    rows = []
    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    for i in range(SKUS):
        t = np.arange(36)
        y = 40 + i + 0.8 * t + 12 * np.sin(2 * np.pi * t / 12 + i) + rng.normal(0, 4, 36)
        if i % 4 == 1:
            y = y * (rng.random(36) < 0.3)
        if i % 10 == 2:
            y[:30] = 0  # six months of history
        if i == 7:
            y[24:] += 150  # a new contract
        if i == 9:
            y[:] = 0
        rows += [(f"{m:%d/%m/%Y}", f"S{i:03d}", max(0.0, round(v))) for m, v in zip(months, y, strict=True)]
    return pd.DataFrame(rows, columns=["date", "sku", "quantity"])


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cluster_store")
    history = _history()
    products = folder / "products.csv"
    products.write_text("sku;name;family;unit_cost;unit_price\n" + "".join(
        f"{sku};Article {sku};F{int(sku[1:]) % 3};1;2\n" for sku in history["sku"].unique()), encoding="utf-8")
    sales = folder / "sales.csv"
    history.to_csv(sales, sep=";", index=False)
    path = folder / "template.duckdb"
    with Store(path) as store:
        outcome = import_files(store, [FileToImport("products", products), FileToImport("sales", sales)])
        assert outcome.ok, [r.lines() for r in outcome.reports]
        assert run_forecast(store, SETTINGS, AS_OF) == LOCAL  # in this process: the reference
    return path


def _copy(template: Path, folder: Path) -> Path:
    path = folder / "run.duckdb"
    path.write_bytes(template.read_bytes())
    return path


def _runs(path: Path) -> int:
    """Rows of every forecast table beyond the local reference run."""
    with Store(path) as store:
        return sum(int(store.scalar(f"SELECT count(*) FROM {t} WHERE run_id <> ?", [LOCAL]))
                   for t in ("forecast_runs", *TABLES))


def _rows(store: Store, run_id: int) -> dict[str, pd.DataFrame]:
    return {table: store.query(f"SELECT * EXCLUDE (run_id) FROM {table} WHERE run_id = ? ORDER BY {order}",
                               [run_id]) for table, order in TABLES.items()}


def _assert_same_as_local(store: Store, remote: int) -> None:
    assert remote != LOCAL
    mine, theirs = _rows(store, LOCAL), _rows(store, remote)
    assert len(mine["forecast_choices"]) == SKUS
    assert len(mine["forecast_values"]) == SKUS * SETTINGS.periods
    assert mine["forecast_choices"]["model"].nunique() >= 3  # the cluster saw more than one kind of series
    for table in TABLES:
        pd.testing.assert_frame_equal(mine[table], theirs[table], check_exact=True, obj=table)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_batches_stay_few_and_fill_every_thread() -> None:
    assert batch_size(40, 2) == 2  # 32 tasks: 16 per thread (20 tasks of 2)
    assert batch_size(100_000, 8) == 782  # 128 tasks
    assert batch_size(100_000, 1000) == 250  # capped at MAX_TASKS tasks
    for series, threads in ((1, 1), (7, 64), (20_000, 2), (100_000, 128), (1_000_000, 8)):
        size = batch_size(series, threads)
        assert size >= 1 and -(-series // size) <= MAX_TASKS


def test_the_dashboard_and_the_forecast_do_not_import_dask() -> None:
    """Only `--cluster` pays for importing dask and distributed."""
    probe = ("import sys, sop_ui, sop_core.forecast, sop_core.cli.main; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


# In-process: a LocalCluster of two worker processes.


def test_a_local_cluster_stores_the_local_runs_numbers(synthetic_db: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    path = _copy(synthetic_db, tmp_path)
    lines: list[tuple[float, str]] = []
    with (LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
          Store(path) as store):
        remote = run_forecast(store, SETTINGS, AS_OF, progress=lambda f, text: lines.append((f, text)),
                              cluster=cluster.scheduler_address)
        _assert_same_as_local(store, remote)
    fractions = [f for f, _ in lines]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert "2 workers, 2 threads, 20 batches of at most 2 SKUs" in lines[1][1]
    assert lines[-1][1] == f"{SKUS}/{SKUS} SKUs forecast" and len(lines) == 2 + 20


def test_workers_dying_on_one_batch_store_nothing_and_say_so(synthetic_db: Path, tmp_path: Path) -> None:
    """With `allowed-failures` 0 the first worker lost with a batch fails the run (the default, 3, moves
    the batch to another worker: see the real-process test below)."""
    import dask
    from distributed import Client, LocalCluster

    path = _copy(synthetic_db, tmp_path)
    with (dask.config.set({"distributed.scheduler.allowed-failures": 0}),
          LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
          Client(cluster, set_as_default=False) as spy):
        pids = spy.run(os.getpid)

        def kill_a_busy_worker(fraction: float, text: str) -> None:
            if 0 < fraction < 1 and pids:
                busy = next(w for w, keys in spy.processing().items() if keys)
                os.kill(pids.pop(busy), signal.SIGKILL)
                pids.clear()

        with Store(path) as store, pytest.raises(ClusterError) as failed:
            run_forecast(store, SETTINGS, AS_OF, progress=kill_a_busy_worker, cluster=cluster.scheduler_address)
    assert failed.value.message.key == "forecast.cluster.workers_died"
    assert cluster.scheduler_address in failed.value.render("fr")
    assert _runs(path) == 0


def test_an_unreachable_scheduler_fails_fast_storing_nothing(synthetic_db: Path, tmp_path: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    with Store(path) as store, pytest.raises(ClusterError) as failed:
        run_forecast(store, SETTINGS, AS_OF, cluster=address)
    assert time.perf_counter() - started < 10
    assert failed.value.message.key == "forecast.cluster.unreachable"
    assert address in failed.value.render("en") and "dask scheduler" in failed.value.render("fr")
    assert _runs(path) == 0


# Real processes: `dask scheduler`, `dask worker` and the CLI, as a user runs them.


@dataclass
class RealCluster:
    address: str
    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        # --no-nanny: a killed worker stays dead (a nanny would start it again at once).
        worker = subprocess.Popen(
            [sys.executable, "-m", "dask", "worker", self.address, "--nthreads", "1", "--no-nanny",
             "--name", name, "--dashboard-address", ":0"],
            cwd=self.folder, env=ENV, stdout=subprocess.DEVNULL, stderr=(self.folder / f"{name}.log").open("wb"))
        self.processes.append(worker)
        return worker

    def wait_for(self, workers: int) -> None:
        from distributed import Client

        with Client(self.address, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=90)


@pytest.fixture(scope="module")
def real_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealCluster]:
    """A scheduler and two workers started from a folder outside the project: they import it through
    PYTHONPATH, as the README tells users to start them."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    cluster = RealCluster("", folder)
    try:
        cluster.processes.append(subprocess.Popen(
            [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--dashboard-address", ":0", "--scheduler-file", str(scheduler_file)],
            cwd=folder, env=ENV, stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("wb")))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        cluster.address = json.loads(scheduler_file.read_text())["address"]
        for i in range(2):
            cluster.start_worker(f"worker-{i}")
        cluster.wait_for(2)
        yield cluster
    finally:
        for process in cluster.processes:
            process.kill()
            process.wait()


def _cli(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sop_core", "forecast", "--db", str(path), "--as-of", AS_OF.isoformat(),
            "--horizon", str(SETTINGS.periods), *args]


def test_the_cli_on_a_real_cluster_stores_the_local_runs_numbers(synthetic_db: Path, tmp_path: Path,
                                                                   real_cluster: RealCluster) -> None:
    path = _copy(synthetic_db, tmp_path)
    done = subprocess.run(_cli(path, "--cluster", real_cluster.address, "--json"), cwd=PROJECT_ROOT, env=ENV,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == EXIT_OK, done.stderr
    assert f"Sur le cluster {real_cluster.address} : 2 workers" in done.stderr
    remote = json.loads(done.stdout)["run_id"]
    with Store(path) as store:
        _assert_same_as_local(store, remote)


def test_the_cli_with_a_wrong_address_exits_fast_and_names_it(synthetic_db: Path, tmp_path: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    done = subprocess.run(_cli(path, "--cluster", address), cwd=PROJECT_ROOT, env=ENV, capture_output=True,
                          text=True, timeout=60)
    # Python and pandas start (about 2 s here), then the 5 s connect timeout.
    assert time.perf_counter() - started < 15
    assert done.returncode == EXIT_CLUSTER
    assert f"Le scheduler Dask {address} ne répond pas après 5 s" in done.stderr, done.stderr
    assert _runs(path) == 0


def test_a_worker_killed_during_the_run_changes_nothing(synthetic_db: Path, tmp_path: Path,
                                                        real_cluster: RealCluster) -> None:
    """A third worker joins, and is killed (SIGKILL) after the first batch is back while it holds a
    batch: the scheduler gives its batches to the other two; the run completes with the same numbers."""
    from distributed import Client

    path = _copy(synthetic_db, tmp_path)
    victim = real_cluster.start_worker("victim")
    real_cluster.wait_for(3)
    with Client(real_cluster.address, set_as_default=False) as spy:
        address = next(a for a, w in spy.scheduler_info()["workers"].items() if w["name"] == "victim")
        run = subprocess.Popen(_cli(path, "--cluster", real_cluster.address, "--json", "--lang", "en"),
                               cwd=PROJECT_ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        held: list[str] = []
        try:
            assert run.stderr is not None
            for line in run.stderr:
                if re.search(rf"\] \d+/{SKUS} SKUs forecast", line) and victim.poll() is None:
                    held = list(spy.processing([address]).get(address, ()))
                    victim.kill()
                    break
            stdout, stderr = run.communicate(timeout=180)
        finally:
            run.kill()
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert held, "the victim held no batch when killed: nothing was lost, nothing tested"
    assert run.returncode == EXIT_OK, stderr
    with Store(path) as store:
        _assert_same_as_local(store, json.loads(stdout)["run_id"])
