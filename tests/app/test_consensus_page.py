"""The consensus section of the Forecast page, in French: the grid writes every figure the French
way, a saved change shows at once (the page must not keep showing the figures it had before the
save), a change over a range of months asks for confirmation beyond ±30 %, and the log of the
cycle lists it with a way to undo it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import translate
from sop_core.data.store import Store
from sop_core.forecast import consensus_log, final_forecast
from tests.app.conftest import OpenPage
from tests.app.shown_text import foreign_texts, misformatted_numbers
from tests.rows import forecast_run, insert_rows

MONTHS = (dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1))
RUN = 1
FAMILY_SKUS = 4  # the first family's SKUs get these forecasts, in order, every month
FORECASTS = (12345.6789, 9876.5432, 7000.1234, 5258.4512)  # 34 480,7967 in all


@pytest.fixture
def run_db(demo_db: Path) -> tuple[Path, str]:
    """The demo with one stored monthly run over November 2026 to January 2027 (no forecast to
    compute): the first family's first four SKUs forecast `FORECASTS`, every other SKU 10."""
    with Store(demo_db) as store, store.transaction() as cur:
        products = cur.execute("SELECT sku, family FROM products ORDER BY family, sku").fetchall()
        family = products[0][1]
        mine = [sku for sku, f in products if f == family]
        values = dict(zip(mine, FORECASTS, strict=False))
        cur.execute("DELETE FROM products WHERE family = ? AND sku NOT IN (SELECT unnest(?))",
                    [family, mine[:FAMILY_SKUS]])
        insert_rows(cur, "forecast_runs", [forecast_run(RUN, dt.date(2026, 11, 2), horizon=3, settings_json="{}",
                                                        series=len(products))])
        for sku, _ in products:
            value = values.get(sku, 10.0)
            insert_rows(cur, "forecast_choices", [{"run_id": RUN, "sku": sku, "model": "naive", "profile": "smooth",
                                                   "reason": "test", "history_periods": 24}])
            insert_rows(cur, "forecast_values", [{"run_id": RUN, "sku": sku, "period": month, "forecast": value,
                                                  "lower_80": value, "upper_80": value, "lower_95": value,
                                                  "upper_95": value} for month in MONTHS])
    return demo_db, str(family)


def _family_page(open_page: OpenPage, family: str) -> AppTest:
    app = open_page("pages/2_Forecast.py", "fr")
    app.radio(key="fc_level").set_value("family").run()
    app.selectbox(key="fc_key_family").select(family).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _grid(app: AppTest) -> tuple[object, list[str], dict[str, list[str]]]:
    """The consensus grid: the element, its columns, and the text each column shows."""
    grid = next(d for d in app.dataframe if "new_final" in d.value.columns)
    shown = pa.ipc.open_stream(grid.proto.arrow_data.styler.display_values).read_pandas()
    return grid, list(grid.value.columns), {name: [str(v) for v in shown[name]] for name in shown.columns}


def test_the_grid_writes_every_figure_the_french_way(open_page: OpenPage, run_db: tuple[Path, str]) -> None:
    _, family = run_db
    app = _family_page(open_page, family)
    grid, _, shown = _grid(app)
    assert shown["final"][0] == "34\u00a0480,8"  # 12 345,6789 + 9 876,5432 + 7 000,1234 + 5 258,4512
    assert shown["statistical"][0] == "34\u00a0480,8"
    # The column one types in is written the French way too, never as a raw float.
    assert [str(v) for v in grid.value["new_final"]] == ["34\u00a0480,8"] * 3
    assert not [v for v in grid.value["new_final"] if "." in str(v)]


