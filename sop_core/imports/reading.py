"""Read a CSV, XLSX or Parquet file into a DuckDB view of text columns, untouched.

Everything stays text here so that parsing (decimal comma, French dates) and validation happen in
one place, `importers`, with the original value at hand for error messages. The `_row` column is
the row number as a spreadsheet shows it (header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from sop_core.common import Message, MessageError
from sop_core.data import first_row
from sop_core.imports.limits import check_csv_header, check_workbook
from sop_core.imports.report import MAX_EXAMPLE_ROWS, Finding, rows_term

ROW = "_row"
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
_CHUNK = 1 << 20
# Past DuckDB's 2 MB line limit: a line this long is refused by the read anyway, so it may be cut
# anywhere rather than held whole in memory.
_MAX_PENDING = 4 * _CHUNK


class FileReadError(MessageError):
    """The file cannot be read at all (not a table, wrong format, missing sheet...)."""


@dataclass
class _NonAsciiRows:
    """The rows of one encoding holding non-ASCII bytes: the first few numbers, and how many in all."""

    first: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, row: int) -> None:
        if len(self.first) < MAX_EXAMPLE_ROWS:
            self.first.append(row)
        self.count += 1

    def term(self) -> Message:
        return rows_term(tuple(self.first), self.count)


@dataclass
class _LineEncodings:
    """Decodes a file that is not all UTF-8 line by line, and remembers which rows were read how.

    DuckDB reads UTF-8 and Latin-1 natively, but cp1252 differs from Latin-1 exactly where French
    files put their euro signs and curly apostrophes, so such a file is transcoded rather than
    misread. It is done per line because a file appended to by two programs holds UTF-8 rows among
    cp1252 ones: read whole as cp1252, `Pièce` would be stored as `PiÃ¨ce`. A cp1252 line of
    accented text is almost never valid UTF-8, so a line that is valid UTF-8 is read as UTF-8.
    """

    utf8: _NonAsciiRows = field(default_factory=_NonAsciiRows)
    cp1252: _NonAsciiRows = field(default_factory=_NonAsciiRows)

    def decode_line(self, line: bytes, row: int) -> str:
        if line.isascii():
            return line.decode("ascii")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self.cp1252.add(row)
            return line.decode("cp1252", errors="replace")
        self.utf8.add(row)
        return text

    def decode_lines(self, block: bytes, first_row: int) -> str:
        """`block`'s lines, the first being row `first_row`; an all-ASCII block in one go."""
        if block.isascii():
            return block.decode("ascii")
        lines = block.split(b"\n")  # the newline byte is ASCII in both encodings
        return "\n".join(self.decode_line(line, row) for row, line in enumerate(lines, first_row))

    def findings(self) -> tuple[Finding, ...]:
        """A warning when the file holds rows of both encodings: every value was read right, but the
        file itself is inconsistent and the next program to open it may misread half of it."""
        if not (self.utf8.count and self.cp1252.count):
            return ()
        return (Finding("warning", "mixed_encodings",
                        Message("imports.mixed_encodings",
                                {"utf8_rows": self.utf8.term(), "cp1252_rows": self.cp1252.term()}),
                        Message("imports.mixed_encodings.fix")),)


def _complete_lines_end(block: bytes) -> int:
    """Where the complete lines of `block` end; the whole block when one line is past the limit."""
    end = block.rfind(b"\n") + 1
    return end if end or len(block) < _MAX_PENDING else len(block)


def _transcode_to_utf8(path: Path, target: Path) -> _LineEncodings:
    """Write `path` (not all UTF-8) to `target` in UTF-8, a chunk of complete lines at a time."""
    encodings = _LineEncodings()
    row, pending = 1, b""
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        if source.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            source.seek(0)  # a BOM is the file's signature, not row 1's content
        while chunk := source.read(_CHUNK):
            block = pending + chunk
            end = _complete_lines_end(block)
            sink.write(encodings.decode_lines(block[:end], row))
            row += block.count(b"\n", 0, end)
            pending = block[end:]
        sink.write(encodings.decode_lines(pending, row))
    return encodings


def _not_utf8(exc: duckdb.Error) -> bool:
    return "not utf-8 encoded" in str(exc).lower() or "invalid unicode" in str(exc).lower()


