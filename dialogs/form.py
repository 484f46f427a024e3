"""A whole request from one form (the Telegram Mini App page, read by `bot/form_data.py`).

The transport has already read the form with every check of the JSON `plan` contract
(`bot/plan_command.read_request`), so what arrives here is a valid `PlanRequest`. A form is a
new patient: the conversation starts afresh, takes the form's answers as a quick form would,
and stands where that quick form would leave it: at the plan, or at the one essential question
the form left open. Afterwards the dialog is the usual one, so `plt 40` changes the plan.
"""

from __future__ import annotations

from typing import Any

from dialogs.dialog import current
from dialogs.machine import Conversation, fire
from dialogs.messages import N_
from dialogs.replies import Reply, Text
from dialogs.steps import STEP_BY_FIELD
from rules.models import LAB_FIELDS, PlanRequest

FORM_REFUSED = N_(
    "The form's data could not be used, so nothing was saved. Please open the form again, or "
    "type the values in a message."
)
# TRANSLATORS: {field} is the translated name of a question, such as "Platelets".
FORM_REFUSED_FIELD = N_(
    "The form's data could not be used ({field}), so nothing was saved. Please open the form "
    "again and check that value, or type the values in a message."
)
#: Not the draft's: the chat's language and the site's or chat's label profile decide these.
_NOT_ANSWERS = frozenset({"locale"})


def form_answers(request: PlanRequest) -> dict[str, Any]:
    """The answers a form gave, as the draft holds them: only the fields it filled (a default
    of the contract, such as `label`, is not an answer), and each lab value with the ULN
    multiple it gives, as the quick form's reader fills both (`dialogs/quantities.parse_lab`)."""
    answers = {
        name: getattr(request, name)
        for name in request.model_fields_set
        if name not in _NOT_ANSWERS and getattr(request, name) is not None
    }
    for name, target in LAB_FIELDS.items():
        if name in answers:
            answers[target] = getattr(request, target)
    return answers


def handle_form(conversation: Conversation, request: PlanRequest) -> list[Reply]:
    """A new patient from one form: the plan, or the essential question still open. In a
    double check (`dialogs/verify.py`) the form is the blind second entry: the check goes on
    and, as after a quick form, the summary comes before the comparison."""
    fire(conversation, "restart", code=conversation.verifying)
    conversation.quick = True  # as a quick form: only what the plan cannot do without is asked
    for name, value in form_answers(request).items():
        setattr(conversation.draft, name, value)
    fire(conversation, "answer", remember=False)
    return current(conversation)


def form_refused(field: str) -> Reply:
    """Why a form could not be used, naming its question when the field has one ("ast.uln":
    the liver tests); the conversation is left as it was."""
    name = field.split(".", 1)[0]
    step = STEP_BY_FIELD.get(name) or STEP_BY_FIELD.get(LAB_FIELDS.get(name, ""))
    if step is None:
        return Reply("problem", FORM_REFUSED)
    return Reply("problem", FORM_REFUSED_FIELD, {"field": Text(step.label)})
