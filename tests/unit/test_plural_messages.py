"""The sentences that put a count before a noun agree with it: in French 0 and 1 take the singular
("0 jour", "1 ✖ rouge"), in English only 1 does ("0 days", "1 day"). Oracles written by hand."""

from __future__ import annotations

import pytest

from sop_core.common.i18n import NBSP, translate

CASES = [
    ("production.tile.value", {"symbol": "✖"}, 1, "1 ✖ rouge", "1 ✖ red"),
    ("production.tile.value", {"symbol": "✖"}, 0, "0 ✖ rouge", "0 ✖ red"),
    ("production.tile.green", {"symbol": "✔"}, 2, "2 ✔ verts", "2 ✔ green"),
    ("agenda.stockout", {"subject": "A1"}, 0, "Risque de rupture sur A1 : 0 jour de couverture",
     "Stock-out risk on A1: 0 days of cover"),
    ("agenda.stockout", {"subject": "A1"}, 1, "Risque de rupture sur A1 : 1 jour de couverture",
     "Stock-out risk on A1: 1 day of cover"),
    ("agenda.red_order", {"subject": "OF7"}, 2, "OF7 : 2 jours ouvrés de retard projeté",
     "OF7: projected 2 working days late"),
    ("service.days", {}, 1.5, "1,5 jour", "1.5 days"),
    ("service.days", {}, 0, "0 jour", "0 days"),
    ("service.late_lines_count", {}, 1, "1 ligne en retard", "1 late line"),
    ("service.still_open_count", {}, 0, "0 encore ouverte", "0 still open"),
    ("service.tile.orders_help", {}, 1, "1 commande", "1 order"),
    ("home.families", {}, 1, "1 famille", "1 family"),
    ("home.workshops", {}, 0, "0 atelier", "0 workshops"),
    ("home.of_lines", {}, 1234, f"sur 1{NBSP}234 lignes importées", "of 1,234 order lines imported"),
    ("production.open_orders_count", {}, 1, "1 OF ouvert", "1 open manufacturing order"),
    ("production.reason.days", {}, 0, "0 jour ouvré", "0 working days"),
    ("forecast.recorded", {}, 1, "1 ajustement enregistré.", "1 adjustment recorded."),
    ("imports.outcome.read", {}, 1, "1 ligne lue", "1 row read"),
    ("imports.outcome.errors", {}, 0, "0 erreur", "0 errors"),
    ("imports.outcome.warnings", {}, 2, "2 avertissements", "2 warnings"),
    ("imports.summary.rejected", {}, 1, ", 1 rejetée", ", 1 rejected"),
    ("stock.tile.dead_help", {}, 1, "aucune demande depuis 1 mois", "no demand for 1 month"),
    ("stock.tile.turnover_help", {}, 1, "coût des ventes du dernier mois / valeur moyenne du stock",
     "cost of goods sold over the last month / average stock value"),
    ("cycle.did.freeze", {}, 1, "Prévision figée (1 ligne).", "Forecast frozen (1 row)."),
]


@pytest.mark.parametrize(("key", "params", "count", "french", "english"), CASES)
def test_counted_sentences_agree_with_their_count(key: str, params: dict[str, str], count: float, french: str,
                                                  english: str) -> None:
    assert translate(key, "fr", count=count, **params) == french
    assert translate(key, "en", count=count, **params) == english


def test_the_users_examples_read_right() -> None:
    """As reported at 1440x900: "1 ✖ rouges" and "0 jours de couverture"."""
    for count in (0, 1):
        assert "rouges" not in translate("production.tile.value", "fr", count=count, symbol="✖")
        assert "jours" not in translate("agenda.stockout", "fr", count=count, subject="A1")
