"""Tables as files for the meeting's spreadsheet users: CSV as French Excel reads it, and .xlsx."""

from __future__ import annotations

import io

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`;`-separated, decimal comma, dates dd/mm/yyyy, UTF-8 with a BOM: Excel in French opens it
    by double-click with accents, numbers and dates intact."""
    text: str = frame.to_csv(index=False, sep=";", decimal=",", date_format="%d/%m/%Y")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """One sheet holding `frame`; timezone-aware timestamps are made naive (Excel has no zones)."""
    out = frame.copy()
    for column in out.select_dtypes(include=["datetimetz"]).columns:
        out[column] = out[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet[:31])  # Excel's limit on sheet names
    return buffer.getvalue()
