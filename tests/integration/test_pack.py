"""The meeting pack on the demo company: the PDF prints the home page's tiles and the agenda, the
workbook holds the tables (inert against formula injection), issuing the pack records the cycle's
KPI figures, and the CLI writes either file."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from sop_core.cli.main import EXIT_OK, EXIT_USAGE, main
from sop_core.common.i18n import LANGUAGES, format_money, format_number, translate
from sop_core.common.periods import Cycle
from sop_core.data.store import Store
from sop_core.meeting import SHEETS, build_pack, pack_files, pack_pdf, pack_xlsx
from sop_core.meeting.agenda import agenda_text, cycle_status, exceptions_agenda
from sop_core.meeting.decisions import record_decision
from sop_core.meeting.executive import KPI_CODES, cycle_tiles, tile_text
from sop_core.plan import DemandChange, balance, plan_inputs, plan_table
from sop_core.production.capacity_plan import rough_cut_plan
from sop_core.whatif.levers import Overtime, Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import mark_decision, save_scenario
from tests.conftest import CopyDatabase

CYCLE = Cycle(2026, 11)  # the demo is as of 2026-11-02
AS_OF = dt.date(2026, 11, 2)
EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def demo(demo_copy: CopyDatabase) -> Iterator[Store]:
    with Store(demo_copy("pack")) as opened:
        yield opened


def words(text: str) -> str:
    """Whitespace as one space: a PDF gives no-break spaces and line breaks its own way."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(data: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def sheets_of(data: bytes) -> dict[str, pd.DataFrame]:
    """The pack's tables: each sheet's header is on its second row, under the sheet's title."""
    frames: dict[str, pd.DataFrame] = pd.read_excel(io.BytesIO(data), sheet_name=None, header=1)
    return frames


def with_scenario_and_decisions(store: Store) -> None:
    lever = Overtime("INJECTION", dt.date(2026, 11, 2), dt.date(2026, 11, 23), 4)
    save_scenario(store, scenario_to_json(Scenario("Samedis injection", (lever,))), "Claire")
    mark_decision(store, "Samedis injection", CYCLE)
    record_decision(store, Cycle(2026, 10), "Relancer le fournisseur de résine", "Paul")
    record_decision(store, CYCLE, "Ouvrir deux samedis en injection", "Marc", dt.date(2026, 11, 30), "scenario",
                    "Samedis injection")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_prints_the_home_tiles_the_agenda_the_scenarios_and_the_decisions(demo: Store, lang: str) -> None:
    with_scenario_and_decisions(demo)
    home = cycle_tiles(demo, AS_OF)  # what the home page shows
    pack = build_pack(demo, CYCLE, lang)
    assert pack.as_of == AS_OF and len(pack.charts) == 4 and pack.notes == ()  # the scenario was played
    data = pack_pdf(pack)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for tile in home:
        shown = tile_text(tile, lang)
        assert words(shown.label) in text and words(shown.value) in text and words(shown.status) in text
    agenda = exceptions_agenda(demo, AS_OF)
    assert len(agenda)
    for _, item in agenda.iterrows():
        assert words(agenda_text(item, lang)) in text
    assert ("Décisions" if lang == "fr" else "Decisions") in text
    assert "Ouvrir deux samedis en injection" in text and "Relancer le fournisseur de résine" in text
    assert "Samedis injection" in text and words(translate("pack.baseline", lang)) in text


def test_pdf_says_when_no_scenario_is_saved(demo: Store) -> None:
    pack = build_pack(demo, CYCLE, "fr")
    assert pack.notes == (translate("pack.scenarios.none", "fr"),)
    assert len(pack.scenarios) == 1  # the current plan alone


