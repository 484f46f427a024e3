"""The dose card: decision and doses on the first screen, info lines folded.

The budget counts the lines of the unfolded part on a phone (`tests/phone.py`: word-wrapped at
45 columns, wide characters as two, markup and direction marks removed), in every language,
with and without a Day 1 date; the whole card is held to Telegram's 4,096 characters, split at
a row boundary when it must be. What is shortened above the fold is whole in the folded part.
"""

from __future__ import annotations

import re

import pytest

from bot.sending import MAX_MESSAGE, split_message
from dialogs.card_today import boxed_line as boxed_line_of
from dialogs.render import BSA_LINE, CONSOLE_RULE, FOLD_CLOSE, FOLD_OPEN, Renderer
from locales import LANGUAGES
from rules import PlanRequest, make_plan
from tests.phone import PHONE_COLUMNS, phone_lines, visible, wrapped

#: A card shows at most this many phone lines before the fold, so that its buttons stay on a
#: phone's first screen: the cycle-2 give case here, and every hold card of
#: tests/test_card_today.py. (It was 12 for the give case before the population caution for a
#: missing age and the read-back of every field that shaped the plan came onto the card, and 14
#: before the line naming the site's protocol, or saying it is a draft: dialogs/protocol_lines.py.)
#: A hold card keeps to 14 (tests/test_card_today.py, HOLD_BUDGET).
UNFOLDED_BUDGET = 15
#: A dose row, with its date and window, takes at most two phone lines in any language.
MAX_ROW_LINES = 2
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


#: A check code, as the transport gives every plan it stores (bot/receipts.py).
CODE = "K7QM-2XPA"


def card(fields: dict[str, object], lang: str = "en", html: bool = True) -> str:
    plan = make_plan(PlanRequest.model_validate(fields)).model_copy(update={"receipt": CODE})
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
    text = card(fields, lang)
    top = text.split(FOLD_OPEN, 1)[0].rstrip("\n")
    shown = "\n".join(f"{wrapped(line):>2} {line}" for line in visible(top).split("\n"))
    assert phone_lines(top) <= UNFOLDED_BUDGET, shown
    rows = unfolded(text)[2 : 2 + len(plan.doses)]
    assert all(wrapped(visible(row)) <= MAX_ROW_LINES for row in rows), shown
    assert all("mg/m²" in row or "мг/м²" in row for row in rows), shown


def test_the_budget_can_fail_the_old_card_took_twice_the_lines() -> None:
    """The card of before (one text line for each item, long lines) measured 26 phone lines."""
    old = "\n".join(
        [
            "<b>✅ GIVE: cycle 2</b>",
            "Read: Body 1.8 m² · Cycle 2 · Response CR · ANC 1.5 ×10⁹/L · Platelets 120 ×10⁹/L"
            " · bilirubin 1 ×ULN · AST 1 ×ULN · ALT 1 ×ULN · CrCl 90 mL/min",
            "US label (USPI 03/2024) · BSA 1.8 m² (as entered)",
            "Day 8: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial · Dec 10, 2026 (window Dec 9 – 12)",
        ]
    )
    assert len(old.split("\n")) == 4 and phone_lines(old) == 9


