"""Row checks on the parsed file, all in SQL: one scan counts every rule, examples only for failures.

Each rule is a `Check` (an SQL condition over the `typed` table, true for a bad row). Errors mark
their rows in the `bad_rows` table; warnings only inform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from sop_core.common import Message
from sop_core.data import Column, Kind, first_row
from sop_core.imports.headers import ResolvedHeaders
from sop_core.imports.parsing import Sql
from sop_core.imports.report import MAX_EXAMPLE_ROWS, Finding, ImportReport, Severity, kind_term

TYPED, BAD_ROWS, KNOWN_KEYS = "typed", "bad_rows", "known_keys"
FAR_FUTURE_YEARS = 3
# Control characters but tab, line feed and carriage return (RE2 escapes, bound as a parameter).
CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"


@dataclass(frozen=True)
class Check:
    """Rows where `condition` holds break the rule; `shown` is the column whose raw value we quote."""

    condition: Sql
    severity: Severity
    code: str
    message: Message
    fix: Message
    column: str | None = None
    shown: str | None = None


def raw(column: str) -> str:
    return f'"{column}__raw"'


def _column_checks(column: Column) -> list[Check]:
    name, checks = column.name, []
    named = {"column": name}
    if column.required:
        checks.append(Check(
            Sql(f"{raw(name)} IS NULL"), "error", "empty_value", Message("imports.check.empty", named),
            Message("imports.check.empty.fix", named), name,
        ))
    if column.type == "text":  # a NUL or a bell inside a name: garbage from the export, not data
        checks.append(Check(
            Sql(f"regexp_matches({raw(name)}, ?)", [CONTROL_CHARACTERS]), "error", "control_characters",
            Message("imports.check.control_characters", named), Message("imports.check.control_characters.fix"),
            name, name,
        ))
    if column.type != "text":
        what = "imports.check.not_a_date" if column.type == "date" else "imports.check.not_a_number"
        checks.append(Check(
            Sql(f'{raw(name)} IS NOT NULL AND "{name}" IS NULL'), "error", "unparseable",
            Message(what), Message(f"{what}.fix"), name, name,
        ))
    if column.minimum is not None:
        limit = {"column": name, "limit": column.minimum}
        checks.append(Check(
            Sql(f'"{name}" < ?', [column.minimum]), "error", "out_of_range",
            Message("imports.check.negative" if column.minimum == 0 else "imports.check.below", limit),
            Message("imports.check.at_least", limit), name, name,
        ))
    if column.maximum is not None:
        limit = {"column": name, "limit": column.maximum}
        checks.append(Check(
            Sql(f'"{name}" > ?', [column.maximum]), "error", "out_of_range",
            Message("imports.check.above", limit), Message("imports.check.at_most", limit), name, name,
        ))
    return checks


def _date_order_checks(kind: Kind, headers: ResolvedHeaders) -> list[Check]:
    return [
        Check(
            Sql(f'"{later}" < "{earlier}"'), "error", "date_order",
            Message("imports.check.date_order", {"later": later, "earlier": earlier}),
            Message("imports.check.date_order.fix", {"later": later, "earlier": earlier}), later, later,
        )
        for earlier, later in kind.date_order
        if headers.present(earlier) and headers.present(later)
    ]


def _future_checks(kind: Kind, headers: ResolvedHeaders, today: dt.date) -> list[Check]:
    limit = today.replace(year=today.year + FAR_FUTURE_YEARS) if today.month != 2 or today.day != 29 \
        else today + dt.timedelta(days=365 * FAR_FUTURE_YEARS)
    return [
        Check(
            Sql(f'"{c.name}" > ?', [limit]), "warning", "far_future",
            Message("imports.check.far_future", {"column": c.name, "years": FAR_FUTURE_YEARS}),
            Message("imports.check.far_future.fix"), c.name, c.name,
        )
        for c in kind.columns
        if c.type == "date" and headers.present(c.name)
    ]


def _duplicate_check(kind: Kind, key_columns: list[str]) -> Check:
    # The key is packed into a struct because struct equality treats NULL fields as equal, as
    # PARTITION BY would; a GROUP BY and a hash semi-join cost half of `count(*) OVER (PARTITION BY)`.
    key = "struct_pack(" + ", ".join(f"k{i} := {k}" for i, k in enumerate(key_columns)) + ")"
    return Check(
        Sql(f"{key} IN (SELECT {key} FROM {TYPED} GROUP BY ALL HAVING count(*) > 1)"),
        "error", "duplicate_key",
        Message("imports.check.duplicate_key", {"columns": " + ".join(kind.key)}),
        Message("imports.check.duplicate_key.fix"), ", ".join(kind.key),
    )


def _reference_checks(kind: Kind, headers: ResolvedHeaders, lenient_skus: bool) -> list[Check]:
    checks = []
    for ref in kind.references:
        if not headers.present(ref.column):
            continue
        lenient = lenient_skus and ref.target == "products"
        names: dict[str, object] = {"column": ref.column, "target": kind_term(ref.target_kind)}
        problem = "imports.check.unknown_reference" + (".placeholder" if lenient else "")
        fix = "imports.check.unknown_reference.fix"
        if ref.target_column is not None:  # a value of another column (a family of the products)
            names["target_column"] = ref.target_column
            problem, fix = "imports.check.unknown_value", "imports.check.unknown_value.fix"
        checks.append(Check(
            Sql(
                f'"{ref.column}" IS NOT NULL AND "{ref.column}" NOT IN '
                f"(SELECT key FROM {KNOWN_KEYS} WHERE target = ?)",
                [ref.target],
            ),
            "warning" if lenient else "error", "unknown_reference",
            Message(problem, names), Message(fix, names), ref.column, ref.column,
        ))
    return checks


def _filled(columns: list[str]) -> str:
    """SQL: how many of `columns` are filled in on the row."""
    return " + ".join(f'CAST("{c}" IS NOT NULL AS INTEGER)' for c in columns)


def _one_of_checks(kind: Kind, headers: ResolvedHeaders) -> list[Check]:
    """A row fills none of a group's columns (or, for an exclusive group, more than one)."""
    checks = []
    for group in kind.one_of:
        present = [c for c in group.columns if headers.present(c)]
        if not present:  # the headers' check already refused the file
            continue
        named = {"columns": [repr(c) for c in group.columns]}
        where = ", ".join(present)
        fix = "imports.check.one_of.fix_exactly" if group.exclusive else "imports.check.one_of.fix_at_least"
        checks.append(Check(
            Sql(f"{_filled(present)} = 0"), "error", "one_of_missing",
            Message("imports.check.one_of.missing", named), Message(fix, named), where,
        ))
        if group.exclusive and len(present) > 1:
            checks.append(Check(
                Sql(f"{_filled(present)} > 1"), "error", "one_of_both",
                Message("imports.check.one_of.both", named), Message("imports.check.one_of.fix_one", named),
                where, present[0],
            ))
    return checks


