"""Scripted dialogs through the real machine, rules core included: every guided path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dialogs import messages as m
from dialogs.dialog import handle_choice, handle_text, start
from dialogs.machine import IDLE, PLAN, STATES, SUMMARY, Conversation
from dialogs.replies import Reply

TODAY = dt.date(2026, 11, 25)


def say(conversation: Conversation, *texts: str) -> list[Reply]:
    replies: list[Reply] = []
    for text in texts:
        replies = handle_text(conversation, text, TODAY)
    return replies


def plan_of(replies: list[Reply]):  # type: ignore[no-untyped-def]
    plans = [reply.plan for reply in replies if reply.kind == "plan"]
    assert plans, [reply.key for reply in replies]
    return plans[-1]


def test_start_greets_and_asks_body() -> None:
    conversation = Conversation()
    replies = start(conversation)
    # One message: the welcome leads the first question (one send instead of two).
    assert len(replies) == 1 and replies[0].lead == m.WELCOME
    assert replies[0].kind == "prompt" and conversation.state == "ask_body"


def test_cycle_one_guided_path_to_plan() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1,8")
    assert conversation.state == "ask_cycle"
    say(conversation, "1")
    assert conversation.state == "opt_age", "the age is asked in cycle 1"
    say(conversation, "adult")
    assert conversation.state == "ask_hsct", "no response question in cycle 1"
    say(conversation, "no", "2.1", "150")
    assert conversation.state == "ask_blasts", "blasts are asked in cycle 1"
    replies = say(conversation, "0")
    assert conversation.state == PLAN, "the last answer gives the plan, as the quick form does"
    plan = plan_of(replies)
    assert plan.decision == "give"
    assert [dose.mg for dose in plan.doses] == [Decimal("1.44"), Decimal("0.9"), Decimal("0.9")]
    assert plan.cycle_length_days == 21


def test_later_cycle_after_cr_asks_response_and_gives_three_equal_doses() -> None:
    conversation = Conversation()
    say(conversation, "180 cm 75 kg", "2")
    assert conversation.state == "ask_response"
    say(conversation, "CR", "no", "1.5", "80")
    assert conversation.state == "opt_liver", "no blasts question after cycle 1; liver tests"
    plan = plan_of(say(conversation, "/normal"))
    assert plan.bsa_method == "mosteller"
    assert {dose.mg_per_m2 for dose in plan.doses} == {Decimal("0.5")}
    assert plan.cycle_length_days == 28


def test_later_cycle_without_response_uses_the_cycle_one_split() -> None:
    conversation = Conversation()
    plan = plan_of(say(conversation, "1.8", "2", "none", "no", "1.5", "80", "/normal"))
    assert [dose.mg_per_m2 for dose in plan.doses] == [
        Decimal("0.8"),
        Decimal("0.5"),
        Decimal("0.5"),
    ]


def test_low_anc_asks_for_baseline_and_holds() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "CR", "no", "0.6")
    assert conversation.state == "ask_anc_baseline"
    say(conversation, "1.5", "80")
    assert conversation.draft.day == 1, "a cycle tapped is Day 1 of that cycle: no day question"
    assert conversation.state == "opt_liver"
    plan = plan_of(say(conversation, "/normal"))
    assert plan.decision == "hold"
    assert "hold_anc" in {warning.code for warning in plan.warnings}


def test_low_platelets_baseline_can_be_skipped_as_unknown() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "CR", "no", "1.5", "30")
    assert conversation.state == "ask_platelets_baseline"
    say(conversation, "/skip")
    assert conversation.state == "opt_liver"
    assert plan_of(say(conversation, "/normal")).decision == "hold"


def test_liver_hold_through_the_optional_step() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "none", "no", "1.5", "80")
    assert conversation.state == "opt_liver", "from cycle 2 the liver tests are asked"
    say(conversation, "2 3 3")
    assert conversation.state == "ask_gilbert", "raised bilirubin asks about Gilbert's"
    plan = plan_of(say(conversation, "no"))
    assert plan.decision == "hold"
    assert "hold_liver" in {warning.code for warning in plan.warnings}


def test_back_returns_to_the_previous_question_and_keeps_answers() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2")
    say(conversation, "/back")
    assert conversation.state == "ask_cycle"
    assert conversation.draft.cycle == 2  # type: ignore[attr-defined]
    say(conversation, "/back")
    assert conversation.state == "ask_body"
    replies = say(conversation, "/back")
    assert conversation.state == "ask_body" and replies[0].kind == "notice"


def test_low_count_on_day_8_is_not_held() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2 d8", "CR", "no", "0.4", "2", "80")
    assert conversation.state == "opt_interruption", "a dose on Day 8 may be late"
    say(conversation, "0")
    assert plan_of(say(conversation, "/normal")).decision == "give"


def test_quick_form_dose_day() -> None:
    conversation = Conversation()
    form = "bsa=1.8 cycle=2 response=CR anc=0.4 anc0=2 plt=80 day=8"
    assert plan_of(say(conversation, form)).decision == "give"
    assert plan_of(say(conversation, "day 1")).decision == "hold"
    replies = say(conversation, "day 9")
    assert any(reply.kind == "problem" for reply in replies)
    assert conversation.draft.day == 1  # type: ignore[attr-defined]


def test_edit_from_summary_gives_the_new_plan() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "CR", "no", "1.5", "80", "/normal", "/summary")
    assert conversation.state == SUMMARY
    replies = say(conversation, "/edit cycle", "3")
    assert conversation.state == PLAN and plan_of(replies).cycle == 3
    assert conversation.draft.cycle == 3  # type: ignore[attr-defined]


def test_edit_that_makes_a_new_question_relevant_asks_it() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "1", "adult", "no", "1.5", "80", "0")
    assert conversation.state == PLAN
    say(conversation, "/edit cycle", "2")
    assert conversation.state == "ask_response"


def test_quick_form_complete_gives_the_plan_at_once() -> None:
    conversation = Conversation()
    replies = say(conversation, "bsa=1.8 cycle=2 response=CR anc=1.5 plt=80")
    assert conversation.state == PLAN
    plan = plan_of(replies)
    assert plan.total_mg == Decimal("2.7")


def test_quick_form_partial_asks_only_what_is_missing() -> None:
    conversation = Conversation()
    say(conversation, "bsa=1.8 cycle=2 anc=1.5 plt=80")
    assert conversation.state == "ask_response"
    replies = say(conversation, "CRi")
    assert conversation.state == PLAN
    assert plan_of(replies).decision == "give"


def test_quick_form_names_what_it_did_not_check() -> None:
    conversation = Conversation()
    replies = say(conversation, "bsa=1.8 cycle=2 response=CR")
    plan_reply = next(reply for reply in replies if reply.kind == "plan")
    assert "Platelets" in plan_reply.unchecked and "ANC" in plan_reply.unchecked


def test_after_a_plan_one_change_gives_a_new_plan() -> None:
    conversation = Conversation()
    say(conversation, "bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80")
    say(conversation, "plt 40")
    assert conversation.state == "ask_platelets_baseline", "a low count asks its baseline"
    say(conversation, "100")
    assert conversation.state == "ask_day"
    replies = say(conversation, "1")
    assert conversation.state == PLAN
    assert plan_of(replies).decision == "hold"


def test_restart_and_cancel_erase_answers() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2")
    say(conversation, "/new")
    assert conversation.state == "ask_body" and conversation.answers() == {}
    say(conversation, "1.8", "/cancel")
    assert conversation.state == IDLE and conversation.answers() == {}
    say(conversation, "/start")
    assert conversation.state == "ask_body"


GARBAGE = ["", "   ", "abc", "-1", "nan", "1e3", "1_8", "🙂", "x" * 2000, "/nonsense", "9999999"]


@pytest.mark.parametrize("text", GARBAGE)
def test_bad_input_at_every_step_stays_and_loses_nothing(text: str) -> None:
    script = ["1.8", "1", "no", "2", "150", "0"]
    for depth in range(len(script)):
        conversation = Conversation()
        say(conversation, *script[:depth])
        state, answers = conversation.state, conversation.answers()
        replies = say(conversation, text)
        assert replies, "every input gets a reply"
        if text in {"1_8", "9999999"} and state == "ask_blasts":
            continue  # a valid (if large) blast count is an answer, not garbage
        assert conversation.state == state, (text, state)
        assert conversation.answers() == answers


def test_did_you_mean_for_a_count_typed_per_microlitre() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "CR", "no")
    replies = say(conversation, "1500")
    assert conversation.state == "ask_anc"
    assert any(reply.kind == "problem" and reply.choices for reply in replies)
    say(conversation, "yes")
    assert conversation.draft.anc == Decimal("1.5")  # type: ignore[attr-defined]
    assert conversation.state == "ask_platelets"


def test_stale_button_does_not_answer_the_new_question() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1.8")
    old_token = conversation.token
    handle_choice(conversation, old_token, "2", TODAY)
    assert conversation.state == "ask_response"
    replies = handle_choice(conversation, old_token, "3", TODAY)
    assert replies[0].key.startswith("That button")
    assert conversation.draft.cycle == 2  # type: ignore[attr-defined]


def test_conversation_survives_serialisation_mid_dialog() -> None:
    conversation = Conversation(lang="de")
    say(conversation, "1,8", "2", "CR")
    restored = Conversation.from_dict(conversation.to_dict())
    assert restored.state == conversation.state == "ask_hsct"
    assert restored.answers() == conversation.answers()
    assert restored.token == conversation.token and restored.lang == "de"
    say(restored, "no", "1.5", "80")
    assert restored.state == "opt_liver"


def test_corrupt_stored_conversation_starts_fresh() -> None:
    restored = Conversation.from_dict({"state": "nowhere", "draft": {"cycle": "x"}})
    assert restored.state in STATES
    assert restored.answers() == {}


def test_unknown_mrd_moves_on_instead_of_asking_again() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "3", "CR", "yes")
    assert conversation.state == "ask_mrd"
    say(conversation, "/skip")
    assert conversation.state == "ask_anc" and "ask_mrd" in conversation.skipped


def test_one_option_reader_for_fields_and_steps() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "2", "CR", "no", "1.5", "80", "/normal", "/edit formula")
    replies = say(conversation, "haycock")
    assert conversation.state == "opt_formula"
    assert replies[0].key == "“{text}” is not one of: {options}."
    say(conversation, "du bois")
    assert conversation.draft.bsa_formula == "dubois"
