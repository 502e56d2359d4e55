"""The What-if page's demand side: a saved scenario with a promotion is compared on the PIC, and the
cheapest mix can aim at its capacity shortage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from sop_core.common import translate
from sop_core.data.store import DB_PATH_ENV, Store
from sop_core.whatif import save_scenario
from sop_ui.text import plain
from tests.app.conftest import open_app
from tests.conftest import CopyDatabase

PROMO = """{"name": "Promo bouchage", "demand": [{"level": "family", "key": "Bouchage",
  "first_month": "2026-12-01", "last_month": "2027-01-01", "percent": 25}]}"""


@pytest.fixture
def planned_db(demo_copy: CopyDatabase, demo_forecast_template: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo with its quick forecast and the promotion saved, made the default database."""
    path = demo_copy("whatif_demand", source=demo_forecast_template)
    with Store(path) as store:
        save_scenario(store, PROMO, "Claire")
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    yield path


def _plan_rows(app: AppTest, lang: str) -> dict[str, list[str]]:
    """The PIC comparison's shown texts, by label."""
    tables = [t for t in app.table if translate("whatif.plan_figure.plan_revenue", lang) in t.value.index]
    assert len(tables) == 1
    shown = pa.ipc.open_stream(tables[0].proto.arrow_data.styler.display_values).read_pandas()
    shown.index = tables[0].value.index
    return {label: [str(v) for v in row] for label, row in shown.iterrows()}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_saved_promotion_is_compared_on_the_pic(planned_db: Path, lang: str) -> None:
    app = open_app("pages/7_What_if.py", lang)
    assert not app.exception
    app.selectbox(key="whatif_saved").set_value("Promo bouchage").run()
    app.button(key="whatif_load").click().run()
    assert not app.exception, [e.value for e in app.exception]
    rows = _plan_rows(app, lang)
    revenue = rows[translate("whatif.plan_figure.plan_revenue", lang)]
    assert len(revenue) == 2 and revenue[0] != revenue[1]  # the baseline and the promotion
    assert all("€" in value for value in revenue)
    assert not any(v in ("nan", "None") for values in rows.values() for v in values)
    # The mix can now aim at the promotion's PIC. Widgets in a form keep their values only when the
    # form is submitted in the same run (a run in between forgets them, as the browser would not).
    app.radio(key="whatif_goal").set_value("pic")
    app.selectbox(key="whatif_mix_demand").set_value("Promo bouchage")
    app.button(key="FormSubmitter:whatif_mix-" + translate("whatif.find_mix", lang)).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.radio(key="whatif_goal").value == "pic"
    said = " ".join(m.value for m in [*app.success, *app.warning])
    # Said in the PIC goal's words (hours short on the plan), not the red orders' ones.
    plan_words = {"fr": ("il manquait", "Capacité manquante couverte"),
                  "en": ("were short", "Capacity shortage covered")}
    assert any(words in said for words in plan_words[lang]) and ("€" in said or "EUR" in said), said


def test_aiming_the_mix_at_the_pic_without_a_forecast_says_why(demo_db: Path) -> None:
    """The plain demo has no monthly forecast, so no PIC: the mix says so instead of failing."""
    app = open_app("pages/7_What_if.py", "en")
    app.radio(key="whatif_goal").set_value("pic")
    app.button(key="FormSubmitter:whatif_mix-" + translate("whatif.find_mix", "en")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    why = plain(translate("whatif.demand.no_plan", "en", why=translate("plan.error.no_forecast", "en")))
    assert [m.value for m in app.info].count(why) == 2  # under the mix's button and in the plan comparison
