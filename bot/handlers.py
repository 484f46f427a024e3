"""The Telegram side of the dialog: gate → load → dialog → save → send.

No ConversationHandler: the state machine is the dialog, and one router serves commands, text
and buttons alike. The session is saved before anything is sent, so a crash while sending
loses nothing the clinician typed; Telegram I/O happens only after the dialog step returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import keyboards, texts
from bot.inbox import REPLAYED
from bot.logsetup import log_update
from bot.sources import sources_text
from bot.store import SessionStore, StoreUnavailable
from dialogs.dialog import COMMANDS, current, handle_choice, handle_text, split_command
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Reply
from locales import LANGUAGES, closest_language
from rules.labels import DEFAULT_PROFILE, Profile

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096
#: In a saved session document: the id of the update whose step produced it.
APPLIED_KEY = "update_id"
SEND_ATTEMPTS = 4


class BotService:
    """Everything the handlers share: the store, the allowlist and the clock."""

    def __init__(
        self,
        store: SessionStore,
        allowed_users: frozenset[int] = frozenset(),
        ttl_hours: int = 12,
        label: Profile = DEFAULT_PROFILE,
        version: str = "",
        ruleset: str = "",
        today: Callable[[], dt.date] = dt.date.today,
        retry_delay: float = 0.5,
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
        #: Ids of the updates bot/polling.py replays from its inbox after a restart; only these
        #: are handled again once seen. Any other repeat is dropped: it was answered.
        self.replayed: set[int] = set()

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.bot_data[REPLAYED] = self.replayed  # filled by bot/polling.py
        application.add_handler(TypeHandler(Update, self.gate), group=-1)
        application.add_handler(
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited), group=0
        )
        # The transport's own commands (`texts.BOT_COMMANDS`, each answered by `on_<name>`);
        # PTB drops the @botname. Every other command is the dialog's (`dialogs.dialog.COMMANDS`),
        # read by on_text with the rest of the text.
        for name in texts.BOT_COMMANDS:
            callback = getattr(self, f"on_{name}")
            application.add_handler(
                CommandHandler(name, callback, filters.UpdateType.MESSAGE), group=0
            )
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_text), group=0
        )
        application.add_handler(CallbackQueryHandler(self.on_button), group=0)
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, self.on_other), group=0
        )
        application.add_error_handler(self.on_error)

    # Gate ------------------------------------------------------------------------------

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Refuse, before anything is stored, whatever this bot must not process."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            raise ApplicationHandlerStop
        lang = closest_language(user.language_code)
        if self.allowed_users and user.id not in self.allowed_users:
            log_update(logger, update.update_id, "refused", None, 0.0)
            await self._refuse(update, texts.NOT_ALLOWED, lang)
            raise ApplicationHandlerStop
        if chat.type != ChatType.PRIVATE or chat.id != user.id:
            if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
                await self._refuse(update, texts.GROUP_POINTER, lang)
            raise ApplicationHandlerStop
        replayed = update.update_id in self.replayed
        self.replayed.discard(update.update_id)
        try:
            seen = not self.store.mark_update_seen(update.update_id)
            applied = seen and replayed and self._applied(chat.id, update.update_id)
        except StoreUnavailable as error:
            logger.warning("update %s not processed: %s", update.update_id, error)
            await self._refuse(update, unavailable_text(error), lang)
            raise ApplicationHandlerStop from None
        if seen and not replayed:
            # Delivered again by Telegram or a webhook replay, after it was handled and
            # answered (bot/polling.py confirms only what it saved; what it has not yet
            # answered it replays itself): answered once, so dropped.
            log_update(logger, update.update_id, "duplicate", None, 0.0)
            raise ApplicationHandlerStop
        if applied:
            # Replayed from the inbox after a restart, its state saved before the stop, maybe
            # not its answer: not applied twice; the dialog's present state is shown again,
            # which is the last answer the chat got or should have got.
            log_update(logger, update.update_id, "redelivered", None, 0.0)
            await self._dialog(update, current)
            raise ApplicationHandlerStop
        # Otherwise new, or replayed after a stop between its mark and its save: handled now.

    def _applied(self, chat_id: int, update_id: int) -> bool:
        """Whether the chat's saved state is this update's (`_dialog` saves the id with it)."""
        data = self.store.load(chat_id)
        return data is not None and data.get(APPLIED_KEY) == update_id

    async def _refuse(self, update: Update, key: str, lang: str) -> None:
        text = Renderer(lang, html=True).text(key)
        if update.callback_query is not None:
            await self._answer(update.callback_query, text[:190])
        elif update.effective_message is not None and update.effective_chat is not None:
            await self._send(update.effective_chat.id, text, None, context_bot(update))

    # Handlers --------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None and update.effective_user
        text = message.text
        command = split_command(text)[0] if text.startswith("/") else None
        started = time.perf_counter()
        await self._dialog(
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
            await self._answer(query, None)
            log_update(logger, update.update_id, "button-invalid", None, 0.0)
            return
        head, value = decoded
        if head == keyboards.LANGUAGE_PREFIX:
            await self._set_language(update, query, value)
        else:
            await self._answer(query, None)
            await _remove_keyboard(query)
            token = int(head)
            await self._dialog(
                update, lambda conversation: handle_choice(conversation, token, value, self.today())
            )
        elapsed = (time.perf_counter() - started) * 1000
        log_update(logger, update.update_id, "button", None, elapsed)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._notice(update, texts.TEXT_ONLY)
        log_update(logger, update.update_id, "non-text", None, 0.0)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._notice(update, texts.EDITS_IGNORED)
        log_update(logger, update.update_id, "edited", None, 0.0)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The exception text may quote an update; log only its type.
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("update %s failed: %s", update_id, type(error).__name__)

    # Dialog ----------------------------------------------------------------------------

    async def _dialog(
        self,
        update: Update,
        step: Callable[[Conversation], list[Reply]],
        chosen_language: str | None = None,
    ) -> None:
        chat = update.effective_chat
        assert chat is not None and update.effective_user is not None
        # No lock here: ChatOrderedProcessor runs one update of a chat at a time.
        try:
            conversation = self._load(chat.id, update.effective_user.language_code, chosen_language)
            replies = step(conversation)
            # The update's id with the state, in one transaction: what tells a replay after a
            # stop between the gate's mark and this save from one already applied.
            document = {**conversation.to_dict(), APPLIED_KEY: update.update_id}
            self.store.save(chat.id, document)
        except StoreUnavailable as error:
            await self._unavailable(update, error)
            return
        await self._send_replies(update, conversation.lang, replies)

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

    async def on_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        assert chat is not None
        lang = self._language(update)  # said in the chat's language, read before it is erased
        try:
            self.store.forget(chat.id)
        except StoreUnavailable as error:  # never "erased" when it was not
            await self._unavailable(update, error)
            return
        await self._notice(update, texts.FORGOTTEN, lang=lang)
        log_update(logger, update.update_id, "text", "/forget", 0.0)

    async def on_about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        values = {"version": self.version, "ruleset": self.ruleset, "hours": self.ttl_hours}
        await self._notice(update, texts.ABOUT, values)
        log_update(logger, update.update_id, "text", "/about", 0.0)

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The documents the chat's label profile cites (its /settings choice, else the site's)."""
        chat = update.effective_chat
        assert chat is not None
        label = self.label
        try:
            data = self.store.load(chat.id)
        except StoreUnavailable:
            data = None  # the site's profile is still a true answer
        if data:
            conversation = Conversation.from_dict(data)
            label = conversation.label_choice or self.label
        text = sources_text(Renderer(self._language(update), html=True), label)
        await self._send(chat.id, text, None, context_bot(update))
        log_update(logger, update.update_id, "text", "/sources", 0.0)

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._notice(update, texts.CHOOSE_LANGUAGE, markup=keyboards.language_keyboard())
        log_update(logger, update.update_id, "text", "/language", 0.0)

    async def _set_language(self, update: Update, query: CallbackQuery, lang: str) -> None:
        chat = update.effective_chat
        assert chat is not None
        await self._answer(query, None)
        await _remove_keyboard(query)
        await self._dialog(
            update,
            lambda conversation: [Reply("notice", texts.LANGUAGE_SET), *current(conversation)],
            chosen_language=lang,
        )

    async def _unavailable(self, update: Update, error: StoreUnavailable) -> None:
        """Storage failed: say so, in the language Telegram reports (the stored one cannot be
        read), and log the reason (never a value)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        logger.warning("update %s not saved: %s", update.update_id, error)
        text = Renderer(closest_language(user.language_code), html=True).text(
            unavailable_text(error)
        )
        await self._send(chat.id, text, None, context_bot(update))

    async def _notice(
        self,
        update: Update,
        key: str,
        values: dict[str, Any] | None = None,
        markup: Any = None,
        lang: str | None = None,
    ) -> None:
        chat = update.effective_chat
        assert chat is not None
        text = Renderer(lang or self._language(update), html=True).text(key, values)
        await self._send(chat.id, text, markup, context_bot(update))

    def _language(self, update: Update) -> str:
        """The chat's stored language, else the closest to Telegram's; never fails on storage."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        try:
            stored = self.store.language(chat.id)
        except StoreUnavailable:
            stored = None
        return stored or closest_language(user.language_code)

    # Sending ---------------------------------------------------------------------------

    async def _send_replies(self, update: Update, lang: str, replies: list[Reply]) -> None:
        chat = update.effective_chat
        assert chat is not None
        renderer = Renderer(lang, html=True)
        bot = context_bot(update)
        for reply in replies:
            markup = keyboards.choices_keyboard(reply.choices, reply.token, renderer)
            parts = split_message(renderer.reply(reply))
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                await self._send(chat.id, part, markup if last else None, bot)

    async def _send(self, chat_id: int, text: str, markup: Any, bot: Any) -> Message | None:
        """Send, retrying network failures and 5xx answers (429 is the rate limiter's job).

        PTB retries neither. When a connection drops after Telegram has already delivered the
        message, a retry shows it twice: the Bot API has no idempotency key, and a duplicated
        prompt is safer than a lost one at the bedside.
        """
        for attempt in range(SEND_ATTEMPTS):
            try:
                # HTML and no link previews: the application's Defaults (bot/app.py).
                return await bot.send_message(chat_id, text, reply_markup=markup)
            except (BadRequest, Forbidden):
                logger.warning("message to a chat refused by Telegram")
                return None
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
            except NetworkError as error:
                logger.warning("send failed (%s), attempt %d", type(error).__name__, attempt + 1)
                await asyncio.sleep(self.retry_delay * 2**attempt)
        logger.error("send abandoned after %d attempts", SEND_ATTEMPTS)
        return None

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await query.answer(text)
        except (BadRequest, NetworkError):
            logger.info("callback answer failed")


