"""The Bot API emulator, proved against the real python-telegram-bot stack (an echo bot)."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from botapi_emulator.emulator import BotApiEmulator, parse_html

CHAT = 501
Launch = Callable[..., Awaitable[Application[Any, Any, Any, Any, Any, Any]]]


# --- the echo bot -------------------------------------------------------------------------


def echo_app(
    emu: BotApiEmulator, rate_limiter: AIORateLimiter | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    app = builder.build()
    seen: list[Update] = []
    errors: list[BaseException] = []
    app.bot_data.update(seen=seen, errors=errors)

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Press", callback_data="pressed")]])
        assert update.effective_message is not None
        await update.effective_message.reply_text("<b>Welcome</b>", "HTML", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("done")
        await query.edit_message_text(f"You pressed {query.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
async def no_leaks() -> AsyncIterator[None]:
    """Every test ends with no task of its own still pending (runs after the emulator stops)."""
    before = set(asyncio.all_tasks())
    yield
    current = asyncio.current_task()
    leaked = [t for t in asyncio.all_tasks() if t not in before and t is not current]
    assert not leaked, f"leaked tasks: {leaked}"


@pytest.fixture
async def launch(emulator: BotApiEmulator) -> AsyncIterator[Launch]:
    """Start echo bots (polling, or webhook with `webhook_port`); all are stopped cleanly."""
    running: list[Application[Any, Any, Any, Any, Any, Any]] = []

    async def start(
        rate_limiter: AIORateLimiter | None = None, webhook_port: int | None = None
    ) -> Application[Any, Any, Any, Any, Any, Any]:
        app = echo_app(emulator, rate_limiter)
        await app.initialize()
        running.append(app)
        await app.start()
        assert app.updater is not None
        if webhook_port is None:
            await app.updater.start_polling(poll_interval=0, timeout=1)
        else:
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=webhook_port,
                url_path="hook",
                webhook_url=f"http://127.0.0.1:{webhook_port}/hook",
                secret_token="s3cret",
            )
        return app

    yield start
    for app in running:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    """A bare PTB Bot on the emulator, for checking single API calls; CHAT is a known chat."""
    emulator.add_chat(CHAT)
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        yield bot


async def errors_of(app: Application[Any, Any, Any, Any, Any, Any]) -> list[BaseException]:
    return app.bot_data["errors"]  # type: ignore[no-any-return]


# --- round trips with the real Application ------------------------------------------------


async def test_echo_round_trip(emulator: BotApiEmulator, launch: Launch) -> None:
    await launch()
    before = len(emulator.sent(CHAT))
    await emulator.send_text(CHAT, "hello émoji 🧪")
    reply = await emulator.wait_for_reply(CHAT, after=before)
    assert reply["text"] == "hello émoji 🧪" and reply["parse_mode"] is None
    methods = [method for method, _ in emulator.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"] and "getUpdates" in methods


async def test_button_press_edits_the_message_and_answers(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    await launch()
    await emulator.send_text(CHAT, "/start")
    welcome = await emulator.wait_for_reply(CHAT)
    assert welcome["plain_text"] == "Welcome" and welcome["text"] == "<b>Welcome</b>"
    assert welcome["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
    assert welcome["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "pressed"

    await emulator.press_button(CHAT, welcome["message_id"], "pressed")
    edited = await emulator.wait_for_reply(CHAT, after=1)
    assert edited["edited"] and edited["message_id"] == welcome["message_id"]
    assert edited["text"] == "You pressed pressed" and edited["reply_markup"] is None
    await emulator.wait_for(lambda: emulator.callback_answers)
    assert emulator.callback_answers[0]["text"] == "done"
    [current] = emulator.sent(CHAT)
    assert current["edits"] == 1 and current["text"] == "You pressed pressed"


async def test_429_is_retried_by_the_rate_limiter_and_delivered_once(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    app = await launch(rate_limiter=AIORateLimiter(max_retries=3))
    emulator.fail_next("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    await emulator.send_text(CHAT, "again")
    reply = await emulator.wait_for_reply(CHAT, timeout=5)
    assert reply["text"] == "again" and len(emulator.sent(CHAT)) == 1
    assert [c.status for c in emulator.calls_to("sendMessage")] == [429, 200]
    assert time.monotonic() - started >= 1.0  # PTB honoured retry_after (+0.1 s)
    assert await errors_of(app) == []


async def test_429_without_a_rate_limiter_reaches_the_error_handler(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    app = await launch()
    emulator.fail_next("sendMessage", status=429, retry_after=3)
    await emulator.send_text(CHAT, "x")
    [error] = await emulator.wait_for(lambda: app.bot_data["errors"])
    assert isinstance(error, RetryAfter)
    assert len(emulator.calls_to("sendMessage")) == 1 and emulator.sent(CHAT) == []


@pytest.mark.parametrize("limited", [False, True], ids=["plain", "AIORateLimiter"])
async def test_500_on_send_message_is_not_retried_by_ptb(
    emulator: BotApiEmulator, launch: Launch, limited: bool
) -> None:
    app = await launch(rate_limiter=AIORateLimiter(max_retries=3) if limited else None)
    emulator.fail_next("sendMessage", status=500)
    await emulator.send_text(CHAT, "lost")
    [error] = await emulator.wait_for(lambda: app.bot_data["errors"])
    assert isinstance(error, NetworkError) and "Internal Server Error" in str(error)
    await emulator.wait_idle(0.2)
    assert [c.status for c in emulator.calls_to("sendMessage")] == [500]
    assert emulator.sent(CHAT) == []  # a failed send is not a sent message


async def test_500_on_get_updates_polling_recovers(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    emulator.fail_next("getUpdates", status=500)
    await launch()
    await emulator.send_text(CHAT, "still there?")
    reply = await emulator.wait_for_reply(CHAT, timeout=5)
    assert reply["text"] == "still there?"
    assert [c.status for c in emulator.calls_to("getUpdates")][:2] == [500, 200]


async def test_dropped_get_updates_connection_polling_recovers(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    emulator.drop_next("getUpdates")
    await launch()
    await emulator.send_text(CHAT, "ping")
    assert (await emulator.wait_for_reply(CHAT, timeout=5))["text"] == "ping"
    assert emulator.calls_to("getUpdates")[0].status is None


@pytest.mark.parametrize("after_processing", [False, True])
async def test_dropped_send_raises_network_error(
    emulator: BotApiEmulator, launch: Launch, after_processing: bool
) -> None:
    app = await launch()
    emulator.drop_next("sendMessage", after_processing=after_processing)
    await emulator.send_text(CHAT, "into the void")
    [error] = await emulator.wait_for(lambda: app.bot_data["errors"])
    assert isinstance(error, NetworkError)
    # Lost before Telegram acted: nothing sent. Lost answer: sent, though the bot saw an error.
    assert len(emulator.sent(CHAT)) == int(after_processing)


async def test_slow_answer_is_waited_for(emulator: BotApiEmulator, launch: Launch) -> None:
    await launch()
    emulator.delay_next("sendMessage", 0.3)
    started = time.monotonic()
    await emulator.send_text(CHAT, "slowly")
    assert (await emulator.wait_for_reply(CHAT))["text"] == "slowly"
    assert time.monotonic() - started >= 0.3


async def test_fault_counts_and_order(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.fail_next("sendMessage", status=500, times=2)
    emulator.fail_next("sendMessage", status=403, description="Forbidden: bot was kicked")
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "x")
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await bot.send_message(CHAT, "x")
    assert (await bot.send_message(CHAT, "x")).message_id == 1
    assert [c.status for c in emulator.calls_to("sendMessage")] == [500, 500, 403, 200]


async def test_non_text_and_raw_updates_reach_the_bot(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    app = await launch()
    ids = [
        await emulator.send_sticker(CHAT),
        await emulator.send_photo(CHAT, caption="x-ray"),
        await emulator.send_voice(CHAT),
        await emulator.edit_text(CHAT, 1, "edited"),
        await emulator.send_text(CHAT, "fwd", forward_from=9),
        await emulator.send_text(-100, "/start", user_id=7, chat_type="group"),
        await emulator.inject_update(
            {
                "channel_post": {
                    "message_id": 1,
                    "date": 0,
                    "text": "news",
                    "chat": {"id": -1005, "type": "channel", "title": "C"},
                }
            }
        ),
    ]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    seen: list[Update] = app.bot_data["seen"]
    await emulator.wait_for(lambda: len(seen) == len(ids))
    assert [u.update_id for u in seen] == ids
    sticker, photo, voice, edit, forward, group, channel = seen
    assert sticker.message and sticker.message.sticker
    assert photo.message and photo.message.photo and photo.message.caption == "x-ray"
    assert voice.message and voice.message.voice
    assert edit.edited_message and edit.edited_message.text == "edited"
    assert forward.message and forward.message.forward_origin is not None
    assert group.effective_chat and group.effective_chat.type == "group"
    assert channel.channel_post and channel.channel_post.text == "news"
    await emulator.wait_for_reply(-100)  # the group /start got its welcome


async def test_press_button_defaults_to_the_buttons_own_data(
    emulator: BotApiEmulator, launch: Launch
) -> None:
    await launch()
    await emulator.send_text(CHAT, "/start")
    [welcome] = await emulator.wait_for_messages(CHAT, 1)
    await emulator.press_button(CHAT, welcome["message_id"])
    await emulator.wait_for(lambda: emulator.sent(CHAT)[0]["edits"] == 1)
    [edited] = emulator.sent(CHAT)
    assert edited["text"] == "You pressed pressed" and edited["reply_markup"] is None
    with pytest.raises(ValueError, match="0 callback buttons"):  # the edit removed the keyboard
        await emulator.press_button(CHAT, welcome["message_id"])
    with pytest.raises(LookupError):
        await emulator.press_button(CHAT, 999, "x")


async def test_wait_idle_and_a_clear_timeout(emulator: BotApiEmulator, launch: Launch) -> None:
    await launch()
    await emulator.send_text(CHAT, "one")
    await emulator.wait_idle()
    assert [m["text"] for m in emulator.sent(CHAT)] == ["one"]
    with pytest.raises(TimeoutError, match=r"at least 2 messages .* got 1: \['one'\]"):
        await emulator.wait_for_messages(CHAT, 2, timeout=0.2)


async def test_answer_slower_than_the_read_timeout(emulator: BotApiEmulator) -> None:
    """PTB gives up with TimedOut and does not retry; Telegram still delivers the message."""
    emulator.add_chat(CHAT)
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        emulator.delay_next("sendMessage", 0.4)
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "late")
        await emulator.wait_for(lambda: emulator.sent(CHAT))
        assert len(emulator.calls_to("sendMessage")) == 1
        assert (await bot.send_message(CHAT, "next")).message_id == 2


async def test_webhook_port_is_released_on_stop(emulator: BotApiEmulator, launch: Launch) -> None:
    port = free_port()
    app = await launch(webhook_port=port)
    await emulator.send_text(CHAT, "hi")
    await emulator.wait_for_messages(CHAT, 1)
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    with socket.socket() as sock:  # nobody listens there any more
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


# --- webhook ------------------------------------------------------------------------------


async def test_webhook_delivers_with_the_secret_and_rejects_a_wrong_one(
    emulator: BotApiEmulator, launch: Launch, bot: Bot
) -> None:
    port = free_port()
    await launch(webhook_port=port)
    assert emulator.webhook is not None
    assert emulator.webhook["url"] == f"http://127.0.0.1:{port}/hook"
    assert emulator.webhook["secret_token"] == "s3cret"
    update_id = await emulator.send_text(CHAT, "via webhook")
    assert (await emulator.wait_for_reply(CHAT))["text"] == "via webhook"
    assert (update_id, 200) in emulator.webhook_deliveries
    assert "getUpdates" not in [method for method, _ in emulator.calls]

    update = {
        "message": {
            "message_id": 90,
            "date": 0,
            "text": "forged",
            "chat": {"id": CHAT, "type": "private", "first_name": "X"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "X"},
        }
    }
    assert await emulator.post_to_webhook(update, secret="wrong") == 403
    assert await emulator.post_to_webhook(update, secret="") == 403
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates(timeout=0)
    info = await bot.get_webhook_info()
    assert info.url == emulator.webhook_url and info.pending_update_count == 0


# --- single API calls through a bare PTB Bot ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>unclosed", "Can't find end tag"),
        ("<b><i>crossed</b></i>", "Unmatched end tag"),
        ("<div>block</div>", 'Unsupported start tag "div"'),
        ("<br>", 'Unsupported start tag "br"'),
        ('<span class="x">s</span>', "tg-spoiler"),
        ("1 < 2", "Unsupported start tag"),
        ("fish &chips", "unescaped"),
        ("a&nbsp;b", "unescaped"),
        ("</b>", "Unexpected end tag"),
        ("<code><b>x</b></code>", "can't be nested"),
        ("<b", "Unclosed start tag"),
    ],
)
async def test_bad_html_is_rejected(
    bot: Bot, emulator: BotApiEmulator, text: str, detail: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)an't parse entities") as caught:
        await bot.send_message(CHAT, text, parse_mode="HTML")
    assert detail.lower() in str(caught.value).lower()  # PTB capitalize()s the message
    assert emulator.sent(CHAT) == []


async def test_good_html_is_parsed_into_entities(bot: Bot, emulator: BotApiEmulator) -> None:
    text = (
        '<b>Dose</b> &lt;1 mg&gt; &amp; &quot;q&quot; &#8805; <a href="https://x.org/?a=1&amp;b=2">'
        'link</a> <span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>q</blockquote>"
        " <i>🧪x</i> 1 > 0"
    )
    message = await bot.send_message(CHAT, text, parse_mode="HTML")
    assert message.text == ('Dose <1 mg> & "q" ≥ link s t x = 1 q 🧪x 1 > 0')
    types = {entity.type for entity in message.entities}
    assert types == {"bold", "text_link", "spoiler", "pre", "expandable_blockquote", "italic"}
    pre = next(e for e in message.entities if e.type == "pre")
    assert pre.language == "python"
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://x.org/?a=1&b=2"
    italic = next(e for e in message.entities if e.type == "italic")
    assert message.parse_entity(italic) == "🧪x"  # offsets in UTF-16 code units
    [record] = emulator.sent(CHAT)
    assert record["text"] == text and record["parse_mode"] == "HTML"


def test_lenient_html_keeps_a_stray_ampersand() -> None:
    assert parse_html("fish & chips", strict=False) == ("fish & chips", [])


async def test_text_length_limits(bot: Bot, emulator: BotApiEmulator) -> None:
    await bot.send_message(CHAT, "x" * 4096)
    await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # after parsing
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "🧪" * 2049)  # 4098 UTF-16 code units
    for empty in ["", "   ", "<b></b>"]:
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(CHAT, empty, parse_mode="HTML")
    assert len(emulator.sent(CHAT)) == 2


async def test_callback_data_limits(bot: Bot, emulator: BotApiEmulator) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    await bot.send_message(CHAT, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    for data in ["x" * 65, "é" * 33, ""]:
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "no", reply_markup=keyboard(data))
    assert len(emulator.sent(CHAT)) == 2


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ('{"inline_keyboard": [{"text": "a", "callback_data": "b"}]}', "Array"),
        ('{"inline_keyboard": [[{"text": "a"}]]}', "Text buttons are unallowed"),
        ('{"inline_keyboard": [[{"text": "a", "callback_data": "b", "url": "u"}]]}', "exactly one"),
        ('{"inline_keyboard": [[{"callback_data": "b"}]]}', "text"),
        ('{"something": 1}', "can't parse reply keyboard markup"),
        ("not json", "can't parse reply_markup"),
    ],
)
async def test_inline_keyboard_shape(emulator: BotApiEmulator, markup: str, detail: str) -> None:
    emulator.add_chat(CHAT)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{emulator.base_url}{emulator.token}/sendMessage",
            data={"chat_id": str(CHAT), "text": "t", "reply_markup": markup},
        )
    body = response.json()
    assert response.status_code == 400 and body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request") and detail in body["description"]


async def test_json_body_and_query_string_are_accepted(emulator: BotApiEmulator) -> None:
    emulator.add_chat(CHAT)
    url = f"{emulator.base_url}{emulator.token}"
    async with httpx.AsyncClient() as client:
        sent = await client.post(
            f"{url}/sendMessage",
            json={"chat_id": CHAT, "text": "json", "reply_markup": {"inline_keyboard": []}},
        )
        me = await client.get(f"{url}/getme?unused=1")  # method names are case-insensitive
    assert sent.json()["result"]["text"] == "json" and me.json()["result"]["is_bot"] is True


async def test_edit_rules(bot: Bot, emulator: BotApiEmulator) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    message = await bot.send_message(CHAT, "one", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("two", CHAT, 999)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("one", CHAT, message.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("<i>one</i>", CHAT, message.message_id, parse_mode="HTML")
    assert isinstance(edited, object) and emulator.sent(CHAT)[0]["reply_markup"] is None
    await bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=keyboard)
    [record] = emulator.sent(CHAT)
    assert record["text"] == "<i>one</i>" and record["edits"] == 2 and record["reply_markup"]
    assert await bot.delete_message(CHAT, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CHAT, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("three", CHAT, message.message_id)
    assert emulator.sent(CHAT)[0]["deleted"] is True


async def test_chats_actions_and_callback_answers(bot: Bot, emulator: BotApiEmulator) -> None:
    await bot.send_chat_action(CHAT, ChatAction.TYPING)
    assert emulator.chat_actions == [(CHAT, "typing")]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "who?")
    emulator.block(CHAT)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(CHAT, "hi")
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("nope")


async def test_unknown_method_and_wrong_token(bot: Bot, emulator: BotApiEmulator) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendNothingAtAll", api_kwargs={"chat_id": CHAT})
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emulator.base_url}{emulator.token}/noSuchMethod")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emulator.base_url):
            pass
    assert await bot.close() and await bot.log_out() and emulator.closed_by_bot


async def test_commands_by_language_and_scope(bot: Bot, emulator: BotApiEmulator) -> None:
    from telegram import BotCommandScopeAllPrivateChats

    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Anfang")], language_code="de")
    await bot.set_my_commands([BotCommand("plan", "Plan")], scope=BotCommandScopeAllPrivateChats())
    assert set(emulator.commands) == {None, "de"}
    assert [c["command"] for c in emulator.commands[None]] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="de")] == ["Anfang"]
    scoped = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in scoped] == ["plan"]
    await bot.delete_my_commands(language_code="de")
    assert set(emulator.commands) == {None}
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    with pytest.raises(BadRequest, match=r"(?i)language code"):
        await bot.set_my_commands([BotCommand("ok", "x")], language_code="deu")


async def test_get_updates_long_polling(bot: Bot, emulator: BotApiEmulator) -> None:
    assert await bot.get_updates(timeout=0) == ()
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.2) == ()
    assert time.monotonic() - started >= 0.2

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda: emulator.calls_to("getUpdates")[2:])
    first = await emulator.send_text(CHAT, "wake up")
    [update] = await asyncio.wait_for(poll, 1)  # woke at once, not after 5 s
    assert update.update_id == first and update.message and update.message.text == "wake up"

    second = await emulator.send_text(CHAT, "two")
    third = await emulator.send_text(CHAT, "three")
    assert [u.update_id for u in await bot.get_updates(offset=first, limit=2)] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second + 1)] == [third]
    assert [u["update_id"] for u in emulator.pending_updates] == [third]  # below offset: confirmed
    assert await bot.get_updates(offset=third + 1) == () and emulator.pending_updates == []


async def test_get_updates_allowed_updates(bot: Bot, emulator: BotApiEmulator) -> None:
    await emulator.send_text(CHAT, "/start")
    message_update = await emulator.send_text(CHAT, "text")
    sent = await bot.send_message(
        CHAT,
        "q",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="b")]]),
    )
    query_update = await emulator.press_button(CHAT, sent.message_id)
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.update_id for u in updates] == [query_update]  # message updates are dropped
    assert updates[0].callback_query and updates[0].callback_query.data == "b"
    assert message_update < query_update
    await emulator.send_text(CHAT, "filtered out")  # the setting sticks for later polls
    assert await bot.get_updates(offset=query_update + 1, timeout=0) == ()
    text_update = await emulator.send_text(CHAT, "back")
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.update_id for u in updates] == [text_update]


async def test_a_second_poller_terminates_the_first(bot: Bot, emulator: BotApiEmulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda: emulator.calls_to("getUpdates"))
    async with Bot(emulator.token, base_url=emulator.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await asyncio.wait_for(first, 1)


async def test_reachable_from_a_subprocess(emulator: BotApiEmulator) -> None:
    emulator.add_chat(CHAT)
    script = (
        "import asyncio, sys\n"
        "from telegram import Bot\n"
        "async def main():\n"
        "    async with Bot(sys.argv[1], base_url=sys.argv[2]) as bot:\n"
        "        await bot.send_message(int(sys.argv[3]), 'from another process')\n"
        "asyncio.run(main())\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, emulator.token, emulator.base_url, str(CHAT)
    )
    assert await asyncio.wait_for(process.wait(), 15) == 0
    assert emulator.sent(CHAT)[0]["text"] == "from another process"


async def test_stop_ends_long_polls_and_frees_the_port() -> None:
    emu = BotApiEmulator()
    await emu.start()
    bot = Bot(emu.token, base_url=emu.base_url)
    await bot.initialize()
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await emu.wait_for(lambda: emu.calls_to("getUpdates"))
        await asyncio.wait_for(emu.stop(), 2)
        assert await asyncio.wait_for(poll, 1) == ()  # answered, not left hanging
    finally:
        await bot.shutdown()
    with pytest.raises(ConnectionRefusedError):  # nobody listens any more
        await asyncio.open_connection("127.0.0.1", emu.port)
    with socket.socket() as sock:  # and a new server can take the port (TIME_WAIT aside)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", emu.port))
