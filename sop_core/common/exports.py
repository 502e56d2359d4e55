"""Tables as files for the meeting's spreadsheet users: CSV as French Excel reads it, and .xlsx.

Every export goes through `neutralised`: a text cell starting with `=`, `+`, `-` or `@` (or a tab or
carriage return, which some spreadsheets skip before reading a formula) would be run as a formula
when the file is opened, so a customer name typed as `=HYPERLINK(...)` in the ERP could call out from
the planner's Excel. Such cells get a leading apostrophe, as OWASP advises for CSV injection: the
text stays readable and inert. Numbers are never touched (-5 stays a number).

An .xlsx is written as a finance reader expects it: each column in the number format of its kind
(`columns.column_kind`: ratios in percent, euros, whole numbers, real Excel dates), widths fitted to
the content and the header row frozen.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sop_core.common.columns import ColumnKind, column_decimals, column_kind
from sop_core.common.i18n import translate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """`value` made inert for a spreadsheet when it is text that would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell and header that a spreadsheet would run as a formula neutralised."""
    out = frame.rename(columns=lambda name: neutralise(str(name)))
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def translated_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with its column names in `lang` (the catalogue's `col.<name>` entries)."""
    return frame.rename(columns=lambda name: translate(f"col.{name}", lang))


def csv_bytes(frame: pd.DataFrame, for_scripts: bool = False) -> bytes:
    """`;`-separated, decimal comma, dates dd/mm/yyyy, UTF-8 with a BOM: Excel in French opens it
    by double-click with accents, numbers and dates intact. `for_scripts`: the plain dialect a
    script reads (`,`, decimal point, ISO dates, UTF-8), still neutralised: a script's output is
    opened in a spreadsheet sooner or later."""
    if for_scripts:
        plain: str = neutralised(frame).to_csv(index=False, date_format="%Y-%m-%d")
        return plain.encode("utf-8")
    text: str = neutralised(frame).to_csv(index=False, sep=";", decimal=",", date_format="%d/%m/%Y")
    return text.encode("utf-8-sig")


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = neutralised(frame)
    for column in out.select_dtypes(include=["datetimetz"]).columns:
        out[column] = out[column].dt.tz_localize(None)  # Excel has no time zones
    return out


CellKinds = ColumnKind | tuple[ColumnKind, ...]


@dataclass(frozen=True)
class Sheet:
    """A table as a worksheet: `frame` under sop_core's column names, `title` (a row above the
    header) and `kinds`, the kind of the columns that `columns.column_kind` cannot tell from their
    name and values; a column mixing units (a KPI's value) gives one kind per row."""

    frame: pd.DataFrame
    title: str | None = None
    kinds: Mapping[str, CellKinds] = field(default_factory=dict)

    def cell_kinds(self) -> list[tuple[ColumnKind, ...]]:
        """The kind of every cell, column by column."""
        return [_per_row(self.kinds.get(name) or column_kind(str(name), self.frame[name]), len(self.frame))
                for name in self.frame.columns]


def _per_row(kinds: CellKinds, rows: int) -> tuple[ColumnKind, ...]:
    return (kinds,) * rows if isinstance(kinds, str) else kinds


# Excel's number formats are locale-free: `#,##0` shows the reader's own separators (1 234 in a
# French Excel), so one file serves both languages. Money and measures get their decimals per column.
EXCEL_FORMATS: dict[ColumnKind, str] = {"ratio": "0.0%", "count": "#,##0", "identifier": "0",
                                        "date": "dd/mm/yyyy", "month": "mm/yyyy", "timestamp": "dd/mm/yyyy hh:mm"}
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters: a narrow column still shows its figure, a long text wraps the screen
WIDTH_SAMPLE = 2000  # rows read to fit a column's width: a big download keeps the time of its first rows


def _number_format(kind: ColumnKind, values: pd.Series) -> str:
    """The Excel format of `values`, cells of one `kind`; "General" for text."""
    if kind not in ("money", "decimal"):
        return EXCEL_FORMATS.get(kind, "General")
    decimals = column_decimals(pd.to_numeric(values, errors="coerce").astype(float), kind == "money")
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'{digits} "€"' if kind == "money" else digits


def _shown_length(value: Any, number_format: str) -> int:
    """About the characters Excel shows for `value` in `number_format`, to fit the column's width."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return 0
    if isinstance(value, dt.date):
        return len(number_format)
    if isinstance(value, str) or number_format == "General":
        return max(len(line) for line in str(value).splitlines() or [""])
    if number_format.endswith("%"):
        return len(f"{float(value):.1%}")
    decimals = number_format.split(" ")[0].partition(".")[2].count("0")
    return len(f"{float(value):,.{decimals}f}") + (2 if "€" in number_format else 0)


def _formatted_column(worksheet: Worksheet, position: int, values: pd.Series, kinds: tuple[ColumnKind, ...],
                      header_row: int) -> None:
    """Give column `position` (1-based) its cells' number formats and a width fitted to its header and figures."""
    formats = {kind: _number_format(kind, values[[k == kind for k in kinds]]) for kind in set(kinds)}
    header = worksheet.cell(header_row, position)
    widest = len(str(header.value))
    for row, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        cell = worksheet.cell(header_row + 1 + row, position)
        cell.number_format = formats[kind]
        if row < WIDTH_SAMPLE:
            widest = max(widest, _shown_length(value, formats[kind]))
    width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    worksheet.column_dimensions[get_column_letter(position)].width = width


def _write_sheet(writer: pd.ExcelWriter, name: str, sheet: Sheet, lang: str | None) -> None:
    frame = translated_headers(sheet.frame, lang) if lang else sheet.frame
    header_row = 1 if sheet.title is None else 2
    _excel_ready(frame).to_excel(writer, index=False, sheet_name=name, startrow=header_row - 1)
    worksheet = writer.sheets[name]
    if sheet.title is not None:
        title = worksheet.cell(1, 1, neutralise(sheet.title))
        title.font = Font(bold=True, size=13)
    worksheet.freeze_panes = worksheet.cell(header_row + 1, 1)  # the header stays in sight while scrolling
    for position, (column, kinds) in enumerate(zip(sheet.frame.columns, sheet.cell_kinds(), strict=True), start=1):
        _formatted_column(worksheet, position, sheet.frame[column], kinds, header_row)


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", lang: str | None = None) -> bytes:
    """One sheet holding `frame` (headers in `lang` when given)."""
    return workbook_bytes({sheet: Sheet(frame)}, lang)


def workbook_bytes(sheets: Mapping[str, Sheet], lang: str | None = None) -> bytes:
    """One sheet per table, in order, sheet names cut to Excel's 31 characters: headers in `lang`
    when given (`translated_headers`), every column in the number format of its kind (percent,
    euros, whole numbers, dates as Excel dates), widths fitted, the header row frozen."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, sheet in sheets.items():
            _write_sheet(writer, name[:31], sheet, lang)
    return buffer.getvalue()
