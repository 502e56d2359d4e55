"""Hypothesis mutates files the importer accepts (a French CSV, the same data as a workbook) and
puts hostile values in a workbook's cells. Whatever comes of it, `import_files` answers with an
outcome or a said error (never another exception), a refusal leaves the store's data as it was,
and each file is done with in bounded time.

tests/unit/test_hostile_files.py builds hostile files from nothing; starting from valid files
instead puts the damage where the sniffer, the parsers, the checks and openpyxl do their real work.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import hypothesis.strategies as st
import openpyxl
import pytest
from hypothesis import event, example, given, settings
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils.exceptions import IllegalCharacterError

from sop_core.common import LANGUAGES, MessageError
from sop_core.data import StoreError
from sop_core.data.store import Store
from sop_core.imports import FileToImport, ImportOutcome, import_files
from tests.conftest import WORKSHOPS_CSV

TODAY = dt.date(2026, 11, 21)
# What `import_files` documents it raises; anything else escaping it is a crash.
SAID_ERRORS = (MessageError, StoreError)
# A hang detector, not a performance assertion: these files import in a fraction of a second, so an
# example past 20 s is stuck in a loop (a hang that never returns is stopped by pytest-timeout).
PROPERTY = settings(max_examples=30, deadline=dt.timedelta(seconds=20))

Table = list[list[object]]
TABLES: dict[str, Table] = {
    "products": [
        ["Référence", "Désignation", "Famille", "Coût unitaire", "Prix de vente", "Délai (jours)",
         "Atelier", "Heures par unité"],
        ["A1", "Boîtier", "F1", 1.5, 3.25, 10, "INJ", 0.01],
        ["A2", "Capot « gris »", "F1", 2, 4, 5, "ASM", 0.02],
        ["B1", "Clip", "F2", 0.2, 0.5, 3, "INJ", 0.001],
    ],
    "orders": [
        ["N° commande", "Ligne", "Client", "Référence", "Quantité", "Date de commande",
         "Date de livraison prévue", "Date de livraison réelle", "Quantité livrée"],
        ["CMD-1", "1", "Garage Dupont", "A1", 1200, dt.date(2026, 10, 2), dt.date(2026, 10, 15),
         dt.date(2026, 10, 14), 1200],
        ["CMD-1", "2", "Garage Dupont", "B1", 2.5, dt.date(2026, 10, 2), dt.date(2026, 10, 20), None, None],
        ["CMD-2", "1", "Électro Sàrl", "A2", 40, dt.date(2026, 11, 3), dt.date(2026, 11, 30), None, None],
    ],
}


def _csv_cell(value: object) -> str:
    """A cell as a French Excel writes it: decimal comma, dd/mm/yyyy, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def csv_bytes(table: Table) -> bytes:
    text = "".join(";".join(map(_csv_cell, row)) + "\r\n" for row in table)
    return text.encode("utf-8-sig")  # Excel's "CSV UTF-8": a BOM, then the text


def _set_cell(cell: Cell, value: object) -> None:
    try:
        cell.value = value
    except IllegalCharacterError:
        # openpyxl refuses control characters; Excel stores them escaped (_x0001_), so write that.
        cell.value = ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", str(value))


