"""Random conversations through the real dialog machine: whatever is typed, it answers and holds."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from dialogs.dialog import current, handle_choice, handle_text, start
from dialogs.machine import STATES, Conversation
from dialogs.steps import STEPS

TODAY = dt.date(2026, 11, 25)

ANSWERS = [
    "1.8",
    "1,8",
    "180 cm 75 kg",
    "75kg 180cm",
    "1",
    "2",
    "3",
    "4",
    "7",
    "CR",
    "CRi",
    "none",
    "yes",
    "no",
    "0.4",
    "1.5",
    "1500",
    "30",
    "80",
    "80,000/µL",
    "200",
    "0",
    "20000",
    "2 3 3",
    "1 1 1",
    "normal",
    "grade 2",
    "irr severe",
    "vod",
    "female pregnant",
    "male",
    "today",
    "2026-12-01",
    "12",
    "15",
    "30",
    "unknown",
    "mosteller",
    "dubois",
    "bsa=1.8 cycle=2 response=CR anc=1.5 plt=80",
    "plt 40",
    "anc 0.5",
    "h=170 w=120 c=1",
    "c 4 resp none",
    "hsct yes cycle 3 resp CR mrd yes",
    "bili 2 ast 3 alt 1",
]
COMMANDS = [
    "/back",
    "/new",
    "/cancel",
    "/help",
    "/skip",
    "/plan",
    "/summary",
    "/start",
    "/accept",
    "/normal",
    "/edit cycle",
    "/edit anc",
    "/edit liver",
    "/edit nowhere",
    "back",
    "help",
]
GARBAGE = st.text(max_size=60) | st.sampled_from(
    [
        "",
        "nan",
        "inf",
        "1e3",
        "1_8",
        "-1",
        "🙂",
        "x" * 1500,
        "=",
        "bsa=",
        "c=0",
        "cycle=1000",
        "\u0000",
        "<b>",
        "&amp;",
        "١٫٨",
    ]
)


class DialogMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.conversation = Conversation()
        self.replies = start(self.conversation)

    @rule(text=st.sampled_from(ANSWERS))
    def answer(self, text: str) -> None:
        self.replies = handle_text(self.conversation, text, TODAY)

    @rule(text=st.sampled_from(COMMANDS))
    def command(self, text: str) -> None:
        self.replies = handle_text(self.conversation, text, TODAY)

    @rule(text=GARBAGE)
    def garbage(self, text: str) -> None:
        self.replies = handle_text(self.conversation, text, TODAY)

    @rule(index=st.integers(min_value=0, max_value=30), stale=st.booleans())
    def press(self, index: int, stale: bool) -> None:
        choices = [choice for reply in current(self.conversation) for choice in reply.choices]
        value = choices[index % len(choices)].value if choices else "x"
        token = self.conversation.token - 1 if stale else self.conversation.token
        self.replies = handle_choice(self.conversation, token, value, TODAY)

    @rule()
    def reload(self) -> None:
        self.conversation = Conversation.from_dict(self.conversation.to_dict())

    @invariant()
    def answered_and_in_a_state(self) -> None:
        assert self.replies, "every input gets a reply"
        assert self.conversation.state in STATES

    @invariant()
    def prompts_belong_to_the_current_step(self) -> None:
        names = {step.name for step in STEPS}
        if self.conversation.state in names:
            assert current(self.conversation)[0].kind == "prompt"


DialogMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_dialogs = DialogMachine.TestCase


@pytest.mark.slow
def test_random_dialogs_at_scale() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        DialogMachine,
        settings=settings(
            max_examples=10_000,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
