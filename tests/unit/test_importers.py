"""Parsing and validation of hand-made files: French CSVs, encodings, Excel, Parquet, bad values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sop_core.imports.importers import StagedImport, validate_file
from sop_core.imports.mapping import ColumnMapping
from tests.conftest import TODAY, WriteFile

KNOWN = {"products": ["A1", "A2", "B1"], "workshops": ["INJ", "ASM"]}


def _validate(path: Path, kind: str, mapping: ColumnMapping | None = None) -> StagedImport:
    return validate_file(path, kind, mapping=mapping, known_keys=KNOWN, today=TODAY)


def _rows(staged: StagedImport) -> pd.DataFrame:
    assert staged.rows is not None, staged.report.lines()
    return staged.rows.to_pandas()


def _codes(staged: StagedImport) -> dict[str, tuple[int, ...]]:
    return {f.code: f.rows for f in staged.report.findings}


def test_french_excel_csv_in_cp1252(write_file: WriteFile) -> None:
    path = write_file(
        "articles.csv",
        "Référence;Désignation;Famille;Coût unitaire;Prix de vente;Atelier\n"
        "A9;Boîtier 5€ – œil;Capots;1 234,5;2,75;INJ\n",
        encoding="cp1252",
    )
    staged = _validate(path, "products")
    assert staged.report.ok and staged.report.read_as is not None
    assert staged.report.read_as.render("en") == "CSV, cp1252, decimal comma"
    assert staged.report.read_as.render("fr") == "CSV, cp1252, virgule décimale"
    row = _rows(staged).iloc[0]
    assert (row["sku"], row["name"], row["unit_cost"], row["unit_price"]) == (
        "A9", "Boîtier 5€ – œil", 1234.5, 2.75)


def test_utf8_bom_tab_separated_english_headers(write_file: WriteFile) -> None:
    path = write_file("sales.tsv", "Date\tItem\tQty\tCustomer\n2024-03-01\tA1\t1,234\tACME\n",
                      encoding="utf-8-sig")
    rows = _rows(_validate(path, "sales"))
    assert rows.loc[0, "date"] == dt.date(2024, 3, 1)
    assert rows.loc[0, "quantity"] == 1234.0  # comma is a thousands separator in a point file


def test_bad_values_are_reported_with_rows_column_and_fix(write_file: WriteFile) -> None:
    path = write_file(
        "cdes.csv",
        "order_id;customer;sku;quantity;order_date;promised_date;delivered_date\n"
        "C1;Dupont;A1;10;01/02/2026;10/02/2026;09/02/2026\n"
        "C2;Dupont;A1;dix;01/02/2026;10/02/2026;\n"
        "C3;Dupont;A1;-4;01/02/2026;31/02/2026;\n"
        "C4;Dupont;ZZ;1;05/02/2026;01/02/2026;\n",
    )
    staged = _validate(path, "orders")
    assert not staged.report.ok and staged.rows is None
    by_code = {(f.code, f.column): f for f in staged.report.errors}
    unparseable_qty = by_code[("unparseable", "quantity")]
    assert unparseable_qty.rows == (3,) and unparseable_qty.examples == ("dix",)
    assert by_code[("out_of_range", "quantity")].rows == (4,)
    assert by_code[("unparseable", "promised_date")].rows == (4,)
    assert by_code[("date_order", "promised_date")].rows == (5,)
    assert by_code[("unknown_reference", "sku")].rows == (5,)
    line = by_code[("out_of_range", "quantity")].describe("cdes.csv", "en")
    assert line.startswith("ERROR cdes.csv, row 4, column 'quantity': quantity is negative")
    assert "Fix:" in line
    assert staged.report.rows_rejected == 3


def test_skip_invalid_rows_keeps_the_good_ones(write_file: WriteFile) -> None:
    path = write_file("cdes.csv", "order_id;customer;sku;quantity;order_date;promised_date\n"
                      "C1;D;A1;1;01/02/2026;02/02/2026\nC2;D;A1;x;01/02/2026;02/02/2026\n")
    staged = _validate(path, "orders", ColumnMapping(skip_invalid_rows=True))
    assert staged.report.ok and staged.report.rows_rejected == 1
    assert list(_rows(staged)["order_id"]) == ["C1"]


def test_missing_unknown_and_ambiguous_columns(write_file: WriteFile) -> None:
    path = write_file("p.csv", "sku;Désignation;Libellé;famile;unit_cost\nA1;x;y;F;1\n")
    report = _validate(path, "products").report
    codes = {f.code: f for f in report.errors}
    assert set(codes) == {"ambiguous_column", "unknown_columns", "missing_column"}
    assert "'famile'" in codes["unknown_columns"].message.render("en")
    assert [f.column for f in report.errors if f.code == "missing_column"] == ["family", "unit_price"]


def test_ignore_extra_columns_turns_unknown_into_a_warning(write_file: WriteFile) -> None:
    path = write_file("s.csv", "date;sku;quantity;commentaire\n01/01/2026;A1;3;ok\n")
    staged = _validate(path, "sales", ColumnMapping(ignore_unmapped=True))
    assert staged.report.ok and [w.code for w in staged.report.warnings] == ["ignored_columns"]


def test_duplicate_keys_are_errors_but_sales_lines_are_summed(write_file: WriteFile) -> None:
    stock = write_file("st.csv", "date;sku;on_hand\n31/01/2026;A1;5\n31/01/2026;A1;7\n")
    assert _codes(_validate(stock, "stock"))["duplicate_key"] == (2, 3)
    sales = write_file("v.csv", "date;sku;quantity;customer\n"
                       "02/01/2026;A1;5;X\n02/01/2026;A1;7;X\n02/01/2026;A1;1;Y\n")
    staged = _validate(sales, "sales")
    summed = _rows(staged).set_index("customer")["quantity"].to_dict()
    assert summed == {"X": 12.0, "Y": 1.0}
    assert "summed_rows" in _codes(staged)


def test_order_lines_without_line_column_use_the_sku(write_file: WriteFile) -> None:
    path = write_file("o.csv", "order_id;customer;sku;quantity;order_date;promised_date\n"
                      "C1;D;A1;1;01/02/2026;02/02/2026\nC1;D;A2;1;01/02/2026;02/02/2026\n")
    assert list(_rows(_validate(path, "orders"))["line"]) == ["A1", "A2"]


def test_far_future_date_is_a_warning_not_an_error(write_file: WriteFile) -> None:
    path = write_file("v.csv", "date;sku;quantity\n02/01/2062;A1;5\n")
    staged = _validate(path, "sales")
    assert staged.report.ok and [w.code for w in staged.report.warnings] == ["far_future"]


def test_workshop_defaults_and_derived_costs(write_file: WriteFile) -> None:
    path = write_file("w.csv", "atelier;effectif;heures par semaine;coût horaire\nINJ;4;35;30\n")
    row = _rows(_validate(path, "workshops")).iloc[0]
    assert row["efficiency"] == 0.85 and row["overtime_premium"] == 0.25
    assert row["temp_cost_per_hour"] == pytest.approx(42.0)  # 1.4 x regular when not given
    assert row["subcontract_cost_per_hour"] == pytest.approx(54.0)


def test_excel_named_sheet_with_real_dates(tmp_path: Path) -> None:
    path = tmp_path / "stock.xlsx"
    frame = pd.DataFrame({"Date": [dt.datetime(2026, 1, 31)], "Article": ["A1"], "Stock": [12.5]})
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="Inventaire", index=False)
    first = _validate(path, "stock")
    assert not first.report.ok  # the first sheet is not a stock table
    staged = validate_file(path, "stock", known_keys=KNOWN, today=TODAY, sheet="Inventaire")
    row = _rows(staged).iloc[0]
    assert (row["date"], row["sku"], row["on_hand"]) == (dt.date(2026, 1, 31), "A1", 12.5)
    missing = validate_file(path, "stock", known_keys=KNOWN, today=TODAY, sheet="Nope").report
    assert missing.errors[0].code == "unreadable"
    assert missing.errors[0].message.render("en") == (
        "cannot read the file: the workbook has no sheet 'Nope'; its sheets: 'Notes', 'Inventaire'")


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "sales.parquet"
    pd.DataFrame({"date": [dt.date(2026, 1, 2)], "sku": ["B1"], "quantity": [3]}).to_parquet(path)
    row = _rows(_validate(path, "sales")).iloc[0]
    assert (row["date"], row["sku"], row["quantity"]) == (dt.date(2026, 1, 2), "B1", 3.0)


@pytest.mark.parametrize(
    ("content", "code"),
    [("", "unreadable"), ("date;sku;quantity\n", "no_rows"), ("\x00\x01\x02garbage", None)],
)
def test_empty_or_garbage_files_are_refused_cleanly(write_file: WriteFile, content: str, code: str | None) -> None:
    report = _validate(write_file("v.csv", content), "sales").report
    assert not report.ok
    if code:
        assert code in {f.code for f in report.errors}


def test_ragged_rows_and_trailing_empty_rows(write_file: WriteFile) -> None:
    path = write_file("v.csv", "date;sku;quantity;customer\n02/01/2026;A1;5\n;;;\n03/01/2026;A2;1;Y\n")
    rows = _rows(_validate(path, "sales"))
    assert sorted(rows["sku"]) == ["A1", "A2"]


def test_register_unknown_skus_warns_and_lists_them(write_file: WriteFile) -> None:
    path = write_file("v.csv", "date;sku;quantity\n02/01/2026;NEW-1;5\n02/01/2026;A1;1\n")
    staged = _validate(path, "sales", ColumnMapping(register_unknown_skus=True))
    assert staged.report.ok and staged.new_skus == ("NEW-1",)
    assert [w.code for w in staged.report.warnings] == ["unknown_reference"]
