"""The meeting pack as a PDF, A4 landscape for the projector and the printer: the KPI tiles and the
cycle's progress, the charts, the exceptions agenda, the plan (PIC) and its changes, the scenarios
compared with their levers and costs, and the decisions, a section a page, in the pack's language.
Charts are rendered offline by vl-convert.

Colour marks a status and nothing else (a tile's band, an agenda item's swatch, the cells counting
red, orange and green OF), always beside the status's symbol and word, and a legend says what the
colours mean: a reader in black and white or colour-blind reads the same page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import vl_convert
from fpdf import FPDF
from fpdf.fonts import FontFace

from sop_core.common import (
    STATUS_COLORS,
    STATUS_SYMBOLS,
    Cycle,
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent,
    status_label,
    translate,
)
from sop_core.meeting.agenda import agenda_text, cycle_status_text
from sop_core.meeting.executive import Tile, tile_text
from sop_core.meeting.pack.model import MeetingPack

# DejaVu Sans comes with matplotlib (a prophet dependency, so always installed). The PDF core fonts
# only know Latin-1: DejaVu has €, the status symbols ✔ ▲ ✖, the minus sign and the no-break spaces
# of French numbers, and using it spares the project shipping a font file.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
MARGIN, PAGE_W, PAGE_H = 12.0, 297.0, 210.0
INNER = PAGE_W - 2 * MARGIN
RGB = tuple[int, int, int]
GREY, DARK, LIGHT, NO_STATUS, WHITE = (110, 110, 110), (30, 30, 30), (244, 244, 244), (170, 170, 170), (255, 255, 255)
TINT = 0.55  # how far a status cell's colour goes towards white: dark text stays legible on it


def _rgb(color: str) -> RGB:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _tint(status: str) -> RGB:
    red, green, blue = _rgb(STATUS_COLORS[status])
    return (round(red + (255 - red) * TINT), round(green + (255 - green) * TINT), round(blue + (255 - blue) * TINT))


@lru_cache(maxsize=1)
def _chart_fonts() -> None:
    """vl-convert draws with the PDF's font too, whatever fonts the machine has."""
    vl_convert.register_font_directory(str(FONT_DIR))


def chart_png(spec: dict[str, Any]) -> bytes:
    _chart_fonts()
    png: bytes = vl_convert.vegalite_to_png(spec, scale=2)
    return png


