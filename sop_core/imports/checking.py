"""Check a set of files before anything is written, here or in a child process.

`check_files` reads, parses and validates each file of a set against the store's keys plus the keys
of the files before it (products may name workshops of the same set). `check_files_apart` does the
same in a child process of lower priority: the dashboard's import runs beside other users' pages,
and checking is where an import spends its CPU (parsing text, a workbook's XML) and holds Python's
interpreter lock. Apart, the other sessions keep their share of the machine, and cancelling is
stopping a process that has written nothing. Only the checked rows come back; the write stays in
the caller's process (one transaction, readers of the same connection unaffected).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sop_core.common import Message
from sop_core.data import get_kind
from sop_core.imports.importers import StagedImport, validate_file
from sop_core.imports.mapping import ColumnMapping
from sop_core.imports.report import Finding, ImportReport, kind_term

StepReport = Callable[[float, Message], None]
# A nice value: the kernel gives the other users' page runs the CPU first.
CHILD_NICENESS = 10
# How often the caller hears from a checking child: its chance to stop it (a page's Cancel).
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class FileToImport:
    """One file of a set: its kind, path, and how to read it."""

    kind: str
    path: Path
    mapping: ColumnMapping | None = None
    sheet: str | None = None
    file_name: str | None = None  # the name the user knows (uploads arrive as temp files)


def _target_keys(staged: StagedImport) -> dict[str, list[str]]:
    """Keys this staged file adds for later files of the set to reference."""
    if staged.rows is None or staged.kind.name not in ("products", "workshops"):
        return {}
    key = staged.kind.key[0]
    keys = {staged.kind.name: [str(v) for v in staged.rows.column(key).to_pylist()]}
    if staged.kind.name == "products":  # a budget names families of the products
        keys["products.family"] = sorted({str(v) for v in staged.rows.column("family").to_pylist()})
    return keys


def check_files(
    files: Sequence[FileToImport], known: Mapping[str, list[str]], today: dt.date, progress: StepReport
) -> list[StagedImport]:
    """Each file validated against `known` (kind -> keys stored) and the files before it."""
    known = dict(known)
    staged_all = []
    for i, item in enumerate(files):
        file_name = item.file_name or item.path.name
        progress(i / (len(files) + 1),
                 Message("imports.progress.checking", {"file": file_name, "kind": kind_term(item.kind)}))
        staged = validate_file(
            item.path, item.kind, mapping=item.mapping, known_keys=known, today=today,
            sheet=item.sheet, file_name=item.file_name,
        )
        for target, keys in _target_keys(staged).items():
            known[target] = [*known.get(target, []), *keys]
        staged_all.append(staged)
    return staged_all


def check_files_apart(
    files: Sequence[FileToImport], known: Mapping[str, list[str]], today: dt.date, progress: StepReport
) -> list[StagedImport]:
    """`check_files` in a child process at a lower priority. `progress` is called every
    `POLL_SECONDS` (with the child's latest step): whatever it raises stops the child at once and
    goes on up. A child that dies refuses every file with what it said."""
    with tempfile.TemporaryDirectory(prefix="sop_check_") as folder:
        job = Path(folder)
        (job / "job.pickle").write_bytes(pickle.dumps((list(files), dict(known), today)))
        with (job / "stderr.txt").open("wb") as errors:
            child = subprocess.Popen([sys.executable, "-m", __name__, folder], stdout=subprocess.DEVNULL,
                                     stderr=errors, env=_child_env())
        try:
            _lower_priority(child.pid)
            while child.poll() is None:
                _relay_progress(job, progress)
                time.sleep(POLL_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        if child.returncode != 0 or not (job / "staged.pickle").is_file():
            return [_child_failed(item, child.returncode, job / "stderr.txt") for item in files]
        # Our own child wrote it in our own temporary folder: nothing foreign is unpickled.
        staged: list[StagedImport] = pickle.loads((job / "staged.pickle").read_bytes())
        return staged


def _child_env() -> dict[str, str]:
    """The parent's environment, with this package importable whatever the current folder."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


def _lower_priority(pid: int) -> None:
    # Not Unix, or the child already gone: it runs as it is.
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, CHILD_NICENESS)


def _relay_progress(job: Path, progress: StepReport) -> None:
    try:
        said = json.loads((job / "progress.json").read_text(encoding="utf-8"))
        fraction, step = float(said["fraction"]), Message.from_dict(said["step"])
    except (OSError, ValueError, KeyError):  # not written yet
        fraction, step = 0.0, Message("imports.progress.starting")
    progress(fraction, step)


def _child_failed(item: FileToImport, returncode: int | None, stderr: Path) -> StagedImport:
    lines = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit {returncode}"
    report = ImportReport(item.file_name or item.path.name, item.kind)
    report.add(Finding("error", "check_stopped", Message("imports.check_stopped", {"detail": detail}),
                       Message("imports.check_stopped.fix")))
    return StagedImport(get_kind(item.kind), report)


def _write_progress(job: Path, fraction: float, step: Message) -> None:
    # Written aside then renamed: the parent never reads half a file.
    aside = job / "progress.json.tmp"
    aside.write_text(json.dumps({"fraction": fraction, "step": step.to_dict()}), encoding="utf-8")
    aside.replace(job / "progress.json")


def _child_main(folder: str) -> None:
    job = Path(folder)
    files, known, today = pickle.loads((job / "job.pickle").read_bytes())
    staged = check_files(files, known, today, lambda fraction, step: _write_progress(job, fraction, step))
    aside = job / "staged.pickle.tmp"
    aside.write_bytes(pickle.dumps(staged, protocol=pickle.HIGHEST_PROTOCOL))
    aside.replace(job / "staged.pickle")


if __name__ == "__main__":
    _child_main(sys.argv[1])
