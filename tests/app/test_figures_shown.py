"""Every figure the What-if and home screens show follows the one rule: no "None", "nan" or "NaT",
no raw float (more than three decimals), counts without ",0", one money precision per screen."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common.i18n import translate
from tests.app.conftest import OpenPage
from tests.app.shown_text import shown_texts

RAW_EMPTY = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")
RAW_FLOAT = re.compile(r"\d[.,]\d{4,}")
# An amount as a screen writes it: digits (grouped), maybe decimals, then €, k€ or M€.
AMOUNT = re.compile(r"\d[\d\u00a0.,]*\s?[kM]?€")
EXAMPLE = "Novembre : heures sup injection + intérim assemblage"
COUNT_FIGURES = ("late_days", "late_days_avoided", "red_orders", "orange_orders", "green_orders", "lines_at_risk")


def _cells(app: AppTest) -> list[str]:
    """The text of every cell of every table, as the browser receives it (a Styler's text if any)."""
    cells = []
    for table in [*app.dataframe, *app.table]:
        raw = table.proto.arrow_data.styler.display_values
        frame = pa.ipc.open_stream(raw).read_pandas() if raw else table.value
        cells += [str(value) for value in frame.to_numpy().ravel()]
        cells += [str(value) for value in frame.index]
    return cells


def _everything(app: AppTest) -> list[str]:
    metrics = [str(part) for m in app.metric for part in (m.value, m.proto.delta)]
    return [*shown_texts(app), *metrics, *_cells(app)]


def _comparison_rows(app: AppTest, lang: str) -> dict[str, list[str]]:
    """The side-by-side table's shown texts, by figure code."""
    names = {translate(f"whatif.figure.{code}", lang): code for code in (*COUNT_FIGURES, "total_cost")}
    table = next(t for t in app.table if translate("whatif.figure.total_cost", lang) in t.value.index)
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    shown.index = table.value.index
    return {names[label]: [str(v) for v in row] for label, row in shown.iterrows() if label in names}


def _no_raw_value(texts: list[str]) -> None:
    assert [t for t in texts if RAW_EMPTY.search(t)] == []
    assert [t for t in texts if RAW_FLOAT.search(t)] == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_if_figures_follow_the_rule(open_page: OpenPage, lang: str) -> None:
    app = open_page("pages/7_What_if.py", lang, meeting="1")
    app.button(key="whatif_example").click().run()
    assert not app.exception
    _no_raw_value(_everything(app))
    rows = _comparison_rows(app, lang)
    assert all(not text.endswith((",0", ".0")) for code in COUNT_FIGURES for text in rows[code])
    assert rows["red_orders"] == ["32", "10"]
    # One money precision on the screen: every amount is whole euros, the comparison and the tiles alike.
    amounts = {m for text in _everything(app) for m in AMOUNT.findall(text)}
    assert amounts and all(re.fullmatch(r"\d{1,3}([\u00a0,]\d{3})*\u00a0€", a) for a in amounts), amounts
    cost = next(m.value for m in app.metric if m.label == translate("whatif.metric.total_cost", lang))
    assert cost in rows["total_cost"]
    # The empty cost per late day avoided (the baseline avoids none) says why.
    assert translate("whatif.empty.cost_per_late_day_avoided", lang) in " ".join(c.value for c in app.caption)


def test_what_if_sliders_and_editor_show_counts_without_decimals(open_page: OpenPage) -> None:
    app = open_page("pages/7_What_if.py", "fr")
    app.button(key="whatif_example").click().run()
    formats = {s.key: s.proto.format for s in app.slider}
    assert formats[f"whatif_tune_{EXAMPLE}_1"] == "%d"  # the temps: a headcount
    assert app.slider(key=f"whatif_tune_{EXAMPLE}_1").value == 2
    assert all(f != "%0.2f" for f in formats.values()), formats
    levers = next(d.value for d in app.dataframe if "first_week" in d.value.columns)
    assert levers[["first_week", "last_week"]].notna().all().all()  # no empty cell the grid shows as "None"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_figures_follow_the_rule(open_page: OpenPage, lang: str) -> None:
    app = open_page("app.py", lang, meeting="1")
    _no_raw_value(_everything(app))
    red = next(m.value for m in app.metric if m.label.startswith(translate("kpi.red_orders", lang)))
    assert re.fullmatch(r"\d+", red)  # a count: 32, not 32,0
