"""The S&OP cycle as the meeting runs it: the offer to open the next cycle once the data runs past
the current one, the steps done (with who), and closing: what the meeting showed (tiles, agenda,
decisions) is kept as it was, in codes and figures that read back in either language.

A closed cycle's page shows this archive, not figures recomputed from data imported since.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sop_core.common import Cycle, Message, MessageError
from sop_core.data import (
    Store,
    archive_of,
    archived,
    cycle_record,
    keep_archive,
    latest_cycle,
    mark_closed,
    open_cycle,
    record_step,
)
from sop_core.forecast import freeze_cycle
from sop_core.meeting.agenda import cycle_figures
from sop_core.meeting.decisions import decisions_of_cycle
from sop_core.meeting.executive import Tile, record_cycle_kpis, recorded_values

__all__ = ["ClosedCycle", "close_cycle", "closed_cycle", "freeze_step", "keep_seen", "next_cycle_offer",
           "open_next_cycle"]


@dataclasses.dataclass(frozen=True)
class ClosedCycle:
    """What a closed cycle showed: its tiles, its agenda items and its decisions."""

    cycle: Cycle
    tiles: tuple[Tile, ...]
    agenda: pd.DataFrame
    decisions: pd.DataFrame


def next_cycle_offer(store: Store) -> tuple[Cycle, dt.date] | None:
    """(cycle, as-of) to open when the demand data runs past the current cycle's month (an import of
    November's sales during cycle 2026-11 offers 2026-12 as of 01/12), else None."""
    latest = store.latest_demand_day()
    if latest is None:
        return None
    as_of = latest + dt.timedelta(days=1)
    current = Cycle.of(store.as_of())
    opened = latest_cycle(store)
    if Cycle.of(as_of) <= current or (opened is not None and Cycle.of(as_of) <= opened.cycle):
        return None
    return Cycle.of(as_of), as_of


def open_next_cycle(store: Store, user: str) -> Cycle:
    """Open the offered cycle as of the data's day; its data is collected, by whoever opens it."""
    offer = next_cycle_offer(store)
    if offer is None:
        raise MessageError(Message("cycle.error.nothing_to_open"))
    cycle, as_of = offer
    open_cycle(store, cycle, as_of, user)
    record_step(store, cycle, "data_collected", user)
    return cycle


def freeze_step(store: Store, cycle: Cycle, user: str) -> int:
    """Freeze the latest monthly forecast as `cycle`'s and record the demand review done."""
    rows = freeze_cycle(store, cycle)
    record_step(store, cycle, "demand_review", user)
    return rows


def keep_seen(store: Store, cycle: Cycle, tiles: Sequence[Tile], agenda: pd.DataFrame) -> None:
    """Keep the tiles and agenda the meeting sees (its pack issued): closing the cycle archives
    these, not figures recomputed later from data imported since."""
    keep_archive(store, cycle, _archive(ClosedCycle(cycle, tuple(tiles), agenda,
                                                    decisions_of_cycle(store, cycle))))


def close_cycle(store: Store, cycle: Cycle, user: str) -> ClosedCycle:
    """Archive what `cycle` showed and mark it closed: the tiles and agenda kept when its pack was
    issued, else those of its as-of day computed now (and recorded); its decisions as they stand."""
    record = cycle_record(store, cycle)
    if record is None:
        raise MessageError(Message("cycle.error.not_opened", {"cycle": str(cycle)}))
    if record.status == "closed":
        raise MessageError(Message("cycle.error.already_closed", {"cycle": str(cycle)}))
    seen = archive_of(store, cycle)
    if seen is not None:
        kept = _read(cycle, seen)
        tiles, agenda = kept.tiles, kept.agenda
    else:
        computed, agenda = cycle_figures(store, record.as_of)
        tiles = tuple(computed)
        if not recorded_values(store, cycle):
            record_cycle_kpis(store, cycle, computed)
    shown = ClosedCycle(cycle, tuple(tiles), agenda, decisions_of_cycle(store, cycle))
    mark_closed(store, cycle, user, _archive(shown))
    return shown


def closed_cycle(store: Store, cycle: Cycle) -> ClosedCycle | None:
    """The archive of a closed cycle, read back; None when `cycle` is not closed."""
    stored = archived(store, cycle)
    return None if stored is None else _read(cycle, stored)


def _archive(shown: ClosedCycle) -> dict[str, str]:
    """What a cycle shows, in codes and figures (JSON) that read back in either language."""
    return {"tiles_json": json.dumps([_tile_dict(tile) for tile in shown.tiles], default=_plain),
            "agenda_json": shown.agenda.to_json(orient="records", date_format="iso"),
            "decisions_json": shown.decisions.to_json(orient="records", date_format="iso")}


def _read(cycle: Cycle, stored: dict[str, str]) -> ClosedCycle:
    tiles = tuple(Tile(**raw) for raw in json.loads(stored["tiles_json"]))
    agenda = pd.DataFrame(json.loads(stored["agenda_json"]))
    if "week" in agenda:
        agenda["week"] = pd.to_datetime(agenda["week"])
    return ClosedCycle(cycle, tiles, agenda, pd.DataFrame(json.loads(stored["decisions_json"])))


def _plain(value: Any) -> Any:
    """A numpy number as the Python number it holds (the tiles' figures come from frames)."""
    return value.item() if hasattr(value, "item") else str(value)


def _tile_dict(tile: Tile) -> dict[str, Any]:
    raw = dataclasses.asdict(tile)
    return {name: (None if isinstance(value, float) and pd.isna(value) else value) for name, value in raw.items()}
