"""The sentences the core writes, read in French and in English: why a forecast model was chosen, the
forecast's progress, why a scenario is refused, what the cheapest mix found. Every expected text below
was written and checked by hand."""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

from sop_core.common.messages import Message, render_stored
from sop_core.data.store import Store
from sop_core.forecast.consensus import MissingRunError, run_granularity
from sop_core.forecast.models import SeriesContext
from sop_core.forecast.runs import ForecastSettings, SeriesTask, compute_forecasts
from sop_core.forecast.selection import forecast_series
from sop_core.whatif.levers import Overtime, Scenario, ScenarioError, TempWorkers, validate
from sop_core.whatif.optimizer import Target, cheapest_mix
from sop_core.whatif.scenario_json import scenario_from_json, scenario_from_rows
from sop_core.whatif.scenarios import save_scenario
from tests.unit import test_optimizer as mix_plant
from tests.unit import test_simulation as plant

MONTHLY = SeriesContext(12, pd.Timestamp("2023-01-01"), "MS")
PATTERN = np.array([10, 12, 15, 20, 30, 45, 50, 40, 25, 18, 12, 9], dtype=float)
# A level shift after 30 periods: only the last 8 are used.
BROKEN = np.r_[np.full(30, 100.0) + np.tile([1, -1], 15), np.full(8, 20.0) + np.tile([1, -1], 4)]


def both(message: Message) -> tuple[str, str]:
    return message.render("fr"), message.render("en")


# --- why a forecast model was chosen -----------------------------------------------------------------

@pytest.mark.parametrize(("y", "forced", "french", "english"), [
    (np.tile(PATTERN, 3), None,
     "plus faible MASE en test rétrospectif (0) parmi 6 modèles candidats pour une demande régulière",
     "lowest backtest MASE (0) among 6 smooth candidates"),
    (np.array([5.0, 7, 6]), None, "seulement 3 périodes d'historique", "only 3 periods of history"),
    (np.zeros(24), None, "aucune demande dans l'historique", "no demand in the history"),
    (np.array([5.0, 7, 6]), "naive", "imposé par un utilisateur (3 périodes d'historique)",
     "forced by a user (3 periods of history)"),
    (BROKEN, None,
     "plus faible MASE en test rétrospectif (0,5) parmi 3 modèles candidats pour une demande régulière ; "
     "rupture de niveau : seules les 8 dernières périodes sont utilisées",
     "lowest backtest MASE (0.5) among 3 smooth candidates; structural break: only the last 8 periods used"),
])
def test_forecast_reasons_read_in_both_languages(y: np.ndarray, forced: str | None, french: str,
                                                 english: str) -> None:
    assert both(forecast_series(y, 3, MONTHLY, forced=forced).reason) == (french, english)


def test_the_combination_names_its_members_in_words() -> None:
    reason = Message("forecast.reason.combination", {
        "models": [Message(f"forecast.model_short.{name}") for name in ("ets", "theta", "seasonal_naive")],
        "score": 0.85, "best": Message("forecast.model_short.ets"), "best_score": 0.8})
    assert both(reason) == (
        "moyenne des modèles ETS, Theta, naïf saisonnier : MASE en test rétrospectif 0,85, aucun modèle seul nettement "
        "meilleur (le meilleur : ETS, 0,8)",
        "mean of ETS, Theta, seasonal naive: backtest MASE 0.85, no single model clearly better (best: ETS 0.8)")


def test_a_reason_crosses_processes_and_the_store_and_old_text_stays_readable() -> None:
    result = forecast_series(BROKEN, 3, MONTHLY)
    assert pickle.loads(pickle.dumps(result)).reason == result.reason  # worker processes send it back
    stored = result.reason.to_json()
    assert render_stored(stored, "fr").endswith("rupture de niveau : seules les 8 dernières périodes sont utilisées")
    old = "lowest backtest MASE (0.50) among 3 smooth candidates"  # a run stored before messages
    assert render_stored(old, "fr") == old


@pytest.mark.parametrize(("lang", "texts"), [("fr", ["1/1 articles prévus"]), ("en", ["1/1 SKUs forecast"])])
def test_forecast_progress_follows_the_language(lang: str, texts: list[str]) -> None:
    seen: list[str] = []
    task = SeriesTask("A1", np.array([5.0, 7, 6]), dt.date(2026, 1, 1), None)
    compute_forecasts([task], ForecastSettings(jobs=1), lambda _f, text: seen.append(text), lang)
    assert seen == texts


def test_a_missing_run_is_said_in_both_languages(store: Store) -> None:
    with pytest.raises(MissingRunError) as caught:
        run_granularity(store, 7)
    assert both(caught.value.message) == ("Le calcul de prévision n° 7 n'existe pas.", "There is no forecast run 7.")
    assert str(caught.value) == "There is no forecast run 7."  # logs and the CLI's English


# --- why a scenario is refused ------------------------------------------------------------------------

