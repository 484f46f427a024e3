"""The whole bot (Application + dialog + rules + SQLite) against a minimal echo bot on the same
python-telegram-bot Application, transport and update processor, in one run, with the local
Bot API emulator in a process of its own (so this process pays only for the bot); and the cold
start of the installed command. Targets: ratio ≤ 1.5×, ≥ 1,000 updates/s, cold start ≤ 1 s.

Two workloads, each from many chats at once:
- guided dialog: /start, six typed answers and /plan per chat (eight updates, one plan), the way
  the bot is used on the ward;
- quick form: one message per chat that is answered with a whole plan, the dearest update.

An echo bot on PTB's defaults (httpx, one update at a time) is measured too, for reference.
Both bots run without AIORateLimiter: it paces sending to Telegram's own limit (about 30
messages per second), which would hide the cost of our code behind the same constant.

Run from the repository root: .venv/bin/python bench/bench_bot.py [updates per workload]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application
from bot.config import load_settings
from bot.ordering import ChatOrderedProcessor
from bot.store import SessionStore
from bot.transport import AiohttpRequest
from dialogs.dialog import handle_text, start
from dialogs.machine import Conversation
from tests.botapi_emulator import TOKEN, BotApiEmulator

App = Application[Any, Any, Any, Any, Any, Any]
WORKLOADS = {
    "guided dialog": ["/start", "1.8", "2", "CR", "no", "1.5", "80", "/plan"],
    "quick form": ["bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80"],
}


class Emulator:
    """Where the bot finds the emulator that runs in the other process."""

    token = TOKEN

    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"


def _echo_handlers(application: App) -> App:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def echo_bot_defaults(emulator: Emulator, _: Path) -> App:
    """PTB's defaults: httpx, one update at a time."""
    return _echo_handlers(
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )


def echo_bot(emulator: Emulator, _: Path) -> App:
    """The floor: the dosing bot's Application, transport and processor, with no work."""
    return _echo_handlers(
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=40))
        .concurrent_updates(ChatOrderedProcessor())
        .build()
    )


def dosing_bot(emulator: Emulator, folder: Path) -> App:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(folder / "bench.sqlite3"),
        }
    )
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    return build_application(settings, store, rate_limit=False)


def dosing_sends(script: list[str]) -> int:
    """Messages the dosing bot sends one chat for `script` (one per reply)."""
    conversation, today, sends = Conversation(), dt.date(2026, 11, 25), 0
    for text in script:
        replies = (
            start(conversation) if text == "/start" else handle_text(conversation, text, today)
        )
        sends += len(replies)
    return sends


@dataclass
class Run:
    updates: int
    seconds: float
    cpu: float  # this process's CPU seconds over the run
    emulator_cpu: float

    def line(self, name: str) -> str:
        return (
            f"{name:<22} {self.seconds * 1000 / self.updates:5.2f} ms/update "
            f"{self.updates / self.seconds:7,.0f} updates/s   "
            f"CPU {self.cpu * 1000 / self.updates:4.2f} ms/update "
            f"(emulator {self.emulator_cpu * 1000 / self.updates:4.2f})"
        )


async def measure(
    build: Callable[[Any, Path], App], chats: int, script: list[str], sends: int
) -> Run:
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve().parent / "emulator_process.py"),
        str(chats),
        str(sends),
        *script,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    port = int(await server.stdout.readline())
    with tempfile.TemporaryDirectory() as folder:
        application = build(Emulator(port), Path(folder))
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        cpu = time.process_time()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        seconds, emulator_cpu = map(float, (await server.stdout.readline()).split())
        cpu = time.process_time() - cpu
        await application.updater.stop()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
    await server.wait()
    return Run(chats * len(script), seconds, cpu, emulator_cpu)


async def cold_start() -> float:
    """Seconds from starting `besponsa-bot telegram` to its first getUpdates."""
    command = shutil.which("besponsa-bot", path=str(Path(sys.executable).parent))
    assert command, "install the project first"
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            env = {
                **os.environ,
                "TELEGRAM_BOT_TOKEN": emulator.token,
                "TELEGRAM_API_BASE_URL": emulator.base_url,
                "BOT_DB_PATH": str(Path(folder) / "cold.sqlite3"),
                "LOG_LEVEL": "WARNING",
            }
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                command, "telegram", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            await emulator.wait_for(
                lambda: any(method == "getUpdates" for method, _ in emulator.calls), timeout=60
            )
            elapsed = time.perf_counter() - started
            process.terminate()
            await process.wait()
    return elapsed


async def main(updates: int) -> None:
    for name, script in WORKLOADS.items():
        chats = max(updates // len(script), 1)
        print(f"{name}: {chats} chats × {len(script)} messages = {chats * len(script)} updates")
        reference = await measure(echo_bot_defaults, chats, script, chats * len(script))
        echo = await measure(echo_bot, chats, script, chats * len(script))
        dosing = await measure(dosing_bot, chats, script, chats * dosing_sends(script))
        print(reference.line("echo, PTB defaults"))
        print(echo.line("echo, same stack"))
        print(dosing.line("dosing bot"))
        ratio = (dosing.seconds / dosing.updates) / (echo.seconds / echo.updates)
        print(f"ratio dosing/echo (same stack): {ratio:.2f}× (target ≤ 1.5×)\n")
    starts = sorted([await cold_start() for _ in range(3)])
    print(f"cold start to first getUpdates: median {starts[1]:.2f} s (target ≤ 1 s)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
