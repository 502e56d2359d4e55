"""Read and validate a file of one kind into rows ready to store. Never writes to the store.

The work runs in a private in-memory DuckDB: the file is loaded as text, parsed column by column
in SQL, checked (see `validation`), and handed back as an Arrow table in canonical columns together
with the report. The store then writes it in one transaction, or nothing when the report refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from sop_core.common import Message
from sop_core.data import DERIVED_DEFAULTS, Column, Kind, first_row, get_kind
from sop_core.imports import parsing
from sop_core.imports.headers import ResolvedHeaders, resolve_headers
from sop_core.imports.mapping import ColumnMapping
from sop_core.imports.reading import FileReadError, read_raw
from sop_core.imports.report import Finding, ImportReport
from sop_core.imports.validation import BAD_ROWS, KNOWN_KEYS, TYPED, build_checks, raw, run_checks

RAW = "raw"
# DuckDB's row group size. Rows handed to the store in batches of this size fill whole row groups;
# other sizes leave a partial row group per batch, which the next checkpoint rewrites (0.35 s per
# million rows).
ROW_GROUP_ROWS = 122_880
SQL_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "date": "DATE"}
TYPED_VALUES = "typed_values"  # the parsed values; the `typed` view adds the raw text of text columns


@dataclass(frozen=True)
class StagedImport:
    """A validated file: `rows` in canonical columns (None when refused) and its report."""

    kind: Kind
    report: ImportReport
    rows: pa.Table | None = None
    new_skus: tuple[str, ...] = field(default=())


def _raw_sources(headers: ResolvedHeaders, name: str) -> list[str]:
    return [f"c{i}" for i in headers.sources.get(name, [])]


def guess_decimal(con: duckdb.DuckDBPyConnection, kind: Kind, headers: ResolvedHeaders) -> str:
    """',' when the file's numbers are mostly written with a decimal comma, else '.'."""
    sources = [s for c in kind.columns if c.type == "number" for s in _raw_sources(headers, c.name)]
    if not sources:
        return "."
    # Thousands spaces and units removed first: "1 234,5" alone settles the decimal comma.
    cleaned = [parsing.without_noise(s) for s in sources]
    values = " UNION ALL ".join(f"SELECT {sql.text} AS v FROM {RAW}" for sql in cleaned)
    # Each pattern needs its separator, so the regexp only runs on values that contain it: a CASE
    # skips the others (DuckDB would evaluate both sides of an AND), halving the scan.
    evidence = "count(*) FILTER (WHERE CASE WHEN contains(v, '{0}') THEN regexp_full_match(v, ?) END)"
    comma, dot = first_row(
        con,
        f"SELECT {evidence.format(',')}, {evidence.format('.')} FROM ({values})",
        [parsing.DECIMAL_COMMA_VALUE, parsing.DECIMAL_DOT_VALUE, *(p for sql in cleaned for p in sql.params)],
    )
    return "," if comma > dot else "."


# Rows sampled to tell whether a number column repeats its values enough to parse them once.
_SAMPLE_ROWS = 10_000


@dataclass
class _Lookups:
    """Tables (text -> parsed value) that `typed` joins: each distinct text is parsed only once.

    A date format that does not fit costs DuckDB's strptime about 0.5 µs (it builds an error
    message), and a dd/mm/yyyy date fails six formats before its own: about 4 s per date column of
    a million rows when every cell is parsed. Dates and quantities repeat (a few hundred days in a
    million order lines), so parsing the distinct texts and joining back is much faster, with the
    same value per cell. Texts are kept untrimmed (the parsers trim) so the join needs no trim.
    """

    joins: list[str] = field(default_factory=list)

    def parse_once(self, con: duckdb.DuckDBPyConnection, source: str, parsed: parsing.Sql) -> parsing.Sql:
        """`parsed` is written over a column named `text`; returns the joined value."""
        table = f"_parsed_{len(self.joins)}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT text, {parsed.text} AS value "
            f"FROM (SELECT DISTINCT {source} AS text FROM {RAW})",
            parsed.params,
        )
        # DISTINCT texts: each row of the file matches at most one row, so none is repeated.
        self.joins.append(f" LEFT JOIN {table} ON {table}.text = {RAW}.{source}")
        return parsing.Sql(f"{table}.value")


