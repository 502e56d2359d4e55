"""Formats of each language, and the catalogue's own checks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_core.common import i18n
from sop_core.common.i18n import (
    CatalogueError,
    format_date,
    format_money,
    format_number,
    format_percent,
    format_signed,
    translate,
)
from sop_core.common.messages import Message

NBSP = "\u00a0"


def test_french_and_english_numbers() -> None:
    assert format_number(1234.5, "fr", 1) == f"1{NBSP}234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(-1234567, "fr") == f"-1{NBSP}234{NBSP}567"
    assert format_number(None, "fr") == format_number(float("nan"), "en") == "–"


def test_percent_money_and_signed_changes() -> None:
    assert format_percent(0.841, "fr") == f"84,1{NBSP}%" and format_percent(0.841, "en") == "84.1%"
    assert format_money(4_315_452.73, "fr") == f"4,32{NBSP}M€" and format_money(42_837, "en") == f"42.8{NBSP}k€"
    assert format_money(950, "fr") == f"950{NBSP}€"
    assert format_signed(-0.25, "fr", 2) == "-0,25" and format_signed(3, "en", 0) == "+3"


def test_dates() -> None:
    day = dt.date(2026, 11, 21)
    assert format_date(day, "fr") == "21/11/2026" and format_date(day, "en") == "21 Nov 2026"
    assert i18n.format_month(day, "fr") == "novembre 2026"


def test_weeks_are_iso_weeks_named_as_the_plant_says_them() -> None:
    assert i18n.format_week(dt.date(2026, 11, 2), "fr") == "S45"  # semaine
    assert i18n.format_week(dt.date(2026, 11, 2), "en") == "W45"
    assert i18n.format_week(dt.date(2027, 1, 1), "fr") == "S53"  # the ISO week, of the year before
    assert i18n.format_week(dt.date(2026, 1, 5), "en") == "W02"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_french_numbers_read_back(value: float, decimals: int) -> None:
    text = format_number(value, "fr", decimals)
    assert re.fullmatch(r"-?\d{1,3}(\u00a0\d{3})*(,\d+)?", text)
    assert float(text.replace(NBSP, "").replace(",", ".")) == pytest.approx(round(value, decimals), abs=10 ** -decimals)


def _placeholders(text: i18n.Text) -> set[str]:
    forms = text.values() if isinstance(text, dict) else [text]
    return {name for form in forms for name in re.findall(r"\{(\w+)\}", form)}


def test_every_entry_has_both_languages_and_placeholders_agree() -> None:
    for key, entry in i18n.catalogue().items():
        fields = {lang: _placeholders(entry[lang]) for lang in i18n.LANGUAGES}
        assert fields["fr"] == fields["en"], f"{key}: placeholders differ {fields}"
        if isinstance(entry["fr"], dict):  # the count chooses the form; the singular may say it in words
            assert all("{count}" in entry[lang]["other"] for lang in i18n.LANGUAGES), key


PLURAL = {"test.days": {"fr": {"one": "{count} jour", "other": "{count} jours"},
                        "en": {"one": "{count} day", "other": "{count} days"}}}


@pytest.mark.parametrize(("count", "french", "english"), [
    (0, "0 jour", "0 days"), (1, "1 jour", "1 day"), (1.5, "1,5 jour", "1.5 days"), (2, "2 jours", "2 days"),
    (1234, f"1{NBSP}234 jours", "1,234 days")])
def test_plural_forms_follow_each_languages_rule(monkeypatch: pytest.MonkeyPatch, count: float, french: str,
                                                 english: str) -> None:
    """French takes the singular below 2 (0 and 1,5 too), English only for exactly 1."""
    monkeypatch.setattr(i18n, "catalogue", lambda: PLURAL)
    assert translate("test.days", "fr", count=count) == french
    assert translate("test.days", "en", count=count) == english


def test_a_plural_entry_needs_its_count_as_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "catalogue", lambda: PLURAL)
    with pytest.raises(TypeError, match=r"test\.days"):
        translate("test.days", "fr", count="2")


def test_a_plural_count_in_a_stored_message_chooses_its_form() -> None:
    days = Message("production.reason.days", {"count": 1})
    assert Message.from_json(days.to_json()).render("fr") == "1 jour ouvré"
    assert days.render("en") == "1 working day"
    assert Message("production.reason.days", {"count": 0}).render("en") == "0 working days"


def test_plural_forms_must_be_one_and_other_in_both_languages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('a.days: {fr: {one: "{count} jour", many: "{count} jours"}, en: "{count} days"}\n',
                   encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"a\.days"):
        i18n._entries(bad)
    bad.write_text('a.days: {fr: {one: "{count} jour", other: "{count} jours"}, en: "{count} days"}\n',
                   encoding="utf-8")
    with pytest.raises(CatalogueError, match="one language only"):
        i18n._entries(bad)


def test_a_locale_file_missing_a_language_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('page.title: {fr: "Titre"}\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"page\.title"):
        i18n._entries(bad)


def test_strict_mode_raises_and_lenient_mode_shows_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(i18n.MissingTranslation):
        translate("no.such.key", "fr")
    monkeypatch.setenv(i18n.STRICT_ENV, "0")
    assert translate("no.such.key", "fr") == "no.such.key"


ROOT = Path(__file__).parents[2]
SOURCES = ["app.py", *sorted(str(p.relative_to(ROOT)) for folder in ("sop_ui", "pages")
                             for p in (ROOT / folder).glob("*.py"))]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_][\w.\- ]*)["']""")


@pytest.mark.parametrize("source", SOURCES)
def test_every_literal_key_in_the_screens_is_in_the_catalogue(source: str) -> None:
    """Keys used only in a branch the page walk does not reach (an error message) are caught here."""
    text = (Path(__file__).parents[2] / source).read_text(encoding="utf-8")
    missing = [key for key in LITERAL_KEY.findall(text) if not i18n.has_key(key)]
    assert not missing, f"{source}: keys missing from sop_core/common/locales: {missing}"
