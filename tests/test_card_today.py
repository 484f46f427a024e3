"""The card says what to do today: the headline is the day's action, a hold says when to
resume and what will be given then, and a hold card keeps its buttons on a phone's first
screen, in every language (`tests/phone.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dialogs import messages as m
from dialogs.card_today import HEAD_OMIT, ONCE_RECOVERED
from dialogs.dialog import handle_text
from dialogs.machine import Conversation
from dialogs.render import CONSOLE_RULE, FOLD_OPEN, Renderer
from locales import LANGUAGES
from rules import PlanRequest, make_plan
from rules.holds import RESUME_ANC, RESUME_GRADE, RESUME_LIVER
from rules.models import Plan
from tests.phone import phone_lines, visible, wrapped

LANGS = sorted(LANGUAGES)
CR2: dict[str, Any] = {"bsa_m2": "1.8", "cycle": 2, "response": "CR"}
#: The hold cards a ward round meets: each must fit the budget in every language.
HOLD_CARDS: dict[str, dict[str, Any]] = {
    "liver_row": {
        **CR2,
        "anc": "1.5",
        "platelets": "100",
        "bilirubin_uln": "2",
        "ast_uln": "3",
        "alt_uln": "3",
        "crcl_ml_min": "90",
        "sex": "male",
        "start_date": "2026-12-03",
    },
    "alt_grade_4": {**CR2, "alt_uln": "25", "day": 1},
    "bilirubin_grade_3": {**CR2, "bilirubin_uln": "3.5", "day": 1},
    "bilirubin_grade_2": {**CR2, "response": "none", "bilirubin_uln": "2.5", "day": 1},
    "anc": {**CR2, "anc": "0.6", "anc_baseline": "2", "platelets": "120", "day": 1},
    "platelets": {**CR2, "anc": "1.6", "platelets": "30", "platelets_baseline": "150"},
    "low_baseline": {
        **CR2,
        "anc": "0.6",
        "anc_baseline": "0.8",
        "platelets": "30",
        "platelets_baseline": "40",
        "day": 1,
    },
    "baseline_unknown": {**CR2, "anc": "0.6", "platelets": "30", "day": 1},
    "nonheme": {**CR2, "nonheme_grade": 3, "hsct_planned": True},
}

#: A hold card, the liver hold included, fits this many phone lines above the fold in every
#: language, so that its buttons stay on a phone's first screen.
HOLD_BUDGET = 14


def plan_of(fields: dict[str, Any]) -> Plan:
    return make_plan(PlanRequest.model_validate(fields))


def top_of(plan: Plan, lang: str, html: bool = True) -> str:
    """The card above the fold (the console's rule line stands for Telegram's fold)."""
    text = Renderer(lang, html=html).plan(plan)
    return text.split(FOLD_OPEN if html else "\n" + CONSOLE_RULE, 1)[0].rstrip("\n")


@pytest.mark.parametrize("lang", LANGS)
def test_the_omitted_day_headline_never_starts_with_give(lang: str) -> None:
    plan = plan_of({**CR2, "day": 8, "interruption_days": 9})
    assert plan.day_action == "omit" and plan.decision == "give"
    renderer = Renderer(lang)
    top = top_of(plan, lang, html=False)
    first = visible(top).split("\n")[0]
    assert not first.startswith("✅")
    give = renderer.text("✅ GIVE: cycle {cycle}", {"cycle": 2})
    assert give.split(":")[0] not in first  # the word of "give" is not the headline's
    expected = visible(renderer.text(HEAD_OMIT, {"day": 8, "cycle": 2}))
    assert first.startswith(expected)
    # Then the next dose, with its mg.
    assert visible(renderer.value(plan.doses[-1].mg)) in visible(top).split("\n")[4]


def test_the_omitted_day_names_the_next_dose_with_its_date() -> None:
    plan = plan_of({**CR2, "day": 8, "interruption_days": 9, "start_date": "2026-12-03"})
    assert "\nNext dose: Day 15 (Dec 17, 2026), 0.9 mg\n" in top_of(plan, "en", html=False)


def test_a_given_day_headline_names_that_days_mg_and_a_late_one_is_not_give() -> None:
    assert top_of(plan_of({**CR2, "day": 8}), "en").startswith(
        "<b>✅ GIVE Day 8: 0.9 mg (cycle 2) · USPI"
    )
    late = top_of(plan_of({**CR2, "day": 8, "interruption_days": 3}), "en", html=False)
    assert late.startswith("⏱ Day 8 LATE: 0.9 mg, at least 6 days after the previous dose")
    assert not top_of(plan_of(CR2), "en").startswith("<b>✅ GIVE Day")  # no day given


@pytest.mark.parametrize("lang", LANGS)
def test_the_hold_line_says_when_to_resume_and_the_doses_once_recovered(lang: str) -> None:
    plan = plan_of(HOLD_CARDS["anc"])
    renderer = Renderer(lang)
    top = visible(top_of(plan, lang, html=False))
    resume = visible(renderer.text(RESUME_ANC, {"anc_min": 1}))
    hold = next(line for line in top.split("\n") if line.startswith("⛔"))
    assert resume in hold and visible(renderer.value(plan.warnings[0].params["anc"])) in hold
    once = visible(renderer.text(ONCE_RECOVERED, {"doses": ""})).strip(" :：")
    assert once and once in top
    assert visible(renderer.value(plan.doses_once_recovered[0].mg)) in top
    assert plan.doses == []


@pytest.mark.parametrize("case", sorted(HOLD_CARDS))
@pytest.mark.parametrize("lang", LANGS)
def test_a_hold_card_fits_the_budget_above_the_fold(lang: str, case: str) -> None:
    plan = plan_of(HOLD_CARDS[case])
    assert plan.decision == "hold"
    top = top_of(plan, lang)
    shown = "\n".join(f"{wrapped(line):>2} {line}" for line in visible(top).split("\n"))
    assert phone_lines(top) <= HOLD_BUDGET, shown
    # The reason is on the card above the fold, said in one line with its recovery.
    assert any(line.startswith(("⛔", "⚠️")) for line in visible(top).split("\n")[2:]), shown


def test_the_liver_hold_moves_the_grading_into_the_folded_part() -> None:
    plan = plan_of(HOLD_CARDS["bilirubin_grade_2"])
    text = Renderer("en").plan(plan)
    top, _, folded = text.partition("\n─")
    assert "CTCAE v5" not in top and "CTCAE v5" in folded
    assert "⛔ Bilirubin 2.5 > 1.5 ×ULN (grade ≥ 2), Table 3: hold; resume at grade ≤ 1" in top
    liver = plan_of(HOLD_CARDS["liver_row"])
    line = Renderer("en").text(RESUME_LIVER, {"bilirubin_max": 1.5, "transaminase_max": 2.5})
    assert line in top_of(liver, "en")


def test_table_3_first_row_opens_the_liver_hold_line() -> None:
    top = top_of(plan_of(HOLD_CARDS["alt_grade_4"]), "en", html=False)
    (line,) = [line for line in top.split("\n") if line.startswith("⛔")]  # one line, both rows
    assert line.startswith("⛔ Liver grade ≥ 3: if severe (clinician's call), discontinue")
    assert (
        "AST/ALT 25 > 3 ×ULN" in line
        and Renderer("en").text(RESUME_GRADE, {"nonheme_recovery_grade": 1}) in line
    )


@pytest.mark.parametrize("lang", LANGS)
def test_no_placeholder_dash_for_a_liver_value_not_entered(lang: str) -> None:
    for fields in (
        {**CR2, "alt_uln": "4"},
        {**CR2, "bilirubin_uln": "2"},
        {**CR2, "ast_uln": "2.8"},
    ):
        text = Renderer(lang).plan(plan_of(fields))
        assert "AST –" not in text and "ALT –" not in text and " – ×ULN" not in text
        assert "–," not in text


def test_one_boxed_warning_line_and_never_boxed_under_the_eu_profile() -> None:
    us = top_of(plan_of({**CR2, "hsct_planned": True}), "en", html=False)
    assert us.count("Boxed warning") == 1 and "▾" not in us
    assert "⚠️ Boxed warning: hepatotoxicity, VOD/SOS; mortality after HSCT" in us
    eu_text = Renderer("en").plan(plan_of({**CR2, "hsct_planned": True, "label": "EU"}))
    assert "Boxed" not in eu_text and "⚠️ Warnings (SmPC 4.4): hepatotoxicity, VOD/SOS" in eu_text


@pytest.mark.parametrize("flag", ["hypersensitivity", "prior_vod"])
def test_an_eu_contraindication_heads_the_card(flag: str) -> None:
    text = Renderer("en").plan(plan_of({**CR2, "label": "EU", flag: True}))
    assert text.startswith("⛔ CONTRAINDICATED: do not give Besponsa · SmPC")
    assert "⏸" not in text.split("\n")[0] and "SmPC 4.3 (02/2022)" in text


def test_cycle_3_without_cr_says_it_is_the_last_cycle_to_reach_it() -> None:
    text = Renderer("en").plan(plan_of({**CR2, "cycle": 3, "response": "none"}))
    assert "cycle 3 is the last cycle to reach CR/CRi" in text


def test_age_not_entered_is_named_and_a_child_under_18_us_gets_its_lines() -> None:
    top = top_of(plan_of({"bsa_m2": "0.3", "cycle": 1}), "en", html=False)
    assert "⚠️ Age not entered (USPI: 1 year and older)" in top
    eu = top_of(plan_of({"bsa_m2": "0.6", "cycle": 1, "label": "EU"}), "en", html=False)
    assert "⚠️ Age not entered (SmPC: adults, 18+)" in eu
    child = Renderer("en").plan(plan_of({"bsa_m2": "0.6", "cycle": 1, "age_years": 6}))
    assert "USPI 2.4" in child and "ASCO" not in child and "patient under 18" in child


@pytest.mark.parametrize("lang", LANGS)
def test_the_read_back_names_every_field_that_shaped_the_plan(lang: str) -> None:
    fields = {
        **CR2,
        "day": 8,
        "dose_level": 1,
        "interruption_days": 3,
        "hsct_planned": True,
        "mrd_negative": False,
        "label": "EU",
        "age_years": "45",
        "sex": "female",
        "last_dose_date": "2026-11-20",
        "gilbert_or_hemolysis": True,
        "vod": False,
        "nonheme_grade": 1,
        "cytopenia_days": 5,
    }
    renderer = Renderer(lang)
    plan = plan_of(fields)
    full = visible(renderer.read_back(plan) or "")
    short = visible(renderer.read_back_short(plan) or "")
    assert full and short
    for label in (
        m.LABEL_DAY,
        m.LABEL_DOSE_LEVEL,
        m.LABEL_INTERRUPTION,
        m.LABEL_HSCT,
        m.LABEL_MRD,
        m.LABEL_AGE,
        m.LABEL_LAST_DOSE,
        m.LABEL_GILBERT,
        m.LABEL_CYTOPENIA,
    ):
        shown = visible(renderer.gettext(label))
        assert shown in full and shown in short, label
    assert visible(renderer.gettext(m.FEMALE)) in short  # sex in words
    assert visible(renderer.value("2026-11-20")) in short  # the last dose date as a date
    assert visible(renderer.text(m.TOX_NONHEME, {"grade": 1})) in short
    assert "SmPC 02/2022" in full


def test_not_checked_names_only_what_could_change_this_plan() -> None:
    def unchecked(text: str) -> tuple[str, ...]:
        replies = handle_text(Conversation(), text, dt.date(2026, 12, 6))
        return next(reply for reply in replies if reply.kind == "plan").unchecked

    day_8 = unchecked("bsa=1.8 cycle=2 response=CR day=8")
    assert m.LABEL_ANC not in day_8 and m.LABEL_PLATELETS not in day_8  # Table 2: Day 1 only
    assert m.LABEL_LIVER in day_8 and m.LABEL_AGE in day_8
    day_1 = unchecked("bsa=1.8 cycle=2 response=CR")
    assert m.LABEL_ANC in day_1 and m.LABEL_PLATELETS in day_1
    assert m.LABEL_AGE not in unchecked("bsa=1.8 cycle=2 response=CR age=40")


def _plan_reply_after(*texts: str) -> Any:
    conversation = Conversation()
    replies: list[Any] = []
    for text in texts:
        replies = handle_text(conversation, text, dt.date(2026, 12, 6))
    return conversation, replies


def test_eu_contraindications_hypersensitivity_from_the_quick_form() -> None:
    _, replies = _plan_reply_after("bsa=1.8 cycle=1 label=EU hypersensitivity yes day=1 blasts=0")
    plan = next(reply for reply in replies if reply.kind == "plan").plan
    assert plan.decision == "discontinue" and plan.day_action == "discontinue"
    assert Renderer("en").plan(plan).startswith("⛔ CONTRAINDICATED")


def test_dose_reduction_reading_is_asked_by_the_dialog_in_its_rare_case() -> None:
    conversation, replies = _plan_reply_after(
        "bsa=1.8 cycle=2 response=CR level=1 interruption=15 day=1"
    )
    assert conversation.state == "ask_level_includes"
    _, replies = conversation, handle_text(conversation, "yes", dt.date(2026, 12, 6))
    plan = next(reply for reply in replies if reply.kind == "plan").plan
    assert plan.dose_level == 1 and plan.dose_level_reading == "includes_interruption"
    # Not asked when it cannot matter: level 0, or an interruption under 14 days.
    conversation, replies = _plan_reply_after("bsa=1.8 cycle=2 response=CR level=1 interruption=9")
    assert conversation.state != "ask_level_includes"
    # The quick form takes it too.
    _, replies = _plan_reply_after(
        "bsa=1.8 cycle=2 response=CR level=1 interruption=15 day=1 level_includes no"
    )
    plan = next(reply for reply in replies if reply.kind == "plan").plan
    assert plan.dose_level == 2 and plan.dose_level_reading_stated


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_shows_no_placeholder_for_a_liver_value_not_entered(lang: str) -> None:
    from decimal import Decimal

    from dialogs.draft import Draft
    from dialogs.summary import SHOW

    shown = visible(Renderer(lang).value(SHOW["opt_liver"](Draft(alt_uln=Decimal("3")))))
    assert "–" not in shown and "ALT 3" in shown and "AST" not in shown
