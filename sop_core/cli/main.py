"""Command line: `python -m sop_core COMMAND`, for scripts and cron imports from an ERP.

Exit codes: 0 success, 1 file refused (the report says why) or optimize target not reachable,
2 bad usage (including a bad value such as a malformed cycle or an unknown SKU), 3 database busy
or broken, 4 unreadable mapping file, 5 nothing to work on (no forecast run yet: run `forecast`
first), 6 interrupted (Ctrl-C or SIGTERM): rolled back, nothing written, 7 `forecast --cluster`:
the Dask cluster unreachable, without workers or lost during the run (the message says which and what
to do): nothing written.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from sop_core.cli.backup import BACKUP_COMMANDS, backup_parsers
from sop_core.cli.common import (
    EXIT_CLUSTER,
    EXIT_INTERRUPTED,
    EXIT_MAPPING,
    EXIT_NO_RUN,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_STORE,
    EXIT_USAGE,
    counted,
    emit,
    iso_date,
    padded,
    positive_int,
    progress,
    records,
    say,
)
from sop_core.cli.cycles import CYCLE_COMMANDS, cycle_parsers
from sop_core.cli.pack import PACK_COMMANDS, pack_parsers
from sop_core.cli.plan import PLAN_COMMANDS, plan_parsers
from sop_core.cli.plant import PLANT_COMMANDS, plant_parsers
from sop_core.cli.users import USER_COMMANDS, users_parsers
from sop_core.common import (
    DEFAULT_LANGUAGE,
    GRANULARITIES,
    LANGUAGES,
    Cycle,
    Message,
    MessageError,
    csv_bytes,
    format_date,
    format_number,
    format_percent,
    xlsx_bytes,
)
from sop_core.data import KINDS, Store, StoreError, default_db_path, get_kind
from sop_core.demo import DEMO_DIR, SNAPSHOTS_FILE, load_demo, prepare_demo, write_demo_files
from sop_core.imports import (
    ColumnMapping,
    FileToImport,
    ImportOutcome,
    MappingError,
    import_files,
    import_history,
    load_mapping,
)

EXPORT_COLUMNS = ["sku", "period", "model", "forecast", "lower_80", "upper_80"]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None,
                        help="DuckDB file (default: $SOP_DB_PATH, else data/sop.duckdb)")
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    common.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT_LANGUAGE,
                        help="language of everything printed but --help and the JSON keys (default: fr)")
    parser = argparse.ArgumentParser(prog="python -m sop_core", description="S&OP dashboard data tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", parents=[common], help="create or migrate the database")
    demo = commands.add_parser("demo", parents=[common], help="replace all data with the demo company")
    demo.add_argument("--regenerate", action="store_true",
                      help="first rewrite data/demo from the seeded generator (for developers)")
    commands.add_parser("status", parents=[common], help="tables, row counts and last imports")
    imp = commands.add_parser("import", parents=[common], help="import one file")
    imp.add_argument("kind", choices=list(KINDS), help="what the file holds")
    imp.add_argument("file", type=Path, help="CSV, XLSX or Parquet file")
    imp.add_argument("--mapping", type=Path, help="YAML/JSON column mapping for this ERP export")
    imp.add_argument("--sheet", help="Excel sheet name (default: the first sheet)")
    imp.add_argument("--skip-invalid-rows", action="store_true",
                     help="import the valid rows and report the others instead of refusing the file")
    imp.add_argument("--ignore-extra-columns", action="store_true",
                     help="ignore columns that are not part of the data contract")
    _forecast_parsers(commands, common)
    plant_parsers(commands, common)
    plan_parsers(commands, common)
    pack_parsers(commands, common)
    cycle_parsers(commands, common)
    users_parsers(commands, common)
    backup_parsers(commands, common)
    return parser


def _forecast_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    """forecast, freeze, accuracy and export: the forecasting side of the CLI."""
    granularity = argparse.ArgumentParser(add_help=False)
    granularity.add_argument("--granularity", choices=list(GRANULARITIES), default="month")
    fc = commands.add_parser("forecast", parents=[common, granularity], help="forecast every SKU and store the run")
    fc.add_argument("--horizon", type=positive_int, help="periods ahead (default: 18 months or 26 weeks)")
    # Checked by ForecastSettings, not by `choices`: listing the models would import statsforecast
    # (seconds) for every command, cron imports included.
    fc.add_argument("--model", default="auto",
                    help="auto (chosen per SKU by backtest) or one model for every SKU (naive, ets, theta...)")
    fc.add_argument("--jobs", type=positive_int, default=2, help="worker processes (used from 300 SKUs)")
    fc.add_argument("--cluster", metavar="tcp://HOST:PORT",
                    help="run on this Dask scheduler's workers instead of local processes (see README)")
    fc.add_argument("--as-of", type=iso_date,
                    help="use the history before this date's period (default: the current cycle's as-of date)")
    freeze = commands.add_parser("freeze", parents=[common, granularity],
                                 help="freeze a run's final forecast as an S&OP cycle")
    freeze.add_argument("--cycle", help="the cycle month, YYYY-MM (default: the current cycle)")
    freeze.add_argument("--run", type=int, help="run id (default: the latest run)")
    accuracy = commands.add_parser("accuracy", parents=[common, granularity],
                                   help="accuracy of the frozen cycles (overall, by lag, FVA...)")
    accuracy.add_argument("--as-of", type=iso_date,
                          help="count the periods complete before this date (default: the data's as-of date)")
    export = commands.add_parser("export", parents=[common, granularity], help="export the final forecasts")
    export.add_argument("what", choices=["forecasts"])
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", type=Path, required=True, help="file to write")
    export.add_argument("--run", type=int, help="run id (default: the latest run)")


def _outcome(args: argparse.Namespace, outcome: ImportOutcome) -> int:
    """Each file's verdict and problems in `--lang`; the JSON adds them as text next to the codes."""
    lines = []
    for report in outcome.reports:
        lines.append(report.summary(args.lang))
        lines.extend("  " + line for line in report.lines(args.lang))
    batches = [str(b) for b in outcome.batch_ids]  # ids as written, without a thousands separator
    done = (Message("imports.cli.written", {"batches": batches}) if outcome.ok
            else Message("imports.cli.nothing_written"))
    lines.append(done.render(args.lang))
    reports = [{**r.to_dict(), "text": [r.summary(args.lang), *r.lines(args.lang)]} for r in outcome.reports]
    emit(args, {"ok": outcome.ok, "batch_ids": outcome.batch_ids, "reports": reports}, "\n".join(lines))
    return EXIT_OK if outcome.ok else EXIT_REFUSED


