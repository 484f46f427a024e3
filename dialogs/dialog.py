"""What happens to one message: command, quick form or answer → machine → replies as data.

Every input gets a reply and leaves the conversation in one of the machine's states; bad input
keeps the dialog on the same step with every earlier answer intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from dialogs import messages as m
from dialogs import verify
from dialogs.citations import PROFILE_NAMES
from dialogs.draft import to_request
from dialogs.machine import IDLE, PLAN, SUMMARY, VERIFYING, Conversation, fire
from dialogs.problems import Problem
from dialogs.quickform import QuickForm, has_key, parse_quick_form
from dialogs.readers import Context
from dialogs.replies import Choice, Reply, Text
from dialogs.site_protocol import site_protocol
from dialogs.steps import (
    EDIT_NAMES,
    NORMAL_COMMAND,
    SKIP_COMMAND,
    STEP_BY_FIELD,
    Step,
    clearance_problem,
)
from dialogs.summary import has_more, summary_lines, unchecked_items
from rules import make_plan
from rules.labels import LABEL_OF, PROFILES, Profile
from rules.models import first_error

MAX_TEXT = 1000
ACCEPT_COMMAND = "/accept"
BACK = Choice(m.BACK, "/back")
MORE_ARGUMENT = "all"
MORE = Choice(m.MORE, f"/summary {MORE_ARGUMENT}")


def start(conversation: Conversation) -> list[Reply]:
    """The greeting and, in the same message, wherever the conversation stands (a fresh one:
    the first question): one send instead of two, the second waiting for the first."""
    if conversation.phase is IDLE:
        fire(conversation, "restart")
    first, *rest = current(conversation)
    return [replace(first, lead=m.WELCOME), *rest]


def start_verify(conversation: Conversation, code: str) -> list[Reply]:
    """A double check of receipt `code`: a fresh, blind entry (the transport has checked that
    the code is stored; nothing of the first entry is in this conversation)."""
    fire(conversation, "restart", code=code)
    return [Reply("notice", verify.VERIFY_START, {"code": code}), *current(conversation)]


def handle_choice(
    conversation: Conversation, token: int, value: str, today: dt.date
) -> list[Reply]:
    """A button press: acts only if it belongs to the question now on screen."""
    if token != conversation.token:
        return [Reply("notice", m.STALE_BUTTON), *current(conversation)]
    return handle_text(conversation, value, today)


def handle_text(conversation: Conversation, text: str, today: dt.date) -> list[Reply]:
    text = text.strip()
    if not text:
        return [Reply("problem", m.EMPTY), *current(conversation)]
    if len(text) > MAX_TEXT:
        values = {"length": len(text), "limit": MAX_TEXT}
        return [Reply("problem", m.TOO_LONG, values), *current(conversation)]
    word = text.lower()
    if text.startswith("/") or word in _COMMAND_WORDS:
        return _command(conversation, text if text.startswith("/") else "/" + word, today)
    if conversation.pending and word in {"yes", "y", "ok"}:
        return _accept(conversation)
    conversation.pending = None
    asked = conversation.question
    if asked is not None and not has_key(text):
        # A plain answer is the question's first ("C2 D8", "170 cm 70 kg"); the shorthand of a
        # quick form is looked for only where the question cannot read it.
        context = Context(today, conversation.lang, asks_multiples=asked.asks_multiples)
        answer = asked.read(text, context)
        if not isinstance(answer, Problem):
            _apply(conversation, asked, _with_defaults(asked, answer))
            return _advance(conversation)
    form = parse_quick_form(text, today, conversation.lang, bool(asked and asked.asks_multiples))
    if form.is_quick_form:
        if asked is not None and _answers_only(asked, form):
            # "C2 D8" at the cycle question, "CR no hsct" at the response: that question's
            # answer, so the guided dialog goes on asking (not the quick form's few questions).
            _apply(conversation, asked, _with_defaults(asked, form.values))
            return _advance(conversation)
        return _quick_form(conversation, form.values, form.problems, form.unknown, form.notes)
    if conversation.question is not None:
        return _answer(conversation, conversation.question, text, today)
    if conversation.phase is SUMMARY:
        return [Reply("notice", m.PICK_OR_TYPE), *current(conversation)]
    return [Reply("notice", m.PLAN_FOLLOW_UP if conversation.phase is PLAN else m.IDLE)]


def current(conversation: Conversation) -> list[Reply]:
    """The message that shows the conversation's present state."""
    step = conversation.question
    if step is None:
        if conversation.phase is SUMMARY:
            return [_summary(conversation)]
        if conversation.phase is PLAN:
            return [_plan(conversation)]
        if conversation.phase is VERIFYING:
            return _verifying(conversation)
        return [Reply("notice", m.IDLE, choices=(Choice(m.RESTARTED, "/new"),))]
    choices = step.choices + ((BACK,) if conversation.history else ())
    return [
        Reply(
            "prompt",
            step.prompt,
            choices=choices,
            token=conversation.token,
            numeric=step.numeric,
            placeholder=step.placeholder,
        )
    ]


