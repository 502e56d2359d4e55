"""Jobs of a Komax wire-processing machine, rebuilt from its job event log, and shaped as
production orders (OF) for the `production_orders` import.

The machine writes one line per event (JobStarted, JobPaused, JobRestarted, JobInterrupted,
JobTerminated, JobAborted) with the job number, a job_seq, the article, and the requested and good
pieces. A job here is a (job, article) pair, not (job, job_seq), because in the log:
- one job number runs several articles one after the other, each started and terminated on its
  own (ZSK/00099/11/2024/695180 makes ..._G05, then _G06, then _G07), and an OF has one SKU;
- job_seq numbers the entries of the machine's job list, not runs: an entry is started again after
  an abort, a pause on one entry is ended by a JobRestarted logged on another (ZSU/00020/01/2025/295580
  paused on seq 3 at 22:49, restarted on seq 2 the next morning), and clearing the list logs a
  JobStarted and a JobAborted for every entry within the same second.
Events are taken in time order, ties in log order: timestamps are to the second and such bursts
share one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sop_core.data import PRODUCTION_ORDERS

TIMESTAMP_FORMAT = "%d/%m/%Y,%H:%M:%S"  # "03/02/2025,07:00:19": day first, a comma before the time
JOB_KEY = ["job", "article"]
MO_ID_SEPARATOR = " | "  # neither job numbers nor articles contain it
LOG_COLUMNS = ("event", "timestamp", "job", "job_seq", "article", "requested_pcs", "good_pcs")

STARTED, PAUSED, RESTARTED = "JobStarted", "JobPaused", "JobRestarted"
OUTCOME_OF_END = {"JobTerminated": "terminated", "JobAborted": "aborted"}
PAUSE_ENDS = (RESTARTED, *OUTCOME_OF_END)
RUNNING = "running"


def read_machine_log(path: Path | str) -> pd.DataFrame:
    """The events of a Komax job log (`*_jobs_events.csv`) in file order, columns as written:
    `timestamp` parsed with TIMESTAMP_FORMAT (a malformed one raises, none is guessed),
    requested_pcs and good_pcs as nullable integers, every other value as text (only an empty
    cell is missing)."""
    events = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(events, LOG_COLUMNS, f"{path} is not a Komax job log")
    events["timestamp"] = pd.to_datetime(events["timestamp"], format=TIMESTAMP_FORMAT)
    for column in ("requested_pcs", "good_pcs"):
        events[column] = pd.to_numeric(events[column]).astype("Int64")
    return events


def jobs_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """One row per job (job, article), in the order the jobs first appear: job, article,
    actual_start, actual_end, outcome, requested_pcs, good_pcs, run_minutes, paused_minutes,
    productive_minutes.

    - actual_start: the first JobStarted; the first event when the log never shows the start (the
      job was loaded before the machine was paused and restarted).
    - actual_end, outcome: the last JobTerminated ("terminated") or JobAborted ("aborted"); NaT and
      "running" when the job has none or was started again after it (still open at the end of the
      log). A JobInterrupted ends nothing: the machine switches list entry and the job goes on.
    - requested_pcs, good_pcs: the last known values. Piece counts restart at every list entry, and
      a job re-run after an abort asks for the remainder only (ZSK/00063/01/2025/699740 _G07: 200
      asked, aborted at 180 good, then 20 asked and made), so neither is a total of the job.
    - run_minutes: elapsed actual_end - actual_start, so a job started again days later spans the
      jobs run in between; NaN while running.
    - paused_minutes: sum of the gaps JobPaused -> next JobRestarted, JobTerminated or JobAborted of
      the job; a pause never closed or logged after the job had ended (the machine paused at the end
      of a shift, charged to the last job loaded) counts nothing.
    - productive_minutes: run_minutes - paused_minutes.
    """
    _require_columns(events, LOG_COLUMNS, "jobs_from_events needs the events of a Komax job log")
    if events[JOB_KEY].isna().any(axis=None):
        raise ValueError("Some events name no job or no article: drop or complete them first.")
    log = events.sort_values("timestamp", kind="stable").reset_index(drop=True)  # ties keep log order
    position = pd.Series(np.arange(len(log), dtype=float), index=log.index)
    is_start, is_end = log["event"].eq(STARTED), log["event"].isin(OUTCOME_OF_END)
    marked = log.assign(
        start_at=log["timestamp"].where(is_start),
        start_position=position.where(is_start),
        end_at=log["timestamp"].where(is_end),
        end_event=log["event"].where(is_end),
        end_position=position.where(is_end),
        pause_minutes=_pause_minutes(log, is_start, is_end),
    )
    per_job = marked.groupby(JOB_KEY, sort=False).agg(
        first_event_at=("timestamp", "first"),
        first_start_at=("start_at", "min"),
        last_start=("start_position", "max"),
        last_end=("end_position", "max"),
        end_at=("end_at", "last"),
        end_event=("end_event", "last"),
        requested_pcs=("requested_pcs", "last"),
        good_pcs=("good_pcs", "last"),
        paused_minutes=("pause_minutes", "sum"),
    )
    running = per_job["last_end"].isna() | (per_job["last_start"] > per_job["last_end"])
    start = per_job["first_start_at"].fillna(per_job["first_event_at"])
    end = per_job["end_at"].mask(running)
    run_minutes = (end - start).dt.total_seconds() / 60
    jobs = pd.DataFrame({
        "actual_start": start,
        "actual_end": end,
        "outcome": per_job["end_event"].map(OUTCOME_OF_END).mask(running, RUNNING),
        "requested_pcs": per_job["requested_pcs"],
        "good_pcs": per_job["good_pcs"],
        "run_minutes": run_minutes,
        "paused_minutes": per_job["paused_minutes"],
        "productive_minutes": run_minutes - per_job["paused_minutes"],
    })
    return jobs.reset_index()


def _pause_minutes(log: pd.DataFrame, is_start: pd.Series, is_end: pd.Series) -> pd.Series:
    """On each counted JobPaused, the minutes until the job's next pause end; NaN elsewhere."""
    by_job = [log[column] for column in JOB_KEY]
    next_pause_end = log["timestamp"].where(log["event"].isin(PAUSE_ENDS)).groupby(by_job).bfill()
    # 1 after a start, 0 after an end, carried forward: 0 on a pause means the job had ended.
    state = pd.Series(np.nan, index=log.index).mask(is_start, 1.0).mask(is_end, 0.0)
    had_ended = state.groupby(by_job).ffill().eq(0)
    minutes = (next_pause_end - log["timestamp"]).dt.total_seconds() / 60
    return minutes.where(log["event"].eq(PAUSED) & ~had_ended)


