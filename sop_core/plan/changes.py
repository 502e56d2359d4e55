"""What changed since the previous cycle's plan, by whom and why: the steps of a waterfall from the
plan frozen at the previous cycle to this one, in units and euros (both at today's prices).

Over the SKU-months both plans cover:
- "statistical": the new statistical forecast minus the one frozen last cycle (new history, new models);
- one step per consensus change recorded since the previous freeze and still in force (its author
  and reason; a family change spread over its SKUs by statistical share, as the final forecast
  does), the largest `MAX_ENTRY_STEPS` apart and the others together;
- "scenario": the demand scenario played, when there is one;
- "other": what is left (changes undone since, the floor at zero of the final forecast), so that the
  steps always add up from the previous plan to this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sop_core.data import Store
from sop_core.plan.balance import PlanResult

MAX_ENTRY_STEPS = 8
STEP_COLUMNS = ("step", "author", "reason", "key", "units", "revenue")

# Adjustments recorded after the previous freeze, with their entry when they have one; a legacy
# adjustment (no entry) stands for itself with its author and comment.
_CHANGES = """
    SELECT a.level, a.key, a.period, a.delta,
           coalesce('e' || a.entry_id::VARCHAR, 'a' || a.adjustment_id::VARCHAR) AS change,
           coalesce(e.author, a.author) AS author, coalesce(e.reason, a.comment) AS reason
    FROM forecast_adjustments a LEFT JOIN consensus_entries e USING (entry_id)
    WHERE a.granularity = 'month' AND a.created_at > ?
"""


@dataclass(frozen=True)
class _Step:
    step: str
    units: float
    revenue: float
    author: str | None = None
    reason: str | None = None
    key: str | None = None


def changes_since_previous(store: Store, result: PlanResult, family: str | None = None) -> pd.DataFrame:
    """The waterfall's steps (`STEP_COLUMNS`; step: previous, statistical, entry, other_entries,
    scenario, other, current) for the whole plan or one family; empty when no earlier cycle was frozen."""
    inputs = result.inputs
    if inputs.previous_cycle is None or inputs.previous_frozen_at is None:
        return pd.DataFrame(columns=list(STEP_COLUMNS))
    families = inputs.skus["family"].astype(str).to_numpy()
    rows = np.ones(len(families), dtype=bool) if family is None else families == family
    covered = ~np.isnan(inputs.previous) & rows[:, None]
    price = inputs.skus["unit_price"].to_numpy(float)[:, None]

    def step(name: str, matrix: np.ndarray, **text: str | None) -> _Step:
        cells = np.where(covered, np.nan_to_num(matrix), 0.0)
        return _Step(name, float(cells.sum()), float((cells * price).sum()), **text)

    previous = step("previous", inputs.previous)
    moves = [step("statistical", result.statistical - inputs.previous_statistical)]
    moves += _entry_steps(_spread(store.query(_CHANGES, [inputs.previous_frozen_at]), result), step)
    if result.demand is not result.consensus:
        moves.append(step("scenario", result.demand - result.consensus))
    current = step("current", result.demand)
    rest = _Step("other", current.units - previous.units - sum(m.units for m in moves),
                 current.revenue - previous.revenue - sum(m.revenue for m in moves))
    return pd.DataFrame([asdict(s) for s in (previous, *moves, rest, current)], columns=list(STEP_COLUMNS))


def _entry_steps(spread: dict[tuple[str, str | None, str | None, str], np.ndarray],
                 step: Callable[..., _Step]) -> list[_Step]:
    """One step per change, the largest MAX_ENTRY_STEPS apart and the others as one step."""
    made = sorted((step("entry", matrix, author=author, reason=reason, key=key)
                   for (_, author, reason, key), matrix in spread.items()), key=lambda s: -abs(s.units))
    if len(made) <= MAX_ENTRY_STEPS:
        return made
    rest = made[MAX_ENTRY_STEPS:]
    return [*made[:MAX_ENTRY_STEPS], _Step("other_entries", sum(s.units for s in rest),
                                           sum(s.revenue for s in rest), key=str(len(rest)))]


def _spread(changes: pd.DataFrame, result: PlanResult) -> dict[tuple[str, str | None, str | None, str], np.ndarray]:
    """Each change's deltas as a SKU x month matrix, under (change, author, reason, key); a family
    delta spread by the SKUs' share of the family's positive statistical forecast that month (equally
    when it is all zero)."""
    inputs = result.inputs
    skus = inputs.skus.index
    families = inputs.skus["family"].astype(str).to_numpy()
    months = pd.DatetimeIndex([pd.Timestamp(m) for m in inputs.months])
    positive = np.maximum(np.nan_to_num(result.statistical), 0.0)
    out: dict[tuple[str, str | None, str | None, str], np.ndarray] = {}
    for row in changes.itertuples(index=False):
        column = months.get_indexer([pd.Timestamp(row.period)])[0]
        if column < 0:
            continue
        matrix = out.setdefault((str(row.change), _text(row.author), _text(row.reason), str(row.key)),
                                np.zeros(result.demand.shape))
        if row.level == "sku":
            position = skus.get_indexer([row.key])[0]
            if position >= 0:
                matrix[position, column] += row.delta
            continue
        members = families == row.key
        base = positive[members, column].sum()
        share = positive[members, column] / base if base > 0 else np.full(members.sum(), 1.0 / max(members.sum(), 1))
        matrix[members, column] += row.delta * share
    return out


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
