"""What native clinicians checked in every language, as tests: no English option or citation
words in a non-English reply, no Latin unit in Russian, one Portuguese variant per catalog,
every count through the catalog's plural forms, no empty quotes, a limit word only where the
English has one, Chinese punctuation and spacing, and Telegram's language tags mapped."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po

from dialogs.counts import COUNT_NOUNS
from dialogs.render import Renderer
from dialogs.replies import Reply
from locales import LANGUAGES, LOCALE_DIR, MENU_LANGUAGES, closest_language, menu_code
from locales.glossary import variant_words
from rules import PlanRequest, make_plan
from tests.test_catalogs import sample

TRANSLATED = sorted(lang for lang in LANGUAGES if lang != "en")
COUNTS = (1, 2, 5, 11, 21, 101)


def template() -> list[tuple[str | None, str]]:
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        catalog = read_po(file)
    return [
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
    ]


def key(context: str | None, message: str) -> str:
    return f"{context}\x04{message}" if context else message


def plain(text: str) -> str:
    """Text without its direction marks and isolates (Arabic)."""
    return re.sub("[\u2066-\u2069\u200e\u200f]", "", text)


def fields(text: str) -> dict[str, str]:
    """Each placeholder of a template with its format spec ("days" in "{days:days}")."""
    return {name: spec for _, name, spec, _ in string.Formatter().parse(text) if name}


def rendered(lang: str) -> Iterator[tuple[str, str]]:
    """(English source, reply text) of every message of the catalog, with sample values."""
    renderer = Renderer(lang)
    for context, message in template():
        values = {name: sample(name) for name in fields(message)}
        yield message, renderer.text(key(context, message), values)


PLANS = {
    "give": {"bsa_m2": "1.8", "cycle": 1, "hsct_planned": True, "anc": "2.1", "platelets": "150"},
    "hold": {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "anc": "1.5", "platelets": "20"},
    "stop": {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "vod": True},
    "eu": {"bsa_m2": "1.8", "cycle": 1, "label": "EU", "sex": "female", "age_years": "15"},
    "interruption": {
        "bsa_m2": "1.8",
        "cycle": 2,
        "response": "CR",
        "interruption_days": 20,
        "nonheme_grade": 3,
        "sex": "male",
    },
}


def plan_texts(lang: str) -> Iterator[str]:
    for fields_ in PLANS.values():
        plan = make_plan(PlanRequest.model_validate(fields_))
        yield Renderer(lang).reply(Reply("plan", "", plan=plan))


#: English words that must not be left in a non-English reply: option words and the words of
#: a citation (the documents' own short names, USPI and SmPC, stay).
ENGLISH = re.compile(r"\b(?:female|male|Table|[Bb]oxed warning|EU PL|label)\b")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_option_or_citation_words(lang: str) -> None:
    for text in plan_texts(lang):
        assert not ENGLISH.search(text), (lang, ENGLISH.findall(text))
    for source, text in rendered(lang):
        assert not ENGLISH.search(text), (lang, source, text)


#: A Latin unit as a word of its own; placeholders and ×ULN (kept Latin by the glossary) aside.
LATIN_UNIT = re.compile(
    r"(?<![\w/{×])(?:mg/m²|mg/dL|mg|mL/min|mL|kg|cm|m²|µL|mm³|µmol/L|U/L|×10⁹/L|/L|mcL)(?!\w)"
)


def test_no_latin_unit_in_russian() -> None:
    for source, text in rendered("ru"):
        assert not LATIN_UNIT.search(text), (source, text)
    for text in plan_texts("ru"):
        assert not LATIN_UNIT.search(text), text


@pytest.mark.parametrize("lang", ["pt_BR", "pt_PT"])
def test_one_portuguese_variant_per_catalog(lang: str) -> None:
    words = variant_words()[lang]
    assert words
    found = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)
    texts = [text for _, text in rendered(lang)] + list(plan_texts(lang))
    assert not [found.findall(text) for text in texts if found.search(text)], lang


#: "{days} days" in a template: a count beside a fixed noun, not through the plural forms.
BARE_COUNT = re.compile(r"\{\w+\} (?:months?|days?|hours?|cycles?|doses?|years?)\b(?!=)")


def test_every_english_count_goes_through_a_plural_form() -> None:
    for _, message in template():
        if message.startswith("{count} ") or message.startswith("{value} "):
            continue  # the plural pairs themselves
        assert not BARE_COUNT.search(message), message


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_counts_render_with_their_plural_forms(lang: str) -> None:
    renderer = Renderer(lang)
    counted = [(c, m) for c, m in template() if any(fields(m).values())]
    assert len(counted) > 20
    for context, message in counted:
        translated = renderer.gettext(key(context, message))
        specs = fields(translated)
        for spec in filter(None, specs.values()):
            assert spec in COUNT_NOUNS, (lang, message, spec)
        for count in COUNTS:
            values = {
                name: count if spec else sample(name) for name, spec in fields(message).items()
            }
            text = plain(renderer.text(key(context, message), values))
            for spec in filter(None, specs.values()):
                shown = plain(renderer.plural(COUNT_NOUNS[spec], count))
                assert shown in text, (lang, message, count)


#: Each language's nouns of a count: one of them right after a count's placeholder in a
#: translation is a fixed plural ("{days} дней") instead of the plural forms.
NOUNS = {
    "ru": r"месяц|дн\.|дней|дня|день|час|цикл|доз|год|лет",
    "ar": r"أشهر|شهر|أيام|يوم|ساعة|ساعات|دورة|دورات|جرعة|جرعات|سنة|سنوات",
    "de": r"Monat|Tag|Stunde|Zykl|Dosen|Jahr",
    "zh": r"个月|天|小时|周期|剂|岁",
}


@pytest.mark.parametrize("lang", sorted(NOUNS))
def test_no_count_beside_a_fixed_noun_in_a_translation(lang: str) -> None:
    renderer = Renderer(lang)
    for context, message in template():
        counts = [name for name, spec in fields(message).items() if spec]
        translated = renderer.gettext(key(context, message))
        for name in counts:
            fixed = re.search(r"\{" + name + r"\}\s?(?:" + NOUNS[lang] + ")", translated)
            assert not fixed, (lang, message, translated)


EMPTY_QUOTES = re.compile(r"“\s*”|«\s*»|„\s*“|‘\s*’|\"\s*\"")


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_no_empty_quotes(lang: str) -> None:
    for source, text in rendered(lang):
        assert not EMPTY_QUOTES.search(text), (lang, source, text)


#: A ceiling in each language, and in English: a translation says "at most" only where the
#: English does ("recommends 2 cycles" is not "recommends at most 2 cycles").
LIMIT_WORDS = {
    "ru": "не более",
    "de": "höchstens",
    "fr": r"au plus(?! tôt)",
    "es": "como máximo",
    "it": "al massimo",
    "pt_BR": "no máximo",
    "pt_PT": "no máximo",
}
ENGLISH_LIMIT = re.compile(r"at most|maximum|no more than|up to|exceed|limit", re.I)


@pytest.mark.parametrize("lang", sorted(LIMIT_WORDS))
def test_a_limit_word_only_where_the_english_has_one(lang: str) -> None:
    renderer = Renderer(lang)
    limit = re.compile(LIMIT_WORDS[lang], re.I)
    for context, message in template():
        if limit.search(renderer.gettext(key(context, message))):
            assert ENGLISH_LIMIT.search(message), (lang, message)


def test_the_russian_hsct_message_recommends_two_cycles_without_a_ceiling() -> None:
    renderer = Renderer("ru")
    recommends = [
        (context, message)
        for context, message in template()
        if "recommends {max_cycles_hsct:cycles}" in message
    ]
    assert recommends
    for context, message in recommends:
        values = {
            name: 2 if name == "max_cycles_hsct" else sample(name) for name in fields(message)
        }
        text = renderer.text(key(context, message), values)
        assert "рекомендует 2 цикла" in text and "не более" not in text, text


CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"


def test_chinese_punctuation_and_spacing() -> None:
    texts = [text for _, text in rendered("zh")] + list(plan_texts("zh"))
    for text in texts:
        assert not re.search(CJK + r" +" + CJK, text), text
        assert "US 说明书" not in text and "US说明书" not in text, text
    cited = "\n".join(plan_texts("zh"))
    assert "；" in cited and not re.search(r"\(03/2024\); ", cited)


def test_telegram_language_tags_name_one_catalog() -> None:
    assert closest_language("pt-br") == "pt_BR"
    assert closest_language("pt-BR") == "pt_BR"
    assert closest_language("pt") == "pt_PT"
    assert closest_language("pt-pt") == "pt_PT"
    assert closest_language("de-AT") == "de"
    assert closest_language("xx") == "en"
    # The command menu takes two letters: one Portuguese menu, the Brazilian one.
    menus = [
        menu_code(lang) for lang in LANGUAGES if MENU_LANGUAGES.get(menu_code(lang), lang) == lang
    ]
    assert len(menus) == len(set(menus)) and MENU_LANGUAGES["pt"] == "pt_BR"
