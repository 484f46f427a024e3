"""The dialog's phases and the table of transitions between them, and the conversation they move.

Five phases: idle, asking a question, showing the summary, showing the plan, and verifying:
the moment a double check's second entry is complete and is compared with the first
(`dialogs/verify.py`). Which question is
asked is data, not a state: after an answer it is the first step of `dialogs/steps.py` that
applies to this patient and is still unanswered; an edit or a step back names it. Going back,
the history and the step token (which ties a button to its question) are machine callbacks.
`docs/dialog.md` draws this table (`dialogs/dialog_doc.py`).

One `Machine` is built once for the whole process (`model=None`) and events are fired with a
conversation as the model, so a conversation costs only its own small object, not a machine
(transitions README: a standalone `Machine(model=None)` serves many models). The machine is
synchronous and its callbacks are pure: transport I/O happens after a trigger returns, so a
double tap can never abort a half-done step.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, cast

from pydantic import ValidationError
from transitions import EventData, Machine

from dialogs.draft import Draft, draft_values
from dialogs.steps import REQUIRED_STEPS, STEP_BY_NAME, STEPS, Step
from rules.labels import PROFILES, Profile


class Phase(enum.StrEnum):
    IDLE = "idle"
    ASKING = "asking"
    SUMMARY = "summary"
    PLAN = "plan"
    VERIFYING = "verifying"


IDLE, ASKING, SUMMARY, PLAN = Phase.IDLE, Phase.ASKING, Phase.SUMMARY, Phase.PLAN
VERIFYING = Phase.VERIFYING
FIRST = REQUIRED_STEPS[0].name
#: Where a conversation can stand, as stored: a phase, or the name of the step being asked.
#: Sessions stored before the phases (one state per step) use the same names.
STATES: tuple[str, ...] = (IDLE, *(step.name for step in STEPS), SUMMARY, PLAN, VERIFYING)


class Conversation:
    """One chat's dialog: its phase, the question asked, and what has been answered.

    A plain class, not a pydantic model: transitions sets attributes on its models. Only
    `to_dict()` is persisted; the machine is rebuilt from the table, never stored.
    """

    def __init__(self, lang: str = "en", site_label: Profile = "US") -> None:
        self.phase: Phase = ASKING
        self.step: str = FIRST
        self.draft = Draft()
        self.skipped: set[str] = set()
        self.history: list[str] = []
        self.quick = False
        self.token = 0
        self.lang = lang
        self.pending: dict[str, str] | None = None
        #: The label profile chosen for this chat (/settings), kept across /new; None: the
        #: site's (`site_label`, set by the transport from its settings, never stored).
        self.label_choice: Profile | None = None
        self.site_label: Profile = site_label
        #: The receipt code being double-checked: this entry is the second, made blind.
        self.verifying: str | None = None
        #: The fingerprint and the check code of the plan shown last, set by the transport that
        #: stored it (`bot/receipts.py`): shown again (/check, another language) the plan keeps
        #: its code; another plan, or the same values for a new patient, gets a new one.
        self.check_code: tuple[str, str] | None = None

    @property
    def label(self) -> Profile:
        """The label profile this chat's plans follow."""
        return self.label_choice or self.site_label

    @property
    def state(self) -> str:
        """Where the conversation stands: the step being asked, else the phase."""
        return self.step if self.phase is ASKING else self.phase.value

    @property
    def question(self) -> Step | None:
        """The step being asked, if the conversation is asking one."""
        return STEP_BY_NAME[self.step] if self.phase is ASKING else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "draft": self.draft.model_dump(mode="json", exclude_none=True),
            "skipped": sorted(self.skipped),
            "history": list(self.history),
            "quick": self.quick,
            "token": self.token,
            "lang": self.lang,
            "pending": self.pending,
            "label": self.label_choice,
            "verifying": self.verifying,
            "check_code": list(self.check_code) if self.check_code else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        """Rebuild a stored conversation; anything unreadable starts a fresh one, never a crash."""
        conversation = cls(lang=str(data.get("lang") or "en"))
        try:
            conversation.draft = Draft.model_validate(data.get("draft") or {})
        except ValidationError:
            return conversation
        conversation.stand_at(str(data.get("state")))
        conversation.skipped = {name for name in data.get("skipped", []) if name in STEP_BY_NAME}
        conversation.history = [name for name in data.get("history", []) if name in STATES]
        conversation.quick = bool(data.get("quick"))
        conversation.token = int(data.get("token") or 0)
        pending = data.get("pending")
        conversation.pending = pending if isinstance(pending, dict) else None
        label = data.get("label")
        conversation.label_choice = next((p for p in PROFILES if p == label), None)
        verifying = data.get("verifying")
        conversation.verifying = verifying if isinstance(verifying, str) else None
        held = data.get("check_code")
        if isinstance(held, list) and len(held) == 2 and all(isinstance(x, str) for x in held):
            conversation.check_code = (held[0], held[1])
        return conversation

    def stand_at(self, state: str) -> None:
        """Phase and question from a stored state name (unknown names: the first question)."""
        if state in STEP_BY_NAME:
            self.phase, self.step = ASKING, state
        elif state in (IDLE, SUMMARY, PLAN, VERIFYING):
            self.phase = Phase(state)
        else:
            self.phase, self.step = ASKING, FIRST

    def reset(self) -> None:
        self.draft = Draft()
        self.skipped.clear()
        self.history.clear()
        self.quick = False
        self.pending = None
        self.verifying = None
        self.check_code = None

    def unanswered(self, step: Step) -> bool:
        """The step applies to this patient and has neither an answer nor a deliberate skip."""
        return (
            step.applies(self.draft)
            and not step.is_answered(self.draft)
            and step.name not in self.skipped
        )

    def needs(self, step: Step) -> bool:
        """Whether to ask now: in the quick form only what the plan cannot do without."""
        return self.unanswered(step) and (step.essential or not self.quick)

    def next_question(self) -> Step | None:
        """The first required step that applies, is unanswered and is needed now."""
        return next((step for step in REQUIRED_STEPS if self.needs(step)), None)

    def complete(self) -> bool:
        return self.next_question() is None

    def answers(self) -> dict[str, Any]:
        return draft_values(self.draft)


