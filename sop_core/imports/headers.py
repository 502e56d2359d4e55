"""Match a file's headers to the canonical columns of a kind, through the mapping then the aliases."""

from __future__ import annotations

from dataclasses import dataclass, field

from sop_core.common import Message
from sop_core.data import Kind, normalize_header
from sop_core.imports.mapping import ColumnMapping
from sop_core.imports.report import Finding, kind_term

# How to drop unknown columns: the checkbox's label is the page's wording of it.
IGNORE_EXTRA = Message("imports.ignore_extra", {"checkbox": Message("data.import.extra")})


@dataclass
class ResolvedHeaders:
    """Canonical column -> raw column indexes (first non-empty wins), plus what was left aside."""

    sources: dict[str, list[int]] = field(default_factory=dict)
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    day_sources: dict[str, int] = field(default_factory=dict)  # derived column -> days column
    filled: set[str] = field(default_factory=set)  # absent columns filled from their fallback
    findings: list[Finding] = field(default_factory=list)

    def present(self, name: str) -> bool:
        return name in self.sources or name in self.day_sources or name in self.filled


def _alias_table(kind: Kind) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in kind.columns:
        for alias in (column.name, *column.aliases):
            table.setdefault(normalize_header(alias), column.name)
    return table


def _header_label(headers: tuple[str, ...], index: int) -> str | Message:
    """A header as a sentence quotes it; a column without one by its number."""
    return repr(headers[index]) if headers[index] else Message("imports.no_header", {"number": index + 1})


def _find_header(headers: tuple[str, ...], wanted: str) -> int | None:
    for exact in (True, False):
        for i, header in enumerate(headers):
            if (header == wanted) if exact else (normalize_header(header) == normalize_header(wanted)):
                return i
    return None


def _error(code: str, message: Message, fix: Message, column: str | None = None) -> Finding:
    return Finding("error", code, message, fix, column=column)


class _Resolver:
    def __init__(self, headers: tuple[str, ...], kind: Kind, mapping: ColumnMapping) -> None:
        self.headers, self.kind, self.mapping = headers, kind, mapping
        self.result = ResolvedHeaders()
        self.used: set[int] = set()

    def locate(self, wanted: str, where: str) -> int | None:
        index = _find_header(self.headers, wanted)
        if index is None:
            self.result.findings.append(_error(
                "mapping_column_missing",
                Message("imports.mapping_column_missing", {"where": where, "column": repr(wanted)}),
                Message("imports.mapping_column_missing.fix", {"columns": [repr(h) for h in self.headers]}),
            ))
        else:
            self.used.add(index)
        return index

    def apply_mapping(self) -> None:
        for name, source in self.mapping.columns.items():
            found = [self.locate(s, f"columns.{name}") for s in source.sources]
            indexes = [i for i in found if i is not None]
            if indexes:
                self.result.sources[name] = indexes
                self.result.formats[name] = source.formats
        for name, rule in self.mapping.derived.items():
            index = self.locate(rule.plus_days, f"derived.{name}")
            if index is not None:
                self.result.day_sources[name] = index

    def apply_aliases(self) -> None:
        aliases = _alias_table(self.kind)
        matched: dict[str, list[int]] = {}
        for i, header in enumerate(self.headers):
            name = aliases.get(normalize_header(header))
            if i in self.used or name is None or self.result.present(name):
                continue
            matched.setdefault(name, []).append(i)
        for name, indexes in matched.items():
            if len(indexes) > 1:
                labels = [_header_label(self.headers, i) for i in indexes]
                self.result.findings.append(_error(
                    "ambiguous_column", Message("imports.ambiguous_column", {"columns": labels, "name": repr(name)}),
                    Message("imports.ambiguous_column.fix"), name,
                ))
            self.result.sources[name] = indexes[:1]
            self.used.update(indexes)

    def check_leftovers(self) -> None:
        left = [_header_label(self.headers, i) for i in range(len(self.headers)) if i not in self.used]
        if left and self.mapping.ignore_unmapped:
            self.result.findings.append(Finding(
                "warning", "ignored_columns", Message("imports.ignored_columns", {"columns": left}),
                Message("imports.ignored_columns.fix"), count=len(left),
            ))
        elif left:
            accepted = [c.name for c in self.kind.columns]
            self.result.findings.append(_error(
                "unknown_columns", Message("imports.unknown_columns", {"columns": left}),
                Message("imports.unknown_columns.fix", {"kind": kind_term(self.kind.name), "accepted": accepted,
                                                       "ignore": IGNORE_EXTRA}),
            ))

    def check_required(self) -> None:
        for column in self.kind.columns:
            if column.required and not self.result.present(column.name):
                names = [repr(a) for a in (column.name, *column.aliases[:4])]
                self.result.findings.append(_error(
                    "missing_column", Message("imports.missing_column", {"column": repr(column.name)}),
                    Message("imports.missing_column.fix", {"names": names}), column.name,
                ))
        for group in self.kind.one_of:
            if not any(self.result.present(name) for name in group.columns):
                columns = [repr(name) for name in group.columns]
                names = [repr(a) for name in group.columns
                         for a in (name, *self.kind.column(name).aliases[:2])]
                self.result.findings.append(_error(
                    "missing_one_of", Message("imports.missing_one_of", {"columns": columns}),
                    Message("imports.missing_one_of.fix", {"names": names}), ", ".join(group.columns),
                ))


def resolve_headers(headers: tuple[str, ...], kind: Kind, mapping: ColumnMapping) -> ResolvedHeaders:
    """Which raw column feeds which canonical column; missing, unknown or ambiguous ones reported."""
    resolver = _Resolver(headers, kind, mapping)
    resolver.apply_mapping()
    resolver.apply_aliases()
    resolver.check_leftovers()
    resolver.check_required()
    return resolver.result