def _mapping(args: argparse.Namespace) -> ColumnMapping:
    mapping = load_mapping(args.mapping, get_kind(args.kind)) if args.mapping else ColumnMapping()
    if args.skip_invalid_rows or args.ignore_extra_columns:
        mapping = replace(
            mapping,
            skip_invalid_rows=mapping.skip_invalid_rows or args.skip_invalid_rows,
            ignore_unmapped=mapping.ignore_unmapped or args.ignore_extra_columns,
        )
    return mapping


def _status(args: argparse.Namespace, store: Store) -> int:
    counts = store.row_counts()
    imports = import_history(store, args.lang, limit=10)
    data = {"database": str(store.path), "schema_version": store.schema_version(),
            "data_version": store.data_version(), "as_of": store.as_of(), "as_of_source": store.as_of_source()[1],
            "row_counts": counts, "last_imports": imports.to_dict(orient="records")}
    day, source = store.as_of_source()
    as_of = Message("cli.status.as_of", {"date": day, "source": Message(f"cli.cycle.source.{source}")})
    text = [say(args.lang, "cli.status.database", path=str(store.path), schema=str(data["schema_version"]),
                version=str(data["data_version"]), as_of=as_of)]
    text += counted(args.lang, "cli.status.rows", {say(args.lang, f"data.kind.{kind}"): count
                                                   for kind, count in counts.items()}, 10)
    text += [say(args.lang, "cli.status.last_imports"), *_import_lines(imports, args.lang)]
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _import_lines(imports: pd.DataFrame, lang: str) -> list[str]:
    """The import history as `status` prints it, kinds and statuses in words, in columns."""
    kinds = padded(say(lang, f"data.kind.{kind}") for kind in imports["kind"])
    statuses = padded(say(lang, f"data.import_status.{status}") for status in imports["status"])
    return [say(lang, "cli.status.import", batch=str(r.batch_id), kind=kind, status=status, file=r.file_name,
                started=f"{format_date(r.started_at.date(), lang)} {r.started_at:%H:%M}",
                rows=int(r.rows_written))
            for r, kind, status in zip(imports.itertuples(), kinds, statuses, strict=True)]


# The forecasting modules import statsforecast (seconds): the handlers below import them when run.


