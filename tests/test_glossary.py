"""Every catalog uses the glossary's term wherever the English names the concept, never a
rejected term, and the human-readable glossary is the one generated from the data."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from locales import catalog_paths
from locales.glossary import LANGS, VIEW, concepts, markdown

_PLACEHOLDER = re.compile(r"{\w+}")


def translations(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    with catalog_paths(lang)[0].open("rb") as file:
        catalog = read_po(file, locale=lang)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        source = _PLACEHOLDER.sub("", source)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.append((source, tuple(_PLACEHOLDER.sub("", target) for target in targets)))
    return pairs


def rejected(term: str) -> re.Pattern[str]:
    """A rejected term as a whole word when it is Latin ("HSCT", not "hsct=" or "{mg}")."""
    if term.isascii():
        return re.compile(rf"(?<![\w{{]){re.escape(term)}(?![\w}}])")
    return re.compile(re.escape(term))


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_term_is_used_wherever_the_english_names_the_concept(lang: str) -> None:
    missing = []
    for source, targets in translations(lang):
        for concept in concepts():
            usage = concept.usage[lang]
            if concept.english.search(source) and not all(
                usage.match.search(target) for target in targets
            ):
                missing.append(f"{concept.name} → {usage.term}: {targets[0][:70]}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_uses_a_rejected_term(lang: str) -> None:
    found = []
    for _source, targets in translations(lang):
        for concept in concepts():
            for term in concept.usage[lang].reject:
                if any(rejected(term).search(target) for target in targets):
                    found.append(f"{term} ({concept.name}): {targets[0][:70]}")
    assert not found, "\n".join(found)


def test_every_concept_has_a_term_in_every_language() -> None:
    assert len(concepts()) >= 15
    for concept in concepts():
        assert set(concept.usage) == set(LANGS)
        for usage in concept.usage.values():
            assert usage.match.search(usage.term), (concept.name, usage.term)


def test_the_markdown_glossary_is_generated_from_the_data() -> None:
    assert VIEW.read_text(encoding="utf-8") == markdown(), "run: python -m locales.glossary"
