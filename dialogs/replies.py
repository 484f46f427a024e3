"""Replies as data: what the dialog wants said, not how.

A transport (Telegram, the console, a test) renders a `Reply` in the chat's language; the dialog
never builds display text itself, so every transport shows the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rules.models import Plan, PlanRequest

#: "verify": a double check's entry is complete, for the transport to compare with the stored
#: receipt `values["code"]`; "check": the clinician asks for a double check of their plan.
ReplyKind = Literal["prompt", "problem", "notice", "summary", "plan", "verify", "check"]


@dataclass(frozen=True)
class Choice:
    """A one-tap answer. `value` is exactly what the clinician could have typed instead."""

    label: str
    value: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Text:
    """A translatable piece inside another message's values (e.g. "Yes" in a summary line)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    #: For a plural pair: the plural msgid; the count is `values[count]`.
    plural: str | None = None
    count: str = "value"


@dataclass(frozen=True)
class Line:
    """One answer in the summary: its label and its value, both translatable."""

    step: str
    label: str
    value: Text | None


@dataclass(frozen=True)
class Reply:
    """One message to the clinician: a template `key` (an English gettext msgid) with `values`.

    `choices` are offered as buttons; `token` identifies the step they belong to, so that a
    press on an older message can be recognised as stale. A summary carries `lines` (label key,
    value) and a plan reply carries the rules core's `plan`.
    """

    kind: ReplyKind
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    token: int = 0
    lines: tuple[Line, ...] = ()
    plan: Plan | None = None
    #: The request a plan (or a double check's entry) was made from.
    request: PlanRequest | None = None
    unchecked: tuple[str, ...] = ()
    #: A typed number answers this step, so option numbers would be ambiguous.
    numeric: bool = False
    #: A notice said first in the same message (the welcome before the first question), so
    #: that a transport sends one message instead of two.
    lead: str = ""
    #: A typed question's expected format, for the transport's text field (msgid).
    placeholder: str = ""
