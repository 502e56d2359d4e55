"""Demand scenarios: a change of the final demand by a percentage or a quantity, on a family or a SKU,
over a range of months (a promotion, a lost customer, an upside).

A change is a value checked where it is made (`DemandChange.__post_init__`); applying changes is a
pure function of the SKU x month demand matrix. Rules:
- a percentage multiplies each covered SKU-month by (1 + percent / 100);
- a quantity adds that many units to each covered month of the SKU, or of the family, spread over
  the family's SKUs in proportion to their demand of that month (equally when it is all zero), the
  same spread as a family adjustment of the consensus;
- changes apply in order, each on the demand the previous ones left, and demand never goes below 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sop_core.common import Message, MessageError

ChangeLevel = Literal["family", "sku"]


class DemandChangeError(MessageError):
    """A demand change that cannot be applied: its Message names the field and the fix."""


@dataclass(frozen=True)
class DemandChange:
    """`percent` or `quantity` (units per month, may be negative) on a family or SKU, over the months
    first_month..last_month (first days, both included)."""

    level: ChangeLevel
    key: str
    first_month: dt.date
    last_month: dt.date
    percent: float | None = None
    quantity: float | None = None

    def __post_init__(self) -> None:
        if self.level not in ("family", "sku"):
            raise DemandChangeError(Message("plan.error.level", {"level": str(self.level)}))
        if not str(self.key).strip():
            raise DemandChangeError(Message("plan.error.no_key"))
        if (self.percent is None) == (self.quantity is None):
            raise DemandChangeError(Message("plan.error.percent_or_quantity"))
        amount = self.percent if self.percent is not None else self.quantity
        if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
            raise DemandChangeError(Message("plan.error.amount", {"amount": repr(amount)}))
        if self.percent is not None and self.percent < -100:
            raise DemandChangeError(Message("plan.error.percent_below", {"percent": self.percent}))
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise DemandChangeError(Message("plan.error.month_start"))
        if self.last_month < self.first_month:
            raise DemandChangeError(Message("plan.error.month_order", {
                "first": self.first_month, "last": self.last_month}))


def apply_changes(demand: np.ndarray, months: Sequence[dt.date], skus: Sequence[str],
                  families: Sequence[str], changes: Sequence[DemandChange]) -> np.ndarray:
    """The demand matrix (SKUs x months) after `changes`; `demand` is not modified. A change naming a
    SKU or family the plan does not have is a DemandChangeError (a typo would silently do nothing)."""
    result = np.array(demand, dtype=float, copy=True)
    if not changes:
        return result
    sku_index = {sku: i for i, sku in enumerate(skus)}
    family_of = np.asarray(families, dtype=object)
    month_of = np.array(months, dtype="datetime64[D]")
    for change in changes:
        rows = _rows(change, sku_index, family_of)
        first, last = np.datetime64(change.first_month, "D"), np.datetime64(change.last_month, "D")
        covered = (month_of >= first) & (month_of <= last)
        block = result[np.ix_(rows, covered)]
        if change.percent is not None:
            block = block * (1 + change.percent / 100)
        else:
            assert change.quantity is not None
            block = block + change.quantity * _shares(block)
        result[np.ix_(rows, covered)] = np.maximum(block, 0.0)
    return result


def _rows(change: DemandChange, sku_index: dict[str, int], family_of: np.ndarray) -> np.ndarray:
    if change.level == "sku":
        if change.key not in sku_index:
            raise DemandChangeError(Message("plan.error.unknown_sku", {"key": change.key}))
        return np.array([sku_index[change.key]])
    rows = np.flatnonzero(family_of == change.key)
    if not len(rows):
        raise DemandChangeError(Message("plan.error.unknown_family", {"key": change.key}))
    return rows


def _shares(block: np.ndarray) -> np.ndarray:
    """Each SKU's share of its month's demand in `block` (SKUs x months); equal shares for a month
    whose demand is all zero. Columns sum to 1."""
    positive = np.maximum(block, 0.0)
    totals = positive.sum(axis=0)
    equal = np.full_like(positive, 1.0 / max(block.shape[0], 1))
    shares: np.ndarray = np.where(totals > 0, positive / np.where(totals > 0, totals, 1.0), equal)
    return shares
