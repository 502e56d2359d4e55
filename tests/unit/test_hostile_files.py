"""Hypothesis throws hostile files at the importer: it must answer with a report, never crash,
and a refused file must leave the store exactly as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from sop_core.common.i18n import LANGUAGES
from sop_core.data.contract import KINDS
from sop_core.data.store import Store
from sop_core.imports.importers import validate_file
from sop_core.imports.ingest import FileToImport, import_files

TODAY = dt.date(2026, 11, 21)
HEADERS = ["date", "sku", "quantity", "customer", "Référence", "Qté", "order_id", "", "x;y", '"q"']
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1,5", "-3", "01/02/2026", "31/02/2026", "2026-13-01", "1e309", "nan",
                     "A1", '"', "\r", "\n", ";", "\x00", "€", "1 234,5", "\ufeff"]),
)
SEPARATORS = st.sampled_from([";", ",", "\t", "|"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def hostile_csv(draw: st.DrawFn) -> bytes:
    sep = draw(SEPARATORS)
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, max_size=7), max_size=8))
    text = "\r\n".join(sep.join(cells) for cells in [header, *rows])
    return text.encode(draw(ENCODINGS), errors="replace")


@pytest.mark.slow
@SLOW
@given(content=st.one_of(hostile_csv(), st.binary(max_size=300)), kind=st.sampled_from(list(KINDS)))
def test_importer_always_answers_with_a_report(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    staged = validate_file(path, kind, known_keys={"products": ["A1"]}, today=TODAY)
    assert staged.report.ok == (staged.rows is not None)
    if not staged.report.ok:
        assert staged.report.errors, "a refused file must say why"
        for finding in staged.report.errors:  # in both languages (a missing catalogue key raises)
            assert all(finding.describe("hostile.csv", lang) for lang in LANGUAGES)


def _snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        kind.table: sorted(map(tuple, store.table(name).astype(str).itertuples(index=False)))
        for name, kind in KINDS.items()
    }


@pytest.mark.slow
@SLOW
@given(content=hostile_csv())
def test_refused_files_never_write_half(tmp_path_factory, content: bytes) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("hostile")
    products = folder / "products.csv"
    products.write_text("sku;name;family;unit_cost;unit_price\nA1;a;F;1;2\n", encoding="utf-8")
    hostile = folder / "sales.csv"
    hostile.write_bytes(content)
    with Store(folder / "s.duckdb") as store:
        assert import_files(store, [FileToImport("products", products)], today=TODAY).ok
        before, version = _snapshot(store), store.data_version()
        outcome = import_files(store, [FileToImport("sales", hostile)], today=TODAY)
        if not outcome.ok:
            assert _snapshot(store) == before and store.data_version() == version
        else:
            assert store.data_version() > version
