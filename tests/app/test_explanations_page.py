"""The Forecast and What-if pages say why a model was chosen, why a scenario is refused and what the
cheapest mix found in the page's language, never in English on a French page."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_core.common.i18n import translate
from sop_core.common.messages import render_stored
from sop_core.data.store import Store
from tests.app.conftest import OpenPage
from tests.app.shown_text import misformatted_numbers, visible

EXAMPLE = "Novembre : heures sup injection + intérim assemblage"




@pytest.mark.slow
def test_the_french_forecast_page_says_why_the_model_was_chosen_in_french(open_page: OpenPage, demo_db: Path) -> None:
    app = open_page("pages/2_Forecast.py", "fr")
    app.button(key="run_forecast").click().run()
    app.radio(key="fc_level").set_value("sku").run()
    assert not app.exception, [e.value for e in app.exception]
    sku = app.selectbox(key="fc_key_sku").value
    with Store(demo_db) as store:
        reason = store.scalar("SELECT reason FROM forecast_choices WHERE sku = ?", [sku])
    story = visible(next(m.value for m in app.markdown if m.value.startswith("**Modèle :")))
    assert render_stored(reason, "fr") in story and render_stored(reason, "en") not in story
    # The consensus table below it writes its computed figures the French way (the editable column
    # is the browser's number input: Streamlit does not style cells that can be edited).
    assert any(table.proto.arrow_data.styler.display_values for table in app.dataframe), "no styled table"
    assert not [cell for cell in misformatted_numbers(app, "fr") if ".new_final:" not in cell]


@pytest.mark.slow
def test_the_french_what_if_page_refuses_and_finds_the_mix_in_french(open_page: OpenPage) -> None:
    app = open_page("pages/7_What_if.py", "fr")
    app.button(key="whatif_example").click().run()
    app.button(key=f"whatif_save_{EXAMPLE}").click().run()  # no author yet
    errors = [e.value for e in app.error]
    assert translate("scenario.error.no_author", "fr") in errors, errors
    assert not [e for e in errors if "author" in e]
    app.button(key="FormSubmitter:whatif_mix-" + translate("whatif.find_mix", "fr")).click().run(timeout=180)
    assert not app.exception, [e.value for e in app.exception]
    said = [m.value for m in [*app.success, *app.warning]]
    assert said and said[0].startswith(("Objectif atteint", "L'objectif", "La situation de référence")), said
    assert not [text for text in said if "target" in text.lower() or "reached" in text]
