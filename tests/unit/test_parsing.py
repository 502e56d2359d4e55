"""Numbers and dates as French and English exports write them, parsed by the SQL expressions."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from sop_core.imports import parsing


def _number(text: str | None, decimal: str) -> float | None:
    expr = parsing.number("v", decimal)
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT {expr.text} FROM (SELECT ?::VARCHAR AS v)", [*expr.params, text])
        return rows.fetchall()[0][0]


def _date(text: str, formats: tuple[str, ...] = parsing.DEFAULT_DATE_FORMATS) -> dt.date | None:
    expr = parsing.date("v", formats)
    with duckdb.connect() as con:
        return con.execute(f"SELECT {expr.text} FROM (SELECT ?::VARCHAR AS v)",
                           [*expr.params, text]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5", 1.5), ("1 234,56", 1234.56), ("1\u202f234,56", 1234.56), ("1\u00a0234", 1234.0),
        ("1.234,5", 1234.5), ("12.5", 12.5), ("-3", -3.0), ("12 €", 12.0), ("45%", 45.0),
        ("0,850", 0.85), (" 7 ", 7.0), ("abc", None), ("nan", None), ("inf", None), ("1,2,3", None),
    ],
)
def test_decimal_comma_numbers(text: str, expected: float | None) -> None:
    assert _number(text, ",") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234", 1234.0), ("1,234.5", 1234.5), ("12.5", 12.5), ("1,5", None), ("1e3", 1000.0)],
)
def test_decimal_point_numbers(text: str, expected: float | None) -> None:
    assert _number(text, ".") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", dt.date(2024, 1, 5)),
        ("05/01/2024", dt.date(2024, 1, 5)),  # French: day first
        ("5/1/24", dt.date(2024, 1, 5)),
        ("05.01.2024", dt.date(2024, 1, 5)),
        ("2024-01-05 13:45:00", dt.date(2024, 1, 5)),
        ("05/01/2024 13:45", dt.date(2024, 1, 5)),
        ("31/02/2024", None),
        ("0012-01-01", None),  # outside 1900-2200: a typo, not a date
        ("2-Jun-06", None),  # needs its format in a mapping
        ("hier", None),
    ],
)
def test_default_date_formats(text: str, expected: dt.date | None) -> None:
    assert _date(text) == expected


def test_mapping_formats_come_first() -> None:
    assert _date("2-Jun-06", ("%d-%b-%y",)) == dt.date(2006, 6, 2)
    assert _date("03/04/2024", ("%m/%d/%Y", *parsing.DEFAULT_DATE_FORMATS)) == dt.date(2024, 3, 4)