def as_production_orders(jobs: pd.DataFrame, workshop: str) -> pd.DataFrame:
    """The jobs as rows of the `production_orders` import (the columns of PRODUCTION_ORDERS, in
    order), all made in `workshop`.

    - mo_id: "job | article" (a job number runs several articles; an OF has one SKU);
    - sku: the article; quantity: the requested pieces;
    - planned_start, planned_end: the actual dates, because the machine log holds no plan; a job
      still running is taken as planned to end the day it started (the column is required);
    - actual_start, actual_end: dates (no end while running);
    - hours_done: productive hours; progress_pct: 100 when terminated, empty otherwise (piece
      counts restart at every list entry, so they do not measure the progress of the order);
    - hours_required, order_id, priority: empty, the log does not know them.
    """
    if not workshop.strip():
        raise ValueError("as_production_orders needs the machine's workshop, as named in the workshops file.")
    start, end = _dates(jobs["actual_start"]), _dates(jobs["actual_end"])
    orders = pd.DataFrame({
        "mo_id": jobs["job"] + MO_ID_SEPARATOR + jobs["article"],
        "sku": jobs["article"],
        "workshop": workshop,
        "quantity": jobs["requested_pcs"],
        "planned_start": start,
        "planned_end": end.where(end.notna(), start),
        "actual_start": start,
        "actual_end": end,
        "hours_done": jobs["productive_minutes"] / 60,
        "progress_pct": pd.Series(100.0, index=jobs.index).where(jobs["outcome"].eq("terminated")),
    })
    return orders.reindex(columns=[column.name for column in PRODUCTION_ORDERS.columns])


def _dates(stamps: pd.Series) -> pd.Series:
    """The calendar days of `stamps`, None where there is no timestamp."""
    return stamps.dt.date.where(stamps.notna(), None)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)} (expected {', '.join(columns)}).")
