"""The reviewed transcripts in docs/translations/ are the ones the code renders today."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "translations" / "transcripts.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transcripts", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRANSCRIPTS = load()


@pytest.mark.parametrize("lang", TRANSCRIPTS.LANGS)
def test_the_transcript_is_current(lang: str) -> None:
    path = TRANSCRIPTS.FOLDER / f"{lang}.md"
    assert path.read_text(encoding="utf-8") == TRANSCRIPTS.transcript(lang), (
        "run: python docs/translations/transcripts.py"
    )


@pytest.mark.parametrize("lang", TRANSCRIPTS.LANGS)
def test_the_transcript_shows_a_give_a_hold_and_a_stop(lang: str) -> None:
    from dialogs.render import DECISION, Renderer

    text = TRANSCRIPTS.transcript(lang)
    renderer = Renderer(lang)
    for decision in ("give", "hold", "discontinue"):
        first_words = renderer.gettext(DECISION[decision]).split("{")[0].strip()[:8]
        assert first_words in text, (lang, decision)
    assert "- [ ]" in text


@pytest.mark.parametrize("lang", TRANSCRIPTS.LANGS)
def test_each_case_is_what_the_bot_sends_to_telegram(lang: str) -> None:
    """Byte for byte: the HTML Telegram is sent, Arabic with its right-to-left pass."""
    from dialogs.render import Renderer
    from dialogs.replies import Reply
    from rules import PlanRequest, make_plan

    text = (TRANSCRIPTS.FOLDER / f"{lang}.md").read_text(encoding="utf-8")
    blocks = text.split("```text\n")[1:]
    for block, fields in zip(blocks, TRANSCRIPTS.CASES.values(), strict=False):
        # With the example check code the transcripts show (docs/translations/transcripts.py).
        plan = make_plan(PlanRequest.model_validate(fields)).model_copy(
            update={"receipt": TRANSCRIPTS.CODE}
        )
        sent = Renderer(lang, html=True).reply(Reply("plan", "", plan=plan))
        assert block.split("\n```")[0] == sent
    if lang == "ar":
        assert "\u200f" in text and "\u2066" in text
