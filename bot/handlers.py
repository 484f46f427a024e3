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
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import cards, form_data, health, keyboards, receipts, texts
from bot.cards import CardShelf
from bot.inbox import REPLAYED
from bot.logsetup import log_update
from bot.sources import sources_text
from bot.storage import StateStore
from bot.store import StoreUnavailable
from bot.transport import retry_after_seconds
from dialogs import verify
from dialogs.dialog import (
    COMMANDS,
    current,
    handle_choice,
    handle_text,
    split_command,
    start_verify,
)
from dialogs.form import handle_form
from dialogs.machine import Conversation
from dialogs.render import FOLD_CLOSE, FOLD_OPEN, Renderer
from dialogs.replies import Reply
from locales import closest_language, menu_catalogs, menu_code
from rules.labels import DEFAULT_PROFILE, Profile

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096
#: The "Ask for a double check" button's value (`dialogs/dialog.py`).
CHECK_VALUE = "/check"
#: In a saved session document: the id of the update whose step produced it.
APPLIED_KEY = "update_id"
#: ... and the last message of that update's answer, as sent (text and keyboard): what a replay
#: after a stop between the save and the send shows again, identical.
ANSWER_KEY = "last_answer"
SEND_ATTEMPTS = 4
#: Groups remembered as told (`BotService._point_once`) before the memory starts again.
MAX_POINTED_GROUPS = 10_000


