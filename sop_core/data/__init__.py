"""The data layer: the data contract, the DuckDB store and its migrations, the users' settings."""

from sop_core.data.contract import Column, DERIVED_DEFAULTS, KINDS, Kind, PRODUCTION_ORDERS, WORKSHOPS, contract_frame, get_kind, normalize_header, not_cancelled
from sop_core.data.cycles import (
    CYCLE_STEPS,
    CycleRecord,
    archive_of,
    archived,
    closed_cycles,
    cycle_record,
    cycle_steps,
    data_freshness,
    issued_pack_files,
    keep_archive,
    keep_issued_pack,
    latest_cycle,
    mark_closed,
    open_cycle,
    record_step,
)
from sop_core.data.db import first_row
from sop_core.data.overview import DataOverview, data_overview
from sop_core.data.preferences import load_preferences, save_preferences
from sop_core.data.store import PROJECT_ROOT, Store, StoreError, default_db_path

__all__ = [
    "CYCLE_STEPS",
    "CycleRecord",
    "archive_of",
    "archived",
    "closed_cycles",
    "cycle_record",
    "cycle_steps",
    "data_freshness",
    "issued_pack_files",
    "keep_archive",
    "keep_issued_pack",
    "latest_cycle",
    "mark_closed",
    "open_cycle",
    "record_step",
    "Column",
    "contract_frame",
    "data_overview",
    "DataOverview",
    "default_db_path",
    "DERIVED_DEFAULTS",
    "first_row",
    "get_kind",
    "Kind",
    "KINDS",
    "load_preferences",
    "normalize_header",
    "not_cancelled",
    "PRODUCTION_ORDERS",
    "PROJECT_ROOT",
    "save_preferences",
    "Store",
    "StoreError",
    "WORKSHOPS",
]
