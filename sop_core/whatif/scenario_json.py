"""Scenarios as JSON files and as table rows, read back with messages that name the lever and the fix.

JSON format of a scenario (`scenario_to_json` / `scenario_from_json`, version 1):
    {"version": 1, "name": "Novembre", "notes": "",
     "levers": [{"kind": "overtime", "workshop": "INJECTION", "first_week": "2026-11-09",
                 "last_week": "2026-11-30", "hours_per_person": 4},
                {"kind": "temps", "workshop": "ASSEMBLAGE", "first_week": ..., "last_week": ..., "headcount": 2},
                {"kind": "subcontract", "workshop": "PEINTURE", "first_week": ..., "last_week": ...,
                 "hours_per_week": 60}],
     "demand": [{"level": "family", "key": "Bouchage", "first_month": "2027-01-01",
                 "last_month": "2027-03-01", "percent": 20},
                {"level": "sku", "key": "BC-28", "first_month": ..., "last_month": ..., "quantity": -500}]}
"demand" is optional (a scenario of levers only has none): each change is a percentage or a quantity
of units per month on a family or a SKU over a range of months (`plan.DemandChange`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sop_core.common import Message
from sop_core.plan import DemandChange, DemandChangeError
from sop_core.whatif.levers import (
    JSON_VERSION,
    LEVER_CLASSES,
    LEVER_KINDS,
    Lever,
    Scenario,
    ScenarioError,
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
    content: dict[str, Any] = {"version": JSON_VERSION, "name": scenario.name, "notes": scenario.notes,
                               "levers": levers}
    if scenario.demand:
        content["demand"] = [demand_change_to_json(change) for change in scenario.demand]
    return json.dumps(content, ensure_ascii=False, indent=2)


DEMAND_FIELDS = ("level", "key", "first_month", "last_month")


def demand_change_to_json(change: DemandChange) -> dict[str, Any]:
    amount = {"percent": change.percent} if change.percent is not None else {"quantity": change.quantity}
    return {"level": change.level, "key": change.key, "first_month": change.first_month.isoformat(),
            "last_month": change.last_month.isoformat(), **amount}


def _demand_from_json(index: int, raw: object) -> DemandChange:
    """One demand change of the file; a ScenarioError naming it ("demand change 2") and the fix."""
    where = Message("scenario.demand_number", {"n": index + 1})
    if not isinstance(raw, dict):
        raise scenario_error("demand_not_object", where, value=repr(raw))
    allowed = (*DEMAND_FIELDS, "percent", "quantity")
    missing = [name for name in DEMAND_FIELDS if name not in raw]
    extra = sorted(set(raw) - set(allowed))
    if missing or extra:
        raise scenario_error("demand_fields", where, missing=missing or "-", extra=extra or "-", allowed=list(allowed))
    months = []
    for name in ("first_month", "last_month"):
        try:
            months.append(dt.date.fromisoformat(str(raw[name])[:10]))
        except ValueError:
            raise scenario_error("demand_month", where, field=name, value=repr(raw[name])) from None
    amounts = {name: raw.get(name) for name in ("percent", "quantity")}
    for name, value in amounts.items():
        if value is not None and not is_number(value):
            raise scenario_error("demand_amount", where, field=name, value=repr(value))
    try:
        return DemandChange(str(raw["level"]), str(raw["key"]), months[0], months[1],  # type: ignore[arg-type]
                            **{name: None if value is None else float(value) for name, value in amounts.items()})
    except DemandChangeError as error:
        raise ScenarioError(Message("scenario.error.at", {"where": where, "problem": error.message})) from None


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
    demand = raw.get("demand", [])
    if not isinstance(demand, list):
        raise scenario_error("demand_not_list", value=repr(demand))
    return Scenario(raw["name"], tuple(_lever_from_json(i, lever) for i, lever in enumerate(levers)), notes,
                    tuple(_demand_from_json(i, change) for i, change in enumerate(demand)))


def _bounded_int(digits: str) -> int | float:
    """An integer of the file, refused past 15 digits (no lever is that large; Python would refuse
    past 4,300 with a message of its own)."""
    if len(digits.lstrip("-")) > 15:
        raise scenario_error("number_too_long", digits=len(digits.lstrip("-")))
    return int(digits)


def scenario_from_rows(name: str, rows: Sequence[Mapping[str, Any]], notes: str = "",
                       demand_rows: Sequence[Mapping[str, Any]] = ()) -> Scenario:
    """A scenario from table rows (kind, workshop, first_week, last_week, size), as a page edits it:
    `size` is the lever's own quantity (hours per person, headcount or hours per week); `demand_rows`
    (level, key, first_month, last_month, percent, quantity; empty cells None) its demand changes. The
    rows go through the JSON reader, so a bad row gets the same message as a bad file."""
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
    demand = [{key: (value.isoformat()[:10] if isinstance(value, dt.date) else value)
               for key, value in row.items() if value is not None and not _blank(value)} for row in demand_rows]
    return scenario_from_json(json.dumps({"name": name, "notes": notes, "levers": levers, "demand": demand},
                                         default=str))


def _blank(value: object) -> bool:
    """An empty cell of a page's table: None, NaN or NaT."""
    return value != value  # NaN and NaT are the only values not equal to themselves
