"""The age question: asked in cycle 1 (one tap "18 or older", or the age typed) and under the EU
label whenever it is unknown; never where the site treats adults only (`adult_only_service`,
the one condition `dialogs.steps.ask_age`); listed as not checked when absent; a quick form
without it still gives its plan in one message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dialogs.dialog import handle_text, start
from dialogs.machine import PLAN, Conversation
from dialogs.replies import Reply
from dialogs.steps import ask_age

TODAY = dt.date(2026, 11, 25)


def say(conversation: Conversation, *texts: str) -> list[Reply]:
    replies: list[Reply] = []
    for text in texts:
        replies = handle_text(conversation, text, TODAY)
    return replies


def test_cycle_one_asks_the_age_and_one_tap_answers_it() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1.8", "1")
    assert conversation.state == "opt_age"
    say(conversation, "adult")
    assert conversation.draft.adult is True and conversation.draft.age_years is None
    assert conversation.state == "ask_hsct"


def test_a_typed_age_is_the_age() -> None:
    conversation = Conversation()
    say(conversation, "1.8", "1", "45")
    assert conversation.draft.age_years == Decimal(45) and conversation.draft.adult is None


def test_a_later_cycle_asks_no_age_under_the_us_label_but_does_under_the_eu_label() -> None:
    us, eu = Conversation(site_label="US"), Conversation(site_label="EU")
    say(us, "1.8", "2")
    say(eu, "1.8", "2")
    assert us.state == "ask_response" and eu.state == "opt_age"


def test_an_adult_only_service_never_asks_the_age_nor_lists_it() -> None:
    conversation = Conversation(site_label="EU")
    conversation.adult_only_service = True
    assert not ask_age(conversation)
    replies = say(conversation, "1.8", "1", "no", "1.8 120", "0")
    assert conversation.state == PLAN
    (plan,) = [reply for reply in replies if reply.kind == "plan"]
    assert "Age" not in plan.unchecked


def test_a_quick_form_without_an_age_gives_its_plan_and_lists_the_age() -> None:
    conversation = Conversation()
    replies = say(conversation, "bsa 1.8 C1 D1 no hsct anc 1.8 plt 120 blasts 0")
    assert conversation.state == PLAN
    (plan,) = [reply for reply in replies if reply.kind == "plan"]
    assert "Age" in plan.unchecked
