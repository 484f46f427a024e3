"""What the bot sends to Telegram: messages cut to Telegram's size with their HTML folds kept
valid, sent with retries; button answers and keyboard edits, whose failure is only logged."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot import health, keyboards
from bot.transport import retry_after_seconds
from dialogs.render import FOLD_CLOSE, FOLD_OPEN

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096
SEND_ATTEMPTS = 4


@dataclass(frozen=True)
class Outgoing:
    """One message as it is sent: its HTML text and its keyboard; saved with the state
    (`bot/gate.py`, `ANSWER_KEY`) as the Bot API's JSON."""

    text: str
    markup: InlineKeyboardMarkup | ForceReply | None = None

    @classmethod
    def parts(cls, text: str, markup: InlineKeyboardMarkup | ForceReply | None) -> list[Outgoing]:
        """`text` split at line ends to fit one message each (`split_message`), the keyboard
        under the last part."""
        parts = split_message(text)
        return [*(cls(part) for part in parts[:-1]), cls(parts[-1], markup)]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "markup": None if self.markup is None else self.markup.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outgoing:
        markup = data.get("markup")
        if markup is None:
            return cls(data["text"])
        if markup.get("force_reply"):  # a typed question's placeholder (`keyboards.reply_markup`)
            return cls(data["text"], ForceReply.de_json(markup))
        return cls(data["text"], InlineKeyboardMarkup.de_json(markup))


async def send_outgoing(
    bot: Any, chat_id: int, outgoing: list[Outgoing], retry_delay: float
) -> None:
    for message in outgoing:
        await send(bot, chat_id, message.text, message.markup, retry_delay)


async def send(
    bot: Any, chat_id: int, text: str, markup: Any, retry_delay: float
) -> Message | None:
    """Send, retrying network failures and 5xx answers (429 is the rate limiter's job).

    PTB retries neither. When a connection drops after Telegram has already delivered the
    message, a retry shows it twice: the Bot API has no idempotency key, and a duplicated
    prompt is safer than a lost one at the bedside.
    """
    for attempt in range(SEND_ATTEMPTS):
        try:
            # HTML and no link previews: the application's Defaults (bot/app.py).
            sent: Message = await bot.send_message(chat_id, text, reply_markup=markup)
            health.replied()
            return sent
        except (BadRequest, Forbidden):
            health.error("send_refused")
            logger.warning("message to a chat refused by Telegram")
            return None
        except RetryAfter as error:
            await asyncio.sleep(retry_after_seconds(error))
        except NetworkError as error:
            logger.warning("send failed (%s), attempt %d", type(error).__name__, attempt + 1)
            await asyncio.sleep(retry_delay * 2**attempt)
    health.error("send_abandoned")
    logger.error("send abandoned after %d attempts", SEND_ATTEMPTS)
    return None


async def answer(query: CallbackQuery, text: str | None) -> None:
    try:
        await query.answer(text)
    except (BadRequest, NetworkError):
        logger.info("callback answer failed")


async def remove_keyboard(query: CallbackQuery) -> None:
    """Buttons of an answered question disappear, so they cannot be pressed twice; a dose
    card keeps its own (copy, calendar, share, language), which stay true of that card."""
    markup = getattr(query.message, "reply_markup", None)
    kept = keyboards.card_buttons_only(markup)
    with contextlib.suppress(BadRequest, NetworkError):
        await query.edit_message_reply_markup(reply_markup=kept)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line ends so that no part exceeds Telegram's limit or cuts an HTML tag.

    A card's folded block (`<blockquote expandable>`) split across parts is closed at the end
    of one part and opened again at the start of the next, so every part is valid HTML.
    """
    if len(text) <= limit:
        return [text]
    reserve = len(FOLD_OPEN) + len(FOLD_CLOSE)
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit - reserve:
            parts.append(line[: limit - reserve])
            line = line[limit - reserve :]
        if len(current) + len(line) + 1 > limit - reserve:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return _balance_fold(parts)


def _balance_fold(parts: list[str]) -> list[str]:
    """Close a folded block left open at the end of a part and reopen it in the next one."""
    balanced: list[str] = []
    open_fold = False
    for part in parts:
        if open_fold:
            part = FOLD_OPEN + part
        open_fold = part.rfind(FOLD_OPEN) > part.rfind(FOLD_CLOSE)
        balanced.append(part + FOLD_CLOSE if open_fold else part)
    return balanced
