"""Test rows by column name: `insert_rows(cur, "forecast_runs", [{...}])`. A migration that adds a
column does not break a test that does not care about it (the column takes its default or NULL),
unlike a positional `INSERT ... VALUES (...)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

# Typical values of the columns a test rarely cares about, merged under its own values.
RUN_DEFAULTS: dict[str, Any] = {"created_at": dt.datetime(2026, 11, 2, 8, 0), "data_version": 0,
                                "granularity": "month", "horizon": 3, "model": "auto", "series": 1,
                                "seconds": 0.1, "status": "ok"}


def insert_rows(cur: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts of column -> value, the same columns in each) into `table`, values bound.
    `table` and the column names are the test's own literals, never data."""
    if not rows:
        return
    columns = list(rows[0])
    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [[row[column] for column in columns] for row in rows])


def forecast_run(run_id: int, as_of: dt.date, **values: Any) -> dict[str, Any]:
    """A `forecast_runs` row: a successful monthly run unless `values` say otherwise."""
    return {"run_id": run_id, "as_of": as_of, **RUN_DEFAULTS, **values}
