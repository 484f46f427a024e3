"""No rendered reply cites an input document ("seed", "ref §") or says a source's kind in
English inside another language: the words around a citation come from the catalog, only a
document's own name, section and revision stay as the document prints them."""

from __future__ import annotations

import re

import pytest

from bot.sources import sources_text
from dialogs.render import SOURCE_KIND, Renderer
from locales import LANGUAGES
from rules import make_plan
from rules.labels import PROFILES
from rules.ruleset import RULES
from tests.test_rules_outcomes import generated

#: Never shown, in any language: names of the inputs, and the old source wording.
NEVER = re.compile(r"(?i)\bseed\b|ref §|engineering convention|label silent|seed silent")
#: English words of a source's kind, and the words of the plan header and the source line.
ENGLISH = re.compile(
    r"the label does not say|local convention|literature|not in this label|Source:|"
    r"withdrawable|as labelled|(?<!\w)label \("
)
PLANS = [
    make_plan(request.model_copy(update={"label": profile}))
    for request in generated(300)
    for profile in PROFILES
]


def test_the_plans_cover_every_kind_of_source() -> None:
    kinds = {source.kind for plan in PLANS for w in plan.warnings for source in w.sources}
    assert kinds >= set(SOURCE_KIND) | {"label"}
    assert {plan.decision for plan in PLANS} == {"give", "hold", "discontinue"}
    assert {plan.label for plan in PLANS} == set(PROFILES)


def test_no_rule_source_names_an_input_document() -> None:
    assert not [rule.id for rule in RULES if NEVER.search(rule.source)]


@pytest.mark.parametrize("lang", sorted({"en", *LANGUAGES}))
@pytest.mark.parametrize("html", [False, True])
def test_no_reply_shows_an_input_document_or_english_source_words(lang: str, html: bool) -> None:
    renderer = Renderer(lang, html=html)
    texts = [renderer.plan(plan) for plan in PLANS]
    texts += [sources_text(renderer, profile) for profile in PROFILES]
    for text in texts:
        assert not NEVER.search(text), text
        if lang != "en":
            # The sources list keeps each document's own title: cut it out before looking.
            shown = re.sub(r"^• .*$", "", text, flags=re.MULTILINE)
            assert not ENGLISH.search(shown), shown


def test_english_replies_do_say_the_kind_words() -> None:
    """The check above can fail: in English the words are there."""
    text = "\n".join(Renderer("en").plan(plan) for plan in PLANS)
    assert ENGLISH.search(text) and "local convention" in text and "literature: " in text
