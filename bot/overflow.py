"""The one answer a chat gets when it sends more at once than `bot/ordering.py` lets it queue.

The surplus messages were not read at all, so the dialog is where the last answered message
left it; the clinician is asked to send again what has no answer. One attempt, no retries: the
chat is already sending faster than it is answered.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import texts
from bot.logsetup import log_update
from bot.storage import StateStore, StoreUnavailable
from dialogs.render import Renderer
from locales import closest_language

logger = logging.getLogger(__name__)


async def tell_too_many(store: StateStore, update: object) -> None:
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user, chat = update.effective_user, update.effective_chat
    try:
        lang = store.language(chat.id)
    except StoreUnavailable:
        lang = None
    lang = lang or closest_language(user.language_code if user else None)
    text = Renderer(lang, html=True).text(texts.TOO_MANY)
    try:
        await update.get_bot().send_message(chat.id, text, parse_mode=ParseMode.HTML)
    except TelegramError as error:
        logger.warning("backlog notice not sent (%s)", type(error).__name__)
    log_update(logger, update.update_id, "backlog-full", None, 0.0)