def _repeats(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """True when the first rows of `source` hold few distinct texts (quantities, not amounts).

    Parsing distinct texts pays off for those; a column of all-different amounts is cheaper to
    parse cell by cell (its regexps cost less than a DISTINCT and a join over a million texts).
    """
    distinct, rows = first_row(
        con, f"SELECT count(DISTINCT v), count(*) FROM (SELECT {source} AS v FROM {RAW} LIMIT {_SAMPLE_ROWS})"
    )
    return int(distinct) * 10 <= int(rows)


def _parsed(
    con: duckdb.DuckDBPyConnection, column: Column, sources: list[str], decimal: str,
    formats: tuple[str, ...], lookups: _Lookups,
) -> parsing.Sql:
    parts = []
    for source in sources:
        if column.type == "date" and column.first_of_month:
            parts.append(lookups.parse_once(con, source, parsing.month("text", formats)))
        elif column.type == "date":
            parts.append(lookups.parse_once(con, source, parsing.date("text", formats)))
        elif column.type == "number" and _repeats(con, source):
            parts.append(lookups.parse_once(con, source, parsing.number("text", decimal)))
        elif column.type == "number":
            parts.append(parsing.number(source, decimal))
        else:
            parts.append(parsing.cleaned(source))
    return parsing.coalesce(parts)


def _typed_columns(
    con: duckdb.DuckDBPyConnection, kind: Kind, headers: ResolvedHeaders, mapping: ColumnMapping,
    decimal: str, lookups: _Lookups,
) -> list[parsing.Sql]:
    """`value AS name` (and `text AS name__raw` for numbers and dates) per column of the file."""
    out = []
    for column in kind.columns:
        sources = _raw_sources(headers, column.name)
        if not sources:
            continue
        formats = headers.formats.get(column.name, ()) + mapping.date_formats + parsing.DEFAULT_DATE_FORMATS
        value = _parsed(con, column, sources, decimal, formats, lookups)
        out.append(parsing.Sql(f'{value.text} AS "{column.name}"', value.params))
        if column.type != "text":  # a text column's cleaned value is its raw text: not stored twice
            text = parsing.coalesce([parsing.cleaned(s) for s in sources])
            out.append(parsing.Sql(f"{text.text} AS {raw(column.name)}", text.params))
    return out


def _build_typed(
    con: duckdb.DuckDBPyConnection, kind: Kind, headers: ResolvedHeaders, mapping: ColumnMapping,
    decimal: str,
) -> None:
    """The `typed` view: one parsed column and its raw text per column of the kind in the file."""
    lookups = _Lookups()
    columns = _typed_columns(con, kind, headers, mapping, decimal, lookups)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {TYPED_VALUES} AS SELECT {RAW}._row, "
        f"{', '.join(c.text for c in columns) or '1 AS _none'} FROM {RAW}{''.join(lookups.joins)}",
        [p for c in columns for p in c.params],
    )
    for name, days_index in headers.day_sources.items():
        _add_derived_date(con, name, mapping.derived[name].date, f"c{days_index}", decimal)
    for column in kind.columns:
        if column.fallback and headers.present(column.fallback):
            _fill_from_fallback(con, column, headers)
    text_raws = [f'"{c.name}" AS {raw(c.name)}' for c in kind.columns
                 if c.type == "text" and headers.present(c.name)]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {TYPED} AS SELECT {', '.join(['*', *text_raws])} FROM {TYPED_VALUES}")


def _fill_from_fallback(con: duckdb.DuckDBPyConnection, column: Column, headers: ResolvedHeaders) -> None:
    """An empty (or absent) `line` takes the SKU, so order lines still have a key."""
    if not headers.present(column.name):
        con.execute(f'ALTER TABLE {TYPED_VALUES} ADD COLUMN "{column.name}" {SQL_TYPES[column.type]}')
        headers.filled.add(column.name)
    con.execute(
        f'UPDATE {TYPED_VALUES} SET "{column.name}" = "{column.fallback}" WHERE "{column.name}" IS NULL'
    )


def _add_derived_date(
    con: duckdb.DuckDBPyConnection, name: str, base: str, days_source: str, decimal: str
) -> None:
    days = parsing.number(f"r.{days_source}", decimal)
    con.execute(f'ALTER TABLE {TYPED_VALUES} ADD COLUMN "{name}" DATE')
    con.execute(f"ALTER TABLE {TYPED_VALUES} ADD COLUMN {raw(name)} VARCHAR")
    con.execute(
        f'UPDATE {TYPED_VALUES} t SET "{name}" = t."{base}" + CAST(round({days.text}) AS INTEGER), '
        f"{raw(name)} = nullif(trim(r.{days_source}), '') FROM {RAW} r WHERE r._row = t._row",
        days.params,
    )


def _key_columns(kind: Kind, headers: ResolvedHeaders) -> list[str]:
    return [f'"{k}"' if headers.present(k) else "NULL" for k in kind.key]


def _register_known_keys(con: duckdb.DuckDBPyConnection, known: Mapping[str, Collection[str]]) -> None:
    pairs = [(target, str(key)) for target, keys in known.items() for key in keys]
    table = pa.table({"target": [t for t, _ in pairs], "key": [k for _, k in pairs]},
                     schema=pa.schema([("target", pa.string()), ("key", pa.string())]))
    con.register("_known_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KNOWN_KEYS} AS SELECT * FROM _known_arrow")
    con.unregister("_known_arrow")


def _value_with_default(kind: Kind, column: Column, headers: ResolvedHeaders) -> str:
    value = f'"{column.name}"' if headers.present(column.name) else "NULL"
    derived = DERIVED_DEFAULTS.get(kind.name, {}).get(column.name)
    if derived and headers.present(derived[0]):
        value = f'coalesce({value}, "{derived[0]}" * {derived[1]})'
    if column.default is not None:
        value = f"coalesce({value}, {column.default})"
    return f'CAST({value} AS {SQL_TYPES[column.type]}) AS "{column.name}"'