@pytest.mark.parametrize(("lever", "extra", "french", "english"), [
    (Overtime("W", dt.date(2026, 11, 18), plant.W48, 2), {},
     "levier 1 (heures supplémentaires, W) : la première semaine (18/11/2026) tombe un mercredi, pas un lundi ; "
     "prenez le 16/11/2026, lundi de cette semaine",
     "lever 1 (overtime, W): first_week 18 Nov 2026 is a Wednesday, not a Monday; use 16 Nov 2026, the Monday "
     "of its week"),
    (TempWorkers("W", plant.W47, plant.W48, 3), {"temp_max_headcount": 2.0},
     "levier 1 (intérimaires, W) : nombre d'intérimaires (3) au-delà du maximum de l'atelier "
     "(temp_max_headcount = 2) ; demandez-en 2 au plus, ou relevez temp_max_headcount dans le fichier des ateliers",
     "lever 1 (temps, W): headcount 3 is above the workshop's temp_max_headcount 2; ask 2 or fewer, or raise "
     "temp_max_headcount in the workshops file"),
    (Overtime("W", plant.W47, plant.W48, 7), {"hours_per_week": 42.0, "overtime_max_hours_per_person_week": 13.0},
     "levier 1 (heures supplémentaires, W) : 7 h sup. en plus des 42 h hebdomadaires font 49 h, au-delà du "
     "maximum légal de 48 h par personne et par semaine ; demandez 6 h ou moins",
     "lever 1 (overtime, W): hours_per_person 7 on top of 42 h a week makes 49 h, above the legal 48 h per "
     "person and week; ask 6 h or less"),
])
def test_lever_refusals_read_in_both_languages(lever: object, extra: dict[str, float], french: str,
                                               english: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        validate(plant.plan(**extra), Scenario("s", (lever,)))  # type: ignore[arg-type]
    assert (caught.value.render("fr"), str(caught.value)) == (french, english)


def test_a_malformed_scenario_and_an_empty_cell_read_in_both_languages() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_json('{"name": "n", "levers": [{"kind": "temps", "workshop": "W", "first_week": "2026-11-16",'
                           ' "last_week": "2026-11-16"}]}')
    assert both(caught.value.message) == (
        "levier 1 (intérimaires, W) : il manque le champ « headcount » (un levier « intérimaires » a besoin de "
        "workshop, first_week, last_week, headcount)",
        "lever 1 (temps, W): missing field 'headcount'; a temps lever needs workshop, first_week, last_week, "
        "headcount")
    with pytest.raises(ScenarioError) as caught:
        scenario_from_rows("Bad", [{"kind": "overtime", "workshop": "W", "first_week": plant.W47,
                                    "last_week": None, "size": 5}])
    assert both(caught.value.message) == (
        "levier 1 (heures supplémentaires, W) : la dernière semaine n'est pas renseignée ; indiquez le lundi "
        "de la semaine",
        "lever 1 (overtime, W): last_week is empty; give the Monday of the week")


def test_a_scenario_saved_without_author_is_refused_in_both_languages(store: Store) -> None:
    with pytest.raises(ScenarioError) as caught:
        save_scenario(store, '{"name": "A", "levers": []}', " ")
    assert both(caught.value.message) == ("indiquez qui enregistre le scénario (auteur)",
                                          "say who saves the scenario (author)")


# --- the cheapest mix ---------------------------------------------------------------------------------

def test_the_target_reads_in_both_languages() -> None:
    assert both(Target().describe()) == ("aucun OF rouge", "no red order")
    assert both(Target(0.95, mix_plant.W48).describe()) == (
        "taux d'OF à l'heure d'au moins 95\u00a0% parmi les OF dus au plus tard en S48",
        "on-time rate at least 95% among the orders due by W48")


def test_what_the_cheapest_mix_found_reads_in_both_languages() -> None:
    reached = cheapest_mix(mix_plant.plan([("A", "W", 78.0, mix_plant.FRIDAY_W47)], mix_plant.shop(
        headcount=2.0, temp_max_headcount=2.0, subcontract_max_hours_per_week=40.0, **mix_plant.QUICK)),
        mix_plant.ON_TIME)
    assert both(reached.message) == (
        "Objectif atteint (taux d'OF à l'heure d'au moins 100\u00a0%) pour 300\u00a0€.",
        "Target reached (on-time rate at least 100%) for 300 EUR.")
    short = cheapest_mix(mix_plant.plan([("A", "INJECTION", 70.0, mix_plant.FRIDAY_W47)],
                                        mix_plant.shop("INJECTION")), Target())
    assert both(short.message) == (
        "L'objectif (aucun OF rouge) est hors d'atteinte : il manque à INJECTION 10 h d'ici S48, plus que tous "
        "les leviers ne peuvent ajouter (relevez temp_max_headcount ou subcontract_max_hours_per_week, ou "
        "raccourcissez les délais de mise en place).",
        "The target (no red order) cannot be reached: INJECTION needs 10 h more by W48 than all levers can add: "
        "raise temp_max_headcount or subcontract_max_hours_per_week (or shorten the lead times).")
