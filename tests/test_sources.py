"""`/sources` and the label profile choice: Telegram (real Application against the emulator),
the console, the JSON `sources` sub-command as a subprocess, and the `BOT_LABEL` setting."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.console import ConsoleChat
from bot.sources import sources_document, sources_text
from botapi_emulator.emulator import BotApiEmulator
from dialogs.dialog import handle_text
from dialogs.machine import Conversation
from dialogs.render import Renderer
from rules.labels import BASIS_STATUS, CLINICAL_BASIS, DOCUMENTS, documents_for
from rules.ruleset import RULESET_VERSION
from tests.test_bot_e2e import buttons, press, say, settle, start_bot, stop_bot

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 2)


def test_sources_sub_command_prints_json(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sources"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["ruleset_version"] == RULESET_VERSION and data["status"] == BASIS_STATUS
    assert (ROOT / data["clinical_basis"]).is_file()
    assert set(data["profiles"]) == {"US", "EU"}
    us = {d["name"]: d["revision"] for d in data["profiles"]["US"]}
    eu = {d["name"]: d["revision"] for d in data["profiles"]["EU"]}
    assert us["USPI"] == "03/2024" and "SmPC" not in us
    assert eu["SmPC"] == "02/2022" and eu["EU PL"] == "02/2022"
    assert data["profiles"]["EU"][0]["name"] == "SmPC"  # the profile's label first
    assert data == json.loads(json.dumps(sources_document()))


@pytest.mark.parametrize("profile", ["US", "EU"])
def test_sources_text_lists_every_document_revision_status_and_basis(profile: str) -> None:
    text = sources_text(Renderer("en"), profile)  # type: ignore[arg-type]
    for document in documents_for(profile):  # type: ignore[arg-type]
        assert f"{document.short_name}: " in text and document.revision in text
        assert document.addresses[0] in text
    assert RULESET_VERSION in text and CLINICAL_BASIS in text
    assert "not yet reviewed" in text
    other = "SmPC" if profile == "US" else "USPI"
    assert f"{DOCUMENTS[other].short_name}: " not in text


def test_console_sources_leaves_the_dialog_where_it_was() -> None:
    out = io.StringIO()
    chat = ConsoleChat(out, "de", today=lambda: TODAY, label="EU")
    chat.answer("bsa=1.8")
    state = chat.conversation.to_dict()
    out.truncate(0)
    chat.answer("/sources")
    text = out.getvalue()
    assert "SmPC" in text and "02/2022" in text and CLINICAL_BASIS in text
    assert "Quellen der Dosierungsregeln" in text and "Entwurf" in text
    assert chat.conversation.to_dict() == state


def test_settings_switches_the_chat_label_and_keeps_it_across_new() -> None:
    conversation = Conversation("en", site_label="US")
    replies = handle_text(conversation, "/settings", TODAY)
    assert [choice.value for choice in replies[0].choices] == ["/settings us", "/settings eu"]
    handle_text(conversation, "/settings eu", TODAY)
    assert conversation.label == "EU"
    handle_text(conversation, "/new", TODAY)
    plan = handle_text(conversation, "bsa=1.8 cycle=1", TODAY)[-1].plan
    assert plan is not None and plan.label == "EU"
    stored = Conversation.from_dict(conversation.to_dict())
    assert stored.label_choice == "EU"
    # Not chosen: the site's profile, which is never stored with the chat.
    fresh = Conversation("en", site_label="EU")
    assert fresh.label == "EU" and fresh.to_dict()["label"] is None
    unknown = handle_text(conversation, "/settings uk", TODAY)
    assert unknown[0].kind == "problem" and conversation.label == "EU"


def test_quick_form_label_applies_to_that_plan_and_settings_takes_its_place() -> None:
    conversation = Conversation("en")
    plan = handle_text(conversation, "bsa=1.8 cycle=1 label=EU", TODAY)[-1].plan
    assert plan is not None and plan.label == "EU"
    replies = handle_text(conversation, "/settings us", TODAY)
    assert replies[-1].plan is not None and replies[-1].plan.label == "US"


def test_bot_label_setting() -> None:
    assert load_settings({}).bot_label == "US"
    assert load_settings({"BOT_LABEL": " eu "}).bot_label == "EU"
    with pytest.raises(ConfigError, match="BOT_LABEL"):
        load_settings({"BOT_LABEL": "UK"})
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`BOT_LABEL`" in readme


@pytest.fixture
async def telegram(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[None]:
    """The real Application against the emulator (tests/test_bot_e2e.py)."""
    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    yield
    await stop_bot(started)


async def test_sources_in_telegram(emulator: BotApiEmulator, telegram: None) -> None:
    reply = await say(emulator, "/sources")
    assert "USPI" in reply["text"] and "03/2024" in reply["text"]
    assert RULESET_VERSION in reply["text"] and CLINICAL_BASIS in reply["text"]
    assert "SmPC" not in reply["text"]
    menu = await say(emulator, "/settings")
    assert len(buttons(menu)) == 2
    await press(emulator, menu, "/settings eu")
    await settle(emulator)
    reply = await say(emulator, "/sources")
    assert "SmPC" in reply["text"] and "02/2022" in reply["text"]
    plan = await say(emulator, "bsa=1.8 cycle=2 response=CR")
    assert "EU label (SmPC 02/2022)" in plan["text"]
    assert "vials counted at 0.9 mg withdrawable each" in plan["text"]


async def test_sources_and_settings_are_in_the_command_menu(
    emulator: BotApiEmulator, telegram: None
) -> None:
    await emulator.wait_for(lambda: None in emulator.commands, timeout=5)
    names = {command["command"] for command in emulator.commands[None]}
    assert {"sources", "settings"} <= names


def test_plan_command_takes_and_returns_the_label() -> None:
    from bot.plan_command import run_plan_command

    request = {"bsa_m2": 1.8, "cycle": 1, "label": "EU", "age_years": 16, "locale": "fr"}
    out = io.StringIO()
    assert run_plan_command(io.StringIO(json.dumps(request)), out) == 0
    plan = json.loads(out.getvalue())
    assert plan["label"] == "EU" and plan["decision"] == "hold" and plan["doses"] == []
    pediatric = next(w for w in plan["warnings"] if w["code"] == "pediatric")
    assert pediatric["severity"] == "stop" and pediatric["source"].startswith("SmPC 4.1")
    assert pediatric["sources"][0] == {"kind": "label", "reference": "SmPC 4.1 (02/2022)"}
    out = io.StringIO()
    assert run_plan_command(io.StringIO(json.dumps({**request, "label": "XX"})), out) == 2
    assert json.loads(out.getvalue())["error"]["field"] == "label"
    out = io.StringIO()
    assert run_plan_command(io.StringIO(json.dumps({"bsa_m2": 1.8, "cycle": 1})), out) == 0
    assert json.loads(out.getvalue())["label"] == "US"