def _forecast(args: argparse.Namespace, store: Store) -> int:
    from sop_core.forecast import ForecastSettings, run_forecast

    settings = ForecastSettings(granularity=args.granularity, horizon=args.horizon, model=args.model, jobs=args.jobs)
    as_of = args.as_of or store.as_of()
    run_id = run_forecast(store, settings, as_of, progress=progress(args.lang), lang=args.lang, cluster=args.cluster)
    run = store.row("SELECT series, seconds FROM forecast_runs WHERE run_id = ?", [run_id])
    models = store.query(
        "SELECT model, count(*) AS skus FROM forecast_choices WHERE run_id = ? "
        "GROUP BY model ORDER BY skus DESC, model",
        [run_id],
    )
    chosen = {str(m): int(n) for m, n in zip(models["model"], models["skus"], strict=True)}
    data = {"run_id": run_id, "as_of": as_of, "granularity": settings.granularity, "horizon": settings.periods,
            "series": run[0], "seconds": round(float(run[1]), 1), "models": chosen}
    text = [say(args.lang, f"cli.forecast.done.{settings.granularity}", run=str(run_id), series=int(run[0]),
                horizon=settings.periods, as_of=as_of, seconds=format_number(float(run[1]), args.lang, 1))]
    text += counted(args.lang, "cli.forecast.model", {say(args.lang, f"forecast.model.{model}"): count
                                                      for model, count in chosen.items()}, 5)
    emit(args, data, "\n".join(text))
    return EXIT_OK


def _freeze(args: argparse.Namespace, store: Store) -> int:
    from sop_core.forecast import MissingRunError, freeze_cycle, latest_run

    # A malformed cycle is the first thing to say, run or no run; none given: the current cycle.
    cycle = Cycle.parse(args.cycle) if args.cycle is not None else Cycle.of(store.as_of())
    run_id = args.run if args.run is not None else latest_run(store, args.granularity)
    if run_id is None:
        raise MissingRunError(Message(f"forecast.error.nothing_to_freeze.{args.granularity}"))
    rows = freeze_cycle(store, cycle, run_id, args.granularity)
    emit(args, {"cycle": str(cycle), "run_id": run_id, "rows": rows},
         say(args.lang, "cli.freeze.done", cycle=str(cycle), run=str(run_id), rows=rows))
    return EXIT_OK


def _accuracy(args: argparse.Namespace, store: Store) -> int:
    from sop_core.forecast import accuracy_report

    report = accuracy_report(store, args.granularity, args.as_of)
    data = {name: records(table) for name, table in report.items()}
    emit(args, data, "\n".join(_accuracy_lines(report, args.lang)))
    return EXIT_OK


def _accuracy_lines(report: dict[str, Any], lang: str) -> list[str]:
    """The accuracy of the frozen cycles overall, then per lag (months ahead)."""
    if not report["rows"]:
        return [say(lang, "cli.accuracy.none")]
    overall = report["overall"].iloc[0]
    lines = [say(lang, "cli.accuracy.overall", rows=int(report["rows"]), wape=format_percent(overall["wape"], lang),
                 bias=_signed_percent(overall["bias_pct"], lang))]
    return lines + [say(lang, "cli.accuracy.lag", lag=str(r.lag), wape=format_percent(r.wape, lang),
                        bias=_signed_percent(r.bias_pct, lang), rows=int(r.n))
                    for r in report["by_lag"].itertuples()]


def _signed_percent(fraction: float, lang: str) -> str:
    """A bias with its sign always shown, +4,7 % / -2,5 %, as the percentages around it."""
    return ("+" if fraction >= 0 else "-") + format_percent(abs(fraction), lang)


def export_frame(store: Store, run_id: int) -> pd.DataFrame:
    """The export's columns: forecast is the final (consensus) forecast; period is ISO text."""
    from sop_core.forecast import final_forecast

    rows = final_forecast(store, run_id)
    return pd.DataFrame({
        "sku": rows["sku"], "period": rows["period"].dt.strftime("%Y-%m-%d"), "model": rows["model"],
        "forecast": rows["final"], "lower_80": rows["lower_80"], "upper_80": rows["upper_80"],
    })[EXPORT_COLUMNS]


