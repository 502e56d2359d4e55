"""`pack`: the meeting pack of an S&OP cycle as a PDF or an Excel workbook, from a script.

    python -m sop_core pack --cycle 2026-11 --format pdf --output pack.pdf [--lang en]

A malformed or future cycle is a usage error (exit 2, the message on stderr) and writes nothing.
Producing the pack of the current cycle records its KPI figures, as the application's button does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from sop_core.cli_common import EXIT_OK, emit
from sop_core.store import Store


def pack_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    pack = commands.add_parser("pack", parents=[common],
                               help="the meeting pack of a cycle: PDF (tiles, charts, agenda, scenarios, decisions) "
                                    "or Excel (its tables, one sheet each)")
    pack.add_argument("--cycle", required=True, help="the cycle month, YYYY-MM (the current one or a past one)")
    pack.add_argument("--format", choices=["pdf", "xlsx"], required=True, help="PDF to project, or the workbook")
    pack.add_argument("--output", type=Path, required=True, help="file to write")


def _progress(fraction: float, text: str) -> None:
    print(f"[{fraction:4.0%}] {text}", file=sys.stderr, flush=True)


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF written by fpdf2 (one `/Type /Page` object each; `/Pages` is the tree)."""
    return len(re.findall(rb"/Type\s*/Page\b", data))


def _pack(args: argparse.Namespace, store: Store) -> int:
    from sop_core.pack import SHEETS, build_pack, pack_as_of, pack_pdf, pack_xlsx

    pack_as_of(store, args.cycle)  # a bad or future cycle is said before anything is computed or recorded
    args.output.parent.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    pack = build_pack(store, args.cycle, args.lang, progress=_progress)
    data = pack_pdf(pack) if args.format == "pdf" else pack_xlsx(pack)
    args.output.write_bytes(data)
    seconds = (dt.datetime.now() - started).total_seconds()
    parts = {"pages": pdf_pages(data)} if args.format == "pdf" else {"sheets": len(SHEETS)}
    count = ", ".join(f"{value} {name}" for name, value in parts.items())
    recorded = "KPI figures recorded for the cycle" if pack.recorded else "past cycle: recorded KPI figures kept"
    emit(args, {"cycle": pack.cycle, "as_of": pack.as_of, "lang": pack.lang, "format": args.format,
                "output": str(args.output), "bytes": len(data), **parts, "recorded": pack.recorded,
                "seconds": round(seconds, 1)},
         f"Wrote {args.output} ({args.format.upper()}, {count}, {len(data) / 1024:,.0f} KB): meeting pack of cycle "
         f"{pack.cycle} as of {pack.as_of:%d/%m/%Y}, in {args.lang}, {seconds:.1f} s; {recorded}.")
    return EXIT_OK


PACK_COMMANDS = {"pack": _pack}
