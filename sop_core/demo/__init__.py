"""The embedded demo company: its generator, its files and its past cycles."""

from sop_core.demo.cycles import build_demo_snapshots, past_cycles, write_demo_snapshots
from sop_core.demo.generator import write_demo_files
from sop_core.demo.load import DEMO_DIR, SNAPSHOTS_FILE, demo_manifest, load_demo, needs_first_load, prepare_demo

__all__ = [
    "DEMO_DIR",
    "SNAPSHOTS_FILE",
    "build_demo_snapshots",
    "demo_manifest",
    "load_demo",
    "needs_first_load",
    "past_cycles",
    "prepare_demo",
    "write_demo_files",
    "write_demo_snapshots",
]
