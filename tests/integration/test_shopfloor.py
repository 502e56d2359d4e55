"""Production data from the store, by hand: remaining work of open OF, the closed history, the
customer lines an OF serves, the rough-cut plan, and the whole report on the demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sop_core.cli.main import EXIT_OK, main
from sop_core.data.store import Store
from sop_core.production.capacity_plan import rough_cut_plan
from sop_core.production.delays import production_report
from sop_core.production.reasons import with_reasons
from sop_core.production.shopfloor import closed_history, customer_impact, open_orders
from tests.rows import forecast_run, insert_rows

AS_OF = dt.date(2026, 11, 2)  # a Monday
D = dt.date
# mo_id, sku, quantity, planned_start, planned_end, actual_start, actual_end, hours_required, hours_done,
# progress_pct, order_id
OF = [
    ("M1", "P1", 100, D(2026, 10, 26), D(2026, 11, 4), D(2026, 10, 26), None, 10, 4, None, "C1"),  # 6 h left
    ("M2", "P1", 100, D(2026, 11, 2), D(2026, 11, 6), None, None, 8, None, 25, None),  # 8 x 75% = 6 h
    ("M3", "P1", 40, D(2026, 11, 9), D(2026, 11, 13), None, None, None, None, 50, None),  # routing 40 x 0.5 x 50%
    ("M4", "P2", 10, D(2026, 11, 9), D(2026, 11, 13), None, None, None, None, None, None),  # P2: no routing
    ("M5", "P1", 50, D(2026, 9, 1), D(2026, 9, 10), D(2026, 9, 1), D(2026, 9, 9), 5, 5, 100, None),  # closed on time
    ("M6", "P1", 50, D(2026, 9, 1), D(2026, 9, 10), D(2026, 9, 1), D(2026, 9, 14), 5, 5, 100, None),  # 4 days late
    ("M7", "P1", 50, D(2026, 10, 1), D(2026, 10, 10), D(2026, 10, 1), D(2026, 11, 5), 5, 2, 40, None),  # ends later
]


@pytest.fixture
def plant(store: Store) -> Store:
    with store.transaction() as cur:
        cur.execute("INSERT INTO workshops (workshop, headcount, hours_per_week, efficiency, regular_cost_per_hour) "
                    "VALUES ('W', 1, 40, 1, 30)")  # 8 h a working day
        cur.execute("INSERT INTO products (sku, name, family, unit_cost, unit_price, workshop, hours_per_unit) VALUES "
                    "('P1', 'Boîtier', 'F', 1, 2, 'W', 0.5), ('P2', 'Clip', 'F', 1, 2, 'W', NULL)")
        cur.executemany("INSERT INTO production_orders (mo_id, sku, workshop, quantity, planned_start, planned_end, "
                        "actual_start, actual_end, hours_required, hours_done, progress_pct, order_id) "
                        "VALUES (?, ?, 'W', ?, ?, ?, ?, ?, ?, ?, ?, ?)", [list(row) for row in OF])
        cur.executemany("INSERT INTO orders (order_id, line, customer, sku, quantity, order_date, promised_date) "
                        "VALUES (?, ?, ?, ?, ?, DATE '2026-10-01', ?)",
                        [("C1", "1", "Acme", "P1", 50, D(2026, 11, 3)),  # named by M1
                         ("C2", "1", "Bolt", "P1", 20, D(2026, 11, 10)),  # M2 ends 6/11 plans before it: served
                         ("C3", "1", "Bolt", "P1", 20, D(2026, 12, 30))])  # no OF within 30 days before
    return store


def test_remaining_work_follows_the_documented_rules(plant: Store) -> None:
    book = open_orders(plant, AS_OF).set_index("mo_id")
    assert list(book.index) == ["M1", "M2", "M3", "M4", "M7"]  # M7 ends after the as-of day: still open
    assert book["remaining_hours"].to_dict() == pytest.approx({"M1": 6, "M2": 6, "M3": 10, "M4": 0, "M7": 3})
    assert book["hours_source"].to_dict() == {"M1": "hours", "M2": "hours", "M3": "routing", "M4": "none",
                                              "M7": "hours"}
    assert book.loc["M1", "progress"] == pytest.approx(0.4) and book.loc["M2", "progress"] == pytest.approx(0.25)


def test_closed_history_per_workshop_and_month(plant: Store) -> None:
    history = closed_history(plant, AS_OF)
    assert history[["month", "closed", "on_time"]].values.tolist() == [[pd.Timestamp("2026-09-01"), 2, 1]]
    assert history["on_time_rate"].iloc[0] == 0.5 and history["avg_delay_days"].iloc[0] == 4


def test_report_projects_flags_and_links_customer_lines(plant: Store) -> None:
    report = production_report(plant, AS_OF, weeks=4)
    orders = report.orders.set_index("mo_id")
    # By due date on 8 h a day: M7 (3 h, due 10/10) and 5 of M1's 6 h on Monday 2/11; Tuesday, M1's last
    # hour then M2's 6 (M2 is released on its planned start, the 2nd): both end on Tuesday 3/11.
    assert orders.loc["M7", "projected_end"] == pd.Timestamp("2026-11-02")
    assert orders.loc["M1", "projected_end"] == pd.Timestamp("2026-11-03") == orders.loc["M2", "projected_end"]
    # M4's unknown work counts as 0 h left (done on as_of, on time): it is orange, and says why first.
    assert orders.loc["M4", "status"] == "orange" and orders.loc["M4", "reason_codes"] == "no_hours;on_time"
    assert with_reasons(report.orders, "en").set_index("mo_id").loc["M4", "reason"] == (
        "no hours known (neither hours_required nor a routing time): its load is not counted; "
        "on time (projected end 02 Nov)")
    assert with_reasons(report.orders, "fr").set_index("mo_id").loc["M4", "reason"] == (
        "heures inconnues (ni heures requises ni gamme) : sa charge n'est pas comptée ; à l'heure (fin projetée 02/11)")
    assert orders.loc["M7", "status"] == "red"  # past its planned end of 10/10 and not finished
    impact = report.impact.set_index("order_id")
    assert impact.loc["C1", ["mo_id", "link"]].tolist() == ["M1", "order"]
    assert impact.loc["C2", ["mo_id", "link"]].tolist() == ["M2", "sku"] and not impact.loc["C2", "at_risk"]
    assert "C3" not in impact.index
    assert report.summary["orders"].sum() == 5 == report.summary[["red", "orange", "green"]].to_numpy().sum()
    direct = customer_impact(plant, AS_OF, report.orders)
    assert len(direct) == len(report.impact)


def test_rough_cut_nets_stock_and_open_orders_before_loading_the_forecast(plant: Store) -> None:
    with plant.transaction() as cur:
        cur.execute("INSERT INTO stock (date, sku, on_hand) VALUES (DATE '2026-10-31', 'P1', 10)")
        insert_rows(cur, "forecast_runs", [forecast_run(1, AS_OF)])
        cur.executemany("INSERT INTO forecast_values (run_id, sku, period, forecast) VALUES (1, 'P1', ?, 150)",
                        [[D(2026, 11, 1)], [D(2026, 12, 1)], [D(2027, 1, 1)]])
    plan = rough_cut_plan(plant, AS_OF, months=3)
    assert plan.source == "forecast" and plan.run_id == 1
    # Available P1 = 10 on hand + open OF left: M1 60 + M2 75 + M3 20 + M7 30 = 195 units.
    # Cumulated forecast 150, 300, 450 -> uncovered 0, 105, 150 units x 0.5 h = 0, 52.5, 75 h.
    assert plan.plan["forecast_hours"].tolist() == pytest.approx([0, 52.5, 75])
    # Open OF hours in the month of their planned end (M7, overdue, in November): 6 + 6 + 10 + 0 + 3.
    assert plan.plan["open_orders_hours"].tolist() == pytest.approx([25, 0, 0])
    # November from the 2nd: 21 weekdays minus the 11th = 20 x 8 h; December: 23 weekdays minus the 25th.
    assert plan.plan["capacity_hours"].tolist()[:2] == pytest.approx([20 * 8, 22 * 8])


def test_production_cli_prints_every_open_of(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["production", "--json", "--weeks", "4"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    with Store(demo_db) as store:
        open_count = store.scalar("SELECT count(*) FROM production_orders WHERE actual_end IS NULL "
                                  "OR actual_end >= ?", [store.as_of()])
    assert len(out["orders"]) == open_count > 50
    assert {o["status"] for o in out["orders"]} <= {"red", "orange", "green"}
    assert len(out["load"]) == 4 * len(out["workshops"])
    assert any(o["reason"].startswith("en retard de ") for o in out["orders"])  # French unless told otherwise
    assert main(["production", "--json", "--weeks", "4", "--lang", "en"]) == EXIT_OK
    assert any(o["reason"].startswith("late ") for o in json.loads(capsys.readouterr().out)["orders"])


def test_simulate_cli_compares_the_example_scenario_with_the_baseline(
        demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    example = Path(__file__).resolve().parents[2] / "data" / "scenarios" / "example.json"
    assert main(["simulate", "--scenario", str(example), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    baseline, scenario = out["comparison"]
    assert baseline["total_cost"] == 0 and scenario["total_cost"] == pytest.approx(sum(c["cost"] for c in out["costs"]))
    assert scenario["late_days"] <= baseline["late_days"] and scenario["red_orders"] <= baseline["red_orders"]
    assert [c["kind"] for c in out["costs"]] == ["overtime", "temps", "subcontract"]


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "bad.json"),
    ('{"version": 1, "name": "x", "levers": [{"kind": "overtime", "workshop": "NOWHERE", "first_week": '
     '"2026-11-09", "last_week": "2026-11-16", "hours_per_person": 2}]}', "NOWHERE"),
])
def test_simulate_cli_refuses_a_bad_scenario_naming_it(demo_db: Path, tmp_path: Path, content: str, expected: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["simulate", "--scenario", str(bad)]) == 2
    assert expected in capsys.readouterr().err


def test_optimize_cli_finds_a_mix_that_meets_the_target(demo_db: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    output = tmp_path / "mix.json"
    assert main(["optimize", "--target", "no-red", "--output", str(output), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    baseline, mix = out["comparison"]
    assert out["reached"] and mix["red_orders"] < baseline["red_orders"] and mix["total_cost"] > 0
    assert json.loads(output.read_text(encoding="utf-8"))["levers"] == out["scenario"]["levers"]
    assert main(["simulate", "--scenario", str(output), "--json"]) == EXIT_OK  # the mix can be replayed
    assert json.loads(capsys.readouterr().out)["comparison"][1]["total_cost"] == pytest.approx(mix["total_cost"])
