"""Clinical numbers come from `rules/thresholds.py`, never from a message or a translation.

A warning template names its constants as placeholders ({anc_min}); a translation can then
neither disagree with the rule nor escape the locale's number format and right-to-left isolation.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

import rules.messages as rule_messages
from locales import LANGUAGES, catalog_paths

_PLACEHOLDER = re.compile(r"{\w+}")
#: A number with its group and decimal separators ("10,000", "10 000", "1,5").
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
#: Numbers in the English text that are names, not clinical values.
ALLOWED = (
    "×10⁹/L",
    "CTCAE v5",
    "Table 2",
    "Table 3",
    "Table 4",
    "Cycle 1",
    "(1)",
    "(2)",
    "(3)",
    "USPI 2.4",
)


def numbers(text: str) -> set[str]:
    """The numbers written in a text, placeholders aside, by their digits ("10 000" = "10,000")."""
    return {re.sub(r"\D", "", match) for match in _NUMBER.findall(_PLACEHOLDER.sub("", text))}


def rule_templates() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(rule_messages).items()
        if name.isupper() and isinstance(value, str)
    }


def test_no_rule_message_types_a_clinical_number() -> None:
    typed = {}
    for name, template in rule_templates().items():
        text = template
        for allowed in ALLOWED:
            text = text.replace(allowed, "")
        if numbers(text):
            typed[name] = sorted(numbers(text))
    assert not typed, f"name these numbers as constants of rules/thresholds.py: {typed}"


def test_every_placeholder_of_a_rule_message_is_a_constant_or_a_value() -> None:
    assert {"anc_min", "platelets_min", "lactation_months"} <= set(rule_messages.CONSTANTS)
    for template in rule_templates().values():
        for name in rule_messages.constants_for(template):
            assert name in rule_messages.CONSTANTS


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_a_translation_types_no_number_its_source_does_not(lang: str) -> None:
    with catalog_paths(lang)[0].open("rb") as file:
        catalog = read_po(file, locale=lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set().union(*(numbers(source) for source in sources))
        for target in targets:
            extra = numbers(target) - allowed
            if extra:
                problems.append(f"{sorted(extra)} not in the source: {sources[0][:60]}")
    assert not problems, "\n".join(problems)
