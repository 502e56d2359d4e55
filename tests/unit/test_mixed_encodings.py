"""A CSV whose rows were written in two encodings (UTF-8 rows among Windows-1252 ones): each row is
read in its own encoding, and the report says which rows were read how and what to do."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sop_core.imports import reading
from sop_core.imports.importers import StagedImport, validate_file
from sop_core.imports.reading import read_raw
from sop_core.imports.report import Finding
from tests.conftest import TODAY

HEADER = "Code article;Designation;Famille;Cout unitaire;Prix de vente;Atelier"
KNOWN = {"workshops": ["INJ"]}


def _write(path: Path, lines: list[tuple[str, str]]) -> Path:
    """Each (text, encoding) is one line, encoded on its own, ended as Excel ends lines."""
    path.write_bytes(b"".join(f"{text}\r\n".encode(encoding) for text, encoding in lines))
    return path


def _product(sku: str, name: str) -> str:
    return f"{sku};{name};F1;1,5;3;INJ"


def _validate(path: Path) -> StagedImport:
    staged = validate_file(path, "products", known_keys=KNOWN, today=TODAY)
    assert staged.report.ok and staged.rows is not None, staged.report.lines()
    return staged


def _names(staged: StagedImport) -> list[str]:
    assert staged.rows is not None
    return list(staged.rows.to_pandas()["name"])


def _read_findings(path: Path) -> tuple[Finding, ...]:
    with duckdb.connect(":memory:") as con:
        return read_raw(con, path, "raw").findings


def test_utf8_and_cp1252_rows_are_each_read_right_and_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "articles.csv", [
        (HEADER, "ascii"), (_product("A1", "Pièce"), "utf-8"), (_product("A2", "Carré"), "cp1252")])
    staged = _validate(path)
    assert _names(staged) == ["Pièce", "Carré"]
    assert [f.code for f in staged.report.warnings] == ["mixed_encodings"]
    assert staged.report.lines("en") == [
        "WARNING articles.csv: the file mixes two encodings, each row was read in its own: as UTF-8, row 2; "
        "as Windows-1252 (cp1252), row 3. "
        "Fix: save the file again from one program in a single encoding (Excel: 'CSV UTF-8')"]
    assert staged.report.lines("fr") == [
        "AVERTISSEMENT articles.csv : le fichier mélange deux encodages, chaque ligne a été lue dans le sien : "
        "en UTF-8, ligne 2 ; en Windows-1252 (cp1252), ligne 3. Correction : enregistrez à nouveau le fichier "
        "depuis un seul programme, dans un seul encodage (Excel : « CSV UTF-8 »)"]


def test_more_than_five_rows_of_one_encoding_are_counted(tmp_path: Path) -> None:
    cp1252_rows = [(_product(f"B{i}", f"Carré {i}"), "cp1252") for i in range(3, 10)]  # rows 3 to 9
    path = _write(tmp_path / "articles.csv", [(HEADER, "ascii"), (_product("A1", "Pièce"), "utf-8"), *cp1252_rows])
    staged = _validate(path)
    assert _names(staged) == ["Pièce", *(f"Carré {i}" for i in range(3, 10))]
    (warning,) = staged.report.warnings
    assert warning.message.render("en") == (
        "the file mixes two encodings, each row was read in its own: as UTF-8, row 2; "
        "as Windows-1252 (cp1252), rows 3, 4, 5, 6, 7 and 2 more")
    assert warning.message.render("fr") == (
        "le fichier mélange deux encodages, chaque ligne a été lue dans le sien : en UTF-8, ligne 2 ; "
        "en Windows-1252 (cp1252), lignes 3, 4, 5, 6, 7 et 2 autres")


def test_a_file_all_in_cp1252_is_read_right_without_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "articles.csv", [
        ("Référence;Désignation;Famille;Coût unitaire;Prix de vente;Atelier", "cp1252"),
        (_product("A1", "Boîtier 5€ – œil"), "cp1252"), (_product("A2", "Carré"), "cp1252")])
    staged = _validate(path)
    assert _names(staged) == ["Boîtier 5€ – œil", "Carré"]
    assert staged.report.warnings == []
    assert _read_findings(path) == ()


def test_a_file_all_in_utf8_is_read_right_without_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "articles.csv", [
        ("Référence;Désignation;Famille;Coût unitaire;Prix de vente;Atelier", "utf-8"),
        (_product("A1", "Pièce"), "utf-8"), (_product("A2", "Carré"), "utf-8")])
    staged = _validate(path)
    assert _names(staged) == ["Pièce", "Carré"]
    assert staged.report.warnings == []
    assert _read_findings(path) == ()


def test_lines_cut_across_chunks_are_decoded_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "_CHUNK", 5)  # cuts `Pièce` and `Carré` between their bytes
    path = _write(tmp_path / "articles.csv", [
        (HEADER, "ascii"), (_product("A1", "Pièce"), "utf-8"), (_product("A2", "Carré"), "cp1252")])
    staged = _validate(path)
    assert _names(staged) == ["Pièce", "Carré"]
    (warning,) = staged.report.warnings
    assert warning.message.render("en").endswith("as UTF-8, row 2; as Windows-1252 (cp1252), row 3")


def test_a_utf8_signature_is_not_a_row_read_as_utf8(tmp_path: Path) -> None:
    """Excel's 'CSV UTF-8' starts with a BOM; rows appended later in cp1252 are the only odd ones."""
    path = _write(tmp_path / "articles.csv", [(HEADER, "utf-8-sig"), (_product("A2", "Carré"), "cp1252")])
    staged = _validate(path)
    assert _names(staged) == ["Carré"]
    assert staged.report.warnings == []
