"""The PIC balance: month by month, per SKU then per family, opening stock + planned production -
demand = closing stock, with production capped by the rough-cut capacity.

Pure: `PlanInputs` in (read from the store by `inputs.plan_inputs`), `PlanResult` out; no store, no
clock. Rules, per SKU and month, months in order:
- demand = the consensus (final) forecast, after the demand scenario's changes (`demand.apply_changes`);
- wanted production = max(demand + target stock - position, 0), where position is the previous
  month's closing position (the opening stock for the first month: on hand + what the open OF still
  have to make) and target stock the SKU's safety stock. It is "demand plus the change of stock
  target": a SKU above its target makes less, one below makes the difference, a backlog is caught up;
- capacity: the wanted hours (wanted x hours_per_unit) of each workshop and month are compared with
  the hours the workshop has left that month after its open OF; when they exceed them, every SKU of
  that workshop gets the same share of its wanted production (capacity / wanted hours), and the
  hours cut are the month's capacity shortage. A SKU without workshop or routing is not capped;
- position = position + production - demand; closing stock = max(position, 0), backlog =
  max(-position, 0); demand at risk = the part of the month's demand not served in its month,
  min(demand, backlog) (the oldest demand is served first).
Money: revenue = units x unit_price, margin = units x (unit_price - unit_cost), at today's prices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.common import Cycle

SKU_COLUMNS = ("family", "unit_price", "unit_cost", "workshop", "hours_per_unit", "opening_stock",
               "target_stock")
RESULT_FIELDS = ("statistical", "consensus", "demand", "wanted", "production", "closing_stock", "backlog",
                 "at_risk", "shortage_hours")


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """What the PIC is computed from, as of a day.

    `months`: the plan's months (first days). `skus`: one row per SKU (index sku), `SKU_COLUMNS`.
    `statistical` and `consensus`: SKU x month matrices (rows in `skus` order) of the statistical and
    the final forecast. `capacity`: workshop x month matrices of the hours each workshop has
    (`capacity_hours`) and those its open OF take (`open_orders_hours`), rows in `workshops` order.
    `last_year`, `previous`: SKU x month units sold in the same months a year before, and planned by
    the previous cycle's frozen plan (NaN where last year's month has not ended yet, and where the
    previous plan did not plan that month; `previous_cycle` None when there is no earlier frozen
    cycle), `previous_statistical` its statistical part, `previous_frozen_at` when it was frozen.
    `budget`: family, month, quantity, revenue (any months).
    `actuals`: sku, month, units sold in the months of the cycle's year before the plan starts.
    """

    as_of: dt.date
    cycle: Cycle
    run_id: int | None  # None for a frozen plan whose run was not recorded
    months: tuple[dt.date, ...]
    skus: pd.DataFrame
    statistical: np.ndarray
    consensus: np.ndarray
    workshops: tuple[str, ...]
    capacity_hours: np.ndarray
    open_orders_hours: np.ndarray
    last_year: np.ndarray
    previous: np.ndarray
    previous_statistical: np.ndarray
    previous_cycle: Cycle | None
    previous_frozen_at: dt.datetime | None
    budget: pd.DataFrame
    actuals: pd.DataFrame


@dataclass(frozen=True, eq=False)
class PlanResult:
    """The balance of one demand variant: SKU x month matrices named in `RESULT_FIELDS` (units; hours
    for shortage_hours) plus the workshop x month `capacity_hours` (the workshops' own plus what a
    what-if adds), `wanted_hours` and `capacity_left` (hours the open OF leave for the plan)."""

    inputs: PlanInputs
    statistical: np.ndarray
    consensus: np.ndarray
    demand: np.ndarray
    wanted: np.ndarray
    production: np.ndarray
    closing_stock: np.ndarray
    backlog: np.ndarray
    at_risk: np.ndarray
    shortage_hours: np.ndarray
    capacity_hours: np.ndarray
    wanted_hours: np.ndarray
    capacity_left: np.ndarray


def balance(inputs: PlanInputs, demand: np.ndarray | None = None,
            extra_capacity: np.ndarray | None = None) -> PlanResult:
    """The PIC balance of `demand` (SKU x month; the consensus when None) on the inputs' capacity plus
    `extra_capacity` (workshop x month hours a what-if adds). See the module docstring for the rules."""
    skus = inputs.skus
    final = inputs.consensus if demand is None else demand
    shape = final.shape
    capacity = inputs.capacity_hours + (0.0 if extra_capacity is None else extra_capacity)
    capacity = np.asarray(capacity, dtype=float)
    left = np.maximum(capacity - inputs.open_orders_hours, 0.0)
    shop_of = _shop_index(skus["workshop"], inputs.workshops)
    hours_per_unit = np.where(shop_of >= 0, skus["hours_per_unit"].fillna(0.0).to_numpy(float), 0.0)
    capped = hours_per_unit > 0  # a SKU that takes no hours of a known workshop is never cut
    target = skus["target_stock"].to_numpy(float)
    position = skus["opening_stock"].to_numpy(float).copy()
    out = {name: np.zeros(shape) for name in ("wanted", "production", "closing_stock", "backlog", "at_risk",
                                               "shortage_hours")}
    wanted_hours = np.zeros_like(left)
    for month in range(shape[1]):
        wanted = np.maximum(final[:, month] + target - position, 0.0)
        hours = wanted * hours_per_unit
        asked = np.bincount(shop_of[capped], weights=hours[capped], minlength=len(inputs.workshops))
        share = np.ones(len(inputs.workshops))
        over = asked > left[:, month]
        share[over] = left[over, month] / asked[over]
        sku_share = np.where(capped, share[np.maximum(shop_of, 0)], 1.0)
        production = wanted * sku_share
        position = position + production - final[:, month]
        out["wanted"][:, month] = wanted
        out["production"][:, month] = production
        out["shortage_hours"][:, month] = hours * (1.0 - sku_share)
        out["closing_stock"][:, month] = np.maximum(position, 0.0)
        out["backlog"][:, month] = np.maximum(-position, 0.0)
        out["at_risk"][:, month] = np.minimum(final[:, month], out["backlog"][:, month])
        wanted_hours[:, month] = asked
    return PlanResult(inputs=inputs, statistical=inputs.statistical, consensus=inputs.consensus, demand=final,
                      capacity_hours=capacity, wanted_hours=wanted_hours, capacity_left=left, **out)


def _shop_index(workshop: pd.Series, workshops: tuple[str, ...]) -> np.ndarray:
    """Each SKU's row in the capacity matrices, -1 when it has no known workshop."""
    position = {name: i for i, name in enumerate(workshops)}
    return np.array([position.get(w, -1) if isinstance(w, str) else -1 for w in workshop], dtype=int)
