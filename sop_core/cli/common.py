"""What every command of the CLI shares: exit codes, argument types, JSON or text output, and the
CLI's own lines in `--lang` (their texts are `cli.*` in `sop_core/locales/cli.yaml`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from sop_core.common import Message, format_number, format_percent

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_MAPPING, EXIT_NO_RUN = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 6  # Ctrl-C or SIGTERM: rolled back, nothing written
EXIT_CLUSTER = 7  # forecast --cluster: the Dask cluster unreachable, unfit or lost; nothing written


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


def say(lang: str, key: str, /, **params: Any) -> str:
    """One line of the CLI in `lang`: numbers, dates and nested messages are formatted by type
    (`messages.render_param`); pass text for what must stay as it is (ids, padded columns)."""
    return Message(key, params).render(lang)


def whole_percent(fraction: float | None, lang: str) -> str:
    """A percentage to the unit, right-aligned to the width of 100 % so that it stays in its column."""
    return format_percent(fraction, lang, 0).rjust(len(format_percent(1, lang, 0)))


def progress(lang: str) -> Callable[[float, str], None]:
    """Prints the core's progress (its text already in `lang`) on stderr behind a percentage in `lang`."""

    def report(fraction: float, text: str) -> None:
        print(f"[{whole_percent(fraction, lang)}] {text}", file=sys.stderr, flush=True)

    return report


def padded(texts: Iterable[str]) -> list[str]:
    """Texts left-aligned to the longest: one column of a table printed line by line."""
    column = list(texts)
    width = max(map(len, column), default=0)
    return [text.ljust(width) for text in column]


def counted(lang: str, key: str, counts: Mapping[str, int], width: int) -> list[str]:
    """One line `key` per `{name}` with its `{count}`: names left-aligned, counts right-aligned in `width`."""
    return [say(lang, key, name=name, count=format_number(count, lang).rjust(width))
            for name, count in zip(padded(counts), counts.values(), strict=True)]


def records(value: Any) -> Any:
    """A report table as JSON-friendly records (dates as ISO text, NaN as null)."""
    if not isinstance(value, pd.DataFrame):
        return value
    frame = value.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return json.loads(frame.to_json(orient="records", force_ascii=False))
