"""Shared fixtures: a store in a temporary DuckDB file, and a writer of small hand-made files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sop_core.common.i18n import STRICT_ENV
from sop_core.data.store import DB_PATH_ENV, Store
from sop_core.demo.load import load_demo

# A string missing from the FR/EN catalogue raises instead of showing its key: every page test,
# in both languages, then fails on it.
os.environ[STRICT_ENV] = "1"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
TODAY = dt.date(2026, 11, 21)

WORKSHOPS_CSV = "workshop;headcount;hours_per_week;regular_cost_per_hour\nINJ;5;35;32,5\nASM;3;35;30\n"
PRODUCTS_CSV = (
    "sku;name;family;unit_cost;unit_price;workshop;hours_per_unit\n"
    "A1;Boîtier;F1;1,5;3,25;INJ;0,01\nA2;Capot;F1;2;4;ASM;0,02\nB1;Clip;F2;0,2;0,5;INJ;0,001\n"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.duckdb") as opened:
        yield opened


WriteFile = Callable[..., Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """write_file("orders.csv", text, encoding="cp1252") -> path; lines end as Excel ends them."""

    def write(name: str, text: str, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
        path = tmp_path / name
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        return path

    return write


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo loaded once per test session; tests work on copies of it."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as demo_store:
        outcome = load_demo(demo_store)
        assert outcome.ok, [r.lines() for r in outcome.reports]
    return path


CopyDatabase = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_copy(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> CopyDatabase:
    """demo_copy(name="demo", source=None) -> a fresh copy of the demo database (or of `source`, a
    database a fixture prepared from it) in a folder of its own; fixtures of any scope use it."""

    def copy(name: str = "demo", source: Path | None = None) -> Path:
        path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
        shutil.copy(source or demo_db_template, path)
        return path

    return copy


@pytest.fixture(scope="session")
def demo_forecast_template(demo_copy: CopyDatabase) -> Path:
    """The demo with today's monthly forecast, as a user first sees it (`prepare_demo`), once per
    session: the plan's screens read it. Tests work on copies of it (`demo_copy(source=...)`)."""
    from sop_core.forecast import ForecastSettings, run_forecast

    path = demo_copy("forecast")
    with Store(path) as forecast_store:
        run_forecast(forecast_store, ForecastSettings(jobs=1), forecast_store.as_of())
    return path


@pytest.fixture
def demo_db(demo_copy: CopyDatabase, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the demo database, made the default one ($SOP_DB_PATH)."""
    path = demo_copy("app")
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    yield path
