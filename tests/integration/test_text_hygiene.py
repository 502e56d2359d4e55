"""Text as it comes out of ERPs: control characters are refused with their row and column (a NUL
used to be stored), and one French row settles the decimal comma (`1 234,5` alone used to be
refused as "not a valid number")."""

from __future__ import annotations

from sop_core.data.store import Store
from sop_core.imports.ingest import FileToImport, import_files
from tests.conftest import PRODUCTS_CSV, WORKSHOPS_CSV, WriteFile


def test_a_control_character_is_refused_with_its_row_and_column(store: Store, write_file: WriteFile) -> None:
    products = write_file("p.csv", PRODUCTS_CSV.replace("Capot", "Ca\x00pot"))
    outcome = import_files(store, [FileToImport("products", products)])
    assert not outcome.ok and store.row_counts()["products"] == 0
    lines = outcome.reports[0].lines("en")
    assert any("row 3, column 'name': name holds a control character (NUL or another invisible byte)" in line
               for line in lines), lines


def test_one_french_row_settles_the_decimal_comma(store: Store, write_file: WriteFile) -> None:
    assert import_files(store, [FileToImport("workshops", write_file("w.csv", WORKSHOPS_CSV)),
                                FileToImport("products", write_file("p.csv", PRODUCTS_CSV))]).ok
    stock = write_file("s.csv", "date;sku;on_hand\n30/11/2026;A1;1 234,5\n", encoding="cp1252")
    outcome = import_files(store, [FileToImport("stock", stock)])
    assert outcome.ok, outcome.reports[0].lines("en")
    assert store.scalar("SELECT on_hand FROM stock") == 1234.5