@dataclass(frozen=True)
class Outgoing:
    """One message as it is sent: its HTML text and its keyboard; saved with the state
    (`ANSWER_KEY`) as the Bot API's JSON."""

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
        #: Groups already told, once, that the bot works in private chats only.
        self.pointed_groups: set[int] = set()
        #: BOT_WEBAPP_URL: the Mini App form's page, offered by a "📝 Form" button.
        self.webapp_url = webapp_url
        #: Ids of the updates bot/polling.py replays from its inbox after a restart; only these
        #: are handled again once seen. Any other repeat is dropped: it was answered.
        self.replayed: set[int] = set()

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # Filled by bot/inbox.py's replay, which may have run before this (bot/app.py).
        self.replayed = application.bot_data.setdefault(REPLAYED, self.replayed)
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
        application.add_handler(InlineQueryHandler(self.on_inline), group=0)
        application.add_handler(
            MessageHandler(filters.StatusUpdate.WEB_APP_DATA, self.on_form_data), group=0
        )
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, self.on_other), group=0
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

    # Gate ------------------------------------------------------------------------------

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Refuse, before anything is stored, whatever this bot must not process."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or (chat is None and update.inline_query is None):
            raise ApplicationHandlerStop
        lang = closest_language(user.language_code)
        private = chat is None or (chat.type == ChatType.PRIVATE and chat.id == user.id)
        if self.allowed_users and user.id not in self.allowed_users:
            log_update(logger, update.update_id, "refused", None, 0.0)
            # In a group, a stranger's message is not answered there (a button's answer is
            # shown to the one who pressed it only).
            if private or update.callback_query is not None:
                await self._refuse(update, texts.NOT_ALLOWED, lang)
            raise ApplicationHandlerStop
        if chat is None:
            return  # an inline query: answered only with the asking clinician's own card
        if not private:
            if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and self._point_once(chat.id):
                await self._refuse(update, texts.GROUP_POINTER, lang)
            raise ApplicationHandlerStop
        replayed = update.update_id in self.replayed
        self.replayed.discard(update.update_id)
        try:
            seen = not self.store.mark_update_seen(update.update_id)
            applied = self._applied(chat.id, update.update_id) if seen and replayed else None
        except StoreUnavailable as error:
            health.error("store_unavailable")
            logger.warning("update %s not processed: %s", update.update_id, error)
            await self._refuse(update, unavailable_text(error), lang)
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
            await self._send_outgoing(chat.id, [applied], context_bot(update))
            raise ApplicationHandlerStop
        # Otherwise new, or replayed after a stop between its mark and its save: handled now.

    def _point_once(self, group: int) -> bool:
        """True the first time a group is seen (since this process started): the pointer to
        a private chat is posted there once, not under every message of the group."""
        if group in self.pointed_groups:
            return False
        if len(self.pointed_groups) >= MAX_POINTED_GROUPS:
            self.pointed_groups.clear()
        self.pointed_groups.add(group)
        return True

    def _applied(self, chat_id: int, update_id: int) -> Outgoing | None:
        """The last message of this update's answer, if the chat's saved state is this
        update's (`_dialog` saves both with it)."""
        data = self.store.load(chat_id)
        if data is None or data.get(APPLIED_KEY) != update_id:
            return None
        answer = data.get(ANSWER_KEY)
        if not isinstance(answer, dict):
            return None  # a step that sent nothing
        return Outgoing.from_dict(answer)

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
        command, argument = split_command(text) if text.startswith("/") else (None, "")
        if command == "/start" and argument.lower().startswith(verify.DEEP_LINK_PREFIX):
            # The card's "Verify" link, tapped by a colleague (on a forwarded card too).
            await self._verify(update, argument[len(verify.DEEP_LINK_PREFIX) :])
            return
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
        elif head == keyboards.CARD_PREFIX:
            await self._card_action(update, query, value)
        else:
            await self._answer(query, None)
            if value != CHECK_VALUE:  # the card keeps its Verify link, to be forwarded
                await _remove_keyboard(query)
            token = int(head)
            await self._dialog(
                update, lambda conversation: handle_choice(conversation, token, value, self.today())
            )
        elapsed = (time.perf_counter() - started) * 1000
        log_update(logger, update.update_id, "button", None, elapsed)

    # Dose cards (bot/cards.py) ------------------------------------------------------------

    async def _card_action(self, update: Update, query: CallbackQuery, value: str) -> None:
        """📅 sends the cycle's calendar file; "Show in …" the same card in the team language."""
        action, _, card_id = value.partition(":")
        assert update.effective_user is not None and update.effective_chat is not None
        card = self.cards.get(card_id, update.effective_user.id)
        lang = self._language(update)
        if card is None:
            await self._answer(query, Renderer(lang).text(cards.CARD_GONE)[:190])
            return
        await self._answer(query, None)
        bot = context_bot(update)
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
        elif action == cards.TEAM_ACTION and self.team_language is not None:
            reply = Reply("plan", "", plan=card.plan, unchecked=card.unchecked)
            await self._send_card(update, self.team_language, reply, card_id)

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The shared card: the inline query carries only the card's id; the answer is the card
        as the colleague will see it (its one button: Verify), offered only to the clinician it
        belongs to."""
        query = update.inline_query
        assert query is not None
        card = self.cards.get(query.query.strip(), query.from_user.id)
        results = []
        text = None if card is None else self._shared_text(card, self._language(update))
        if card is not None and text is not None:
            title = Renderer(self._language(update)).text(
                cards.SHARE_TITLE, {"cycle": card.plan.cycle}
            )
            renderer = Renderer(self._language(update), html=True)
            link = _verify_link(card.plan.receipt, renderer, context_bot(update))
            results.append(
                InlineQueryResultArticle(
                    id=query.query.strip()[:64],
                    title=title,
                    input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
                    reply_markup=link,
                )
            )
        with contextlib.suppress(BadRequest, NetworkError):
            await query.answer(results, cache_time=0, is_personal=True)
        log_update(logger, update.update_id, "inline", None, 0.0)

    @staticmethod
    def _shared_text(card: cards.Card, lang: str) -> str | None:
        """The card as one message: whole, else without its folded part; never a part of the
        rows or warnings (a shared card that fits in no message is not offered)."""
        renderer = Renderer(lang, html=True)
        text = renderer.reply(Reply("plan", "", plan=card.plan, unchecked=card.unchecked))
        if len(text) > MAX_MESSAGE:
            text = text.split(FOLD_OPEN, 1)[0].rstrip("\n")
        return text if len(text) <= MAX_MESSAGE else None

    async def _send_card(self, update: Update, lang: str, reply: Reply, card_id: str) -> None:
        """A card again, in `lang`, with its own buttons (the dialog's belong to the chat)."""
        chat = update.effective_chat
        assert chat is not None and reply.plan is not None
        renderer = Renderer(lang, html=True)
        rows = self._card_rows(update, reply.plan, card_id, renderer, team=False)
        markup = keyboards.plan_keyboard(rows, (), 0, renderer)
        outgoing = Outgoing.parts(renderer.reply(reply), markup)
        await self._send_outgoing(chat.id, outgoing, context_bot(update))

    def _card_rows(
        self, update: Update, plan: Any, card_id: str, renderer: Renderer, team: bool = True
    ) -> list[list[Any]]:
        bot = context_bot(update)
        inline = bool(getattr(bot, "supports_inline_queries", False))
        return cards.card_rows(
            plan,
            card_id,
            Renderer(renderer.lang),
            inline=inline,
            team_language=self.team_language if team else None,
        )

    # The Mini App form (bot/form_data.py) -----------------------------------------------

    async def on_form_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The form's data: a new request read with the `plan` contract's checks; refused, it
        is answered and nothing is stored."""
        message = update.effective_message
        assert message is not None and message.web_app_data is not None
        read = form_data.read_form(message.web_app_data.data, self.today())
        if isinstance(read, Reply):
            await self._send_replies(update, self._language(update), [read])
        else:
            await self._dialog(update, lambda conversation: handle_form(conversation, read))
        refused = isinstance(read, Reply)
        log_update(logger, update.update_id, "form-refused" if refused else "form", None, 0.0)

    async def on_form_offer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "📝 Form" button under the message field, in the chat's language."""
        chat = update.effective_chat
        if self.webapp_url is None or chat is None or context.args:  # not a /start deep link
            return
        text, markup = form_data.form_offer(self.webapp_url, self._language(update))
        await self._send(chat.id, text, markup, context_bot(update))

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
        health.error("handler_failed")
        logger.error("update %s failed: %s", update_id, type(error).__name__)

    # Dialog ----------------------------------------------------------------------------

    async def _dialog(
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
            await self._unavailable(update, error)
            return
        await self._send_outgoing(chat.id, outgoing, context_bot(update))
        if notice is not None:
            await self._tell(update, notice)

    async def _tell(self, update: Update, notice: receipts.Notice) -> None:
        """The outcome of a check, in the chat that asked for it, in that chat's language."""
        try:
            lang = self.store.language(notice.chat_id) or "en"
        except StoreUnavailable:
            lang = "en"
        await self._send_replies(update, lang, notice.replies, chat_id=notice.chat_id)

    async def on_verify(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/verify K7QM-2XPA`: a blind second entry of a stored plan."""
        await self._verify(update, " ".join(context.args or []))

    async def _verify(self, update: Update, argument: str) -> None:
        chat = update.effective_chat
        assert chat is not None
        try:
            begun = receipts.begin(self.store, chat.id, argument, self.ttl_hours, self.guesses)
        except StoreUnavailable as error:
            await self._unavailable(update, error)
            return
        if isinstance(begun, Reply):
            await self._send_replies(update, self._language(update), [begun])
        else:
            code = begun
            await self._dialog(update, lambda conversation: start_verify(conversation, code))
        log_update(logger, update.update_id, "text", "/verify", 0.0)

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
        health.error("store_unavailable")
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

    # Sending ---------------------------------------------------------------------------

    async def _send_replies(
        self, update: Update, lang: str, replies: list[Reply], chat_id: int | None = None
    ) -> None:
        chat = update.effective_chat
        assert chat is not None
        target = chat.id if chat_id is None else chat_id
        outgoing = self._outgoing(update, lang, replies, target)
        await self._send_outgoing(target, outgoing, context_bot(update))

    async def _send_outgoing(self, chat_id: int, outgoing: list[Outgoing], bot: Any) -> None:
        for message in outgoing:
            await self._send(chat_id, message.text, message.markup, bot)

    def _outgoing(
        self, update: Update, lang: str, replies: list[Reply], chat_id: int
    ) -> list[Outgoing]:
        """The messages `replies` are sent as to `chat_id`, in order: a long plan split at row
        boundaries, its keyboard under the last part."""
        renderer = Renderer(lang, html=True)
        messages: list[Outgoing] = []
        for reply in replies:
            markup: Any = keyboards.reply_markup(reply, renderer)
            if reply.kind == "plan" and reply.plan is not None and update.effective_user:
                user = update.effective_user.id
                card = cards.Card(user, reply.plan, reply.unchecked, reply.request)
                card_id = self.cards.add(card, chat_id)
                rows = self._card_rows(update, reply.plan, card_id, renderer)
                markup = keyboards.plan_keyboard(rows, reply.choices, reply.token, renderer)
            messages += Outgoing.parts(renderer.reply(reply), markup)
        return messages

    async def _send(self, chat_id: int, text: str, markup: Any, bot: Any) -> Message | None:
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
                await asyncio.sleep(self.retry_delay * 2**attempt)
        health.error("send_abandoned")
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


def _verify_link(code: str, renderer: Renderer, bot: Any) -> InlineKeyboardMarkup | None:
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


def context_bot(update: Update) -> Any:
    return update.get_bot()


async def _remove_keyboard(query: CallbackQuery) -> None:
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
        *(
            bot.set_my_commands(command_menu(lang), language_code=menu_code(lang))
            for lang in menu_catalogs()
        ),
        return_exceptions=True,
    )
    return [result for result in results if isinstance(result, BaseException)]
