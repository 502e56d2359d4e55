"""The meeting pack as finance reads it: the workbook's sheets have a title, a frozen header, fitted
widths, ratios as percentages of fractions, euros, whole counts and real Excel dates; the PDF's
scenario page lists the levers and their costs beside the outcome, colours only status cells and
explains the colours with words and symbols; the decisions page has no coloured rows."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PageObject, PdfReader

from sop_core.common.columns import column_kind
from sop_core.common.i18n import format_date, format_money, translate
from sop_core.common.periods import Cycle
from sop_core.common.presentation import STATUS_SYMBOLS, status_label
from sop_core.data.store import Store
from sop_core.meeting import SHEETS, MeetingPack, build_pack, pack_pdf, pack_xlsx
from sop_core.meeting.decisions import record_decision
from sop_core.meeting.executive import KPI_UNITS
from sop_core.whatif.levers import Overtime, Scenario, TempWorkers
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import mark_decision, save_scenario
from tests.conftest import CopyDatabase

CYCLE = Cycle(2026, 11)  # the demo is as of 2026-11-02
LANG = "fr"
TITLE_ROW, HEADER_ROW = 1, 2
PERCENT_TILES = {code for code, unit in KPI_UNITS.items() if unit == "percent"}
RATIO_AGENDA_KINDS = ("forecast_miss", "customer_hurt", "overload")


@dataclass(frozen=True)
class Issued:
    pack: MeetingPack
    book: openpyxl.Workbook
    pdf: PdfReader


@pytest.fixture(scope="module")
def issued(demo_copy: CopyDatabase) -> Iterator[Issued]:
    """The demo's pack with a decided scenario of two levers and a decision, in French."""
    with Store(demo_copy("pack_format")) as store:
        levers = (Overtime("INJECTION", dt.date(2026, 11, 2), dt.date(2026, 11, 23), 4),
                  TempWorkers("ASSEMBLAGE", dt.date(2026, 11, 16), dt.date(2026, 12, 7), 2))
        save_scenario(store, scenario_to_json(Scenario("Samedis et renforts", levers)), "Claire")
        mark_decision(store, "Samedis et renforts", CYCLE)
        record_decision(store, CYCLE, "Ouvrir deux samedis en injection", "Marc", dt.date(2026, 11, 30))
        pack = build_pack(store, CYCLE, LANG)
    yield Issued(pack, openpyxl.load_workbook(io.BytesIO(pack_xlsx(pack))),
                 PdfReader(io.BytesIO(pack_pdf(pack))))


def sheet_of(issued: Issued, code: str) -> Worksheet:
    sheet = issued.book[translate(f"pack.sheet.{code}", LANG)]
    assert isinstance(sheet, Worksheet)
    return sheet


def column_cells(sheet: Worksheet, frame: pd.DataFrame, column: str) -> list[openpyxl.cell.Cell]:
    """The data cells of `column` of the table `frame` the sheet holds."""
    position = list(frame.columns).index(column) + 1
    return [sheet.cell(HEADER_ROW + 1 + row, position) for row in range(len(frame))]


def test_every_sheet_has_a_title_above_a_frozen_header_and_fitted_widths(issued: Issued) -> None:
    for code in SHEETS:
        sheet, frame = sheet_of(issued, code), issued.pack.tables[code]
        title = sheet.cell(TITLE_ROW, 1).value
        assert isinstance(title, str) and translate(f"pack.sheet.{code}", LANG) in title, code
        headers = [sheet.cell(HEADER_ROW, i + 1).value for i in range(len(frame.columns))]
        assert headers == [translate(f"col.{name}", LANG) for name in frame.columns], code
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", code
        for position in range(1, len(frame.columns) + 1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(position)]
            assert width.customWidth and 8 <= width.width <= 60, (code, position)


def ratio_cells(issued: Issued) -> Iterator[tuple[str, openpyxl.cell.Cell]]:
    """Every cell holding a fraction: the core's ratio columns, the percent tiles' figures and the
    agenda's rates."""
    for code in SHEETS:
        frame = issued.pack.tables[code]
        for column in frame.columns:
            if column_kind(str(column), frame[column]) == "ratio":
                yield from ((f"{code}.{column}", c) for c in column_cells(sheet_of(issued, code), frame, column))
    kpis = issued.pack.tables["kpis"]
    for row, tile in enumerate(issued.pack.tiles):
        if tile.code in PERCENT_TILES:
            for column in ("value", "target", "previous", "change"):
                yield f"kpis.{tile.code}.{column}", column_cells(sheet_of(issued, "kpis"), kpis, column)[row]
    agenda = issued.pack.tables["agenda"]
    figures = column_cells(sheet_of(issued, "agenda"), agenda, "figure")
    for row, kind in enumerate(issued.pack.agenda["kind"]):
        if kind in RATIO_AGENDA_KINDS:
            yield f"agenda.{kind}", figures[row]


def test_every_ratio_is_a_fraction_shown_in_percent(issued: Issued) -> None:
    checked = {where.split(".")[0] for where, _ in ratio_cells(issued)}
    assert {"kpis", "agenda", "scenarios", "service", "accuracy", "load"} <= checked
    for where, cell in ratio_cells(issued):
        assert cell.number_format == "0.0%", where
        assert cell.value is None or (isinstance(cell.value, int | float) and -10 <= cell.value <= 10), where
    accuracy = next(c for where, c in ratio_cells(issued) if where == "kpis.forecast_accuracy.value")
    tile = next(t for t in issued.pack.tiles if t.code == "forecast_accuracy")
    assert accuracy.value == pytest.approx(tile.value)  # the 0.7179857542731151 users saw unformatted


