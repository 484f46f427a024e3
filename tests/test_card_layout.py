"""The dose card (issue 15): decision and doses on the first screen, info lines folded.

The budget counts the lines of the unfolded part as the client lays them out (one per text
line: every unfolded line is kept short, see `MAX_UNFOLDED_ROW`), and the whole card against
Telegram's 4,096 characters, split at a row boundary when it must be.
"""

from __future__ import annotations

import re

import pytest

from bot.handlers import MAX_MESSAGE, split_message
from dialogs.render import CONSOLE_RULE, FOLD_CLOSE, FOLD_OPEN, Renderer
from locales import LANGUAGES
from rules import PlanRequest, make_plan

#: Issue 15: a cycle-2 give case shows at most this many lines before the fold.
UNFOLDED_BUDGET = 12
#: A dose row with its date and window still fits in two lines of a phone (about 45 characters
#: a line in portrait): measured on the English card.
MAX_UNFOLDED_ROW = 90
CYCLE_2_GIVE: dict[str, object] = {
    "bsa_m2": "1.8",
    "cycle": 2,
    "response": "CR",
    "anc": "1.5",
    "platelets": "120",
    "bilirubin_uln": "1",
    "ast_uln": "1",
    "alt_uln": "1",
    "crcl_ml_min": "90",
    "sex": "male",
}
WORST: dict[str, object] = {
    # Many warnings at once: a long card in a long language.
    "bsa_m2": "3.4",
    "cycle": 3,
    "response": "none",
    "hsct_planned": True,
    "anc": "0.5",
    "platelets": "20",
    "anc_baseline": "0.8",
    "platelets_baseline": "40",
    "bilirubin_uln": "2",
    "ast_uln": "3",
    "alt_uln": "3",
    "crcl_ml_min": "10",
    "nonheme_grade": 3,
    "infusion_reaction": "severe",
    "interruption_days": 30,
    "sex": "female",
    "pregnant": True,
    "breastfeeding": True,
    "age_years": "12",
    "start_date": "2026-12-03",
    "last_dose_date": "2026-11-20",
}


def card(fields: dict[str, object], lang: str = "en", html: bool = True) -> str:
    plan = make_plan(PlanRequest.model_validate(fields))
    return Renderer(lang, html=html).plan(plan)


def unfolded(text: str) -> list[str]:
    return text.split(FOLD_OPEN, 1)[0].rstrip("\n").split("\n")


@pytest.mark.parametrize("start_date", [None, "2026-12-03"])
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_cycle_2_give_card_fits_the_budget_above_the_fold(
    lang: str, start_date: str | None
) -> None:
    fields = {**CYCLE_2_GIVE, **({"start_date": start_date} if start_date else {})}
    plan = make_plan(PlanRequest.model_validate(fields))
    assert plan.decision == "give"
    assert {w.severity for w in plan.warnings} <= {"caution", "info"}
    lines = unfolded(card(fields, lang))
    assert len(lines) <= UNFOLDED_BUDGET, "\n".join(lines)
    if lang == "en":
        rows = [line for line in lines if line.startswith("Day ")]
        assert len(rows) == 3
        assert all(len(row) <= MAX_UNFOLDED_ROW for row in rows), rows


def test_card_order_decision_rows_warnings_then_the_folded_info() -> None:
    text = card({**CYCLE_2_GIVE, "start_date": "2026-12-03"})
    top, folded = text.split(FOLD_OPEN)
    lines = top.rstrip("\n").split("\n")
    assert lines[0] == "<b>✅ GIVE: cycle 2</b>"
    first_row = next(i for i, line in enumerate(lines) if line.startswith("Day 1:"))
    boxed = next(i for i, line in enumerate(lines) if line.startswith("⚠️ Boxed warning"))
    assert first_row < boxed
    # The boxed warning stays unfolded; every info line is folded, none above the fold.
    assert "ℹ️" not in top
    assert folded.endswith(FOLD_CLOSE) and folded.count("ℹ️") >= 4
    assert "Premedicate" in folded and "QT" in folded and "Rules " in folded
    assert text.count(FOLD_OPEN) == 1 and text.count(FOLD_CLOSE) == 1


def test_dates_windows_and_the_next_cycle_are_on_the_card() -> None:
    text = card({**CYCLE_2_GIVE, "start_date": "2026-12-03"}, html=False)
    assert "Day 1: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial · Dec 3, 2026\n" in text
    assert (
        "Day 8: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial · Dec 10, 2026 (window Dec 9\u2009–\u200912)"
        in text
    )
    assert "(window Dec 15\u2009–\u200919)" in text
    assert "at least 6 days after the previous dose" in text
    assert "Next cycle: Day 1 on Dec 31, 2026 at the earliest" in text
    first = card({**CYCLE_2_GIVE, "cycle": 1, "start_date": "2026-12-03"}, html=False)
    assert "Day 1 on Dec 24, 2026 at the earliest (Dec 31, 2026 if extended)" in first


def test_the_console_prints_the_folded_part_after_a_rule_line() -> None:
    text = card(CYCLE_2_GIVE, html=False)
    top, _, folded = text.partition("\n" + CONSOLE_RULE + "\n")
    assert folded and "ℹ️" not in top and "ℹ️ Premedicate" in folded
    assert FOLD_OPEN not in text


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_card_fits_telegram_or_is_split_at_a_row_with_the_fold_balanced(lang: str) -> None:
    text = card(WORST, lang)
    parts = split_message(text)
    assert all(len(part) <= MAX_MESSAGE for part in parts)
    for part in parts:
        assert part.count(FOLD_OPEN) == part.count(FOLD_CLOSE)


def test_a_long_card_is_split_at_row_boundaries_and_the_fold_reopened() -> None:
    text = card(WORST)
    parts = split_message(text, limit=600)
    assert len(parts) > 2
    for part in parts:
        assert len(part) <= 600
        assert part.count(FOLD_OPEN) == part.count(FOLD_CLOSE) <= 1
    # Nothing lost but the added tags; each line whole.
    joined = "\n".join(parts).replace(FOLD_CLOSE + "\n" + FOLD_OPEN, "\n")
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)
