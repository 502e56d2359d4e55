"""The tables of the meeting pack: the figures behind its charts, read from the store, and the pack's
objects (tiles, agenda, cycle status, decisions, scenarios) as rows for the workbook.

Chart tables keep their status codes (the charts colour them); workbook tables hold the texts of the
pack's language in columns named as sop_core's frames name them, so that `exports.translated_headers`
finds their `col.<column>` headers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from sop_core.common import CellKinds, ColumnKind, next_period, status_label, translate
from sop_core.data import Store, load_preferences
from sop_core.forecast import accuracy_report
from sop_core.kpi import KpiFilters, ServiceSettings, inventory_value, named_key, service_report
from sop_core.meeting.agenda import FIGURE_KINDS, StepDone, agenda_text, cycle_status_text
from sop_core.meeting.executive import KPI_UNITS, ExecutiveTargets, Tile, judged, tile_text
from sop_core.plan import TABLE_COLUMNS, DemandChange, PlanResult, PlanTable
from sop_core.production import ProductionReport
from sop_core.whatif import PLAN_FIGURES, SimulationResult, plan_figures

HISTORY_MONTHS = 12  # the charts' look back: a year, to see the season
LOAD_WEEKS_AHEAD = 13  # a quarter of load ahead

SERVICE_COLUMNS = ("month", "lines", "on_time", "in_full", "otif", "status")
ACCURACY_COLUMNS = ("month", "actual", "forecast", "wape", "accuracy", "bias_pct", "n", "status")
LOAD_COLUMNS = ("workshop", "week", "capacity_hours", "load_hours", "overload_hours", "load_pct", "status")
STOCK_COLUMNS = ("date", "family", "units", "value")
LEVER_COLUMNS = ("scenario", "lever", "lever_type", "workshop", "first_week", "last_week", "weeks", "amount", "unit",
                 "paid_hours", "cost")
# A KPI's unit as the kind of its cells in the workbook (a stock's days keep their decimal).
UNIT_KINDS: dict[str, ColumnKind] = {"percent": "ratio", "days": "decimal", "count": "count", "money": "money"}
KPI_FIGURES = ("value", "target", "previous", "change")


def service_by_month(store: Store, as_of: dt.date) -> pd.DataFrame:
    """OTIF of each of the last complete months before `as_of`, judged against the service target."""
    if not store.scalar("SELECT count(*) FROM orders"):
        return pd.DataFrame(columns=SERVICE_COLUMNS)
    window = KpiFilters(start=next_period(as_of.replace(day=1), "month", -HISTORY_MONTHS),
                        end=as_of - dt.timedelta(days=1))
    report = service_report(store, as_of, window, load_preferences(store, ServiceSettings, "service"))
    frame = named_key(report.by["month"], "month")
    return frame[frame["month"] < pd.Timestamp(as_of.replace(day=1))][list(SERVICE_COLUMNS)].reset_index(drop=True)


def accuracy_by_month(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Accuracy and bias of the frozen forecasts, per closed month (empty without frozen cycles)."""
    if not store.scalar("SELECT count(*) FROM forecast_snapshots"):
        return pd.DataFrame(columns=ACCURACY_COLUMNS)
    targets = load_preferences(store, ExecutiveTargets, "executive")
    frame = accuracy_report(store, "month", as_of)["by_month"].rename(columns={"period": "month"})
    frame = frame.tail(HISTORY_MONTHS).reset_index(drop=True)
    frame["status"] = [judged(float(a), targets.accuracy, targets.accuracy_orange) for a in frame["accuracy"]]
    return frame[list(ACCURACY_COLUMNS)]


def load_by_week(store: Store, as_of: dt.date, production: ProductionReport | None) -> pd.DataFrame:
    """Load against capacity per workshop over the weeks ahead, judged as the load tile is;
    `production` is `delays.open_production(store, as_of)`."""
    if production is None:
        return pd.DataFrame(columns=LOAD_COLUMNS)
    targets = load_preferences(store, ExecutiveTargets, "executive")
    load = production.load[pd.to_datetime(production.load["week"])
                           < pd.Timestamp(as_of) + pd.Timedelta(weeks=LOAD_WEEKS_AHEAD)]
    load = load.assign(status=[None if pd.isna(p) else judged(float(p), targets.load, targets.load_orange, False)
                               for p in load["load_pct"]])
    return load[list(LOAD_COLUMNS)].reset_index(drop=True)


