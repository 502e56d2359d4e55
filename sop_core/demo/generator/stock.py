"""Month-end stock of every SKU, simulated with a reorder-point policy, and the production lots
(future closed production orders) that policy launched.

Simulating instead of drawing stock levels keeps stock, sales and production history consistent:
the overstock comes from batch minimums on slow movers and a few over-produced SKUs, the stock-outs
from lots that slipped when a workshop was overloaded or from promotion spikes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.demo.generator.calendar import HISTORY_MONTHS, SIM_MONTHS, SIM_START_MONTH, month_number
from sop_core.demo.generator.catalogue import WORKSHOPS
from sop_core.demo.generator.orders import BASE_LATE_RATE, DATE_DTYPE
from sop_core.demo.generator.products import DISCONTINUED_END_MONTHS, Catalogue

STOCK_COLUMNS: tuple[str, ...] = ("date", "sku", "on_hand", "unit_cost")
OVERSTOCK_SHARE = 0.08  # regular SKUs someone produced far too much of
MAX_LOTS_PER_MONTH = 3
SLIP_FACTOR = 1.8
PREBUILD_SHARE = 0.5  # extra late pressure -> probability that a planned lot slips a month


@dataclass(frozen=True)
class StockHistory:
    """Month-end on-hand per (SKU, simulation month) and the lots produced as (sku, month, qty)."""

    on_hand: np.ndarray
    lots: pd.DataFrame


def _policy(catalogue: Catalogue, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Reorder point and lot size of each SKU from its expected monthly demand."""
    mean = catalogue.base_volume * catalogue.occurrence
    safety = np.nan_to_num(catalogue.safety_stock, nan=0.0)
    reorder = safety + mean * catalogue.lead_time_days / 30.0
    # A few regular SKUs are managed "just in case" (a forgotten min/max setting): normal lots,
    # but a reorder point of 7-10 months of demand, hence lasting overstock.
    regular = np.flatnonzero(catalogue.occurrence == 1.0)
    greedy = rng.choice(regular, size=round(OVERSTOCK_SHARE * len(regular)), replace=False)
    reorder[greedy] += mean[greedy] * rng.uniform(7.0, 10.0, len(greedy))
    cover = rng.uniform(0.5, 1.2, catalogue.size)
    step = np.where(np.isnan(catalogue.moq), catalogue.pack, catalogue.moq)
    lot = np.maximum(np.ceil(mean * cover / step), 1.0) * step
    return reorder, lot


def _requirements(shipped: np.ndarray) -> np.ndarray:
    """What each month's production must cover: July also builds half of August's needs ahead of
    the summer shutdown, so the one working week of August is not a production peak."""
    need = shipped.copy()
    july = np.flatnonzero(month_number(np.arange(SIM_MONTHS - 1)) == 7)
    need[:, july] += PREBUILD_SHARE * shipped[:, july + 1]
    return need


def _lots_this_month(stock: float, need: float, reorder: float, lot: float) -> int:
    """How many lots keep the month-end projection above the reorder point."""
    count = 0
    while stock + count * lot - need < reorder and count < MAX_LOTS_PER_MONTH:
        count += 1
    return count


def _planned_lots(month: int, launch: int, end: int, count: int) -> int:
    """Production stops ahead of a discontinuation; the spare-parts SKU gets a final big run."""
    last_run, run_down = DISCONTINUED_END_MONTHS
    if month >= end - (2 if end == run_down else 0):
        count = 0
    if end == last_run and month == end - 1:
        count += 2
    return count


