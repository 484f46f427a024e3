"""The summary before the plan: what was answered and what matters for this patient;
every other item behind one "More…" button."""

from __future__ import annotations

import datetime as dt

from dialogs import messages as m
from dialogs.dialog import MORE, handle_choice, handle_text
from dialogs.draft import Draft
from dialogs.machine import Conversation
from dialogs.replies import Reply
from dialogs.steps import STEP_BY_NAME

TODAY = dt.date(2026, 12, 2)


def summary_of(conversation: Conversation, text: str) -> Reply:
    [reply] = [r for r in handle_text(conversation, text, TODAY) if r.kind == "summary"]
    return reply


def test_short_summary_shows_answers_and_required_items_with_a_more_button() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa=1.8 cycle=2 response=CR anc=2 plt=100 crcl=80", TODAY)
    short = summary_of(conversation, "/summary")
    steps = [line.step for line in short.lines]
    assert steps == [
        "ask_body",
        "ask_cycle",
        "ask_response",
        "ask_hsct",
        "ask_anc",
        "ask_platelets",
        "opt_crcl",
    ]
    assert all(line.value is not None for line in short.lines if line.step.startswith("opt_"))
    assert short.choices[-1] == MORE
    assert len(short.choices) == 1 + len(short.lines) + 1  # Plan, one per line, More…
    complete = summary_of(conversation, MORE.value)
    assert len(complete.lines) > len(short.lines)
    assert MORE not in complete.choices
    assert {line.step for line in complete.lines} >= {"opt_liver", "opt_start", "opt_dose_level"}


def test_the_more_button_works_as_a_button_of_the_summary() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa=1.8 cycle=2 response=CR anc=2 plt=100", TODAY)
    short = summary_of(conversation, "/summary")
    replies = handle_choice(conversation, short.token, MORE.value, TODAY)
    assert [reply.kind for reply in replies] == ["summary"]
    assert replies[0].key == m.SUMMARY and len(replies[0].lines) > len(short.lines)


def test_the_dose_level_is_not_offered_in_cycle_1() -> None:
    step = STEP_BY_NAME["opt_dose_level"]
    assert not step.applies(Draft(cycle=1))
    assert step.applies(Draft(cycle=2))
    conversation = Conversation()
    handle_text(conversation, "bsa=1.8 cycle=1", TODAY)
    complete = summary_of(conversation, MORE.value)
    assert "opt_dose_level" not in {line.step for line in complete.lines}
