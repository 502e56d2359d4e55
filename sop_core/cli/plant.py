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

from sop_core.cli.common import EXIT_OK, EXIT_REFUSED, emit, iso_date, padded, positive_int, records, say, whole_percent
from sop_core.common import Message, format_money, format_number, format_percent
from sop_core.data import Store
from sop_core.production import week_spans

STATUSES = ("red", "orange", "green")


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
    from sop_core.common import next_period
    from sop_core.data import load_preferences
    from sop_core.kpi import KpiFilters, ServiceSettings, StockSettings, service_report, stock_summary, turnover

    as_of = args.as_of or store.as_of()
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
    text = [say(args.lang, "cli.kpis.period", date=as_of, lines=int(summary["lines"]), months=args.months)]
    if summary["lines"]:
        rates = {name: format_percent(summary[name], args.lang) for name in ("otif", "on_time", "in_full", "fill_rate")}
        text.append(say(args.lang, "cli.kpis.service", **rates, target=format_percent(target.target, args.lang, 0),
                        status=Message(f"status.{summary['status']}")))
    emit(args, data, "\n".join([*text, _stock_line(stock, args.lang)]))
    return EXIT_OK


def _stock_line(stock: dict[str, Any], lang: str) -> str:
    """The stock figures as the Stock rotation page's tiles say them: values in euros, days whole."""
    values = {name: format_money(stock[name], lang)
              for name in ("total_value", "dead_stock_value", "slow_value", "overstock_value")}
    days = {name: format_number(stock[name], lang) for name in ("days_of_inventory", "coverage_median_days")}
    return say(lang, "cli.kpis.stock", **values, **days, turnover=format_number(stock["turnover"], lang, 1),
               understock_skus=stock["understock_skus"], skus=stock["skus"])


def _production(args: argparse.Namespace, store: Store) -> int:
    from sop_core.production import production_report, with_reasons

    as_of = args.as_of or store.as_of()
    report = production_report(store, as_of, args.weeks)
    orders = with_reasons(report.orders, args.lang)[["mo_id", "workshop", "sku", "status", "delay_days", "planned_end",
                                                     "projected_end", "remaining_hours", "at_risk_lines", "reason"]]
    data = {"as_of": as_of, "orders": records(orders), "workshops": records(report.summary),
            "load": records(report.load), "customer_lines_at_risk": records(report.impact[report.impact["at_risk"]])}
    text = [say(args.lang, "cli.production.heading", count=len(orders), date=as_of)]
    workshops = padded(report.summary["workshop"])
    text += [say(args.lang, "cli.production.workshop", workshop=name, statuses=_status_counts(w, args.lang),
                 overload=format_number(w.overload_hours_4w, args.lang))
             for name, w in zip(workshops, report.summary.itertuples(), strict=True)]
    red = orders[orders["status"] == "red"]
    text += [say(args.lang, "cli.production.red_order", mo=o.mo_id, workshop=o.workshop, status=Message("status.red"),
                 reason=o.reason) for o in red.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _status_counts(workshop: Any, lang: str) -> str:
    """rouge  11  orange   6  vert  12: each status's word, then its count right-aligned."""
    return "  ".join(f"{say(lang, f'status.{status}')} {format_number(getattr(workshop, status), lang):>3}"
                     for status in STATUSES)


def _simulate(args: argparse.Namespace, store: Store) -> int:
    from sop_core.whatif import compare, read_scenario, simulate_scenario

    scenario = read_scenario(args.scenario)  # a bad file is said before any computation
    as_of = args.as_of or store.as_of()
    baseline, result = simulate_scenario(store, as_of, scenario)
    side_by_side = compare([baseline, result])
    data = {"as_of": as_of, "scenario": scenario.name, "comparison": records(side_by_side),
            "costs": records(result.costs), "orders": records(result.orders[["mo_id", "workshop", "status",
                                                                             "delay_days", "projected_end"]]),
            "customer_lines_at_risk": records(result.lines[result.lines["at_risk"]]),
            "rough_cut": records(result.rough_cut)}
    text = [say(args.lang, "cli.simulate.heading", scenario=scenario.name, date=as_of),
            *_comparison_lines(side_by_side, args.lang)]
    text += [say(args.lang, "cli.simulate.lever", lever=str(c.lever), kind=Message(f"whatif.kind.{c.kind}"),
                 workshop=c.workshop, hours=format_number(c.paid_hours, args.lang), cost=_euros(c.cost, args.lang))
             for c in result.costs.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _optimize(args: argparse.Namespace, store: Store) -> int:
    from sop_core.whatif import Target, baseline_result, compare, find_cheapest_mix, scenario_to_json

    target = Target(on_time_rate=args.target, by_week=args.by_week)  # a bad target is said first
    as_of = args.as_of or store.as_of()
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
    verdict = "cli.optimize.reached" if mix.reached else "cli.optimize.not_reached"
    text = [say(args.lang, verdict, goal=goal, message=message)]
    if overdue:
        text.append(say(args.lang, "cli.optimize.overdue", count=overdue))
    text += _comparison_lines(side_by_side, args.lang)
    text += [say(args.lang, "cli.optimize.lever", kind=Message(f"whatif.kind.{c.kind}"), workshop=c.workshop,
                 weeks=week_spans([(c.first_week, c.last_week)], args.lang), cost=_euros(c.cost, args.lang))
             for c in mix.result.costs.itertuples()]
    emit(args, data, "\n".join(text))
    return EXIT_OK if mix.reached else EXIT_REFUSED


def _comparison_lines(side_by_side: pd.DataFrame, lang: str) -> list[str]:
    """`simulation.compare`'s rows in columns, the baseline and the cheapest mix named in `lang`."""
    from sop_core.whatif import BASELINE, MIX_NAME

    named = {BASELINE: "whatif.baseline", MIX_NAME: "whatif.mix_name"}
    names = padded(say(lang, named[name]) if name in named else name for name in side_by_side["scenario"])
    return [say(lang, "cli.comparison", scenario=name, red=format_number(r.red_orders, lang).rjust(3),
                late_days=format_number(r.late_days, lang).rjust(5),
                on_time=whole_percent(r.projected_on_time_rate, lang),
                lines_at_risk=format_number(r.lines_at_risk, lang).rjust(4), cost=_euros(r.total_cost, lang).rjust(10))
            for name, r in zip(names, side_by_side.itertuples(), strict=True)]


def _euros(value: float, lang: str) -> str:
    """To the euro, as the What-if page's tuning says it: a cost is compared line with line."""
    return say(lang, "whatif.euros", amount=format_number(value, lang))


PLANT_COMMANDS = {"kpis": _kpis, "production": _production, "simulate": _simulate, "optimize": _optimize}
