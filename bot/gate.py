"""What the bot must not process, refused before anything is stored: users outside the
allowlist, groups (told once to write in private), and updates already applied (dropped, or
their saved answer sent again)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import health, texts
from bot.logsetup import log_update
from bot.sending import Outgoing, answer, send, send_outgoing
from bot.storage import StateStore, StoreUnavailable
from dialogs.render import Renderer
from locales import closest_language

if TYPE_CHECKING:
    from bot.handlers import BotService

logger = logging.getLogger(__name__)

#: In a saved session document: the id of the update whose step produced it.
APPLIED_KEY = "update_id"
#: ... and the last message of that update's answer, as sent (text and keyboard): what a replay
#: after a stop between the save and the send shows again, identical.
ANSWER_KEY = "last_answer"
#: Groups remembered as told (`point_once`) before the memory starts again.
MAX_POINTED_GROUPS = 10_000


async def gate(service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refuse, before anything is stored, whatever this bot must not process."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or (chat is None and update.inline_query is None):
        raise ApplicationHandlerStop
    lang = closest_language(user.language_code)
    private = chat is None or (chat.type == ChatType.PRIVATE and chat.id == user.id)
    if service.allowed_users and user.id not in service.allowed_users:
        log_update(logger, update.update_id, "refused", None, 0.0)
        # In a group, a stranger's message is not answered there (a button's answer is
        # shown to the one who pressed it only).
        if private or update.callback_query is not None:
            await _refuse(update, texts.NOT_ALLOWED, lang, service.retry_delay)
        raise ApplicationHandlerStop
    if chat is None:
        return  # an inline query: answered only with the asking clinician's own card
    if not private:
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and point_once(
            service.pointed_groups, chat.id
        ):
            await _refuse(update, texts.GROUP_POINTER, lang, service.retry_delay)
        raise ApplicationHandlerStop
    replayed = update.update_id in service.replayed
    service.replayed.discard(update.update_id)
    store = service.store
    try:
        seen = not store.mark_update_seen(update.update_id)
        applied = _applied(store, chat.id, update.update_id) if seen and replayed else None
    except StoreUnavailable as error:
        health.error("store_unavailable")
        logger.warning("update %s not processed: %s", update.update_id, error)
        await _refuse(update, texts.unavailable_text(error), lang, service.retry_delay)
        raise ApplicationHandlerStop from None
    if seen and not replayed:
        # Delivered again by Telegram or a webhook replay, after it was handled and
        # answered (bot/polling.py confirms only what it saved; what it has not yet
        # answered it replays itself): answered once, so dropped.
        log_update(logger, update.update_id, "duplicate", None, 0.0)
        raise ApplicationHandlerStop
    if applied is not None:
        # Replayed from the inbox after a restart, its state saved before the stop, maybe
        # not its answer: not applied twice; the last message of its answer is sent again,
        # as saved: the one the chat got or should have got.
        log_update(logger, update.update_id, "redelivered", None, 0.0)
        await send_outgoing(update.get_bot(), chat.id, [applied], service.retry_delay)
        raise ApplicationHandlerStop
    # Otherwise new, or replayed after a stop between its mark and its save: handled now.


def point_once(pointed_groups: set[int], group: int) -> bool:
    """True the first time a group is seen (since this process started): the pointer to
    a private chat is posted there once, not under every message of the group."""
    if group in pointed_groups:
        return False
    if len(pointed_groups) >= MAX_POINTED_GROUPS:
        pointed_groups.clear()
    pointed_groups.add(group)
    return True


def _applied(store: StateStore, chat_id: int, update_id: int) -> Outgoing | None:
    """The last message of this update's answer, if the chat's saved state is this
    update's (the dialog saves both with it: `BotService.dialog`)."""
    data = store.load(chat_id)
    if data is None or data.get(APPLIED_KEY) != update_id:
        return None
    saved = data.get(ANSWER_KEY)
    if not isinstance(saved, dict):
        return None  # a step that sent nothing
    return Outgoing.from_dict(saved)


async def _refuse(update: Update, key: str, lang: str, retry_delay: float) -> None:
    text = Renderer(lang, html=True).text(key)
    if update.callback_query is not None:
        await answer(update.callback_query, text[:190])
    elif update.effective_message is not None and update.effective_chat is not None:
        await send(update.get_bot(), update.effective_chat.id, text, None, retry_delay)
