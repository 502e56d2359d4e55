"""The core's own errors (database, cycles, models) are said in the reader's language; their str()
stays English for logs and scripts."""

from __future__ import annotations

import pytest

from sop_core.common.messages import Message, MessageError
from sop_core.common.periods import Cycle
from sop_core.data.store import StoreBusyError, StoreError
from sop_core.forecast.models import get_model


def test_a_busy_database_names_the_process_in_both_languages() -> None:
    error = StoreBusyError(Message("store.busy.process", {"path": "data/sop.duckdb", "pid": "4242",
                                                          "program": "/usr/bin/python3"}))
    assert isinstance(error, StoreError) and isinstance(error, RuntimeError)
    assert error.render("fr").startswith(
        "La base data/sop.duckdb est restée utilisée par le processus 4242 (/usr/bin/python3) tout le temps")
    assert str(error).startswith("The database data/sop.duckdb stayed in use by process 4242 (/usr/bin/python3) ")


def test_a_malformed_cycle_says_the_format_in_both_languages() -> None:
    with pytest.raises(MessageError) as caught:
        Cycle.parse("2026-13")
    assert caught.value.render("fr") == "Un cycle est un mois écrit AAAA-MM (par exemple 2026-10), pas '2026-13'."
    assert str(caught.value) == "A cycle is a month written YYYY-MM (e.g. 2026-10), not '2026-13'."


def test_an_unknown_model_lists_the_known_ones_in_both_languages() -> None:
    with pytest.raises(ValueError) as caught:  # still a ValueError for the callers that catch one
        get_model("magic")
    assert isinstance(caught.value, MessageError)
    assert caught.value.render("fr").startswith("Modèle inconnu 'magic' : choisissez auto ou l'un de ")
    assert str(caught.value).startswith("Unknown model 'magic': use auto or one of ")
