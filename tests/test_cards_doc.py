"""docs/cards.md shows the cards the code renders today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "cards.py"


def test_the_cards_document_is_current() -> None:
    spec = importlib.util.spec_from_file_location("cards_doc", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TARGET.read_text(encoding="utf-8") == module.document(), (
        "run: python docs/cards.py"
    )
    assert "▾ (folded" in module.document() and "📋 Copy copies: " in module.document()
