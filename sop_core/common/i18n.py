"""French and English: the catalogue of every string the screens and the meeting pack show, and the
number and date formats of each language.

The catalogue is the YAML files of `sop_core/locales/`, each a mapping `key: {fr: ..., en: ...}`
(one file per page or concern, so that a page's strings sit together). Every entry must have both
languages: the loader refuses a file that lacks one, so a half-translated entry cannot ship.

A sentence that puts a number before a noun gives, in each language, the forms `{one: ..., other: ...}`
instead of one text; `translate` picks the form from the `count` parameter by the language's rule
(`plural_form`): French says "0 jour", "1,5 jour", "2 jours"; English "0 days", "1 day", "1.5 days".

A key nobody wrote is a bug. Under `SOP_I18N_STRICT=1` (the test suite sets it) `translate` raises
`MissingTranslation`, so a test that walks every page in both languages fails on it; in production
the key itself is shown instead of a crashed page.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

import yaml

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
STRICT_ENV = "SOP_I18N_STRICT"
# No-break space between thousands: "1 234,5" never splits across two lines of a tile.
NBSP = "\u00a0"


class MissingTranslation(KeyError):
    """A key (or one of its languages) absent from the catalogue."""


class CatalogueError(ValueError):
    """A locale file that is not a mapping of keys to both languages."""


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    return lang


PLURAL_FORMS = ("one", "other")
# A text of the catalogue: one sentence, or its forms by plural category.
Text = str | dict[str, str]


def plural_form(count: float, lang: str) -> str:
    """The plural category of `count`: French takes the singular below 2 (0 and 1,5 included),
    English only for exactly 1."""
    if lang == "fr":
        return "one" if abs(count) < 2 else "other"
    return "one" if count == 1 else "other"


def _is_text(text: object) -> bool:
    """A non-empty sentence, or exactly the forms one and other, each a non-empty sentence."""
    if isinstance(text, dict):
        return set(text) == set(PLURAL_FORMS) and all(_is_text(form) for form in text.values())
    return isinstance(text, str) and bool(text)


def _entries(path: Path) -> dict[str, dict[str, Text]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: expected a mapping of keys, got {type(data).__name__}.")
    for key, entry in data.items():
        if not isinstance(entry, dict) or not all(_is_text(entry.get(lang)) for lang in LANGUAGES):
            raise CatalogueError(f"{path.name}: key {key!r} needs a non-empty text (or the forms "
                                 f"{' and '.join(PLURAL_FORMS)}) for each of {', '.join(LANGUAGES)}.")
        if len({isinstance(entry[lang], dict) for lang in LANGUAGES}) > 1:
            raise CatalogueError(f"{path.name}: key {key!r} has plural forms in one language only.")
    return data


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, Text]]:
    """Every entry of every locale file. The same key in two files is allowed only with the same
    texts (two pages may both name a column), otherwise the files contradict each other."""
    merged: dict[str, dict[str, Text]] = {}
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        for key, entry in _entries(path).items():
            if key in merged and merged[key] != entry:
                raise CatalogueError(f"{path.name}: key {key!r} is defined differently in another locale file.")
            merged[key] = entry
    return merged


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def has_key(key: str) -> bool:
    return key in catalogue()


def translate(key: str, lang: str, /, **params: Any) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled from `params` (format numbers
    and dates with the functions below first, so they follow the language too).

    `count` is the exception: given as a number, it chooses the plural form of an entry that has
    forms, and is written here in the language's format (text given as `count` is kept as it is)."""
    entry = catalogue().get(key)
    if entry is None or lang not in entry:
        if strict():
            raise MissingTranslation(f"No {lang!r} text for key {key!r} in {LOCALES_DIR}.")
        return key
    text = entry[lang]
    count = params.get("count")
    if isinstance(text, dict):
        if not is_count(count):
            raise TypeError(f"{key!r} has plural forms: give its count as a number, not {count!r}.")
        text = text[plural_form(count, lang)]
    if is_count(count):
        params["count"] = format_quantity(count, lang)
    return text.format(**params) if params else text


EMPTY = "–"


def is_empty(value: object) -> bool:
    """No figure to show: None, NaN, infinity, or pandas' NA and NaT (which are not floats)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def is_count(value: object) -> TypeGuard[float]:
    """A number that can be counted in a sentence (not a flag, not NaN); numpy's numbers too, as
    pandas hands them out."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def format_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """1 234,5 in French, 1,234.5 in English; an empty value is a dash."""
    if is_empty(value):
        return EMPTY
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


_FRENCH_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)")
_ENGLISH_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?")


def parse_number(text: str, lang: str) -> float:
    """A number as a reader types it in `lang`, the way `format_number` writes it: 1 234,5 (or
    1234.5) in French, any space being a thousands separator; 1,234.5 or 1234.5 in English, where
    a comma must separate thousands (1,5 is refused, not read as 15). ValueError otherwise."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    pattern = _FRENCH_NUMBER if lang == "fr" else _ENGLISH_NUMBER
    if not cleaned or not pattern.fullmatch(cleaned) or not re.search(r"\d", cleaned):
        raise ValueError(f"{text!r} is not a number")
    return float(cleaned.replace(",", ".") if lang == "fr" else cleaned.replace(",", ""))


