"""The dose card's own buttons (bot/cards.py): its calendar file, the same card in the team
language, and the card shared with a colleague by inline query."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from telegram import (
    CallbackQuery,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot import cards, keyboards
from bot.double_check import verify_link
from bot.logsetup import log_update
from bot.sending import MAX_MESSAGE, Outgoing, answer, send_outgoing
from dialogs.render import FOLD_OPEN, Renderer
from dialogs.replies import Reply

if TYPE_CHECKING:
    from bot.handlers import BotService

logger = logging.getLogger(__name__)


async def on_card_button(
    service: BotService, update: Update, query: CallbackQuery, value: str
) -> None:
    """📅 sends the cycle's calendar file; "Show in …" the same card in the team language."""
    action, _, card_id = value.partition(":")
    assert update.effective_user is not None and update.effective_chat is not None
    card = service.cards.get(card_id, update.effective_user.id)
    lang = service.language(update)
    if card is None:
        await answer(query, Renderer(lang).text(cards.CARD_GONE)[:190])
        return
    await answer(query, None)
    bot = update.get_bot()
    if action == cards.CALENDAR_ACTION:
        plain = Renderer(lang)
        now = dt.datetime.now(dt.UTC)
        content = cards.calendar_file(card.plan, plain, card_id, now)
        if content is not None:
            caption = Renderer(lang, html=True).text(
                cards.CALENDAR_CAPTION, {"cycle": card.plan.cycle}
            )
            name = f"besponsa-cycle-{card.plan.cycle}.ics"
            with contextlib.suppress(BadRequest, Forbidden, NetworkError):
                await bot.send_document(
                    update.effective_chat.id,
                    InputFile(content, filename=name),
                    caption=caption,
                )
    elif action == cards.TEAM_ACTION and service.team_language is not None:
        reply = Reply("plan", "", plan=card.plan, unchecked=card.unchecked)
        await _send_card(service, update, service.team_language, reply, card_id)


async def on_inline(
    service: BotService, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """The shared card: the inline query carries only the card's id; the answer is the card
    as the colleague will see it (its one button: Verify), offered only to the clinician it
    belongs to."""
    query = update.inline_query
    assert query is not None
    card_id = query.query.strip()
    card = service.cards.get(card_id, query.from_user.id)
    results = []
    lang = service.language(update)  # one read of the store, for every text of the answer
    text = None if card is None else shared_text(card, lang)
    if card is not None and text is not None:
        title = Renderer(lang).text(cards.SHARE_TITLE, {"cycle": card.plan.cycle})
        renderer = Renderer(lang, html=True)
        link = verify_link(card.plan.receipt, renderer, update.get_bot())
        results.append(
            InlineQueryResultArticle(
                id=card_id[:64],
                title=title,
                input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
                reply_markup=link,
            )
        )
    with contextlib.suppress(BadRequest, NetworkError):
        await query.answer(results, cache_time=0, is_personal=True)
    log_update(logger, update.update_id, "inline", None, 0.0)


def shared_text(card: cards.Card, lang: str) -> str | None:
    """The card as one message: whole, else without its folded part; never a part of the
    rows or warnings (a shared card that fits in no message is not offered)."""
    renderer = Renderer(lang, html=True)
    text = renderer.reply(Reply("plan", "", plan=card.plan, unchecked=card.unchecked))
    if len(text) > MAX_MESSAGE:
        text = text.split(FOLD_OPEN, 1)[0].rstrip("\n")
    return text if len(text) <= MAX_MESSAGE else None


async def _send_card(
    service: BotService, update: Update, lang: str, reply: Reply, card_id: str
) -> None:
    """A card again, in `lang`, with its own buttons (the dialog's belong to the chat)."""
    chat = update.effective_chat
    assert chat is not None and reply.plan is not None
    renderer = Renderer(lang, html=True)
    rows = card_rows(update.get_bot(), reply.plan, card_id, lang, team_language=None)
    markup = keyboards.plan_keyboard(rows, (), 0, renderer)
    outgoing = Outgoing.parts(renderer.reply(reply), markup)
    await send_outgoing(update.get_bot(), chat.id, outgoing, service.retry_delay)


def card_rows(
    bot: Any, plan: Any, card_id: str, lang: str, team_language: str | None
) -> list[list[Any]]:
    """The card's buttons (`cards.card_rows`): Share only if this bot answers inline queries."""
    inline = bool(getattr(bot, "supports_inline_queries", False))
    return cards.card_rows(
        plan, card_id, Renderer(lang), inline=inline, team_language=team_language
    )
