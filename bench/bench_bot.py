"""The whole bot (Application + dialog + rules + SQLite) against a minimal echo bot on the same
python-telegram-bot Application and the same local Bot API emulator, in one run; and the cold
start of the installed command. Targets: ratio ≤ 1.5×, ≥ 1,000 updates/s, cold start ≤ 1 s.

Both bots run without AIORateLimiter here: it paces sending to Telegram's own limit (about
30 messages per second), which would hide the cost of our code behind the same constant.

Run from the repository root: .venv/bin/python bench/bench_bot.py [updates]
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application
from bot.config import load_settings
from bot.store import SessionStore
from tests.botapi_emulator import TOKEN, BotApiEmulator

QUICK_FORM = "bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80"
App = Application[Any, Any, Any, Any, Any, Any]


def echo_bot(emulator: BotApiEmulator, _: Path) -> App:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    application = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def dosing_bot(emulator: BotApiEmulator, folder: Path) -> App:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(folder / "bench.sqlite3"),
        }
    )
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    return build_application(settings, store, rate_limit=False)


async def measure(build: Callable[[BotApiEmulator, Path], App], updates: int) -> float:
    """Seconds to answer `updates` quick-form messages from as many chats."""
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator() as emulator:
            application = build(emulator, Path(folder))
            await application.initialize()
            if application.post_init:
                await application.post_init(application)
            await application.start()
            for index in range(updates):
                await emulator.send_text(10_000 + index, QUICK_FORM)
            started = time.perf_counter()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            await emulator.wait_for(
                lambda: sum(method == "sendMessage" for method, _ in emulator.calls) >= updates,
                timeout=600,
            )
            elapsed = time.perf_counter() - started
            await application.updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
            await application.shutdown()
    return elapsed


class _RemoteEmulator:
    """Just what the bot builders need from an emulator running in another process."""

    token = TOKEN

    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"


async def measure_separate(build: Callable[[Any, Path], App], updates: int) -> float:
    """Like `measure`, with the emulator in its own process (its CPU not counted here)."""
    script = Path(__file__).resolve().parent / "emulator_process.py"
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(script), str(updates), QUICK_FORM, stdout=subprocess.PIPE
    )
    assert server.stdout is not None
    port = int(await server.stdout.readline())
    with tempfile.TemporaryDirectory() as folder:
        application = build(_RemoteEmulator(port), Path(folder))
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        elapsed = float(await server.stdout.readline())
        await application.updater.stop()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
    await server.wait()
    return elapsed


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
    echo = await measure(echo_bot, updates)
    dosing = await measure(dosing_bot, updates)
    print(f"updates: {updates} quick-form messages, one per chat, answered with one message each")
    print("with the emulator in this process (its work counted for both bots):")
    print(f"echo bot:   {echo * 1000 / updates:.2f} ms/update, {updates / echo:,.0f} updates/s")
    print(f"dosing bot: {dosing * 1000 / updates:.2f} ms/update, {updates / dosing:,.0f} updates/s")
    print(f"ratio dosing/echo: {dosing / echo:.2f}x (target <= 1.5x)")
    echo_apart = await measure_separate(echo_bot, updates)
    dosing_apart = await measure_separate(dosing_bot, updates)
    print("with the emulator in its own process (only the bot's work on this process):")
    print(
        f"echo bot:   {echo_apart * 1000 / updates:.2f} ms/update, "
        f"{updates / echo_apart:,.0f} updates/s"
    )
    print(
        f"dosing bot: {dosing_apart * 1000 / updates:.2f} ms/update, "
        f"{updates / dosing_apart:,.0f} updates/s"
    )
    print(f"ratio dosing/echo: {dosing_apart / echo_apart:.2f}x (target <= 1.5x)")
    starts = sorted([await cold_start() for _ in range(3)])
    print(f"cold start to first getUpdates: median {starts[1]:.2f} s (target <= 1 s)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