def _simulate_sku(sku: int, catalogue: Catalogue, shipped: np.ndarray, need: np.ndarray,
                  policy: tuple[float, float], slip: np.ndarray, rng: np.random.Generator,
                  ) -> tuple[np.ndarray, list[tuple[int, int, float, bool]]]:
    """Month-end stock of one SKU; a slipped lot is planned this month but arrives next month."""
    reorder, lot = policy
    launch, end = int(catalogue.launch[sku]), int(catalogue.end[sku])
    on_hand = np.zeros(SIM_MONTHS)
    lots: list[tuple[int, int, float, bool]] = []
    stock = 0.0 if launch > 0 else reorder * rng.uniform(0.8, 1.2) + lot * rng.uniform(0.0, 0.5)
    arriving = 0.0
    for month in range(launch, SIM_MONTHS):
        stock += arriving
        count = _planned_lots(month, launch, end,
                              _lots_this_month(stock, need[month], reorder, lot))
        late = rng.uniform(size=count) < slip[month]
        lots.extend((sku, month, lot, bool(flag)) for flag in late)
        arriving = float(late.sum()) * lot
        stock = max(0.0, stock + (count - late.sum()) * lot - shipped[month])
        if end == DISCONTINUED_END_MONTHS[1] and month >= end:
            stock, arriving = 0.0, 0.0  # leftovers scrapped when the article was archived
        on_hand[month] = stock
    return on_hand, lots


def simulate_stock(catalogue: Catalogue, shipped: np.ndarray, pressure: np.ndarray,
                   rng: np.random.Generator) -> StockHistory:
    """Run the monthly reorder-point policy for every SKU."""
    reorder, lot = _policy(catalogue, rng)
    base = np.array([BASE_LATE_RATE[w] for w in WORKSHOPS])
    slip = np.clip(SLIP_FACTOR * (pressure - base[:, None]), 0.0, 0.9)
    need = _requirements(shipped)
    on_hand = np.zeros((catalogue.size, SIM_MONTHS))
    lots: list[tuple[int, int, float, bool]] = []
    for sku in range(catalogue.size):
        on_hand[sku], sku_lots = _simulate_sku(
            sku, catalogue, shipped[sku], need[sku], (reorder[sku], lot[sku]),
            slip[catalogue.workshop[sku]], rng)
        lots.extend(sku_lots)
    return StockHistory(on_hand, pd.DataFrame(lots, columns=["sku", "month", "quantity", "late"]))


def cost_index(months: np.ndarray) -> np.ndarray:
    """Valuation drift: resin prices rose ~7% over the three years (1.0 = today's unit cost)."""
    progress = (np.asarray(months) - SIM_MONTHS + 1) / HISTORY_MONTHS
    return 1.0 + 0.07 * progress + 0.01 * np.sin(np.asarray(months) / 3.0) * (progress < 0)


def _snapshot_rows(catalogue: Catalogue, history: StockHistory) -> pd.DataFrame:
    """Which (SKU, month) snapshots exist: from launch on, and until a run-down SKU is emptied."""
    months = np.arange(1, SIM_MONTHS)
    sku_grid, month_grid = np.meshgrid(np.arange(catalogue.size), months, indexing="ij")
    sku, month = sku_grid.ravel(), month_grid.ravel()
    on_hand = history.on_hand[sku, month]
    launched = month >= catalogue.launch[sku]
    ended = catalogue.end[sku] < SIM_MONTHS
    archived = ended & (month >= catalogue.end[sku]) & (on_hand == 0)
    keep = launched & ~archived
    return pd.DataFrame({"sku": sku[keep], "month": month[keep], "on_hand": on_hand[keep]})


def stock_frame(catalogue: Catalogue, history: StockHistory) -> pd.DataFrame:
    """The `stock` table: month-end snapshots (last calendar day of the month)."""
    rows = _snapshot_rows(catalogue, history)
    month = rows["month"].to_numpy()
    month_end = (SIM_START_MONTH + month + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    frame = pd.DataFrame({
        "date": pd.Series(month_end).astype(DATE_DTYPE),
        "sku": pd.array(catalogue.sku[rows["sku"].to_numpy()], dtype="string"),
        "on_hand": np.round(rows["on_hand"].to_numpy()).astype(np.int64),
        "unit_cost": np.round(catalogue.unit_cost[rows["sku"].to_numpy()] * cost_index(month), 3),
    })
    return frame[list(STOCK_COLUMNS)].sort_values(["date", "sku"], ignore_index=True)
