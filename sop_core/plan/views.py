"""The PIC as the meeting reads it: family x month rows (and the total) in units and euros, beside
last year, the previous cycle's plan and the budget, with the stock balance and its coverage.

Family figures are sums of their SKUs' (closing stock too: one SKU's backlog is not covered by
another's stock). Last year's sales and the previous cycle's plan are valued at today's prices, as
the plan is. Coverage in days = closing stock / the next month's demand per calendar day (the
month's own for the last month); empty when that demand is zero.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.plan.balance import PlanResult

TABLE_COLUMNS = (
    "family", "month", "statistical_units", "consensus_units", "units", "revenue", "margin", "last_year_units",
    "last_year_revenue", "previous_cycle_units", "previous_cycle_revenue", "budget_units", "budget_revenue",
    "gap_units", "gap_revenue", "opening_stock_units", "production_units", "closing_stock_units", "backlog_units",
    "at_risk_units", "target_stock_units", "coverage_days", "target_coverage_days", "capacity_shortage_hours")
# The keys of `python -m sop_core plan --json`, one row per family and month: a stable contract.
JSON_KEYS = ("family", "month", "units", "revenue", "margin", "previous_cycle_units", "last_year_units",
             "budget_units", "budget_revenue", "closing_stock_units", "coverage_days", "capacity_shortage_hours")
YEAR_COLUMNS = ("family", "actual_units", "actual_revenue", "budget_to_date_units", "budget_to_date_revenue",
                "gap_to_date_units", "gap_to_date_revenue", "landing_units", "landing_revenue", "year_budget_units",
                "year_budget_revenue", "gap_year_units", "gap_year_revenue")
# What the figures of the horizon are (`horizon_figures`), as `i18n.format_figure` writes them.
HEADLINE_KINDS = {"units": "count", "revenue": "money", "margin": "money", "gap_units": "count",
                "gap_revenue": "money", "at_risk_units": "count", "capacity_shortage_hours": "hours"}
# A month is short from what the table shows: half a unit of demand at risk (units are shown whole),
# or a twentieth of an hour of capacity missing (hours are shown with one decimal).
AT_RISK_FROM_UNITS = 0.5
SHORT_FROM_HOURS = 0.05
# The total's rows carry this in `family` (a family cannot be empty: the products import requires it).
TOTAL = ""


@dataclass(frozen=True)
class PlanTable:
    """`families`: one row per family and month (`TABLE_COLUMNS`); `total`: one row per month, family
    = TOTAL."""

    families: pd.DataFrame
    total: pd.DataFrame


def plan_table(result: PlanResult) -> PlanTable:
    """The family x month table of a balance, and the total of every family."""
    families = result.inputs.skus["family"].astype(str).to_numpy()
    return PlanTable(_table(result, families), _table(result, np.full(len(families), TOTAL, dtype=object)))


def _sum_by(order: np.ndarray, starts: np.ndarray, matrix: np.ndarray, min_count: int = 0) -> np.ndarray:
    """The SKU rows of `matrix` summed per group, as groupby().sum() does: empty cells count as 0,
    and a group-month with fewer than `min_count` figures is empty. `order` sorts the SKUs by group,
    `starts` is each group's first row in that order: one `np.add.reduceat` for all groups."""
    if not len(starts):
        return np.zeros((0, matrix.shape[1]))
    rows = matrix[order]
    present = ~np.isnan(rows)
    sums: np.ndarray = np.add.reduceat(np.where(present, rows, 0.0), starts, axis=0)
    if min_count:
        sums[np.add.reduceat(present.astype(float), starts, axis=0) < min_count] = np.nan
    return sums


