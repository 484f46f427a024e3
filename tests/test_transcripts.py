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
