"""What a meeting pack holds, computed once by `build`, laid out by `pdf` and the workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sop_core.common import Cycle
from sop_core.meeting.agenda import StepDone
from sop_core.meeting.executive import Tile

__all__ = ["MAX_SCENARIOS", "SHEETS", "MeetingPack"]

MAX_SCENARIOS = 4
# The workbook's sheets, in order: a table of the pack each (`pack.sheet.<code>` names them).
SHEETS = ("kpis", "agenda", "cycle_status", "plan", "plan_changes", "scenarios", "scenario_plans", "levers",
          "decisions", "follow_up", "service", "accuracy", "load", "stock")


@dataclass(frozen=True)
class MeetingPack:
    """Everything the pack shows, computed once. `tables` (one per `SHEETS` code) hold the workbook's
    cells in the pack's language under sop_core's column names; `levers` are the levers of the scenarios
    played with their costs (`tables.lever_table`); `charts` are (code, Vega-Lite spec);
    `notes` are sentences the PDF adds (a scenario that could not be played, no scenario saved).
    `plan` is the plan (PIC) over its horizon by family and in total (`tables.plan_horizon`; its months
    and changes are the tables `plan` and `plan_changes`), `plan_previous` the cycle its changes start
    from, `plan_note` why the pack has no plan (no monthly forecast yet)."""

    cycle: Cycle
    as_of: dt.date
    lang: str
    tiles: tuple[Tile, ...]
    agenda: pd.DataFrame
    status: Mapping[str, StepDone | None]
    scenarios: pd.DataFrame
    levers: pd.DataFrame
    decisions: pd.DataFrame
    follow_up: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    charts: tuple[tuple[str, dict[str, Any]], ...]
    notes: tuple[str, ...] = ()
    recorded: bool = False
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan_previous: Cycle | None = None
    plan_note: str | None = None
    issued_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