def stock_by_family(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Stock units and value at cost per family at the last `HISTORY_MONTHS` snapshot dates."""
    if not store.scalar("SELECT count(*) FROM stock"):
        return pd.DataFrame(columns=STOCK_COLUMNS)
    frame = inventory_value(store, as_of, by="family").rename(columns={"key": "family"})
    dates = sorted(frame["date"].unique())[-HISTORY_MONTHS:]
    return frame[frame["date"].isin(dates)][list(STOCK_COLUMNS)].reset_index(drop=True)


def kpi_table(tiles: tuple[Tile, ...], lang: str) -> pd.DataFrame:
    """One row per tile: its figures as numbers (fractions, days, counts, euros) and as the tile shows them."""
    rows = []
    for tile in tiles:
        text = tile_text(tile, lang)
        rows.append({"kpi": text.label, "value": tile.value, "shown": text.value, "target": tile.target,
                     "status": text.status, "previous": tile.previous, "change": tile.change,
                     "previous_source": None if tile.previous_source is None
                     else translate(f"kpi.source.{tile.previous_source}", lang)})
    return pd.DataFrame(rows, columns=["kpi", "value", "shown", "target", "status", "previous", "change",
                                       "previous_source"]).astype({"value": float, "previous": float, "change": float})


def kpi_kinds(tiles: tuple[Tile, ...]) -> dict[str, CellKinds]:
    """The kind of `kpi_table`'s figures, row by row: each KPI has its own unit."""
    kinds = tuple(UNIT_KINDS[KPI_UNITS[tile.code]] for tile in tiles)
    return dict.fromkeys(KPI_FIGURES, kinds)


def agenda_kinds(agenda: pd.DataFrame) -> dict[str, CellKinds]:
    """The kind of `agenda_table`'s figure, row by row: a rate, euros or days after the item's kind."""
    return {"figure": tuple(FIGURE_KINDS[str(kind)] for kind in agenda["kind"])}


def agenda_table(agenda: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The agenda as the PDF words it, with its subject and figure apart."""
    return pd.DataFrame({
        "status": [status_label(s, lang) for s in agenda["status"]],
        "exception": [translate(f"pack.kind.{k}", lang) for k in agenda["kind"]],
        "subject": agenda["subject"].astype(str), "figure": agenda["figure"].astype(float),
        "item": [agenda_text(row, lang) for _, row in agenda.iterrows()]},
        columns=["status", "exception", "subject", "figure", "item"])


def status_table(status: Mapping[str, StepDone | None], lang: str) -> pd.DataFrame:
    steps = cycle_status_text(status, lang)
    return pd.DataFrame({"step": [s[0] for s in steps], "done": ["✔" if s[1] else "" for s in steps],
                         "detail": [s[2] for s in steps]})


def decisions_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Decisions with their status and link in words (a KPI link as the KPI's name)."""
    out = frame.copy()
    out["status"] = [translate(f"decisions.status.{s}", lang) for s in frame["status"]]
    out["link"] = [translate(f"kpi.{link}", lang) if kind == "kpi" else link
                   for kind, link in zip(frame["link_kind"], frame["link"], strict=True)]
    out["link_kind"] = [None if pd.isna(k) else translate(f"decisions.link_kind.{k}", lang)
                        for k in frame["link_kind"]]
    return out


def scenario_table(compared: pd.DataFrame, decided: str | None, baseline: str, lang: str) -> pd.DataFrame:
    """`simulation.compare`'s rows, the baseline named in words and the decided scenario marked."""
    out = compared.copy()
    out.insert(1, "decided", ["✔" if decided is not None and name == decided else "" for name in out["scenario"]])
    out["scenario"] = [translate("pack.baseline", lang) if i == 0 and name == baseline else name
                       for i, name in enumerate(out["scenario"])]
    return out


def lever_table(results: Sequence[SimulationResult], lang: str) -> pd.DataFrame:
    """Every lever of the scenarios played, in their order, with its cost (`simulation.COST_COLUMNS`):
    its kind and the unit of its amount in words."""
    costs = [result.costs.assign(scenario=result.scenario.name) for result in results if len(result.costs)]
    if not costs:
        return pd.DataFrame(columns=LEVER_COLUMNS)
    levers = pd.concat(costs, ignore_index=True)
    return levers.assign(lever_type=[translate(f"whatif.kind.{kind}", lang) for kind in levers["kind"]],
                         unit=[translate(f"whatif.size.{unit}", lang) for unit in levers["unit"]])[list(LEVER_COLUMNS)]


def scenario_plan_table(plans: Sequence[PlanResult], results: Sequence[SimulationResult], baseline: str,
                        lang: str) -> pd.DataFrame:
    """Each played scenario's PIC (`whatif.plan_figures`) and its demand changes in words, one row each,
    the baseline named in words."""
    rows = []
    for i, (plan, result) in enumerate(zip(plans, results, strict=True)):
        name = result.scenario.name
        rows.append({"scenario": translate("pack.baseline", lang) if i == 0 and name == baseline else name,
                     "demand_changes": "; ".join(demand_change_text(c, lang) for c in result.scenario.demand),
                     **plan_figures(plan, result.total_cost)})
    return pd.DataFrame(rows, columns=["scenario", "demand_changes", *PLAN_FIGURES])


def demand_change_text(change: DemandChange, lang: str) -> str:
    """"Bouchage +20 % (12/2026 – 01/2027)", "BC-28 -500 par mois (02/2027 – 02/2027)"."""
    if change.percent is not None:
        amount = translate("pack.demand.percent", lang, percent=f"{change.percent:+g}")
    else:
        amount = translate("pack.demand.quantity", lang, quantity=f"{change.quantity:+g}")
    return translate("pack.demand.change", lang, key=change.key, amount=amount,
                     first=f"{change.first_month:%m/%Y}", last=f"{change.last_month:%m/%Y}")


# The plan (PIC): its family x month table (the total's rows last), the horizon by family, and the
# steps of the changes since the previous cycle.
PLAN_HORIZON_COLUMNS = ("family", "units", "revenue", "margin", "previous_cycle_units", "budget_units",
                        "budget_revenue", "gap_units", "gap_revenue")
PLAN_CHANGE_COLUMNS = ("step", "author", "reason", "key", "units", "revenue")
# Units are whole in the workbook, and so are days of coverage (euros are money by their names).
PLAN_UNIT_COLUMNS = ("statistical_units", "consensus_units", "units", "last_year_units", "previous_cycle_units",
                     "budget_units", "gap_units", "opening_stock_units", "production_units", "closing_stock_units",
                     "backlog_units", "at_risk_units", "target_stock_units", "coverage_days", "target_coverage_days")
PLAN_KINDS: dict[str, CellKinds] = dict.fromkeys(PLAN_UNIT_COLUMNS, "count")
NOISE = 1e-6  # units or euros: a sum of differences that cancel out


def plan_month_table(table: PlanTable, lang: str) -> pd.DataFrame:
    """Every family's months, then the total's months named in words."""
    total = table.total.assign(family=translate("pack.plan.total", lang))
    return pd.concat([table.families, total], ignore_index=True)[list(TABLE_COLUMNS)]


def plan_horizon(table: PlanTable, lang: str) -> pd.DataFrame:
    """Per family and in total, the sums over the plan's months; the budget and the gap to it over
    the months the budget covers (empty when it covers none)."""
    figures = [c for c in PLAN_HORIZON_COLUMNS if c != "family"]
    frame = pd.concat([table.families, table.total.assign(family=translate("pack.plan.total", lang))])
    sums = frame.groupby("family", sort=False)[figures].sum(min_count=1)
    sums[["units", "revenue", "margin"]] = sums[["units", "revenue", "margin"]].fillna(0.0)
    return sums.reset_index()[list(PLAN_HORIZON_COLUMNS)]


def plan_changes(steps: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The waterfall's steps (`plan.changes_since_previous`) with their names in words; the rounding
    noise of a step that is nothing (1e-9 units) is written as the 0 it is, not as "-0"."""
    names = [translate(f"pack.plan.step.{step}", lang, **({"count": str(key)} if step == "other_entries" else {}))
             for step, key in zip(steps["step"], steps["key"], strict=True)]
    out = steps.assign(step=names)[list(PLAN_CHANGE_COLUMNS)].astype({"units": float, "revenue": float})
    for column in ("units", "revenue"):
        out[column] = out[column].mask(out[column].abs() < NOISE, 0.0)
    return out
