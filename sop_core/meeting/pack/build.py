"""The meeting pack (dossier de réunion) of an S&OP cycle: one call gathers what the meeting looks
at, and it comes out as a PDF to project or print and as an Excel workbook of the tables behind it.

`build_pack` reads everything once (the KPI tiles, the exceptions agenda, the cycle's status, the
baseline against up to `MAX_SCENARIOS` saved scenarios, the decisions and the charts' figures) and
records the cycle's KPI figures: issuing the pack is the "pack issued" step of the cycle, and the
next cycle's tiles show their change against these figures. `pack_pdf` and `pack_xlsx` only lay
out what the pack holds, in the pack's language.

The pack of the current cycle is as of the store's as-of date (its data, else today); a past
cycle's pack is a reprint as of the last day of its month and leaves the recorded figures alone (a
figure recomputed today is not what that meeting saw). A future cycle has no pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from sop_core.common import (
    Cycle,
    Message,
    MessageError,
    Progress,
    Sheet,
    check_language,
    format_date,
    status_label,
    translate,
    workbook_bytes,
)
from sop_core.data import Store, load_preferences
from sop_core.forecast import MissingRunError
from sop_core.kpi import ServiceSettings
from sop_core.meeting.agenda import StepDone, cycle_status, exceptions_agenda
from sop_core.meeting.cycle import keep_seen
from sop_core.meeting.decisions import decisions_of_cycle, previous_cycle_follow_up
from sop_core.meeting.executive import ExecutiveTargets, cycle_tiles, record_cycle_kpis
from sop_core.meeting.figures import history_figures
from sop_core.meeting.pack.charts import accuracy_chart, load_chart, service_chart, stock_chart
from sop_core.meeting.pack.model import MAX_SCENARIOS, SHEETS, MeetingPack
from sop_core.meeting.pack.tables import (
    PLAN_CHANGE_COLUMNS,
    PLAN_HORIZON_COLUMNS,
    PLAN_KINDS,
    accuracy_by_month,
    agenda_kinds,
    agenda_table,
    decisions_table,
    kpi_kinds,
    kpi_table,
    lever_table,
    load_by_week,
    plan_changes,
    plan_horizon,
    plan_month_table,
    scenario_plan_table,
    scenario_table,
    service_by_month,
    status_table,
    stock_by_family,
)
from sop_core.plan import (
    TABLE_COLUMNS,
    DemandChangeError,
    PlanInputs,
    balance,
    changes_since_previous,
    plan_inputs,
    plan_table,
)
from sop_core.production import open_production
from sop_core.whatif import (
    BASELINE,
    Scenario,
    ScenarioError,
    SimulationResult,
    compare,
    plan_from_store,
    plan_of,
    saved_scenarios,
    scenario_from_json,
    simulate,
)

__all__ = ["build_pack", "pack_as_of", "pack_xlsx"]



def pack_as_of(store: Store, cycle: Cycle, as_of: dt.date | None = None) -> dt.date:
    """The day the pack of `cycle` is as of: `as_of` when given (it must fall in the cycle's month),
    the store's as-of (else today) for the current cycle, the month's last day for a past one.
    MessageError for an `as_of` outside the cycle or a cycle still in the future."""
    first, last = cycle.start, cycle.end
    if as_of is not None:
        if not first <= as_of <= last:
            raise MessageError(Message("cycle.error.as_of_outside", {"as_of": as_of, "cycle": str(cycle)}))
        return as_of
    today = store.as_of()
    current = Cycle.of(today)
    if cycle > current:
        raise MessageError(Message("cycle.error.future", {"cycle": str(cycle), "as_of": today,
                                                          "current": str(current)}))
    return today if cycle == current else last


def _played(store: Store, cycle: Cycle,
            as_of: dt.date) -> tuple[list[SimulationResult], str | None, list[tuple[str, ScenarioError]]]:
    """The baseline and up to `MAX_SCENARIOS` saved scenarios (the one decided at `cycle` first, then
    the newest) played on the plan of `as_of`: their results (none without a plan), the decided
    scenario's name, and the (name, error) of those that could not be played."""
    counts = store.row_counts()
    if not counts.get("production_orders") or not counts.get("workshops"):
        return [], None, []
    saved = saved_scenarios(store)
    saved = saved.assign(_decided=saved["decision_cycle"] == str(cycle)).sort_values("_decided", ascending=False,
                                                                                  kind="stable")
    decided = str(saved["name"].iloc[0]) if len(saved) and bool(saved["_decided"].iloc[0]) else None
    plan = plan_from_store(store, as_of)
    baseline = simulate(plan, Scenario(BASELINE))
    results, skipped = [baseline], []
    for row in saved.head(MAX_SCENARIOS).itertuples():
        try:
            results.append(simulate(plan, scenario_from_json(str(row.scenario_json)), baseline))
        except ScenarioError as exc:
            skipped.append((str(row.name), exc))
    return results, decided, skipped


@dataclass(frozen=True)
class _Plan:
    months: pd.DataFrame
    horizon: pd.DataFrame
    changes: pd.DataFrame
    previous: Cycle | None = None
    note: str | None = None


def _plan_inputs(store: Store, day: dt.date) -> PlanInputs | MissingRunError:
    """The plan's inputs as of `day`, read once for the plan page and the scenarios' PIC; the reason
    when there is no monthly forecast yet."""
    try:
        return plan_inputs(store, day)
    except MissingRunError as exc:
        return exc


def _plan(store: Store, inputs: PlanInputs | MissingRunError, lang: str) -> _Plan:
    """The plan (PIC): its family x month table, its horizon by family and the changes since the
    previous cycle; empty tables and the reason when there is no monthly forecast yet."""
    if isinstance(inputs, MissingRunError):
        return _Plan(pd.DataFrame(columns=list(TABLE_COLUMNS)), pd.DataFrame(columns=list(PLAN_HORIZON_COLUMNS)),
                     pd.DataFrame(columns=list(PLAN_CHANGE_COLUMNS)),
                     note=translate("pack.plan.none", lang, reason=inputs.message.render(lang)))
    result = balance(inputs)
    table = plan_table(result)
    return _Plan(plan_month_table(table, lang), plan_horizon(table, lang),
                 plan_changes(changes_since_previous(store, result), lang), result.inputs.previous_cycle)


def _scenario_plans(inputs: PlanInputs | MissingRunError, results: list[SimulationResult],
                    lang: str) -> pd.DataFrame:
    """The PIC of each played scenario (its demand changes and its levers' hours); empty without a
    monthly forecast or without scenarios (the plan page says why)."""
    if not results or isinstance(inputs, MissingRunError):
        return scenario_plan_table([], [], BASELINE, lang)
    plans = []
    for result in results:
        try:
            plans.append(plan_of(inputs, result.scenario, result))
        except DemandChangeError:  # a change naming a family or SKU gone since it was saved
            plans.append(plan_of(inputs, replace(result.scenario, demand=()), result))
    return scenario_plan_table(plans, results, BASELINE, lang)


def _labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A chart table for the workbook: its status codes as words."""
    if "status" not in frame:
        return frame
    return frame.assign(status=[status_label(s, lang) if isinstance(s, str) else None for s in frame["status"]])


def _charts(tables: Mapping[str, pd.DataFrame], store: Store, lang: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    charts: list[tuple[str, dict[str, Any]]] = []
    if len(tables["service"]):
        target = load_preferences(store, ServiceSettings, "service").target
        charts.append(("service", service_chart(tables["service"], target, lang)))
    if len(tables["accuracy"]):
        target = load_preferences(store, ExecutiveTargets, "executive").accuracy
        charts.append(("accuracy", accuracy_chart(tables["accuracy"], target, lang)))
    if len(tables["load"]):
        charts.append(("load", load_chart(tables["load"], lang)))
    if len(tables["stock"]):
        charts.append(("stock", stock_chart(tables["stock"], lang)))
    return tuple(charts)


def build_pack(store: Store, cycle: Cycle, lang: str, as_of: dt.date | None = None,
               progress: Progress | None = None) -> MeetingPack:
    """The pack of `cycle` in `lang`; records the cycle's KPI figures when it is the current cycle.
    `progress(fraction, text)` is told each step (for a progress bar)."""
    check_language(lang)
    day = pack_as_of(store, cycle, as_of)
    current = cycle == Cycle.of(store.as_of())

    def step(fraction: float, key: str) -> None:
        if progress is not None:
            progress(fraction, translate(f"pack.progress.{key}", lang))

    step(0.0, "tiles")
    production, history = open_production(store, day), history_figures(store, day)
    tiles = tuple(cycle_tiles(store, day, production, history))
    step(0.25, "agenda")
    agenda = exceptions_agenda(store, day, production, history)
    step(0.4, "scenarios")
    results, decided, skipped = _played(store, cycle, day)
    compared = compare(results)
    notes = [translate("pack.scenarios.skipped", lang, name=name, reason=error.render(lang)) for name, error in skipped]
    if not len(compared):
        notes.append(translate("pack.scenarios.no_plan", lang))
    elif len(compared) == 1 and not skipped:
        notes.append(translate("pack.scenarios.none", lang))
    inputs = _plan_inputs(store, day)
    plan = _plan(store, inputs, lang)
    scenario_plans = _scenario_plans(inputs, results, lang)
    step(0.6, "decisions")
    decisions, follow_up = decisions_of_cycle(store, cycle), previous_cycle_follow_up(store, cycle)
    step(0.7, "charts")
    figures = {"service": service_by_month(store, day), "accuracy": accuracy_by_month(store, day),
               "load": load_by_week(store, day, production), "stock": stock_by_family(store, day)}
    if current:  # everything read: the pack is issued, its status says so; closing keeps what it shows
        record_cycle_kpis(store, cycle, list(tiles))
        keep_seen(store, cycle, tiles, agenda)
    status = cycle_status(store, cycle)
    if current:  # this pack is the one being issued: its own status says so
        status = {**status, "follow_up": status["follow_up"] or StepDone(dt.date.today())}
    scenarios = scenario_table(compared, decided, BASELINE, lang) if len(compared) else compared
    tables = {"kpis": kpi_table(tiles, lang), "agenda": agenda_table(agenda, lang),
              "cycle_status": status_table(status, lang), "plan": plan.months, "plan_changes": plan.changes,
              "scenarios": scenarios, "scenario_plans": scenario_plans,
              "levers": lever_table(results, lang), "decisions": decisions_table(decisions, lang),
              "follow_up": decisions_table(follow_up, lang),
              **{code: _labelled(frame, lang) for code, frame in figures.items()}}
    charts = _charts(figures, store, lang)
    step(1.0, "done")
    return MeetingPack(cycle=cycle, as_of=day, lang=lang, tiles=tiles, agenda=agenda, status=status,
                       scenarios=scenarios, levers=tables["levers"], decisions=tables["decisions"],
                       follow_up=tables["follow_up"],
                       tables=tables, charts=charts, notes=tuple(notes), recorded=current, plan=plan.horizon,
                       plan_previous=plan.previous, plan_note=plan.note)


def pack_xlsx(pack: MeetingPack) -> bytes:
    """The workbook: one sheet per table of the pack, titled, headers in the pack's language, figures
    in their formats and every text cell neutralised against formula injection (`exports.workbook_bytes`)."""
    # The KPI figures and the agenda's figure mix units: their kinds are given row by row.
    kinds = {"kpis": kpi_kinds(pack.tiles), "agenda": agenda_kinds(pack.agenda), "plan": PLAN_KINDS,
             "plan_changes": PLAN_KINDS}
    sheets = {}
    for code in SHEETS:
        name = translate(f"pack.sheet.{code}", pack.lang)
        title = translate("pack.sheet_title", pack.lang, sheet=name, cycle=pack.cycle,
                          as_of=format_date(pack.as_of, pack.lang))
        sheets[name] = Sheet(pack.tables[code], title, kinds.get(code, {}))
    return workbook_bytes(sheets, pack.lang)
