"""The double check in Telegram: `/verify` and the card's Verify link start a blind second
entry of a stored plan (bot/receipts.py); its outcome is told to the chat that asked for it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import receipts
from bot.logsetup import log_update
from bot.storage import StoreUnavailable
from dialogs import verify
from dialogs.dialog import start_verify
from dialogs.render import Renderer
from dialogs.replies import Reply

if TYPE_CHECKING:
    from bot.handlers import BotService

logger = logging.getLogger(__name__)


async def on_verify(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """`/verify K7QM-2XPA`: a blind second entry of a stored plan."""
    await start(service, update, " ".join(context.args or []))


async def start(service: BotService, update: Update, argument: str) -> None:
    """The second entry of the plan `argument` names, begun in this chat; or why not."""
    chat = update.effective_chat
    assert chat is not None
    try:
        begun = receipts.begin(service.store, chat.id, argument, service.ttl_hours, service.guesses)
    except StoreUnavailable as error:
        await service.unavailable(update, error)
        return
    if isinstance(begun, Reply):
        await service.send_replies(update, service.language(update), [begun])
    else:
        code = begun
        await service.dialog(update, lambda conversation: start_verify(conversation, code))
    log_update(logger, update.update_id, "text", "/verify", 0.0)


async def tell(service: BotService, update: Update, notice: receipts.Notice) -> None:
    """The outcome of a check, in the chat that asked for it, in that chat's language."""
    try:
        lang = service.store.language(notice.chat_id) or "en"
    except StoreUnavailable:
        lang = "en"
    await service.send_replies(update, lang, notice.replies, chat_id=notice.chat_id)


def verify_link(code: str, renderer: Renderer, bot: Any) -> InlineKeyboardMarkup | None:
    """Under a card shared with a colleague: a link that starts the double check in the
    tapper's own chat. Not under the author's own card, where it could only lead to "made in
    this chat" (a card forwarded from there carries its code in its text). A link, not a
    callback, so that it works in the colleague's chat; 🔍, not ✅, so that it does not read
    as "checked"."""
    try:
        username = bot.username
    except (AttributeError, RuntimeError):  # a bot not initialised (get_me not called)
        username = None
    if not username or not code:
        return None
    payload = verify.DEEP_LINK_PREFIX + code.replace("-", "")
    button = InlineKeyboardButton(
        renderer.text(verify.VERIFY_BUTTON), url=f"https://t.me/{username}?start={payload}"
    )
    return InlineKeyboardMarkup([[button]])
