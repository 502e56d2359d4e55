"""Service rate definitions on a hand-computed book of order lines, and their invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sop_core.data.store import Store
from sop_core.forecast.demand import demand_history
from sop_core.kpi import sku_stock
from sop_core.kpi.filters import KpiFilters
from sop_core.kpi.service import ServiceSettings, late_lines, service_report, service_summary

AS_OF = dt.date(2026, 3, 10)
D = dt.date
# order_id, line, customer, sku, quantity, promised, delivered, delivered_quantity, status
BOOK = [
    ("O1", "1", "C1", "P1", 10, D(2026, 2, 1), D(2026, 1, 30), None, None),  # early, full
    ("O1", "2", "C1", "P2", 20, D(2026, 2, 1), D(2026, 2, 4), 20, None),  # 3 days late, full
    ("O2", "1", "C2", "P1", 10, D(2026, 2, 15), D(2026, 2, 15), 6, None),  # on the day, partial
    ("O3", "1", "C2", "P2", 5, D(2026, 3, 1), None, None, None),  # open, 9 days late
    ("O4", "1", "C1", "P1", 8, D(2026, 3, 5), D(2026, 3, 12), 8, None),  # delivered after as-of: open
    ("O5", "1", "C2", "P1", 7, D(2026, 3, 20), None, None, None),  # promised later: not measured
    ("O6", "1", "C1", "P2", 9, D(2026, 2, 10), None, None, "ANNULÉE"),  # cancelled
    ("O7", "1", "C1", "P2", 0, D(2026, 2, 10), D(2026, 2, 10), 0, None),  # orders nothing
    ("O8", "1", "C2", "P1", 4, D(2026, 3, 9), D(2026, 3, 9), None, "Livrée"),  # on time, full
]


def _fill(store: Store, book: list[tuple[object, ...]]) -> None:
    with store.transaction() as cur:
        cur.execute("DELETE FROM orders")
        cur.execute("DELETE FROM products")
        cur.execute("INSERT INTO products (sku, name, family, unit_cost, unit_price) VALUES "
                    "('P1', 'Boîtier', 'F1', 4, 10), ('P2', 'Clip', 'F2', 1, 2)")
        cur.executemany(
            "INSERT INTO orders (order_id, line, customer, sku, quantity, order_date, promised_date, "
            "delivered_date, delivered_quantity, status) VALUES (?, ?, ?, ?, ?, DATE '2026-01-01', ?, ?, ?, ?)",
            [list(row) for row in book])


@pytest.fixture
def book(store: Store) -> Store:
    _fill(store, BOOK)
    return store


def test_summary_matches_the_hand_computation(book: Store) -> None:
    s = service_summary(book, AS_OF)
    assert s["lines"] == 6  # lines 1-5 of O1-O4 and O8: O5 not due, O6 cancelled, O7 empty
    assert isinstance(s["lines"], int | np.integer) and isinstance(s["late_lines"], int | np.integer)  # "6", not "6.0"
    assert (s["on_time_lines"], s["in_full_lines"], s["otif_lines"]) == (3, 3, 2)
    assert s["on_time"] == pytest.approx(3 / 6) and s["otif"] == pytest.approx(2 / 6)
    assert (s["ordered_qty"], s["on_time_qty"]) == (57, 20)
    assert s["fill_rate"] == pytest.approx(20 / 57)
    assert (s["late_lines"], s["open_late_lines"]) == (3, 2)
    assert s["avg_days_late"] == pytest.approx((3 + 9 + 5) / 3)
    assert s["late_value"] == pytest.approx(20 * 2 + 4 * 10 + 5 * 2 + 8 * 10)
    assert s["orders"] == 5 and s["orders_on_time"] == pytest.approx(2 / 5) and s["orders_otif"] == pytest.approx(1 / 5)
    assert s["status"] == "red"


def test_rates_by_month_customer_and_family(book: Store) -> None:
    report = service_report(book, AS_OF)
    month = report.by["month"].set_index("key")
    assert list(month["lines"]) == [3, 3]
    assert list(month["on_time"]) == pytest.approx([2 / 3, 1 / 3])
    assert list(month["orders"]) == [2, 3]  # O1, O2 in February; O3, O4, O8 in March
    customer = report.by["customer"].set_index("key")
    assert list(customer["on_time"]) == pytest.approx([1 / 3, 2 / 3])  # C1, C2
    family = report.by["family"].set_index("key")
    assert family.loc["F1", "on_time"] == pytest.approx(3 / 4) and family.loc["F2", "on_time"] == 0
    assert family["orders"].isna().all()  # an order has no single family


def test_filters_restrict_the_lines(book: Store) -> None:
    assert service_summary(book, AS_OF, KpiFilters(families=("F2",)))["lines"] == 2
    assert service_summary(book, AS_OF, KpiFilters(customers=("C2",)))["on_time_lines"] == 2
    assert service_summary(book, AS_OF, KpiFilters(start=D(2026, 3, 1)))["lines"] == 3
    assert service_summary(book, AS_OF, KpiFilters(end=D(2026, 1, 31)))["lines"] == 0


def test_late_lines_worst_first_and_distribution(book: Store) -> None:
    report = service_report(book, AS_OF)
    late = report.worst_late_lines
    assert list(zip(late["order_id"], late["days_late"], strict=True)) == [("O3", 9), ("O4", 5), ("O1", 3)]
    assert list(late["open"]) == [True, True, False]
    assert late.equals(late_lines(book, AS_OF))  # the report's worst lines are the full list's head
    dist = report.distribution.set_index("bucket")
    assert dist.loc["on time"].tolist() == [3, 0]
    assert dist.loc["3-7 days"].tolist() == [1, 1] and dist.loc["8-14 days"].tolist() == [0, 1]
    assert dist.sum().tolist() == [4, 2]


def test_customers_most_hurt_by_value_late(book: Store) -> None:
    hurt = service_report(book, AS_OF).customers_most_hurt()
    assert list(hurt["key"]) == ["C1", "C2"]  # C1: 40 + 80 late; C2: 40 + 10
    assert list(hurt["late_value"]) == pytest.approx([120, 50])


def test_empty_book_gives_zero_lines(store: Store) -> None:
    empty = service_summary(store, AS_OF)
    assert (empty["lines"], empty["late_lines"], empty["orders"]) == (0, 0, 0)
    assert empty["otif"] is None and empty["fill_rate"] is None and empty["status"] is None
    report = service_report(store, AS_OF)
    assert report.worst_late_lines.empty and report.distribution["delivered_lines"].sum() == 0


@pytest.mark.parametrize(("rate", "status"), [(0.95, "green"), (1.0, "green"), (0.92, "orange"),
                                              (0.90, "orange"), (0.8999, "red"), (None, None)])
def test_status_against_the_target(rate: float | None, status: str | None) -> None:
    assert ServiceSettings(0.95, 0.05).status(rate) == status


@pytest.mark.parametrize(("target", "margin"), [(0.0, 0.05), (1.2, 0.05), (0.9, -0.1), (0.9, 0.95)])
def test_bad_settings_are_refused(target: float, margin: float) -> None:
    with pytest.raises(ValueError, match=r"target|margin"):
        ServiceSettings(target, margin)


_line = st.tuples(
    st.integers(1, 1000),  # quantity
    st.integers(-40, 40),  # promised, days from the as-of date
    st.one_of(st.none(), st.integers(-60, 30)),  # delivered, days after the promise (None: open)
    st.floats(0, 1.2),  # share delivered
)


def _book(lines: list[tuple[int, int, int | None, float]], parts: int = 1) -> list[tuple[object, ...]]:
    """One order per generated line, each cut into `parts` lines with the same dates and shares."""
    rows: list[tuple[object, ...]] = []
    for i, (qty, promised, delivered, share) in enumerate(lines):
        promise = AS_OF + dt.timedelta(days=promised)
        delivery = None if delivered is None else promise + dt.timedelta(days=delivered)
        rows += [(f"O{i}", str(part), f"C{i % 3}", "P1", qty / parts, promise, delivery, qty * share / parts, None)
                 for part in range(parts)]
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_line, min_size=1, max_size=12))
def test_rates_stay_between_0_and_1(store: Store, lines: list[tuple[int, int, int | None, float]]) -> None:
    _fill(store, _book(lines))
    report = service_report(store, AS_OF)
    frame = report.by["customer"]
    for column in ("on_time", "in_full", "otif", "fill_rate", "orders_on_time", "orders_otif"):
        assert frame[column].between(0, 1).all(), column
    assert (frame["otif_lines"] <= frame[["on_time_lines", "in_full_lines"]].min(axis=1)).all()
    total = report.summary
    for dimension in ("month", "customer", "family", "sku"):  # every breakdown adds up to the total
        for column in ("lines", "late_lines", "ordered_qty"):
            assert report.by[dimension][column].sum() == pytest.approx(total[column]), (dimension, column)
    assert report.by["month"]["orders"].sum() == total["orders"] == report.by["customer"]["orders"].sum()
    assert report.distribution[["delivered_lines", "open_lines"]].to_numpy().sum() == total["lines"]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_line, min_size=1, max_size=8), st.integers(2, 4))
def test_splitting_an_order_into_lines_keeps_its_otif(
    store: Store, lines: list[tuple[int, int, int | None, float]], parts: int
) -> None:
    _fill(store, _book(lines))
    whole = service_summary(store, AS_OF)
    _fill(store, _book(lines, parts))
    split = service_summary(store, AS_OF)
    assert split["lines"] == whole["lines"] * parts
    for name in ("orders", "orders_on_time", "orders_otif", "on_time", "otif"):
        assert split[name] == pytest.approx(whole[name]), name
    assert split["fill_rate"] == pytest.approx(whole["fill_rate"])


def test_cancelled_lines_are_no_demand(book: Store) -> None:
    """Without sales, demand comes from orders: the cancelled O6 line (9 units of P2) is not in it."""
    history = demand_history(book, "month", AS_OF)
    assert history.loc[history["sku"] == "P2", "quantity"].sum() == 20 + 5  # O1/2 and O3; O6 cancelled, O7 empty
    skus = sku_stock(book, AS_OF).set_index("sku")
    assert skus.loc["P2", "avg_monthly_demand"] == pytest.approx(25 / 2)  # January and February complete
