"""The plant-side commands: kpis (service and stock), production (OF status and load), simulate (a
what-if scenario) and optimize (the cheapest mix of levers)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from sop_core.cli_common import EXIT_OK, EXIT_REFUSED, emit, iso_date, positive_int, records
from sop_core.store import Store


def plant_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    kpis = commands.add_parser("kpis", parents=[common], help="service rate and stock KPIs (use --json for scripts)")
    kpis.add_argument("--as-of", type=iso_date,
                      help="judge as of this day (default: the data's as-of date, else today)")
    kpis.add_argument("--months", type=positive_int, default=12, help="period: the last N months (default 12)")
    kpis.add_argument("--family", action="append", default=[], help="only this family (repeat for several)")
    kpis.add_argument("--customer", action="append", default=[], help="only this customer, for the service rate")
    production = commands.add_parser("production", parents=[common],
                                     help="status of every open OF and the weekly load per workshop")
    production.add_argument("--as-of", type=iso_date,
                            help="project from this day (default: the data's as-of date, else today)")
    production.add_argument("--weeks", type=positive_int, default=26, help="weeks of load to print (default 26)")
    simulate = commands.add_parser("simulate", parents=[common],
                                   help="rerun the production plan with a what-if scenario (JSON) and its cost")
    simulate.add_argument("--scenario", type=Path, required=True, help="scenario file (format: README, What-if)")
    simulate.add_argument("--as-of", type=iso_date, help="project from this day (default: the data's as-of date)")
    optimize = commands.add_parser("optimize", parents=[common],
                                   help="the cheapest mix of overtime, temps and subcontracting that meets a target")
    optimize.add_argument("--target", required=True, type=_target,
                          help="no-red (no red OF) or on-time:RATE (e.g. on-time:0.9)")
    optimize.add_argument("--by-week", type=iso_date, help="count only the OF due by this week (its Monday)")
    optimize.add_argument("--as-of", type=iso_date, help="project from this day (default: the data's as-of date)")
    optimize.add_argument("--output", type=Path, help="write the scenario found here (JSON), to inspect and tweak")


def _target(text: str) -> float | None:
    """`no-red` -> None, `on-time:0.9` -> 0.9 (checked again by optimizer.Target)."""
    if text == "no-red":
        return None
    kind, _, rate = text.partition(":")
    try:
        if kind == "on-time":
            return float(rate)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected no-red or on-time:RATE (e.g. on-time:0.9), not {text!r}")


def _kpis(args: argparse.Namespace, store: Store) -> int:
    from sop_core.demand import next_period
    from sop_core.filters import KpiFilters
    from sop_core.preferences import load_preferences
    from sop_core.service import ServiceSettings, service_report
    from sop_core.stock import StockSettings, stock_summary, turnover

    as_of = args.as_of or store.as_of() or dt.date.today()
    filters = KpiFilters(start=next_period(as_of.replace(day=1), "month", -args.months),
                         end=as_of - dt.timedelta(days=1), families=tuple(args.family), customers=tuple(args.customer))
    target = load_preferences(store, ServiceSettings, "service")
    service = service_report(store, as_of, filters, target)
    stock_filters = replace(filters, customers=())  # stock belongs to no customer
    stock = stock_summary(store, as_of, stock_filters, load_preferences(store, StockSettings, "stock"))
    data = {"as_of": as_of, "period": {"start": filters.start, "end": filters.end}, "families": args.family,
            "customers": args.customer, "service": {**service.summary, "target": target.target},
            "service_by_month": records(service.by["month"]), "service_by_family": records(service.by["family"]),
            "stock": stock, "stock_by_family": records(turnover(store, as_of, stock_filters, by="family"))}
    summary = service.summary
    text = [f"As of {as_of:%d/%m/%Y}, {summary['lines']:,} order lines due in the last {args.months} months:"]
    if summary["lines"]:
        text.append(f"  OTIF {summary['otif']:.1%} (target {target.target:.0%}, {summary['status']}), on time "
                    f"{summary['on_time']:.1%}, in full {summary['in_full']:.1%}, fill rate {summary['fill_rate']:.1%}")
    text.append("Stock: " + ", ".join(f"{name} {value:,.2f}" if isinstance(value, float) else f"{name} {value}"
                                      for name, value in stock.items()))
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _production(args: argparse.Namespace, store: Store) -> int:
    from sop_core.delays import production_report
    from sop_core.production_reasons import with_reasons

    as_of = args.as_of or store.as_of() or dt.date.today()
    report = production_report(store, as_of, args.weeks)
    orders = with_reasons(report.orders, args.lang)[["mo_id", "workshop", "sku", "status", "delay_days", "planned_end",
                                                     "projected_end", "remaining_hours", "at_risk_lines", "reason"]]
    data = {"as_of": as_of, "orders": records(orders), "workshops": records(report.summary),
            "load": records(report.load), "customer_lines_at_risk": records(report.impact[report.impact["at_risk"]])}
    text = [f"{len(orders)} open OF projected from {as_of:%d/%m/%Y}:"]
    text += [f"  {w.workshop:<16} red {w.red:>3}  orange {w.orange:>3}  green {w.green:>3}  "
             f"overload next 4 weeks {w.overload_hours_4w:,.0f} h" for w in report.summary.itertuples()]
    red = orders[orders["status"] == "red"]
    text += [f"  {o.mo_id} {o.workshop}: red, {o.reason}" for o in red.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _simulate(args: argparse.Namespace, store: Store) -> int:
    from sop_core.scenario_json import scenario_to_json
    from sop_core.scenarios import read_scenario, simulate_scenario
    from sop_core.simulation import compare

    scenario = read_scenario(args.scenario)  # a bad file is said before any computation
    as_of = args.as_of or store.as_of() or dt.date.today()
    baseline, result = simulate_scenario(store, as_of, scenario_to_json(scenario))
    side_by_side = compare([baseline, result])
    data = {"as_of": as_of, "scenario": scenario.name, "comparison": records(side_by_side),
            "costs": records(result.costs), "orders": records(result.orders[["mo_id", "workshop", "status",
                                                                             "delay_days", "projected_end"]]),
            "customer_lines_at_risk": records(result.lines[result.lines["at_risk"]]),
            "rough_cut": records(result.rough_cut)}
    text = [f"{scenario.name} vs baseline, from {as_of:%d/%m/%Y}:"]
    text += [f"  {r.scenario:<40} red {r.red_orders:>3}  late days {r.late_days:>5}  "
             f"on time {r.projected_on_time_rate:.0%}  customer lines at risk {r.lines_at_risk:>4}  "
             f"cost {r.total_cost:>10,.0f} EUR" for r in side_by_side.itertuples()]
    text += [f"  lever {c.lever}: {c.kind} {c.workshop} {c.paid_hours:,.0f} h paid, {c.cost:,.0f} EUR"
             for c in result.costs.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _optimize(args: argparse.Namespace, store: Store) -> int:
    from sop_core.optimizer import Target
    from sop_core.scenario_json import scenario_to_json
    from sop_core.scenarios import baseline_result, find_cheapest_mix
    from sop_core.simulation import compare

    target = Target(on_time_rate=args.target, by_week=args.by_week)  # a bad target is said first
    as_of = args.as_of or store.as_of() or dt.date.today()
    baseline = baseline_result(store, as_of)
    mix = find_cheapest_mix(store, as_of, target.on_time_rate, target.by_week, baseline)
    if args.output:
        args.output.write_text(scenario_to_json(mix.scenario), encoding="utf-8")
    side_by_side = compare([baseline, mix.result])
    goal, message = target.describe().render(args.lang), mix.message.render(args.lang)
    data = {"as_of": as_of, "target": goal, "reached": mix.reached, "proven": mix.proven,
            "message": message, "scenario": json.loads(scenario_to_json(mix.scenario)),
            "comparison": records(side_by_side),
            "costs": records(mix.result.costs)}
    orders = mix.result.orders
    past_end = pd.to_datetime(orders["planned_end"]) < pd.Timestamp(as_of)
    overdue = int(((orders["status"] == "red") & past_end).sum())
    text = [f"Target: {goal} - {'reached' if mix.reached else 'NOT reached'}. {message}"]
    if overdue:
        text.append(f"  ({overdue} OF already past their planned end stay red whatever the levers: not counted)")
    text += [f"  {r.scenario:<14} red {r.red_orders:>3}  late days {r.late_days:>5}  "
             f"on time {r.projected_on_time_rate:.0%}  cost {r.total_cost:>10,.0f} EUR"
             for r in side_by_side.itertuples()]
    text += [f"  {c.kind} {c.workshop} {c.first_week:%d/%m}-{c.last_week:%d/%m}: {c.cost:,.0f} EUR"
             for c in mix.result.costs.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK if mix.reached else EXIT_REFUSED


PLANT_COMMANDS = {"kpis": _kpis, "production": _production, "simulate": _simulate, "optimize": _optimize}
