"""What every command of the CLI shares: exit codes, argument types, JSON or text output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

import pandas as pd

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_MAPPING, EXIT_NO_RUN = 0, 1, 2, 3, 4, 5


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=2) if args.json else text)


def records(value: Any) -> Any:
    """A report table as JSON-friendly records (dates as ISO text, NaN as null)."""
    if not isinstance(value, pd.DataFrame):
        return value
    frame = value.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return json.loads(frame.to_json(orient="records", force_ascii=False))