def _table(result: PlanResult, labels: np.ndarray) -> pd.DataFrame:
    inputs = result.inputs
    price = inputs.skus["unit_price"].to_numpy(float)[:, None]
    cost = inputs.skus["unit_cost"].to_numpy(float)[:, None]
    opening = np.concatenate([inputs.skus["opening_stock"].to_numpy(float)[:, None],
                              result.closing_stock[:, :-1]], axis=1)
    target = np.repeat(inputs.skus["target_stock"].to_numpy(float)[:, None], len(inputs.months), axis=1)
    matrices = {
        "statistical_units": result.statistical, "consensus_units": result.consensus, "units": result.demand,
        "revenue": result.demand * price, "margin": result.demand * (price - cost),
        "last_year_units": inputs.last_year, "last_year_revenue": inputs.last_year * price,
        "opening_stock_units": opening, "production_units": result.production,
        "closing_stock_units": result.closing_stock, "backlog_units": result.backlog,
        "at_risk_units": result.at_risk, "target_stock_units": target,
        "capacity_shortage_hours": result.shortage_hours,
    }
    names, codes = np.unique(labels, return_inverse=True)  # sorted, as groupby sorts
    order = np.argsort(codes.reshape(-1), kind="stable")
    starts = np.searchsorted(codes.reshape(-1)[order], np.arange(len(names)))
    months = pd.DatetimeIndex([pd.Timestamp(m) for m in inputs.months])
    # Long rows family by family, each family's months in order: the row-major order of the sums.
    columns: dict[str, object] = {"family": np.repeat(names.astype(object), len(months)),
                                  "month": np.tile(months.to_numpy(), len(names))}
    # Last year's months not ended yet are empty, and so is their sum (not a zero); so are the months
    # the previous plan did not cover.
    maybe_empty = {"last_year_units", "last_year_revenue"}
    columns.update({name: _sum_by(order, starts, matrix, min_count=int(name in maybe_empty)).ravel()
                    for name, matrix in matrices.items()})
    columns["previous_cycle_units"] = _sum_by(order, starts, inputs.previous, min_count=1).ravel()
    columns["previous_cycle_revenue"] = _sum_by(order, starts, inputs.previous * price, min_count=1).ravel()
    frame = pd.DataFrame(columns)
    frame = frame.merge(_budget(inputs.budget, labels, inputs.skus["family"].astype(str).to_numpy()),
                        on=["family", "month"], how="left")
    frame["gap_units"] = frame["units"] - frame["budget_units"]
    frame["gap_revenue"] = frame["revenue"] - frame["budget_revenue"]
    rate = _daily_demand(frame)
    frame["coverage_days"] = frame["closing_stock_units"] / rate
    frame["target_coverage_days"] = frame["target_stock_units"] / rate
    return frame[list(TABLE_COLUMNS)]


def _budget(budget: pd.DataFrame, labels: np.ndarray, families: np.ndarray) -> pd.DataFrame:
    """The budget summed under the table's labels (family names, or TOTAL for all of them)."""
    label_of = dict(zip(families, labels, strict=True))
    rows = budget[budget["family"].isin(label_of)]
    grouped = (rows.assign(family=rows["family"].map(label_of))
               .groupby(["family", "month"], as_index=False)[["quantity", "revenue"]].sum(min_count=1))
    return grouped.rename(columns={"quantity": "budget_units", "revenue": "budget_revenue"})


def _daily_demand(frame: pd.DataFrame) -> pd.Series:
    """Per row, the next month's demand of the same family per calendar day (the last month: its own);
    NaN where it is zero, so coverage is empty rather than infinite."""
    ordered = frame.sort_values(["family", "month"])
    following = ordered.groupby("family")["units"].shift(-1).fillna(ordered["units"])
    next_month = ordered.groupby("family")["month"].shift(-1).fillna(ordered["month"])
    days = next_month.map(lambda m: calendar.monthrange(m.year, m.month)[1])
    rate = following / days
    return rate.where(rate > 0).reindex(frame.index)


def plan_rows(table: PlanTable) -> list[dict[str, object]]:
    """The family x month rows under `JSON_KEYS`, months as ISO first days, empty figures as None."""
    rows = table.families[list(JSON_KEYS)].copy()
    rows["month"] = rows["month"].dt.strftime("%Y-%m-%d")
    return [{key: (None if isinstance(value, float) and not np.isfinite(value) else value)
             for key, value in record.items()} for record in rows.to_dict("records")]