def test_the_phone_measure_wraps_words_and_counts_wide_characters_twice() -> None:
    assert PHONE_COLUMNS == 45
    assert phone_lines("") == 1 and phone_lines("a\n\nb") == 3
    assert phone_lines("x" * 45) == 1 and phone_lines("x" * 46) == 2  # a word is broken
    assert phone_lines(("word " * 9).strip()) == 1 and phone_lines(("word " * 10).strip()) == 2
    assert phone_lines("给" * 22) == 1 and phone_lines("给" * 23) == 2  # two columns each
    assert phone_lines("<b>" + "x" * 45 + "</b>") == 1  # markup is not shown
    assert phone_lines("\u200f\u2066" + "x" * 45 + "\u2069") == 1  # nor direction marks
    assert phone_lines("&lt;" + "x" * 44) == 1  # an entity is one character
    assert phone_lines("⚠️ " + "x" * 42) == 1 and phone_lines("⚠️ " + "x" * 43) == 2


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_nothing_shortened_above_the_fold_is_missing_below(lang: str) -> None:
    fields = {**CYCLE_2_GIVE, "start_date": "2026-12-03", "hsct_planned": True}
    plan = make_plan(PlanRequest.model_validate(fields)).model_copy(update={"receipt": CODE})
    renderer = Renderer(lang, html=True)
    text = renderer.plan(plan)
    top, folded = text.split(FOLD_OPEN)
    for warning in plan.warnings:  # each warning whole, with its source, in the card
        assert renderer.warning(warning) in text, warning.code
    boxed = [w for w in plan.warnings if w.code.startswith("boxed_")]
    assert len(boxed) == 2 and all(renderer.warning(w) in folded for w in boxed)
    assert all(renderer.warning(w) not in top for w in boxed) and "▾" not in top
    boxed_line = boxed_line_of(renderer, plan)  # both boxed warnings, on one line
    assert boxed_line is not None and top.count(boxed_line) == 1
    read_back = renderer.read_back(plan)
    assert read_back is not None and read_back in folded  # as typed, every value
    bsa = renderer.text(BSA_LINE[plan.bsa_method], {"bsa": plan.bsa_m2})
    assert f"{renderer.label_name(plan)} · {bsa}" in folded  # the revision and the BSA method
    assert plan.receipt is not None and text.count(plan.receipt) >= 2
    assert renderer.vial_line(plan) in folded


def test_card_order_decision_rows_warnings_then_the_folded_info() -> None:
    text = card({**CYCLE_2_GIVE, "start_date": "2026-12-03"})
    top, folded = text.split(FOLD_OPEN)
    lines = top.rstrip("\n").split("\n")
    assert lines[0] == "<b>✅ GIVE: cycle 2 · USPI · BSA 1.8 m²</b>"
    assert lines[1].startswith("Read: ")
    first_row = next(i for i, line in enumerate(lines) if line.startswith("Day 1 · "))
    boxed = next(i for i, line in enumerate(lines) if line.startswith("⚠️ Boxed warning"))
    assert first_row < boxed
    # The boxed warning stays unfolded; every info line is folded, none above the fold.
    assert "ℹ️" not in top
    assert folded.endswith(FOLD_CLOSE) and folded.count("ℹ️") >= 4
    assert "Premedicate" in folded and "QT" in folded and "Rules " in folded
    assert text.count(FOLD_OPEN) == 1 and text.count(FOLD_CLOSE) == 1


def test_dates_windows_and_the_next_cycle_are_on_the_card() -> None:
    text = card({**CYCLE_2_GIVE, "start_date": "2026-12-03"}, html=False)
    assert "\nDay 1 · Dec 3: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial\n" in text
    assert (
        "\nDay 8 · Dec 10 (window Dec 9\u2009–\u200912): 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial\n"
        in text
    )
    assert "(window Dec 15\u2009–\u200919)" in text
    top, _, folded = text.partition("\n" + CONSOLE_RULE + "\n")
    assert "at least 6 days after the previous dose" in folded
    assert "Next cycle: Day 1 on Dec 31, 2026 at the earliest" in folded
    assert "Next cycle" not in top and "Total" not in top
    first = card({**CYCLE_2_GIVE, "cycle": 1, "start_date": "2026-12-03"}, html=False)
    assert "Day 1 on Dec 24, 2026 at the earliest (Dec 31, 2026 if extended)" in first


def test_the_header_and_the_short_read_back() -> None:
    text = card({**CYCLE_2_GIVE, "start_date": "2026-12-03"}, html=False)
    lines = text.split("\n")
    assert lines[0] == "✅ GIVE: cycle 2 · USPI · BSA 1.8 m²"
    assert lines[1] == (
        "Read: CR · ANC 1.5, Platelets 120 ×10⁹/L · bilirubin 1, AST 1, ALT 1 ×ULN · CrCl 90 mL/min"
        " · Male"
    )
    assert "⚠️ Boxed warning: hepatotoxicity, VOD/SOS" in lines and "▾" not in text
    assert lines[7] == f"Receipt {CODE}" and lines[9] == CONSOLE_RULE
    assert lines[8] == "DRAFT: not signed by the site's pharmacy"  # no protocol file
    eu = card({**CYCLE_2_GIVE, "label": "EU", "response": "none"}, html=False)
    assert eu.startswith("✅ GIVE: cycle 2 · SmPC · BSA 1.8 m²\nRead: no CR/CRi · ANC 1.5")


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
