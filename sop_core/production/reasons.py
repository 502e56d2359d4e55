"""Why an open OF has its status, in the reader's language.

The projection (`production`) runs for every scenario the optimizer tries, so it writes no sentence:
it writes language-neutral codes in the `reason_codes` column, one per rule that applies, joined with
";" in the order the reason lists them. A code carries only what the order's other columns do not
hold: the horizon in days ("cannot_finish:730") and the overloaded weeks of a late order, as runs of
ISO Mondays ("late:2026-11-02/2026-11-09,2026-11-23"). `describe` turns the codes into the sentence in
French or English, reading the dates, delay and progress from the row itself; every reader (the
Production delays page, its downloads, the CLI) calls it, and `with_reasons` swaps the codes for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sop_core.common import Message, format_percent, format_week, translate

CODES_COLUMN = "reason_codes"
# The projection's rules, in the order the reason lists them; NO_HOURS is put first by `delays`.
RULES = ("cannot_finish", "late", "on_time", "past_end", "started_late", "not_started", "behind")
NO_HOURS = "no_hours"
SEPARATOR = ";"  # between the codes of one order
PARAMETER = ":"  # between a code and its parameter
WEEK_RUNS, WEEK_RUN = ",", "/"  # between runs of overloaded weeks, between a run's first and last Monday
# Day and month, short enough for a table cell (02/12, 02 Dec); the full dates are in the row's columns.
# The same strftime patterns are d3 time formats, so a chart's tooltip uses them too.
SHORT_DATE_FORMATS = {"fr": "%d/%m", "en": "%d %b"}
READ_COLUMNS = (CODES_COLUMN, "workshop", "planned_start", "planned_end", "actual_start", "projected_end",
                "delay_days", "progress", "expected_progress")


def code(rule: str, parameter: str = "") -> str:
    """One code: the rule, and its parameter when it has one."""
    return f"{rule}{PARAMETER}{parameter}" if parameter else rule


def _short_date(value: Any, lang: str) -> str:
    # %b is the C locale's English month whatever the machine's locale (see i18n.format_date).
    return str(pd.Timestamp(value).strftime(SHORT_DATE_FORMATS[lang]))


def _weeks(runs: str, lang: str) -> Message:
    """"weeks W45–W46, W48" from "2026-11-02/2026-11-09,2026-11-23"."""
    spans = []
    for run in runs.split(WEEK_RUNS):
        first, _, last = run.partition(WEEK_RUN)
        spans.append((dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)))
    return week_spans(spans, lang)


def week_spans(spans: Sequence[tuple[dt.date, dt.date]], lang: str) -> Message:
    """"semaines S45–S46, S48" from runs of weeks given by their first and last Monday (the CLI
    names a lever's weeks so too)."""
    count = sum((last - first).days // 7 + 1 for first, last in spans)
    labels = [format_week(first, lang) + (f"–{format_week(last, lang)}" if last != first else "")
              for first, last in spans]
    return Message(f"production.reason.weeks.{'one' if count == 1 else 'many'}", {"weeks": ", ".join(labels)})


def _late(row: Any, runs: str, lang: str) -> Message:
    """Late by so many working days: because of the overloaded weeks when there are some."""
    delay = int(row.delay_days)
    days = Message("production.reason.days", {"count": delay})
    if runs:
        return Message("production.reason.late_overload",
                       {"days": days, "workshop": row.workshop, "weeks": _weeks(runs, lang)})
    return Message("production.reason.late", {"days": days, "end": _short_date(row.projected_end, lang)})


def _message(rule: str, parameter: str, row: Any, lang: str) -> Message:
    """The sentence of one code of `row`."""
    key = f"production.reason.{rule}"
    match rule:
        case "cannot_finish":
            return Message(key, {"days": int(parameter)})
        case "late":
            return _late(row, parameter, lang)
        case "on_time":
            return Message(key, {"end": _short_date(row.projected_end, lang)})
        case "past_end":
            return Message(key, {"end": _short_date(row.planned_end, lang)})
        case "started_late":
            return Message(key, {"planned": _short_date(row.planned_start, lang),
                                 "started": _short_date(row.actual_start, lang)})
        case "not_started":
            return Message(key, {"start": _short_date(row.planned_start, lang)})
        case "behind":
            return Message(key, {"done": format_percent(row.progress, lang, 0),
                                 "expected": format_percent(row.expected_progress, lang, 0)})
        case "no_hours":
            return Message(key)
    raise KeyError(f"unknown reason code {rule!r}")


def _sentence(text: str, row: Any, lang: str) -> str:
    rule, _, parameter = text.partition(PARAMETER)
    return _message(rule, parameter, row, lang).render(lang)


def describe(orders: pd.DataFrame, lang: str) -> pd.Series:
    """The reason of each order in `lang`: the sentence of each of its codes, joined with "; "."""
    joiner = translate("production.reason.join", lang)
    sentences = [joiner.join(_sentence(text, row, lang) for text in row.reason_codes.split(SEPARATOR) if text)
                 for row in orders[list(READ_COLUMNS)].itertuples(index=False)]
    return pd.Series(sentences, index=orders.index, dtype=object)


def with_reasons(orders: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`orders` with its `reason_codes` column replaced, at the same place, by the `reason` in `lang`."""
    return orders.assign(**{CODES_COLUMN: describe(orders, lang)}).rename(columns={CODES_COLUMN: "reason"})
