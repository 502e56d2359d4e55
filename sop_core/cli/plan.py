"""`plan`: the PIC (plan in volume and value) from a script.

    python -m sop_core plan [--json] [--as-of DATE] [--scenario NAME]

`--json` prints `{"as_of", "cycle", "rows"}`, the rows being `plan.plan_rows` (one per family and month,
the stable `plan.JSON_KEYS`); the text is the total of every family month by month. `--scenario` plays a
saved what-if scenario (its demand changes and the capacity its levers add). No monthly forecast yet:
the message and exit 5; an unknown scenario: the message and exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from sop_core.cli.common import EXIT_OK, emit, iso_date, padded, say
from sop_core.common import Message, format_money, format_month, format_number
from sop_core.data import Store

if TYPE_CHECKING:
    from sop_core.plan import PlanResult

# The text table: (column of plan.TABLE_COLUMNS, its header's key); figures whole, euros to the euro.
TEXT_COLUMNS = (("units", "cli.plan.units"), ("revenue", "cli.plan.revenue"),
                ("closing_stock_units", "cli.plan.closing_stock"), ("capacity_shortage_hours", "cli.plan.shortage"))


def plan_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    plan = commands.add_parser("plan", parents=[common],
                               help="the plan (PIC): units, euros, stock and capacity shortage per family and month")
    plan.add_argument("--as-of", type=iso_date,
                      help="plan the cycle of this day (default: the data's as-of date, else today)")
    plan.add_argument("--scenario", help="play this saved what-if scenario (its demand changes and levers)")


def _scenario_result(store: Store, as_of: dt.date, name: str) -> PlanResult:
    """The plan of the saved scenario `name` (`whatif.scenario_plan`); an unknown name is a ScenarioError."""
    from sop_core.whatif import ScenarioError, saved_scenarios, scenario_from_json, scenario_plan

    saved = saved_scenarios(store)
    found = saved[saved["name"] == name]
    if found.empty:
        raise ScenarioError(Message("scenario.error.not_saved", {"name": name}))
    return scenario_plan(store, as_of, scenario_from_json(str(found["scenario_json"].iloc[0])))[0]


def _plan(args: argparse.Namespace, store: Store) -> int:
    from sop_core.plan import balance, plan_inputs, plan_rows, plan_table

    as_of = args.as_of or store.as_of()
    result: PlanResult = (balance(plan_inputs(store, as_of)) if args.scenario is None
                          else _scenario_result(store, as_of, args.scenario))
    table = plan_table(result)
    inputs = result.inputs
    data = {"as_of": inputs.as_of.isoformat(), "cycle": str(inputs.cycle), "rows": plan_rows(table)}
    heading = say(args.lang, "cli.plan.heading", cycle=str(inputs.cycle), date=inputs.as_of,
                  families=table.families["family"].nunique(), months=len(inputs.months))
    if args.scenario is not None:
        heading = say(args.lang, "cli.plan.scenario", scenario=args.scenario, heading=heading)
    emit(args, data, "\n".join([heading, *_total_lines(table.total, args.lang)]))
    return EXIT_OK


def _total_lines(total: Any, lang: str) -> list[str]:
    """The total month by month in columns: the month in words, each figure right-aligned under its header."""
    months = [say(lang, "cli.plan.month"), *(format_month(m.date(), lang) for m in total["month"])]
    columns = [padded(months)]
    for name, header in TEXT_COLUMNS:
        cells = [say(lang, header), *(format_money(float(v), lang, "euro") if name == "revenue"
                                      else format_number(float(v), lang) for v in total[name])]
        width = max(map(len, cells))
        columns.append([cell.rjust(width) for cell in cells])
    return ["  " + "  ".join(row) for row in zip(*columns, strict=True)]


PLAN_COMMANDS = {"plan": _plan}