def _header_delimiter(path: Path) -> str | None:
    """The separator of the header line (; tab , |), or None to let DuckDB's sniffer decide; a
    header of more columns than the limit is refused here, before DuckDB reads a row.

    DuckDB sniffs from the data rows and can be fooled by a ragged or single-column file; the
    header line of an export is regular, and the stdlib sniffer reads one line reliably.
    """
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = next((line for line in handle if line.strip()), "")
    try:
        delimiter: str | None = csv.Sniffer().sniff(first[:65536], delimiters=";\t,|").delimiter
    except csv.Error:
        delimiter = None
    refused = check_csv_header(first, delimiter)
    if refused is not None:
        raise FileReadError(refused)
    return delimiter


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> tuple[str, tuple[Finding, ...]]:
    """Read as UTF-8 (DuckDB checks every byte while it reads); on invalid UTF-8, each line as UTF-8
    or cp1252, with a warning when the file mixes both. Returns the encoding and that warning."""
    if path.stat().st_size == 0:
        raise FileReadError(Message("imports.read_error.empty"))
    try:
        _read_utf8_csv(con, path, table)
        return "utf-8", ()
    except FileReadError as exc:
        if not isinstance(exc.__cause__, duckdb.Error) or not _not_utf8(exc.__cause__):
            raise
    tmp_dir = Path(tempfile.mkdtemp(prefix="sop_import_"))
    try:
        target = tmp_dir / "utf8.csv"
        encodings = _transcode_to_utf8(path, target)
        _read_utf8_csv(con, target, table)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return "cp1252", encodings.findings()


def _read_utf8_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    # all_varchar keeps every value as typed so our parser decides what `1,5` or `01/02/24`
    # means. The header is read as the first data row so that no header text ever becomes an
    # SQL identifier.
    options = "all_varchar = true, header = false, strict_mode = false, sample_size = 20480"
    delimiter = _header_delimiter(path)
    if delimiter:
        options += ", delim = " + {";": "';'", "\t": "'\\t'", ",": "','", "|": "'|'"}[delimiter]
    try:
        _create_raw(con, table, f"read_csv(?, {options})", [str(path)], first_row=1)
    except duckdb.InterruptException:
        raise  # Ctrl-C or SIGTERM inside the read: stop; neither read again nor call the file unreadable
    except duckdb.Error as first_error:
        if _not_utf8(first_error):
            raise FileReadError(Message("imports.read_error.not_utf8")) from first_error
        # Ragged rows need null padding, which DuckDB only does with the serial reader.
        try:
            _create_raw(
                con, table, f"read_csv(?, {options}, null_padding = true, parallel = false)",
                [str(path)], first_row=1,
            )
        except duckdb.InterruptException:
            raise
        except duckdb.Error as exc:
            if "maximum line size" in str(exc).lower():
                raise FileReadError(Message("imports.limit.line")) from exc
            raise FileReadError(Message("imports.read_error.csv", {"detail": _first_line(exc)})) from exc


def _cells(table: str) -> str:
    """The table under the view `table`: the source's cells, in the source's order."""
    return f"{table}_cells"


def _create_raw(
    con: duckdb.DuckDBPyConnection, table: str, source: str, params: list[object], first_row: int
) -> None:
    """View `table` = `_row` (numbered from `first_row`) then the source's columns as c0, c1, ...

    The cells are stored as read, in order (DuckDB preserves insertion order), so a row's number is
    its `rowid` plus `first_row`: numbering with `row_number() OVER ()` would make the read run on
    one thread (0.4 s more per million rows). Renaming columns is metadata only, where selecting
    them under new names would need the names first, so a second sniff of the file.
    """
    cells = _cells(table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {cells} AS SELECT * FROM {source}", params)
    generated = [name for name, *_ in con.execute(f"DESCRIBE {cells}").fetchall()]
    for i, name in enumerate(generated):  # DuckDB's own names (column0...), never a header's text
        if name != f"c{i}":
            con.execute(f'ALTER TABLE {cells} RENAME COLUMN "{name}" TO c{i}')
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS "
        f"SELECT rowid + {first_row} AS {ROW}, * FROM {cells}"
    )


