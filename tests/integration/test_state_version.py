"""The cache version changes with everything a cached figure may read, and only with that."""

from __future__ import annotations

import datetime as dt

from sop_core.common import Cycle
from sop_core.data import Store
from sop_core.meeting import close_decision, record_decision


def test_a_saved_setting_changes_the_version_but_the_interface_language_does_not(store: Store) -> None:
    before = store.state_version()
    store.set_setting("ui.language", "en")
    assert store.state_version() == before
    store.set_setting("service.target", "0.5")
    changed = store.state_version()
    assert changed != before
    store.set_setting("service.target", "0.95")
    assert store.state_version() not in (before, changed)


def test_decisions_and_their_closing_change_the_version(store: Store) -> None:
    versions = [store.state_version()]
    decision = record_decision(store, Cycle(2026, 11), "Ouvrir une équipe de nuit", "Paul", dt.date(2026, 12, 15))
    versions.append(store.state_version())
    close_decision(store, decision, Cycle(2026, 11), "Fait")
    versions.append(store.state_version())
    assert len(set(versions)) == 3


def test_a_saved_scenario_and_recorded_cycle_figures_change_the_version(store: Store) -> None:
    versions = [store.state_version()]
    with store.transaction() as cur:
        cur.execute("INSERT INTO scenarios (scenario_id, name, scenario_json, author, created_at) "
                    "VALUES (1, 'A', '{}', 'Paul', now()::TIMESTAMP)")
    versions.append(store.state_version())
    with store.transaction() as cur:
        cur.execute("UPDATE scenarios SET decision_cycle = '2026-11' WHERE scenario_id = 1")
    versions.append(store.state_version())
    with store.transaction() as cur:
        cur.execute("INSERT INTO cycle_kpis (cycle, code, value, status, recorded_at) "
                    "VALUES ('2026-11', 'service_otif', 0.9, 'orange', now()::TIMESTAMP)")
    versions.append(store.state_version())
    assert len(set(versions)) == 4
