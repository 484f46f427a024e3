"""The Mini App form end to end: the real Application, dialog, rules and SQLite store against the
Bot API emulator, which sends `web_app_data` messages as Telegram does after
`Telegram.WebApp.sendData` (bot/form_data.py, dialogs/form.py)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.app import build_application
from bot.config import load_settings
from bot.store import SessionStore
from bot.webhook import start_webhook
from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_e2e import CHAT, Started, say, settle, start_bot, stop_bot

WEBAPP_URL = "https://ward.example.org/app/?site=north"
SITE = {"BOT_WEBAPP_URL": WEBAPP_URL, "BOT_ULN_BILIRUBIN": "21 umol/L"}
CASE_1 = {
    "height_cm": 180,
    "weight_kg": 75,
    "cycle": 1,
    "day": 1,
    "hsct_planned": False,
    "anc": 1.2,
    "platelets": 150,
}
CASE_5 = {
    "bsa_m2": 1.8,
    "cycle": 2,
    "day": 1,
    "response": "CR",
    "hsct_planned": False,
    "anc": 1.8,
    "platelets": 120,
    "bilirubin": {"value": 25, "unit": "umol/L", "uln": 21},
}
REFUSED = "The form's data could not be used"
#: Forged or broken form data: each refused with the same message, nothing stored.
FORGED = {
    "wrong type": json.dumps({**CASE_1, "cycle": "1"}),
    "boolean as text": json.dumps({**CASE_1, "hsct_planned": "no"}),
    "unknown key": json.dumps({**CASE_1, "patient_name": "x"}),
    "5,000 bytes": json.dumps({**CASE_1, "pad": "x" * 4900}),
    "a JSON array": json.dumps([CASE_1]),
    "invalid UTF-8": json.dumps(CASE_1)[:-1] + ', "x": "\udcff"}',
    "not JSON": "cycle=1 bsa=1.8",
    "lab value as text": json.dumps({**CASE_5, "bilirubin": {"value": "25", "unit": "umol/L"}}),
    "a key twice": '{"cycle": 1, "cycle": 2, "bsa_m2": 1.8}',
}


@pytest.fixture
async def form_bot(
    emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[Started]]]:
    """The production Application on the emulator (tests/test_bot_e2e.py's start_bot)."""
    running: list[Started] = []

    async def launch(**options: Any) -> Started:
        started = await start_bot(emulator, tmp_path / "state.sqlite3", **options)
        running.append(started)
        return started

    yield launch
    for started in running:
        await stop_bot(started)


async def send_form(emulator: BotApiEmulator, data: str, **options: object) -> list[dict]:
    await emulator.send_web_app_data(CHAT, data, **options)  # type: ignore[arg-type]
    return await settle(emulator)


def form_button(messages: list[dict]) -> dict:
    offers = [m for m in messages if "keyboard" in (m.get("reply_markup") or {})]
    assert offers, "no message with the 📝 Form keyboard"
    return offers[-1]["reply_markup"]["keyboard"][0][0]


async def test_start_offers_the_form_in_the_chats_language(
    emulator: BotApiEmulator, form_bot
) -> None:
    await form_bot(site=SITE)
    await emulator.send_text(CHAT, "/start", language_code="de")
    button = form_button(await settle(emulator))
    assert button["text"] == "📝 Formular"
    url = urlsplit(button["web_app"]["url"])
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "ward.example.org", "/app/")
    assert query == {"site": ["north"], "lang": ["de"], "uln_bilirubin": ["21 µmol/L"]}


async def test_a_new_language_offers_the_form_again(emulator: BotApiEmulator, form_bot) -> None:
    await form_bot(site=SITE)
    await emulator.send_text(CHAT, "/start")
    await settle(emulator)
    choose = await say(emulator, "/language")
    data = next(
        button["callback_data"]
        for row in choose["reply_markup"]["inline_keyboard"]
        for button in row
        if button["callback_data"].endswith("|fr")
    )
    await emulator.press_button(CHAT, choose["message_id"], data)
    button = form_button(await settle(emulator))
    assert button["text"] == "📝 Formulaire"
    assert "lang=fr" in button["web_app"]["url"]


