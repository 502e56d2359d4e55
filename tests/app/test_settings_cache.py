"""Saved settings invalidate what reads them: the cached home figures follow a new target."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_page_run_reads_the_version_once_and_again_after_a_write(open_page: OpenPage, demo_db: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The What-if page asks the cache for several figures: one read of the store's version serves
    them all in a run; a write of this process (a saved scenario) makes the next figure read it again."""
    app = open_page("pages/7_What_if.py", "en")
    reads: list[int] = []
    original = Store.state_version
    monkeypatch.setattr(Store, "state_version", lambda self: reads.append(1) or original(self))
    app.run()
    assert not app.exception and len(reads) == 1
    app.button(key="whatif_example").click().run()  # adds a scenario: more figures, still one read
    assert len(reads) == 2
    app.text_input(key="whatif_author").input("Claire").run()
    reads.clear()
    app.button(key="whatif_save_Novembre : heures sup injection + intérim assemblage").click().run()
    assert not app.exception and any(s.value == "Saved." for s in app.success)
    assert len(reads) == 2  # the figures after the save read the version the save changed
