"""ConfirmingPoller against the emulator: updates left in the inbox by a crash are answered on
start-up, in order; fetched ones are confirmed to Telegram only once saved; the inbox empties as
they are handled."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import bot.app
from bot.aiohttp_transport import AiohttpRequest
from bot.app import build_application
from bot.config import load_settings
from bot.inbox import Inbox
from bot.polling import confirming_polling
from bot.store import SessionStore
from bot.transport import HttpxRequest
from botapi_emulator.emulator import BotApiEmulator

CHAT = 6161


def left_by_a_crash(update_id: int, text: str) -> dict:
    chat = {"id": CHAT, "type": "private", "first_name": "Dr"}
    user = {"id": CHAT, "is_bot": False, "first_name": "Dr", "language_code": "en"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "from": user, "text": text}
    return {"update_id": update_id, "message": message}


async def test_inbox_is_answered_first_then_polling_confirms_what_it_saved(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emulator.add_chat(CHAT)  # the chat existed before the crash
    inbox = Inbox(tmp_path / "state.inbox")
    inbox.put([left_by_a_crash(1, "/start"), left_by_a_crash(2, "1.8")])
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    try:
        async with confirming_polling(bot_on(emulator, store), inbox, timeout=1):
            # /start answers with one message (welcome and first question), then the BSA's.
            await emulator.wait_for_messages(CHAT, 2, timeout=15)
            texts = [m["text"] for m in emulator.sent(CHAT)]
            assert "cycle" in texts[-1].lower(), "/start then the BSA, in order"
            await emulator.send_text(CHAT, "2")
            await emulator.wait_for_messages(CHAT, 3, timeout=15)
            await emulator.wait_idle(0.3, timeout=15)
            assert emulator.pending_updates == [], "confirmed once saved"
            assert inbox.waiting() == [], "each update left the inbox once handled"
    finally:
        store.close()
        inbox.close()


def bot_on(emulator: BotApiEmulator, store: SessionStore) -> Any:
    """The production Application on the emulator, keeping its state in `store`."""
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": emulator.token, "TELEGRAM_API_BASE_URL": emulator.base_url}
    )
    return build_application(settings, store, rate_limit=False)


async def _replay(emulator: BotApiEmulator, tmp_path: Path, store: SessionStore) -> None:
    """Start the bot on `store` with the inbox as a crash left it; until it answered."""
    async with confirming_polling(
        bot_on(emulator, store), Inbox(tmp_path / "state.inbox"), timeout=1
    ):
        await emulator.wait_idle(0.5, timeout=15)


async def test_an_update_seen_but_not_saved_before_the_crash_is_handled_on_replay(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Killed after the gate marked "1.8" seen, before its state was saved: the replay applies
    it (the next question is asked), not the present state shown as if it had been."""
    emulator.add_chat(CHAT)
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(1, "/start")])
    await _replay(emulator, tmp_path, store)
    asked = emulator.sent(CHAT)[-1]["text"]
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(2, "1.8")])
    store.mark_update_seen(2)
    await _replay(emulator, tmp_path, store)
    replies = [m["text"] for m in emulator.sent(CHAT)]
    assert "cycle" in replies[-1].lower() and replies[-1] != asked, replies
    assert replies.count(replies[-1]) == 1


