"""The demo company's product catalogue (SKUs) and the life cycle of each SKU.

Besides the `products` table this builds the hidden parameters the demand simulation needs (base
volume, intermittency, launch and end months, shipping pack): they never reach the files, only
their consequences do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_core.demo.generator.calendar import SIM_MONTHS
from sop_core.demo.generator.catalogue import FAMILIES, SKU_PREFIX, WORKSHOPS, Family

PRODUCT_COLUMNS: tuple[str, ...] = (
    "sku", "name", "family", "unit_cost", "unit_price", "lead_time_days", "safety_stock",
    "workshop", "hours_per_unit", "moq",
)
NEW_SKU_LAUNCH_MONTHS: tuple[int, ...] = (11, 20, 28)  # Sep 2024, Jun 2025, Feb 2026
DISCONTINUED_END_MONTHS: tuple[int, ...] = (17, 26)  # no demand from Mar 2025, Dec 2025
INTERMITTENT_SHARE = 0.22
MISSING_MOQ_COUNT = 6  # a few articles without a batch minimum, to exercise empty optional cells


@dataclass(frozen=True)
class Catalogue:
    """One entry per SKU (arrays aligned with `sku`), sorted by SKU code."""

    sku: np.ndarray
    name: np.ndarray
    family: np.ndarray  # index into FAMILIES
    workshop: np.ndarray  # index into WORKSHOPS
    unit_cost: np.ndarray
    unit_price: np.ndarray
    lead_time_days: np.ndarray
    raw_hours: np.ndarray  # labour content before calibration to capacity
    base_volume: np.ndarray  # units per active month
    occurrence: np.ndarray  # probability that a month has any demand
    launch: np.ndarray  # first simulation month with demand
    end: np.ndarray  # first simulation month without demand
    pack: np.ndarray  # shipping multiple (box, pallet layer)
    moq: np.ndarray  # NaN when not defined
    safety_stock: np.ndarray  # NaN for discontinued SKUs

    @property
    def size(self) -> int:
        return len(self.sku)


def nice_round(values: np.ndarray) -> np.ndarray:
    """Round to 1, 2 or 5 x a power of ten, as packs and batch sizes are in real life."""
    values = np.maximum(np.asarray(values, dtype=float), 1.0)
    power = 10.0 ** np.floor(np.log10(values))
    steps = np.array([1.0, 2.0, 5.0, 10.0])
    nearest = np.abs(values[:, None] / power[:, None] - steps[None, :]).argmin(axis=1)
    return np.asarray(steps[nearest] * power)


def _family_rows(family_idx: int, family: Family, rng: np.random.Generator) -> pd.DataFrame:
    """Random SKUs of one family: workshop, unique name, cost, price, volume, labour content."""
    n = family.n_skus
    names_grid = [f"{noun} {size} {finish}" for noun in family.nouns for size in family.sizes
                  for finish in family.finishes]
    names = [names_grid[i] for i in rng.permutation(len(names_grid))[:n]]
    shops, probs = zip(*family.workshops, strict=True)
    workshop = rng.choice([WORKSHOPS.index(s) for s in shops], size=n, p=list(probs))
    low, high = np.log(family.cost[0]), np.log(family.cost[1])
    position = rng.uniform(0.0, 1.0, n)  # where the SKU sits in the family's cost range
    cost = np.round(np.exp(low + position * (high - low)), 2)
    margin = rng.uniform(0.2, 0.6, n)  # gross margin on price
    # Cheap parts sell in far larger quantities than expensive ones within a family.
    volume = family.monthly_volume * np.exp(rng.normal(0.0, 0.9, n) - 1.2 * (position - 0.5))
    raw_low, raw_high = family.raw_hours_per_unit
    raw_hours = raw_low + position * (raw_high - raw_low) * rng.uniform(0.8, 1.2, n)
    return pd.DataFrame({
        "name": names, "family": family_idx, "workshop": workshop, "unit_cost": cost,
        "unit_price": np.round(cost / (1.0 - margin), 2),
        "lead_time_days": rng.integers(family.lead_time[0], family.lead_time[1] + 1, n),
        "raw_hours": raw_hours, "base_volume": volume,
    })


def _sku_codes(workshop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Codes like INJ-1042: the prefix tells the main workshop, numbers leave gaps as real ERPs do."""
    codes = np.empty(len(workshop), dtype=object)
    for w, shop in enumerate(WORKSHOPS):
        rows = np.flatnonzero(workshop == w)
        numbers = np.sort(rng.choice(np.arange(1001, 1999), size=len(rows), replace=False))
        codes[rows] = [f"{SKU_PREFIX[shop]}-{(w + 1) * 1000 + n % 1000:04d}" for n in numbers]
    return codes


