"""The scenarios a meeting compares: at most `MAX_COMPARED` beside the baseline, one per name, and
the figures it reads side by side."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sop_core.common import translate
from sop_core.whatif.levers import Scenario
from sop_core.whatif.simulation import SimulationResult, compare

__all__ = ["FIGURES", "MAX_COMPARED", "comparison_table", "lines_at_risk_of", "with_scenario"]

MAX_COMPARED = 4
# The figures of the side-by-side table, in the order the meeting reads them.
FIGURES = ("total_cost", "late_days", "late_days_avoided", "cost_per_late_day_avoided", "red_orders",
           "orange_orders", "green_orders", "projected_on_time_rate", "lines_at_risk", "subcontracted_hours")


def with_scenario(compared: Sequence[Scenario], scenario: Scenario) -> tuple[Scenario, ...]:
    """`compared` with `scenario` added last: one of the same name is replaced, and only the last
    `MAX_COMPARED` are kept (the oldest goes first)."""
    kept = [known for known in compared if known.name != scenario.name]
    return tuple([*kept, scenario][-MAX_COMPARED:])


def comparison_table(results: Sequence[SimulationResult], names: Sequence[str], lang: str) -> pd.DataFrame:
    """One row per figure (named in `lang`), one column per result (named `names`); the on-time
    rate in percent, every figure to one decimal."""
    figures = compare(results).set_index("scenario")
    figures["projected_on_time_rate"] *= 100
    table = figures.astype(float).round(1)[list(FIGURES)]
    table.index = list(names)
    return table.rename(columns=lambda code: translate(f"whatif.figure.{code}", lang)).T


def lines_at_risk_of(result: SimulationResult) -> pd.DataFrame:
    """The customer lines a result puts at risk (its `lines`, the risky ones), `link` as `served_by`."""
    lines = result.lines[result.lines["at_risk"]].drop(columns="at_risk")
    return lines.rename(columns={"link": "served_by"})
