"""The budget kind: a family's or a SKU's units and euros per month, checked row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sop_core.data.contract import KINDS
from sop_core.imports.importers import StagedImport, validate_file
from tests.conftest import TODAY, WriteFile

KNOWN = {"products": ["A1", "A2", "B1"], "products.family": ["F1", "F2"], "workshops": ["INJ"]}


def _validate(path: Path) -> StagedImport:
    return validate_file(path, "budget", known_keys=KNOWN, today=TODAY)


def _rows(staged: StagedImport) -> pd.DataFrame:
    assert staged.rows is not None, staged.report.lines()
    return staged.rows.to_pandas()


def _errors(staged: StagedImport) -> dict[tuple[str, str | None], tuple[int, ...]]:
    assert staged.rows is None and not staged.report.ok
    return {(f.code, f.column): f.rows for f in staged.report.errors}


def test_budget_comes_after_products_in_the_import_order() -> None:
    order = list(KINDS)
    assert order.index("budget") == order.index("products") + 1
    assert KINDS["budget"].key == ("family", "sku", "month") and KINDS["budget"].required == ("month",)


def test_french_budget_file_lands_as_first_of_month_rows(write_file: WriteFile) -> None:
    path = write_file(
        "budget.csv",
        "Famille;Mois;Quantité budget;CA budget\n"
        "F1;31/01/2027;1 200,5;3 500,75\n"
        "F1;01/02/2027;1 300;\n"
        "F2;15/02/2027;;800\n",
        encoding="cp1252",
    )
    staged = _validate(path)
    assert staged.report.ok and staged.report.read_as is not None
    assert staged.report.read_as.render("en") == "CSV, cp1252, decimal comma"
    rows = _rows(staged)
    assert list(rows.columns) == ["family", "sku", "month", "quantity", "revenue"]
    assert rows["family"].tolist() == ["F1", "F1", "F2"] and rows["sku"].isna().all()
    assert rows["month"].tolist() == [dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 2, 1)]
    assert rows["quantity"].tolist()[:2] == [1200.5, 1300.0] and pd.isna(rows["quantity"].iloc[2])
    assert rows["revenue"].iloc[0] == 3500.75 and pd.isna(rows["revenue"].iloc[1]) and rows["revenue"].iloc[2] == 800


@pytest.mark.parametrize("written", ["01/2027", "2027-01", "janv. 2027", "Janvier 2027", "Jan 2027",
                                     "2027-01-31", "31/01/2027", "1/2027"])
def test_a_month_may_be_written_without_its_day(write_file: WriteFile, written: str) -> None:
    path = write_file("b.csv", f"sku;month;revenue\nA1;{written};10\n")
    assert _rows(_validate(path))["month"].tolist() == [dt.date(2027, 1, 1)]


def test_a_month_that_is_not_one_is_refused(write_file: WriteFile) -> None:
    path = write_file("b.csv", "sku;mois;revenue\nA1;13/2027;10\nA2;brumaire 2027;10\n")
    assert _errors(_validate(path)) == {("unparseable", "mois (month)"): (2, 3)}


def test_xlsx_budget_per_sku(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    pd.DataFrame({
        "Référence": ["A1", "B1"], "Période": [dt.datetime(2027, 3, 31), dt.datetime(2027, 4, 1)],
        "Volume": [100, 50], "Chiffre d'affaires": [325.5, None],
    }).to_excel(path, index=False, sheet_name="Budget 2027")
    rows = _rows(_validate(path))
    assert rows["sku"].tolist() == ["A1", "B1"] and rows["family"].isna().all()
    assert rows["month"].tolist() == [dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
    assert rows["quantity"].tolist() == [100.0, 50.0]
    assert rows["revenue"].iloc[0] == 325.5 and pd.isna(rows["revenue"].iloc[1])


def test_each_row_rule_names_its_row_and_column(write_file: WriteFile) -> None:
    path = write_file(
        "budget.csv",
        "famille;sku;mois;quantité;ca\n"
        "F1;;01/01/2027;10;100\n"      # row 2: fine
        "F1;A1;01/01/2027;10;100\n"    # row 3: family and SKU both filled
        ";;01/01/2027;10;100\n"        # row 4: neither
        "F1;;01/02/2027;;\n"           # row 5: neither units nor euros
        ";ZZ;01/01/2027;1;\n"          # row 6: unknown SKU
        "Fx;;01/01/2027;1;\n"          # row 7: unknown family
        "F2;;01/01/2027;-1;\n"         # row 8: negative units
        "F1;;31/01/2027;5;\n",         # row 9: the same family and month as row 2
    )
    staged = _validate(path)
    assert _errors(staged) == {
        ("one_of_both", "family, sku"): (3,),
        ("one_of_missing", "family, sku"): (4,),
        ("one_of_missing", "quantity, revenue"): (5,),
        ("unknown_reference", "sku"): (6,),
        ("unknown_reference", "famille (family)"): (7,),
        ("out_of_range", "quantité (quantity)"): (8,),
        ("duplicate_key", "family, sku, month"): (2, 9),
    }
    assert staged.report.rows_rejected == 8  # every row: rows 2 and 9 share their key
    lines = {f.code + "/" + str(f.column): (f.describe("budget.csv", "en"), f.describe("budget.csv", "fr"))
             for f in staged.report.errors}
    assert lines["one_of_both/family, sku"] == (
        "ERROR budget.csv, row 3, column 'family, sku': more than one of 'family', 'sku' is filled in "
        "(found: 'F1'). Fix: keep only one of 'family', 'sku' per row (a budget row is a family's or a SKU's, "
        "not both)",
        "ERREUR budget.csv, ligne 3, colonne 'family, sku' : plusieurs des colonnes 'family', 'sku' sont "
        "renseignées (valeurs trouvées : 'F1'). Correction : ne gardez qu'une des colonnes 'family', 'sku' par "
        "ligne (une ligne de budget est celle d'une famille ou celle d'un article, pas des deux)")
    assert lines["one_of_missing/quantity, revenue"][0] == (
        "ERROR budget.csv, row 5, column 'quantity, revenue': none of 'quantity', 'revenue' is filled in. "
        "Fix: fill in at least one of 'quantity', 'revenue' on these rows, or delete the rows")
    assert lines["one_of_missing/family, sku"][1] == (
        "ERREUR budget.csv, ligne 4, colonne 'family, sku' : aucune des colonnes 'family', 'sku' n'est "
        "renseignée. Correction : renseignez une et une seule des colonnes 'family', 'sku' sur ces lignes, "
        "ou supprimez ces lignes")
    assert lines["unknown_reference/famille (family)"] == (
        "ERROR budget.csv, row 7, column 'famille (family)': family is not a family of the Products file "
        "(found: 'Fx'). Fix: write it as the Products file does (spelling, accents), or import the Products "
        "file that holds it first",
        "ERREUR budget.csv, ligne 7, colonne 'famille (family)' : valeur de family absente de la colonne family "
        "du fichier Articles (valeurs trouvées : 'Fx'). Correction : écrivez-la comme dans le fichier Articles "
        "(orthographe, accents), ou importez d'abord le fichier Articles qui la contient")


@pytest.mark.parametrize(("text", "ok"), [
    ("famille;mois;ca\nF1;01/2027;10\n", True),        # a family column only, revenue only
    ("sku;mois;volume\nA1;01/2027;10\n", True),         # a SKU column only, units only
])
def test_one_of_family_or_sku_and_one_of_units_or_euros_is_enough(write_file: WriteFile, text: str,
                                                                   ok: bool) -> None:
    assert _validate(write_file("b.csv", text)).report.ok is ok


def test_a_file_without_family_nor_sku_or_without_any_amount_is_refused(write_file: WriteFile) -> None:
    staged = _validate(write_file("b.csv", "mois;client\n01/2027;X\n"))
    missing = [f for f in staged.report.errors if f.code == "missing_one_of"]
    assert staged.rows is None and len(missing) == 2
    lines = sorted(f.describe("b.csv", "en") for f in missing)
    assert lines == [
        "ERROR b.csv, column 'family, sku': the file needs at least one of the columns 'family', 'sku' and has "
        "none. Fix: add a column named one of 'family', 'famille', 'gamme', 'sku', 'référence', 'reference', "
        "or map it in a column mapping",
        "ERROR b.csv, column 'quantity, revenue': the file needs at least one of the columns 'quantity', "
        "'revenue' and has none. Fix: add a column named one of 'quantity', 'quantité budget', "
        "'quantite budget', 'revenue', \"chiffre d'affaires\", \"chiffre d'affaires budget\", or map it in a "
        "column mapping",
    ]
    assert min(f.describe("b.csv", "fr") for f in missing).startswith(
        "ERREUR b.csv, colonne 'family, sku' : il faut au moins l'une des colonnes 'family', 'sku', le fichier "
        "n'en a aucune. Correction : ajoutez une colonne portant l'un de ces noms : 'family', 'famille'")
