"""The real Application, dialog, rules and store against the local Bot API emulator: SQLite, and
PostgreSQL for the tests parametrised with `BOTH_BACKENDS` (tests/pg_server.py)."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import load_settings
from bot.sending import split_message
from bot.storage import StateStore
from bot.store import SessionStore
from botapi_emulator.emulator import BotApiEmulator, parse_html, utf16_len
from dialogs.render import FOLD_CLOSE, FOLD_OPEN, Renderer
from dialogs.site_protocol import set_site_protocol
from dialogs.units import set_site_ulns
from locales import LANGUAGES, menu_code
from rules import PlanRequest, make_plan
from rules.protocol import DEFAULT_PROTOCOL

Started = tuple[Any, StateStore]
#: `@BOTH_BACKENDS` on a test that takes the `bot` fixture: run once on each backend.
BOTH_BACKENDS = pytest.mark.parametrize("bot", ["sqlite", "postgresql"], indirect=True)
#: Set to a protocol file: every bot of these tests follows it (BOT_PROTOCOL).
E2E_PROTOCOL = "BESPONSA_E2E_PROTOCOL"
CHAT = 4242
OTHER_CHAT = 4343


async def start_bot(
    emulator: BotApiEmulator,
    db: Path,
    allowed: str = "",
    webhook_port: int | None = None,
    site: dict[str, str] | None = None,
    db_url: str | None = None,
) -> Started:
    """The production Application on the emulator; `site`: more settings (e.g. BOT_ULN_*);
    `db_url`: a PostgreSQL database instead of the SQLite file `db`."""
    env = {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "BOT_DB_PATH": str(db),
        "BOT_ALLOWED_USERS": allowed,
        # The whole suite once more under a site protocol (tests/test_protocol_e2e.py).
        **({"BOT_PROTOCOL": os.environ[E2E_PROTOCOL]} if os.environ.get(E2E_PROTOCOL) else {}),
        **(site or {}),
    }
    settings = load_settings(env)
    store: StateStore
    if db_url is None:
        store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    else:
        from bot.pg_store import PgSessionStore

        store = PgSessionStore(db_url, ttl=settings.ttl)
    application = build_application(settings, store, retry_delay=0.01)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    if webhook_port is None:
        await application.updater.start_polling(poll_interval=0, timeout=1)
    else:
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=webhook_port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{webhook_port}/hook",
            secret_token="s3cret-token",
        )
    return application, store


async def stop_bot(started: Started) -> None:
    application, store = started
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    store.close()
    # The site's protocol and ULNs are process-wide (bot/app.py sets them): other tests run
    # without them.
    set_site_protocol(DEFAULT_PROTOCOL)
    set_site_ulns({})


@pytest.fixture
async def bot(
    emulator: BotApiEmulator, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[Started]]]:
    running: list[Started] = []
    backend = getattr(request, "param", "sqlite")
    db_url = request.getfixturevalue("pg_url") if backend == "postgresql" else None

    async def launch(**options: Any) -> Started:
        started = await start_bot(emulator, tmp_path / "state.sqlite3", db_url=db_url, **options)
        running.append(started)
        return started

    yield launch
    for started in running:
        await stop_bot(started)


async def say(emulator: BotApiEmulator, text: str, chat: int = CHAT, **options: Any) -> dict:
    before = len(emulator.sent(chat))
    await emulator.send_text(chat, text, **options)
    return (await emulator.wait_for_messages(chat, before + 1))[-1]


async def settle(emulator: BotApiEmulator, chat: int = CHAT) -> list[dict]:
    await emulator.wait_idle(0.3)
    return emulator.sent(chat)


def buttons(message: dict) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [
        (button["text"], button["callback_data"])
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button  # not the links (a plan's "Verify")
    ]


def button_data(message: dict, value: str) -> str:
    for _, data in buttons(message):
        if data.split("|", 1)[1] == value:
            return data
    raise AssertionError(f"no button {value!r} in {buttons(message)}")


async def press(emulator: BotApiEmulator, message: dict, value: str, chat: int = CHAT) -> dict:
    before = len(emulator.sent(chat))
    await emulator.press_button(chat, message["message_id"], button_data(message, value))
    return (await emulator.wait_for_messages(chat, before + 1))[-1]


def last_with_buttons(emulator: BotApiEmulator, chat: int = CHAT) -> dict:
    return next(m for m in reversed(emulator.sent(chat)) if m.get("reply_markup"))


def age_asked() -> bool:
    """Cycle 1 asks the age, except under a protocol of an adult-only service, such as the
    example protocol this suite runs under once more (tests/test_protocol_e2e.py)."""
    from bot.protocol_file import read_protocol

    path = os.environ.get(E2E_PROTOCOL)
    return not (path and read_protocol(path).adult_only_service)


@BOTH_BACKENDS
async def test_guided_dialog_with_buttons_reaches_the_plan(emulator: BotApiEmulator, bot) -> None:
    await bot()
    await say(emulator, "/start")
    await say(emulator, "1.8")
    await settle(emulator)
    await press(emulator, last_with_buttons(emulator), "1")
    await settle(emulator)
    if age_asked():
        await press(emulator, last_with_buttons(emulator), "adult")
        await settle(emulator)
    await press(emulator, last_with_buttons(emulator), "no")
    await say(emulator, "2.1 150")
    await settle(emulator)
    await press(emulator, last_with_buttons(emulator), "0")
    messages = await settle(emulator)
    plan = next(m for m in reversed(messages) if "GIVE" in m["text"])
    assert plan["parse_mode"] == "HTML"
    assert "1.44 mg" in plan["text"] and "0.9 mg" in plan["text"]
    assert "0.8 mg/m²" in plan["text"]
    assert plan["text"].split("\n")[1].startswith("Read: "), "the read-back follows the decision"


async def test_quick_form_gives_the_plan_in_one_turn(emulator: BotApiEmulator, bot) -> None:
    await bot()
    await emulator.send_text(CHAT, "bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80")
    messages = await settle(emulator)
    assert any("GIVE" in m["text"] and "2.7 mg" in m["text"] for m in messages)
    plan = next(m["text"] for m in messages if "GIVE" in m["text"])
    read_back = "Read: Body 1.8 m² · Cycle 2 · Response CR · ANC 1.5 ×10⁹/L · Platelets 80 ×10⁹/L"
    assert read_back in plan


async def test_stale_button_gets_a_notice_and_does_not_act(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    await settle(emulator)
    cycle_question = last_with_buttons(emulator)
    stale = button_data(cycle_question, "3")
    await say(emulator, "2")  # answered by typing instead
    await settle(emulator)
    await emulator.press_button(CHAT, cycle_question["message_id"], stale)
    messages = await settle(emulator)
    assert any("earlier question" in m["text"] for m in messages)
    assert store.load(CHAT)["draft"]["cycle"] == 2


async def test_restart_mid_dialog_resumes_at_the_same_step(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db = tmp_path / "state.sqlite3"
    first = await start_bot(emulator, db)
    try:
        await say(emulator, "1.8")
        await say(emulator, "2")
        await say(emulator, "CR")
    finally:
        await stop_bot(first)
    second = await start_bot(emulator, db)
    try:
        reply = await say(emulator, "no")  # the HSCT question, asked before the restart
        assert "ANC" in reply["text"]
    finally:
        await stop_bot(second)


async def test_allowlist_refuses_and_stores_nothing(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot(allowed="111,222")
    reply = await say(emulator, "bsa=1.8 cycle=1", chat=999)
    assert "limited" in reply["text"]
    assert store.load(999) is None and store.language(999) is None
    await emulator.send_text(111, "/start")
    assert any("Besponsa" in m["text"] for m in await emulator.wait_for_messages(111, 1))


async def test_group_chat_gets_a_pointer_to_a_private_chat(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await emulator.send_text(-1001, "/start", user_id=77, chat_type="group")
    messages = await settle(emulator, -1001)
    assert len(messages) == 1 and "private chat" in messages[0]["text"]
    assert store.load(-1001) is None and store.load(77) is None


async def test_non_text_and_edits_do_not_move_the_dialog(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    state = store.load(CHAT)["state"]
    await emulator.send_sticker(CHAT)
    await emulator.send_photo(CHAT)
    await emulator.send_voice(CHAT)
    await emulator.edit_text(CHAT, 1, "2.0")
    messages = await settle(emulator)
    assert sum("only read text" in m["text"] for m in messages) == 3
    assert any("Edited messages" in m["text"] for m in messages)
    assert store.load(CHAT)["state"] == state


async def test_long_text_is_refused_clearly(emulator: BotApiEmulator, bot) -> None:
    await bot()
    reply = await say(emulator, "9" * 3000)
    await settle(emulator)
    assert any("too long" in m["text"] for m in emulator.sent(CHAT)), reply


async def test_commands_are_registered_for_every_language(emulator: BotApiEmulator, bot) -> None:
    await bot()
    # Telegram keys a menu by two letters: one Portuguese menu (locales.MENU_LANGUAGES).
    menus = {None, *(menu_code(lang) for lang in LANGUAGES)}
    await emulator.wait_for(lambda: set(emulator.commands) == menus, timeout=5)
    names = {command["command"] for command in emulator.commands[None]}
    assert {"start", "new", "back", "cancel", "help", "language", "about", "forget"} <= names


async def test_a_failed_command_menu_does_not_stop_the_bot(
    emulator: BotApiEmulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.fail_next("setMyCommands", status=500, times=20)
    await bot()
    await emulator.wait_for(lambda: len(emulator.calls_to("setMyCommands")) >= 10, timeout=5)
    reply = await say(emulator, "/start")
    assert "Besponsa" in reply["text"]
    assert "command menu not registered in 10 languages (NetworkError)" in caplog.text


@BOTH_BACKENDS
async def test_forget_erases_the_chat(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    assert store.load(CHAT) is not None
    await say(emulator, "/forget")
    assert store.load(CHAT) is None and store.language(CHAT) is None


async def test_about_states_the_disclaimer(emulator: BotApiEmulator, bot) -> None:
    await bot()
    reply = await say(emulator, "/about")
    assert "does not replace" in reply["text"]


@BOTH_BACKENDS
async def test_language_button_changes_the_stored_language(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    menu = await say(emulator, "/language")
    offered = {data.split("|", 1)[1] for _, data in buttons(menu)}
    assert offered == set(LANGUAGES)
    choice = next((lang for lang in LANGUAGES if lang != "en"), "en")
    await press(emulator, menu, choice)
    assert store.language(CHAT) == choice


async def test_forged_callback_data_is_ignored(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    await settle(emulator)
    question = last_with_buttons(emulator)
    before = store.load(CHAT)
    for data in ["garbage", "99999|/new", "lang|xx", "|", "1|" + "x" * 60]:
        await emulator.press_button(CHAT, question["message_id"], data)
    await settle(emulator)
    after = store.load(CHAT)
    assert after["draft"] == before["draft"] and after["state"] == before["state"]


async def test_429_500_and_slow_answers_lose_no_reply(emulator: BotApiEmulator, bot) -> None:
    await bot()
    emulator.fail_next("sendMessage", status=429, retry_after=1)
    await say(emulator, "1.8")
    emulator.fail_next("sendMessage", status=500, times=2)
    await say(emulator, "2")
    emulator.delay_next("sendMessage", 1.0)
    await say(emulator, "CR")
    messages = await settle(emulator)
    prompts = [m["text"] for m in messages]
    assert sum("cycle" in text.lower() for text in prompts) == 1
    assert sum("Response so far" in text for text in prompts) == 1
    assert sum("Is a stem cell transplant" in text for text in prompts) == 1


async def test_a_slow_answer_to_one_chat_does_not_hold_up_another(
    emulator: BotApiEmulator, bot
) -> None:
    await bot()
    await emulator.send_text(CHAT, "/start")
    await emulator.send_text(OTHER_CHAT, "/start")
    await settle(emulator)
    before, sends = len(emulator.sent(CHAT)), len(emulator.calls_to("sendMessage"))
    other_before = len(emulator.sent(OTHER_CHAT))
    emulator.delay_next("sendMessage", 3.0)
    await emulator.send_text(CHAT, "1.8")
    await emulator.wait_for(lambda: len(emulator.calls_to("sendMessage")) > sends, timeout=5)
    # CHAT's answer is now held by Telegram; the other clinician is answered meanwhile.
    await emulator.send_text(OTHER_CHAT, "1.8")
    await emulator.wait_for_messages(OTHER_CHAT, other_before + 1, timeout=2)
    assert len(emulator.sent(CHAT)) == before
    await emulator.wait_for_messages(CHAT, before + 1)


@BOTH_BACKENDS
async def test_quick_messages_of_one_chat_are_answered_in_order(
    emulator: BotApiEmulator, bot
) -> None:
    await bot()
    await emulator.send_text(CHAT, "/start")
    before = len(await settle(emulator))
    emulator.delay_next("sendMessage", 1.0)  # the first answer is slow; the second must wait
    await emulator.send_text(CHAT, "1.8")
    await emulator.send_text(CHAT, "2")
    messages = await emulator.wait_for_messages(CHAT, before + 2)
    first, second = messages[before]["text"], messages[before + 1]["text"]
    assert "cycle" in first.lower() and "Response so far" in second


async def test_an_answer_lost_after_delivery_repeats_the_message_never_loses_it(
    emulator: BotApiEmulator, bot
) -> None:
    # The Bot API has no idempotency key: when Telegram delivered the message but its answer
    # was lost, the bot cannot know, and a repeated prompt is safer than a missing one.
    await bot()
    await emulator.send_text(CHAT, "/start")
    before = len(await settle(emulator))
    emulator.drop_next("sendMessage", after_processing=True)
    await emulator.send_text(CHAT, "1.8")
    texts = [message["text"] for message in (await settle(emulator))[before:]]
    assert len(texts) == 2 and texts[0] == texts[1] and "cycle" in texts[0].lower()


@BOTH_BACKENDS
async def test_many_chats_at_once_through_faults_get_one_plan_each(
    emulator: BotApiEmulator, bot
) -> None:
    await bot()
    chats = range(7000, 7020)
    emulator.fail_next("sendMessage", status=429, retry_after=1, times=3)
    emulator.fail_next("sendMessage", status=500, times=3)
    emulator.drop_next("sendMessage", times=2)
    emulator.delay_next("sendMessage", 0.5, times=3)
    for chat in chats:
        await emulator.send_text(
            chat, f"bsa=1.{chat % 9 + 1} cycle=2 response=CR hsct=no anc=1.5 plt=80"
        )
    for chat in chats:
        await emulator.wait_for_messages(chat, 1, timeout=20)
    await emulator.wait_idle(0.5, timeout=20)
    for chat in chats:
        plans = [m["text"] for m in emulator.sent(chat) if "GIVE" in m["text"]]
        assert len(plans) == 1, (chat, plans)
        assert f"BSA 1.{chat % 9 + 1} m²" in plans[0], "each chat got its own plan"
        assert f"Read: Body 1.{chat % 9 + 1} m²" in plans[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_accepts_the_secret_and_rejects_others(emulator: BotApiEmulator, bot) -> None:
    await bot(webhook_port=free_port())
    assert emulator.webhook is not None and emulator.webhook["secret_token"] == "s3cret-token"
    await emulator.send_text(CHAT, "/start")
    messages = await emulator.wait_for_messages(CHAT, 1, timeout=15)
    assert any("Besponsa" in m["text"] for m in messages)
    update = {
        "message": {
            "message_id": 90,
            "date": 0,
            "text": "/start",
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "X"},
        }
    }
    assert await emulator.post_to_webhook(update, secret="wrong") == 403


# Security: allowlist bypass attempts and oversized input ----------------------------------


async def test_forwarding_an_allowed_users_message_does_not_grant_access(
    emulator: BotApiEmulator, bot
) -> None:
    _, store = await bot(allowed="111")
    await emulator.send_text(999, "bsa=1.8 cycle=1", forward_from=111)
    messages = await settle(emulator, 999)
    assert len(messages) == 1 and "limited" in messages[0]["text"]
    assert store.load(999) is None and store.stats()["seen_updates"] == 0


async def test_other_chat_types_never_reach_the_dialog(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot(allowed="111")
    for chat_type, chat_id in (("group", -5), ("supergroup", -1006), ("channel", -1007)):
        await emulator.send_text(chat_id, "bsa=1.8 cycle=1", user_id=111, chat_type=chat_type)
    await emulator.inject_update(
        {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "text": "bsa=1.8 cycle=1",
                "chat": {"id": -1008, "type": "channel", "title": "x"},
            }
        }
    )
    await settle(emulator, -5)
    for chat_id in (-5, -1006, -1007, -1008, 111):
        assert store.load(chat_id) is None
        assert all("GIVE" not in m["text"] for m in emulator.sent(chat_id))


async def test_button_of_another_chat_is_refused(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    await settle(emulator)
    question = last_with_buttons(emulator)
    before = store.load(CHAT)
    # user 777 presses a button of CHAT's message (forged: the message is not in their chat)
    await emulator.press_button(
        CHAT, question["message_id"], button_data(question, "2"), user_id=777
    )
    await settle(emulator)
    assert store.load(CHAT) == before and store.load(777) is None


async def test_disallowed_user_pressing_a_button_is_refused(emulator: BotApiEmulator, bot) -> None:
    _, store = await bot(allowed=str(CHAT))
    await say(emulator, "1.8")
    await settle(emulator)
    question = last_with_buttons(emulator)
    before = store.load(CHAT)
    await emulator.press_button(
        CHAT, question["message_id"], button_data(question, "2"), user_id=555
    )
    await settle(emulator)
    assert store.load(CHAT) == before and store.load(555) is None
    assert any("limited" in (answer.get("text") or "") for answer in emulator.callback_answers)


async def test_oversized_callback_data_and_messages_are_refused_cleanly(
    emulator: BotApiEmulator, bot
) -> None:
    _, store = await bot()
    await say(emulator, "1.8")
    await settle(emulator)
    question = last_with_buttons(emulator)
    before = store.load(CHAT)
    await emulator.press_button(CHAT, question["message_id"], "1|" + "9" * 5000)
    await emulator.send_text(CHAT, "plt " + "8" * 20000)
    messages = await settle(emulator)
    assert store.load(CHAT)["draft"] == before["draft"]
    assert any("too long" in m["text"] for m in messages)


def test_longest_plan_is_split_into_valid_html_parts() -> None:
    plan = make_plan(
        PlanRequest.model_validate(
            {
                "bsa_m2": "2.7",
                "cycle": 1,
                "hsct_planned": True,
                "sex": "female",
                "breastfeeding": True,
                "last_dose_date": "2026-12-01",
                "crcl_ml_min": "12",
                "bilirubin_uln": "1.2",
                "ast_uln": "1.8",
                "interruption_days": 15,
                "infusion_reaction": "mild",
                "age_years": "16",
                "start_date": "2026-11-25",
                "anc": "0.5",
                "platelets": "20",
            }
        )
    )
    text = Renderer("es", html=True).plan(plan, ("Toxicity",))
    assert len(text) > 4096, "the worst case needs splitting"
    parts = split_message(text)
    # A folded block cut between two parts is closed and reopened; nothing else changes.
    joined = "\n".join(parts).replace(FOLD_CLOSE + "\n" + FOLD_OPEN, "\n")
    assert len(parts) >= 2 and joined == text
    for part in parts:
        visible, _ = parse_html(part)  # Telegram's rules: raises on broken markup
        assert 0 < utf16_len(visible) <= 4096


async def test_every_card_names_the_protocol_it_follows(emulator: BotApiEmulator, bot) -> None:
    """The card says which site protocol it follows: the product's draft, or the file's
    (E2E_PROTOCOL, which tests/test_protocol_e2e.py sets to run this suite once more)."""
    await bot()
    await say(emulator, "bsa=1.8 cycle=2 response=CR anc=1.5 plt=120")
    await settle(emulator)
    card = last_with_buttons(emulator)["text"]
    if os.environ.get(E2E_PROTOCOL):
        from bot.protocol_file import read_protocol

        assert read_protocol(os.environ[E2E_PROTOCOL]).site.name in card
    else:
        assert "DRAFT: not signed by the site's pharmacy" in card