class _Pdf(FPDF):
    def __init__(self, cycle: Cycle, lang: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.cycle, self.lang = cycle, lang
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=15)

    def footer(self) -> None:
        self.set_y(-11)
        self.text_style(8, GREY)
        # {nb} is fpdf's alias for the page count, filled in when the document is closed.
        self.cell(0, 5, translate("pack.footer", self.lang, cycle=self.cycle, page=self.page_no(), pages="{nb}"),
                  align="C")

    def text_style(self, size: float, color: tuple[int, int, int] = DARK, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def fitted(self, width: float, height: float, text: str, size: float, bold: bool = False,
               color: tuple[int, int, int] = DARK) -> None:
        """One line of `text`, its font shrunk until it fits `width`."""
        self.text_style(size, color, bold)
        while size > 6 and self.get_string_width(text) > width:
            size -= 0.5
            self.set_font(FONT, "B" if bold else "", size)
        self.cell(width, height, text)

    def heading(self, text: str, caption: str | None = None) -> None:
        self.text_style(16, DARK, bold=True)
        self.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        if caption:
            self.text_style(9.5, GREY)
            self.multi_cell(0, 5, caption, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: float = 10.5) -> None:
        self.text_style(size, DARK)
        self.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def grid(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
             right: frozenset[int] = frozenset(), tinted: Mapping[int, RGB] | None = None,
             bold: frozenset[int] = frozenset()) -> None:
        """A table with a grey heading row; columns in `right` aligned right (numbers), columns in
        `tinted` filled with their status's colour, rows in `bold` (totals) in bold."""
        self.text_style(9)
        # fpdf fills a table's cells with the current fill colour: without this, the last agenda
        # swatch's orange filled every row of the tables after it.
        self.set_fill_color(*WHITE)
        style = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
        with self.table(col_widths=tuple(widths), width=INNER, line_height=5.5, headings_style=style,
                        text_align="LEFT", padding=1.2) as table:
            for number, line in enumerate((headers, *rows), start=-1):  # the heading row is number -1
                row = table.row(style=FontFace(emphasis="BOLD") if number in bold else None)
                for i, value in enumerate(line):
                    fill = (tinted or {}).get(i) if number >= 0 else None
                    row.cell(value, align="RIGHT" if i in right else "LEFT",
                             style=FontFace(fill_color=fill) if fill else None)
        self.ln(4)

    def swatch(self, status: str, x: float, y: float) -> None:
        self.set_fill_color(*_tint(status))
        self.set_draw_color(*GREY)
        self.rect(x, y, 4, 4, style="DF")


def _tile(pdf: _Pdf, tile: Tile, lang: str, x: float, y: float, w: float, h: float) -> None:
    text = tile_text(tile, lang)
    pdf.set_fill_color(*LIGHT)
    pdf.rect(x, y, w, h, style="F")
    pdf.set_fill_color(*(_rgb(STATUS_COLORS[tile.status]) if tile.status else NO_STATUS))
    pdf.rect(x, y, 2.5, h, style="F")
    inner = w - 8
    pdf.set_xy(x + 5, y + 3)
    pdf.fitted(inner, 5, text.label, 10, bold=True)
    pdf.set_xy(x + 5, y + 9.5)
    pdf.fitted(inner, 11, text.value, 24, bold=True)
    pdf.set_xy(x + 5, y + 22)
    pdf.fitted(inner, 5, text.status, 10.5)
    pdf.set_xy(x + 5, y + 28)
    pdf.fitted(inner, 4.5, text.target, 8.5, color=GREY)
    if text.change:
        pdf.set_xy(x + 5, y + 33)
        pdf.text_style(8.5, GREY)
        pdf.multi_cell(inner, 4.2, text.change, align="L")


def _status_box(pdf: _Pdf, pack: MeetingPack, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(200, 200, 200)
    pdf.rect(x, y, w, h)
    pdf.set_xy(x + 4, y + 3)
    pdf.fitted(w - 8, 5, translate("pack.cycle_status", pack.lang), 10, bold=True)
    for i, (step, done, detail) in enumerate(cycle_status_text(pack.status, pack.lang)):
        pdf.set_xy(x + 4, y + 10 + 7.4 * i)
        pdf.fitted(w - 8, 3.8, f"{'✔' if done else '○'} {step}", 8.5, bold=done)
        pdf.set_xy(x + 8, y + 13.6 + 7.4 * i)
        pdf.fitted(w - 12, 3.4, detail, 7.5, color=GREY)


def _cover(pdf: _Pdf, pack: MeetingPack) -> None:
    lang = pack.lang
    pdf.add_page()
    pdf.text_style(20, DARK, bold=True)
    pdf.cell(0, 11, translate("pack.title", lang, month=format_month(pack.cycle.start, lang)),
             new_x="LMARGIN", new_y="NEXT")
    pdf.text_style(10.5, GREY)
    pdf.cell(0, 6, translate("pack.subtitle", lang, cycle=pack.cycle, as_of=format_date(pack.as_of, lang),
                             issued=format_date(pack.issued_at.date(), lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.heading(translate("pack.kpis", lang))
    gap, columns, h = 4.0, 4, 54.0
    w = (INNER - gap * (columns - 1)) / columns
    top = pdf.get_y()
    for i, tile in enumerate(pack.tiles):
        _tile(pdf, tile, lang, MARGIN + (i % columns) * (w + gap), top + (i // columns) * (h + gap), w, h)
    slot = len(pack.tiles)
    _status_box(pdf, pack, MARGIN + (slot % columns) * (w + gap), top + (slot // columns) * (h + gap), w, h)


def _charts(pdf: _Pdf, pack: MeetingPack) -> None:
    if not pack.charts:
        return
    pdf.add_page()
    pdf.heading(translate("pack.charts", pack.lang))
    gap = 6.0
    w, h, top = (INNER - gap) / 2, (PAGE_H - pdf.get_y() - 16 - gap) / 2, pdf.get_y()
    for i, (_, spec) in enumerate(pack.charts):
        pdf.image(io.BytesIO(chart_png(spec)), x=MARGIN + (i % 2) * (w + gap), y=top + (i // 2) * (h + gap),
                  w=w, h=h, keep_aspect_ratio=True)


def _agenda(pdf: _Pdf, pack: MeetingPack) -> None:
    pdf.add_page()
    pdf.heading(translate("pack.agenda", pack.lang), translate("pack.agenda.caption", pack.lang))
    if pack.agenda.empty:
        pdf.paragraph(translate("pack.agenda.none", pack.lang))
    for number, (_, item) in enumerate(pack.agenda.iterrows(), start=1):
        y = pdf.get_y()
        pdf.set_fill_color(*_rgb(STATUS_COLORS.get(str(item["status"]), "#AAAAAA")))
        pdf.rect(MARGIN, y + 1.2, 3.5, 5, style="F")
        pdf.set_x(MARGIN + 6)
        pdf.text_style(11)
        pdf.multi_cell(INNER - 6, 7.5, f"{number}. {agenda_text(item, pack.lang)}", align="L", new_x="LMARGIN",
                       new_y="NEXT")


def _cell(value: Any, kind: str, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    formats: dict[str, Callable[[Any], str]] = {
        "money": lambda v: format_money(float(v), lang), "percent": lambda v: format_percent(float(v), lang, 1),
        "number": lambda v: format_number(float(v), lang, 0),
        "date": lambda v: format_date(pd.Timestamp(v).date(), lang)}
    return formats[kind](value) if kind in formats else str(value)


# (column, format, width) of the PDF's tables; numbers aligned right; widths are relative.
SCENARIO_COLUMNS = (("scenario", "text", 38), ("decided", "text", 18), ("total_cost", "money", 22),
                    ("late_days", "number", 18), ("late_days_avoided", "number", 22),
                    ("cost_per_late_day_avoided", "money", 26), ("red_orders", "number", 15),
                    ("orange_orders", "number", 15), ("green_orders", "number", 15),
                    ("projected_on_time_rate", "percent", 24), ("lines_at_risk", "number", 22),
                    ("subcontracted_hours", "number", 30))
# The scenario table's columns that count OF of one status: their cells carry the status's colour.
STATUS_COUNTS = {"red_orders": "red", "orange_orders": "orange", "green_orders": "green"}
LEVER_COLUMNS = (("scenario", "text", 40), ("lever", "number", 12), ("lever_type", "text", 34),
                 ("workshop", "text", 28), ("first_week", "date", 24), ("last_week", "date", 24),
                 ("weeks", "number", 16), ("amount", "text", 48), ("paid_hours", "number", 22),
                 ("cost", "money", 26))
DECISION_COLUMNS = (("decision_id", "text", 12), ("cycle", "text", 18), ("what", "text", 78), ("owner", "text", 30),
                    ("due", "date", 24), ("link", "text", 34), ("status", "text", 24), ("outcome", "text", 53))
PLAN_COLUMNS = (("family", "text", 40), ("units", "number", 24), ("revenue", "money", 24), ("margin", "money", 22),
                ("previous_cycle_units", "number", 26), ("budget_units", "number", 24),
                ("budget_revenue", "money", 22), ("gap_units", "number", 26), ("gap_revenue", "money", 26))
PLAN_CHANGE_COLUMNS = (("step", "text", 60), ("author", "text", 28), ("reason", "text", 70), ("units", "number", 26),
                       ("revenue", "money", 26))
SCENARIO_PLAN_COLUMNS = (("scenario", "text", 34), ("demand_changes", "text", 56),
                         ("plan_revenue", "money", 24), ("plan_margin", "money", 24), ("lever_cost", "money", 20),
                         ("margin_after_levers", "money", 24),
                         ("demand_at_risk_units", "number", 22), ("plan_service_rate", "percent", 18),
                         ("closing_stock_units", "number", 22), ("capacity_shortage_hours", "number", 22))
NUMERIC = frozenset({"money", "number", "percent"})


def _header(name: str, lang: str) -> str:
    """A column's header; a status count's with its status's symbol, as the legend shows it."""
    header = translate(f"col.{name}", lang)
    return f"{STATUS_SYMBOLS[STATUS_COUNTS[name]]} {header}" if name in STATUS_COUNTS else header


def _rows(frame: pd.DataFrame, columns: Sequence[tuple[str, str, float]], lang: str) -> list[list[str]]:
    return [[_cell(record[name], kind, lang) for name, kind, _ in columns] for record in frame.to_dict("records")]


def _grid(pdf: _Pdf, columns: Sequence[tuple[str, str, float]], rows: Sequence[Sequence[str]], lang: str,
          bold: frozenset[int] = frozenset()) -> None:
    pdf.grid([_header(name, lang) for name, _, _ in columns], rows, [w for *_, w in columns],
             frozenset(i for i, (_, kind, _) in enumerate(columns) if kind in NUMERIC),
             {i: _tint(STATUS_COUNTS[name]) for i, (name, _, _) in enumerate(columns) if name in STATUS_COUNTS},
             bold)


def _table(pdf: _Pdf, frame: pd.DataFrame, columns: Sequence[tuple[str, str, float]], lang: str) -> None:
    columns = [c for c in columns if c[0] in frame.columns]
    _grid(pdf, columns, _rows(frame, columns, lang), lang)


def _legend(pdf: _Pdf, lang: str) -> None:
    """What the colours of the OF counts mean: a swatch, the status's symbol and word, and a sentence."""
    pdf.text_style(9.5, DARK, bold=True)
    pdf.cell(0, 6, translate("pack.legend", lang), new_x="LMARGIN", new_y="NEXT")
    for status in STATUS_COUNTS.values():
        y = pdf.get_y()
        pdf.swatch(status, MARGIN, y + 0.8)
        pdf.set_xy(MARGIN + 6, y)
        pdf.text_style(9.5)
        pdf.cell(0, 5.6, translate("pack.legend.item", lang, status=status_label(status, lang),
                                   meaning=translate(f"pack.legend.orders.{status}", lang)),
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _amount(amount: float, unit: str, lang: str) -> str:
    """A lever's size after its unit: "heures par personne : 4", "headcount: 1.5"."""
    return translate("pack.levers.amount", lang, unit=unit,
                     amount=format_number(amount, lang, 0 if float(amount).is_integer() else 1))


def _levers(pdf: _Pdf, pack: MeetingPack) -> None:
    """Each scenario's levers and what each costs, then the scenario's total in bold."""
    lang = pack.lang
    pdf.heading(translate("pack.levers", lang), translate("pack.levers.caption", lang))
    shown = pack.levers.assign(amount=[_amount(float(a), str(u), lang)
                                       for a, u in zip(pack.levers["amount"], pack.levers["unit"], strict=True)])
    rows: list[list[str]] = []
    totals: set[int] = set()
    for scenario, levers in shown.groupby("scenario", sort=False):
        rows += _rows(levers, LEVER_COLUMNS, lang)
        totals.add(len(rows))
        rows.append([translate("pack.levers.total", lang, scenario=scenario), *[""] * (len(LEVER_COLUMNS) - 2),
                     format_money(float(levers["cost"].sum()), lang)])
    _grid(pdf, LEVER_COLUMNS, rows, lang, frozenset(totals))


def _scenarios(pdf: _Pdf, pack: MeetingPack) -> None:
    """The scenarios side by side, the key to their OF colours, then their levers and costs."""
    pdf.add_page()
    pdf.heading(translate("pack.scenarios", pack.lang),
                translate("pack.scenarios.caption", pack.lang, date=format_date(pack.as_of, pack.lang)))
    for note in pack.notes:
        pdf.paragraph(note, size=10)
    pdf.ln(2)
    if len(pack.scenarios):
        _table(pdf, pack.scenarios, SCENARIO_COLUMNS, pack.lang)
        _legend(pdf, pack.lang)
    plans = pack.tables.get("scenario_plans")
    if plans is not None and len(plans):
        pdf.heading(translate("pack.scenario_plans", pack.lang), translate("pack.scenario_plans.caption", pack.lang))
        _table(pdf, plans, SCENARIO_PLAN_COLUMNS, pack.lang)
    if len(pack.levers):
        _levers(pdf, pack)


def _decisions(pdf: _Pdf, pack: MeetingPack) -> None:
    lang = pack.lang
    pdf.add_page()
    pdf.heading(translate("pack.decisions", lang, cycle=pack.cycle), translate("decisions.of_cycle_caption", lang))
    if pack.decisions.empty:
        pdf.paragraph(translate("decisions.none_of_cycle", lang))
    else:
        _table(pdf, pack.decisions, [c for c in DECISION_COLUMNS if c[0] != "cycle"], lang)
    pdf.ln(3)
    pdf.heading(translate("decisions.follow_up", lang), translate("decisions.follow_up_caption", lang))
    if pack.follow_up.empty:
        pdf.paragraph(translate("decisions.none_follow_up", lang))
    else:
        _table(pdf, pack.follow_up, DECISION_COLUMNS, lang)


def _plan(pdf: _Pdf, pack: MeetingPack) -> None:
    """The plan (PIC) over its horizon by family, its total in bold, then what changed since the
    previous cycle's plan, step by step; without a plan, why."""
    lang = pack.lang
    pdf.add_page()
    months = pack.tables["plan"]["month"]
    if pack.plan_note is not None or not len(months):
        pdf.heading(translate("pack.plan", lang))
        pdf.paragraph(pack.plan_note or "")
        return
    pdf.heading(translate("pack.plan", lang), translate(
        "pack.plan.caption", lang, first=format_month(months.min().date(), lang),
        last=format_month(months.max().date(), lang)))
    _grid(pdf, PLAN_COLUMNS, _rows(pack.plan, PLAN_COLUMNS, lang), lang, frozenset({len(pack.plan) - 1}))
    changes = pack.tables["plan_changes"]
    if pack.plan_previous is None or not len(changes):
        pdf.paragraph(translate("pack.plan.changes.none", lang), size=10)
        return
    pdf.heading(translate("pack.plan.changes", lang, cycle=pack.plan_previous),
                translate("pack.plan.changes.caption", lang))
    _grid(pdf, PLAN_CHANGE_COLUMNS, _rows(changes, PLAN_CHANGE_COLUMNS, lang), lang,
          frozenset({0, len(changes) - 1}))


def pack_pdf(pack: MeetingPack) -> bytes:
    """The pack as PDF bytes: tiles and cycle status, charts, agenda, plan (PIC), scenarios, decisions."""
    pdf = _Pdf(pack.cycle, pack.lang)
    pdf.set_title(translate("pack.title", pack.lang, month=format_month(pack.cycle.start, pack.lang)))
    pdf.set_lang(pack.lang)
    pdf.set_creator("sop_core")
    for section in (_cover, _charts, _agenda, _plan, _scenarios, _decisions):
        section(pdf, pack)
    return bytes(pdf.output())