def test_workbook_has_a_sheet_per_table_with_the_tiles_figures(demo: Store) -> None:
    pack = build_pack(demo, CYCLE, "fr")
    sheets = sheets_of(pack_xlsx(pack))
    assert list(sheets) == [translate(f"pack.sheet.{code}", "fr") for code in SHEETS]
    kpis = sheets[translate("pack.sheet.kpis", "fr")]
    assert kpis[translate("col.kpi", "fr")].tolist() == [tile_text(t, "fr").label for t in pack.tiles]
    for tile, value in zip(pack.tiles, kpis[translate("col.value", "fr")], strict=True):
        assert tile.value is not None and value == pytest.approx(tile.value, abs=1e-9)
    agenda = sheets[translate("pack.sheet.agenda", "fr")]
    assert len(agenda) == len(pack.agenda) > 0
    assert agenda[translate("col.item", "fr")].tolist() == [agenda_text(r, "fr") for _, r in pack.agenda.iterrows()]
    assert agenda[translate("col.subject", "fr")].tolist() == pack.agenda["subject"].tolist()
    assert len(sheets[translate("pack.sheet.load", "fr")]) == 5 * 13  # 5 workshops, 13 weeks
    assert len(sheets[translate("pack.sheet.service", "fr")]) == 12


def test_a_formula_typed_in_the_erp_reaches_excel_as_text(demo: Store) -> None:
    agenda = exceptions_agenda(demo, AS_OF)
    customer = agenda.loc[agenda["kind"] == "customer_hurt", "subject"].iloc[0]
    with demo.transaction() as cur:
        cur.execute("UPDATE orders SET customer = ? WHERE customer = ?", [EVIL, customer])
    data = pack_xlsx(build_pack(demo, CYCLE, "en"))
    subjects = sheets_of(data)[translate("pack.sheet.agenda", "en")][translate("col.subject", "en")]
    assert "'" + EVIL in subjects.tolist()
    book = openpyxl.load_workbook(io.BytesIO(data))
    formulas = [(sheet.title, cell.coordinate) for sheet in book.worksheets for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_issuing_the_pack_records_the_cycle_and_a_past_cycle_is_a_reprint(demo: Store) -> None:
    pack = build_pack(demo, CYCLE, "en")
    recorded = demo.query("SELECT code, value FROM cycle_kpis WHERE cycle = ? ORDER BY code", [str(CYCLE)])
    assert len(recorded) == 7 and sorted(recorded["code"]) == sorted(KPI_CODES)
    values = dict(zip(recorded["code"], recorded["value"], strict=True))
    for tile in pack.tiles:
        assert values[tile.code] == pytest.approx(tile.value, abs=1e-9)
    assert pack.status["follow_up"] is not None and pack.recorded  # the pack says it is the issued one
    assert cycle_status(demo, CYCLE)["follow_up"] is None  # until its files are handed out
    pack_files(demo, pack, ["xlsx"])
    assert cycle_status(demo, CYCLE)["follow_up"] is not None
    past = build_pack(demo, Cycle(2026, 10), "en")
    assert past.as_of == dt.date(2026, 10, 31) and not past.recorded
    assert demo.scalar("SELECT count(*) FROM cycle_kpis WHERE cycle = '2026-10'") == 0
    with pytest.raises(ValueError, match="future"):
        build_pack(demo, Cycle(2026, 12), "en")


def test_cli_writes_the_pack_and_refuses_a_bad_cycle(demo_copy: CopyDatabase, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = demo_copy("cli")
    pdf, xlsx, bad = tmp_path / "pack.pdf", tmp_path / "out" / "pack.xlsx", tmp_path / "bad.pdf"
    assert main(["pack", "--cycle", str(CYCLE), "--format", "pdf", "--output", str(pdf), "--db", str(db),
                 "--lang", "en"]) == EXIT_OK
    assert pdf.read_bytes().startswith(b"%PDF")
    assert f"Wrote {pdf} (PDF, 6 pages" in capsys.readouterr().out
    assert main(["pack", "--cycle", str(CYCLE), "--format", "xlsx", "--output", str(xlsx), "--db", str(db),
                 "--lang", "en"]) == EXIT_OK
    assert xlsx.read_bytes().startswith(b"PK") and f"{len(SHEETS)} sheets" in capsys.readouterr().out
    assert main(["pack", "--cycle", "2026-13", "--format", "pdf", "--output", str(bad), "--db", str(db),
                 "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "YYYY-MM" in err and "2026-13" in err and not bad.exists()


@pytest.fixture
def planned(demo_copy: CopyDatabase, demo_forecast_template: Path) -> Iterator[Store]:
    """The demo with a monthly forecast: the pack has a plan (PIC)."""
    with Store(demo_copy("pack_plan", source=demo_forecast_template)) as opened:
        yield opened


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pack_shows_the_plan_by_family_and_its_changes(planned: Store, lang: str) -> None:
    table = plan_table(balance(plan_inputs(planned, AS_OF)))
    families = sorted(set(table.families["family"]))
    assert len(families) > 3
    pack = build_pack(planned, CYCLE, lang)
    assert pack.plan_note is None and pack.plan_previous == Cycle(2026, 10)  # the demo froze October
    # The workbook: every family's months, then the total's; the first month's total by hand.
    sheets = sheets_of(pack_xlsx(pack))
    months = sheets[translate("pack.sheet.plan", lang)]
    family, month, units = (translate(f"col.{c}", lang) for c in ("family", "month", "units"))
    total_name = translate("pack.plan.total", lang)
    assert sorted(set(months[family]) - {total_name}) == families
    assert len(months) == (len(families) + 1) * 18  # 18 months of forecast
    first = months[months[month] == months[month].min()]
    assert first.loc[first[family] == total_name, units].iloc[0] == pytest.approx(table.total["units"].iloc[0])
    assert first.loc[first[family] != total_name, units].sum() == pytest.approx(table.total["units"].iloc[0])
    changes = sheets[translate("pack.sheet.plan_changes", lang)]
    steps = changes[translate("col.step", lang)].tolist()
    assert steps[0] == translate("pack.plan.step.previous", lang)
    assert steps[-1] == translate("pack.plan.step.current", lang)
    assert changes[units].iloc[-1] == pytest.approx(changes[units].iloc[:-1].sum())  # the steps add up
    # The PDF's plan page: the families, the horizon's total units and euros, the changes.
    pages = [words(page.extract_text()) for page in PdfReader(io.BytesIO(pack_pdf(pack))).pages]
    page = next(text for text in pages if text.startswith(translate("pack.plan", lang)))
    assert all(name in page for name in families)
    horizon_units = table.total["units"].sum()
    assert words(format_number(horizon_units, lang)) in page
    assert words(format_money(float(table.total["revenue"].sum()), lang)) in page
    assert words(translate("pack.plan.changes", lang, cycle="2026-10")) in page
    assert words(translate("pack.plan.step.statistical", lang)) in page


def _plan_total_by_month(pack_xlsx_bytes: bytes) -> pd.Series:
    months = sheets_of(pack_xlsx_bytes)[translate("pack.sheet.plan", "en")]
    total = months[months[translate("col.family", "en")] == translate("pack.plan.total", "en")]
    return total.set_index(pd.to_datetime(total[translate("col.month", "en")], format="%m/%Y"))[
        translate("col.units", "en")].rename_axis(None)


def test_a_reprinted_past_pack_shows_the_plan_frozen_at_its_meeting(planned: Store) -> None:
    """September's pack printed in November: its plan is September's frozen one (6 months from
    September, as the demo froze it), not November's forecast."""
    frozen = planned.query("SELECT period, sum(final) AS units FROM forecast_snapshots "
                           "WHERE granularity = 'month' AND cycle = '2026-09' GROUP BY period ORDER BY period")
    pack = build_pack(planned, Cycle(2026, 9), "en")
    assert pack.plan_note is None and pack.plan_previous == Cycle(2026, 8) and not pack.recorded
    shown = _plan_total_by_month(pack_xlsx(pack))
    assert list(shown.index) == list(pd.to_datetime(frozen["period"]))  # Sep 2026 .. Feb 2027
    assert shown.to_numpy() == pytest.approx(frozen["units"].round().to_numpy(), abs=0.5)
    # Today's forecast differs on those months: the oracle above is not today's plan by chance.
    today = _plan_total_by_month(pack_xlsx(build_pack(planned, CYCLE, "en")))
    common = shown.index.intersection(today.index)
    assert len(common) == 4 and (shown[common] - today[common]).abs().max() > 100


def test_a_past_cycles_rough_cut_loads_the_plan_frozen_for_it(planned: Store, demo: Store) -> None:
    """The scenarios of a reprinted pack play on the rough cut: as of September it loads September's
    frozen plan, whether or not a forecast has been run since (before: today's run, or without one
    the recent demand)."""
    day = dt.date(2026, 9, 30)
    frozen_run = demo.scalar("SELECT min(run_id) FROM forecast_snapshots WHERE cycle = '2026-09'")
    with_run, without_run = rough_cut_plan(planned, day), rough_cut_plan(demo, day)
    assert (with_run.source, with_run.run_id) == (without_run.source, without_run.run_id) == ("forecast", frozen_run)
    pd.testing.assert_frame_equal(with_run.plan, without_run.plan)
    assert with_run.plan["forecast_hours"].sum() > 0


def test_a_past_cycle_never_frozen_has_no_plan_to_reprint(planned: Store) -> None:
    with planned.transaction() as cur:
        cur.execute("DELETE FROM forecast_snapshots WHERE cycle = '2026-09'")
    pack = build_pack(planned, Cycle(2026, 9), "en")
    assert pack.plan_note == translate("pack.plan.none", "en",
                                       reason=translate("plan.error.not_frozen", "en", cycle="2026-09"))
    assert pack.plan.empty


def test_a_pack_without_a_monthly_forecast_says_why_it_has_no_plan(demo: Store) -> None:
    pack = build_pack(demo, CYCLE, "en")
    assert pack.plan_note == translate("pack.plan.none", "en", reason=translate("plan.error.no_forecast", "en"))
    assert pack.tables["plan"].empty and pack.tables["plan_changes"].empty
    assert words(pack.plan_note) in pdf_text(pack_pdf(pack))
    assert sheets_of(pack_xlsx(pack))[translate("pack.sheet.plan", "en")].empty


def test_the_plan_sheets_are_formatted(planned: Store) -> None:
    pack = build_pack(planned, CYCLE, "fr")
    book = openpyxl.load_workbook(io.BytesIO(pack_xlsx(pack)))
    for code, money, whole in (("plan", ("revenue", "margin", "budget_revenue", "gap_revenue"),
                                ("units", "closing_stock_units", "coverage_days", "previous_cycle_units")),
                               ("plan_changes", ("revenue",), ("units",))):
        sheet, frame = book[translate(f"pack.sheet.{code}", "fr")], pack.tables[code]
        assert len(frame)
        for column in (*money, *whole):
            cells = [sheet.cell(3 + row, list(frame.columns).index(column) + 1) for row in range(len(frame))]
            for cell in cells:
                if column in money:
                    assert "€" in cell.number_format, (code, column)
                else:
                    assert cell.number_format == "#,##0", (code, column)
    month = book[translate("pack.sheet.plan", "fr")].cell(3, 2)
    assert month.value == dt.datetime(2026, 11, 1) and month.number_format == "mm/yyyy"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pack_compares_the_scenarios_pic_with_their_demand_changes(planned: Store, lang: str) -> None:
    december = dt.date(2026, 12, 1)
    promo = Scenario("Promo", demand=(DemandChange("family", "Bouchage", december, december, percent=20),))
    save_scenario(planned, scenario_to_json(promo), "Claire")
    pack = build_pack(planned, CYCLE, lang)
    plans = pack.tables["scenario_plans"].set_index("scenario")
    baseline = translate("pack.baseline", lang)
    assert list(plans.index) == [baseline, "Promo"]
    assert plans.loc["Promo", "demand_changes"] == translate(
        "pack.demand.change", lang, key="Bouchage", amount=translate("pack.demand.percent", lang, percent="+20"),
        first="12/2026", last="12/2026")
    # +20 % on Bouchage's December: the revenue grows by a fifth of that month's Bouchage revenue.
    table = plan_table(balance(plan_inputs(planned, AS_OF))).families.set_index(["family", "month"])
    gain = 0.2 * table.loc[("Bouchage", pd.Timestamp(december)), "revenue"]
    assert plans.loc["Promo", "plan_revenue"] - plans.loc[baseline, "plan_revenue"] == pytest.approx(gain)
    assert plans.loc["Promo", "margin_after_levers"] == pytest.approx(plans.loc["Promo", "plan_margin"])  # no lever
    assert translate("pack.sheet.scenario_plans", lang) in sheets_of(pack_xlsx(pack))
    text = pdf_text(pack_pdf(pack))
    assert words(translate("pack.scenario_plans", lang)) in text and "Bouchage" in text