def build_checks(
    kind: Kind, headers: ResolvedHeaders, today: dt.date, key_columns: list[str], lenient_skus: bool
) -> list[Check]:
    """Every rule that applies to this file, given which columns it has.

    `key_columns` are the SQL of the key's columns in `typed` (NULL for one the file lacks).
    """
    checks = [chk for c in kind.columns if headers.present(c.name) for chk in _column_checks(c)]
    checks += _date_order_checks(kind, headers)
    checks += _one_of_checks(kind, headers)
    if kind.on_duplicate == "error":
        checks.append(_duplicate_check(kind, key_columns))
    checks += _reference_checks(kind, headers, lenient_skus)
    checks += _future_checks(kind, headers, today)
    return checks


def run_checks(con: duckdb.DuckDBPyConnection, checks: list[Check], report: ImportReport) -> None:
    """Count every check in one pass; only the checks that fail are run again, for their rows.

    A valid file (the common case) costs a single scan; nothing per row is materialised.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {BAD_ROWS} (_row BIGINT)")
    if not checks:
        return
    counts = first_row(
        con,
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c.condition.text})" for c in checks) + f" FROM {TYPED}",
        [p for c in checks for p in c.condition.params],
    )
    for check, count in zip(checks, counts, strict=True):
        if count:
            report.add(_finding(con, check, int(count)))
            if check.severity == "error":
                con.execute(f"INSERT INTO {BAD_ROWS} SELECT _row FROM {TYPED} WHERE {check.condition.text}",
                            check.condition.params)


def _finding(con: duckdb.DuckDBPyConnection, check: Check, count: int) -> Finding:
    shown = raw(check.shown) if check.shown else "NULL"
    examples = con.execute(
        f"SELECT _row, {shown} FROM {TYPED} WHERE {check.condition.text} ORDER BY _row LIMIT {MAX_EXAMPLE_ROWS}",
        check.condition.params,
    ).fetchall()
    values = tuple(dict.fromkeys(str(v) for _, v in examples if v is not None))[:3]
    return Finding(
        check.severity, check.code, check.message, check.fix, column=check.column,
        rows=tuple(int(r) for r, _ in examples), count=count, examples=values,
    )
