"""The scenarios a meeting compares: at most `MAX_COMPARED` beside the baseline, one per name, and
the figures it reads side by side."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sop_core.whatif.levers import Scenario
from sop_core.whatif.simulation import SimulationResult, compare

__all__ = ["FIGURES", "FIGURE_KINDS", "MAX_COMPARED", "comparison_table", "lines_at_risk_of", "with_scenario"]

MAX_COMPARED = 4
# The figures of the side-by-side table, in the order the meeting reads them.
FIGURES = ("total_cost", "late_days", "late_days_avoided", "cost_per_late_day_avoided", "red_orders",
           "orange_orders", "green_orders", "projected_on_time_rate", "lines_at_risk", "subcontracted_hours")
# What each figure is, which says how it is written (`i18n.format_figure`): late days are whole
# working days, the on-time rate a fraction.
FIGURE_KINDS = {"total_cost": "money", "late_days": "count", "late_days_avoided": "count",
                "cost_per_late_day_avoided": "money", "red_orders": "count", "orange_orders": "count",
                "green_orders": "count", "projected_on_time_rate": "percent", "lines_at_risk": "count",
                "subcontracted_hours": "hours"}


def with_scenario(compared: Sequence[Scenario], scenario: Scenario) -> tuple[Scenario, ...]:
    """`compared` with `scenario` added last: one of the same name is replaced, and only the last
    `MAX_COMPARED` are kept (the oldest goes first)."""
    kept = [known for known in compared if known.name != scenario.name]
    return tuple([*kept, scenario][-MAX_COMPARED:])


def comparison_table(results: Sequence[SimulationResult], names: Sequence[str]) -> pd.DataFrame:
    """One row per figure (indexed by its code, in `FIGURES` order), one column per result (named
    `names`), as numbers: the screen writes each by its kind (`FIGURE_KINDS`). A figure a result
    does not define (the cost per late day when none is avoided) is NaN."""
    figures = compare(results).set_index("scenario")[list(FIGURES)].astype(float)
    figures.index = list(names)
    return figures.T


def lines_at_risk_of(result: SimulationResult) -> pd.DataFrame:
    """The customer lines a result puts at risk (its `lines`, the risky ones), `link` as `served_by`."""
    lines = result.lines[result.lines["at_risk"]].drop(columns="at_risk")
    return lines.rename(columns={"link": "served_by"})
