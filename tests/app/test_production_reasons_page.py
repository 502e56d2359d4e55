"""The Production delays page gives each OF's reason in the page's language, never the codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sop_core.data.store import Store
from sop_core.production.delays import production_report
from sop_core.production.reasons import describe
from tests.app.conftest import OpenPage
from tests.app.shown_text import ENGLISH_WORDS, FRENCH_WORDS


@pytest.mark.parametrize(("lang", "foreign", "late"), [("fr", ENGLISH_WORDS, "en retard de "),
                                                       ("en", FRENCH_WORDS, "late ")])
def test_the_open_of_table_says_each_reason_in_the_page_s_language(open_page: OpenPage, demo_db: Path, lang: str,
                                                                   foreign: re.Pattern[str], late: str) -> None:
    app = open_page("pages/6_Production_delays.py", lang)
    with Store(demo_db) as store:
        orders = production_report(store, store.as_of()).orders
    shown = next(d.value for d in app.dataframe if "reason" in d.value.columns)["reason"].tolist()
    # The table lists the red and orange OF (the status filter's default), in the report's order.
    assert shown == describe(orders[orders["status"].isin(["red", "orange"])], lang).tolist()
    assert any(reason.startswith(late) for reason in shown)
    assert not [reason for reason in shown if foreign.search(reason)]
