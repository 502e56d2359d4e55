"""Hostile files are refused before they are parsed, with a message naming the limit and the fix:
10,000 columns (took 107 s and 576 MB before its refusal), a workbook unpacking to a thousand times
its size (held the server at 100 % for minutes), a 3 MB cell (was "not a readable CSV")."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from sop_core.imports.importers import validate_file
from tests.conftest import WriteFile


def _said(path: Path, kind: str = "orders") -> str:
    staged = validate_file(path, kind, today=dt.date(2026, 12, 5))
    return " ".join(staged.report.lines("en"))


def test_ten_thousand_columns_are_refused_at_once_naming_the_first(write_file: WriteFile) -> None:
    header = ";".join(f"col{i}" for i in range(10_000))
    said = _said(write_file("wide.csv", header + "\n" + ";".join("1" for _ in range(10_000)) + "\n"))
    assert "the file has 10,000 columns, 500 at most (its first line starts with 'col0', 'col1'" in said
    assert "SOP_MAX_COLUMNS" in said and "col9999" not in said


def test_the_column_limit_follows_the_environment(write_file: WriteFile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_MAX_COLUMNS", "3")
    said = _said(write_file("o.csv", "order_id;sku;quantity;order_date\nA;B;1;01/01/2026\n"))
    assert "the file has 4 columns, 3 at most" in said


def test_a_workbook_that_unpacks_to_a_thousand_times_its_size_is_refused_unopened(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 5_000_000)  # 30 MB of XML, a few KB zipped
    said = _said(bomb)
    assert "kB workbook unpacks to 30 MB, beyond the limits (1,000 MB, 100 times its size)" in said


def test_an_oversized_cell_is_said_as_such(write_file: WriteFile) -> None:
    said = _said(write_file("big_cell.csv", "order_id;sku;quantity\n" + "x" * 3_000_000 + ";A;1\n"))
    assert "a line of the file is over 2 MB" in said
