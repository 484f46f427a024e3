"""The bot's two HTTP clients under PTB's Bot (httpx, which connects, and aiohttp, which sends
the answers; bot/transport.py): answers, errors and timeouts as PTB's own client maps them, and
no token in what they raise. Every test runs with each client, and the hand-over between them
is tested last."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest

from bot.aiohttp_transport import AiohttpRequest
from bot.transport import HandOverRequest, HttpxRequest
from botapi_emulator.emulator import BotApiEmulator

CHAT = 5151
Client = type[HttpxRequest] | type[AiohttpRequest]


@pytest.fixture(params=[HttpxRequest, AiohttpRequest], ids=["httpx", "aiohttp"])
def client(request: pytest.FixtureRequest) -> Client:
    chosen: Client = request.param
    return chosen


@pytest.fixture
async def bot(emulator: BotApiEmulator, client: Client) -> AsyncIterator[Bot]:
    request = client(read_timeout=0.5, connect_timeout=0.5)
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


async def test_a_refused_connection_names_no_token(client: Client) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = client(connect_timeout=0.5)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot123:SECRET-TOKEN-VALUE/getMe")
    finally:
        await request.shutdown()
    assert "SECRET" not in str(raised.value) and "SECRET" not in repr(raised.value)


async def test_the_proxy_named_in_the_environment_is_used(
    emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    # The emulator stands in for the proxy: it answers the absolute-form request it is sent,
    # and the host in the URL does not exist, so only the proxy can answer.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{emulator.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = client(connect_timeout=2)
    url = "http://api.telegram.invalid/bot"
    async with Bot(emulator.token, base_url=url, request=request) as bot:
        me = await bot.get_me()
    assert me.is_bot


async def test_a_file_is_uploaded_as_multipart_form_data(
    emulator: BotApiEmulator, client: Client
) -> None:
    # The dose card's calendar file (bot/cards.py) goes with sendDocument.
    emulator.add_chat(CHAT)
    request = client()
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        await bot.send_document(CHAT, InputFile(b"BEGIN:VCALENDAR", filename="x.ics"), caption="c")
    [document] = emulator.documents
    assert document["content"] == b"BEGIN:VCALENDAR" and document["caption"] == "c"


async def test_requests_after_shutdown_are_refused(client: Client) -> None:
    request = client()
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/botx/getMe", "POST")


#: Answers that did not come from the Bot API: what a proxy or a cut connection gives.
BAD_BODIES = {
    "empty": b"",
    "html": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "json-string": b'"Bad Gateway"',
    "json-array": b"[]",
    "truncated": b'{"ok": false, "error_code": 502, "descr',
}


@pytest.mark.parametrize("status", [502, 400, 200])
@pytest.mark.parametrize("kind", BAD_BODIES)
async def test_an_answer_that_is_not_a_json_object_is_a_network_error(
    emulator: BotApiEmulator, bot: Bot, kind: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever the status: a JSON string used to raise AttributeError and lose the reply,
    a proxy's 400 page BadRequest (not retried)."""
    emulator.add_chat(CHAT)
    emulator.answer_raw_next("sendMessage", status, BAD_BODIES[kind])
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(CHAT, "ANC 1.234")
    assert type(raised.value) is NetworkError
    assert f"HTTP {status}" in str(raised.value)
    assert emulator.token not in caplog.text and "1.234" not in caplog.text
    assert "Traceback" not in caplog.text and "Bad Gateway" not in caplog.text
    await bot.send_message(CHAT, "next")
    assert [message["text"] for message in emulator.sent(CHAT)] == ["next"]


async def test_a_success_without_a_result_is_a_network_error(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.add_chat(CHAT)
    emulator.answer_raw_next("sendMessage", 200, b'{"ok": true}')
    with pytest.raises(NetworkError, match="without a result"):
        await bot.send_message(CHAT, "x")


async def test_telegram_error_objects_still_map_to_ptb_errors(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.add_chat(CHAT)
    emulator.answer_raw_next(
        "sendMessage",
        400,
        b'{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}',
    )
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(CHAT, "x")


@pytest.mark.parametrize("kind", BAD_BODIES)
async def test_after_a_bad_502_body_the_reply_is_delivered(
    emulator: BotApiEmulator, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """After one 502 whose body was a JSON string, the reply used to never arrive."""
    from tests.test_bot_e2e import start_bot, stop_bot

    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    try:
        await emulator.send_text(CHAT, "/start")
        await emulator.wait_idle(0.3)
        first = emulator.sent(CHAT)
        emulator.answer_raw_next("sendMessage", 502, BAD_BODIES[kind])
        await emulator.send_text(CHAT, "1.8")
        messages = await emulator.wait_for_messages(CHAT, len(first) + 1)
        assert "cycle" in messages[-1]["text"].lower()
        statuses = [call.status for call in emulator.calls_to("sendMessage")]
        assert statuses[-2:] == [502, 200], "retried once after the bad answer"
        assert "unexpected answer from the Bot API (HTTP 502" in caplog.text
        assert "Traceback" not in caplog.text and "AttributeError" not in caplog.text
    finally:
        await stop_bot(started)


@pytest.mark.parametrize("kind", ["html", "json-string"])
async def test_a_bad_answer_to_the_long_poll_does_not_stop_polling(
    emulator: BotApiEmulator, tmp_path: Path, kind: str
) -> None:
    from tests.test_bot_e2e import start_bot, stop_bot

    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    try:
        polls = len(emulator.calls_to("getUpdates"))
        emulator.answer_raw_next("getUpdates", 502, BAD_BODIES[kind])
        await emulator.wait_for(lambda: len(emulator.calls_to("getUpdates")) > polls + 1, 15)
        await emulator.send_text(CHAT, "/start")
        messages = await emulator.wait_for_messages(CHAT, 1, timeout=15)
        assert any("Besponsa" in message["text"] for message in messages)
    finally:
        await stop_bot(started)


class Recording(BaseRequest):
    """A client that answers getMe itself and counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.started = self.stopped = False

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        self.started = True

    async def shutdown(self) -> None:
        self.stopped = True

    async def do_request(self, url: str, method: str, *args: object, **kwargs: object) -> Any:
        self.asked.append(url.rsplit("/", 1)[-1])
        await asyncio.sleep(0.05)
        return 200, b'{"ok": true, "result": {"id": 1, "is_bot": true, "first_name": "B"}}'


async def test_requests_go_to_the_faster_client_once_handed_over() -> None:
    first, faster = Recording(), Recording()
    request = HandOverRequest(first)
    await request.initialize()
    running = asyncio.create_task(request.post("http://127.0.0.1:9/botx/getMe"))
    await asyncio.sleep(0.01)
    await request.hand_over(faster)
    await request.post("http://127.0.0.1:9/botx/deleteWebhook")
    await running  # begun before the hand-over: finished by the first client
    assert (first.asked, faster.asked) == (["getMe"], ["deleteWebhook"])
    assert first.started and faster.started and not (first.stopped or faster.stopped)
    await request.shutdown()
    assert first.stopped and faster.stopped
