"""The dose rows of the reply say exactly what to prepare: omitted rows carry no
mg, mL or vials; level 2 prints no dose and no total and says why; rows start at the day."""

from __future__ import annotations

from typing import Any

import pytest

from dialogs.render import Renderer
from rules import PlanRequest, make_plan


def plan_text(lang: str = "en", **fields: Any) -> str:
    fields.setdefault("bsa_m2", "1.8")
    return Renderer(lang).plan(make_plan(PlanRequest.model_validate(fields)))


def dose_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Day ")]


def test_rows_start_at_the_planned_day_and_the_total_is_the_cycles() -> None:
    text = plan_text(cycle=1, day=8)
    assert dose_rows(text) == [
        "Day 8: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial",
        "Day 15: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial",
    ]
    assert "Total 1.8 mg/m² = 3.24 mg" in text


def test_omitted_row_shows_no_amounts() -> None:
    text = plan_text(cycle=2, response="CR", day=8, interruption_days=9)
    rows = dose_rows(text)
    assert rows[0] == "Day 8: omitted (label Table 4), nothing to prepare"
    assert rows[1].startswith("Day 15: 0.5 mg/m²")
    assert "mg" not in rows[0] and "mL" not in rows[0] and "vial" not in rows[0]


def test_last_dose_omitted_holds_and_still_shows_the_omitted_row() -> None:
    text = plan_text(cycle=2, response="CR", day=15, interruption_days=9)
    # The cycle holds (no dose left in it); the day asked about is omitted, and says so first.
    assert text.startswith("⏭ Day 15 OMITTED: nothing to prepare today (cycle 2)")
    assert dose_rows(text) == ["Day 15: omitted (label Table 4), nothing to prepare"]
    assert "\nNo further dose in this cycle.\n" in text


def test_level_two_prints_no_dose_and_no_total_and_says_why() -> None:
    text = plan_text(cycle=3, response="CR", dose_level=2)
    assert dose_rows(text) == []
    assert "Total" not in text and "mg/m² =" not in text
    assert "neither the amounts nor the days" in text and "Cycle length 28 days" in text


def test_level_applied_after_a_long_interruption_shows_the_reduced_total_only() -> None:
    text = plan_text(cycle=2, response="none", interruption_days=16)
    assert dose_rows(text) == []
    assert "Reduced total for this cycle: 1.35 mg/m² = 2.43 mg" in text


@pytest.mark.parametrize("lang", ["de", "es", "fr", "it", "pt_BR", "pt_PT", "ru", "zh", "ar"])
def test_new_rows_are_translated(lang: str) -> None:
    omitted = plan_text(lang, cycle=2, response="CR", day=8, interruption_days=9)
    level_two = plan_text(lang, cycle=3, response="CR", dose_level=2)
    assert "omitted (label" not in omitted and "nothing to prepare" not in omitted
    assert "neither the amounts" not in level_two and "Cycle length" not in level_two
