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

from sop_core.common import Message
from sop_core.whatif.levers import (
    JSON_VERSION,
    LEVER_CLASSES,
    LEVER_KINDS,
    Lever,
    Scenario,
    field_term,
    is_number,
    lever_name,
    lever_size,
    scenario_error,
)


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario in the JSON format of the module docstring (dates as ISO strings)."""
    levers = [{"kind": lever.kind, "workshop": lever.workshop, "first_week": lever.first_week.isoformat(),
               "last_week": lever.last_week.isoformat(), lever.size_field: lever_size(lever)}
              for lever in scenario.levers]
    return json.dumps({"version": JSON_VERSION, "name": scenario.name, "notes": scenario.notes, "levers": levers},
                      ensure_ascii=False, indent=2)


def _lever_from_json(index: int, raw: object) -> Lever:
    if not isinstance(raw, dict):
        raise scenario_error("lever_not_object", Message("scenario.lever_number", {"n": index + 1}), value=repr(raw))
    kind = raw.get("kind")
    if kind not in LEVER_CLASSES:
        raise scenario_error("unknown_kind", Message("scenario.lever_number", {"n": index + 1}), kind=repr(kind),
                             kinds=list(LEVER_KINDS))
    cls = LEVER_CLASSES[kind]
    where = lever_name(index, kind, raw.get("workshop", "?"))
    fields = ("workshop", "first_week", "last_week", cls.size_field)
    for name in fields:
        if name not in raw:
            raise scenario_error("missing_field", where, field=name, kind=Message(f"whatif.kind.{kind}"),
                                 fields=list(fields))
    extra = sorted(set(raw) - {"kind", *fields})
    if extra:
        raise scenario_error("unknown_field", where, fields=[repr(name) for name in extra],
                             kind=Message(f"whatif.kind.{kind}"), allowed=list(fields))
    if not isinstance(raw["workshop"], str):
        raise scenario_error("workshop_not_text", where, value=repr(raw["workshop"]))
    weeks = []
    for name in ("first_week", "last_week"):
        if raw[name] is None:  # an empty cell of the page's table
            raise scenario_error("week_missing", where, field=field_term(name))
        try:
            weeks.append(dt.date.fromisoformat(raw[name]))
        except (TypeError, ValueError):
            raise scenario_error("json_week_not_a_date", where, field=field_term(name), value=repr(raw[name])) \
                from None
    size = raw[cls.size_field]
    if not is_number(size):
        raise scenario_error("size_not_number", where, field=field_term(cls.size_field), value=repr(size))
    return cls(raw["workshop"], weeks[0], weeks[1], float(size))


MAX_JSON_CHARACTERS = 1_000_000  # a scenario of 200 levers is about 30,000
MAX_JSON_DEPTH = 8  # scenario > levers > lever > value: anything deeper is not a scenario


def _depth(text: str) -> int:
    """How deep brackets nest in `text` (strings skipped), counted without parsing: a file nested
    100,000 deep must be refused before the parser recurses into it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def scenario_from_json(text: str) -> Scenario:
    """Read a scenario written by `scenario_to_json` (or by hand); `ScenarioError` says what to fix.
    Its size, its nesting and its numbers are bounded before anything is built."""
    if isinstance(text, str) and len(text) > MAX_JSON_CHARACTERS:
        raise scenario_error("too_long", size=len(text), most=MAX_JSON_CHARACTERS)
    if isinstance(text, str) and _depth(text) > MAX_JSON_DEPTH:
        raise scenario_error("too_deep", most=MAX_JSON_DEPTH)
    try:
        raw = json.loads(text, parse_int=_bounded_int)
    except (json.JSONDecodeError, TypeError) as error:
        raise scenario_error("not_json", error=str(error)) from None
    if not isinstance(raw, dict):
        raise scenario_error("not_object")
    if raw.get("version", JSON_VERSION) != JSON_VERSION:
        raise scenario_error("bad_version", version=repr(raw["version"]), supported=JSON_VERSION)
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise scenario_error("no_name")
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise scenario_error("notes_not_text", value=repr(notes))
    levers = raw.get("levers", [])
    if not isinstance(levers, list):
        raise scenario_error("levers_not_list", value=repr(levers))
    return Scenario(raw["name"], tuple(_lever_from_json(i, lever) for i, lever in enumerate(levers)), notes)


def _bounded_int(digits: str) -> int | float:
    """An integer of the file, refused past 15 digits (no lever is that large; Python would refuse
    past 4,300 with a message of its own)."""
    if len(digits.lstrip("-")) > 15:
        raise scenario_error("number_too_long", digits=len(digits.lstrip("-")))
    return int(digits)


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
