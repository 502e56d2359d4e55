"""`pack`: the meeting pack of an S&OP cycle as a PDF or an Excel workbook, from a script.

    python -m sop_core pack --cycle 2026-11 --format pdf --output pack.pdf [--lang en]

A malformed or future cycle is a usage error (exit 2, the message on stderr) and writes nothing.
Producing the pack of the current cycle records its KPI figures and keeps the file as issued, as the
application's button does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from sop_core.cli.common import EXIT_OK, emit, progress, say
from sop_core.common import Cycle, format_number
from sop_core.data import Store


def pack_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    pack = commands.add_parser("pack", parents=[common],
                               help="the meeting pack of a cycle: PDF (tiles, charts, agenda, scenarios, decisions) "
                                    "or Excel (its tables, one sheet each)")
    pack.add_argument("--cycle", required=True, help="the cycle month, YYYY-MM (the current one or a past one)")
    pack.add_argument("--format", choices=["pdf", "xlsx"], required=True, help="PDF to project, or the workbook")
    pack.add_argument("--output", type=Path, required=True, help="file to write")


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF written by fpdf2 (one `/Type /Page` object each; `/Pages` is the tree)."""
    return len(re.findall(rb"/Type\s*/Page\b", data))


def _pack(args: argparse.Namespace, store: Store) -> int:
    from sop_core.meeting import SHEETS, build_pack, pack_as_of, pack_files

    cycle = Cycle.parse(args.cycle)
    pack_as_of(store, cycle)  # a bad or future cycle is said before anything is computed or recorded
    args.output.parent.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    pack = build_pack(store, cycle, args.lang, progress=progress(args.lang))
    data = pack_files(store, pack, [args.format])[args.format]
    args.output.write_bytes(data)
    seconds = (dt.datetime.now() - started).total_seconds()
    parts = {"pages": pdf_pages(data)} if args.format == "pdf" else {"sheets": len(SHEETS)}
    count = ", ".join(say(args.lang, f"cli.pack.{name}", count=value) for name, value in parts.items())
    emit(args, {"cycle": str(pack.cycle), "as_of": pack.as_of, "lang": pack.lang, "format": args.format,
                "output": str(args.output), "bytes": len(data), **parts, "recorded": pack.recorded,
                "seconds": round(seconds, 1)},
         say(args.lang, "cli.pack.written", output=str(args.output), format=args.format.upper(),
             parts=count, size=format_number(len(data) / 1024, args.lang),
             cycle=str(pack.cycle), as_of=pack.as_of, seconds=format_number(seconds, args.lang, 1),
             recorded=say(args.lang, "cli.pack.recorded" if pack.recorded else "cli.pack.kept")))
    return EXIT_OK


PACK_COMMANDS = {"pack": _pack}
