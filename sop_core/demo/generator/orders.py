"""Customer order lines, their delivery, and the sales they become.

Sales are what was delivered, so they are derived from the order lines and the two tables always
agree. Lateness comes from a designed "pressure" calendar per workshop (base rate plus events: the
spring 2026 press crunch, restarts after the August shutdown...), which is what makes the service
rate history tell a story instead of being white noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sop_core.demo.generator.calendar import (
    DEMO_AS_OF,
    HISTORY_START,
    SIM_MONTHS,
    WorkCalendar,
    month_index,
    month_number,
)
from sop_core.demo.generator.catalogue import CUSTOMERS, FAMILIES, WORKSHOPS
from sop_core.demo.generator.products import Catalogue

ORDER_COLUMNS: tuple[str, ...] = (
    "order_id", "line", "customer", "sku", "quantity", "order_date", "promised_date",
    "delivered_date", "delivered_quantity",
)
LINE_RATE = 1.0  # scales how often customers order: tuned for ~25k lines over three years
BASE_LATE_RATE: dict[str, float] = {
    "INJECTION": 0.075, "ASSEMBLAGE": 0.07, "CONDITIONNEMENT": 0.05, "DECOR": 0.06,
    "CONTROLE": 0.05,
}
PRESSURE_MONTHS = SIM_MONTHS + 4  # promises run a few months past the as-of date
# (workshop, simulation month) -> extra probability of a late delivery.
LATE_EVENTS: dict[tuple[str, int], float] = {
    ("INJECTION", 29): 0.12, ("INJECTION", 30): 0.24, ("INJECTION", 31): 0.22,
    ("INJECTION", 32): 0.08, ("ASSEMBLAGE", 30): 0.08, ("ASSEMBLAGE", 31): 0.06,
    ("ASSEMBLAGE", 14): 0.10,  # flu wave, December 2024
    ("DECOR", 15): 0.12,  # pad-printing machine down, January 2025
    ("INJECTION", 36): 0.16, ("ASSEMBLAGE", 36): 0.08,  # the autumn 2026 crunch building up
    ("INJECTION", 37): 0.25, ("ASSEMBLAGE", 37): 0.12,
}
SEPTEMBER_RESTART = 0.04
EARLY_RATE, PARTIAL_RATE = 0.15, 0.03
DATE_DTYPE = "datetime64[us]"


def late_pressure() -> np.ndarray:
    """(workshop x month) probability that a line promised that month ships late."""
    base = np.array([BASE_LATE_RATE[w] for w in WORKSHOPS])[:, None]
    pressure = np.repeat(base, PRESSURE_MONTHS, axis=1)
    pressure[:, month_number(np.arange(PRESSURE_MONTHS)) == 9] += SEPTEMBER_RESTART
    for (shop, month), extra in LATE_EVENTS.items():
        pressure[WORKSHOPS.index(shop), month] += extra
    return pressure


def customer_pairs(catalogue: Catalogue, rng: np.random.Generator) -> pd.DataFrame:
    """Which customers buy each SKU, their share of it and how many lines a month they send."""
    sectors = np.array([c[1] for c in CUSTOMERS])
    sizes = np.array([c[2] for c in CUSTOMERS])
    volume_rank = (catalogue.base_volume * catalogue.occurrence).argsort().argsort()
    percentile = volume_rank / (catalogue.size - 1)
    rows: list[tuple[int, int, float, float]] = []
    for sku in range(catalogue.size):
        pool = np.flatnonzero(np.isin(sectors, FAMILIES[catalogue.family[sku]].sectors))
        count = min(len(pool), int(1 + np.floor(percentile[sku] * 4 + rng.uniform())))
        chosen = rng.choice(pool, size=count, replace=False, p=sizes[pool] / sizes[pool].sum())
        share = rng.gamma(1.5, 1.0, count) * np.sqrt(sizes[chosen])
        share /= share.sum()
        regular = catalogue.occurrence[sku] == 1.0
        for customer, part in zip(chosen, share, strict=True):
            # Big accounts on big SKUs call off weekly; small ones order once a month or less.
            rate = LINE_RATE * (0.6 + 3.4 * percentile[sku] * np.sqrt(part)) if regular else 0.8
            rows.append((sku, int(customer), float(part), float(rate)))
    return pd.DataFrame(rows, columns=["sku", "customer", "share", "lines_per_month"])


def _raw_lines(catalogue: Catalogue, demand: np.ndarray, pairs: pd.DataFrame,
               calendar: WorkCalendar, rng: np.random.Generator) -> pd.DataFrame:
    """Split each customer's monthly demand into order lines on random working days."""
    pair_sku = pairs["sku"].to_numpy()
    pair_demand = demand[pair_sku] * pairs["share"].to_numpy()[:, None]
    counts = rng.poisson(pairs["lines_per_month"].to_numpy()[:, None], pair_demand.shape)
    counts = np.where(pair_demand > 0, np.maximum(counts, 1), 0).ravel()
    group = np.repeat(np.arange(counts.size), counts)
    weights = rng.gamma(3.0, 1.0, group.size)
    totals = np.bincount(group, weights=weights, minlength=counts.size)
    pair, month = np.divmod(group, SIM_MONTHS)
    pack = catalogue.pack[pair_sku[pair]]
    raw = pair_demand.ravel()[group] * weights / totals[group]
    first_day, n_days = calendar.month_slices()
    day = first_day[month] + (rng.uniform(size=group.size) * n_days[month]).astype(np.int64)
    return pd.DataFrame({
        "sku": pair_sku[pair], "customer": pairs["customer"].to_numpy()[pair],
        "order_date": calendar.days[day], "quantity": np.maximum(np.round(raw / pack), 1) * pack,
    })


