"""Erasure with the real Application and store: after /forget, and after the TTL (the bot's
own purge loop), a chat's clinical values are gone from the bytes of the database file and of
its -wal and -shm files, while the bot still runs (the files are open, nothing was closed or
checkpointed by a shutdown) and after it stopped. Another chat's values stay."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import load_settings
from bot.store import SessionStore
from botapi_emulator.emulator import BotApiEmulator

CHAT, OTHER = 7171, 7272
#: Values no other byte of the files holds by chance.
VALUES = {"bsa": "1.987", "anc": "1.234", "platelets": "43.21"}
FORM = "bsa=1.987 cycle=2 response=CR hsct=no anc=1.234 anc0=1.5 plt=43.21"
OTHER_FORM = "bsa=1.765 cycle=2 response=CR hsct=no anc=2.468 anc0=1.5 plt=87.65"
#: A plan at once (platelets at 100 or more ask for no baseline): its dose card is kept.
CARD_FORM = "bsa=1.987 cycle=2 response=CR hsct=no anc=1.234 plt=143.21 start=2026-12-03"
SUFFIXES = ("", "-wal", "-shm")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


class Bot:
    def __init__(self, application: Any, store: SessionStore, clock: Clock) -> None:
        self.application, self.store, self.clock = application, store, clock

    def files(self) -> dict[str, bytes]:
        return {
            suffix: Path(f"{self.store.path}{suffix}").read_bytes()
            for suffix in SUFFIXES
            if Path(f"{self.store.path}{suffix}").exists()
        }


@pytest.fixture
async def bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
            "BOT_STATE_TTL_HOURS": "1",
        }
    )
    clock = Clock()
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl, clock=clock)
    application = build_application(settings, store, purge_interval=0.1, retry_delay=0.01)
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    running = Bot(application, store, clock)
    try:
        yield running
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            await application.post_stop(application)
        await application.shutdown()
        store.close()


async def say(emulator: BotApiEmulator, chat: int, text: str) -> None:
    before = len(emulator.sent(chat))
    await emulator.send_text(chat, text)
    await emulator.wait_for_messages(chat, before + 1, timeout=15)
    await emulator.wait_idle(0.3, timeout=15)


def found(files: dict[str, bytes], values: list[str]) -> dict[str, list[str]]:
    """Which of `values` each file holds."""
    return {
        suffix or "db": [value for value in values if value.encode() in data]
        for suffix, data in files.items()
    }


def held(bot: Bot, values: list[str]) -> set[str]:
    return {value for data in bot.files().values() for value in values if value.encode() in data}


async def test_forget_erases_the_values_from_every_file(emulator: BotApiEmulator, bot: Bot) -> None:
    await say(emulator, CHAT, FORM)
    await say(emulator, OTHER, OTHER_FORM)
    assert held(bot, [*VALUES.values()]) == set(VALUES.values()), "stored: the test can fail"
    await say(emulator, CHAT, "/forget")
    assert "erased" in emulator.sent(CHAT)[-1]["text"]
    assert set(bot.files()) >= {"", "-shm"}, "still running: the files are open"
    assert found(bot.files(), [*VALUES.values()]) == {suffix or "db": [] for suffix in bot.files()}
    assert bot.store.load(OTHER) is not None, "the other chat is untouched"
    assert held(bot, ["2.468"]) == {"2.468"}


async def test_the_ttl_erases_the_values_from_every_file(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    await say(emulator, CHAT, FORM)
    bot.clock.now += dt.timedelta(minutes=40)
    await say(emulator, OTHER, OTHER_FORM)
    assert held(bot, [*VALUES.values()]) == set(VALUES.values()), "stored: the test can fail"
    bot.clock.now += dt.timedelta(minutes=21)  # CHAT's values are 61 minutes old, OTHER's 21
    await emulator.wait_for(lambda: bot.store.stats()["sessions"] == 1, timeout=5)
    await emulator.wait_idle(0.3)  # the bot's purge loop runs every 0.1 s
    files = bot.files()
    assert set(files) >= {"", "-shm"}, "still running: the files are open"
    assert found(files, [*VALUES.values()]) == {suffix or "db": [] for suffix in files}
    assert bot.store.load(OTHER) is not None and held(bot, ["2.468"]) == {"2.468"}


async def test_forget_erases_the_chats_dose_cards(emulator: BotApiEmulator, bot: Bot) -> None:
    """A dose card is kept in the store (a shared card outlives a restart): /forget erases it,
    so that a colleague's inline query no longer finds it."""
    await say(emulator, CHAT, CARD_FORM)
    card = next(m for m in reversed(emulator.sent(CHAT)) if m.get("reply_markup"))
    data = next(
        button["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for button in row
        if button.get("callback_data", "").startswith("card|ics:")
    )
    card_id = data.partition(":")[2]
    assert bot.store.card(card_id) is not None, "kept: the test can fail"
    assert held(bot, ["143.21"]) == {"143.21"}
    await say(emulator, CHAT, "/forget")
    assert bot.store.card(card_id) is None
    await emulator.send_inline_query(CHAT, card_id)
    await emulator.wait_for_call("answerInlineQuery")
    assert emulator.inline_answers[-1]["results"] == []
    assert found(bot.files(), ["143.21", *VALUES.values()]) == {
        suffix or "db": [] for suffix in bot.files()
    }
