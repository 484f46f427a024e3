"""The site's protocol in the running bot: the real Application on the Bot API emulator with
BOT_PROTOCOL set, the installed command stopped by a wrong file, and the whole end-to-end
suite (tests/test_bot_e2e.py) run once more under docs/protocol.example.toml."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_e2e import CHAT, E2E_PROTOCOL, start_bot, stop_bot
from tests.test_bot_process import COMMAND, environment_without_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "protocol.example.toml"
QUICK = (
    "bsa=1.84 cycle=2 response=CR hsct=no anc=1.5 plt=120 bili 17 umol/L gilbert no ast 20 U/L "
    "alt 20 U/L start=2026-12-03"
)


async def card(emulator: BotApiEmulator, text: str = QUICK) -> dict:
    await emulator.send_text(CHAT, text)
    await emulator.wait_idle(0.3)
    return next(m for m in reversed(emulator.sent(CHAT)) if m.get("reply_markup"))


async def test_the_card_follows_the_protocol_file(emulator: BotApiEmulator, tmp_path: Path) -> None:
    started = await start_bot(
        emulator, tmp_path / "state.sqlite3", site={"BOT_PROTOCOL": str(EXAMPLE)}
    )
    try:
        message = await card(emulator)
        text = message["text"]
        top = text.split("Boxed warning: hepatotoxicity, including")[0]
        assert "DRAFT: not signed by the site's pharmacy (protocol Example hospital" in top
        # Banded, with the calculated dose beside it; the ULN is the file's [uln].
        assert "0.9 mg · 3.6 mL · 1 vial (banded from 0.92 mg, −2.2 %)" in top
        assert "bilirubin 17 µmol/L = 0.81 ×ULN (ULN 21 µmol/L, site setting)" in text
        assert "Prepare Day 8: reconstitute 1 vial with 4 mL each; draw up 3.6 mL" in text
        copied = [
            button["copy_text"]["text"]
            for row in message["reply_markup"]["inline_keyboard"]
            for button in row
            if "copy_text" in button
        ]
        assert copied and "DRAFT: not signed by the site's pharmacy (protocol" in copied[0]
        await emulator.send_text(CHAT, "/sources")
        await emulator.wait_idle(0.3)
        assert (
            "• DRAFT: not signed by the site's pharmacy (protocol Example hospital"
            in (emulator.sent(CHAT)[-1]["text"])
        )
    finally:
        await stop_bot(started)


async def test_bot_uln_wins_over_the_file(emulator: BotApiEmulator, tmp_path: Path) -> None:
    site = {"BOT_PROTOCOL": str(EXAMPLE), "BOT_ULN_BILIRUBIN": "17 umol/L"}
    started = await start_bot(emulator, tmp_path / "state.sqlite3", site=site)
    try:
        text = (await card(emulator))["text"]
        assert "bilirubin 17 µmol/L = 1 ×ULN (ULN 17 µmol/L, site setting)" in text
    finally:
        await stop_bot(started)


async def test_a_wrong_file_stops_the_installed_bot_with_one_line(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    wrong = tmp_path / "protocol.toml"
    wrong.write_text('[site]\nname = "Ward 7"\n\n[policy]\npregnancy = "never"\n', "utf-8")
    env = {
        **environment_without_settings(),
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "BOT_DB_PATH": str(tmp_path / "state.sqlite3"),
        "BOT_PROTOCOL": str(wrong),
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        COMMAND, "telegram", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines == [
        f"configuration error: {wrong}, line 5: policy.pregnancy: Input should be 'stop' or"
        " 'caution'"
    ]


def test_the_e2e_suite_passes_under_the_example_protocol() -> None:
    """tests/test_bot_e2e.py once more, every bot following docs/protocol.example.toml."""
    env = {**os.environ, E2E_PROTOCOL: str(EXAMPLE)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_bot_e2e.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    # 0: every test collected passed (none collected is 5); one of them checks that the cards
    # named the example protocol (test_every_card_names_the_protocol_it_follows).
    assert done.returncode == 0, done.stdout[-3000:]
