"""The embedded demo company: its files in data/demo, loaded through the normal importers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sop_core.common import Progress, silent
from sop_core.data import PROJECT_ROOT, Store
from sop_core.imports import FileToImport, ImportOutcome, import_files

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
MANIFEST = "demo.json"
SNAPSHOTS_FILE = "forecast_snapshots.csv"


def demo_manifest(demo_dir: Path = DEMO_DIR) -> dict[str, object]:
    """The demo's description: company, as-of date, and its files in import order."""
    manifest: dict[str, object] = json.loads((demo_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def demo_files(demo_dir: Path = DEMO_DIR) -> list[FileToImport]:
    files = demo_manifest(demo_dir)["files"]
    assert isinstance(files, dict)
    return [FileToImport(kind, demo_dir / name) for kind, name in files.items()]


def load_demo(store: Store, demo_dir: Path = DEMO_DIR, progress: Progress | None = None,
              lang: str = "en") -> ImportOutcome:
    """Replace all data with the demo company, in one transaction, with its fixed as-of date,
    then its frozen past S&OP cycles (real forecasts made at each cycle, shipped as a file).
    `progress` is told how far the load is, in `lang`."""
    as_of = str(demo_manifest(demo_dir)["as_of"])
    outcome = import_files(
        store, demo_files(demo_dir), today=dt.date.fromisoformat(as_of), clear_first=True,
        settings={"as_of": as_of, "data_source": "demo"}, progress=progress, lang=lang,
    )
    snapshots = demo_dir / SNAPSHOTS_FILE
    if outcome.ok and snapshots.is_file():
        with store.transaction() as cur:
            cur.execute("INSERT INTO forecast_snapshots BY NAME SELECT * FROM read_csv(?, header = true)",
                        [str(snapshots)])
    return outcome


def prepare_demo(store: Store, progress: Progress | None = None, lang: str = "en") -> ImportOutcome:
    """The demo as a user first sees it: its data, its past cycles, and today's forecast.
    `progress` is told how far it is, in `lang`."""
    report = progress or silent
    outcome = load_demo(store, progress=lambda f, text: report(f * 0.4, text), lang=lang)
    if outcome.ok:
        from sop_core.forecast import ForecastSettings, run_forecast

        run_forecast(store, ForecastSettings(), store.as_of(),
                     progress=lambda f, text: report(0.4 + f * 0.6, text), lang=lang)
    return outcome


def needs_first_load(store: Store) -> bool:
    """True for a brand-new store: nothing was ever imported or cleared in it."""
    return not store.scalar("SELECT count(*) FROM import_batches")
