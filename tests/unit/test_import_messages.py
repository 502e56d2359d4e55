"""What the import path says, in French and in English: hand-checked sentences, and the report's
JSON keeping codes and numbers as they are with each sentence as its key and parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sop_core.common.messages import Message
from sop_core.data.contract import get_kind
from sop_core.imports.importers import validate_file
from sop_core.imports.mapping import MappingError, load_mapping, mapping_from_dict
from sop_core.imports.report import Finding, ImportReport
from tests.conftest import TODAY, WriteFile

NBSP = "\u00a0"


def _negative_quantities() -> Finding:
    return Finding("error", "out_of_range", Message("imports.check.negative", {"column": "quantity"}),
                   Message("imports.check.at_least", {"column": "quantity", "limit": 0.0}), column="quantity",
                   rows=(4, 7, 9, 12, 15), count=1236, examples=("-4", "-1,5"))


def test_a_finding_names_file_rows_column_values_and_fix_in_both_languages() -> None:
    finding = _negative_quantities()
    assert finding.describe("cdes.csv", "fr") == (
        "ERREUR cdes.csv, lignes 4, 7, 9, 12, 15 et 1\u00a0231 autres, colonne 'quantity' : valeur négative pour "
        "quantity (valeurs trouvées : '-4', '-1,5'). Correction : indiquez une valeur d'au moins 0")
    assert finding.describe("cdes.csv", "en") == (
        "ERROR cdes.csv, rows 4, 7, 9, 12, 15 and 1,231 more, column 'quantity': quantity is negative "
        "(found: '-4', '-1,5'). Fix: use a value of at least 0")


def test_a_warning_on_one_row_and_a_file_level_error() -> None:
    future = Finding("warning", "far_future", Message("imports.check.far_future", {"column": "date", "years": 3}),
                     Message("imports.check.far_future.fix"), column="date", rows=(1234,), count=1)
    assert future.describe("v.csv", "fr") == (
        "AVERTISSEMENT v.csv, ligne 1234, colonne 'date' : date à plus de 3 ans dans le futur. "
        "Correction : vérifiez l'année (une faute de frappe, 2062 pour 2026 ?)")
    assert future.describe("v.csv", "en") == (
        "WARNING v.csv, row 1234, column 'date': date is more than 3 years ahead. "
        "Fix: check the year (a typo such as 2062 for 2026?)")
    empty = Finding("error", "no_rows", Message("imports.no_rows"), Message("imports.no_rows.fix"))
    assert empty.describe("v.csv", "fr") == (
        "ERREUR v.csv : le fichier ne contient aucune ligne de données. "
        "Correction : refaites l'extraction, avec au moins une ligne sous l'en-tête")


def _report() -> ImportReport:
    report = ImportReport("cdes.csv", "orders", Message("imports.read.decimal_comma",
                                                          {"how": Message("imports.read.csv", {"encoding": "cp1252"})}),
                          rows_read=12_500, rows_rejected=3)
    report.add(_negative_quantities())
    return report


def test_the_summary_in_both_languages() -> None:
    report = _report()
    assert report.summary("fr") == (
        f"cdes.csv (Commandes clients, CSV, cp1252, virgule décimale) : 12{NBSP}500 lignes lues, 3 rejetées, "
        "1 erreur, 0 avertissement : refusé, rien n'a été écrit")
    assert report.summary("en") == (
        "cdes.csv (Orders, CSV, cp1252, decimal comma): 12,500 rows read, 3 rejected, 1 error, "
        "0 warnings: refused, nothing was written")
    unreadable = ImportReport("x.csv", "sales")  # never read: no "read as"
    assert unreadable.summary("en") == "x.csv (Sales): 0 rows read, 0 errors, 0 warnings: can be imported"


def test_the_table_of_findings_in_french() -> None:
    row = _report().to_frame("fr").iloc[0]
    assert (row["severity"], row["problem"], row["fix"]) == (
        "erreur", "valeur négative pour quantity", "indiquez une valeur d'au moins 0")
    assert (row["rows"], row["count"], row["found"]) == ("4, 7, 9, 12, 15", 1236, "-4, -1,5")


def test_the_json_keeps_codes_numbers_and_each_sentence_as_key_and_parameters() -> None:
    data = json.loads(_report().to_json())
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("severity", "code", "column", "rows", "count", "examples")} == {
        "severity": "error", "code": "out_of_range", "column": "quantity", "rows": [4, 7, 9, 12, 15],
        "count": 1236, "examples": ["-4", "-1,5"]}
    assert finding["message"] == {"key": "imports.check.negative", "params": {"column": "quantity"}}
    assert Message.from_dict(finding["fix"]).render("fr") == "indiquez une valeur d'au moins 0"
    assert Message.from_dict(data["summary"]).render("en") == _report().summary("en")
    assert (data["ok"], data["rows_valid"]) == (False, 12_497)


def test_a_real_file_is_reported_in_french(write_file: WriteFile) -> None:
    path = write_file("p.csv", "sku;Désignation;Libellé;famile;unit_cost;\nA1;x;y;F;1,5;\n")
    report = validate_file(path, "products", known_keys={}, today=TODAY).report
    assert report.lines("fr")[:2] == [
        "ERREUR p.csv, colonne 'Désignation (name)' : les colonnes 'Désignation', 'Libellé' désignent toutes "
        "'name'. Correction : renommez ou supprimez-les toutes sauf une, ou indiquez laquelle prendre dans la "
        "correspondance des colonnes",
        "ERREUR p.csv : colonnes inconnues : 'famile', (colonne 6, sans en-tête). Correction : renommez-les avec "
        "l'une des colonnes du fichier Articles (sku, name, family, unit_cost, unit_price, lead_time_days, "
        "safety_stock, workshop, hours_per_unit, moq), indiquez-les dans la correspondance des colonnes, ou "
        "ignorez les colonnes en trop (--ignore-extra-columns)",
    ]
    assert report.summary("fr").startswith("p.csv (Articles, CSV, utf-8, virgule décimale) : 1 ligne lue")


def test_an_unreadable_file_says_why_and_what_to_do(write_file: WriteFile, tmp_path: Path) -> None:
    empty = validate_file(write_file("v.csv", ""), "sales", today=TODAY).report
    assert empty.lines("fr") == ["ERREUR v.csv : impossible de lire le fichier : le fichier est vide. Correction : "
                                 "enregistrez-le en CSV (UTF-8 ou Windows), XLSX ou Parquet puis réessayez"]
    missing = validate_file(tmp_path / "absent.csv", "sales", today=TODAY).report
    assert missing.lines("en") == ["ERROR absent.csv: cannot read the file: file not found. "
                                   "Fix: check the path and the file name"]


def test_mapping_errors_in_both_languages(write_file: WriteFile) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping(write_file("m.yaml", "columns:\n  nope: X\n"), get_kind("sales"))
    assert caught.value.render("fr") == ("m.yaml : columns.nope : le type de fichier sales n'a pas de colonne "
                                         "'nope' ; ses colonnes sont customer, date, quantity, sku")
    assert str(caught.value) == "m.yaml: columns.nope: sales has no column 'nope'; its columns are customer, date, " \
                                "quantity, sku"
    with pytest.raises(MappingError) as spec:
        mapping_from_dict({"columns": {"sku": {"frm": "Article"}}}, get_kind("sales"))
    assert spec.value.render("fr") == "columns.sku : écrivez {from: <en-tête>, formats: [...]} (clés trouvées : frm)"


def test_duplicate_keys_and_summed_rows_name_the_key(write_file: WriteFile) -> None:
    stock = validate_file(write_file("st.csv", "date;sku;on_hand\n31/01/2026;A1;5\n31/01/2026;A1;7\n"), "stock",
                          known_keys={"products": ["A1"]}, today=TODAY).report
    assert stock.errors[0].message.render("fr") == "plusieurs lignes ont la même clé date + sku"
    assert stock.errors[0].message.render("en") == "several rows share the same date + sku"
    sales = validate_file(write_file("v.csv", "date;sku;quantity\n02/01/2026;A1;5\n02/01/2026;A1;7\n"), "sales",
                          known_keys={"products": ["A1"]}, today=TODAY).report
    assert sales.warnings[0].message.render("fr") == (
        "1 ligne répète une clé date + sku + customer déjà vue et a été additionnée")


def test_the_page_names_its_checkbox_where_the_command_line_names_its_flag(write_file: WriteFile) -> None:
    path = write_file("p.csv", "sku;name;family;unit_cost;famile\nA1;x;F;1,5;y\n")
    report = validate_file(path, "products", known_keys={}, today=TODAY).report
    [unknown] = [f for f in report.errors + report.warnings if f.code == "unknown_columns"]
    assert unknown.describe("p.csv", "fr").endswith("ignorez les colonnes en trop (--ignore-extra-columns)")
    [page_fix] = [fix for fix in report.to_frame("fr")["fix"] if "cochez" in fix or "--ignore" in fix]
    assert page_fix.endswith("ou cochez « Ignorer les colonnes absentes du format des fichiers »")
    assert "--ignore-extra-columns" not in page_fix
    [english] = [fix for fix in report.to_frame("en")["fix"] if "tick" in fix or "--ignore" in fix]
    assert english.endswith("or tick “Ignore columns that are not in the data contract”")
