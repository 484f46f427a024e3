"""The dose card's buttons end to end: the real Application against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest

from bot import cards
from bot.app import build_application
from bot.config import load_settings
from bot.store import SessionStore
from bot.update_types import ALLOWED_UPDATES
from botapi_emulator.emulator import BotApiEmulator
from dialogs.render import FOLD_CLOSE, FOLD_OPEN
from tests.phone import phone_lines
from tests.test_card_layout import UNFOLDED_BUDGET

CHAT = 4545
QUICK = "bsa=1.8 cycle=2 response=CR anc=1.5 plt=120 start=2026-12-03"
HEADER = "<b>✅ GIVE: cycle 2 · USPI · BSA 1.8 m²</b>"


@pytest.fixture
async def card_bot(
    emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    running: list[tuple[Any, SessionStore]] = []

    async def launch(team: str = "", inline: bool = True) -> Any:
        emulator.bot_user["supports_inline_queries"] = inline
        env = {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
            "BOT_TEAM_LANGUAGE": team,
        }
        settings = load_settings(env)
        store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
        application = build_application(settings, store, retry_delay=0.01)
        await application.initialize()
        await application.post_init(application)  # registers the handlers (bot/app.py)
        await application.start()
        await application.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
        )
        running.append((application, store))
        return application

    yield launch
    for application, store in running:
        await stop(application)
        store.close()


async def stop(application: Any) -> None:
    """The bot stopped as at a restart (idempotent: the fixture stops what is left)."""
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()


async def plan_message(emulator: BotApiEmulator, lang: str = "en") -> dict:
    await emulator.send_text(CHAT, QUICK, language_code=lang)
    await emulator.wait_idle(0.3)
    return next(m for m in reversed(emulator.sent(CHAT)) if m.get("reply_markup"))


def card_buttons(message: dict) -> dict[str, dict]:
    """The card's buttons by what they do: copy, calendar, share, team, dialog."""
    found: dict[str, dict] = {}
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if "copy_text" in button:
                found["copy"] = button
            elif "switch_inline_query_chosen_chat" in button:
                found["share"] = button
            elif button.get("callback_data", "").startswith("card|ics:"):
                found["calendar"] = button
            elif button.get("callback_data", "").startswith("card|team:"):
                found["team"] = button
    return found


async def test_the_card_is_folded_and_fits_the_budget(emulator: BotApiEmulator, card_bot) -> None:
    await card_bot()
    message = await plan_message(emulator)
    record = emulator.calls_to("sendMessage")[-1].params
    html = record["text"]
    top = html.split(FOLD_OPEN)[0].rstrip("\n")
    assert top.startswith(HEADER + "\n") and phone_lines(top) <= UNFOLDED_BUDGET
    assert html.endswith(FOLD_CLOSE) and "ℹ️" not in html.split(FOLD_OPEN)[0]
    # Telegram's view: the folded lines are an expandable blockquote entity.
    kinds = {entity["type"] for entity in message.get("entities", [])}
    assert "expandable_blockquote" in kinds or "blockquote" in kinds
    assert "Day 8 · Dec 10 (window Dec 9" in message["text"]


async def test_copy_button_holds_one_plain_line(emulator: BotApiEmulator, card_bot) -> None:
    await card_bot()
    message = await plan_message(emulator)
    text = card_buttons(message)["copy"]["copy_text"]["text"]
    assert len(text) <= cards.MAX_COPY_TEXT and "\n" not in text and "<" not in text
    assert text == (
        "Inotuzumab ozogamicin (USPI), cycle 2: D1 0.9 mg 3.6 mL; D8 0.9 mg 3.6 mL; "
        "D15 0.9 mg 3.6 mL. GIVE. Rules " + text.rsplit("Rules ", 1)[1]
    )


async def test_calendar_button_sends_an_ics_of_the_dose_days(
    emulator: BotApiEmulator, card_bot
) -> None:
    await card_bot()
    message = await plan_message(emulator)
    data = card_buttons(message)["calendar"]["callback_data"]
    await emulator.press_button(CHAT, message["message_id"], data)
    await emulator.wait_idle(0.3)
    await emulator.wait_for_call("sendDocument")
    [document] = emulator.documents
    assert document["chat_id"] == CHAT and document["file_name"].endswith(".ics")
    calendar = icalendar.Calendar.from_ical(document["content"])
    events = list(calendar.walk("VEVENT"))
    assert [str(event["SUMMARY"]) for event in events] == [
        "Besponsa: cycle 2, Day 1",
        "Besponsa: cycle 2, Day 8",
        "Besponsa: cycle 2, Day 15",
    ]
    assert [event.decoded("DTSTART").isoformat() for event in events] == [
        "2026-12-03",
        "2026-12-10",
        "2026-12-17",
    ]
    raw = document["content"].decode()
    for value in ("1.8", "0.9", "mg", "mL", "m²", "CR"):  # no BSA, dose or answer in the file
        assert value not in raw, value


