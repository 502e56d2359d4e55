"""A first look at a file before importing it: its headers, first rows, and the columns we matched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sop_core.common import Message
from sop_core.data import get_kind
from sop_core.imports.headers import resolve_headers
from sop_core.imports.mapping import ColumnMapping
from sop_core.imports.reading import FileReadError, read_raw


@dataclass(frozen=True)
class FilePreview:
    """Headers as written, the first rows as text, and canonical column -> matched header; `read_as`
    says how the file was read, `error` why it could not be."""

    headers: tuple[str, ...]
    rows: pd.DataFrame
    matched: dict[str, str]
    read_as: Message | None
    error: Message | None = None


def preview_file(
    path: Path, kind_name: str, sheet: str | None = None, limit: int = 20, lang: str = "en"
) -> FilePreview:
    """Read the first `limit` rows of `path` and say which headers the aliases recognise; a column
    without a header is labelled by its number, in `lang`."""
    kind = get_kind(kind_name)
    with duckdb.connect(":memory:") as con:
        try:
            raw = read_raw(con, path, "raw", sheet)
        except FileReadError as exc:
            return FilePreview((), pd.DataFrame(), {}, None, error=exc.message)
        rows = con.execute("SELECT * EXCLUDE (_row) FROM raw ORDER BY _row LIMIT ?", [limit]).df()
    labels = [h or Message("imports.no_header", {"number": i + 1}).render(lang) for i, h in enumerate(raw.headers)]
    rows.columns = pd.Index(_unique(labels))
    resolved = resolve_headers(raw.headers, kind, ColumnMapping())
    matched = {name: raw.headers[idx[0]] for name, idx in resolved.sources.items()}
    return FilePreview(raw.headers, rows, matched, raw.description)


def _unique(labels: list[str]) -> list[str]:
    """Make repeated headers distinct for display (`Qté`, `Qté (2)`)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
