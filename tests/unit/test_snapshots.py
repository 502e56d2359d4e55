"""The screenshot comparison of the browser tests: a hinting-sized change passes, a real one fails."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.e2e.snapshots import MAX_CHANGED_SHARE, PIXEL_TOLERANCE, changed_share


def _png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def test_small_shifts_pass_and_real_changes_fail() -> None:
    base = np.full((100, 100, 3), 200)
    hinted = base.copy()
    hinted[:, :50] += PIXEL_TOLERANCE  # every other pixel a few levels off: hinting, anti-aliasing
    assert changed_share(_png(hinted), _png(base)) == 0.0
    moved = base.copy()
    moved[:2, :] = 0  # two rows of 100 black pixels: 2 % of the picture
    assert changed_share(_png(moved), _png(base)) == 0.02 > MAX_CHANGED_SHARE
    assert changed_share(_png(base[:50]), _png(base)) == 1.0  # another size is another picture