def _output_rows(con: duckdb.DuckDBPyConnection, kind: Kind, headers: ResolvedHeaders) -> pa.Table:
    values = ", ".join(_value_with_default(kind, c, headers) for c in kind.columns)
    rows = f"SELECT {values} FROM {TYPED} WHERE _row NOT IN (SELECT _row FROM {BAD_ROWS})"
    if kind.on_duplicate == "sum":
        summed = ", ".join(
            f'sum("{c.name}") AS "{c.name}"' if c.type == "number" and c.name not in kind.key
            else f'"{c.name}"' if c.name in kind.key else f'any_value("{c.name}") AS "{c.name}"'
            for c in kind.columns
        )
        keys = ", ".join(f'"{k}"' for k in kind.key)
        rows = f"SELECT {summed} FROM ({rows}) GROUP BY {keys}"
    return con.sql(rows).to_arrow_table(batch_size=ROW_GROUP_ROWS)


def _note_summed_duplicates(
    con: duckdb.DuckDBPyConnection, kind: Kind, headers: ResolvedHeaders, report: ImportReport
) -> None:
    if kind.on_duplicate != "sum":
        return
    key_sql = ", ".join(_key_columns(kind, headers))
    extra = first_row(con, f"SELECT count(*) - count(DISTINCT ({key_sql})) FROM {TYPED}")
    if extra[0]:
        report.add(Finding(
            "warning", "summed_rows",
            Message("imports.summed_rows", {"count": int(extra[0]), "columns": " + ".join(kind.key)}),
            Message("imports.summed_rows.fix"), count=int(extra[0]),
        ))


def _new_skus(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> tuple[str, ...]:
    con.register("_out", rows)
    try:
        found = con.execute(
            f"SELECT DISTINCT sku FROM _out WHERE sku NOT IN "
            f"(SELECT key FROM {KNOWN_KEYS} WHERE target = 'products') ORDER BY sku"
        ).fetchall()
    finally:
        con.unregister("_out")
    return tuple(str(s) for (s,) in found)


def _with_file_headers(
    report: ImportReport, headers: ResolvedHeaders, file_headers: tuple[str, ...]
) -> None:
    """Name columns as the file does ("Coût unitaire (unit_cost)") so users find them."""
    for i, finding in enumerate(report.findings):
        sources = headers.sources.get(finding.column or "", [])
        label = file_headers[sources[0]] if sources else None
        if label and label != finding.column:
            report.findings[i] = replace(finding, column=f"{label} ({finding.column})")


def validate_file(
    path: Path,
    kind_name: str,
    *,
    mapping: ColumnMapping | None = None,
    known_keys: Mapping[str, Collection[str]] | None = None,
    today: dt.date,
    sheet: str | None = None,
    file_name: str | None = None,
) -> StagedImport:
    """Parse and check `path` as `kind_name`; the report says what is wrong, where, and the fix.

    `known_keys` maps a referenced kind ("products", "workshops") to the keys already stored, so a
    file can be checked against the store without touching it. `today` dates the warnings.
    """
    kind = get_kind(kind_name)
    mapping = mapping or ColumnMapping()
    report = ImportReport(file_name or path.name, kind.name,
                          skip_invalid_rows=mapping.skip_invalid_rows)
    with duckdb.connect(":memory:") as con:
        try:
            raw_file = read_raw(con, path, RAW, sheet or mapping.sheet)
        except FileReadError as exc:
            fix = "imports.unreadable.fix_path" if not path.is_file() else "imports.unreadable.fix_format"
            report.add(Finding("error", "unreadable", Message("imports.unreadable", {"error": exc.message}),
                               Message(fix)))
            return StagedImport(kind, report)
        report.findings.extend(raw_file.findings)
        headers = resolve_headers(raw_file.headers, kind, mapping)
        report.findings.extend(headers.findings)
        report.rows_read = int(first_row(con, f"SELECT count(*) FROM {RAW}")[0])
        if not report.rows_read:
            report.add(Finding("error", "no_rows", Message("imports.no_rows"), Message("imports.no_rows.fix")))
        decimal = mapping.decimal or guess_decimal(con, kind, headers)
        report.read_as = Message("imports.read.decimal_comma" if decimal == "," else "imports.read.decimal_point",
                                 {"how": raw_file.description})
        _build_typed(con, kind, headers, mapping, decimal)
        _register_known_keys(con, known_keys or {})
        lenient = mapping.register_unknown_skus
        run_checks(con, build_checks(kind, headers, today, _key_columns(kind, headers), lenient), report)
        report.rows_rejected = int(first_row(con, f"SELECT count(DISTINCT _row) FROM {BAD_ROWS}")[0])
        _with_file_headers(report, headers, raw_file.headers)
        if not report.ok:
            return StagedImport(kind, report)
        _note_summed_duplicates(con, kind, headers, report)
        rows = _output_rows(con, kind, headers)
        new = _new_skus(con, rows) if lenient and any(
            r.target == "products" for r in kind.references) else ()
        return StagedImport(kind, report, rows, new)
