"""Arabic direction: every line of every rendered reply is laid out right to left (Unicode bidi
rule P2, isolates skipped) and every number and Latin term sits in an isolate of its own."""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata

import pytest
from babel.messages.pofile import read_po

from dialogs.dialog import handle_text, start
from dialogs.machine import Conversation
from dialogs.render import Renderer, right_to_left
from dialogs.replies import Reply
from locales import LOCALE_DIR, RTL
from rules import PlanRequest, make_plan
from tests.test_catalogs import sample

TODAY = dt.date(2026, 11, 25)
_OPEN, _CLOSE = "\u2066\u2067\u2068", "\u2069"


def outside_isolates(line: str) -> str:
    """The characters of a line that take part in its own direction (isolates skipped)."""
    depth, kept = 0, []
    for char in line:
        if char in _OPEN:
            depth += 1
        elif char == _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def first_strong(line: str) -> str | None:
    """The bidi class (L, R or AL) that decides the line's direction by rule P2."""
    for char in outside_isolates(line):
        kind = unicodedata.bidirectional(char)
        if kind in {"L", "R", "AL"}:
            return kind
    return None


def check(text: str, what: object) -> None:
    for line in re.sub(r"<[^<>]*>|&#?\w+;", "", text).splitlines():
        if not line.strip():
            continue
        assert first_strong(line) in {"R", "AL"}, (what, line)
        loose = [
            char
            for char in outside_isolates(line)
            if unicodedata.bidirectional(char) in {"L", "EN", "AN"}
        ]
        assert not loose, (what, line, loose)


def plans() -> dict[str, Reply]:
    cases = {
        "give": {"bsa_m2": "1.8", "cycle": 1, "hsct_planned": True, "blasts_per_mm3": "0"},
        "hold": {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "anc": "0.5", "platelets": "20"},
        "stop": {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "vod": True},
        "reduced": {"bsa_m2": "1.8", "cycle": 2, "response": "none", "dose_level": 1},
    }
    return {
        name: Reply("plan", "", plan=make_plan(PlanRequest.model_validate(fields)))
        for name, fields in cases.items()
    }


def dialog_replies() -> list[Reply]:
    """Prompts, problems, notices and the summary of a real conversation."""
    conversation = Conversation()
    replies = list(start(conversation))
    # "1500" platelets and "150" blasts alone are asked back (each reads two ways), then typed
    # with their unit.
    for text in [
        "abc",
        "1,8",
        "1",
        "adult",
        "no",
        "2.1",
        "1500",
        "1500 ×10⁹/L",
        "yes",
        "150",
        "150/mm³",
        "0",
        "/summary",
    ]:
        replies.extend(handle_text(conversation, text, TODAY))
    replies.extend(handle_text(conversation, "/nonsense", TODAY))
    replies.extend(handle_text(conversation, "/plan", TODAY))
    replies.extend(handle_text(conversation, "plt 40", TODAY))
    return replies


@pytest.mark.parametrize("lang", sorted(RTL))
@pytest.mark.parametrize("html", [False, True])
def test_every_plan_line_is_right_to_left(lang: str, html: bool) -> None:
    renderer = Renderer(lang, html=html)
    for name, reply in plans().items():
        check(renderer.reply(reply), name)


@pytest.mark.parametrize("lang", sorted(RTL))
@pytest.mark.parametrize("html", [False, True])
def test_every_dialog_reply_is_right_to_left(lang: str, html: bool) -> None:
    renderer = Renderer(lang, html=html)
    replies = dialog_replies()
    assert {"prompt", "problem", "notice", "summary", "plan"} <= {r.kind for r in replies}
    for reply in replies:
        check(renderer.reply(reply), reply.key or reply.kind)
        for choice in reply.choices:
            check(renderer.choice(choice), choice.label)


@pytest.mark.parametrize("lang", sorted(RTL))
def test_every_message_of_the_catalog_is_right_to_left(lang: str) -> None:
    renderer = Renderer(lang)
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        template = read_po(file)
    for message in template:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        names = {field for _, field, _, _ in string.Formatter().parse(source) if field}
        check(renderer.text(source, {name: sample(name) for name in names}), source)


def test_a_line_led_by_a_latin_term_or_a_number_is_still_right_to_left() -> None:
    text = right_to_left("ANC أقل من 1 ×10⁹/L\n50 ×10⁹/L للصفائح")
    assert [first_strong(line) for line in text.splitlines()] == ["R", "R"]
    assert "\u20661 ×10⁹/L\u2069" in text and "\u2066ANC\u2069" in text
    assert "\u2066USPI Table 2\u2069" in right_to_left("المصدر: USPI Table 2")
    assert "\u2066bsa=1.8 cycle=2\u2069" in right_to_left("مثلًا bsa=1.8 cycle=2")


def test_html_tags_and_entities_stay_intact_and_it_is_idempotent() -> None:
    text = right_to_left("<b>إيقاف ANC &lt; 1</b>\n<i>المصدر: USPI 2.3</i>")
    assert "<b>" in text and "</b>" in text and "&lt;" in text and "<i>" in text
    assert right_to_left(text) == text


def test_left_to_right_languages_are_untouched() -> None:
    reply = plans()["hold"]
    assert "\u200f" not in Renderer("en").reply(reply)
    assert "\u2066" not in Renderer("fr").reply(reply)
