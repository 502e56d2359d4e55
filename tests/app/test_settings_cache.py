"""Saved settings invalidate what reads them: the cached home figures follow a new target."""

from __future__ import annotations

from pathlib import Path

from sop_core.data import Store, save_preferences
from sop_core.kpi import ServiceSettings
from tests.app.conftest import OpenPage


def test_a_saved_service_target_changes_the_home_tile(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("app.py", "fr")
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "objectif ≥ 95\xa0%" in shown and "objectif ≥ 50\xa0%" not in shown
    with Store(demo_db) as store:
        save_preferences(store, ServiceSettings(target=0.5, orange_margin=0.05), "service")
    app.run()
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "objectif ≥ 50\xa0%" in shown and "objectif ≥ 95\xa0%" not in shown
