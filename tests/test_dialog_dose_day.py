"""The dialog asks which dose of the cycle is planned whenever the day decides the plan
(issue 10): a high blast count in cycle 1, and an interruption; the plan then follows it."""

from __future__ import annotations

from dialogs.dialog import start
from dialogs.machine import SUMMARY, Conversation
from tests.test_dialog import say


def test_cycle1_high_blasts_asks_the_day_and_day_8_is_not_held() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1,8", "1", "no", "2.1", "150", "25000")
    assert conversation.state == "ask_day", "the day decides whether cytoreduction holds"
    say(conversation, "8")
    assert conversation.state == SUMMARY
    (plan,) = [r.plan for r in say(conversation, "/plan") if r.kind == "plan"]
    assert plan is not None and plan.decision == "give"
    assert [dose.day for dose in plan.doses] == [8, 15]


def test_cycle1_normal_blasts_asks_no_day() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1,8", "1", "no", "2.1", "150", "0")
    assert conversation.state == SUMMARY
