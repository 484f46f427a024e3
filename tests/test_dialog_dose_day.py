"""The dose day: typed with the cycle ("1 d8"), or asked whenever the day decides the plan (a
high blast count in cycle 1, and an interruption); the plan then follows it."""

from __future__ import annotations

from dialogs.dialog import start
from dialogs.machine import PLAN, Conversation
from tests.test_dialog import say


def test_cycle1_high_blasts_asks_the_day_and_day_8_is_not_held() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1,8", "1 d8", "adult", "no", "2.1", "150")
    assert conversation.state == "opt_interruption", "a dose on Day 8 may be late"
    (plan,) = [r.plan for r in say(conversation, "0", "25000") if r.kind == "plan"]
    assert plan is not None and plan.decision == "give"
    assert [dose.day for dose in plan.doses] == [8, 15]


def test_cycle1_normal_blasts_asks_no_day() -> None:
    conversation = Conversation()
    start(conversation)
    say(conversation, "1,8", "1", "adult", "no", "2.1", "150", "0")
    assert conversation.state == PLAN
