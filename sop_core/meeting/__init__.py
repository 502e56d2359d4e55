"""The S&OP meeting: executive tiles, agenda, decisions log and the meeting pack."""

from sop_core.meeting.agenda import agenda_text, cycle_figures, cycle_status, cycle_status_text
from sop_core.meeting.cycle import (
    ClosedCycle,
    close_cycle,
    closed_cycle,
    freeze_step,
    next_cycle_offer,
    open_next_cycle,
)
from sop_core.meeting.decisions import (
    DecisionError,
    close_decision,
    decisions_of_cycle,
    open_decisions,
    overdue,
    previous_cycle_follow_up,
    record_decision,
)
from sop_core.meeting.executive import KPI_CODES, Tile, tile_text
from sop_core.meeting.pack.build import build_pack, pack_as_of, pack_xlsx
from sop_core.meeting.pack.issued import PACK_FORMATS, pack_files
from sop_core.meeting.pack.model import SHEETS, MeetingPack
from sop_core.meeting.pack.pdf import pack_pdf

__all__ = [
    "KPI_CODES",
    "PACK_FORMATS",
    "SHEETS",
    "ClosedCycle",
    "DecisionError",
    "MeetingPack",
    "Tile",
    "agenda_text",
    "build_pack",
    "close_cycle",
    "close_decision",
    "closed_cycle",
    "cycle_figures",
    "cycle_status",
    "cycle_status_text",
    "decisions_of_cycle",
    "freeze_step",
    "next_cycle_offer",
    "open_decisions",
    "open_next_cycle",
    "overdue",
    "pack_as_of",
    "pack_files",
    "pack_pdf",
    "pack_xlsx",
    "previous_cycle_follow_up",
    "record_decision",
    "tile_text",
]