def _life_cycle(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Pick the new SKUs, the discontinued ones and the intermittent tail (disjoint sets)."""
    n = len(rows)
    launch, end = np.zeros(n, dtype=np.int64), np.full(n, SIM_MONTHS, dtype=np.int64)
    occurrence = np.ones(n)
    # New and discontinued SKUs are regular sellers so that their story is readable in the charts.
    order = rng.permutation(np.flatnonzero(rows["base_volume"].to_numpy() > 300))
    n_new, n_gone = len(NEW_SKU_LAUNCH_MONTHS), len(DISCONTINUED_END_MONTHS)
    launch[order[:n_new]] = NEW_SKU_LAUNCH_MONTHS
    end[order[n_new:n_new + n_gone]] = DISCONTINUED_END_MONTHS
    others = np.setdiff1d(np.arange(n), order[:n_new + n_gone])
    tail = rng.choice(others, size=round(INTERMITTENT_SHARE * n), replace=False)
    occurrence[tail] = rng.uniform(0.3, 0.5, len(tail))
    volume = rows["base_volume"].to_numpy().copy()
    volume[tail] *= rng.uniform(0.08, 0.2, len(tail))  # the tail sells little, and rarely
    return rows.assign(launch=launch, end=end, occurrence=occurrence, base_volume=volume)


def _stock_parameters(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Pack, batch minimum (MOQ) and safety stock, sized on the SKU's average monthly demand."""
    volume, occurrence = rows["base_volume"].to_numpy(), rows["occurrence"].to_numpy()
    mean_monthly = volume * occurrence
    pack = nice_round(np.maximum(volume / 40.0, 1.0))
    # Presses need long runs to pay the mould change: the tail's MOQ covers many months of demand,
    # which is how a real plant ends up with overstock on slow movers.
    cover = np.where(occurrence < 1.0, rng.uniform(2.0, 4.0, len(rows)), rng.uniform(0.3, 0.8,
                                                                                     len(rows)))
    moq = nice_round(np.maximum(volume * cover, pack))
    moq[rng.choice(len(rows), size=MISSING_MOQ_COUNT, replace=False)] = np.nan
    safety = np.ceil(mean_monthly * rng.uniform(0.3, 0.8, len(rows)) / pack) * pack
    safety[rows["end"].to_numpy() < SIM_MONTHS] = np.nan
    return rows.assign(pack=pack, moq=moq, safety_stock=safety)


def build_catalogue(rng: np.random.Generator) -> Catalogue:
    """All SKUs of all families, with their hidden demand parameters, sorted by SKU code."""
    rows = pd.concat([_family_rows(i, f, rng) for i, f in enumerate(FAMILIES)], ignore_index=True)
    rows = _life_cycle(rows, rng)
    rows = _stock_parameters(rows, rng)
    rows["sku"] = _sku_codes(rows["workshop"].to_numpy(), rng)
    rows = rows.sort_values("sku", ignore_index=True)
    return Catalogue(
        sku=rows["sku"].to_numpy(dtype=object), name=rows["name"].to_numpy(dtype=object),
        **{field: rows[field].to_numpy() for field in (
            "family", "workshop", "unit_cost", "unit_price", "lead_time_days", "raw_hours",
            "base_volume", "occurrence", "launch", "end", "pack", "moq", "safety_stock")},
    )


def products_frame(catalogue: Catalogue, hours_per_unit: np.ndarray) -> pd.DataFrame:
    """The `products` table in canonical columns and dtypes (optional numbers as float/NaN)."""
    return pd.DataFrame({
        "sku": pd.array(catalogue.sku, dtype="string"),
        "name": pd.array(catalogue.name, dtype="string"),
        "family": pd.array([FAMILIES[i].name for i in catalogue.family], dtype="string"),
        "unit_cost": catalogue.unit_cost.astype(float),
        "unit_price": catalogue.unit_price.astype(float),
        "lead_time_days": catalogue.lead_time_days.astype(np.int64),
        "safety_stock": catalogue.safety_stock.astype(float),
        "workshop": pd.array([WORKSHOPS[i] for i in catalogue.workshop], dtype="string"),
        "hours_per_unit": hours_per_unit.astype(float),
        "moq": catalogue.moq.astype(float),
    })
