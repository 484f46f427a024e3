"""The aiohttp transport under PTB's Bot: answers, errors and timeouts as PTB's own client maps
them, and no token in what it raises."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.transport import AiohttpRequest
from botapi_emulator.emulator import BotApiEmulator

CHAT = 5151


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    request = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        yield bot


async def test_a_message_with_a_keyboard_arrives_as_sent(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.add_chat(CHAT)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("CR", callback_data="7|CR")]])
    sent = await bot.send_message(CHAT, "<b>0,5 mg</b> ü", parse_mode="HTML", reply_markup=markup)
    [stored] = emulator.sent(CHAT)
    assert stored["text"] == "<b>0,5 mg</b> ü" and stored["parse_mode"] == "HTML"
    assert sent.text == "0,5 mg ü" and sent.entities[0].type == "bold"
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "7|CR"


async def test_telegram_errors_become_ptb_errors(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.add_chat(CHAT)
    emulator.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "x")
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "<b>unclosed", parse_mode="HTML")


async def test_a_slow_answer_times_out(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.delay_next("getMe", 2.0)
    with pytest.raises(TimedOut):
        await bot.get_me(read_timeout=0.2)


async def test_a_dropped_connection_is_a_network_error(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.drop_next("getMe")
    with pytest.raises(NetworkError) as raised:
        await bot.get_me()
    assert emulator.token not in str(raised.value)


async def test_a_refused_connection_names_no_token() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AiohttpRequest(connect_timeout=0.5)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot123:SECRET-TOKEN-VALUE/getMe")
    finally:
        await request.shutdown()
    assert "SECRET" not in str(raised.value) and "SECRET" not in repr(raised.value)


async def test_the_proxy_named_in_the_environment_is_used(
    emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The emulator stands in for the proxy: it answers the absolute-form request it is sent,
    # and the host in the URL does not exist, so only the proxy can answer.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{emulator.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest(connect_timeout=2)
    url = "http://api.telegram.invalid/bot"
    async with Bot(emulator.token, base_url=url, request=request) as bot:
        me = await bot.get_me()
    assert me.is_bot


async def test_uploads_are_refused_before_anything_is_sent() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        upload = RequestData(
            [RequestParameter.from_input("document", InputFile(b"x", filename="x.txt"))]
        )
        with pytest.raises(RuntimeError, match="does not upload files"):
            await request.do_request("http://127.0.0.1:9/botx/sendDocument", "POST", upload)
    finally:
        await request.shutdown()


async def test_requests_before_initialize_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/botx/getMe", "POST")