def _pop_header_row(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Take row 1 (the header) out of `table` and return its cells as the headers."""
    row = first_row(con, f"SELECT * EXCLUDE ({ROW}) FROM {table} WHERE {ROW} = 1")
    con.execute(f"DELETE FROM {_cells(table)} WHERE rowid = 0")  # row 1; other rowids stay put
    return ["" if cell is None else str(cell).strip() for cell in row]


def _excel_cell_text(value: object) -> str | None:
    """Excel cells arrive typed; turn them into the text a CSV export of the same cell would hold."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_frame(path: Path, sheet: str | None) -> pd.DataFrame:
    """The sheet's cells as typed; a sheet the workbook lacks, or an empty one, is said with the
    sheets it has; a workbook that would unpack to too much is refused before it is opened."""
    refused = check_workbook(path)
    if refused is not None:
        raise FileReadError(refused)
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = {"sheets": [repr(s) for s in book.sheet_names]}
            if sheet and sheet not in book.sheet_names:
                raise FileReadError(Message("imports.read_error.no_sheet", {"sheet": repr(sheet), **sheets}))
            frame = book.parse(sheet_name=sheet or 0, dtype=object, header=None)
            if frame.columns.empty:  # a blank sheet (a cover page...): DuckDB cannot view a table of no column
                raise FileReadError(Message("imports.read_error.empty_sheet",
                                            {"sheet": repr(sheet or book.sheet_names[0]), **sheets}))
            return frame
    except FileReadError:
        raise
    except Exception as exc:  # openpyxl raises many types for a corrupt or non-Excel file
        raise FileReadError(Message("imports.read_error.excel", {"detail": _first_line(exc)})) from exc


def _read_excel(con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None) -> None:
    frame = _excel_frame(path, sheet)
    text = pd.DataFrame(
        {f"c{i}": [_excel_cell_text(v) for v in frame[col]] for i, col in enumerate(frame.columns)},
        dtype=object,
    )
    con.register("_excel_frame", text)
    try:
        _create_raw(con, table, "(SELECT COLUMNS(*)::VARCHAR FROM _excel_frame)", [], first_row=1)
    finally:
        con.unregister("_excel_frame")


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> list[str]:
    try:
        arrow = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise FileReadError(Message("imports.read_error.parquet", {"detail": _first_line(exc)})) from exc
    con.register("_parquet_body", arrow.rename_columns([f"c{i}" for i in range(arrow.num_columns)]))
    try:
        _create_raw(con, table, "(SELECT COLUMNS(*)::VARCHAR FROM _parquet_body)", [], first_row=2)
    finally:
        con.unregister("_parquet_body")
    return list(arrow.column_names)


@dataclass(frozen=True)
class RawFile:
    """What `read_raw` found: the headers as written, how the file was understood, and what the
    report should warn about the file itself (a CSV mixing two encodings)."""

    headers: tuple[str, ...]
    description: Message
    findings: tuple[Finding, ...] = ()


def read_raw(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, sheet: str | None = None
) -> RawFile:
    """Load `path`'s data rows into temp view `table` (`_row`, c0, c1... all text).

    The description ("CSV, cp1252", "Excel, sheet 'Articles'") goes into the report so a user sees
    how the file was understood. Fully empty rows (Excel's trailing `;;;;`) are dropped.
    """
    suffix = path.suffix.lower()
    findings: tuple[Finding, ...] = ()
    if not path.is_file():
        raise FileReadError(Message("imports.read_error.not_found"))
    if suffix in PARQUET_SUFFIXES:
        headers, description = _read_parquet(con, path, table), Message("imports.read.parquet")
    else:
        if suffix in EXCEL_SUFFIXES:
            _read_excel(con, path, table, sheet)
            description = (Message("imports.read.excel_sheet", {"sheet": repr(sheet)}) if sheet
                           else Message("imports.read.excel_first"))
        elif suffix in CSV_SUFFIXES or not suffix:
            encoding, findings = _read_csv(con, path, table)
            description = Message("imports.read.csv", {"encoding": encoding})
        else:
            raise FileReadError(Message("imports.read_error.suffix", {"suffix": repr(suffix)}))
        headers = _pop_header_row(con, table)
    if headers:
        # DuckDB reads an empty cell as NULL: Excel's trailing `;;;;` rows are all NULL.
        all_empty = " AND ".join(f"c{i} IS NULL" for i in range(len(headers)))
        con.execute(f"DELETE FROM {_cells(table)} WHERE {all_empty}")
    return RawFile(tuple(headers), description, findings)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