# Commands ------------------------------------------------------------------------------


def split_command(text: str) -> tuple[str, str]:
    """("/name", argument) of a command message: lowercase, without Telegram's @botname."""
    command, _, argument = text.strip().partition(" ")
    return command.split("@", 1)[0].lower(), argument.strip()


def _command(conversation: Conversation, text: str, today: dt.date) -> list[Reply]:
    name, argument = split_command(text)
    command = COMMANDS.get(name)
    replies = command.run(conversation, argument, today) if command else None
    if replies is None:
        return [Reply("problem", m.UNKNOWN_COMMAND, {"command": name}), *current(conversation)]
    return replies


def _restart(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    fire(conversation, "restart")
    return [Reply("notice", m.RESTARTED), *current(conversation)]


def _cancel(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    fire(conversation, "cancel")
    return [Reply("notice", m.CANCELLED)]


def _help(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    from dialogs.quickform_help import help_values  # only when asked: not on the start path

    return [Reply("notice", m.HELP, help_values()), *current(conversation)]


def _back(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    if not fire(conversation, "back"):
        return [Reply("notice", m.NOTHING_BACK), *current(conversation)]
    return current(conversation)


def _accept_pending(
    conversation: Conversation, argument: str, today: dt.date
) -> list[Reply] | None:
    return _accept(conversation) if conversation.pending else None


def _plan_command(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    if fire(conversation, "confirm"):
        return current(conversation)
    return _advance(conversation, remember=False)


def _review(conversation: Conversation, argument: str, today: dt.date) -> list[Reply]:
    fire(conversation, "review")
    if conversation.phase is SUMMARY and argument.lower() == MORE_ARGUMENT:
        return [_summary(conversation, complete=True)]
    return current(conversation)


def _skip(conversation: Conversation, argument: str, today: dt.date) -> list[Reply] | None:
    return current(conversation) if fire(conversation, "skip") else None


def _normal(conversation: Conversation, argument: str, today: dt.date) -> list[Reply] | None:
    step = conversation.question
    return None if step is None else _answer(conversation, step, NORMAL_COMMAND, today)


def label_name(profile: Profile) -> Text:
    """ "US label (USPI 03/2024)", for the chat's language."""
    document = LABEL_OF[profile]
    return Text(
        m.LABEL_NAME,
        {
            "profile": Text(PROFILE_NAMES[profile]),
            "document": f"{document.short_name} {document.revision}",
        },
    )


def _settings(conversation: Conversation, argument: str, today: dt.date) -> list[Reply] | None:
    """`/settings`: the chat's label profile, with a button per profile; `/settings eu` sets it
    for this chat's plans from now on (kept across /new)."""
    if not argument:
        choices = tuple(
            Choice(m.LABEL_NAME, f"/settings {profile.lower()}", dict(label_name(profile).values))
            for profile in PROFILES
        )
        values = {"label": label_name(conversation.label)}
        return [Reply("notice", m.SETTINGS, values, choices, conversation.token)]
    profile = next((p for p in PROFILES if p.lower() == argument.lower()), None)
    if profile is None:
        return None
    conversation.label_choice = profile
    conversation.draft.label = None  # a label typed with the answers gives way to the choice
    return [Reply("notice", m.LABEL_SET, {"label": label_name(profile)}), *current(conversation)]


@dataclass(frozen=True)
class Command:
    """A command of the dialog. `run` returns None where the command does not apply now (it
    is then answered as unknown); `menu` is its line in a transport's command menu, `word`
    whether it is also understood typed without the slash ("back")."""

    run: Callable[[Conversation, str, dt.date], list[Reply] | None]
    menu: str | None = None
    word: bool = False


COMMANDS: dict[str, Command] = {
    "/start": Command(lambda conversation, argument, today: start(conversation), m.MENU_START),
    "/new": Command(_restart, m.MENU_NEW, word=True),
    "/back": Command(_back, m.MENU_BACK, word=True),
    "/cancel": Command(_cancel, m.MENU_CANCEL, word=True),
    "/help": Command(_help, m.MENU_HELP, word=True),
    "/restart": Command(_restart, word=True),
    "/plan": Command(_plan_command, word=True),
    "/summary": Command(_review),
    "/edit": Command(lambda conversation, argument, today: _edit(conversation, argument.lower())),
    SKIP_COMMAND: Command(_skip, word=True),
    NORMAL_COMMAND: Command(_normal),
    ACCEPT_COMMAND: Command(_accept_pending),
    "/settings": Command(_settings, m.MENU_SETTINGS),
    "/check": Command(lambda conversation, argument, today: _ask_for_check(conversation)),
}
_COMMAND_WORDS = frozenset(name[1:] for name, command in COMMANDS.items() if command.word)


def _edit(conversation: Conversation, name: str) -> list[Reply]:
    if not fire(conversation, "edit", step=EDIT_NAMES.get(name, name)):
        return [
            Reply("problem", m.UNKNOWN_COMMAND, {"command": f"/edit {name}"}),
            *current(conversation),
        ]
    return current(conversation)


# Answers -------------------------------------------------------------------------------


def _answer(conversation: Conversation, step: Step, text: str, today: dt.date) -> list[Reply]:
    context = Context(today=today, locale=conversation.lang, asks_multiples=step.asks_multiples)
    answer = step.read(text, context)
    if isinstance(answer, Problem):
        return _problem(conversation, answer)
    _apply(conversation, step, _with_defaults(step, answer))
    return _advance(conversation)


def _answers_only(step: Step, form: QuickForm) -> bool:
    """A form that fills only what the question on screen asks for, and reads cleanly."""
    fills = {*step.fields, *step.also_fills}
    return not (form.problems or form.unknown or form.notes) and set(form.values) <= fills


def _with_defaults(step: Step, values: dict[str, Any]) -> dict[str, Any]:
    """The answer, and the step's defaults for what it does not say (a tapped cycle: Day 1)."""
    return {**{k: v for k, v in step.defaults.items() if k not in values}, **values}


def _apply(conversation: Conversation, step: Step | None, values: dict[str, Any]) -> None:
    for field, value in values.items():
        setattr(conversation.draft, field, value)
    if step is not None:
        conversation.skipped.discard(step.name)


def _advance(conversation: Conversation, remember: bool = True) -> list[Reply]:
    fire(conversation, "answer", remember=remember)
    return current(conversation)


def _problem(conversation: Conversation, problem: Problem) -> list[Reply]:
    choices = problem.choices  # an ambiguous value's readings, each typed by its button
    if problem.suggestion is not None and problem.field:
        conversation.pending = {"field": problem.field, "value": str(problem.suggestion)}
        choices = (
            Choice(m.DID_YOU_MEAN_ACCEPT, ACCEPT_COMMAND, {"suggestion": problem.suggestion}),
        )
    reply = Reply(
        "problem", problem.key, dict(problem.values), choices, conversation.token, numeric=True
    )
    return [reply, *current(conversation)]


def _accept(conversation: Conversation) -> list[Reply]:
    pending, conversation.pending = conversation.pending, None
    if not pending:
        return current(conversation)
    try:
        value = Decimal(pending["value"])
    except (InvalidOperation, KeyError):
        return current(conversation)
    _apply(conversation, conversation.question, {pending["field"]: value})
    return _advance(conversation)


def _quick_form(
    conversation: Conversation,
    values: dict[str, Any],
    problems: list[Problem],
    unknown: list[str],
    notes: tuple[Problem, ...] | list[Problem] = (),
) -> list[Reply]:
    """Take every readable value at once; ask only for what is still missing."""
    replies: list[Reply] = []
    if conversation.phase is IDLE:
        fire(conversation, "restart")
    if conversation.question is None or conversation.question.required:
        conversation.quick = True  # on an optional step the guided dialog goes on
    _apply(conversation, None, values)
    question = conversation.question
    if not problems:
        after = _advance(conversation)
    elif question is None:
        # After a plan or at the summary: no new plan while a value waits for its answer (it
        # would be a plan without that value); the problem's buttons settle it.
        after = []
    else:
        if not conversation.unanswered(question):
            # The form answered the question on screen: ask where the doubtful value belongs.
            steps = (_step_of(problem.field, conversation) for problem in problems)
            asked = next(filter(None, steps), None)
            if asked is not None:
                fire(conversation, "ask", step=asked.name)
        after = current(conversation)
    for problem in problems:  # an ambiguous value's readings as buttons, of the step now shown
        shown = dict(problem.values)
        replies.append(Reply("problem", problem.key, shown, problem.choices, conversation.token))
    replies.extend(Reply("notice", note.key, dict(note.values)) for note in notes)
    if unknown:
        replies.append(Reply("notice", m.UNKNOWN_KEYS, {"keys": ", ".join(unknown[:10])}))
    return [*replies, *after]


def _step_of(field: str | None, conversation: Conversation) -> Step | None:
    """The step that asks for `field`, if it applies to this patient."""
    step = STEP_BY_FIELD.get(field or "")
    return step if step is not None and step.applies(conversation.draft) else None


# Summary and plan ----------------------------------------------------------------------


def _summary(conversation: Conversation, complete: bool = False) -> Reply:
    """The answers that matter for this patient, one button each; the rest behind "More…"."""
    lines = summary_lines(conversation, complete)
    more = () if complete or not has_more(conversation) else (MORE,)
    choices = (
        Choice(m.PLAN, "/plan"),
        *(Choice(line.label, f"/edit {line.step.split('_', 1)[1]}") for line in lines),
        *more,
    )
    return Reply("summary", m.SUMMARY, lines=lines, choices=choices, token=conversation.token)


def _plan(conversation: Conversation) -> Reply:
    if (needs := clearance_problem(conversation.draft)) is not None:
        return Reply("problem", needs.key, dict(needs.values), needs.choices, conversation.token)
    request = to_request(conversation.draft, conversation.lang, conversation.label)
    if isinstance(request, ValidationError):
        field, message = first_error(request)
        return Reply("problem", m.NOT_A_PLAN, {"field": field or "request", "message": message})
    conversation.quick = True
    plan = make_plan(request, site_protocol())
    choices = (
        Choice(m.PLAN_CHANGE, "/summary"),
        Choice(m.PLAN_NEW, "/new"),
        Choice(verify.ASK_FOR_CHECK, "/check"),
    )
    return Reply(
        "plan",
        m.PLAN_FOLLOW_UP,
        plan=plan,
        request=request,
        choices=choices,
        token=conversation.token,
        unchecked=unchecked_items(conversation),
    )


# Double check ---------------------------------------------------------------------------


def _verifying(conversation: Conversation) -> list[Reply]:
    """The second entry is complete: handed to the transport to compare with the stored
    receipt. Shown once: the check is then over and the conversation stands at its own plan."""
    code = conversation.verifying or ""
    if (needs := clearance_problem(conversation.draft)) is not None:
        fire(conversation, "review")
        asked = Reply("problem", needs.key, dict(needs.values), needs.choices, conversation.token)
        return [asked, *current(conversation)]
    request = to_request(conversation.draft, conversation.lang)
    if isinstance(request, ValidationError):
        fire(conversation, "review")
        field, message = first_error(request)
        values = {"field": field or "request", "message": message}
        return [Reply("problem", m.NOT_A_PLAN, values), *current(conversation)]
    fire(conversation, "checked")
    return [Reply("verify", verify.VERIFY_COMPARING, {"code": code}, request=request)]


def _ask_for_check(conversation: Conversation) -> list[Reply] | None:
    """Under a plan: the transport keeps the receipt for this chat and will tell it the outcome."""
    if conversation.phase is not PLAN:
        return None
    plan = _plan(conversation)
    if plan.plan is None:
        return [plan]
    code = plan.plan.receipt
    return [
        Reply("check", verify.CHECK_ASKED, {"code": code}, request=plan.request, plan=plan.plan)
    ]