async def test_an_update_saved_but_not_removed_is_shown_again_not_applied_twice(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Killed after "1.8" was saved (its answer maybe unsent): the replay shows the present
    question again; "1.8" is not read a second time as the answer to it."""
    emulator.add_chat(CHAT)
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(1, "/start"), left_by_a_crash(2, "1.8")])
    await _replay(emulator, tmp_path, store)
    before = [m["text"] for m in emulator.sent(CHAT)]
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(2, "1.8")])
    await _replay(emulator, tmp_path, store)
    again = [m["text"] for m in emulator.sent(CHAT)][len(before) :]
    assert again == [before[-1]], again
    assert "cycle" in before[-1].lower()


async def test_a_replayed_answer_is_the_saved_one_word_for_word_with_its_buttons(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Killed after /start was saved: the replay sends /start's own answer again (the welcome
    with the first question, one message), not a re-rendering of the present step without the
    welcome. Re-rendering was what a SIGKILL under load showed."""
    emulator.add_chat(CHAT)
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(1, "/start")])
    await _replay(emulator, tmp_path, store)
    first = emulator.sent(CHAT)
    assert len(first) == 1 and "dosing assistant" in first[0]["text"]
    Inbox(tmp_path / "state.inbox").put([left_by_a_crash(1, "/start")])
    await _replay(emulator, tmp_path, store)
    again = emulator.sent(CHAT)[1:]
    assert [m["text"] for m in again] == [first[0]["text"]]
    assert again[0].get("reply_markup") == first[0].get("reply_markup")


@dataclass
class HeldStart:
    """The bot built with its handlers' import held until it has polled (`saved`: the ids it
    had saved by then, nothing answered, over httpx); then `load` runs in that thread."""

    application: Any
    inbox: Inbox
    saved: asyncio.Task[list[int]]


@contextlib.asynccontextmanager
async def held_start(
    emulator: BotApiEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    load: Callable[[], None],
) -> AsyncIterator[HeldStart]:
    """/start and "1.8" waiting; bot/app.py's import of the handlers patched in (before the
    application is built, which starts its thread) to wait for the first poll."""
    emulator.add_chat(CHAT)
    await emulator.send_text(CHAT, "/start")
    await emulator.send_text(CHAT, "1.8")
    released = threading.Event()

    def held() -> None:
        assert released.wait(15), "the test never released the loading"
        load()

    monkeypatch.setattr(bot.app, "_import_handlers", held)
    inbox = Inbox(tmp_path / "state.inbox")
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    application = bot_on(emulator, store)

    async def release_after_the_first_poll() -> list[int]:
        await emulator.wait_for(lambda: emulator.calls_to("getUpdates"), timeout=15)
        await emulator.wait_for(lambda: len(inbox.waiting()) == 2, timeout=15)
        saved = [update["update_id"] for update in inbox.waiting()]
        assert emulator.sent(CHAT) == [], "nothing is handled before the handlers are there"
        assert isinstance(application.bot.request.current, HttpxRequest), "connected over httpx"
        released.set()
        return saved

    try:
        yield HeldStart(application, inbox, asyncio.create_task(release_after_the_first_poll()))
    finally:
        store.close()
        inbox.close()


async def test_the_bot_polls_while_its_handlers_load_and_then_answers_in_order(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cold start: the first getUpdates does not wait for the dialog's imports; what
    it fetched meanwhile is saved, then answered in order once the handlers are registered."""
    load = bot.app._import_handlers
    async with (
        held_start(emulator, tmp_path, monkeypatch, load) as start,
        confirming_polling(start.application, start.inbox, timeout=1),
    ):
        assert len(await start.saved) == 2
        assert isinstance(start.application.bot.request.current, AiohttpRequest), "answers"
        await emulator.wait_for_messages(CHAT, 2, timeout=15)
        texts = [m["text"] for m in emulator.sent(CHAT)]
        assert "dosing assistant" in texts[0] and "cycle" in texts[1].lower(), texts
        await emulator.wait_idle(0.3, timeout=15)
        assert start.inbox.waiting() == []


async def test_handlers_that_fail_to_load_stop_the_bot_and_keep_what_arrived(
    emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken install: the bot stops with the error (as an import at start would) and the
    updates it fetched stay in the inbox for the next start, unanswered rather than lost."""

    def broken() -> None:
        raise ImportError("a module of the dialog is missing")

    async with held_start(emulator, tmp_path, monkeypatch, broken) as start:
        with pytest.raises(ImportError, match="missing"):
            async with confirming_polling(start.application, start.inbox, timeout=1):
                pytest.fail("the bot ran without its handlers")
        assert [update["update_id"] for update in start.inbox.waiting()] == await start.saved
        assert emulator.sent(CHAT) == []
