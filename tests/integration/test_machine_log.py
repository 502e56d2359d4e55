"""The real Komax 565 job log (../shared/data/production) rebuilt as jobs: the figures match the file
read by hand and an independent loop over its lines, and the jobs import as production orders."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from sop_core.data.store import Store
from sop_core.imports.ingest import FileToImport, import_files
from sop_core.imports.machine_log import as_production_orders, jobs_from_events, read_machine_log
from tests.conftest import SHARED_DATA, TODAY, WriteFile

LOG = SHARED_DATA / "production" / "komax565_jobs_events.csv"
pytestmark = pytest.mark.skipif(not LOG.is_file(), reason=f"{LOG} is not beside the checkout")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read_machine_log(LOG)


@pytest.fixture(scope="module")
def jobs(events: pd.DataFrame) -> pd.DataFrame:
    return jobs_from_events(events)


def test_one_row_per_job_and_article(events: pd.DataFrame, jobs: pd.DataFrame) -> None:
    assert len(events) == 1_124
    assert events["event"].value_counts().to_dict() == {
        "JobStarted": 551, "JobTerminated": 318, "JobAborted": 222,
        "JobPaused": 14, "JobInterrupted": 10, "JobRestarted": 9,
    }
    assert len(jobs) == len(events[["job", "article"]].drop_duplicates()) == 278
    ended = jobs[jobs["actual_end"].notna()]
    assert (ended["actual_end"] >= ended["actual_start"]).all()
    assert jobs["actual_start"].notna().all()
    assert (jobs["actual_end"].isna() == jobs["outcome"].eq("running")).all()
    assert (ended["paused_minutes"] <= ended["run_minutes"]).all()
    print(f"Komax 565 jobs: {len(jobs)}, median run {jobs['run_minutes'].median():.2f} min")


def test_first_job_matches_the_file_read_by_hand(jobs: pd.DataFrame) -> None:
    first = jobs.iloc[0]
    assert (first["job"], first["article"]) == ("ZSK/00099/11/2024/695180", "10-51-000593-REV00_G05")
    assert first["actual_start"] == pd.Timestamp("2025-02-03 07:00:19")
    assert first["actual_end"] == pd.Timestamp("2025-02-03 08:06:08")
    assert (first["outcome"], first["requested_pcs"], first["good_pcs"]) == ("terminated", 50, 50)
    # Lines 3-4 of the file: JobPaused 07:13:39 -> JobRestarted 07:14:05 = 26 s = 26/60 min.
    assert first["paused_minutes"] == pytest.approx(26 / 60)
    # 07:00:19 -> 08:06:08 = 1 h 5 min 49 s = 65 + 49/60 min, of which 26 s paused.
    assert first["run_minutes"] == pytest.approx(65 + 49 / 60)
    assert first["productive_minutes"] == pytest.approx(65 + 49 / 60 - 26 / 60)


def test_a_pause_ended_on_another_list_entry_counts(jobs: pd.DataFrame) -> None:
    row = jobs.set_index(["job", "article"]).loc[("ZSU/00020/01/2025/295580", "3731366400-Rev03/G01")]
    # Lines 155-156: paused on job_seq 3 on 03/02 at 22:49:36, restarted on job_seq 2 on 04/02 at
    # 06:42:31 = 1 h 10 min 24 s before midnight + 6 h 42 min 31 s = 7 h 52 min 55 s.
    assert row["paused_minutes"] == pytest.approx(7 * 60 + 52 + 55 / 60)


def test_outcomes_match_a_plain_loop_over_the_file(jobs: pd.DataFrame) -> None:
    outcome: dict[tuple[str, str], str] = {}
    with LOG.open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):  # the file is in time order
            key = (line["job"], line["article"])
            if line["event"] == "JobStarted":
                outcome[key] = "running"
            elif line["event"] == "JobTerminated":
                outcome[key] = "terminated"
            elif line["event"] == "JobAborted":
                outcome[key] = "aborted"
            else:
                outcome.setdefault(key, "running")  # a job first seen restarting was already loaded
    expected = Counter(outcome.values())
    assert jobs["outcome"].value_counts().to_dict() == dict(expected)
    assert expected == {"terminated": 181, "aborted": 95, "running": 2}


def test_jobs_import_as_production_orders(store: Store, write_file: WriteFile, jobs: pd.DataFrame) -> None:
    workshops = write_file("workshops.csv", "workshop;headcount;hours_per_week;regular_cost_per_hour\nKOMAX;1;35;30\n")
    products = pd.DataFrame({"sku": jobs["article"].unique()}).assign(
        name=lambda frame: frame["sku"], family="Câblage", unit_cost=1, unit_price=2, workshop="KOMAX")
    products_file = write_file("products.csv", products.to_csv(sep=";", index=False, lineterminator="\n"))
    orders = as_production_orders(jobs, "KOMAX")
    orders_file = write_file("komax_orders.csv", orders.to_csv(sep=";", index=False, lineterminator="\n"))
    outcome = import_files(store, [
        FileToImport("workshops", workshops),
        FileToImport("products", products_file),
        FileToImport("production_orders", orders_file),
    ], today=TODAY)
    assert outcome.ok, [report.lines() for report in outcome.reports]
    assert store.scalar("SELECT count(*) FROM production_orders") == len(jobs)
    assert store.scalar("SELECT count(*) FROM products") == jobs["article"].nunique()
    first = store.query("SELECT * FROM production_orders WHERE mo_id = ?",
                        ["ZSK/00099/11/2024/695180 | 10-51-000593-REV00_G05"]).iloc[0]
    assert (first["sku"], first["workshop"], first["quantity"], first["progress_pct"]) == (
        "10-51-000593-REV00_G05", "KOMAX", 50, 100)
    assert first["hours_done"] == pytest.approx((65 + 49 / 60 - 26 / 60) / 60)