async def test_share_carries_only_an_opaque_id_and_the_inline_answer_is_the_card(
    emulator: BotApiEmulator, card_bot
) -> None:
    await card_bot()
    message = await plan_message(emulator)
    chosen = card_buttons(message)["share"]["switch_inline_query_chosen_chat"]
    card_id = chosen["query"]
    assert chosen.get("allow_user_chats") is True
    assert not any(char in card_id for char in ".=") and "1" * 3 not in card_id
    assert "0.9" not in card_id and "cycle" not in card_id
    await emulator.send_inline_query(CHAT, card_id)
    await emulator.wait_for_call("answerInlineQuery")
    [answer] = emulator.inline_answers
    [result] = answer["results"]
    assert result["type"] == "article"
    content = result["input_message_content"]
    assert content["message_text"].startswith(HEADER)
    assert FOLD_OPEN in content["message_text"] and content["parse_mode"] == "HTML"
    # Another user asking with the same id gets nothing.
    await emulator.send_inline_query(999, card_id)
    await emulator.wait_for_call("answerInlineQuery", count=2)
    assert emulator.inline_answers[1]["results"] == []


async def test_a_shared_card_is_answered_after_a_restart(
    emulator: BotApiEmulator, card_bot
) -> None:
    first = await card_bot()
    message = await plan_message(emulator)
    card_id = card_buttons(message)["share"]["switch_inline_query_chosen_chat"]["query"]
    shown = emulator.calls_to("sendMessage")[-1].params["text"]
    await stop(first)  # the bot restarts between the Share tap and the colleague's inline query
    await card_bot()
    await emulator.send_inline_query(CHAT, card_id)
    await emulator.wait_for_call("answerInlineQuery")
    [answer] = emulator.inline_answers
    [result] = answer["results"]
    assert result["input_message_content"]["message_text"] == shown
    # The calendar button of the card shown before the restart still works too.
    await emulator.press_button(
        CHAT, message["message_id"], card_buttons(message)["calendar"]["callback_data"]
    )
    await emulator.wait_for_call("sendDocument")
    assert emulator.documents[0]["file_name"].endswith(".ics")


async def test_share_is_hidden_without_inline_mode(emulator: BotApiEmulator, card_bot) -> None:
    await card_bot(inline=False)
    message = await plan_message(emulator)
    found = card_buttons(message)
    assert "share" not in found and "copy" in found


async def test_team_language_button_sends_the_same_card_in_english(
    emulator: BotApiEmulator, card_bot
) -> None:
    await card_bot(team="en")
    message = await plan_message(emulator, lang="de")
    assert message["text"].startswith("<b>✅ GEBEN")
    team = card_buttons(message)["team"]
    assert team["text"] == "Auf English anzeigen" or "English" in team["text"]
    before = len(emulator.sent(CHAT))
    await emulator.press_button(CHAT, message["message_id"], team["callback_data"])
    [english] = (await emulator.wait_for_messages(CHAT, before + 1))[before:]
    assert english["text"].startswith(HEADER)
    assert "Day 8 · Dec 10 (window Dec 9" in english["text"]
    assert "): 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial" in english["text"]
    assert "team" not in card_buttons(english)


async def test_no_team_button_when_the_chat_speaks_the_team_language(
    emulator: BotApiEmulator, card_bot
) -> None:
    await card_bot(team="en")
    message = await plan_message(emulator, lang="en")
    assert "team" not in card_buttons(message)


async def test_start_sends_the_welcome_and_the_first_question_as_one_message(
    emulator: BotApiEmulator, card_bot
) -> None:
    await card_bot()
    await emulator.send_text(CHAT, "/start")
    await emulator.wait_idle(0.3)
    [message] = emulator.sent(CHAT)
    assert "Besponsa" in message["text"] and "Body surface area" in message["text"]


def test_a_shared_card_too_long_for_one_message_goes_without_its_folded_part() -> None:
    from bot.card_actions import shared_text
    from bot.sending import MAX_MESSAGE
    from rules import PlanRequest, make_plan
    from tests.test_card_layout import WORST

    plan = make_plan(PlanRequest.model_validate(WORST))
    card = cards.Card(1, plan, ("Toxicity",))
    for lang in ("en", "es", "ru"):
        text = shared_text(card, lang)
        assert text is not None and len(text) <= MAX_MESSAGE
        if FOLD_OPEN not in text:  # cut: the unfolded part is whole
            assert text.count("⛔") == sum(1 for w in plan.warnings if w.severity == "stop") + (
                1 if plan.decision == "discontinue" else 0
            )


async def test_answering_the_card_keeps_its_own_buttons(emulator: BotApiEmulator, card_bot) -> None:
    await card_bot()
    message = await plan_message(emulator)
    change = next(
        button["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
        if button.get("callback_data", "").endswith("|/summary")
    )
    await emulator.press_button(CHAT, message["message_id"], change)
    await emulator.wait_idle(0.3)
    [card] = [m for m in emulator.sent(CHAT) if m["message_id"] == message["message_id"]]
    kept = card_buttons(card)
    assert {"copy", "calendar", "share"} <= set(kept)
    dialog = [
        button
        for row in card["reply_markup"]["inline_keyboard"]
        for button in row
        if button.get("callback_data", "")[:1].isdigit()
    ]
    assert dialog == []
