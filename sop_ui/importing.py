"""An import started from the Data page: checked in a child process, cancellable, its verdict kept
until it is shown.

Streamlit stops a running page at its next element update when the reader clicks anything (the
Cancel button, the menu's Stop, another page). The import's progress bar is updated every
`checking.POLL_SECONDS` while the child checks, so such a click stops the child at once; the core
records the attempt as interrupted and nothing is written. The verdict is kept in the session the
moment the core returns, so a click during the (short) write cannot lose it: the next run shows it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import streamlit as st

from sop_core.data import Store, StoreError
from sop_core.imports import FileToImport, ImportOutcome, import_files
from sop_ui.text import column_label, lang, plain, t
from sop_ui.widgets import drop_upload_copy, progress_bar

VERDICT = "import_verdict"
UPLOADS_DONE = "uploads_done"  # the uploader gets a new key once a file is imported: it shows empty
# How long the run after a cancel waits for the stopped run to clean up (kill the check, record it).
STOPPING_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class _Failed:
    said: str


@dataclass
class _Import:
    """One import of the session, shared by the run doing it and the run after a click stopped it
    (Streamlit starts that next run while the stopped one is still unwinding, in another thread)."""

    file_name: str
    done: threading.Event = field(default_factory=threading.Event)
    verdict: ImportOutcome | _Failed | None = None  # None once done: stopped before its end


def run_import(store: Store, item: FileToImport) -> None:
    """Import `item` with a progress bar and a Cancel button; `show_import_verdict` says how it ended."""
    st.button(t("data.import.cancel"), key="import_cancel", help=t("data.import.cancel_help"))
    running = _Import(item.file_name or item.path.name)
    st.session_state[VERDICT] = running
    try:
        with progress_bar(t("data.import.checking")) as progress:
            try:
                running.verdict = import_files(store, [item], progress=progress, lang=lang(), apart=True)
            except StoreError as exc:  # rolled back: the store is as it was
                running.verdict = _Failed(exc.render(lang()))
    finally:  # also when Streamlit stops this run (a click, Stop, another page): the core has rolled back
        running.done.set()


def show_import_verdict() -> None:
    """How the last import of this session ended, once: written, refused (with its findings),
    failed, or cancelled (waiting, if need be, for the stopped run to finish unwinding)."""
    running = st.session_state.get(VERDICT)
    if not isinstance(running, _Import):
        return
    if not running.done.is_set():
        with st.spinner(t("data.import.stopping")):
            running.done.wait(STOPPING_WAIT_SECONDS)
    del st.session_state[VERDICT]
    if running.verdict is None:
        st.warning(t("data.import.cancelled", file=plain(running.file_name)))
    elif isinstance(running.verdict, _Failed):
        st.error(plain(running.verdict.said))
    else:
        _show_outcome(running.verdict)
def _show_outcome(outcome: ImportOutcome) -> None:
    report = outcome.reports[0]
    (st.success if outcome.ok else st.error)(plain(report.summary(lang())))  # names as text
    if outcome.ok:  # done: its temporary copy goes, the next run shows an empty uploader
        drop_upload_copy()
        st.session_state[UPLOADS_DONE] = st.session_state.get(UPLOADS_DONE, 0) + 1
    if report.findings:
        # A static table: a report is a few lines that must all be read, not browsed.
        findings = report.to_frame(lang())
        st.table(findings.rename(columns=column_label).set_index(column_label("severity")))
