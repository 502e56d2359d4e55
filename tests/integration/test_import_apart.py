"""The dashboard's imports are checked in a child process of lower priority: the other users keep
their share of the machine, and a cancel (anything the progress report raises: a page's Cancel
button, Streamlit's Stop) stops the check at once with nothing written and the attempt recorded."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sop_core.data.store import Store
from sop_core.imports import FileToImport, import_files
from sop_core.imports.checking import CHILD_NICENESS
from tests.conftest import CopyDatabase

LINES = 200_000


class Cancelled(BaseException):
    """What Streamlit raises in a page run a click stopped (its own classes are BaseExceptions too)."""


def _orders(path: Path, skus: list[str], lines: int, bad_row: int | None = None) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id;line;customer;sku;quantity;order_date;promised_date\n")
        for i in range(lines):
            quantity = "beaucoup" if i + 2 == bad_row else f"{i % 50 + 1},5"
            out.write(f"C{i};1;Client {i % 97};{skus[i % len(skus)]};{quantity};03/11/2026;20/11/2026\n")
    return path


def _live_children() -> list[int]:
    """This process's live child processes (Linux /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.append(int(entry.name))
    return found


EARLIER: set[int] = set()


@pytest.fixture(autouse=True)
def _earlier_children() -> Iterator[None]:
    """Children this process had before the test (the resource tracker an earlier test's process pool
    or Dask cluster leaves for the session, say) are not the check's: `_children` leaves them out."""
    EARLIER.clear()
    EARLIER.update(_live_children())
    yield


def _children() -> list[int]:
    """The child processes started since the test began: the check's."""
    return [pid for pid in _live_children() if pid not in EARLIER]


def _check_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("sop_check_*")}


@pytest.fixture
def store_and_skus(demo_copy: CopyDatabase):
    with Store(demo_copy("apart")) as store:
        yield store, store.query("SELECT sku FROM products ORDER BY sku")["sku"].tolist()


def test_a_file_checked_apart_is_stored_as_if_checked_here(store_and_skus, tmp_path: Path) -> None:
    store, skus = store_and_skus
    good = _orders(tmp_path / "orders.csv", skus, 50)
    bad = _orders(tmp_path / "bad.csv", skus, 50, bad_row=7)
    refused = import_files(store, [FileToImport("orders", bad)], apart=True)
    assert not refused.ok
    assert [(f.column, f.rows) for f in refused.reports[0].errors] == [("quantity", (7,))]
    outcome = import_files(store, [FileToImport("orders", good)], apart=True)
    assert outcome.ok and outcome.reports[0].rows_read == 50
    stored = store.row("SELECT count(*), sum(quantity) FROM orders WHERE batch_id = ?", [outcome.batch_ids[0]])
    assert stored == (50, sum(i % 50 + 1.5 for i in range(50)))  # 1,5 ... 50,5: decimal commas read


def test_the_check_runs_in_a_child_process_of_lower_priority(store_and_skus, tmp_path: Path) -> None:
    store, skus = store_and_skus
    seen: list[tuple[int, int]] = []

    def progress(_fraction: float, _text: str) -> None:
        seen.extend((pid, os.getpriority(os.PRIO_PROCESS, pid)) for pid in _children())

    assert import_files(store, [FileToImport("orders", _orders(tmp_path / "o.csv", skus, 20_000))],
                        progress=progress, apart=True).ok
    assert seen, "no child process was seen while the file was checked"
    assert {nice for _pid, nice in seen} == {os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS}


def test_a_cancel_during_the_check_stops_it_at_once_and_writes_nothing(store_and_skus, tmp_path: Path) -> None:
    store, skus = store_and_skus
    before, folders = store.row_counts(), _check_folders()
    big = _orders(tmp_path / "orders.csv", skus, LINES)
    calls = []

    def progress(_fraction: float, _text: str) -> None:
        calls.append(_children())
        if len(calls) == 3:  # the check is under way in its child
            raise Cancelled

    with pytest.raises(Cancelled):
        import_files(store, [FileToImport("orders", big, file_name="commandes.csv")], progress=progress, apart=True)
    assert calls[-1], "the child was not running when the cancel came"
    assert _children() == []  # stopped, not left to finish
    assert store.row_counts() == before
    assert store.row("SELECT status, file_name FROM import_batches ORDER BY batch_id DESC LIMIT 1") == (
        "interrupted", "commandes.csv")
    assert _check_folders() == folders  # its temporary folder went with it


def test_a_check_that_dies_refuses_the_file_and_says_so(store_and_skus, tmp_path: Path) -> None:
    store, skus = store_and_skus
    before = store.row_counts()

    def progress(_fraction: float, _text: str) -> None:
        for pid in _children():  # the machine ran out of memory, say, and the kernel killed it
            os.kill(pid, signal.SIGKILL)

    outcome = import_files(store, [FileToImport("orders", _orders(tmp_path / "o.csv", skus, LINES))],
                           progress=progress, apart=True)
    assert not outcome.ok
    [finding] = outcome.reports[0].errors
    assert finding.code == "check_stopped"
    assert "stopped before its end" in finding.message.render("en")
    assert "nothing was written" in finding.fix.render("en")
    assert store.row_counts() == before
    assert store.scalar("SELECT status FROM import_batches ORDER BY batch_id DESC LIMIT 1") == "refused"