def year_to_date(result: PlanResult) -> pd.DataFrame:
    """Per family (and the TOTAL), the gap to budget of the cycle's year: actual sales of the months
    before the plan against their budget, and the landing (actuals + this plan to December) against the
    year's budget; units and euros (actual sales valued at today's prices). `YEAR_COLUMNS`."""
    inputs = result.inputs
    skus = inputs.skus
    year = inputs.cycle.year
    actual = inputs.actuals.merge(skus[["family", "unit_price"]], left_on="sku", right_index=True)
    actual = actual.assign(revenue=actual["units"] * actual["unit_price"])
    in_year = np.array([m.year == year for m in inputs.months], dtype=bool)
    price = skus["unit_price"].to_numpy(float)
    plan = pd.DataFrame({"family": skus["family"].astype(str).to_numpy(),
                         "units": result.demand[:, in_year].sum(axis=1),
                         "revenue": (result.demand[:, in_year] * price[:, None]).sum(axis=1)})
    budget = inputs.budget[inputs.budget["month"].dt.year == year]
    to_date = budget[budget["month"] < pd.Timestamp(inputs.cycle.start)]
    parts = [
        actual.groupby("family")[["units", "revenue"]].sum().add_prefix("actual_"),
        _budget_sums(to_date, "budget_to_date_"),
        plan.groupby("family")[["units", "revenue"]].sum().add_prefix("plan_"),
        _budget_sums(budget, "year_budget_"),
    ]
    frame = pd.concat(parts, axis=1)
    sums = frame.sum(min_count=1).to_frame(TOTAL).T
    frame = pd.concat([frame.sort_index(), sums])
    filled = frame.fillna({"actual_units": 0.0, "actual_revenue": 0.0, "plan_units": 0.0, "plan_revenue": 0.0})
    out = pd.DataFrame({"family": frame.index.astype(str)}, index=frame.index)
    for unit in ("units", "revenue"):
        out[f"actual_{unit}"] = filled[f"actual_{unit}"]
        out[f"budget_to_date_{unit}"] = frame[f"budget_to_date_{unit}"]
        out[f"gap_to_date_{unit}"] = filled[f"actual_{unit}"] - frame[f"budget_to_date_{unit}"]
        out[f"landing_{unit}"] = filled[f"actual_{unit}"] + filled[f"plan_{unit}"]
        out[f"year_budget_{unit}"] = frame[f"year_budget_{unit}"]
        out[f"gap_year_{unit}"] = out[f"landing_{unit}"] - frame[f"year_budget_{unit}"]
    return out[list(YEAR_COLUMNS)].reset_index(drop=True)


def _budget_sums(budget: pd.DataFrame, prefix: str) -> pd.DataFrame:
    return (budget.groupby("family")[["quantity", "revenue"]].sum(min_count=1)
            .rename(columns={"quantity": f"{prefix}units", "revenue": f"{prefix}revenue"}))


def month_status(rows: pd.DataFrame) -> pd.Series:
    """Each month of plan rows as red, orange or green: red when demand is at risk (not served in
    its month), orange when it is served but the capacity falls short or the closing stock is below
    its target, green otherwise."""
    red = rows["at_risk_units"] >= AT_RISK_FROM_UNITS
    orange = ((rows["capacity_shortage_hours"] >= SHORT_FROM_HOURS)
              | (rows["closing_stock_units"] < rows["target_stock_units"] - AT_RISK_FROM_UNITS))
    return pd.Series(np.where(red, "red", np.where(orange, "orange", "green")), index=rows.index, name="status")


def horizon_figures(rows: pd.DataFrame) -> pd.Series:
    """The headline of plan rows over their months (`HEADLINE_KINDS`): units, revenue, margin, demand at
    risk and capacity shortage summed; the gap to budget summed over the months the budget gives,
    empty when it gives none."""
    sums = {name: float(rows[name].sum()) for name in ("units", "revenue", "margin", "at_risk_units",
                                                         "capacity_shortage_hours")}
    gaps = {name: float(rows[name].sum(min_count=1)) for name in ("gap_units", "gap_revenue")}
    return pd.Series({**sums, **gaps})[list(HEADLINE_KINDS)]
