"""The embedded demo company: its files in data/demo, loaded through the normal importers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sop_core.ingest import FileToImport, ImportOutcome, Progress, import_files
from sop_core.store import PROJECT_ROOT, Store

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
MANIFEST = "demo.json"


def demo_manifest(demo_dir: Path = DEMO_DIR) -> dict[str, object]:
    """The demo's description: company, as-of date, and its files in import order."""
    manifest: dict[str, object] = json.loads((demo_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def demo_files(demo_dir: Path = DEMO_DIR) -> list[FileToImport]:
    files = demo_manifest(demo_dir)["files"]
    assert isinstance(files, dict)
    return [FileToImport(kind, demo_dir / name) for kind, name in files.items()]


def load_demo(store: Store, demo_dir: Path = DEMO_DIR, progress: Progress | None = None) -> ImportOutcome:
    """Replace all data with the demo company, in one transaction, with its fixed as-of date."""
    as_of = str(demo_manifest(demo_dir)["as_of"])
    return import_files(
        store, demo_files(demo_dir), today=dt.date.fromisoformat(as_of), clear_first=True,
        settings={"as_of": as_of, "data_source": "demo"}, progress=progress,
    )


def needs_first_load(store: Store) -> bool:
    """True for a brand-new store: nothing was ever imported or cleared in it."""
    return not store.scalar("SELECT count(*) FROM import_batches")
