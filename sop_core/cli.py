"""Command line: `python -m sop_core COMMAND`, for scripts and cron imports from an ERP.

Exit codes: 0 success, 1 file refused (the report says why), 2 bad usage, 3 database busy or
broken, 4 unreadable mapping file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sop_core.contract import KINDS, get_kind
from sop_core.demo import DEMO_DIR, load_demo
from sop_core.demogen.generator import write_demo_files
from sop_core.ingest import FileToImport, ImportOutcome, import_files
from sop_core.mapping import ColumnMapping, MappingError, load_mapping
from sop_core.store import Store, StoreError, default_db_path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE, EXIT_MAPPING = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None,
                        help="DuckDB file (default: $SOP_DB_PATH, else data/sop.duckdb)")
    common.add_argument("--json", action="store_true", help="print the result as JSON")
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
    return parser


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str, indent=2) if args.json else text)


def _outcome(args: argparse.Namespace, outcome: ImportOutcome) -> int:
    lines = []
    for report in outcome.reports:
        lines.append(report.summary())
        lines.extend("  " + line for line in report.lines())
    lines.append(f"Written as batch(es) {outcome.batch_ids}." if outcome.ok else "Nothing was written.")
    _emit(args, {"ok": outcome.ok, "batch_ids": outcome.batch_ids,
                 "reports": [r.to_dict() for r in outcome.reports]}, "\n".join(lines))
    return EXIT_OK if outcome.ok else EXIT_REFUSED


def _progress(fraction: float, text: str) -> None:
    print(f"[{fraction:4.0%}] {text}", file=sys.stderr, flush=True)


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
    imports = store.imports(limit=10)
    data = {"database": str(store.path), "schema_version": store.schema_version(),
            "data_version": store.data_version(), "as_of": store.as_of(),
            "row_counts": counts, "last_imports": imports.to_dict(orient="records")}
    text = [f"Database {store.path} (schema v{data['schema_version']}, data version "
            f"{data['data_version']}, as of {data['as_of'] or 'today'})"]
    text += [f"  {kind:<18} {count:>10,} rows" for kind, count in counts.items()]
    text += ["Last imports:"] + [
        f"  #{r.batch_id} {r.started_at:%Y-%m-%d %H:%M} {r.kind:<18} {r.status:<8} "
        f"{r.file_name} ({r.rows_written or 0} rows)"
        for r in imports.itertuples()
    ]
    _emit(args, data, "\n".join(text))
    return EXIT_OK


def _run(args: argparse.Namespace, store: Store) -> int:
    if args.command == "init":
        _emit(args, {"database": str(store.path), "schema_version": store.schema_version()},
              f"Database {store.path} ready (schema v{store.schema_version()}).")
        return EXIT_OK
    if args.command == "status":
        return _status(args, store)
    if args.command == "demo":
        if args.regenerate:
            written = write_demo_files(DEMO_DIR)
            print(f"Rewrote {len(written)} files in {DEMO_DIR}", file=sys.stderr)
        return _outcome(args, load_demo(store, progress=_progress))
    item = FileToImport(args.kind, args.file, _mapping(args), args.sheet)
    return _outcome(args, import_files(store, [item], progress=_progress))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with Store(args.db or default_db_path()) as store:
            return _run(args, store)
    except MappingError as exc:
        print(f"Mapping error: {exc}", file=sys.stderr)
        return EXIT_MAPPING
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return EXIT_STORE
