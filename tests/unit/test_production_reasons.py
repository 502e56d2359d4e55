"""The reason of an OF's status in French and in English, every sentence checked by hand.

The orders are written by hand with their codes (what `production.project` and `delays` write), so
each rule's wording is checked alone; the last tests go through the projection itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from sop_core.production.engine import daily_capacity, project
from sop_core.production.reasons import describe, with_reasons

NBSP = "\u00a0"
D = dt.date
T = pd.Timestamp


def order(codes: str, **columns: Any) -> dict[str, Any]:
    """An order of workshop INJECTION planned 02/11-20/11/2026, projected to end 02/12, 40% done of 60%."""
    return {"mo_id": "OF1", "reason_codes": codes, "workshop": "INJECTION", "planned_start": T("2026-11-02"),
            "planned_end": T("2026-11-20"), "actual_start": pd.NaT, "projected_end": T("2026-12-02"),
            "delay_days": pd.NA, "progress": 0.4, "expected_progress": 0.6, **columns}


def reason(codes: str, lang: str, **columns: Any) -> str:
    return str(describe(pd.DataFrame([order(codes, **columns)]), lang).iloc[0])


@pytest.mark.parametrize(("codes", "columns", "french", "english"), [
    # 16/11 and 30/11/2026 are the Mondays of ISO weeks 47 and 49: one run of three weeks.
    ("late:2026-11-16/2026-11-30", {"delay_days": 3},
     "en retard de 3 jours ouvrés : atelier INJECTION surchargé semaines S47–S49",
     "late 3 working days: INJECTION overloaded weeks W47–W49"),
    ("late:2026-11-02,2026-11-16/2026-11-23", {"delay_days": 12},
     "en retard de 12 jours ouvrés : atelier INJECTION surchargé semaines S45, S47–S48",
     "late 12 working days: INJECTION overloaded weeks W45, W47–W48"),
    ("late:2026-11-16", {"delay_days": 2},
     "en retard de 2 jours ouvrés : atelier INJECTION surchargé semaine S47",
     "late 2 working days: INJECTION overloaded week W47"),
    ("late", {"delay_days": 1}, "en retard de 1 jour ouvré (fin projetée 02/12)",
     "late 1 working day (projected end 02 Dec)"),
    ("on_time", {}, "à l'heure (fin projetée 02/12)", "on time (projected end 02 Dec)"),
    ("cannot_finish:120", {}, "ne peut pas finir dans les 120 jours à cette capacité",
     "cannot finish within 120 days at this capacity"),
    ("cannot_finish:1500", {}, f"ne peut pas finir dans les 1{NBSP}500 jours à cette capacité",
     "cannot finish within 1,500 days at this capacity"),
    ("past_end", {}, "date de fin prévue 20/11 dépassée, non terminé", "past its planned end 20 Nov and not finished"),
    ("started_late", {"actual_start": T("2026-11-05")}, "démarré en retard (début prévu 02/11, démarré 05/11)",
     "started late (planned start 02 Nov, started 05 Nov)"),
    ("not_started", {}, "non démarré, début prévu 02/11 dépassé", "not started, planned start 02 Nov passed"),
    ("behind", {}, f"en retard sur sa courbe d'avancement (40{NBSP}% fait, 60{NBSP}% attendu)",
     "behind its progress curve (40% done, 60% expected)"),
    ("no_hours;on_time", {},
     "heures inconnues (ni heures requises ni gamme) : sa charge n'est pas comptée ; à l'heure (fin projetée 02/12)",
     "no hours known (neither hours_required nor a routing time): its load is not counted; "
     "on time (projected end 02 Dec)"),
    ("late;past_end;behind", {"delay_days": 4},
     f"en retard de 4 jours ouvrés (fin projetée 02/12) ; date de fin prévue 20/11 dépassée, non terminé ; "
     f"en retard sur sa courbe d'avancement (40{NBSP}% fait, 60{NBSP}% attendu)",
     "late 4 working days (projected end 02 Dec); past its planned end 20 Nov and not finished; "
     "behind its progress curve (40% done, 60% expected)"),
])
def test_each_rule_in_french_and_english(codes: str, columns: dict[str, Any], french: str, english: str) -> None:
    assert reason(codes, "fr", **columns) == french
    assert reason(codes, "en", **columns) == english


def test_the_codes_become_the_reason_at_their_place() -> None:
    frame = pd.DataFrame([order("on_time"), order("past_end", mo_id="OF2")]).assign(status="green")
    worded = with_reasons(frame, "fr")
    assert list(worded.columns) == [c if c != "reason_codes" else "reason" for c in frame.columns]
    assert worded["reason"].tolist() == ["à l'heure (fin projetée 02/12)",
                                         "date de fin prévue 20/11 dépassée, non terminé"]
    assert describe(frame.iloc[:0], "en").empty


def test_an_unknown_code_or_a_frame_without_codes_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown reason code 'late_ish'"):
        reason("late_ish", "en")
    with pytest.raises(KeyError):  # a frame already worded, or not from the projection
        describe(pd.DataFrame([order("on_time")]).rename(columns={"reason_codes": "reason"}), "en")


def test_the_projection_s_reasons_in_french() -> None:
    """Workshop W: 8 h a working day from Monday 2/11/2026 (11/11 off). X (80 h due Friday 6/11) takes
    W45 and W46, both overloaded by the plan (80 h and 60 h planned): 5 working days late; A, started
    the Wednesday before, 8 h left, is on time but started late."""
    shops = pd.DataFrame({"workshop": ["W"], "headcount": [1.0], "hours_per_week": [40.0], "efficiency": [1.0]})
    orders = pd.DataFrame([
        {"mo_id": "X", "workshop": "W", "remaining_hours": 80, "planned_start": D(2026, 11, 2),
         "planned_end": D(2026, 11, 6), "actual_start": None},
        {"mo_id": "Y", "workshop": "W", "remaining_hours": 60, "planned_start": D(2026, 11, 9),
         "planned_end": D(2026, 11, 13), "actual_start": None},
        {"mo_id": "A", "workshop": "W", "remaining_hours": 0, "planned_start": D(2026, 10, 26),
         "planned_end": D(2026, 11, 13), "actual_start": D(2026, 10, 28)}])
    result = project(orders, daily_capacity(shops, D(2026, 11, 2), 730), D(2026, 11, 2)).set_index("mo_id")
    french = describe(result, "fr")
    assert french["X"] == "en retard de 5 jours ouvrés : atelier W surchargé semaines S45–S46"
    assert french["A"] == "à l'heure (fin projetée 02/11) ; démarré en retard (début prévu 26/10, démarré 28/10)"