def unavailable_text(error: StoreUnavailable) -> str:
    """Busy: the earlier answers are kept, try again in a moment. Otherwise: nothing was saved,
    try again later or tell the administrator."""
    return texts.UNAVAILABLE if error.busy else texts.STORAGE_FAILED


def context_bot(update: Update) -> Any:
    return update.get_bot()


async def _remove_keyboard(query: CallbackQuery) -> None:
    """Buttons of an answered question disappear, so they cannot be pressed twice."""
    with contextlib.suppress(BadRequest, NetworkError):
        await query.edit_message_reply_markup(reply_markup=None)


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line ends so that no part exceeds Telegram's limit or cuts an HTML tag."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) + 1 > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts


def command_menu(lang: str) -> list[BotCommand]:
    """The dialog's commands that have a menu line, then the transport's own."""
    renderer = Renderer(lang)
    dialog = {name[1:]: command.menu for name, command in COMMANDS.items() if command.menu}
    return [
        BotCommand(name, renderer.text(key))
        for name, key in {**dialog, **texts.BOT_COMMANDS}.items()
    ]


async def register_commands(bot: Any) -> list[BaseException]:
    """The command menu in every language, so Telegram shows each user their own; all at once.
    Returns what went wrong, one error per menu that was not registered."""
    results = await asyncio.gather(
        bot.set_my_commands(command_menu("en")),
        *(bot.set_my_commands(command_menu(lang), language_code=lang) for lang in LANGUAGES),
        return_exceptions=True,
    )
    return [result for result in results if isinstance(result, BaseException)]