def _export(args: argparse.Namespace, store: Store) -> int:
    from sop_core.forecast import MissingRunError, latest_run, run_granularity

    run_id = args.run if args.run is not None else latest_run(store, args.granularity)
    if run_id is None:
        raise MissingRunError(Message(f"forecast.error.nothing_to_export.{args.granularity}"))
    if run_granularity(store, run_id) != args.granularity:
        raise MessageError(Message(f"cli.export.not_this_granularity.{args.granularity}", {"run": str(run_id)}))
    frame = export_frame(store, run_id)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # The one writer of every file: a SKU named `=HYPERLINK(...)` stays inert text in both formats.
    args.output.write_bytes(csv_bytes(frame, for_scripts=True) if args.format == "csv"
                            else xlsx_bytes(frame, "forecasts"))
    emit(args, {"run_id": run_id, "rows": len(frame), "output": str(args.output)},
         say(args.lang, "cli.export.done", rows=len(frame), run=str(run_id), output=str(args.output)))
    return EXIT_OK


COMPUTE_COMMANDS = {"forecast": _forecast, "freeze": _freeze, "accuracy": _accuracy, "export": _export,
                    **PLANT_COMMANDS, **PLAN_COMMANDS, **PACK_COMMANDS, **CYCLE_COMMANDS, **USER_COMMANDS,
                    **BACKUP_COMMANDS}


def _run_computation(args: argparse.Namespace, store: Store) -> int:
    """Our own validation errors become a message and an exit code, not a traceback."""
    from sop_core.forecast import ClusterError, MissingRunError

    try:
        return COMPUTE_COMMANDS[args.command](args, store)
    except MissingRunError as exc:
        print(say(args.lang, "cli.error", error=exc.message), file=sys.stderr)
        return EXIT_NO_RUN
    except ClusterError as exc:
        print(say(args.lang, "cli.error", error=exc.message), file=sys.stderr)
        return EXIT_CLUSTER
    except ValueError as exc:  # one carrying a message is said in --lang, any other as the code wrote it
        error = exc.message if isinstance(exc, MessageError) else str(exc)
        print(say(args.lang, "cli.error", error=error), file=sys.stderr)
        return EXIT_USAGE


def _regenerate_demo(store: Store, lang: str) -> None:
    """Rewrite data/demo: the generator's files, then the past cycles really forecast and frozen."""
    from sop_core.demo import build_demo_snapshots, past_cycles, write_demo_snapshots

    written = write_demo_files(DEMO_DIR)
    (DEMO_DIR / SNAPSHOTS_FILE).unlink(missing_ok=True)
    if not load_demo(store, progress=progress(lang), lang=lang).ok:
        raise StoreError(Message("cli.demo.not_imported"))
    as_of = store.as_of()
    build_demo_snapshots(store, past_cycles(as_of), progress=progress(lang))
    rows = write_demo_snapshots(store, DEMO_DIR / SNAPSHOTS_FILE)
    print(say(lang, "cli.demo.rewritten", files=len(written), rows=rows, folder=str(DEMO_DIR)), file=sys.stderr)


def _run(args: argparse.Namespace, store: Store) -> int:
    if args.command in COMPUTE_COMMANDS:
        return _run_computation(args, store)
    if args.command == "init":
        emit(args, {"database": str(store.path), "schema_version": store.schema_version()},
             say(args.lang, "cli.init.ready", path=str(store.path), schema=str(store.schema_version())))
        return EXIT_OK
    if args.command == "status":
        return _status(args, store)
    if args.command == "demo":
        if args.regenerate:
            _regenerate_demo(store, args.lang)
        return _outcome(args, prepare_demo(store, progress=progress(args.lang), lang=args.lang))
    item = FileToImport(args.kind, args.file, _mapping(args), args.sheet)
    return _outcome(args, import_files(store, [item], progress=progress(args.lang), lang=args.lang))


def _stop_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a service stopping (SIGTERM) rolls back like Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        with Store(args.db or default_db_path()) as store:
            # A cron import may find the dashboard (or another import) at work: say it waits its turn.
            waiting = say(args.lang, "cli.store_waiting", seconds=format_number(store.wait, args.lang))
            store.on_wait(lambda: print(waiting, file=sys.stderr, flush=True))
            return _run(args, store)
    except MappingError as exc:
        print(say(args.lang, "imports.cli.mapping_error", error=exc.message), file=sys.stderr)
        return EXIT_MAPPING
    except StoreError as exc:
        print(say(args.lang, "cli.store_error", error=exc.message), file=sys.stderr)
        return EXIT_STORE
    except KeyboardInterrupt:  # every transaction rolled back on the way out
        print(say(args.lang, "cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