def test_a_saved_change_shows_at_once(open_page: OpenPage, run_db: tuple[Path, str]) -> None:
    """The grid and its total used to show the figures from before the save until the next click."""
    path, family = run_db
    app = _family_page(open_page, family)
    grid, _, _ = _grid(app)
    edits = {"edited_rows": {"0": {"new_final": 40000}}, "added_rows": [], "deleted_rows": []}
    app.session_state[grid.key] = edits
    app.text_input(key="consensus_author").input("Claire")
    app.text_input(key="consensus_comment").input("salon")
    app.button(key=f"FormSubmitter:consensus-{translate('forecast.record', 'fr')}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    with Store(path) as store:
        saved = final_forecast(store, RUN)
    assert saved[(saved["family"] == family) & (saved["period"] == "2026-11-01")]["final"].sum() == pytest.approx(40000)
    grid, columns, shown = _grid(app)
    assert shown["final"][0] == "40\u00a0000,0", shown["final"]  # the new figure, as soon as it is saved
    assert columns[-1] == "new_final" and grid.value["new_final"][0] == "40\u00a0000,0"  # the grid starts afresh
    log = app.dataframe[-1].value
    assert log["change_kind"].tolist() == ["nouvelle finale"] and log["author"].tolist() == ["Claire"]


def _apply_range(app: AppTest, percent: float, reason: str = "salon") -> AppTest:
    app.selectbox(key="range_first").select(MONTHS[0])
    app.selectbox(key="range_last").select(MONTHS[1])
    app.radio(key="range_kind").set_value("percent")
    app.number_input(key="range_amount").set_value(percent)
    app.radio(key="range_contributor").set_value("sales")
    app.text_input(key="range_author").input("Claire")
    app.text_input(key="range_reason").input(reason)
    app.button(key=f"FormSubmitter:consensus_range-{translate('forecast.range.submit', 'fr')}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_range_change_shows_the_new_final_and_the_log_in_french(open_page: OpenPage,
                                                                    run_db: tuple[Path, str]) -> None:
    path, family = run_db
    app = _apply_range(_family_page(open_page, family), 10)
    # +10 % of 34 480,7967 in November and December: 37 928,87637
    assert [s.value for s in app.success] == ["Changement n° 1 enregistré : finale 68\u00a0961,6 → 75\u00a0857,8."]
    _, _, shown = _grid(app)
    assert shown["final"] == ["37\u00a0928,9", "37\u00a0928,9", "34\u00a0480,8"]
    log = app.dataframe[-1].value
    assert log["reason"].tolist() == ["salon"] and log["contributor"].tolist() == ["Ventes"]
    texts = pa.ipc.open_stream(app.dataframe[-1].proto.arrow_data.styler.display_values).read_pandas()
    assert texts["units_before"].tolist() == ["68\u00a0961,6"] and texts["units_after"].tolist() == ["75\u00a0857,8"]
    assert texts["amount"].tolist() == ["10"]
    assert not foreign_texts(app, "fr") and not misformatted_numbers(app, "fr")

    # +40 % more would put the final 54 % above the statistics: asked again, nothing recorded yet.
    app = _apply_range(app, 40, "gros salon")
    assert [w.value for w in app.warning] == [
        f"{family} : la finale \\(106\u00a0200,9\\) passerait 54\u00a0% au\\-dessus de la statistique "
        "\\(68\u00a0961,6\\) sur ces périodes, au\\-delà de 30\u00a0%\\. Confirmez pour l'enregistrer ; "
        "rien n'a été enregistré\\."]
    with Store(path) as store:
        assert len(consensus_log(store)) == 1
    app.button(key="range_confirm").click().run()
    _, _, shown = _grid(app)
    assert shown["final"] == ["53\u00a0100,4", "53\u00a0100,4", "34\u00a0480,8"]  # 37 928,876 x 1,4

    # Undo the first change: its 10 % go, the second's 40 % (of the final then) stay.
    app.selectbox(key="log_undo_entry").select(1)
    app.button(key="log_undo").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success] == ["Changement n° 1 annulé."]
    _, _, shown = _grid(app)
    # 34 480,7967 + the second change's delta, 0,4 x 37 928,87637 = 15 171,5505: 49 652,347
    assert shown["final"] == ["49\u00a0652,3", "49\u00a0652,3", "34\u00a0480,8"]
    with Store(path) as store:
        log = consensus_log(store)  # newest first (the refused try used a number of the sequence)
    assert log["undone_by"].tolist() == [None, "Claire"] and log["entry_id"].iloc[1] == 1
    assert log["units_after"].iloc[0] == pytest.approx(2 * 37928.87637 * 1.4)
    assert app.selectbox(key="log_undo_entry").options == [app.selectbox(key="log_undo_entry").options[0]]