def _number_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """One order per customer and day; ids like CMD-24-00123 numbered per year; lines 1..n."""
    lines = lines.groupby(["order_date", "customer", "sku"], as_index=False)["quantity"].sum()
    heads = lines[["order_date", "customer"]].drop_duplicates(ignore_index=True)
    year = heads["order_date"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    sequence = heads.groupby(year).cumcount().to_numpy() + 1
    heads["order_id"] = [f"CMD-{y % 100:02d}-{s:05d}" for y, s in zip(year, sequence, strict=True)]
    lines = lines.merge(heads, on=["order_date", "customer"], how="left")
    lines["line"] = lines.groupby("order_id").cumcount() + 1
    return lines


def _deliver(lines: pd.DataFrame, catalogue: Catalogue, calendar: WorkCalendar,
             rng: np.random.Generator) -> pd.DataFrame:
    """Promised date = order date + quoted lead time; then early, on time, late or short."""
    sku = lines["sku"].to_numpy()
    order_date = lines["order_date"].to_numpy().astype("datetime64[D]")
    lead = catalogue.lead_time_days[sku].astype("timedelta64[D]")
    promised = calendar.on_or_after(order_date + lead)
    p_late = late_pressure()[catalogue.workshop[sku], month_index(promised)]
    n = len(lines)
    late = rng.uniform(size=n) < p_late
    early = ~late & (rng.uniform(size=n) < EARLY_RATE)
    shift = np.where(late, np.minimum(rng.geometric(0.2, n), 25), 0)
    shift = np.where(early, -rng.integers(1, 4, n), shift)
    delivered = np.maximum(calendar.shift(promised, shift), order_date)
    quantity, pack = lines["quantity"].to_numpy(), catalogue.pack[sku]
    short = np.floor(quantity * rng.uniform(0.4, 0.95, n) / pack) * pack
    partial = (rng.uniform(size=n) < PARTIAL_RATE + 0.1 * (p_late - 0.05)) & (short >= pack)
    open_line = delivered >= np.datetime64(DEMO_AS_OF, "D")
    delivered_qty = np.where(partial & (short < quantity), short, quantity)
    return lines.assign(
        promised_date=promised,
        delivered_date=np.where(open_line, np.datetime64("NaT"), delivered),
        delivered_quantity=np.where(open_line, np.nan, delivered_qty),
    )


def order_lines(catalogue: Catalogue, demand: np.ndarray, pairs: pd.DataFrame,
                calendar: WorkCalendar, rng: np.random.Generator) -> pd.DataFrame:
    """All simulated lines (indices for SKU and customer), including the warm-up month's."""
    lines = _number_orders(_raw_lines(catalogue, demand, pairs, calendar, rng))
    return _deliver(lines, catalogue, calendar, rng)


def in_history(lines: pd.DataFrame) -> pd.Series:
    """Lines the files show: those due within the history (service rates start on a full month)."""
    return lines["promised_date"] >= pd.Timestamp(HISTORY_START)


def orders_frame(lines: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The `orders` table in canonical columns and dtypes."""
    kept = lines[in_history(lines)].sort_values(["order_id", "line"], ignore_index=True)
    # Lines of an order that fell before the history are gone: number the rest 1..n again.
    kept["line"] = kept.groupby("order_id").cumcount() + 1
    frame = pd.DataFrame({
        "order_id": pd.array(kept["order_id"], dtype="string"),
        "line": kept["line"].astype(np.int64),
        "customer": pd.array([CUSTOMERS[c][0] for c in kept["customer"]], dtype="string"),
        "sku": pd.array(catalogue.sku[kept["sku"].to_numpy()], dtype="string"),
        "quantity": kept["quantity"].astype(np.int64),
    })
    for column in ("order_date", "promised_date", "delivered_date"):
        frame[column] = pd.to_datetime(kept[column]).astype(DATE_DTYPE)
    frame["delivered_quantity"] = kept["delivered_quantity"].astype(float)
    return frame[list(ORDER_COLUMNS)]


def sales_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """Delivered quantities per day, SKU and customer: the invoiced sales."""
    delivered = orders[orders["delivered_date"] >= pd.Timestamp(HISTORY_START)]
    sales = (delivered.groupby(["delivered_date", "sku", "customer"], as_index=False)
             ["delivered_quantity"].sum())
    sales = sales.rename(columns={"delivered_date": "date", "delivered_quantity": "quantity"})
    sales["quantity"] = sales["quantity"].astype(np.int64)
    return sales[["date", "sku", "quantity", "customer"]].sort_values(
        ["date", "sku", "customer"], ignore_index=True)


def shipments_matrix(lines: pd.DataFrame, n_skus: int) -> np.ndarray:
    """(SKU x simulation month) delivered units, warm-up included, for the stock simulation."""
    delivered = lines[lines["delivered_date"].notna()]
    month = month_index(delivered["delivered_date"].to_numpy().astype("datetime64[D]"))
    shipped = np.zeros((n_skus, SIM_MONTHS))
    np.add.at(shipped, (delivered["sku"].to_numpy(), month), delivered["delivered_quantity"])
    return shipped