# Conditions and callbacks: what each row of the table checks and does -------------------


Callback = Callable[[EventData], Any]


def _conversation(event: EventData) -> Conversation:
    return cast(Conversation, event.model)


def question_left(event: EventData) -> bool:
    """a required question is still needed"""
    return _conversation(event).next_question() is not None


def quick(event: EventData) -> bool:
    """quick form, or a plan was already shown (not in a double check: the summary first)"""
    conversation = _conversation(event)
    return conversation.quick and conversation.verifying is None


def complete(event: EventData) -> bool:
    """no required question is needed"""
    return _conversation(event).complete()


def verifying(event: EventData) -> bool:
    """a double check's second entry is being made"""
    return _conversation(event).verifying is not None


def skippable(event: EventData) -> bool:
    """the question may be skipped"""
    question = _conversation(event).question
    return question is not None and question.skippable


def back_to_summary(event: EventData) -> bool:
    """the previous place is the summary"""
    return _conversation(event).history[-1:] == [SUMMARY]


def back_to_question(event: EventData) -> bool:
    """the previous place is a question"""
    return _conversation(event).history[-1:] != [] and not back_to_summary(event)


def editable(event: EventData) -> bool:
    """the step named exists"""
    return event.kwargs.get("step") in STEP_BY_NAME


def _leave(event: EventData) -> None:
    """Before any row is tried: note where the conversation stood."""
    event.kwargs["left"] = _conversation(event).state


def _skip(event: EventData) -> None:
    """Before the conditions: a skipped question no longer counts as needed."""
    conversation = _conversation(event)
    if skippable(event):
        conversation.skipped.add(conversation.step)


def _ask_next(event: EventData) -> None:
    conversation = _conversation(event)
    question = conversation.next_question()
    conversation.step = question.name if question else FIRST


def _remember(event: EventData) -> None:
    """After an answer: the place left goes on the history, for /back (not a repeat of the
    same question, not the plan; /plan itself passes remember=False)."""
    conversation, left = _conversation(event), event.kwargs.get("left")
    if event.kwargs.get("remember", True) and left not in (conversation.state, IDLE, PLAN):
        conversation.history.append(str(left))


