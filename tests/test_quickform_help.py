"""/help and the README list every quick-form key with an example, from the field table."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from bot.console import ConsoleChat
from dialogs import messages as m
from dialogs.dialog import handle_text
from dialogs.fields import EXAMPLES, FIELDS
from dialogs.machine import Conversation
from dialogs.quickform import parse_quick_form
from dialogs.quickform_help import README, readme_with_keys
from dialogs.render import Renderer
from locales import LANGUAGES

TODAY = dt.date(2026, 11, 25)
TYPED = [spec for spec in FIELDS if spec.keys]


@pytest.mark.parametrize("spec", TYPED, ids=[spec.name for spec in TYPED])
def test_every_example_reads_as_its_field(spec) -> None:  # type: ignore[no-untyped-def]
    # Shown after each of the field's keys; the quick form must read every one of them.
    for key in spec.keys:
        form = parse_quick_form(f"bsa 1.8 {key} {EXAMPLES[spec.name]}", TODAY)
        assert spec.name in form.values and not form.problems, (key, form)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_help_lists_every_key_in_every_language(lang: str) -> None:
    conversation = Conversation(lang=lang)
    (shown, *_) = handle_text(conversation, "/help", TODAY)
    assert shown.key == m.HELP
    # As the client shows it: without the isolates of right-to-left text.
    text = re.sub("[\u200e\u200f\u2066-\u2069]", "", Renderer(lang).reply(shown))
    for spec in TYPED:
        for key in spec.keys:
            assert key in text, (lang, key)
    assert "{" not in text and len(text) < 4096


def test_the_console_help_names_no_button_and_says_how_to_leave() -> None:
    out = io.StringIO()
    ConsoleChat(out, "en").answer("/help")
    text = out.getvalue()
    assert "tap" not in text.lower() and "Ctrl-D" in text and "/quit" in text
    assert "anc0" in text and "interruption" in text


def test_the_readme_shows_the_keys_of_the_field_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == readme_with_keys(text), "README is stale: run python -m dialogs.quickform_help"
