"""`python -m sop_core`: exit codes, reports on stdout/stderr, JSON output, busy database."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from itertools import chain
from pathlib import Path

import pytest

from sop_core.cli.main import EXIT_MAPPING, EXIT_NO_RUN, EXIT_OK, EXIT_REFUSED, EXIT_STORE, EXIT_USAGE, main
from sop_core.common.i18n import has_key, translate
from sop_core.common.periods import GRANULARITIES
from sop_core.data.store import Store
from sop_core.kpi import stock_summary
from sop_core.kpi.filters import KpiFilters
from sop_core.kpi.service import service_report
from sop_core.plan import JSON_KEYS, balance, plan_inputs, plan_rows, plan_table
from sop_core.whatif.levers import Scenario
from sop_core.whatif.scenario_json import scenario_to_json
from sop_core.whatif.scenarios import read_scenario, save_scenario
from tests.conftest import PRODUCTS_CSV, PROJECT_ROOT, WORKSHOPS_CSV, CopyDatabase, WriteFile

EXAMPLE_SCENARIO = PROJECT_ROOT / "data" / "scenarios" / "example.json"
# Words of one language only: a line the CLI left in the other language shows up (the demo's names,
# OF numbers and file names are the same in both).
ONLY_ENGLISH = (r"\b(?:open|projected|overload|Database|rows|Last|baseline|late|days|cost|lever|paid|Wrote|sheets|"
                r"meeting|recorded|red|green)\b")
ONLY_FRENCH = (r"\b(?:ouverts|projetés|rouge|vert|surcharge|données|lignes|Derniers|référence|jours|coût|levier|"
               r"payées|écrit|feuilles|dossier|enregistrés)\b")
N = r"[\d\u00a0,.]+"  # a number in either language's format
LINES = {  # a line of status, production, simulate, optimize and pack, in each language
    "fr": [r"Base de données \S+ \(schéma v\d+, version des données \d+, données au 02/11/2026 "
           r"\(date fixe de la démo\)\)",
           rf"  Ordres de fabrication \(OF\) +{N} lignes",
           r"Derniers imports :",
           rf"  n° \d+ du \d\d/\d\d/\d{{4}} \d\d:\d\d  Ordres de fabrication \(OF\) +importé +"
           rf"production_orders\.csv \({N} lignes\)",
           r"\d+ OF ouverts projetés à partir du 02/11/2026 :",
           rf"  ASSEMBLAGE +rouge +\d+  orange +\d+  vert +\d+  surcharge sur les 4 prochaines semaines : {N} h",
           r"  OF-[\d-]+ ASSEMBLAGE : rouge, en retard de \d+ jours? ouvrés?.*",
           r".+ face à la référence, à partir du 02/11/2026 :",
           r"  Référence \(sans levier\) +OF rouges +\d+  jours de retard +\d+  OF à l'heure +\d+\u00a0%  "
           r"lignes clients à risque +\d+  coût +0\u00a0€",
           rf"  levier 1 : heures supplémentaires, INJECTION, {N} h payées, {N}\u00a0€",
           r"Objectif : aucun OF rouge, atteint\. Objectif atteint .+",
           rf"  heures supplémentaires, INJECTION, semaines S\d\d–S\d\d : {N}\u00a0€",
           rf".+pack\.xlsx écrit \(XLSX, 14 feuilles, {N} Ko\) : dossier de réunion du cycle 2026-11, données au "
           rf"02/11/2026, {N} s ; indicateurs du cycle enregistrés\.",
           r"\[100\u00a0%\] Dossier prêt\."],
    "en": [r"Database \S+ \(schema v\d+, data version \d+, as of 02 Nov 2026 \(the demo's fixed date\)\)",
           rf"  Production orders +{N} rows",
           r"Last imports:",
           rf"  #\d+ \d\d \w{{3}} \d{{4}} \d\d:\d\d  Production orders +ok +production_orders\.csv \({N} rows\)",
           r"\d+ open manufacturing orders projected from 02 Nov 2026:",
           rf"  ASSEMBLAGE +red +\d+  orange +\d+  green +\d+  overload next 4 weeks {N} h",
           r"  OF-[\d-]+ ASSEMBLAGE: red, late \d+ working days?.*",
           r".+ vs baseline, from 02 Nov 2026:",
           r"  Baseline +red +\d+  late days +\d+  on time +\d+%  customer lines at risk +\d+  cost +0 €",
           rf"  lever 1: overtime INJECTION {N} h paid, {N} €",
           r"Target: no red order - reached\. Target reached .+",
           rf"  overtime INJECTION weeks W\d\d–W\d\d: {N} €",
           rf"Wrote .+pack\.xlsx \(XLSX, 14 sheets, {N} KB\): meeting pack of cycle 2026-11 as of 02 Nov 2026, {N} s; "
           r"KPI figures recorded for the cycle\.",
           r"\[100%\] Pack ready\."],
}


@pytest.mark.parametrize(("lang", "other_language"), [("fr", ONLY_ENGLISH), ("en", ONLY_FRENCH)])
def test_what_the_commands_print_follows_lang(demo_db: Path, tmp_path: Path, lang: str, other_language: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    commands = [["status"], ["production", "--weeks", "4"], ["simulate", "--scenario", str(EXAMPLE_SCENARIO)],
                ["optimize", "--target", "no-red"],
                ["pack", "--cycle", "2026-11", "--format", "xlsx", "--output", str(tmp_path / "pack.xlsx")]]
    printed = []
    for command in commands:
        assert main([*command, "--lang", lang]) == EXIT_OK
        captured = capsys.readouterr()
        printed += [*captured.out.splitlines(), *captured.err.splitlines()]
    for pattern in LINES[lang]:
        assert any(re.fullmatch(pattern, line) for line in printed), pattern
    assert not [line for line in printed if re.search(other_language, line)]


def test_every_literal_key_of_the_cli_is_in_the_catalogue() -> None:
    """Lines of branches no test runs (demo --regenerate, a run of the other granularity) are caught here."""
    said = re.compile(r"""\b(?:say\(\s*[\w.]+,|Message\()\s*["']([a-z_][\w.]*)["']|["'](cli\.[\w.]+)["']""")
    keys = {key for source in (PROJECT_ROOT / "sop_core" / "cli").glob("*.py")
            for key in chain(*said.findall(source.read_text(encoding="utf-8"))) if key}
    keys |= {f"cli.{line}.{granularity}" for line in ("forecast.done", "export.not_this_granularity")
             for granularity in GRANULARITIES}
    assert len(keys) > 30 and not [key for key in keys if not has_key(key)]


def test_init_import_status_round_trip(tmp_path: Path, write_file: WriteFile,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.duckdb")
    assert main(["init", "--db", db]) == EXIT_OK
    assert main(["import", "workshops", str(write_file("w.csv", WORKSHOPS_CSV)), "--db", db]) == EXIT_OK
    assert main(["import", "products", str(write_file("p.csv", PRODUCTS_CSV)), "--db", db]) == EXIT_OK
    capsys.readouterr()
    assert main(["status", "--db", db, "--json"]) == EXIT_OK
    status = json.loads(capsys.readouterr().out)
    assert status["row_counts"]["products"] == 3 and status["row_counts"]["workshops"] == 2
    assert [r["kind"] for r in status["last_imports"]] == ["products", "workshops"]
    latest = status["last_imports"][0]["message"]  # rendered in --lang (French by default)
    assert latest.startswith("p.csv (Articles, CSV, utf-8, virgule décimale) : 3 lignes lues")


def test_refused_file_exits_non_zero_with_the_report(tmp_path: Path, write_file: WriteFile,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_file("stock.csv", "date;sku;on_hand\n31/13/2026;A1;-1\n")
    code = main(["import", "stock", str(bad), "--db", str(tmp_path / "c.duckdb"), "--json"])
    assert code == EXIT_REFUSED
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    problems = {(f["code"], f["column"]) for f in out["reports"][0]["findings"]}
    assert {("unparseable", "date"), ("out_of_range", "on_hand"), ("unknown_reference", "sku")} <= problems


def test_the_report_and_the_progress_follow_lang(tmp_path: Path, write_file: WriteFile,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.duckdb")
    bad = str(write_file("stock.csv", "date;sku;on_hand\n31/01/2026;A1;-1\n"))
    assert main(["import", "stock", bad, "--db", db]) == EXIT_REFUSED  # French by default
    french = capsys.readouterr()
    assert french.out.splitlines() == [
        "stock.csv (Stocks, CSV, utf-8, point décimal) : 1 ligne lue, 1 rejetée, 2 erreurs, 0 avertissement : "
        "refusé, rien n'a été écrit",
        "  ERREUR stock.csv, ligne 2, colonne 'on_hand' : valeur négative pour on_hand (valeurs trouvées : '-1'). "
        "Correction : indiquez une valeur d'au moins 0",
        "  ERREUR stock.csv, ligne 2, colonne 'sku' : valeur de sku absente du fichier Articles (valeurs trouvées : "
        "'A1'). Correction : importez d'abord le fichier Articles, ou ajoutez-y ces valeurs",
        "Rien n'a été écrit.",
    ]
    assert "[  0\u00a0%] Contrôle de stock.csv (Stocks)" in french.err  # the percentage in French too
    assert main(["import", "stock", bad, "--db", db, "--lang", "en"]) == EXIT_REFUSED
    english = capsys.readouterr()
    assert english.out.splitlines()[1] == ("  ERROR stock.csv, row 2, column 'on_hand': on_hand is negative "
                                           "(found: '-1'). Fix: use a value of at least 0")
    assert english.out.splitlines()[-1] == "Nothing was written." and "Checking stock.csv (Stock)" in english.err
    workshops = str(write_file("w.csv", WORKSHOPS_CSV))
    assert main(["import", "workshops", workshops, "--db", db]) == EXIT_OK
    written = capsys.readouterr()
    assert written.out.splitlines()[-1] == "Écrit sous le(s) numéro(s) d'import 3." and "Terminé" in written.err
    assert main(["import", "workshops", workshops, "--db", db, "--lang", "en", "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)["reports"][0]
    assert report["findings"][0]["code"] == "already_imported"
    assert report["text"][1].startswith("WARNING w.csv: this exact file was already imported (batch 3)")


def test_bad_mapping_file_is_named(tmp_path: Path, write_file: WriteFile,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    mapping = write_file("m.yaml", "columns:\n  nope: X\n")
    code = main(["import", "sales", str(write_file("s.csv", "a\n1\n")), "--mapping", str(mapping),
                 "--db", str(tmp_path / "c.duckdb"), "--lang", "en"])
    assert code == EXIT_MAPPING
    assert "Mapping error: m.yaml: columns.nope: sales has no column 'nope'" in capsys.readouterr().err
    code = main(["import", "sales", str(write_file("s.csv", "a\n1\n")), "--mapping", str(mapping),
                 "--db", str(tmp_path / "c.duckdb")])  # French by default
    assert code == EXIT_MAPPING
    assert ("Erreur de correspondance des colonnes : m.yaml : columns.nope : le type de fichier sales "
            "n'a pas de colonne 'nope'") in capsys.readouterr().err


def test_busy_database_is_said_clearly(tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    env = {**os.environ, "SOP_DB_PATH": str(db), "SOP_DB_WAIT": "1"}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
         "sys.stdin.readline()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        run = subprocess.run([sys.executable, "-m", "sop_core", "status", "--lang", "en"], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    finally:
        holder.communicate("\n", timeout=30)
    assert run.returncode == EXIT_STORE
    waited, said = run.stderr.splitlines()[:2]
    assert waited == "The database is in use (the dashboard or an import): waiting for its turn, 1 s at most…"
    assert said.startswith("Database error: ") and f"stayed in use by process {holder.pid}" in said
    assert "Traceback" not in run.stderr


def test_kpis_json_matches_the_core_functions(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpis", "--json", "--as-of", "2026-10-01", "--months", "6", "--family", "Bouchage"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    filters = KpiFilters(dt.date(2026, 4, 1), dt.date(2026, 9, 30), families=("Bouchage",))
    with Store(demo_db) as store:
        service = service_report(store, dt.date(2026, 10, 1), filters).summary
        stock = stock_summary(store, dt.date(2026, 10, 1), filters)
    assert out["as_of"] == "2026-10-01" and out["period"] == {"start": "2026-04-01", "end": "2026-09-30"}
    assert out["service"]["lines"] == service["lines"] > 0
    assert out["service"]["otif"] == pytest.approx(service["otif"])
    assert [row["key"] for row in out["service_by_family"]] == ["Bouchage"]
    assert len(out["service_by_month"]) == 6
    assert out["stock"] == pytest.approx(stock)


def test_kpis_refuses_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["kpis", "--as-of", "01/10/2026"])
    assert exit_info.value.code == 2 and "expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_scenario_and_target_refusals_follow_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.duckdb")
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "n", "levers": [{"kind": "robots"}]}', encoding="utf-8")
    assert main(["simulate", "--scenario", str(bad), "--db", db]) == EXIT_USAGE  # French by default
    assert capsys.readouterr().err == ("Erreur : bad.json : levier 1 : type de levier inconnu ('robots') ; "
                                       "choisissez parmi overtime, temps, subcontract\n")
    assert main(["simulate", "--scenario", str(bad), "--db", db, "--lang", "en"]) == EXIT_USAGE
    assert capsys.readouterr().err == ("Error: bad.json: lever 1: unknown kind 'robots'; use one of overtime, temps, "
                                       "subcontract\n")
    assert main(["optimize", "--target", "on-time:1.5", "--db", db]) == EXIT_USAGE
    assert capsys.readouterr().err == ("Erreur : on_time_rate est une part des OF, au-dessus de 0 et au plus 1, "
                                       "pas 1.5 ; écrivez 0.95 pour 95\u00a0%\n")


def run_plan(db: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`python -m sop_core plan` as a script runs it: a real process on `db`."""
    return subprocess.run([sys.executable, "-m", "sop_core", "plan", "--db", str(db), *options], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_plan_json_has_a_row_per_family_and_month_adding_up_to_the_total(
        demo_copy: CopyDatabase, demo_forecast_template: Path) -> None:
    db = demo_copy("plan_cli", source=demo_forecast_template)
    run = run_plan(db, "--json")
    assert run.returncode == EXIT_OK, run.stderr
    out = json.loads(run.stdout)
    assert list(out) == ["as_of", "cycle", "rows"]
    assert out["as_of"] == "2026-11-02" and out["cycle"] == "2026-11"
    rows = out["rows"]
    assert rows and all(list(row) == list(JSON_KEYS) for row in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-01", row["month"]) for row in rows)
    families, months = {row["family"] for row in rows}, sorted({row["month"] for row in rows})
    assert months[0] == "2026-11-01" and len(months) == 18  # the forecast's 18 months from the cycle's
    assert len(rows) == len(families) * len(months) == len({(r["family"], r["month"]) for r in rows})
    with Store(db) as store:
        table = plan_table(balance(plan_inputs(store)))
    assert families == set(table.families["family"])
    total = table.total.set_index(table.total["month"].dt.strftime("%Y-%m-%d"))
    for month in months:
        units = sum(row["units"] for row in rows if row["month"] == month)
        assert units == pytest.approx(total.loc[month, "units"])
    assert sum(row["units"] for row in rows) > 0


def test_plan_prints_the_total_by_month_in_lang(demo_copy: CopyDatabase, demo_forecast_template: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = str(demo_copy("plan_text", source=demo_forecast_template))
    assert main(["plan", "--db", db]) == EXIT_OK
    french = capsys.readouterr().out.splitlines()
    assert french[0].startswith("Plan (PIC) du cycle 2026-11, données au 02/11/2026 : ")
    assert re.fullmatch(r"  Mois +Unités +Chiffre d'affaires +Stock fin de mois +Manque de capacité \(h\)", french[1])
    assert re.fullmatch(rf"  novembre 2026 +{N} +{N}\u00a0€ +{N} +{N}", french[2])
    assert len(french) == 2 + 18
    assert main(["plan", "--db", db, "--lang", "en", "--as-of", "2026-11-02"]) == EXIT_OK
    english = capsys.readouterr().out.splitlines()
    assert english[0].startswith("Plan (PIC) of cycle 2026-11 as of 02 Nov 2026: ")
    assert re.fullmatch(rf"  November 2026 +{N} +{N}\u00a0€ +{N} +{N}", english[2])


def test_plan_without_a_monthly_forecast_says_so_and_fails(demo_copy: CopyDatabase) -> None:
    run = run_plan(demo_copy("plan_none"), "--json", "--lang", "en")
    assert run.returncode == EXIT_NO_RUN and run.stdout == ""
    assert run.stderr.strip() == "Error: " + translate("plan.error.no_forecast", "en")


def test_plan_of_an_unknown_scenario_is_refused(demo_copy: CopyDatabase, demo_forecast_template: Path) -> None:
    run = run_plan(demo_copy("plan_bad", source=demo_forecast_template), "--scenario", "Nope", "--lang", "en")
    assert run.returncode == EXIT_USAGE and run.stdout == ""
    assert run.stderr.strip() == "Error: no saved scenario is called 'Nope'; save it first"


def test_plan_of_a_saved_scenario_is_its_plan(demo_copy: CopyDatabase, demo_forecast_template: Path) -> None:
    from sop_core.plan import DemandChange
    from sop_core.whatif import scenario_plan

    db = demo_copy("plan_scenario", source=demo_forecast_template)
    december = dt.date(2026, 12, 1)
    with Store(db) as store:
        # The example's levers, and +20 % on Bouchage in December.
        scenario = replace(read_scenario(EXAMPLE_SCENARIO),
                           demand=(DemandChange("family", "Bouchage", december, december, percent=20),))
        save_scenario(store, scenario_to_json(scenario), "Claire")
        expected = plan_rows(plan_table(scenario_plan(store, store.as_of(), scenario)[0]))
        baseline = plan_rows(plan_table(scenario_plan(store, store.as_of(), Scenario("Baseline"))[0]))
    promoted = [(r, b) for r, b in zip(expected, baseline, strict=True)
                if r["family"] == "Bouchage" and r["month"] == "2026-12-01"]
    assert promoted[0][0]["units"] == pytest.approx(1.2 * promoted[0][1]["units"])
    run = run_plan(db, "--json", "--scenario", scenario.name)
    assert run.returncode == EXIT_OK, run.stderr
    out = json.loads(run.stdout)
    assert out["cycle"] == "2026-11" and len(out["rows"]) == len(expected)
    for row, want in zip(out["rows"], expected, strict=True):
        assert row["family"] == want["family"] and row["month"] == want["month"]
        assert row["units"] == pytest.approx(want["units"])
        assert row["capacity_shortage_hours"] == pytest.approx(want["capacity_shortage_hours"])


def test_a_reader_that_stops_early_gets_no_traceback(demo_copy: CopyDatabase, demo_forecast_template: Path) -> None:
    # `python -m sop_core plan | head -1`: the reader is gone before the plan is written.
    db = demo_copy("plan_pipe", source=demo_forecast_template)
    command = [sys.executable, "-m", "sop_core", "plan", "--json", "--db", str(db)]
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader goes away first: every write meets a closed pipe
        errors = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
