"""Formula injection: a text cell a spreadsheet would run as a formula is exported inert, with a leading
apostrophe; everything else, numbers included, is exported as it is."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_core.common.exports import FORMULA_STARTS, csv_bytes, neutralise, neutralised, xlsx_bytes


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("-2", "'-2"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Électro-Distribution Centre", "Électro-Distribution Centre"),
    ("a=b", "a=b"),  # only the first character counts
    ("", ""),
    ("'=already", "'=already"),
])
def test_hand_cases(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [-5, -5.5, 0, 3.25, None, True])
def test_numbers_and_non_text_are_untouched(value: object) -> None:
    assert neutralise(value) is value


def test_nan_is_untouched() -> None:
    result = neutralise(float("nan"))
    assert isinstance(result, float) and math.isnan(result)


def test_a_frame_has_its_text_cells_and_headers_neutralised_and_its_numbers_kept() -> None:
    frame = pd.DataFrame({"customer": ["=cmd|' /C calc'!A0", "Dupont"], "=header": [-5.0, 2.0],
                          "qty": [-3, 4]})
    out = neutralised(frame)
    assert list(out.columns) == ["customer", "'=header", "qty"]
    assert out["customer"].tolist() == ["'=cmd|' /C calc'!A0", "Dupont"]
    assert out["'=header"].tolist() == [-5.0, 2.0] and out["qty"].tolist() == [-3, 4]
    assert frame["customer"].iloc[0].startswith("=")  # the caller's frame is left alone


def test_csv_and_xlsx_carry_the_apostrophe_and_no_formula() -> None:
    frame = pd.DataFrame({"customer": ["=1+1", "-2"], "value": [-5, 1]})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines()[1:] == ["'=1+1;-5", "'-2;1"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame)))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [cell.value for cell in cells] == ["customer", "value", "'=1+1", -5, "'-2", 1]


@given(st.text())
def test_formula_like_text_gets_an_apostrophe_and_other_text_is_unchanged(text: str) -> None:
    result = neutralise(text)
    if text.startswith(FORMULA_STARTS):
        assert result == "'" + text
    else:
        assert result == text


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_every_formula_start_is_caught(start: str, rest: str) -> None:
    assert neutralise(start + rest) == "'" + start + rest


# XML 1.0 (the format inside an .xlsx) cannot hold control characters but the tab and the line
# feed, and normalises a carriage return: the round trip draws from the text a cell can keep.
CELL_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n"), min_size=1)


@settings(max_examples=40, deadline=None)
@given(st.one_of(CELL_TEXT, st.builds(lambda s, t: s + t, st.sampled_from("=+-@\t"), CELL_TEXT)))
def test_xlsx_round_trip_gives_the_neutralised_text(text: str) -> None:
    data = xlsx_bytes(pd.DataFrame({"text": [text]}))
    back = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)
    assert back["text"].tolist() == [neutralise(text)]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.active["A2"].data_type != "f"
