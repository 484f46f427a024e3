"""The six ward-round cases (`tests/ward_cases.py`), as a new user answers them, counted in both
transports: the console (`bot/console.py`, options typed by letter) and the real Application
against the Bot API emulator (buttons pressed). The plan must come with the last message
counted, not before, and within the case's target; the quick form gives it in one message.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.console import ConsoleChat
from botapi_emulator.emulator import BotApiEmulator
from dialogs.units import set_site_ulns
from tests.test_bot_e2e import CHAT, buttons, say, settle, start_bot, stop_bot
from tests.ward_cases import CASES, SITE, WardCase

#: The headline word of each day action (dialogs/card_today.py): a plan has arrived.
DECISION_WORDS = {"give": "GIVE", "hold": "HOLD", "omit": "OMITTED"}
NAMES = [case.name for case in CASES]


@pytest.fixture
def site_ulns() -> Iterator[None]:
    set_site_ulns(load_settings(dict(SITE)).site_ulns)
    yield
    set_site_ulns({})  # process-wide: other tests run without them


def console_messages(case: WardCase) -> tuple[int, str]:
    """(messages sent, the text after the last) in the console, a tap typed as its letter."""
    out = io.StringIO()
    chat = ConsoleChat(out, "en")
    chat.greet()
    sent = 0
    for kind, value in case.guided:
        assert DECISION_WORDS[case.decision] not in out.getvalue(), f"a plan before {value!r}"
        start = len(out.getvalue())
        if kind == "tap":
            letter = next(mark for mark, choice in chat.options.items() if choice.value == value)
            chat.answer(letter)
        else:
            chat.answer(value)
        sent += 1
    return sent, out.getvalue()[start:]


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_each_case_in_the_console_within_its_target(case: WardCase, site_ulns: None) -> None:
    sent, last = console_messages(case)
    assert sent == len(case.guided) <= case.target
    assert DECISION_WORDS[case.decision] in last and case.shows in last, last


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_each_quick_form_gives_its_plan_in_one_console_message(
    case: WardCase, site_ulns: None
) -> None:
    out = io.StringIO()
    ConsoleChat(out, "en").answer(case.quick)
    assert DECISION_WORDS[case.decision] in out.getvalue() and case.shows in out.getvalue()


async def telegram_messages(emulator: BotApiEmulator, case: WardCase) -> tuple[int, str]:
    """(messages sent, the text of the last reply) through the real Application, `/start` not
    counted; a tap presses the button of the last message that has it."""
    await say(emulator, "/start")
    await settle(emulator)
    sent = 0
    for kind, value in case.guided:
        messages = await settle(emulator)
        assert not any(DECISION_WORDS[case.decision] in m["text"] for m in messages)
        before = len(messages)
        if kind == "tap":
            message = next(m for m in reversed(messages) if value in _values(m))
            data = next(data for _, data in buttons(message) if data.split("|", 1)[1] == value)
            await emulator.press_button(CHAT, message["message_id"], data)
        else:
            await emulator.send_text(CHAT, value)
        await emulator.wait_for_messages(CHAT, before + 1)
        sent += 1
    messages = await settle(emulator)
    return sent, "\n".join(m["text"] for m in messages[before:])


def _values(message: dict) -> list[str]:
    return [data.split("|", 1)[1] for _, data in buttons(message)]


@pytest.mark.parametrize("case", CASES, ids=NAMES)
async def test_each_case_in_telegram_within_its_target(
    case: WardCase, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    started = await start_bot(emulator, tmp_path / "state.sqlite3", site=dict(SITE))
    try:
        sent, last = await telegram_messages(emulator, case)
        assert sent == len(case.guided) <= case.target
        assert DECISION_WORDS[case.decision] in last and case.shows in last, last
        # The quick form of the same case, in the same chat: one message, one plan.
        await say(emulator, "/new")
        await settle(emulator)
        before = len(emulator.sent(CHAT))
        await emulator.send_text(CHAT, case.quick)
        replies = (await settle(emulator))[before:]
        assert DECISION_WORDS[case.decision] in replies[-1]["text"]
    finally:
        await stop_bot(started)
        set_site_ulns({})


async def test_descriptions_menu_button_and_placeholders(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Telegram's own affordances: a description and a short description in every language,
    the commands menu button, and the expected format in the text field of a typed question."""
    from bot.profile import descriptions
    from locales import menu_catalogs, menu_code

    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    try:
        expected = {
            (kind, lang)
            for kind in ("description", "short_description")
            for lang in (None, *(menu_code(lang) for lang in menu_catalogs()))
        }
        await emulator.wait_for(lambda: set(emulator.descriptions) >= expected, timeout=5)
        await emulator.wait_for(lambda: None in emulator.menu_buttons, timeout=5)
        assert emulator.menu_buttons[None] == {"type": "commands"}
        for lang in menu_catalogs():
            shown = emulator.descriptions[("description", menu_code(lang))]
            assert shown == descriptions(lang)[0]
        assert emulator.descriptions[("short_description", "de")] != descriptions("en")[1]
        first = await say(emulator, "/start")
        assert first["reply_markup"]["input_field_placeholder"] == "1.8 m² or 170 cm 70 kg"
        await say(emulator, "1.8")
        await settle(emulator)
        message = next(m for m in reversed(emulator.sent(CHAT)) if m.get("reply_markup"))
        await emulator.press_button(CHAT, message["message_id"], _data(message, "2"))
        await settle(emulator)
        message = next(m for m in reversed(emulator.sent(CHAT)) if m.get("reply_markup"))
        await emulator.press_button(CHAT, message["message_id"], _data(message, "CR no hsct"))
        counts = (await settle(emulator))[-1]
        assert counts["reply_markup"] == {
            "force_reply": True,
            "input_field_placeholder": "ANC platelets, e.g. 1.8 120",
        }
    finally:
        await stop_bot(started)


def _data(message: dict, value: str) -> str:
    return next(data for _, data in buttons(message) if data.split("|", 1)[1] == value)
