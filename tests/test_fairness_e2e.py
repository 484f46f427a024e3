"""The real Application against the emulator: a chat that sends more than its backlog cap is
told once, in its language, and only a prefix of its messages is read; a user outside the
allowlist is refused without queueing, however much they send."""

from __future__ import annotations

from pathlib import Path

from bot.ordering import MAX_CHAT_BACKLOG
from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_e2e import start_bot, stop_bot

CHAT = 4545


async def test_a_flood_is_read_up_to_the_cap_and_told_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emulator.delay_next("sendMessage", 0.05, times=1000)  # a round trip to Telegram
    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    try:
        await emulator.send_text(CHAT + 1, "/help")  # how many messages one /help is answered
        await emulator.wait_for_messages(CHAT + 1, 1, timeout=15)
        await emulator.wait_idle(0.3, timeout=15)
        per_help = len(emulator.sent(CHAT + 1))
        for _ in range(MAX_CHAT_BACKLOG + 15):
            await emulator.send_text(CHAT, "/help", language_code="de")
        await emulator.wait_idle(0.5, timeout=90)  # the cap times 50 ms, on a loaded machine
        texts = [m["text"] for m in emulator.sent(CHAT)]
        notices = [t for t in texts if "Zu viele Nachrichten" in t]
        assert len(notices) == 1, texts
        assert len(texts) - 1 == MAX_CHAT_BACKLOG * per_help, "the cap's worth read, no more"
        before = len(texts)
        await emulator.send_text(CHAT, "1.8", language_code="de")
        await emulator.wait_for_messages(CHAT, before + 1, timeout=15)
        assert "Zu viele" not in emulator.sent(CHAT)[-1]["text"], "the next message is read"
    finally:
        await stop_bot(started)


async def test_a_refused_users_flood_gets_few_answers_and_holds_no_one(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    started = await start_bot(emulator, tmp_path / "state.sqlite3", allowed=str(CHAT))
    try:
        for _ in range(50):
            await emulator.send_text(666, "1.8")
        await emulator.send_text(CHAT, "/start")
        await emulator.wait_for_messages(CHAT, 1, timeout=15)
        await emulator.wait_idle(0.5, timeout=30)
        refusals = emulator.sent(666)
        assert 1 <= len(refusals) < 50, "answered, but not once per message"
        assert all("limited to the clinical team" in m["text"] for m in refusals)
    finally:
        await stop_bot(started)