def natural_decimals(value: float) -> int:
    """As many decimals as the value needs, at most two: 3, 0,5, 1,25."""
    for decimals in (0, 1):
        if math.isclose(value, round(value, decimals), abs_tol=1e-9):
            return decimals
    return 2


def format_quantity(value: float, lang: str) -> str:
    """A count or a quantity as written in a sentence: 3, 1,5, 1 234 (a table's counts are
    `format_count`'s whole numbers)."""
    if isinstance(value, numbers.Integral) or not math.isfinite(value):
        return format_number(value, lang)
    return format_number(value, lang, natural_decimals(value))


def format_percent(fraction: float | None, lang: str, decimals: int = 1) -> str:
    """A fraction as a percentage: 84,1 % in French (a space before %), 84.1% in English."""
    if fraction is None or is_empty(fraction):
        return EMPTY
    number = format_number(100 * fraction, lang, decimals)
    return f"{number}{NBSP}%" if lang == "fr" else f"{number}%"


def format_signed(value: float, lang: str, decimals: int = 1) -> str:
    """A change with its sign always shown: +1,5 / -0,3 (a plain hyphen-minus, which Streamlit's
    metric reads as a fall)."""
    sign = "+" if value >= 0 else "-"
    return sign + format_number(abs(value), lang, decimals)


def format_count(value: float | int | None, lang: str) -> str:
    """A number of things (orders, days, people) as an integer: 32, never 32,0."""
    return EMPTY if value is None or is_empty(value) else format_number(round(float(value)), lang, 0)


# The precisions a screen may choose for all its money: whole euros, or thousands with one decimal.
MONEY_SCALES = {"euro": (1.0, 0, "€"), "k€": (1e3, 1, "k€")}


def format_money(value: float | None, lang: str, scale: str | None = None) -> str:
    """Euros in the precision `scale` a screen chose for all its amounts (30 957 € / 31,0 k€), so one
    cost never reads three ways on one screen. Without a scale, short enough for a tile of the
    meeting pack: 4,32 M€, 42,8 k€, 950 €."""
    if value is None or is_empty(value):
        return EMPTY
    if scale is None:
        scale = "M€" if abs(value) >= 1e6 else "k€" if abs(value) >= 1e4 else "euro"
    divisor, decimals, unit = {**MONEY_SCALES, "M€": (1e6, 2, "M€")}[scale]
    return f"{format_number(value / divisor, lang, decimals)}{NBSP}{unit}"


DATE_FORMATS = {"fr": "%d/%m/%Y", "en": "%d %b %Y"}
# The same formats for Streamlit's table columns (moment.js tokens).
TABLE_DATE_FORMATS = {"fr": "DD/MM/YYYY", "en": "D MMM YYYY"}


def format_date(value: dt.date | None, lang: str) -> str:
    """21/11/2026 in French, 21 Nov 2026 in English (never the ambiguous 11/21/2026)."""
    if value is None or value != value:  # pandas' NaT is a date unequal to itself
        return EMPTY
    # %b is the C locale's English month whatever the machine's locale: Python is started in C here.
    return value.strftime(DATE_FORMATS[lang])


# What a figure is, hence how it is written (`format_figure`).
FIGURE_KINDS = ("count", "money", "percent", "hours", "date")


def format_figure(value: Any, kind: str, lang: str, money_scale: str = "euro") -> str:
    """The one way a figure reaches the screen: a count as an integer, money in the screen's
    precision with its unit, a fraction as a percentage with one decimal, hours with one decimal, a
    date in the language; an empty value of any kind is a dash."""
    if kind not in FIGURE_KINDS:
        raise ValueError(f"Unknown figure kind {kind!r}: choose one of {', '.join(FIGURE_KINDS)}.")
    if kind == "date":
        return format_date(value, lang)
    if kind == "money":
        return format_money(value, lang, money_scale)
    if kind == "percent":
        return format_percent(value, lang, 1)
    return format_count(value, lang) if kind == "count" else format_number(value, lang, 1)


def format_week(day: dt.date, lang: str) -> str:
    """The ISO week of `day` as the plant says it: S48 in French (semaine), W48 in English."""
    return translate("production.week_label", lang, week=f"{day.isocalendar().week:02d}")


_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]
_EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]


def format_month(value: dt.date, lang: str) -> str:
    """The cycle's month in words: novembre 2026, November 2026."""
    names = _FR_MONTHS if lang == "fr" else _EN_MONTHS
    return f"{names[value.month - 1]} {value.year}"


# d3 locales for the charts (Vega-Lite `config.locale`), so axes and tooltips follow the language.
CHART_LOCALES: dict[str, dict[str, Any]] = {
    "fr": {
        "number": {"decimal": ",", "thousands": NBSP, "grouping": [3], "currency": ["", f"{NBSP}€"],
                   "percent": f"{NBSP}%"},
        "time": {"dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                 "periods": ["AM", "PM"],
                 "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
                 "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
                 "months": _FR_MONTHS,
                 "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                                 "oct.", "nov.", "déc."]},
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
        "time": {"dateTime": "%a %e %b %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
                 "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
                 "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                 "months": _EN_MONTHS,
                 "shortMonths": [m[:3] for m in _EN_MONTHS]},
    },
}
