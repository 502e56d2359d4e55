"""What every page test shares: the pages, and one way to open a screen as a user does (from the
home page, in a language, with query parameters) on a private copy of the demo database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT

PAGES = sorted(p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "pages").glob("*.py"))
SCREENS = ["app.py", *PAGES]
TIMEOUT = 120
OpenPage = Callable[..., AppTest]


def open_app(script: str, lang: str | None = None, **query: str) -> AppTest:
    """`script` reached from the entry point, as a user does: the language in the session (else the
    default), `query` in the address; on whatever database $SOP_DB_PATH names."""
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=TIMEOUT)
    if lang:
        app.session_state["lang"] = lang
    app.query_params.update(query)
    app.run()
    if script != "app.py":
        app.switch_page(script).run()
    return app


@pytest.fixture
def open_page(demo_db: Path) -> OpenPage:
    """open_page(script, lang=None, **query) -> the screen on this test's copy of the demo database,
    run without an exception."""

    def opened(script: str, lang: str | None = None, **query: str) -> AppTest:
        app = open_app(script, lang, **query)
        assert not app.exception, [e.value for e in app.exception]
        return app

    return opened
