"""Seeded, deterministic demo company: "Plastiques du Val de Loire", a fictional French moulder.

`generate(seed)` returns the seven canonical tables (the budget derived from the sales);
`write_demo_files(out_dir)` writes them the way a French Excel user would save them (`;`, decimal
comma, dd/mm/yyyy, CRLF), plus a products workbook and a `demo.json` manifest. Everything derives
from one numpy `default_rng(seed)` and a fixed as-of date, never from the clock, so the files are
byte-identical from run to run.

The simulation lives in the `demo_*` modules, in the order the data is produced:
catalogue -> products -> demand -> orders (and sales) -> stock -> production (closed + open book);
the budget comes from the sales (`budget`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Font

from sop_core.demo.generator.budget import budget_frame
from sop_core.demo.generator.calendar import DEMO_AS_OF, WorkCalendar
from sop_core.demo.generator.catalogue import COMPANY, weekly_capacity_hours, workshops_frame
from sop_core.demo.generator.demand import calibrate_hours_per_unit, demand_matrix, monthly_capacity
from sop_core.demo.generator.open_book import open_orders
from sop_core.demo.generator.orders import (
    customer_pairs,
    late_pressure,
    order_lines,
    orders_frame,
    sales_frame,
    shipments_matrix,
)
from sop_core.demo.generator.production import closed_orders, link_to_customer_orders, production_frame
from sop_core.demo.generator.products import PRODUCT_COLUMNS, build_catalogue, products_frame
from sop_core.demo.generator.stock import simulate_stock, stock_frame

__all__ = ["DEMO_AS_OF", "DEMO_SEED", "generate", "write_demo_files"]

DEMO_SEED = 42
KINDS: tuple[str, ...] = ("workshops", "products", "budget", "sales", "orders", "stock",
                          "production_orders")
FRENCH_PRODUCT_HEADERS: tuple[str, ...] = (
    "Référence", "Désignation", "Famille", "Coût unitaire", "Prix de vente", "Délai (jours)",
    "Stock de sécurité", "Atelier", "Heures par unité", "Minimum de commande",
)
XLSX_SHEET = "Articles"
# A fixed timestamp for the workbook's properties and zip entries: openpyxl stamps "now" otherwise.
XLSX_TIMESTAMP = dt.datetime(2026, 11, 2, 8, 0, 0)


def generate(seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """The seven canonical tables of the demo company, in import order."""
    rng = np.random.default_rng(seed)
    calendar = WorkCalendar.build()
    workshops = workshops_frame()
    weekly = weekly_capacity_hours(workshops)
    catalogue = build_catalogue(rng)
    demand = demand_matrix(catalogue, rng)
    hours_per_unit = calibrate_hours_per_unit(catalogue, demand,
                                              monthly_capacity(weekly, calendar))
    lines = order_lines(catalogue, demand, customer_pairs(catalogue, rng), calendar, rng)
    orders = orders_frame(lines, catalogue)
    pressure = late_pressure()
    history = simulate_stock(catalogue, shipments_matrix(lines, catalogue.size), pressure, rng)
    closed = closed_orders(catalogue, history.lots, hours_per_unit, pressure,
                           workshops["efficiency"].to_numpy(), calendar, rng)
    closed["order_id"] = link_to_customer_orders(closed, orders, catalogue.sku, rng)
    book = open_orders(catalogue, orders, hours_per_unit, weekly, calendar, rng)
    production = pd.concat([closed, book[closed.columns]], ignore_index=True)
    products = products_frame(catalogue, hours_per_unit)
    sales = sales_frame(orders)
    return {
        "workshops": workshops,
        "products": products,
        "budget": budget_frame(products, sales),
        "sales": sales,
        "orders": orders,
        "stock": stock_frame(catalogue, history),
        "production_orders": production_frame(production, catalogue.sku),
    }


def _format_number(value: float) -> str:
    """French decimal comma; whole numbers without decimals, as Excel displays them."""
    if float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(float(value), trim="-").replace(".", ",")


def _format_column(column: pd.Series) -> list[str]:
    """Cells as text: dates dd/mm/yyyy, numbers with a decimal comma, missing values empty."""
    if pd.api.types.is_datetime64_any_dtype(column):
        dates: list[str] = column.dt.strftime("%d/%m/%Y").fillna("").tolist()
        return dates
    if pd.api.types.is_numeric_dtype(column):
        return ["" if math.isnan(v) else _format_number(v) for v in column.astype(float)]
    return ["" if pd.isna(v) else str(v) for v in column]


def french_csv_bytes(frame: pd.DataFrame, headers: tuple[str, ...], encoding: str) -> bytes:
    """A CSV as French Excel saves it: `;` separator, CRLF line ends, the given encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(zip(*(_format_column(frame[c]) for c in frame.columns), strict=True))
    return buffer.getvalue().encode(encoding)


def _xlsx_cell(value: object) -> object:
    """Numbers stay numbers in the workbook; NaN becomes an empty cell."""
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def products_xlsx_bytes(products: pd.DataFrame) -> bytes:
    """The products as an Excel workbook with French headers, reproducible to the byte."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = XLSX_SHEET
    sheet.append(list(FRENCH_PRODUCT_HEADERS))
    for row in products[list(PRODUCT_COLUMNS)].itertuples(index=False):
        sheet.append([_xlsx_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (12, 38, 18, 14, 14, 13, 17, 18, 16, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.creator = COMPANY
    workbook.properties.created = XLSX_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(raw: bytes) -> bytes:
    """Rewrite the workbook's zip with fixed timestamps, uncompressed.

    openpyxl writes the save time into docProps/core.xml and into every zip entry. Entries are
    stored rather than deflated so that the bytes do not depend on the zlib build either.
    """
    stamp = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            entry.create_system, entry.external_attr = 0, 0
            target.writestr(entry, data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def manifest_bytes(seed: int) -> bytes:
    """demo.json: what the demo is and which file holds each kind, in import order."""
    files = {kind: f"{kind}.csv" for kind in KINDS}
    manifest = {"company": COMPANY, "as_of": DEMO_AS_OF.isoformat(), "seed": seed,
                "files": files}
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def demo_file_contents(seed: int = DEMO_SEED) -> dict[str, bytes]:
    """File name -> bytes of every demo file (products also as French cp1252 CSV and XLSX)."""
    frames = generate(seed)
    contents: dict[str, bytes] = {}
    for kind in KINDS:
        frame = frames[kind]
        if kind == "products":
            contents["products.csv"] = french_csv_bytes(frame, FRENCH_PRODUCT_HEADERS, "cp1252")
            contents["products.xlsx"] = products_xlsx_bytes(frame)
        else:
            contents[f"{kind}.csv"] = french_csv_bytes(frame, tuple(frame.columns), "utf-8-sig")
    contents["demo.json"] = manifest_bytes(seed)
    return contents


def write_demo_files(out_dir: Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo files into `out_dir` (created if needed); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in demo_file_contents(seed).items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
