"""Column mappings: how to read an ERP export whose headers or formats the aliases do not cover.

A mapping is a small YAML or JSON file (or the same dict built by the import page)::

    kind: orders                      # optional; checked against the kind being imported
    columns:                          # canonical name -> source header (or a list: first non-empty)
      order_id: "PO / SO #"
      delivered_date: {from: "Delivered to Client Date", formats: ["%d-%b-%y"]}
    derived:                          # a date plus a number of days from another column
      promised_date: {date: order_date, plus_days: "Days for shipment (scheduled)"}
    date_formats: ["%m/%d/%Y %H:%M"]  # tried before the default formats, for every date column
    decimal: ","                      # "," or "."; default: guessed from the separator
    ignore_unmapped: true             # other columns are ignored instead of refused
    skip_invalid_rows: true           # reject bad rows (reported) instead of the whole file
    register_unknown_skus: true       # create placeholder products for SKUs not known yet
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sop_core.common import Message, MessageError
from sop_core.data import Kind


class MappingError(MessageError):
    """The mapping file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class SourceColumn:
    """Where a canonical column comes from: one or more source headers and optional date formats."""

    sources: tuple[str, ...]
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class DerivedDate:
    """`target` = the canonical date column `date` plus the number of days in source column `days`."""

    date: str
    plus_days: str


@dataclass(frozen=True)
class ColumnMapping:
    """Everything an import needs beyond the file itself. The empty mapping relies on aliases."""

    columns: Mapping[str, SourceColumn] = field(default_factory=dict)
    derived: Mapping[str, DerivedDate] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    decimal: str | None = None
    ignore_unmapped: bool = False
    skip_invalid_rows: bool = False
    register_unknown_skus: bool = False
    kind: str | None = None
    sheet: str | None = None


_KNOWN_KEYS = {"kind", "columns", "derived", "date_formats", "decimal", "ignore_unmapped",
               "skip_invalid_rows", "register_unknown_skus", "sheet", "description"}


def _as_str_tuple(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise MappingError(Message("imports.mapping.header_list", {"where": where}))
    return tuple(items)


def _source_column(name: str, spec: Any) -> SourceColumn:
    if isinstance(spec, dict):
        unknown = set(spec) - {"from", "formats"}
        if unknown or "from" not in spec:
            raise MappingError(Message("imports.mapping.column_spec", {"name": name, "keys": sorted(spec)}))
        formats = _as_str_tuple(spec["formats"], f"columns.{name}.formats") if "formats" in spec else ()
        return SourceColumn(_as_str_tuple(spec["from"], f"columns.{name}.from"), formats)
    return SourceColumn(_as_str_tuple(spec, f"columns.{name}"))


def _derived(name: str, spec: Any) -> DerivedDate:
    if not isinstance(spec, dict) or set(spec) != {"date", "plus_days"}:
        raise MappingError(Message("imports.mapping.derived_spec", {"name": name}))
    return DerivedDate(str(spec["date"]), str(spec["plus_days"]))


def _check_targets(kind: Kind, names: list[str], section: str) -> None:
    known = {c.name for c in kind.columns}
    for name in names:
        if name not in known:
            raise MappingError(Message("imports.mapping.no_column", {
                "where": f"{section}.{name}", "kind": kind.name, "column": repr(name), "columns": sorted(known)}))


def mapping_from_dict(data: Mapping[str, Any], kind: Kind) -> ColumnMapping:
    """Validate a mapping dict for `kind`; every mistake names its key and the fix."""
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise MappingError(Message("imports.mapping.unknown_keys",
                                   {"keys": sorted(unknown), "allowed": sorted(_KNOWN_KEYS)}))
    if data.get("kind") not in (None, kind.name):
        raise MappingError(Message("imports.mapping.other_kind",
                                   {"kind": repr(data["kind"]), "expected": repr(kind.name)}))
    columns_spec = data.get("columns") or {}
    derived_spec = data.get("derived") or {}
    if not isinstance(columns_spec, dict) or not isinstance(derived_spec, dict):
        raise MappingError(Message("imports.mapping.sections"))
    _check_targets(kind, list(columns_spec) + list(derived_spec), "columns")
    derived = {name: _derived(name, spec) for name, spec in derived_spec.items()}
    for name, rule in derived.items():
        if kind.column(name).type != "date" or rule.date not in {c.name for c in kind.columns}:
            raise MappingError(Message("imports.mapping.derived_type", {"name": name}))
    decimal = data.get("decimal")
    if decimal not in (None, ",", "."):
        raise MappingError(Message("imports.mapping.decimal"))
    return ColumnMapping(
        columns={name: _source_column(name, spec) for name, spec in columns_spec.items()},
        derived=derived,
        date_formats=_as_str_tuple(data["date_formats"], "date_formats") if data.get("date_formats") else (),
        decimal=decimal,
        ignore_unmapped=bool(data.get("ignore_unmapped", False)),
        skip_invalid_rows=bool(data.get("skip_invalid_rows", False)),
        register_unknown_skus=bool(data.get("register_unknown_skus", False)),
        kind=data.get("kind"),
        sheet=data.get("sheet"),
    )


def _parse_text(text: str) -> dict[str, Any]:
    """YAML or JSON (JSON is YAML) into a dict."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(Message("imports.mapping.not_yaml", {"detail": str(exc)})) from exc
    if not isinstance(data, dict):
        raise MappingError(Message("imports.mapping.not_a_mapping"))
    return data


def load_mapping(path: Path, kind: Kind) -> ColumnMapping:
    """Read a .yaml/.yml/.json mapping file; a MappingError names the file and the problem."""
    try:
        return mapping_from_dict(_parse_text(path.read_text(encoding="utf-8-sig")), kind)
    except OSError as exc:
        error = Message("imports.mapping.unreadable", {"detail": str(exc.strerror)})
        raise MappingError(Message("imports.mapping.in_file", {"file": path.name, "error": error})) from exc
    except MappingError as exc:
        raise MappingError(Message("imports.mapping.in_file", {"file": path.name, "error": exc.message})) from exc


def mapping_from_choices(
    kind: Kind,
    choices: Mapping[str, str],
    date_formats: str = "",
    *,
    skip_invalid_rows: bool = False,
    ignore_unmapped: bool = False,
    mapping_text: str | None = None,
) -> ColumnMapping:
    """The mapping the import page builds: a header chosen per column ("(none)" = aliases decide),
    extra date formats as "a, b", the two options, or the text of an uploaded mapping file."""
    data: dict[str, Any] = _parse_text(mapping_text) if mapping_text else {
        "columns": {name: header for name, header in choices.items() if header != "(none)"},
        "date_formats": [f.strip() for f in date_formats.split(",") if f.strip()],
    }
    data["skip_invalid_rows"] = bool(data.get("skip_invalid_rows")) or skip_invalid_rows
    data["ignore_unmapped"] = bool(data.get("ignore_unmapped")) or ignore_unmapped
    return mapping_from_dict(data, kind)

