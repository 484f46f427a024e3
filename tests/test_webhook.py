"""Webhook mode (bot/webhook.py) with the real Application against the Bot API emulator: what is
refused gets its status and one short log line, nothing of it is processed, and the log holds
neither a traceback nor the message text."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_application
from bot.config import load_settings
from bot.inbox import Inbox
from bot.logsetup import PrivacyFilter
from bot.store import SessionStore
from bot.update_types import ALLOWED_UPDATES
from bot.webhook import MAX_UPDATE_BYTES, WebhookServer, start_webhook
from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_process import COMMAND, environment_without_settings, untimed

CHAT = 6161
SECRET = "s3cret-token"
#: A distinctive value that must never reach the log.
TEXT = "ANC 1.234"


@dataclass
class Running:
    application: Any
    store: SessionStore
    server: WebhookServer
    url: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(
    emulator: BotApiEmulator, tmp_path: Path, inbox: Inbox | None = None
) -> AsyncIterator[Running]:
    """The production Application behind our webhook server, on a free local port."""
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
        }
    )
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    application = build_application(settings, store, retry_delay=0.01)
    emulator.add_chat(CHAT)
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    await application.initialize()
    await application.post_init(application)  # registers the handlers (bot/app.py)
    await application.start()
    server = await start_webhook(
        application, listen="127.0.0.1", port=port, path="hook", url=url, secret=SECRET, inbox=inbox
    )
    try:
        yield Running(application, store, server, url)
    finally:
        await server.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        store.close()


@pytest.fixture
async def running(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Running]:
    async with serving(emulator, tmp_path) as bot:
        yield bot


def update(update_id: int, text: str = TEXT) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Dr", "language_code": "en"},
        },
    }


async def post(url: str, body: bytes, secret: str | bytes | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=body, headers=headers)
    return response.status_code


def production_log(caplog: pytest.LogCaptureFixture) -> None:
    """Everything down to DEBUG, through the privacy filter the bot's handler has
    (bot/logsetup.py)."""
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(PrivacyFilter())


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text
    assert "1.234" not in caplog.text and SECRET not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)


async def test_set_webhook_names_the_secret_and_only_the_handled_update_types(
    emulator: BotApiEmulator, running: Running
) -> None:
    assert emulator.webhook is not None
    assert emulator.webhook["url"] == running.url
    assert emulator.webhook["secret_token"] == SECRET
    assert emulator.webhook["allowed_updates"] == ALLOWED_UPDATES


async def test_an_update_from_telegram_is_answered(
    emulator: BotApiEmulator, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    production_log(caplog)
    await emulator.send_text(CHAT, "/start")
    messages = await emulator.wait_for_messages(CHAT, 1, timeout=15)
    assert messages and running.server.processed == 1
    await emulator.send_text(CHAT, "1.234")  # a BSA the dialog accepts; never logged
    await emulator.wait_for_messages(CHAT, len(messages) + 1, timeout=15)
    assert_clean_log(caplog)


@pytest.mark.parametrize(
    ("secret", "reason"), [(None, "missing secret token"), ("wrong", "wrong secret token")]
)
async def test_a_missing_or_wrong_secret_is_refused_with_403(
    emulator: BotApiEmulator,
    running: Running,
    caplog: pytest.LogCaptureFixture,
    secret: str | None,
    reason: str,
) -> None:
    production_log(caplog)
    status = await post(running.url, json.dumps(update(900)).encode(), secret=secret)
    assert status == 403
    await emulator.wait_idle(0.3)
    assert running.server.processed == 0 and emulator.sent(CHAT) == []
    assert running.store.stats()["seen_updates"] == 0
    refusals = [r.getMessage() for r in caplog.records if r.name == "bot.webhook"]
    assert refusals == [f"webhook request refused with 403: {reason}"]
    assert_clean_log(caplog)


@pytest.mark.parametrize("secret", ["sécret-✓", b"\xff\xfe\x80secret"])
async def test_a_secret_that_is_not_ascii_is_refused_with_403_and_one_line(
    emulator: BotApiEmulator,
    running: Running,
    caplog: pytest.LogCaptureFixture,
    secret: str | bytes,
) -> None:
    production_log(caplog)
    raw = secret.encode() if isinstance(secret, str) else secret
    assert await post(running.url, json.dumps(update(906)).encode(), secret=raw) == 403
    await emulator.wait_idle(0.3)
    assert running.server.processed == 0 and emulator.sent(CHAT) == []
    refusals = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refusals) == 1 and refusals[0].startswith("webhook request refused with 403")
    assert_clean_log(caplog)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"ANC 1.234 not json", "body is not JSON"),
        (b'{"update_id": 901, "message": {"text": "ANC 1.234"', "body is not JSON"),
        (b"\xff\xfe ANC 1.234", "body is not JSON"),
        (b"", "body is not JSON"),
        (b'"ANC 1.234"', "body is not a JSON object"),
        (b'[{"update_id": 902}]', "body is not a JSON object"),
        (json.dumps({"message": update(0)["message"]}).encode(), "no update_id"),
        (json.dumps({**update(0), "update_id": "903"}).encode(), "no update_id"),
        (json.dumps({**update(0), "update_id": True}).encode(), "no update_id"),
        (
            json.dumps({"update_id": 904, "message": {"text": "ANC 1.234"}}).encode(),
            "update 904 not readable",
        ),
        (json.dumps({**update(0), "update_id": 2**80}).encode(), "update_id out of range"),
        (json.dumps({**update(0), "update_id": -1}).encode(), "update_id out of range"),
        (b"[" * 100_000 + b"]" * 100_000, "body nested too deep"),
        (
            b'{"update_id": 907, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "body nested too deep",
        ),
    ],
)
async def test_a_body_that_is_not_an_update_is_refused_with_400(
    emulator: BotApiEmulator,
    running: Running,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    reason: str,
) -> None:
    production_log(caplog)
    assert await post(running.url, body) == 400
    await emulator.wait_idle(0.3)
    assert running.server.processed == 0 and emulator.sent(CHAT) == []
    assert running.store.stats() == {
        "sessions": 0,
        "preferences": 0,
        "seen_updates": 0,
        "receipts": 0,
    }
    refusals = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refusals) == 1 and refusals[0].startswith(
        f"webhook request refused with 400: {reason}"
    )
    assert_clean_log(caplog)


@pytest.mark.parametrize("declared", [True, False])
async def test_an_oversized_body_is_refused_with_413(
    emulator: BotApiEmulator, running: Running, caplog: pytest.LogCaptureFixture, declared: bool
) -> None:
    production_log(caplog)
    big = json.dumps(update(905, TEXT + " " + "x" * MAX_UPDATE_BYTES)).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: read until the limit
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    async with httpx.AsyncClient() as client:
        content: Any = big if declared else chunks()
        response = await client.post(running.url, content=content, headers=headers)
    assert response.status_code == 413
    await emulator.wait_idle(0.3)
    assert running.server.processed == 0 and emulator.sent(CHAT) == []
    assert running.store.stats()["seen_updates"] == 0
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING] == ["bot.webhook"]
    assert_clean_log(caplog)


async def test_a_replayed_update_is_answered_once(
    emulator: BotApiEmulator, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    production_log(caplog)
    body = json.dumps(update(906, "/start")).encode()
    assert await post(running.url, body) == 200
    first = await emulator.wait_for_messages(CHAT, 1, timeout=15)
    await emulator.wait_idle(0.3)
    count = len(emulator.sent(CHAT))
    assert await post(running.url, body) == 200
    await emulator.wait_idle(0.5)
    assert len(emulator.sent(CHAT)) == count and first
    assert running.server.processed == 2
    assert running.store.stats()["seen_updates"] == 1
    assert_clean_log(caplog)


async def test_an_update_is_saved_before_its_200_and_leaves_the_inbox_once_handled(
    emulator: BotApiEmulator, running: Running
) -> None:
    """A 200 tells Telegram to forget the update: it must be in the inbox by then (bot/inbox.py),
    and out of it once answered. An inbox that cannot save answers 500, so Telegram retries,
    and nothing of the update is processed."""
    inbox = running.server.inbox
    assert await post(running.url, json.dumps(update(910, "/start")).encode()) == 200
    await emulator.wait_for_messages(CHAT, 1, timeout=15)
    await emulator.wait_idle(0.3)
    assert inbox.waiting() == []
    inbox._conn.close()  # the disk goes away
    count = len(emulator.sent(CHAT))
    assert await post(running.url, json.dumps(update(911, "1.8")).encode()) == 500
    await emulator.wait_idle(0.3)
    assert len(emulator.sent(CHAT)) == count and running.server.processed == 1


async def test_what_a_crash_left_in_the_inbox_is_answered_when_the_server_starts(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Killed after the 200 of "/start", before its answer: the next start answers it before
    it listens, as polling mode does."""
    inbox = Inbox(tmp_path / "state.inbox")
    inbox.put([update(920, "/start")])
    try:
        async with serving(emulator, tmp_path, inbox):
            messages = await emulator.wait_for_messages(CHAT, 1, timeout=15)
            assert "dosing assistant" in messages[0]["text"]
            await emulator.wait_idle(0.3)
            assert inbox.waiting() == []
    finally:
        inbox.close()