async def test_no_form_without_its_url(emulator: BotApiEmulator, form_bot) -> None:
    await form_bot()
    await say(emulator, "/start")
    messages = await settle(emulator)
    assert not any("keyboard" in (m.get("reply_markup") or {}) for m in messages)


async def test_form_data_gives_the_plan_and_a_change_follows(
    emulator: BotApiEmulator, form_bot
) -> None:
    _, store = await form_bot(site=SITE)
    messages = await send_form(emulator, json.dumps(CASE_1))
    plan = next(m for m in messages if "GIVE" in m["text"])
    assert "Receipt" in plan["text"]
    assert "Read: Body 180 cm, 75 kg" in plan["text"]
    assert plan["reply_markup"]["inline_keyboard"], "the card's buttons"
    saved = store.load(CHAT)
    assert saved["state"] == "plan"
    assert saved["draft"]["platelets"] == "150"
    reply = await say(emulator, "plt 40")
    assert "Platelets 40 ×10⁹/L" in reply["text"]
    assert store.load(CHAT)["draft"]["platelets"] == "40"


async def test_form_lab_value_with_site_uln(emulator: BotApiEmulator, form_bot) -> None:
    _, store = await form_bot(site=SITE)
    messages = await send_form(emulator, json.dumps(CASE_5))
    plan = next(m for m in messages if "GIVE" in m["text"])
    assert "25 µmol/L" in plan["text"]
    draft = store.load(CHAT)["draft"]
    assert draft["bilirubin"]["value"] == 25 and draft["bilirubin_uln"] is not None


async def test_form_in_german_answers_in_german(emulator: BotApiEmulator, form_bot) -> None:
    await form_bot(site=SITE)
    messages = await send_form(emulator, json.dumps(CASE_1), language_code="de")
    assert any("Zyklus 1" in m["text"] for m in messages)


@pytest.mark.parametrize("data", FORGED.values(), ids=FORGED.keys())
async def test_forged_form_data_is_refused_and_stores_nothing(
    emulator: BotApiEmulator, form_bot, data: str
) -> None:
    _, store = await form_bot(site=SITE)
    messages = await send_form(emulator, data)
    assert len(messages) == 1 and REFUSED in messages[0]["text"]
    assert store.load(CHAT) is None and store.language(CHAT) is None


async def test_forged_form_data_leaves_the_plan_as_it_was(
    emulator: BotApiEmulator, form_bot
) -> None:
    _, store = await form_bot(site=SITE)
    shown = len(await send_form(emulator, json.dumps(CASE_1), language_code="es"))
    before = store.load(CHAT)
    forged = json.dumps({**CASE_1, "anc": "0.2"})
    messages = (await send_form(emulator, forged, language_code="es"))[shown:]
    assert len(messages) == 1
    assert "No se pudieron usar los datos del formulario (ANC)" in messages[0]["text"]
    after = store.load(CHAT)
    assert after["draft"] == before["draft"] and after["state"] == "plan"


@pytest.mark.parametrize("form_page", [True, False])
async def test_webhook_mode_serves_the_page_and_reads_its_data(
    emulator: BotApiEmulator, tmp_path: Path, form_page: bool
) -> None:
    """Webhook mode as bot/app.py runs it: the page at /app/ beside the webhook (only with
    BOT_WEBAPP_URL set), and a web_app_data update delivered by POST gives the plan."""
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
        }
    )
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    application = build_application(settings, store, retry_delay=0.01)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await application.initialize()
    await application.post_init(application)
    await application.start()
    server = await start_webhook(
        application,
        listen="127.0.0.1",
        port=port,
        path="hook",
        url=f"http://127.0.0.1:{port}/hook",
        secret="s3cret",
        form_page=form_page,
    )
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/app/") as answer:
                assert answer.status == (200 if form_page else 404)
            async with session.get(f"http://127.0.0.1:{port}/app/strings/ar.json") as answer:
                assert answer.status == (200 if form_page else 404)
        await emulator.send_web_app_data(CHAT, json.dumps(CASE_1))
        messages = await settle(emulator)
        assert any("GIVE" in m["text"] for m in messages)
        assert store.load(CHAT)["state"] == "plan"
    finally:
        await server.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        store.close()
