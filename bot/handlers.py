"""The Telegram side of the dialog: gate → load → dialog → save → send, and the one place where
every handler is registered.

No ConversationHandler: the state machine is the dialog, and one router serves commands, text
and buttons alike. The session is saved before anything is sent, so a crash while sending
loses nothing the clinician typed; Telegram I/O happens only after the dialog step returned.
The other handlers live by concern: bot/gate.py, bot/double_check.py, bot/card_actions.py,
bot/transport_commands.py; what they share is `BotService`, passed to each.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import (
    card_actions,
    cards,
    double_check,
    form_data,
    health,
    keyboards,
    receipts,
    texts,
    transport_commands,
)
from bot.cards import CardShelf
from bot.gate import ANSWER_KEY, APPLIED_KEY, gate
from bot.inbox import REPLAYED
from bot.logsetup import log_update
from bot.sending import Outgoing, answer, remove_keyboard, send, send_outgoing
from bot.storage import StateStore, StoreUnavailable
from dialogs import verify
from dialogs.dialog import handle_choice, handle_text, split_command
from dialogs.form import handle_form
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Reply
from locales import closest_language
from rules.labels import DEFAULT_PROFILE, Profile

logger = logging.getLogger(__name__)

#: The "Ask for a double check" button's value (`dialogs/dialog.py`).
CHECK_VALUE = "/check"


class BotService:
    """Everything the handlers share: the store, the allowlist and the clock."""

    def __init__(
        self,
        store: StateStore,
        allowed_users: frozenset[int] = frozenset(),
        ttl_hours: int = 12,
        label: Profile = DEFAULT_PROFILE,
        version: str = "",
        ruleset: str = "",
        today: Callable[[], dt.date] = dt.date.today,
        retry_delay: float = 0.5,
        team_language: str | None = None,
        webapp_url: str | None = None,
    ) -> None:
        self.store = store
        self.allowed_users = allowed_users
        self.ttl_hours = ttl_hours
        #: The site's label profile (BOT_LABEL); a chat may choose another with /settings.
        self.label = label
        self.version = version
        self.ruleset = ruleset
        self.today = today
        self.retry_delay = retry_delay
        self.team_language = team_language
        self.cards = CardShelf(store)
        #: Wrong or expired /verify codes per user (bot/receipts.py).
        self.guesses = receipts.GuessLimiter()
        #: Groups already told, once, that the bot works in private chats only (bot/gate.py).
        self.pointed_groups: set[int] = set()
        #: BOT_WEBAPP_URL: the Mini App form's page, offered by a "📝 Form" button.
        self.webapp_url = webapp_url
        #: Ids of the updates bot/polling.py replays from its inbox after a restart; only these
        #: are handled again once seen (bot/gate.py). Any other repeat is dropped: it was answered.
        self.replayed: set[int] = set()

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # Filled by bot/inbox.py's replay, which may have run before this (bot/app.py).
        self.replayed = application.bot_data.setdefault(REPLAYED, self.replayed)
        application.add_handler(TypeHandler(Update, partial(gate, self)), group=-1)
        application.add_handler(
            MessageHandler(
                filters.UpdateType.EDITED_MESSAGE, partial(transport_commands.on_edited, self)
            ),
            group=0,
        )
        # The transport's own commands (`texts.BOT_COMMANDS`); PTB drops the @botname. Every
        # other command is the dialog's (`dialogs.dialog.COMMANDS`), read by on_text with the
        # rest of the text.
        commands = {
            "language": transport_commands.on_language,
            "about": transport_commands.on_about,
            "forget": transport_commands.on_forget,
            "sources": transport_commands.on_sources,
            "verify": double_check.on_verify,
        }
        for name in texts.BOT_COMMANDS:
            application.add_handler(
                CommandHandler(name, partial(commands[name], self), filters.UpdateType.MESSAGE),
                group=0,
            )
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_text), group=0
        )
        application.add_handler(CallbackQueryHandler(self.on_button), group=0)
        application.add_handler(InlineQueryHandler(partial(card_actions.on_inline, self)), group=0)
        application.add_handler(
            MessageHandler(filters.StatusUpdate.WEB_APP_DATA, self.on_form_data), group=0
        )
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & ~filters.TEXT,
                partial(transport_commands.on_other, self),
            ),
            group=0,
        )
        if self.webapp_url is not None:  # after the answer to /start or a new language
            application.add_handler(
                CommandHandler("start", self.on_form_offer, filters.UpdateType.MESSAGE), group=1
            )
            language = f"^{keyboards.LANGUAGE_PREFIX}\\{keyboards.SEPARATOR}"
            application.add_handler(
                CallbackQueryHandler(self.on_form_offer, pattern=language), group=1
            )
        application.add_error_handler(self.on_error)

    # Handlers --------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None and update.effective_user
        text = message.text
        command, argument = split_command(text) if text.startswith("/") else (None, "")
        if command == "/start" and argument.lower().startswith(verify.DEEP_LINK_PREFIX):
            # The card's "Verify" link, tapped by a colleague (on a forwarded card too).
            await double_check.start(self, update, argument[len(verify.DEEP_LINK_PREFIX) :])
            return
        started = time.perf_counter()
        await self.dialog(
            update, lambda conversation: handle_text(conversation, text, self.today())
        )
        elapsed = (time.perf_counter() - started) * 1000
        log_update(logger, update.update_id, "text", command, elapsed)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        started = time.perf_counter()
        decoded = keyboards.decode(query.data or "")
        if decoded is None:
            await answer(query, None)
            log_update(logger, update.update_id, "button-invalid", None, 0.0)
            return
        head, value = decoded
        if head == keyboards.LANGUAGE_PREFIX:
            await transport_commands.set_language(self, update, query, value)
        elif head == keyboards.CARD_PREFIX:
            await card_actions.on_card_button(self, update, query, value)
        else:
            await answer(query, None)
            if value != CHECK_VALUE:  # the card keeps its Verify link, to be forwarded
                await remove_keyboard(query)
            token = int(head)
            await self.dialog(
                update, lambda conversation: handle_choice(conversation, token, value, self.today())
            )
        elapsed = (time.perf_counter() - started) * 1000
        log_update(logger, update.update_id, "button", None, elapsed)

    # The Mini App form (bot/form_data.py) -----------------------------------------------

    async def on_form_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The form's data: a new request read with the `plan` contract's checks; refused, it
        is answered and nothing is stored."""
        message = update.effective_message
        assert message is not None and message.web_app_data is not None
        read = form_data.read_form(message.web_app_data.data, self.today())
        if isinstance(read, Reply):
            await self.send_replies(update, self.language(update), [read])
        else:
            await self.dialog(update, lambda conversation: handle_form(conversation, read))
        refused = isinstance(read, Reply)
        log_update(logger, update.update_id, "form-refused" if refused else "form", None, 0.0)

    async def on_form_offer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "📝 Form" button under the message field, in the chat's language."""
        chat = update.effective_chat
        if self.webapp_url is None or chat is None or context.args:  # not a /start deep link
            return
        text, markup = form_data.form_offer(self.webapp_url, self.language(update))
        await send(update.get_bot(), chat.id, text, markup, self.retry_delay)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The exception text may quote an update; log only its type.
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        health.error("handler_failed")
        logger.error("update %s failed: %s", update_id, type(error).__name__)

    # Dialog ----------------------------------------------------------------------------

    async def dialog(
        self,
        update: Update,
        step: Callable[[Conversation], list[Reply]],
        chosen_language: str | None = None,
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        # No lock here: ChatOrderedProcessor runs one update of a chat at a time.
        try:
            conversation = self._load(chat.id, user.language_code, chosen_language)
            replies = step(conversation)
            replies, notice = receipts.settle(
                self.store, chat.id, replies, self.ttl_hours, user.first_name, conversation
            )
            outgoing = self._outgoing(update, conversation.lang, replies, chat.id)
            # The update's id and its answer with the state, in one transaction: what tells a
            # replay after a stop between the gate's mark and this save from one already
            # applied, and what that replay shows again.
            document = {**conversation.to_dict(), APPLIED_KEY: update.update_id}
            if outgoing:
                document[ANSWER_KEY] = outgoing[-1].to_dict()
            self.store.save(chat.id, document)
        except StoreUnavailable as error:
            await self.unavailable(update, error)
            return
        await send_outgoing(update.get_bot(), chat.id, outgoing, self.retry_delay)
        if notice is not None:
            await double_check.tell(self, update, notice)

    def _load(
        self, chat_id: int, language_code: str | None, chosen_language: str | None = None
    ) -> Conversation:
        """The chat's conversation in its language: one chosen now, else the stored one, else
        the closest to Telegram's (stored from then on)."""
        lang = chosen_language or self.store.language(chat_id)
        if lang is None or chosen_language:
            lang = lang or closest_language(language_code)
            self.store.set_language(chat_id, lang)
        data = self.store.load(chat_id)
        conversation = Conversation.from_dict(data) if data else Conversation(lang)
        conversation.lang = lang
        conversation.site_label = self.label
        return conversation

    async def unavailable(self, update: Update, error: StoreUnavailable) -> None:
        """Storage failed: say so, in the language Telegram reports (the stored one cannot be
        read), and log the reason (never a value)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        health.error("store_unavailable")
        logger.warning("update %s not saved: %s", update.update_id, error)
        text = Renderer(closest_language(user.language_code), html=True).text(
            texts.unavailable_text(error)
        )
        await send(update.get_bot(), chat.id, text, None, self.retry_delay)

    def language(self, update: Update) -> str:
        """The chat's stored language, else the closest to Telegram's; never fails on storage.
        An inline query has no chat: the asking clinician's private chat (its id is theirs)."""
        chat, user = update.effective_chat, update.effective_user
        assert user is not None
        try:
            stored = self.store.language(chat.id if chat is not None else user.id)
        except StoreUnavailable:
            stored = None
        # A chat stored before Portuguese had two catalogs says "pt": read as its tag.
        return closest_language(stored) if stored else closest_language(user.language_code)

    async def send_replies(
        self, update: Update, lang: str, replies: list[Reply], chat_id: int | None = None
    ) -> None:
        chat = update.effective_chat
        assert chat is not None
        target = chat.id if chat_id is None else chat_id
        outgoing = self._outgoing(update, lang, replies, target)
        await send_outgoing(update.get_bot(), target, outgoing, self.retry_delay)

    def _outgoing(
        self, update: Update, lang: str, replies: list[Reply], chat_id: int
    ) -> list[Outgoing]:
        """The messages `replies` are sent as to `chat_id`, in order: a long plan split at row
        boundaries, its keyboard under the last part; a plan kept as a card (bot/cards.py)."""
        renderer = Renderer(lang, html=True)
        messages: list[Outgoing] = []
        for reply in replies:
            markup: Any = keyboards.reply_markup(reply, renderer)
            if reply.kind == "plan" and reply.plan is not None and update.effective_user:
                user = update.effective_user.id
                card = cards.Card(user, reply.plan, reply.unchecked, reply.request)
                card_id = self.cards.add(card, chat_id)
                rows = card_actions.card_rows(
                    update.get_bot(), reply.plan, card_id, lang, self.team_language
                )
                markup = keyboards.plan_keyboard(rows, reply.choices, reply.token, renderer)
            messages += Outgoing.parts(renderer.reply(reply), markup)
        return messages
