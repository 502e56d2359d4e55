"""Screenshots compared with saved baselines, as Streamlit's own browser tests do (`assert_snapshot`).

A page drifts when a change moves a chart, cuts a label or shrinks a table; a test that reads the DOM
catches what it looks for, a screenshot catches the rest. Font hinting and anti-aliasing move the
edges of glyphs by a few levels between runs: a pixel counts as changed only past
`PIXEL_TOLERANCE` on some channel, and the picture fails past `MAX_CHANGED_SHARE` of changed pixels.

Baselines live in tests/e2e/baselines/. After an intended change of the screens, refresh them with

    SOP_UPDATE_SNAPSHOTS=1 python -m pytest tests/e2e -k meeting

and look at the new pictures before committing them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from tests.e2e.test_browser import ARTIFACTS

BASELINES = Path(__file__).parent / "baselines"
UPDATE_ENV = "SOP_UPDATE_SNAPSHOTS"
PIXEL_TOLERANCE = 48  # of 255, on the channel that moved most
MAX_CHANGED_SHARE = 0.01


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def changed_share(actual: bytes, expected: bytes) -> float:
    """The share of pixels that differ past the tolerance (1.0 when the sizes differ)."""
    a, b = _pixels(actual), _pixels(expected)
    if a.shape != b.shape:
        return 1.0
    moved = np.abs(a - b).max(axis=2) > PIXEL_TOLERANCE
    return float(moved.mean())


def assert_snapshot(actual: bytes, name: str) -> None:
    """`actual` (a PNG) against the baseline `name`; on a mismatch the picture taken goes to
    test-artifacts/ beside the baseline's name, to be looked at."""
    baseline = BASELINES / f"{name}.png"
    if os.environ.get(UPDATE_ENV) == "1":
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(actual)
        return
    assert baseline.is_file(), f"no baseline {baseline.name}: run with {UPDATE_ENV}=1 and check the picture"
    share = changed_share(actual, baseline.read_bytes())
    if share > MAX_CHANGED_SHARE:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"snapshot_{name}.png").write_bytes(actual)
    assert share <= MAX_CHANGED_SHARE, (
        f"{name}: {share:.1%} of the pixels changed (over {MAX_CHANGED_SHARE:.0%}); the new picture is in "
        f"{ARTIFACTS.name}/snapshot_{name}.png; if the change is intended, run with {UPDATE_ENV}=1")