def _go_back(event: EventData) -> None:
    conversation = _conversation(event)
    previous = conversation.history.pop()
    if previous in STEP_BY_NAME:
        conversation.step = previous


def _edit(event: EventData) -> None:
    conversation = _conversation(event)
    conversation.step = event.kwargs["step"]
    conversation.history.append(SUMMARY)
    conversation.skipped.discard(conversation.step)


def _ask_at(event: EventData) -> None:
    """A value of a one-message form needs a question back: asked at its own step, not at a
    question the same message may have answered."""
    _conversation(event).step = event.kwargs["step"]


def _clear(event: EventData) -> None:
    _conversation(event).reset()


def _start_check(event: EventData) -> None:
    code = event.kwargs.get("code")
    _conversation(event).verifying = str(code) if code else None


def _end_check(event: EventData) -> None:
    _conversation(event).verifying = None


def _new_step(event: EventData) -> None:
    _conversation(event).token += 1


# The table -------------------------------------------------------------------------------

ON_SCREEN = [ASKING, SUMMARY, PLAN]
_MOVE_ON: list[Callback] = [_ask_next, _remember]
_ASK_AT: list[Callback] = [_ask_at, _remember]
#: A new patient, or with `code=` a double check of that receipt: from nothing, no answer of
#: this chat's earlier patient kept.
_AFRESH: list[Callback] = [_clear, _start_check, _ask_next]
#: The dialog. Rows of one trigger are tried in order; the first whose conditions hold moves.
ROWS: tuple[tuple[str, Any, Phase, list[Callback], list[Callback], list[Callback]], ...] = (
    # trigger   from             to       only if                     first    then
    ("answer",  ON_SCREEN,       ASKING,  [question_left],            [],      _MOVE_ON),
    ("answer",  ON_SCREEN,       PLAN,    [quick],                    [],      [_remember]),
    ("answer",  ON_SCREEN,       SUMMARY, [],                         [],      [_remember]),
    ("skip",    ASKING,          ASKING,  [skippable, question_left], [_skip], _MOVE_ON),
    ("skip",    ASKING,          PLAN,    [skippable, quick],         [_skip], [_remember]),
    ("skip",    ASKING,          SUMMARY, [skippable],                [_skip], [_remember]),
    ("back",    ON_SCREEN,       SUMMARY, [back_to_summary],          [],      [_go_back]),
    ("back",    ON_SCREEN,       ASKING,  [back_to_question],         [],      [_go_back]),
    ("edit",    [SUMMARY, PLAN], ASKING,  [editable],                 [],      [_edit]),
    ("ask",     ASKING,          ASKING,  [editable],                 [],      _ASK_AT),
    ("confirm", SUMMARY,       VERIFYING, [verifying, complete],      [],      []),
    ("confirm", SUMMARY,         PLAN,    [complete],                 [],      []),
    ("review",  [PLAN, VERIFYING], SUMMARY, [],                       [],      []),
    ("checked", VERIFYING,       PLAN,    [],                         [],      [_end_check]),
    ("restart", "*",             ASKING,  [],                         [],      _AFRESH),
    ("cancel",  "*",             IDLE,    [],                         [],      [_clear]),
)  # fmt: skip
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": trigger, "source": source, "dest": dest, "conditions": conditions,
     "prepare": prepare, "after": after}
    for trigger, source, dest, conditions, prepare, after in ROWS
]  # fmt: skip

MACHINE = Machine(
    model=None,
    states=Phase,
    transitions=TRANSITIONS,
    initial=ASKING,
    auto_transitions=False,
    send_event=True,
    ignore_invalid_triggers=True,
    prepare_event=[_leave],
    after_state_change=[_new_step],
    model_attribute="phase",
)


def fire(conversation: Conversation, trigger: str, **kwargs: Any) -> bool:
    """Fire an event of the shared machine for one conversation; False if it did not apply."""
    event = MACHINE.events.get(trigger)
    return bool(event and event.trigger(conversation, **kwargs))
