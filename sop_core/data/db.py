"""Small DuckDB conveniences shared by the store and the importers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> tuple[Any, ...]:
    """The first row of a query, or () when it has none.

    Fetches everything (these queries return one row) because DuckDB 2 refuses further work on a
    connection whose last result was only partly fetched.
    """
    rows = con.execute(sql, list(params)).fetchall()
    return tuple(rows[0]) if rows else ()
