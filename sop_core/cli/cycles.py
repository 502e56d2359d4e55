"""`cycle`: the S&OP cycles from a script: where the current one stands, open the next, close one.

    python -m sop_core cycle status [--json]
    python -m sop_core cycle open 2026-12 [--as-of 2026-12-01] [--user NAME]
    python -m sop_core cycle close 2026-11 [--user NAME]

`open` without `--as-of` takes the current as-of when it falls in the cycle's month, else the day
after the latest demand imported (brought into the month); `--user` defaults to the account running
the command. A malformed cycle, one not after those opened, or an as-of outside its month is a usage
error (exit 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from typing import Any

from sop_core.cli.common import EXIT_OK, emit, iso_date, say
from sop_core.common import Cycle
from sop_core.data import Store, cycle_steps, data_freshness, latest_cycle, open_cycle


def cycle_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    cycle = commands.add_parser("cycle", parents=[common], help="S&OP cycles: status, open the next, close one")
    actions = cycle.add_subparsers(dest="action", required=True)
    actions.add_parser("status", parents=[common], help="the current cycle, its steps and the data's freshness")
    opening = actions.add_parser("open", parents=[common], help="open a cycle (YYYY-MM) as of a day of its month")
    opening.add_argument("cycle", help="the cycle month, YYYY-MM")
    opening.add_argument("--as-of", type=iso_date, help="the day its figures are as of (default: from the data)")
    closing = actions.add_parser("close", parents=[common], help="close a cycle: what it showed is kept as it was")
    closing.add_argument("cycle", help="the cycle month, YYYY-MM")
    for parser in (opening, closing):
        parser.add_argument("--user", default=None, help="who does it (default: the account running the command)")


def _user(args: argparse.Namespace) -> str:
    return str(args.user or getpass.getuser())


def _status(args: argparse.Namespace, store: Store) -> int:
    as_of, source = store.as_of_source()
    record = latest_cycle(store)
    cycle = record.cycle if record else Cycle.of(as_of)
    steps = cycle_steps(store, cycle)
    fresh = data_freshness(store, as_of)
    data = {"cycle": str(cycle), "status": record.status if record else "not_opened", "as_of": as_of,
            "as_of_source": source, "opened_by": record.opened_by if record else None,
            "steps": [{"step": r.step, "done_at": None if r.done_by is None else r.done_at, "done_by": r.done_by}
                      for r in steps.itertuples()],
            "freshness": [{"kind": r.kind, "rows": int(r.rows), "last": r.last,
                           "months_behind": None if r.rows == 0 else int(r.months_behind), "stale": bool(r.stale)}
                          for r in fresh.itertuples()]}
    state = say(args.lang, f"cycle.state.{data['status']}")
    lines = [say(args.lang, "cli.cycle.status", cycle=str(cycle), status=state, as_of=as_of,
                 source=say(args.lang, f"cli.cycle.source.{source}"))]
    lines += [say(args.lang, "cli.cycle.step", step=say(args.lang, f"cycle.step.{r.step}"),
                  done=say(args.lang, "cli.cycle.done", when=r.done_at, who=r.done_by) if r.done_by
                  else say(args.lang, "cycle.not_yet")) for r in steps.itertuples()]
    lines += [say(args.lang, "cli.cycle.fresh.stale" if r.stale else "cli.cycle.fresh.ok",
                  kind=say(args.lang, f"data.kind.{r.kind}"), last=r.last, count=r.months_behind)
              for r in fresh.itertuples() if r.rows]
    emit(args, data, "\n".join(lines))
    return EXIT_OK


def _open(args: argparse.Namespace, store: Store) -> int:
    cycle = Cycle.parse(args.cycle)
    as_of = args.as_of or _as_of_from_data(store, cycle)
    open_cycle(store, cycle, as_of, _user(args))
    emit(args, {"cycle": str(cycle), "as_of": as_of, "status": "open"},
         say(args.lang, "cli.cycle.opened", cycle=str(cycle), as_of=as_of))
    return EXIT_OK


def _as_of_from_data(store: Store, cycle: Cycle) -> dt.date:
    """The current as-of when it falls in the cycle's month (the demo's fixed date, the data's);
    else the day after the latest demand, brought into the month (a cycle opened ahead of its data
    starts on its first day, one opened late ends on its last)."""
    current = store.as_of()
    if cycle.start <= current <= cycle.end:
        return current
    latest = store.latest_demand_day()
    day = cycle.start if latest is None else latest + dt.timedelta(days=1)
    return min(max(day, cycle.start), cycle.end)


def _close(args: argparse.Namespace, store: Store) -> int:
    from sop_core.meeting import close_cycle

    cycle = Cycle.parse(args.cycle)
    shown = close_cycle(store, cycle, _user(args))
    emit(args, {"cycle": str(cycle), "status": "closed", "tiles": len(shown.tiles), "agenda": len(shown.agenda),
                "decisions": len(shown.decisions)},
         say(args.lang, "cli.cycle.closed", cycle=str(cycle), tiles=len(shown.tiles), agenda=len(shown.agenda),
             decisions=len(shown.decisions)))
    return EXIT_OK


def _cycle(args: argparse.Namespace, store: Store) -> int:
    return {"status": _status, "open": _open, "close": _close}[args.action](args, store)


CYCLE_COMMANDS = {"cycle": _cycle}