def test_dates_are_excel_dates_and_months_show_as_months(issued: Issued) -> None:
    dated = 0
    for code in SHEETS:
        frame = issued.pack.tables[code]
        for column in frame.columns:
            if column_kind(str(column), frame[column]) not in ("date", "month", "timestamp"):
                continue
            for cell in column_cells(sheet_of(issued, code), frame, column):
                if cell.value is not None:
                    assert isinstance(cell.value, dt.datetime) and cell.is_date, (code, column)
                    assert cell.number_format in ("dd/mm/yyyy", "mm/yyyy", "dd/mm/yyyy hh:mm"), (code, column)
                    dated += 1
    assert dated >= 12 + 6 + 65 + 96  # service, accuracy months; load weeks; stock dates
    month = column_cells(sheet_of(issued, "service"), issued.pack.tables["service"], "month")[0]
    assert month.value == dt.datetime(2025, 11, 1) and month.number_format == "mm/yyyy"
    due = column_cells(sheet_of(issued, "decisions"), issued.pack.tables["decisions"], "due")[0]
    assert due.value == dt.datetime(2026, 11, 30) and due.number_format == "dd/mm/yyyy"


def test_money_is_in_euros_and_counts_are_whole(issued: Issued) -> None:
    money = [("stock", "value"), ("scenarios", "total_cost"), ("scenarios", "cost_per_late_day_avoided"),
             ("levers", "cost")]
    for code, column in money:
        for cell in column_cells(sheet_of(issued, code), issued.pack.tables[code], column):
            assert "€" in cell.number_format, (code, column)
    risk = [row for row, tile in enumerate(issued.pack.tiles) if tile.code == "stock_at_risk"]
    value = column_cells(sheet_of(issued, "kpis"), issued.pack.tables["kpis"], "value")[risk[0]]
    assert "€" in value.number_format
    for code, column in (("service", "lines"), ("scenarios", "red_orders"), ("accuracy", "n")):
        for cell in column_cells(sheet_of(issued, code), issued.pack.tables[code], column):
            assert cell.number_format in ("0", "#,##0") and float(cell.value).is_integer(), (code, column)


def words(text: str) -> str:
    """Whitespace as one space: a PDF gives no-break spaces and line breaks its own way."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def page_text(reader: PdfReader, first: str, last: str) -> str:
    """The text from the page whose text starts with `first` up to (not including) the one starting with `last`."""
    texts = [words(p.extract_text()) for p in reader.pages]
    start = next(i for i, t in enumerate(texts) if t.startswith(first))
    end = next(i for i, t in enumerate(texts) if t.startswith(last))
    return " ".join(texts[start:end])


def coloured_fills(page: PageObject) -> int:
    """Rectangles filled with a colour (not white, not a grey) on `page`: its content stream read
    in order, the fill colour (`rg`) saved and restored with the graphics state (`q`/`Q`)."""
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    saved: list[tuple[float, ...]] = []
    count = 0
    content = page.get_contents().get_data().decode("latin-1")
    for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg|(?<!\S)(re [fB]|q|Q)(?!\S)", content):
        op = match.group(4)
        if op is None:
            fill = tuple(float(v) for v in match.groups()[:3])
        elif op == "q":
            saved.append(fill)
        elif op == "Q":
            fill = saved.pop()
        else:
            count += len(set(fill)) > 1
    return count


def test_pdf_scenario_page_lists_the_levers_and_their_costs_with_a_legend(issued: Issued) -> None:
    pack = issued.pack
    text = page_text(issued.pdf, translate("pack.scenarios", LANG), translate("pack.decisions", LANG, cycle=CYCLE))
    levers = pack.tables["levers"]
    assert len(levers) == 2
    for lever in levers.itertuples():
        assert lever.workshop in text and str(lever.lever_type) in text
        assert format_date(lever.first_week, LANG) in text and words(format_money(float(lever.cost), LANG)) in text
    assert translate("whatif.kind.overtime", LANG) in text and translate("whatif.kind.temps", LANG) in text
    total = float(pack.scenarios.loc[pack.scenarios["scenario"] == "Samedis et renforts", "total_cost"].iloc[0])
    assert total == pytest.approx(float(levers["cost"].sum()))
    assert text.count(words(format_money(total, LANG))) >= 2  # in the comparison and as the levers' total
    for status in STATUS_SYMBOLS:
        assert status_label(status, LANG) in text and translate(f"pack.legend.orders.{status}", LANG) in text


def test_pdf_colours_status_cells_only(issued: Issued) -> None:
    pages = issued.pdf.pages
    heading = translate("pack.scenarios", LANG)
    decisions_heading = translate("pack.decisions", LANG, cycle=CYCLE)
    scenario_page = next(p for p in pages if p.extract_text().startswith(heading))
    decisions_page = next(p for p in pages if p.extract_text().startswith(decisions_heading))
    statuses = len(issued.pack.scenarios) * len(STATUS_SYMBOLS)
    assert 0 < coloured_fills(scenario_page) <= statuses + len(STATUS_SYMBOLS)  # the cells and the legend's swatches
    assert coloured_fills(decisions_page) == 0
