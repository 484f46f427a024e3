"""The read-back end to end: in every language, the plan's first line after the decision reads back
what was used, liver tests as the lab printed them against the site's ULN (BOT_ULN_*), through
the real Application and the Bot API emulator."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from botapi_emulator.emulator import BotApiEmulator
from dialogs.render import Renderer
from dialogs.units import set_site_ulns
from locales import LANGUAGES, format_decimal
from rules import PlanRequest, make_plan
from tests.test_bot_e2e import CHAT, buttons, press, say, settle, start_bot, stop_bot

SITE = {"BOT_ULN_BILIRUBIN": "21 umol/L", "BOT_ULN_AST": "40 U/L", "BOT_ULN_ALT": "41 U/L"}
QUICK_FORM = (
    "bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80 bili 34 umol/L gilbert no ast 120 U/L"
)


@contextlib.asynccontextmanager
async def polling_bot(
    emulator: BotApiEmulator, tmp_path: Path, site: dict[str, str]
) -> AsyncIterator[Any]:
    """The production Application polling the emulator, with the site's ULN settings."""
    started = await start_bot(emulator, tmp_path / "state.sqlite3", site=site)
    try:
        yield started[0]
    finally:
        await stop_bot(started)
        set_site_ulns({})  # the site's ULNs are process-wide: other tests run without them


@pytest.fixture
async def site_bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Any]:
    async with polling_bot(emulator, tmp_path, SITE) as application:
        yield application


async def answer_in(emulator: BotApiEmulator, lang: str, text: str) -> list[dict[str, Any]]:
    """`text` sent from a chat that chose `lang`; the messages until the bot is quiet."""
    if lang != "en":
        menu = await say(emulator, "/language")
        await press(emulator, menu, lang)
    await emulator.send_text(CHAT, text)
    return await settle(emulator)


def plain(text: str) -> str:
    """Without the right-to-left marks and isolates an Arabic reply carries."""
    return re.sub("[\u200e\u200f\u2066-\u2069]", "", text)


def expected_read_back(lang: str) -> str:
    """The line rendered for the request the quick form makes, by the renderer itself; the
    hard-coded checks below make sure it holds what was typed and what was used."""
    request = PlanRequest.model_validate(
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "anc": "1.5",
            "platelets": "80",
            "gilbert_or_hemolysis": False,
            "bilirubin": {
                "value": 34,
                "unit": "µmol/L",
                "uln": 21,
                "uln_unit": "µmol/L",
                "uln_source": "site",
            },
            "ast": {
                "value": 120,
                "unit": "U/L",
                "uln": 40,
                "uln_unit": "U/L",
                "uln_source": "site",
            },
            "locale": lang,
        }
    )
    line = Renderer(lang, html=True).read_back(make_plan(request))
    assert line is not None
    return line


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_language_reads_back_the_lab_values_against_the_site_uln(
    emulator: BotApiEmulator, site_bot: Any, lang: str
) -> None:
    messages = await answer_in(emulator, lang, QUICK_FORM)
    line = expected_read_back(lang)
    # Units as the chat's language writes them (locales/glossary.toml: Russian мкмоль/л).
    umol, units_per_litre = ("мкмоль/л", "Ед/л") if lang == "ru" else ("µmol/L", "U/L")
    shown = plain(line)
    assert f"34 {umol}" in shown and f"21 {umol}" in shown and f"120 {units_per_litre}" in shown
    # 34 / 21, in the chat's number format
    assert plain(format_decimal(Decimal("1.62"), lang)) in plain(line)
    assert plain(format_decimal(Decimal("1.8"), lang)) in plain(line)
    plans = [m["text"] for m in messages if line in m["text"]]
    assert len(plans) == 1, [m["text"][:80] for m in messages]
    assert plans[0].split("\n")[1] == line, "the read-back comes right after the decision"


async def test_without_a_site_uln_an_absolute_value_is_asked_for_not_assumed(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async with polling_bot(emulator, tmp_path, {}):
        await emulator.send_text(CHAT, QUICK_FORM)
        messages = await settle(emulator)
        texts = [m["text"] for m in messages]
        assert any("upper limit of normal" in text and "34 µmol/L" in text for text in texts)
        assert not any("Read:" in text for text in texts), "no plan from an unknown ULN"
        # The ULN typed with the value is used, and read back as typed.
        await emulator.send_text(CHAT, "bili 34/21")
        plan = (await settle(emulator))[-1]["text"]
        assert "Read:" in plan and "34/21 = 1.62 ×ULN" in plan


async def test_a_bare_liver_number_is_asked_back_and_a_button_settles_it(
    emulator: BotApiEmulator, site_bot: Any
) -> None:
    await emulator.send_text(CHAT, "bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80 ast 120")
    messages = await settle(emulator)
    assert not any("Read:" in m["text"] for m in messages), "neither reading is assumed"
    asked = next(m for m in messages if "has no unit" in m["text"])
    assert "AST 120 ×ULN" in asked["text"]
    assert "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)" in asked["text"]
    assert [label for label, _ in buttons(asked)] == [
        "AST 120 ×ULN",
        "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)",
    ]
    await press(emulator, asked, "ast 120 U/L")
    plan = next(m["text"] for m in reversed(await settle(emulator)) if "Read:" in m["text"])
    # Nothing typed before the question was lost: the counts and the cycle are in the plan.
    read_back = plan.split("\n")[1]
    assert "Cycle 2" in read_back and "Platelets 80 ×10⁹/L" in read_back
    assert "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)" in read_back


CREATININE_FORM = "h=175 w=72 age=60 sex=male cycle=1 hsct=no anc=2 plt=100 creat 2 mg/dL"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_language_reads_back_the_crcl_a_creatinine_gives(
    emulator: BotApiEmulator, site_bot: Any, lang: str
) -> None:
    messages = await answer_in(emulator, lang, CREATININE_FORM)
    request = {
        "height_cm": "175",
        "weight_kg": "72",
        "age_years": "60",
        "sex": "male",
        "cycle": 1,
        "anc": "2",
        "platelets": "100",
        "creatinine": {"value": 2, "unit": "mg/dL"},
        "locale": lang,
    }
    plan = make_plan(PlanRequest.model_validate(request))
    line = Renderer(lang, html=True).read_back(plan)
    assert line is not None and plain(format_decimal(Decimal(40), lang)) in plain(line)
    assert "CrCl" in line  # 80 × 72 / (72 × 2): the Cockcroft-Gault CrCl of the creatinine
    plans = [m["text"] for m in messages if line in m["text"]]
    assert len(plans) == 1, [m["text"][:80] for m in messages]
    assert plans[0].split("\n")[1] == line