def xlsx_bytes(table: Table) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row_index, row in enumerate(table, start=1):
        for column_index, value in enumerate(row, start=1):
            _set_cell(sheet.cell(row=row_index, column=column_index), value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WRITERS: dict[str, Callable[[Table], bytes]] = {".csv": csv_bytes, ".xlsx": xlsx_bytes}
VALID_FILES = {(kind, suffix): write(table) for kind, table in TABLES.items() for suffix, write in WRITERS.items()}

# Bytes that mean something to a CSV reader or a decoder: separators, quotes, line ends, NUL, a BOM,
# lone cp1252/Latin-1 bytes that are invalid UTF-8.
MEANINGFUL_BYTES = st.sampled_from([b"\x00", b"\r", b"\n", b"\r\n", b'"', b";", b",", b"\t", b"\xef\xbb\xbf"])
INSERTED_BYTES = st.one_of(MEANINGFUL_BYTES, st.integers(0x80, 0xFF).map(lambda byte: bytes([byte])),
                           st.binary(min_size=1, max_size=16))


def _slice(draw: st.DrawFn, data: bytes) -> tuple[int, int]:
    start = draw(st.integers(0, len(data)))
    return start, draw(st.integers(start, min(len(data), start + 64)))


def flip_bit(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]


def replace_byte(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + draw(INSERTED_BYTES)[:1] + data[at + 1:]


def insert_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(INSERTED_BYTES) + data[at:]


def delete_slice(draw: st.DrawFn, data: bytes) -> bytes:
    start, end = _slice(draw, data)
    return data[:start] + data[end:]


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[:draw(st.integers(0, len(data)))]


def duplicate_slice(draw: st.DrawFn, data: bytes) -> bytes:
    start, end = _slice(draw, data)
    return data[:end] + data[start:end] + data[end:]


MUTATIONS = (flip_bit, replace_byte, insert_bytes, delete_slice, truncate, duplicate_slice)


@st.composite
def mutated_file(draw: st.DrawFn, suffix: str) -> tuple[str, bytes]:
    """A kind, and its valid file in `suffix`'s format after one to four random mutations."""
    kind = draw(st.sampled_from(sorted(TABLES)))
    data = VALID_FILES[kind, suffix]
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutation(draw, data)
    return kind, data


# Typed cells as a workbook may hold them: text with control characters, numbers Excel cannot hold
# (NaN, infinities, 30 digits), dates before Excel's 1900, times, durations, booleans.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=4),
    st.sampled_from(["", " ", "1,5", "1 234,5", "31/02/2026", "=1+1", "#N/A", "nan", "1e309", "-0", "_x0000_"]),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.booleans(),
)


@st.composite
def workbook_with_hostile_cells(draw: st.DrawFn) -> tuple[str, bytes]:
    """A kind, and its valid workbook with one to four cells (the header row, a new column or a new
    row included) replaced by hostile values, the sheet maybe cut short (down to nothing)."""
    kind = draw(st.sampled_from(sorted(TABLES)))
    table = [list(row) for row in TABLES[kind]]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.integers(0, len(table)))
        column = draw(st.integers(0, len(table[0])))
        if row == len(table):
            table.append([None] * len(table[0]))
        table[row][column:column + 1] = [draw(CELL_VALUES)]
    rows_kept = draw(st.none() | st.integers(0, len(table)))  # None keeps them all
    return kind, xlsx_bytes(table[:rows_kept])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the valid files (and the workshops the products name); examples import into
    copies of it so that each starts from the same data, whatever the one before wrote."""
    folder = tmp_path_factory.mktemp("mutations")
    (folder / "workshops.csv").write_text(WORKSHOPS_CSV, encoding="utf-8")
    files = [FileToImport("workshops", folder / "workshops.csv")]
    for kind in TABLES:
        (folder / f"{kind}.csv").write_bytes(VALID_FILES[kind, ".csv"])
        files.append(FileToImport(kind, folder / f"{kind}.csv"))
    with Store(folder / "template.duckdb") as store:
        outcome = import_files(store, files, today=TODAY)
        assert outcome.ok, [report.lines() for report in outcome.reports]
    return folder / "template.duckdb"


@contextmanager
def _store_copy(template: Path) -> Iterator[tuple[Store, Path]]:
    """A copy of the template store, and the folder (removed afterwards) it lies in."""
    with tempfile.TemporaryDirectory(prefix="sop_mutation_") as name:
        folder = Path(name)
        shutil.copy(template, folder / "store.duckdb")
        with Store(folder / "store.duckdb") as store:
            yield store, folder


def _data_state(store: Store) -> dict[str, object]:
    """Rows of every table but the import history (a refusal is recorded there, by design), a
    checksum of every stored product and order line, and the version the caches key on."""
    tables = [name for (name,) in store.query(
        "SELECT table_name FROM duckdb_tables() WHERE table_name <> 'import_batches'").itertuples(index=False)]
    state: dict[str, object] = {table: store.scalar(f"SELECT count(*) FROM {table}") for table in tables}
    for table in ("products", "orders"):
        state[f"{table} checksum"] = store.scalar(
            f"SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) FROM {table} t")
    state["data_version"] = store.data_version()
    return state


def _assert_refusals_say_why(outcome: ImportOutcome) -> None:
    for report in outcome.reports:
        if not report.ok:
            assert report.errors, f"{report.file_name} refused without an error"
            for finding in report.errors:  # in both languages: a key missing from a catalogue raises
                assert all(finding.describe(report.file_name, lang) for lang in LANGUAGES)


def _import(store: Store, folder: Path, kind: str, suffix: str, content: bytes) -> ImportOutcome:
    path = folder / f"{kind}{suffix}"
    path.write_bytes(content)
    return import_files(store, [FileToImport(kind, path)], today=TODAY)


def _assert_answered_and_refusal_changes_nothing(template: Path, kind: str, suffix: str, content: bytes) -> None:
    """The three properties, for one file: see the module's docstring."""
    with _store_copy(template) as (store, folder):
        before = _data_state(store)
        try:
            outcome = _import(store, folder, kind, suffix, content)
        except SAID_ERRORS as error:
            event(f"raised {type(error).__name__}")
            assert _data_state(store) == before
            return
        event("imported" if outcome.ok else "refused")  # --hypothesis-show-statistics: how far mutations reach
        _assert_refusals_say_why(outcome)
        if not outcome.ok:
            assert _data_state(store) == before


