"""Inline keyboards and their callback data (Telegram limits it to 64 bytes).

Data is `<step token>|<value>`: the token ties a button to the question it was offered for,
so a press on an older message is recognised as stale instead of answering a newer question.
"""

from __future__ import annotations

import functools
import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.render import Renderer
from dialogs.replies import Choice, Reply
from locales import LANGUAGES

MAX_CALLBACK_BYTES = 64
LANGUAGE_PREFIX = "lang"
#: A dose card's button: `card|<action>:<card id>` (`bot/cards.py`).
CARD_PREFIX = "card"
SEPARATOR = "|"
_CARD_VALUE = re.compile(r"^(?:ics|team):[A-Za-z0-9_-]{1,32}$")


def encode(token: int, value: str) -> str:
    data = f"{token}{SEPARATOR}{value}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {value[:20]}")
    return data


def decode(data: str) -> tuple[str, str] | None:
    """(token or "lang", value), or None for data this bot never made (forged or foreign)."""
    head, separator, value = data.partition(SEPARATOR)
    if not separator or not value:
        return None
    if head == LANGUAGE_PREFIX:
        return (head, value) if value in LANGUAGES else None
    if head == CARD_PREFIX:
        return (head, value) if _CARD_VALUE.match(value) else None
    return (head, value) if head.isdigit() and len(head) <= 9 else None


def choices_keyboard(
    choices: tuple[Choice, ...], token: int, renderer: Renderer, per_row: int = 3
) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    labelled = tuple((renderer.choice(choice), encode(token, choice.value)) for choice in choices)
    return _keyboard(labelled, per_row)


@functools.lru_cache(maxsize=1024)
def _keyboard(labelled: tuple[tuple[str, str], ...], per_row: int) -> InlineKeyboardMarkup:
    """Built once per distinct keyboard: PTB's objects are immutable and dear to build (a third
    of a guided turn's own CPU), and clinicians at the same step are shown the same keyboard."""
    longest = max(len(label) for label, _ in labelled)
    width = 1 if longest > 24 else 2 if longest > 12 else per_row
    buttons = [InlineKeyboardButton(label, callback_data=data) for label, data in labelled]
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


#: Telegram's limit for `input_field_placeholder`.
MAX_PLACEHOLDER = 64
#: The one button a typed question may give up for the placeholder: "back" is also typed, and
#: in the command menu.
BACK_VALUE = "/back"


def reply_markup(reply: Reply, renderer: Renderer) -> InlineKeyboardMarkup | ForceReply | None:
    """A question's buttons; for a typed question (no button but Back) the expected format in
    the text field instead: a message has one markup, and a placeholder needs ForceReply."""
    if reply.placeholder and all(choice.value == BACK_VALUE for choice in reply.choices):
        hint = renderer.text(reply.placeholder)[:MAX_PLACEHOLDER]
        return ForceReply(input_field_placeholder=hint)
    return choices_keyboard(reply.choices, reply.token, renderer)


def plan_keyboard(
    card_rows: list[list[InlineKeyboardButton]],
    choices: tuple[Choice, ...],
    token: int,
    renderer: Renderer,
) -> InlineKeyboardMarkup:
    """A dose card's keyboard: its own rows (copy, calendar, share, team language, and any row
    another feature appends), then the dialog's choices."""
    dialog = choices_keyboard(choices, token, renderer)
    rows = [*card_rows, *(dialog.inline_keyboard if dialog is not None else ())]
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def card_buttons_only(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The rows of a dose card's own buttons in `markup` (the dialog's choices dropped)."""
    if markup is None:
        return None
    rows = [
        [button for button in row if not _is_dialog_choice(button)]
        for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def _is_dialog_choice(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    return isinstance(data, str) and not data.startswith(CARD_PREFIX + SEPARATOR)


@functools.cache
def language_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(name, callback_data=f"{LANGUAGE_PREFIX}{SEPARATOR}{code}")
        for code, name in LANGUAGES.items()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])
