"""Monthly demand of every SKU, and the labour content calibrated against workshop capacity.

Demand = base volume x trend x seasonality x noise, with promotions, an intermittent tail, launches
and discontinuations. The hours per unit are then scaled so that each workshop's average load is a
believable share of its capacity: volumes and capacity can never disagree by an order of magnitude.
"""

from __future__ import annotations

import numpy as np

from sop_core.demo.generator.calendar import SIM_MONTHS, WorkCalendar, month_number
from sop_core.demo.generator.catalogue import FAMILIES, PLANT_SEASON, TARGET_UTILISATION, WORKSHOPS
from sop_core.demo.generator.products import Catalogue

PROMOTION_COUNT = 5
PROMO_FAMILIES = ("Bouchage", "Jardin", "Kits et coffrets", "Logistique")
# Spring 2026: a big garden-centre listing lands on top of the seasonal peak, which is what
# overloads the presses (the service-rate dip the demo tells).
GARDEN_LISTING_MONTHS = {29: 1.25, 30: 1.35, 31: 1.3, 32: 1.15}
# Months each intermittent SKU is forced to sell in once, so it stays visibly alive at both ends
# of the history instead of looking launched or discontinued by chance.
ALIVE_WINDOWS = ((1, 6), (28, 34))


def _seasonality(catalogue: Catalogue) -> np.ndarray:
    """(SKU x month) index: the plant's calendar times the family's own season."""
    months = month_number(np.arange(SIM_MONTHS)) - 1
    plant = np.asarray(PLANT_SEASON)[months]
    family = np.array([np.asarray(f.season)[months] for f in FAMILIES])[catalogue.family]
    return np.asarray(plant[None, :] * family / family.mean(axis=1, keepdims=True))


def _trend(catalogue: Catalogue) -> np.ndarray:
    """(SKU x month) growth factor centred on the middle of the history."""
    growth = np.array([f.growth for f in FAMILIES])[catalogue.family]
    years = (np.arange(SIM_MONTHS) - SIM_MONTHS / 2) / 12.0
    return np.asarray((1.0 + growth[:, None]) ** years[None, :])


def _active_months(catalogue: Catalogue, rng: np.random.Generator) -> np.ndarray:
    """(SKU x month) booleans: life cycle, and random months with demand for the intermittent tail."""
    months = np.arange(SIM_MONTHS)[None, :]
    alive = (months >= catalogue.launch[:, None]) & (months < catalogue.end[:, None])
    draws = rng.uniform(0.0, 1.0, (catalogue.size, SIM_MONTHS)) < catalogue.occurrence[:, None]
    for low, high in ALIVE_WINDOWS:
        forced = rng.integers(low, high + 1, catalogue.size)
        draws[np.arange(catalogue.size), forced] = True
    return alive & draws


def _lifecycle_shape(catalogue: Catalogue) -> np.ndarray:
    """Ramp-up over four months after a launch; demand fading in the six months before an end."""
    months = np.arange(SIM_MONTHS)[None, :]
    launched_later = catalogue.launch[:, None] > 0
    ramp = np.where(launched_later,
                    np.clip((months - catalogue.launch[:, None] + 1) / 4.0, 0.0, 1.0), 1.0)
    to_end = catalogue.end[:, None] - months
    fade = np.where((to_end <= 6) & (catalogue.end[:, None] < SIM_MONTHS), 0.6, 1.0)
    return ramp * fade


def _promotions(catalogue: Catalogue, demand: np.ndarray, rng: np.random.Generator) -> None:
    """A few promotion spikes on regular sellers, followed by a dip (customers pulled forward)."""
    eligible = np.flatnonzero(
        np.isin([FAMILIES[f].name for f in catalogue.family], PROMO_FAMILIES)
        & (catalogue.occurrence == 1.0) & (catalogue.launch == 0) & (catalogue.end == SIM_MONTHS))
    skus = rng.choice(eligible, size=PROMOTION_COUNT, replace=False)
    months = rng.choice(np.arange(4, SIM_MONTHS - 2), size=PROMOTION_COUNT, replace=False)
    for sku, month in zip(skus, months, strict=True):
        demand[sku, month] *= rng.uniform(2.5, 3.5)
        demand[sku, month + 1] *= 0.7


def demand_matrix(catalogue: Catalogue, rng: np.random.Generator) -> np.ndarray:
    """Units ordered per SKU and simulation month (float; quantities are rounded per order line)."""
    noise_sigma = rng.uniform(0.12, 0.3, catalogue.size)
    noise = np.exp(rng.normal(0.0, 1.0, (catalogue.size, SIM_MONTHS)) * noise_sigma[:, None])
    active = _active_months(catalogue, rng)
    tail = catalogue.occurrence < 1.0
    # When a slow mover sells, the size of the order varies a lot more than a regular's month.
    noise[tail] *= rng.gamma(2.0, 0.5, (int(tail.sum()), SIM_MONTHS))
    demand = (catalogue.base_volume[:, None] * _trend(catalogue) * _seasonality(catalogue)
              * _lifecycle_shape(catalogue) * noise * active)
    garden = np.array([FAMILIES[f].name == "Jardin" for f in catalogue.family])
    for month, factor in GARDEN_LISTING_MONTHS.items():
        demand[garden, month] *= factor
    _promotions(catalogue, demand, rng)
    return np.asarray(demand)


def monthly_capacity(weekly: dict[str, float], calendar: WorkCalendar) -> np.ndarray:
    """(workshop x month) hours: weekly capacity scaled by the month's working days."""
    _, working_days = calendar.month_slices()
    per_week = np.array([weekly[w] for w in WORKSHOPS])
    return np.asarray(per_week[:, None] * working_days[None, :] / 5.0)


def workshop_hours(catalogue: Catalogue, demand: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """(workshop x month) labour hours the demand represents."""
    load = np.zeros((len(WORKSHOPS), SIM_MONTHS))
    np.add.at(load, catalogue.workshop, demand * hours[:, None])
    return load


def calibrate_hours_per_unit(catalogue: Catalogue, demand: np.ndarray,
                             capacity: np.ndarray) -> np.ndarray:
    """Scale each workshop's labour content so the history averages its target utilisation.

    The result is rounded to 3 significant figures, like a routing's standard time.
    """
    load = workshop_hours(catalogue, demand, catalogue.raw_hours)[:, 1:].sum(axis=1)
    target = np.array([TARGET_UTILISATION[w] for w in WORKSHOPS]) * capacity[:, 1:].sum(axis=1)
    scaled = catalogue.raw_hours * (target / load)[catalogue.workshop]
    digits = 2 - np.floor(np.log10(scaled)).astype(int)
    return np.array([round(float(v), int(d)) for v, d in zip(scaled, digits, strict=True)])

