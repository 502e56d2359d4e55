"""The plan (PIC) page on the demo with today's forecast, in French and in English: the family
selector, the headline figures written by the one rule, the balance, the waterfall with who changed
what (as text), the year to date; and without a forecast, the reason and the way to one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import format_count, format_money, translate
from sop_core.data.store import DB_PATH_ENV, Store
from sop_core.forecast.consensus import add_adjustment
from sop_core.plan import balance, plan_inputs, plan_table
from tests.app.conftest import OpenPage
from tests.app.shown_text import foreign_texts, misformatted_numbers, streamlit_placeholders
from tests.app.test_figures_shown import _everything, _no_raw_value
from tests.app.test_hostile_text import IMAGE, LINK, MARKUP
from tests.conftest import CopyDatabase

PAGE = "pages/9_Plan.py"
FRENCH_THOUSANDS = re.compile(r"\d{1,3}(\u00a0\d{3})+")


@pytest.fixture
def plan_db(demo_copy: CopyDatabase, demo_forecast_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the demo with today's monthly forecast, made the default database."""
    path = demo_copy("plan", source=demo_forecast_template)
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    yield path


def _table(db: Path) -> pd.DataFrame:
    with Store(db) as store:
        return plan_table(balance(plan_inputs(store))).families


def _headline(app: AppTest) -> dict[str, str]:
    """The figures of the horizon as shown, by their label."""
    table = app.table[0]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    return dict(zip(table.value.index, shown.iloc[:, 0].astype(str), strict=True))


def _frame(app: AppTest, column: str) -> pd.DataFrame:
    """The first table holding `column` (AppTest does not give a dataframe's key back)."""
    return next(table.value for table in app.dataframe if column in table.value.columns)


def _figure(app: AppTest, code: str, lang: str) -> str:
    return _headline(app)[translate(f"plan.figure.{code}", lang)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_plan_page_shows_the_plan_in_the_language(open_page: OpenPage, plan_db: Path, lang: str) -> None:
    app = open_page(PAGE, lang)
    assert translate("plan.title", lang) in app.title[0].value
    family = app.selectbox(key="plan_family")
    assert family.label == translate("plan.family", lang)
    assert family.options[0] == translate("plan.all_families", lang) and len(family.options) == 9
    table = _table(plan_db)
    assert _figure(app, "units", lang) == format_count(table["units"].sum(), lang)
    assert _figure(app, "revenue", lang) == format_money(table["revenue"].sum(), lang, "euro")
    # The demo's budget (data/demo/budget.csv) covers the plan's months up to December 2027.
    assert _figure(app, "gap_units", lang) == format_count(table["gap_units"].sum(min_count=1), lang)
    assert translate("plan.empty.budget", lang) not in [c.value for c in app.caption]
    if lang == "fr":
        assert FRENCH_THOUSANDS.fullmatch(_figure(app, "units", lang))
    _no_raw_value(_everything(app))
    assert not foreign_texts(app, lang) and not misformatted_numbers(app, lang) and not streamlit_placeholders(app)
    balance_rows = _frame(app, "production_units")
    assert len(balance_rows) == 18 and balance_rows["status"].iloc[0].startswith(("✖", "▲", "✔"))


def test_without_a_budget_the_gap_is_a_dash_and_says_why(open_page: OpenPage, plan_db: Path) -> None:
    with Store(plan_db) as store, store.transaction() as cur:
        cur.execute("DELETE FROM budget")
    app = open_page(PAGE, "fr")
    assert _figure(app, "gap_units", "fr") == "–"
    assert translate("plan.empty.budget", "fr") in [c.value for c in app.caption]


def test_a_family_in_euros_with_its_budget(open_page: OpenPage, plan_db: Path) -> None:
    family = "Bouchage"
    with Store(plan_db) as store, store.transaction() as cur:  # this family's budget: November only
        cur.execute("DELETE FROM budget WHERE family = ?", [family])
        cur.execute("INSERT INTO budget (family, month, quantity, revenue) VALUES (?, ?, ?, ?)",
                    [family, dt.date(2026, 11, 1), 1_000_000.0, 900_000.0])
    app = open_page(PAGE, "fr")
    app.selectbox(key="plan_family").select(family).run()
    app.radio(key="plan_measure").set_value("revenue").run()
    assert not app.exception, [e.value for e in app.exception]
    rows = _table(plan_db)
    rows = rows[rows["family"] == family]
    november = rows[rows["month"] == pd.Timestamp(2026, 11, 1)]
    assert _figure(app, "revenue", "fr") == format_money(rows["revenue"].sum(), "fr", "euro")
    assert _figure(app, "gap_revenue", "fr") == format_money(november["revenue"].sum() - 900_000.0, "fr", "euro")
    assert family in app.table[0].value.columns[0]
    shown = _frame(app, "production_units")
    assert {"revenue", "margin", "budget_revenue", "gap_revenue"} <= set(shown.columns)
    assert "demand_units" not in shown.columns
    _no_raw_value(_everything(app))
    assert not misformatted_numbers(app, "fr")


def test_a_consensus_change_shows_in_the_waterfall_with_its_author_and_reason_as_text(open_page: OpenPage,
                                                                                     plan_db: Path) -> None:
    reason = f"Promo {IMAGE} {LINK}"
    with Store(plan_db) as store:
        add_adjustment(store, "Claire *Ventes*", reason, "family", "Bouchage", "month", dt.date(2027, 3, 1), 50_000)
    app = open_page(PAGE, "en")
    entries = _frame(app, "author")
    assert entries["author"].tolist() == ["Claire *Ventes*"] and entries["reason"].tolist() == [reason]
    assert entries["units"].tolist() == [50_000]
    texts = [str(e.value) for kind in ("markdown", "caption", "subheader", "info") for e in getattr(app, kind)]
    assert not [text for text in texts if any(mark in text for mark in MARKUP)]
    _no_raw_value(_everything(app))


def test_meeting_mode_shows_the_tables_static(open_page: OpenPage, plan_db: Path) -> None:
    app = open_page(PAGE, "fr", meeting="1")
    assert len(app.table) >= 3 and not app.dataframe  # the balance and year tables drawn as HTML
    _no_raw_value(_everything(app))


def test_without_a_forecast_the_page_says_why_and_where_to_go(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page(PAGE, "en")
    assert [i.value for i in app.info] == [translate("plan.error.no_forecast", "en")]
    assert not app.table and not app.dataframe


def test_last_year_is_empty_for_the_months_it_has_not_reached(plan_db: Path) -> None:
    """The demo's cycle is November 2026: November 2027 on has no last year yet (not a zero)."""
    with Store(plan_db) as store:
        total = plan_table(balance(plan_inputs(store))).total.set_index("month")["last_year_units"]
    assert total.loc[:"2027-10-01"].notna().all() and total.loc["2027-10-01"] > 0
    assert total.loc["2027-11-01":].isna().all()