def webhook_env(emulator: BotApiEmulator, tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **environment_without_settings(),
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "DEBUG",
    }


async def start_webhook_process(
    emulator: BotApiEmulator, env: dict[str, str], log: Path
) -> asyncio.subprocess.Process:
    """The installed command in webhook mode, once it has told Telegram where to deliver."""
    before = len(emulator.calls_to("setWebhook"))
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            COMMAND, "telegram", env=env, stdout=out, stderr=out
        )
    await emulator.wait_for(lambda: len(emulator.calls_to("setWebhook")) > before, timeout=30)
    return process


async def test_the_installed_command_serves_the_webhook_and_stops_on_sigterm(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """`besponsa-bot telegram` with BOT_MODE=webhook: bot/app.py runs bot/webhook.py."""
    port = free_port()
    log = tmp_path / "bot.log"
    process = await start_webhook_process(emulator, webhook_env(emulator, tmp_path, port), log)
    try:
        await emulator.send_text(CHAT, "/start")
        await emulator.wait_for_messages(CHAT, 1, timeout=15)
        assert await post(f"http://127.0.0.1:{port}/hook", b"ANC 1.234") == 400
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
    text = log.read_text()
    assert "webhook request refused with 400: body is not JSON" in text
    assert "Traceback" not in text and "1.234" not in untimed(text)


async def test_an_update_answered_200_is_answered_after_a_sigkill(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Killed at once after the 200 (Telegram forgets the update then): the next start answers
    it, once, or twice identically where the kill fell between the send and the inbox's
    removal; nothing is left in the inbox."""
    port = free_port()
    env, log = webhook_env(emulator, tmp_path, port), tmp_path / "bot.log"
    emulator.add_chat(CHAT)
    process = await start_webhook_process(emulator, env, log)
    try:
        body = json.dumps(update(930, "/start")).encode()
        assert await post(f"http://127.0.0.1:{port}/hook", body) == 200
        process.send_signal(signal.SIGKILL)
        await process.wait()
        # Here, in practice, nothing has been answered yet (3 runs of 3): the replay answers.
        process = await start_webhook_process(emulator, env, log)
        await emulator.wait_for_messages(CHAT, 1, timeout=15)
        await emulator.wait_idle(0.5, timeout=15)
        texts = [m["text"] for m in emulator.sent(CHAT)]
        assert texts and all(text == texts[0] for text in texts), texts
        assert "dosing assistant" in texts[0]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    with sqlite3.connect(tmp_path / "state.sqlite3.inbox") as conn:
        assert conn.execute("SELECT COUNT(*) FROM inbox").fetchone() == (0,)
