"""The executive home page: its tiles are the executive module's figures, its agenda links every
exception to a page, and one click builds the meeting pack and records the cycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_core.common.periods import Cycle
from sop_core.data import issued_pack_files
from sop_core.data.store import Store
from sop_core.meeting.agenda import exceptions_agenda
from sop_core.meeting.executive import cycle_tiles, tile_text
from tests.app.conftest import OpenPage
from tests.app.shown_text import visible


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_tiles_and_agenda_are_the_executive_figures(open_page: OpenPage, demo_db: Path, lang: str) -> None:
    app = open_page("app.py", lang)
    assert not app.exception
    with Store(demo_db) as store:
        expected = [tile_text(tile, lang) for tile in cycle_tiles(store, store.as_of())]
        agenda = exceptions_agenda(store, store.as_of())
    shown = {m.label: m for m in app.metric}
    for text in expected:
        assert shown[text.label].value == text.value
        assert text.status in " ".join(m.value for m in app.markdown)
    links = [visible(link.proto.label) for link in app.get("page_link")]  # names escaped: shown as text
    assert len(agenda) >= 5 and all(any(label.endswith(str(subject)) or str(subject) in label for label in links)
                                    for subject in agenda["subject"])


def test_home_builds_the_pack_and_records_the_cycle(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("app.py", "en")
    app.button(key="pack_build").click().run()
    assert not app.exception
    cycle, lang, files = app.session_state["pack_files"]
    assert files["pdf"].startswith(b"%PDF") and files["xlsx"].startswith(b"PK") and lang == "en"
    with Store(demo_db) as store:
        assert cycle == Cycle.of(store.as_of())
        assert store.scalar("SELECT count(*) FROM cycle_kpis WHERE cycle = ?", [str(cycle)]) == 7
        kept = issued_pack_files(store, cycle)  # the files handed out, kept for the look back
    assert sorted(zip(kept["lang"], kept["format"], strict=True)) == [("en", "pdf"), ("en", "xlsx")]
    assert bytes(kept.set_index("format").loc["pdf", "content"]) == files["pdf"]
    steps = " ".join(m.value for m in app.markdown)
    assert "**Follow-up: meeting pack issued** — done on" in steps
