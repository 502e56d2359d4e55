"""What-if scenarios against the store: the plan (open OF and workshops as of a day) that
`simulation.simulate` takes, and a scenario read from a JSON file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sop_core.shopfloor import open_orders, workshops
from sop_core.simulation import Plan, Scenario, ScenarioError, scenario_from_json
from sop_core.store import Store


def plan_from_store(store: Store, as_of: dt.date) -> Plan:
    """The open OF and the workshops (with their lever limits and costs) as of `as_of`."""
    return Plan(as_of=as_of, orders=open_orders(store, as_of), workshops=workshops(store))


def read_scenario(path: Path) -> Scenario:
    """A scenario from a JSON file; an unreadable file is a ScenarioError naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file ({exc.strerror}); check the path") from None
    try:
        return scenario_from_json(text)
    except ScenarioError as exc:
        raise ScenarioError(f"{path.name}: {exc}") from None
