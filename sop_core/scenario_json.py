"""Scenarios as JSON files and as table rows, read back with messages that name the lever and the fix.

JSON format of a scenario (`scenario_to_json` / `scenario_from_json`, version 1):
    {"version": 1, "name": "Novembre", "notes": "",
     "levers": [{"kind": "overtime", "workshop": "INJECTION", "first_week": "2026-11-09",
                 "last_week": "2026-11-30", "hours_per_person": 4},
                {"kind": "temps", "workshop": "ASSEMBLAGE", "first_week": ..., "last_week": ..., "headcount": 2},
                {"kind": "subcontract", "workshop": "PEINTURE", "first_week": ..., "last_week": ...,
                 "hours_per_week": 60}]}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sop_core.simulation import (
    JSON_VERSION,
    KINDS,
    LEVER_CLASSES,
    Lever,
    Scenario,
    ScenarioError,
    is_number,
    lever_size,
)


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario in the JSON format of the module docstring (dates as ISO strings)."""
    levers = [{"kind": lever.kind, "workshop": lever.workshop, "first_week": lever.first_week.isoformat(),
               "last_week": lever.last_week.isoformat(), lever.size_field: lever_size(lever)}
              for lever in scenario.levers]
    return json.dumps({"version": JSON_VERSION, "name": scenario.name, "notes": scenario.notes, "levers": levers},
                      ensure_ascii=False, indent=2)


def _lever_from_json(index: int, raw: object) -> Lever:
    where = f"lever {index + 1}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected an object such as {{\"kind\": \"overtime\", ...}}, got {raw!r}")
    kind = raw.get("kind")
    if kind not in LEVER_CLASSES:
        raise ScenarioError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    cls = LEVER_CLASSES[kind]
    where = f"lever {index + 1} ({kind}, {raw.get('workshop', '?')})"
    fields = ("workshop", "first_week", "last_week", cls.size_field)
    for name in fields:
        if name not in raw:
            raise ScenarioError(f"{where}: missing field {name!r}; a {kind} lever needs {', '.join(fields)}")
    extra = sorted(set(raw) - {"kind", *fields})
    if extra:
        raise ScenarioError(f"{where}: unknown field {', '.join(map(repr, extra))}; a {kind} lever has "
                            f"{', '.join(fields)}")
    if not isinstance(raw["workshop"], str):
        raise ScenarioError(f"{where}: workshop must be a text, not {raw['workshop']!r}")
    weeks = []
    for name in ("first_week", "last_week"):
        try:
            weeks.append(dt.date.fromisoformat(raw[name]))
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: {name} {raw[name]!r} is not a date; write it as 2026-11-09 "
                                "(the Monday of the week)") from None
    size = raw[cls.size_field]
    if not is_number(size):
        raise ScenarioError(f"{where}: {cls.size_field} {size!r} is not a number; write it as 4 or 4.5")
    return cls(raw["workshop"], weeks[0], weeks[1], float(size))


def scenario_from_json(text: str) -> Scenario:
    """Read a scenario written by `scenario_to_json` (or by hand); `ScenarioError` says what to fix."""
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, TypeError) as error:
        raise ScenarioError(f"the scenario is not valid JSON ({error}); see the format in sop_core/simulation.py") \
            from None
    if not isinstance(raw, dict):
        raise ScenarioError('the scenario must be a JSON object: {"name": ..., "levers": [...]}')
    if raw.get("version", JSON_VERSION) != JSON_VERSION:
        raise ScenarioError(f"scenario version {raw['version']!r} is not supported; this version reads "
                            f"{JSON_VERSION}")
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise ScenarioError('the scenario has no "name"; add one, e.g. "name": "Overtime in November"')
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise ScenarioError(f'"notes" must be a text, not {notes!r}')
    levers = raw.get("levers", [])
    if not isinstance(levers, list):
        raise ScenarioError(f'"levers" must be a list of levers, not {levers!r}')
    return Scenario(raw["name"], tuple(_lever_from_json(i, lever) for i, lever in enumerate(levers)), notes)


def scenario_from_rows(name: str, rows: Sequence[Mapping[str, Any]], notes: str = "") -> Scenario:
    """A scenario from table rows (kind, workshop, first_week, last_week, size), as a page edits it:
    `size` is the lever's own quantity (hours per person, headcount or hours per week). The rows go
    through the JSON reader, so a bad row gets the same message as a bad file."""
    levers = []
    for row in rows:
        lever = {key: row.get(key) for key in ("kind", "workshop", "first_week", "last_week")}
        for key in ("first_week", "last_week"):
            day = lever[key]
            if isinstance(day, dt.date):
                lever[key] = day.isoformat()[:10]
        kind = lever["kind"]
        if isinstance(kind, str) and kind in LEVER_CLASSES:
            lever[LEVER_CLASSES[kind].size_field] = row.get("size")
        levers.append(lever)
    return scenario_from_json(json.dumps({"name": name, "notes": notes, "levers": levers}, default=str))
