"""The transport's own commands (`texts.BOT_COMMANDS` but /verify): /language and its buttons,
/about, /forget, /sources; and the notes that edits and non-text messages are not read."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot import keyboards, texts
from bot.logsetup import log_update
from bot.sending import answer, remove_keyboard, send
from bot.sources import sources_text
from bot.storage import StoreUnavailable
from dialogs.dialog import current
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Reply

if TYPE_CHECKING:
    from bot.handlers import BotService

logger = logging.getLogger(__name__)


async def on_forget(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = service.language(update)  # said in the chat's language, read before it is erased
    try:
        service.store.forget(chat.id)
    except StoreUnavailable as error:  # never "erased" when it was not
        await service.unavailable(update, error)
        return
    await _notice(service, update, texts.FORGOTTEN, lang=lang)
    log_update(logger, update.update_id, "text", "/forget", 0.0)


async def on_about(service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    values = {"version": service.version, "ruleset": service.ruleset, "hours": service.ttl_hours}
    await _notice(service, update, texts.ABOUT, values)
    log_update(logger, update.update_id, "text", "/about", 0.0)


async def on_sources(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """The documents the chat's label profile cites (its /settings choice, else the site's)."""
    chat = update.effective_chat
    assert chat is not None
    label = service.label
    try:
        data = service.store.load(chat.id)
    except StoreUnavailable:
        data = None  # the site's profile is still a true answer
    if data:
        conversation = Conversation.from_dict(data)
        label = conversation.label_choice or service.label
    text = sources_text(Renderer(service.language(update), html=True), label)
    await send(update.get_bot(), chat.id, text, None, service.retry_delay)
    log_update(logger, update.update_id, "text", "/sources", 0.0)


async def on_language(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    await _notice(service, update, texts.CHOOSE_LANGUAGE, markup=keyboards.language_keyboard())
    log_update(logger, update.update_id, "text", "/language", 0.0)


async def set_language(
    service: BotService, update: Update, query: CallbackQuery, lang: str
) -> None:
    """A button of /language: the chat's language from now on, and where the conversation
    stands said again in it."""
    chat = update.effective_chat
    assert chat is not None
    await answer(query, None)
    await remove_keyboard(query)
    await service.dialog(
        update,
        lambda conversation: [Reply("notice", texts.LANGUAGE_SET), *current(conversation)],
        chosen_language=lang,
    )


async def on_other(service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _notice(service, update, texts.TEXT_ONLY)
    log_update(logger, update.update_id, "non-text", None, 0.0)


async def on_edited(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    await _notice(service, update, texts.EDITS_IGNORED)
    log_update(logger, update.update_id, "edited", None, 0.0)


async def _notice(
    service: BotService,
    update: Update,
    key: str,
    values: dict[str, Any] | None = None,
    markup: Any = None,
    lang: str | None = None,
) -> None:
    chat = update.effective_chat
    assert chat is not None
    text = Renderer(lang or service.language(update), html=True).text(key, values)
    await send(update.get_bot(), chat.id, text, markup, service.retry_delay)
