"""Downloads open in French Excel as they are; user settings survive in the store and never lock a page."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from sop_core.common.exports import csv_bytes, xlsx_bytes
from sop_core.data.preferences import load_preferences, save_preferences
from sop_core.data.store import Store
from sop_core.kpi.service import ServiceSettings

FRAME = pd.DataFrame({"client": ["Électro Centre"], "taux": [0.925], "date": pd.to_datetime(["2026-03-09"])})


def test_csv_is_what_french_excel_reads() -> None:
    data = csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    assert data.decode("utf-8-sig").splitlines() == ["client;taux;date", "Électro Centre;0,925;09/03/2026"]


def test_xlsx_reads_back_the_same_table() -> None:
    back = pd.read_excel(io.BytesIO(xlsx_bytes(FRAME, "service")), sheet_name="service")
    pd.testing.assert_frame_equal(back, FRAME, check_dtype=False)


def test_preferences_round_trip_and_defaults(store: Store) -> None:
    assert load_preferences(store, ServiceSettings, "service") == ServiceSettings()
    save_preferences(store, ServiceSettings(0.9, 0.02), "service")
    assert load_preferences(store, ServiceSettings, "service") == ServiceSettings(0.9, 0.02)


@pytest.mark.parametrize(("stored", "expected"), [
    ("not json", ServiceSettings(0.95, 0.02)),  # that field alone falls back on its default
    ("3.5", ServiceSettings()),  # refused by the dataclass: every default
    ('"text"', ServiceSettings()),
])
def test_a_corrupt_stored_value_gives_the_defaults(store: Store, stored: str, expected: ServiceSettings) -> None:
    save_preferences(store, ServiceSettings(0.9, 0.02), "service")
    store.set_setting("service.target", stored)
    assert load_preferences(store, ServiceSettings, "service") == expected
