"""What an imported file may hold, checked before it is parsed: a hostile or broken file is refused
in moments with a message naming the limit and the fix, instead of holding the server for minutes.

The limits are generous for an ERP export and can be changed through the environment:
`SOP_MAX_COLUMNS` (columns of a file, default 500: the widest kind has 14), `SOP_MAX_XLSX_MB`
(uncompressed size of a workbook, default 1,000 MB) and `SOP_MAX_XLSX_RATIO` (how many times a
workbook may grow when unzipped, default 100: a 1 MB file unpacking to 1 GB of XML is refused).
A CSV line over 2 MB (DuckDB's own limit) is said as such.
"""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

from sop_core.common import Message

__all__ = ["check_csv_header", "check_workbook", "limit"]

DEFAULTS = {"SOP_MAX_COLUMNS": 500, "SOP_MAX_XLSX_MB": 1000, "SOP_MAX_XLSX_RATIO": 100}
SHOWN_HEADERS = 5


def limit(name: str) -> int:
    """The limit `name` from the environment when it is a positive whole number, else its default."""
    text = os.environ.get(name, "")
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULTS[name]


def check_csv_header(first_line: str, delimiter: str | None) -> Message | None:
    """Why the header line is refused (too many columns, the first few named), or None."""
    headers = next(csv.reader([first_line], delimiter=delimiter or ";"), [])
    most = limit("SOP_MAX_COLUMNS")
    if len(headers) <= most:
        return None
    shown = ", ".join(repr(h[:30]) for h in headers[:SHOWN_HEADERS]) + ", …"
    return Message("imports.limit.columns", {"count": len(headers), "most": most, "headers": shown})


def check_workbook(path: Path) -> Message | None:
    """Why a workbook is refused before openpyxl unpacks it (too big, or growing too much), or None;
    a file that is not a zip is left to openpyxl's own message."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return None
    packed = max(path.stat().st_size, 1)
    most_mb, most_ratio = limit("SOP_MAX_XLSX_MB"), limit("SOP_MAX_XLSX_RATIO")
    if unpacked > most_mb * 1_000_000 or unpacked > most_ratio * packed:
        return Message("imports.limit.workbook", {"packed": -(-packed // 1000), "most": most_mb,
                                                  "unpacked": -(-unpacked // 1_000_000), "ratio": most_ratio})
    return None
