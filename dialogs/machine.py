"""The dialog's states and transitions, as one table, and the conversation they move.

One `Machine` is built once for the whole process (`model=None`) and events are fired with a
conversation as the model, so a conversation costs only its own small object, not a machine
(transitions README: a standalone `Machine(model=None)` serves many models). The machine is synchronous and its callbacks are pure: transport I/O
happens after a trigger returns, so a double tap can never abort a half-done step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from pydantic import ValidationError
from transitions import EventData, Machine

from dialogs.draft import Draft, draft_values
from dialogs.steps import OPTIONAL_STEPS, REQUIRED_STEPS, STEP_BY_NAME, STEPS, Step

IDLE, SUMMARY, PLAN = "idle", "summary", "plan"
FIRST = REQUIRED_STEPS[0].name
STATES: tuple[str, ...] = (IDLE, *(step.name for step in STEPS), SUMMARY, PLAN)
ACTIVE: list[str] = [state for state in STATES if state != IDLE]


class Conversation:
    """One chat's dialog: where it is and what has been answered (a partial rules request).

    A plain class, not a pydantic model: transitions sets attributes on its models. Only
    `to_dict()` is persisted; the machine is rebuilt from the table, never stored.
    """

    def __init__(self, lang: str = "en") -> None:
        self.state: str = FIRST
        self.draft = Draft()
        self.skipped: set[str] = set()
        self.history: list[str] = []
        self.quick = False
        self.token = 0
        self.lang = lang
        self.pending: dict[str, str] | None = None

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
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        """Rebuild a stored conversation; anything unreadable starts a fresh one, never a crash."""
        conversation = cls(lang=str(data.get("lang") or "en"))
        try:
            conversation.draft = Draft.model_validate(data.get("draft") or {})
        except ValidationError:
            return conversation
        state = data.get("state")
        conversation.state = state if state in STATES else FIRST
        conversation.skipped = {name for name in data.get("skipped", []) if name in STEP_BY_NAME}
        conversation.history = [name for name in data.get("history", []) if name in STATES]
        conversation.quick = bool(data.get("quick"))
        conversation.token = int(data.get("token") or 0)
        pending = data.get("pending")
        conversation.pending = pending if isinstance(pending, dict) else None
        return conversation

    def reset(self) -> None:
        self.draft = Draft()
        self.skipped.clear()
        self.history.clear()
        self.quick = False
        self.pending = None

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

    def complete(self) -> bool:
        return not any(self.needs(step) for step in REQUIRED_STEPS)

    def answers(self) -> dict[str, Any]:
        return draft_values(self.draft)


def _conversation(event: EventData) -> Conversation:
    return cast(Conversation, event.model)


def _missing(step: Step) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return _conversation(event).needs(step)

    condition.__name__ = f"missing_{step.name}"
    return condition


def _quick(event: EventData) -> bool:
    return _conversation(event).quick


def _complete(event: EventData) -> bool:
    return _conversation(event).complete()


def _clear(event: EventData) -> None:
    _conversation(event).reset()


def _new_step(event: EventData) -> None:
    _conversation(event).token += 1


# The dialog. `advance` (after every answer) goes to the first required question that applies
# to this patient and is still unanswered; when there is none, to the plan if the clinician
# used the quick form or has already seen a plan, else to the summary.
TRANSITIONS: list[dict[str, Any]] = [
    *(
        {"trigger": "advance", "source": ACTIVE, "dest": step.name, "conditions": [_missing(step)]}
        for step in REQUIRED_STEPS
    ),
    {"trigger": "advance", "source": ACTIVE, "dest": PLAN, "conditions": [_quick]},
    {"trigger": "advance", "source": ACTIVE, "dest": SUMMARY},
    {"trigger": "confirm", "source": SUMMARY, "dest": PLAN, "conditions": [_complete]},
    {"trigger": "review", "source": PLAN, "dest": SUMMARY},
    *(
        {"trigger": f"edit_{step.name}", "source": [SUMMARY, PLAN], "dest": step.name}
        for step in (*REQUIRED_STEPS, *OPTIONAL_STEPS)
    ),
    {"trigger": "restart", "source": "*", "dest": FIRST, "after": [_clear]},
    {"trigger": "cancel", "source": "*", "dest": IDLE, "after": [_clear]},
]

MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=TRANSITIONS,
    initial=FIRST,
    auto_transitions=False,
    send_event=True,
    ignore_invalid_triggers=True,
    after_state_change=[_new_step],
)


def fire(conversation: Conversation, trigger: str) -> bool:
    """Fire an event of the shared machine for one conversation; False if it did not apply."""
    event = MACHINE.events.get(trigger)
    return bool(event and event.trigger(conversation))


def go_back(conversation: Conversation) -> bool:
    """Return to the previous question; the answers are kept, so nothing is lost."""
    if not conversation.history:
        return False
    MACHINE.set_state(conversation.history.pop(), model=conversation)
    conversation.token += 1
    return True
