"""The plan (PIC) page's glue: the plan computed once per version of the data (inputs, balance, tables,
year to date and the waterfalls of every family), and its tables as the page shows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sop_core.common import format_month, table_formatters
from sop_core.data import Store
from sop_core.forecast import MissingRunError
from sop_core.plan import (
    HEADLINE_KINDS,
    TOTAL,
    Measure,
    balance,
    changes_since_previous,
    horizon_figures,
    month_status,
    plan_inputs,
    plan_table,
    step_labels,
    year_to_date,
)
from sop_ui.chrome import page_of
from sop_ui.session import compute
from sop_ui.text import lang, money_scale, status_label, t
from sop_ui.widgets import show_figures, show_table

# The balance table's columns after the demand's (which follow the units / euros choice).
BALANCE_COLUMNS = ("production_units", "closing_stock_units", "coverage_days",
                   "target_coverage_days", "backlog_units", "at_risk_units", "capacity_shortage_hours")
YEAR_FIGURES = ("actual", "budget_to_date", "gap_to_date", "landing", "year_budget", "gap_year")


@dataclass(frozen=True)
class PlanView:
    """The plan as the page shows it: `rows[selection]` the month rows of the total (TOTAL) or of a
    family, with their status; `year` the year to date (`YEAR_COLUMNS`); `changes[selection]` the
    waterfall's steps (empty without an earlier frozen cycle)."""

    months: tuple[dt.date, ...]
    year: int
    previous_cycle: str | None
    families: tuple[str, ...]
    rows: dict[str, pd.DataFrame]
    year_to_date: pd.DataFrame
    changes: dict[str, pd.DataFrame]
    table: pd.DataFrame


def plan_view(store: Store, as_of: dt.date) -> PlanView:
    """Everything the page shows, in one go (about half a second; `compute` keeps it until the data
    or the settings change). MissingRunError without a monthly forecast."""
    result = balance(plan_inputs(store, as_of))
    table = plan_table(result)
    families = tuple(sorted(table.families["family"].unique()))
    rows = {TOTAL: table.total, **{family: table.families[table.families["family"] == family]
                                   for family in families}}
    inputs = result.inputs
    return PlanView(
        months=inputs.months, year=inputs.cycle.year,
        previous_cycle=None if inputs.previous_cycle is None else str(inputs.previous_cycle),
        families=families,
        rows={key: frame.assign(status=month_status(frame)).reset_index(drop=True) for key, frame in rows.items()},
        year_to_date=year_to_date(result),
        changes={key: changes_since_previous(store, result, None if key == TOTAL else key) for key in rows},
        table=table.families)


def load_plan(today: dt.date) -> PlanView:
    """The plan of the data as of `today`; without a monthly forecast, says so and stops the page."""
    try:
        return compute(plan_view, today)
    except MissingRunError as exc:
        st.info(exc.render(lang()))  # the catalogue's sentence, no data in it: its `command` shows as code
        st.page_link(page_of("forecast"), label=t("plan.go_to_forecast"), icon="📈")
        st.stop()
        raise  # st.stop() does not return


def show_headline(rows: pd.DataFrame, measure: Measure, column: str) -> None:
    """The figures of the horizon: demand, revenue, margin, gap to budget (in the chosen measure),
    demand at risk and capacity shortage; says why the gap to budget is empty when it is."""
    gap = "gap_units" if measure == "units" else "gap_revenue"
    codes = [code for code in HEADLINE_KINDS if not code.startswith("gap_") or code == gap]
    figures = horizon_figures(rows)[codes].to_frame(column)
    show_figures(figures, HEADLINE_KINDS, "plan.figure", why_empty={gap: "plan.empty.budget"})


def _whole(frame: pd.DataFrame, units: list[str], tenths: list[str]) -> pd.DataFrame:
    """Units and days as whole numbers, hours with one decimal, as the figures are read (+ 0.0: no "-0")."""
    return frame.assign(**{c: frame[c].round(0) + 0.0 for c in units}, **{c: frame[c].round(1) + 0.0 for c in tenths})


def balance_table(rows: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """The balance month by month: status in words, demand against budget in the chosen measure,
    then production, stock, coverage, backlog, demand at risk and capacity shortage (units)."""
    demand = (["units", "budget_units", "gap_units"] if measure == "units"
              else ["revenue", "margin", "budget_revenue", "gap_revenue"])
    shown = rows[["month", "status", *demand, *BALANCE_COLUMNS]].assign(status=rows["status"].map(status_label))
    whole = [c for c in shown if c.endswith(("_units", "_days")) or c == "units"]
    return _whole(shown, whole, ["capacity_shortage_hours"]).rename(
        columns={"units": "demand_units"})


def short_months(rows: pd.DataFrame) -> str:
    """The months in red or orange, in words, for a line under the table."""
    short = rows.loc[rows["status"] != "green", "month"]
    if short.empty:
        return t("plan.no_short_month")
    return t("plan.short_months", months=", ".join(format_month(m, lang()) for m in short))


def entries_table(steps: pd.DataFrame, previous_cycle: str) -> pd.DataFrame:
    """The waterfall's steps as a table: the step in words (an entry by its author, key and reason),
    the author, reason and key as the data has them, the change in units and euros."""
    named = steps.assign(step=step_labels(steps, lang(), previous_cycle))
    return _whole(named, ["units"], [])[["step", "author", "reason", "key", "units", "revenue"]]


def entries_only(steps: pd.DataFrame) -> pd.DataFrame:
    return steps[steps["step"].isin(("entry", "other_entries"))]


def year_table(year: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Per family and the total, actual vs budget to date and landing vs the year's budget."""
    suffix = "units" if measure == "units" else "revenue"
    columns = [f"{figure}_{suffix}" for figure in YEAR_FIGURES]
    shown = year[["family", *columns]].assign(
        family=year["family"].where(year["family"] != TOTAL, t("plan.total")))
    return _whole(shown, columns if measure == "units" else [], [])


def show_plan_table(frame: pd.DataFrame, key: str) -> None:
    """`show_table`, a number column with empty cells (no budget) sent as its text: the data grid
    writes an empty number "None" whatever its Styler says, the text shows the dash."""
    empty = [name for name in frame.columns if pd.api.types.is_float_dtype(frame[name]) and frame[name].isna().any()]
    formats = table_formatters(frame[empty], lang(), money_scale=money_scale())
    shown = frame.assign(**{name: frame[name].map(formats[name]) for name in empty})
    show_table(shown, key=key, config={name: dict(st.column_config.TextColumn(alignment="right")) for name in empty})


def budget_missing(frame: pd.DataFrame, column: str) -> bool:
    return bool(frame[column].isna().any())