@pytest.mark.parametrize(("kind", "suffix"), sorted(VALID_FILES))
def test_the_files_before_mutation_are_imported(template: Path, kind: str, suffix: str) -> None:
    """Without this the properties below could hold because every file is refused."""
    with _store_copy(template) as (store, folder):
        outcome = _import(store, folder, kind, suffix, VALID_FILES[kind, suffix])
        assert outcome.ok, [report.lines() for report in outcome.reports]
        assert outcome.reports[0].rows_read == len(TABLES[kind]) - 1


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(WRITERS))
@PROPERTY
@given(file=st.data())
def test_a_mutated_file_is_answered_and_its_refusal_changes_nothing(
    template: Path, suffix: str, file: st.DataObject
) -> None:
    kind, content = file.draw(mutated_file(suffix))
    _assert_answered_and_refusal_changes_nothing(template, kind, suffix, content)


@pytest.mark.slow
@PROPERTY
@given(file=workbook_with_hostile_cells())
@example(file=("orders", xlsx_bytes([])))  # crashed: DuckDB cannot view a sheet of no columns
def test_hostile_cells_in_a_workbook_are_answered_and_their_refusal_changes_nothing(
    template: Path, file: tuple[str, bytes]
) -> None:
    kind, content = file
    _assert_answered_and_refusal_changes_nothing(template, kind, ".xlsx", content)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_an_empty_first_sheet_is_refused_naming_the_sheet(template: Path, lang: str) -> None:
    """Reached by the property above (a sheet cut down to nothing), pinned here: an empty sheet (a
    cover page, a blank export) escaped as DuckDB's "Need a DataFrame with at least one column"
    instead of a refusal."""
    with _store_copy(template) as (store, folder):
        outcome = _import(store, folder, "orders", ".xlsx", xlsx_bytes([]))
        assert not outcome.ok
        said = " ".join(outcome.reports[0].lines(lang))
        assert {"en": "the sheet 'Sheet' is empty", "fr": "la feuille 'Sheet' est vide"}[lang] in said
