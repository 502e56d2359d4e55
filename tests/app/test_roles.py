"""Accounts and roles: with accounts nothing shows before signing in; a viewer reads and sees no
import, reset or edit control; and the core refuses a viewer's (or a planner's) write even when
called directly, whatever the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.periods import Cycle
from sop_core.data import PermissionDenied, Store, User, add_user, preferences_changed, save_preferences
from sop_core.imports.ingest import empty_store
from sop_core.kpi import ServiceSettings
from sop_core.meeting import record_decision
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import save_scenario
from tests.app.conftest import OpenPage

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(demo_db: Path) -> Path:
    with Store(demo_db) as store:
        add_user(store, "ada", PASSWORD, "admin", "Ada Admin")
        add_user(store, "paul", PASSWORD, "planner", "Paul Planner")
        add_user(store, "vera", PASSWORD, "viewer", "Vera Viewer")
    return demo_db


def _sign_in(app: AppTest, login: str, password: str = PASSWORD) -> AppTest:
    app.text_input(key="login_name").input(login)
    app.text_input(key="login_password").input(password)
    app.button(key="login_submit").click().run()
    return app


def test_nothing_shows_before_signing_in(open_page: OpenPage, accounts: Path) -> None:
    app = open_page("app.py", "en")
    assert [t.value for t in app.title] == ["🔐 Sign in"] and not app.metric
    _sign_in(app, "vera", "wrong password")
    assert app.error and not app.metric
    _sign_in(app, "vera")
    assert not app.exception and len(app.metric) >= 7
    assert "Signed in: Vera Viewer (viewer)" in [c.value for c in app.sidebar.caption]


@pytest.mark.slow
def test_a_viewer_reads_and_sees_no_write_control(open_page: OpenPage, accounts: Path) -> None:
    app = _sign_in(open_page("app.py", "en"), "vera")
    keys = {b.key for b in app.button}
    assert "pack_build" not in keys and not keys & {"cycle_open", "cycle_freeze", "cycle_close"}
    screens = {"pages/1_Data.py": {"import_go", "reset_demo", "reset_empty"},
               "pages/2_Forecast.py": {"run_forecast", "cycle_freeze"},
               "pages/8_Decisions.py": {"dec_save", "dec_close", "cycle_mark_executive_meeting"}}
    for page, controls in screens.items():
        app.switch_page(page).run()
        assert not app.exception, page
        assert not controls & {b.key for b in app.button}, page
    app.switch_page("pages/1_Data.py").run()
    assert "For administrators only." in [i.value for i in app.info]
    assert not app.get("file_uploader")


def test_a_planner_plans_but_does_not_import(open_page: OpenPage, accounts: Path) -> None:
    app = _sign_in(open_page("pages/8_Decisions.py", "en"), "paul")
    assert "dec_save" in {b.key for b in app.button}
    app.switch_page("pages/1_Data.py").run()
    assert "import_go" not in {b.key for b in app.button} and not app.get("file_uploader")


def test_a_signed_in_reader_finds_their_language_again_and_only_they(open_page: OpenPage, accounts: Path) -> None:
    paul = _sign_in(open_page("pages/4_Service_rate.py"), "paul")
    assert paul.title[0].value == "🚚 Taux de service"
    paul.radio(key="lang_choice").set_value("en").run()
    assert _sign_in(open_page("pages/4_Service_rate.py"), "paul").title[0].value == "🚚 Service rate (taux de service)"
    assert _sign_in(open_page("pages/4_Service_rate.py"), "vera").title[0].value == "🚚 Taux de service"


@pytest.mark.parametrize(("role", "write", "needed"), [
    ("viewer", lambda s: record_decision(s, Cycle(2026, 11), "Overtime", "Marc"), "planner"),
    ("viewer", lambda s: save_scenario(s, scenario_to_json(Scenario("A")), "Vera"), "planner"),
    ("planner", lambda s: empty_store(s), "admin"),
    ("planner", lambda s: save_preferences(s, ServiceSettings(0.9, 0.05), "service"), "admin"),
])
def test_the_core_refuses_a_write_beyond_the_role(accounts: Path, role: str, write, needed: str) -> None:  # type: ignore[no-untyped-def]
    with Store(accounts) as store:
        before = store.row_counts()
        store.act_as(User(role[0], role.title(), role))
        with pytest.raises(PermissionDenied, match=needed):
            write(store)
        store.act_as(None)
        assert store.row_counts() == before


def test_every_write_says_who(accounts: Path, write_file) -> None:  # type: ignore[no-untyped-def]
    """Decisions recorded and closed, settings changed and imports carry the signed-in user's login."""
    from sop_core.imports.ingest import FileToImport, import_files
    from sop_core.meeting import close_decision

    with Store(accounts) as store:
        store.act_as(User("paul", "Paul Planner", "planner"))
        decision = record_decision(store, Cycle(2026, 11), "Overtime in INJECTION", "Marc")
        close_decision(store, decision, Cycle(2026, 11), "Done: 2 Saturdays")
        store.act_as(User("ada", "Ada Admin", "admin"))
        save_preferences(store, ServiceSettings(0.9, 0.05), "service")
        assert preferences_changed(store, "service")["by"] == "ada"  # type: ignore[index]
        stock = write_file("stock.csv", "date;sku;on_hand\n30/11/2026;INJ-1001;5\n")
        assert import_files(store, [FileToImport("stock", stock)]).ok
        store.act_as(None)
        assert store.row("SELECT recorded_by, closed_by FROM decisions WHERE decision_id = ?", [decision]) == (
            "paul", "paul")
        assert store.scalar("SELECT imported_by FROM import_batches ORDER BY batch_id DESC LIMIT 1") == "ada"
