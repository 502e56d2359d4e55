"""The budget in the store: all or nothing, a re-import replaces only its keys, the plan's reading
per family, and the command line."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from sop_core.cli.main import EXIT_OK, EXIT_REFUSED, main
from sop_core.data import Store, budget_by_family
from sop_core.imports import FileToImport, import_files
from tests.conftest import PRODUCTS_CSV, TODAY, WORKSHOPS_CSV, WriteFile

# Products: A1, A2 in F1; B1 in F2 (tests/conftest.py).
BUDGET_CSV = (
    "Famille;Référence;Mois;Quantité budget;CA budget\n"
    "F1;;31/01/2027;1 000;3 000,5\n"    # F1's January, given for the family...
    ";A1;01/01/2027;400;1 200\n"        # ...and per SKU too: the family's row wins
    ";A2;01/01/2027;500;\n"
    ";A1;01/02/2027;100;300\n"          # F1's February: only SKUs, summed
    ";A2;15/02/2027;200;800\n"
    ";B1;01/01/2027;;50\n"              # F2's January: euros only, no units
)


def _import(store: Store, path: Path) -> bool:
    return import_files(store, [FileToImport("budget", path)], today=TODAY).ok


def _stored(store: Store) -> list[tuple[object, ...]]:
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row)
            for row in store.query("SELECT family, sku, month, quantity, revenue FROM budget "
                                   "ORDER BY month, family NULLS LAST, sku").itertuples(index=False)]


@pytest.fixture
def base(store: Store, write_file: WriteFile) -> Store:
    outcome = import_files(store, [FileToImport("workshops", write_file("w.csv", WORKSHOPS_CSV)),
                                   FileToImport("products", write_file("p.csv", PRODUCTS_CSV))], today=TODAY)
    assert outcome.ok
    return store


def test_a_french_budget_lands_as_first_of_month_rows(base: Store, write_file: WriteFile) -> None:
    assert _import(base, write_file("budget.csv", BUDGET_CSV, encoding="cp1252"))
    jan, feb = dt.date(2027, 1, 1), dt.date(2027, 2, 1)
    assert [(f, s, m.date(), q, r) for f, s, m, q, r in _stored(base)] == [
        ("F1", None, jan, 1000.0, 3000.5), (None, "A1", jan, 400.0, 1200.0), (None, "A2", jan, 500.0, None),
        (None, "B1", jan, None, 50.0), (None, "A1", feb, 100.0, 300.0), (None, "A2", feb, 200.0, 800.0)]
    history = base.imports(1)
    assert history["kind"].tolist() == ["budget"] and history["status"].tolist() == ["ok"]


def test_budget_by_family_takes_the_family_row_else_sums_the_skus(base: Store, write_file: WriteFile) -> None:
    assert _import(base, write_file("budget.csv", BUDGET_CSV, encoding="cp1252"))
    frame = budget_by_family(base)
    assert list(frame.columns) == ["family", "month", "quantity", "revenue"]
    rows = [(f, m.date(), None if math.isnan(q) else q, None if math.isnan(r) else r)
            for f, m, q, r in frame.itertuples(index=False)]
    assert rows == [
        ("F1", dt.date(2027, 1, 1), 1000.0, 3000.5),        # the family's row, not 400 + 500
        ("F1", dt.date(2027, 2, 1), 300.0, 1100.0),         # 100 + 200 units, 300 + 800 €
        ("F2", dt.date(2027, 1, 1), None, 50.0),            # no units given: NaN, not 0
    ]
    february = budget_by_family(base, start=dt.date(2027, 2, 1), end=dt.date(2027, 2, 1))
    assert february["family"].tolist() == ["F1"] and february["quantity"].tolist() == [300.0]


def test_a_refused_budget_writes_nothing_and_is_recorded(base: Store, write_file: WriteFile) -> None:
    assert _import(base, write_file("budget.csv", BUDGET_CSV, encoding="cp1252"))
    before, counts, version = _stored(base), base.row_counts(), base.data_version()
    bad = write_file("bad.csv", "famille;sku;mois;ca\nF1;;01/03/2027;10\nF9;;01/03/2027;10\nF1;A1;01/04/2027;5\n")
    outcome = import_files(base, [FileToImport("budget", bad)], today=TODAY)
    assert not outcome.ok
    found = {(f.code, f.column, f.rows) for f in outcome.reports[0].errors}
    assert found == {("unknown_reference", "famille (family)", (3,)), ("one_of_both", "family, sku", (4,))}
    assert _stored(base) == before and base.row_counts() == counts and base.data_version() == version
    latest = base.imports(1)
    assert latest["kind"].tolist() == ["budget"] and latest["status"].tolist() == ["refused"]


def test_a_new_budget_replaces_only_the_keys_it_names(base: Store, write_file: WriteFile) -> None:
    assert _import(base, write_file("budget.csv", BUDGET_CSV, encoding="cp1252"))
    again = write_file("revised.csv", "family;sku;month;quantity;revenue\n"
                                      "F1;;2027-01;1100;\n"      # replaces F1's January (revenue now empty)
                                      ";A2;2027-02;250;900\n"    # replaces A2's February
                                      "F2;;2027-03;10;20\n")     # new
    assert _import(base, again)
    jan, feb, mar = dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)
    assert [(f, s, m.date(), q, r) for f, s, m, q, r in _stored(base)] == [
        ("F1", None, jan, 1100.0, None), (None, "A1", jan, 400.0, 1200.0), (None, "A2", jan, 500.0, None),
        (None, "B1", jan, None, 50.0), (None, "A1", feb, 100.0, 300.0), (None, "A2", feb, 250.0, 900.0),
        ("F2", None, mar, 10.0, 20.0)]


def test_the_families_of_products_imported_in_the_same_set_are_known(store: Store, write_file: WriteFile) -> None:
    outcome = import_files(store, [
        FileToImport("workshops", write_file("w.csv", WORKSHOPS_CSV)),
        FileToImport("products", write_file("p.csv", PRODUCTS_CSV)),
        FileToImport("budget", write_file("b.csv", "famille;mois;volume\nF2;01/2027;5\n")),
    ], today=TODAY)
    assert outcome.ok and store.row_counts()["budget"] == 1


def test_cli_imports_a_good_budget_and_refuses_a_bad_one(tmp_path: Path, write_file: WriteFile,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.duckdb")
    assert main(["import", "workshops", str(write_file("w.csv", WORKSHOPS_CSV)), "--db", db]) == EXIT_OK
    assert main(["import", "products", str(write_file("p.csv", PRODUCTS_CSV)), "--db", db]) == EXIT_OK
    capsys.readouterr()
    bad = write_file("bad.csv", "famille;mois;ca\nF1;01/2027;-5\n")
    assert main(["import", "budget", str(bad), "--db", db, "--lang", "en"]) == EXIT_REFUSED
    said = capsys.readouterr().out
    assert "bad.csv (Budget, CSV, utf-8, decimal point)" in said and "column 'ca (revenue)'" in said
    good = write_file("budget.csv", BUDGET_CSV, encoding="cp1252")
    assert main(["import", "budget", str(good), "--db", db]) == EXIT_OK
    with Store(Path(db)) as store:
        assert store.row_counts()["budget"] == 6
