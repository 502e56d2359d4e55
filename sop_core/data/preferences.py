"""Settings the users choose (service target, stock thresholds...) kept in the store's `settings` table.

A settings dataclass is saved field by field under `<prefix>.<field>` as JSON, so adding a field
later needs no migration: a missing or unreadable stored value falls back on the field's default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any, TypeVar

from sop_core.data.store import Store
from sop_core.data.users import acting_name, allow

T = TypeVar("T")


def load_preferences(store: Store, cls: type[T], prefix: str) -> T:
    """An instance of the settings dataclass `cls` from the stored values, defaults elsewhere.

    A stored set the dataclass refuses (edited by hand into nonsense) gives the defaults rather
    than a page that cannot open."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        raw = store.get_setting(f"{prefix}.{field.name}")
        if raw is not None:
            try:
                values[field.name] = json.loads(raw)
            except json.JSONDecodeError:
                continue
    try:
        return cls(**values)
    except (TypeError, ValueError):
        return cls()


def save_preferences(store: Store, settings: Any, prefix: str, now: dt.datetime | None = None) -> None:
    """Store every field of the settings dataclass `settings` in one transaction, with who changed
    them and when (`ui.changed.<prefix>`: a `ui.` key, so that the record changes no cached figure;
    read by `preferences_changed`)."""
    allow(store, "admin")
    stamp = (now or dt.datetime.now()).replace(microsecond=0).isoformat()
    with store.transaction() as cur:
        for field in dataclasses.fields(settings):
            store.set_setting(f"{prefix}.{field.name}", json.dumps(getattr(settings, field.name)), cur)
        store.set_setting(f"ui.changed.{prefix}", json.dumps({"by": acting_name(store), "at": stamp}), cur)


def preferences_changed(store: Store, prefix: str) -> dict[str, str] | None:
    """{"by": login, "at": ISO time} of the last change of the settings `prefix`, or None."""
    raw = store.get_setting(f"ui.changed.{prefix}")
    return None if raw is None else dict(json.loads(raw))
