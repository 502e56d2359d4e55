"""The decisions page under AppTest: record a decision through the form, see it, close it, in both languages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import translate
from sop_core.data.store import Store
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import save_scenario
from tests.app.conftest import OpenPage
from tests.app.shown_text import visible

PAGE = "pages/8_Decisions.py"




def _table_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_record_show_and_close_a_decision(open_page: OpenPage, demo_db: Path) -> None:
    with Store(demo_db) as store:
        today = store.as_of()
    assert today is not None and today.day > 1  # a due date on the cycle's first day is then overdue
    first_day, cycle = today.replace(day=1), f"{today:%Y-%m}"
    app = open_page(PAGE, "en")
    assert app.title[0].value == "📝 Decisions log" and "No open decision." in [i.value for i in app.info]
    app.text_input(key="dec_what").input("Add a Saturday shift in INJ")
    app.text_input(key="dec_owner").input("Claire")
    app.radio(key="dec_link_kind").set_value("kpi").run()
    app.selectbox(key="dec_link_kpi").select("service_otif")
    app.date_input(key="dec_due").set_value(first_day)
    app.button(key="dec_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value == f"Decision #1 recorded at cycle {cycle}."
    assert app.text_input(key="dec_what").value == "" and app.text_input(key="dec_owner").value == "Claire"
    with Store(demo_db) as store:
        stored = store.query("SELECT cycle, what, owner, due, link_kind, link, status FROM decisions")
    assert stored.astype(str).values.tolist() == [
        [cycle, "Add a Saturday shift in INJ", "Claire", str(first_day), "kpi", "service_otif", "open"]]
    opened = _table_with(app, "overdue")
    assert opened["what"].tolist() == ["Add a Saturday shift in INJ"] and opened["overdue"].tolist() == ["⏰ Overdue"]
    assert opened["link"].tolist() == [translate("kpi.service_otif", "en")]

    app.text_input(key="dec_owner").input("  ")  # refused: nothing written, the text is kept
    app.text_input(key="dec_what").input("Second one")
    app.button(key="dec_save").click().run()
    assert visible(app.error[0].value) == "Fill in the owner: it is empty."
    assert app.text_input(key="dec_what").value == "Second one"
    app.text_input(key="dec_owner").input("Marc")
    app.button(key="dec_save").click().run()
    assert app.success[0].value == f"Decision #2 recorded at cycle {cycle}."

    app.selectbox(key="dec_close_pick").select(1)
    app.radio(key="dec_close_as").set_value("done")
    app.text_area(key="dec_outcome").input("Shift added from the 9th")
    app.button(key="dec_close").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value == "Decision #1 closed: Done."
    with Store(demo_db) as store:
        assert store.query("SELECT decision_id, status, closed_cycle, outcome FROM decisions ORDER BY 1").astype(
            str).values.tolist() == [["1", "done", cycle, "Shift added from the 9th"], ["2", "open", "None", "None"]]
    assert _table_with(app, "overdue")["decision_id"].tolist() == [2]
    assert app.selectbox(key="dec_close_pick").value == 2  # the closed one left the choices
    assert _table_with(app, "outcome")["outcome"].tolist() == ["Shift added from the 9th", None]


def test_french_page_links_a_saved_scenario(open_page: OpenPage, demo_db: Path) -> None:
    with Store(demo_db) as store:
        save_scenario(store, scenario_to_json(Scenario("Heures sup INJ")), "Claire")
        today = store.as_of()
    app = open_page(PAGE, "fr")
    assert app.title[0].value == "📝 Relevé de décisions"
    app.text_input(key="dec_what").input("Valider les heures sup")
    app.text_input(key="dec_owner").input("Marc")
    app.radio(key="dec_link_kind").set_value("scenario").run()
    app.selectbox(key="dec_link_scenario").select("Heures sup INJ")
    app.button(key="dec_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value == f"Décision n° 1 enregistrée au cycle {today:%Y-%m}."
    with Store(demo_db) as store:
        assert store.row("SELECT link_kind, link, due FROM decisions") == ("scenario", "Heures sup INJ", None)
    assert _table_with(app, "overdue")["overdue"].tolist() == [""]
