"""Arabic as a client draws it: every reply kind laid out by a real Unicode bidi implementation
(python-bidi), and the visual string checked: each paragraph right to left, a value and its ULN
in the typed order ("34/21", never "21/34"), no unit drawn before its number, and the quick
form's `key=value` examples as they are typed.

tests/test_rtl.py checks the logical string (marks and isolates); this file checks what the
reader sees, which is where a reversed pair reads as a normal value.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bidi import get_display

from dialogs.dialog import handle_text, start
from dialogs.fields import EXAMPLES as FIELD_EXAMPLES
from dialogs.fields import FIELDS
from dialogs.machine import Conversation
from dialogs.quickform_help import EXAMPLE as QUICK_FORM_EXAMPLE
from dialogs.render import Renderer
from dialogs.replies import Reply
from rules import PlanRequest, make_plan
from tests.test_rtl import dialog_replies, plans

TODAY = dt.date(2026, 11, 25)
_INVISIBLE = re.compile("[\u2066-\u2069\u200e\u200f]")
_UNIT = r"(?:mg/m²|mg/dL|mg|mL/min|mL|µmol/L|U/L|/mm³|/µL|×10⁹/L|×ULN|cm|kg|m²|%)"
#: A number and its unit as typed ("34 µmol/L", "10,000/mm³", "0.9 mg").
_NUMBER_WITH_UNIT = re.compile(r"\d(?:[\d.,]*\d)? ?" + _UNIT + r"(?![\w/])")
#: A unit drawn right before a lone number ("µmol/L 34 =", "/mm³10,000").
_UNIT_BEFORE_NUMBER = re.compile(r"(?<![\w×/])" + _UNIT + r" ?\d[\d.,]*(?! ?[A-Za-z0-9µ/×])")
#: The examples of the quick form, as a clinician types them back.
EXAMPLES = (
    "bsa=1.8 cycle=2 response=CR anc=1.5 plt=80",
    QUICK_FORM_EXAMPLE,
    # /help's line per key, each with its example ("start 2026-11-25", "bili 34/21").
    *(f"{spec.keys[0]} {FIELD_EXAMPLES[spec.name]}" for spec in FIELDS if spec.keys),
)


def visual(line: str) -> str:
    """The line as a client draws it (rule P2 picks the paragraph's direction), marks removed."""
    return _INVISIBLE.sub("", get_display(line))


def visual_lines(text: str) -> list[str]:
    plain = re.sub(r"<[^<>]*>", "", text)
    return [visual(line) for line in plain.splitlines() if line.strip()]


def assert_laid_out(text: str, what: object) -> None:
    for line in re.sub(r"<[^<>]*>", "", text).splitlines():
        if not line.strip():
            continue
        shown = visual(line)
        # Right to left: the same drawing as with the paragraph forced to right to left.
        assert shown == _INVISIBLE.sub("", get_display(line, base_dir="R")), (what, shown)
        for typed in _NUMBER_WITH_UNIT.finditer(_INVISIBLE.sub("", line)):
            assert typed.group(0) in shown, (what, typed.group(0), shown)
        assert not _UNIT_BEFORE_NUMBER.search(shown), (what, shown)


def lab_plan() -> Reply:
    request = PlanRequest.model_validate(
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "anc": "1.5",
            "platelets": "80",
            "blasts_per_mm3": "10000",
            "gilbert_or_hemolysis": False,
            "bilirubin": {"value": 34, "unit": "", "uln": 21},
            "ast": {"value": 120, "unit": "U/L", "uln": 40, "uln_unit": "U/L"},
            "alt": {"value": 30, "unit": "U/L", "uln": 40, "uln_unit": "U/L", "uln_source": "site"},
        }
    )
    return Reply("plan", "", plan=make_plan(request))


@pytest.mark.parametrize("html", [False, True])
def test_every_reply_kind_is_drawn_right_to_left_with_units_after_numbers(html: bool) -> None:
    renderer = Renderer("ar", html=html)
    replies = [*dialog_replies(), *plans().values(), lab_plan()]
    assert {"prompt", "problem", "notice", "summary", "plan"} <= {r.kind for r in replies}
    for reply in replies:
        assert_laid_out(renderer.reply(reply), reply.key or reply.kind)
        for choice in reply.choices:
            assert_laid_out(renderer.choice(choice), choice.label)


def test_a_value_and_its_uln_keep_their_order() -> None:
    shown = "\n".join(visual_lines(Renderer("ar").reply(lab_plan())))
    assert "34/21 = 1.62 ×ULN" in shown
    assert "21/34" not in shown
    assert "120 U/L" in shown and "40 U/L" in shown
    assert "10,000/mm³" in shown


def test_the_quick_form_examples_are_intact_in_start_and_help() -> None:
    conversation = Conversation(lang="ar")
    welcome = "\n".join(Renderer("ar").reply(reply) for reply in start(conversation))
    helped = handle_text(conversation, "/help", TODAY)
    shown = "\n".join(visual_lines(welcome + "\n" + Renderer("ar").reply(helped[0])))
    for example in EXAMPLES:
        assert example in shown, example


def test_the_checks_can_fail() -> None:
    """The old layout, numbers isolated apart from their units and ULN, is caught."""
    reversed_pair = "\u200fالبيليروبين \u206834\u2069/\u206821\u2069"
    assert "34/21" not in visual(reversed_pair)
    unit_first = "\u200fالبيليروبين \u206634\u2069 µmol/L"
    assert _UNIT_BEFORE_NUMBER.search(visual(unit_first))
    assert "34 µmol/L" not in visual(unit_first)
