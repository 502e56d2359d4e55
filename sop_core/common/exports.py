"""Tables as files for the meeting's spreadsheet users: CSV as French Excel reads it, and .xlsx.

Every export goes through `neutralised`: a text cell starting with `=`, `+`, `-` or `@` (or a tab or
carriage return, which some spreadsheets skip before reading a formula) would be run as a formula
when the file is opened, so a customer name typed as `=HYPERLINK(...)` in the ERP could call out from
the planner's Excel. Such cells get a leading apostrophe, as OWASP advises for CSV injection: the
text stays readable and inert. Numbers are never touched (-5 stays a number).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

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


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """One sheet holding `frame`."""
    return workbook_bytes({sheet: frame})


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, in order; sheet names cut to Excel's 31 characters."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _excel_ready(frame).to_excel(writer, index=False, sheet_name=name[:31])
    return buffer.getvalue()
