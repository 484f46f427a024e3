"""Ward shorthand in the quick form (`dialogs/shorthand.py`): each line gives the same values as
the keyed form, in English and in a German, French and Spanish chat; a bare number is asked
back with its readings; a word after a key is that key's value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dialogs import problems as p
from dialogs.dialog import handle_text
from dialogs.machine import PLAN, Conversation
from dialogs.quickform import parse_quick_form

TODAY = dt.date(2026, 11, 25)
KEYED = "bsa=1.8 cycle=2 response=CR hsct=no anc=1.8 plt=120"


def assert_reads_as(text: str, reference: str, lang: str) -> None:
    """`text` gives the values `reference` gives, with nothing refused or left unknown."""
    form = parse_quick_form(text, TODAY, lang)
    assert form.values == parse_quick_form(reference, TODAY, lang).values, form
    assert not form.problems and not form.unknown, form


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("bsa 1.8 cycle 2 CR no hsct anc 1.8 plt 120", "en"),
        ("1.8 m2, C2, CR, ANC 1.8, plt 120, no hsct", "en"),
        ("C2 CR 1,8m² anc 1.8 plt 120 no HSCT", "de"),
        ("Zyklus 2, CR, 1,8 m², ANC 1,8, Thrombozyten 120, kein HSCT", "de"),
        ("C2 RC 1,8 m2 anc 1,8 plaquettes 120 sans HSCT", "fr"),
        ("cycle 2; RC; bsa 1,8; anc 1,8; plaquettes 120; sans hsct", "fr"),
        ("ciclo 2 RC 1,8 m² anc 1,8 plaquetas 120 sin HSCT", "es"),
        ("C2, RC, 1,8m2, ANC 1,8, plaquetas 120, sin hsct", "es"),
    ],
)
def test_each_shorthand_line_gives_the_keyed_values(text: str, lang: str) -> None:
    assert_reads_as(text, KEYED, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("C2 CR 1,8m² anc 1,8 plt 120 kein HSCT Tag 8", "de"),
        ("C2 RC 1,8 m2 anc 1,8 plaquettes 120 sans HSCT jour 8", "fr"),
        ("ciclo 2 RC 1,8 m² anc 1,8 piastrine 120 senza HSCT giorno 8", "it"),
        ("ciclo 2 RC 1,8 m² anc 1,8 plaquetas 120 sin HSCT día 8", "es"),
        ("ciclo 2 RC 1,8 m² anc 1,8 plaquetas 120 sem HSCT dia 8", "pt_BR"),
        ("цикл 2 ПР 1,8 м² anc 1,8 тромбоциты 120 без HSCT день 8", "ru"),
    ],
)
def test_the_dose_day_and_no_hsct_in_the_chats_language(text: str, lang: str) -> None:
    assert_reads_as(text, KEYED + " day=8", lang)


@pytest.mark.parametrize(
    ("russian", "latin"),
    [
        ("цикл 2 ПР ППТ 1,8 АЧН 0,8 тромбоциты 50", "цикл 2 ПР bsa 1,8 anc 0,8 тромбоциты 50"),
        ("АЛТ 3 ×ВГН АСТ 2 хВГН билирубин 2xВГН", "alt 3 ×ULN ast 2 xULN bili 2xULN"),
        ("АСТ 120 ВГН 40", "ast 120 uln 40"),
        ("цикл 2 ПР нет ВОБ", "цикл 2 ПР no vod"),
    ],
)
def test_russian_abbreviations_read_as_their_latin_keys(russian: str, latin: str) -> None:
    """ППТ as the Russian card prints it, and АЧН, АЛТ, АСТ, ВОБ and ВГН as a Russian keyboard
    types them (Cyrillic letters, even where they look Latin): the values of the Latin keys."""
    assert_reads_as(russian, latin, "ru")


@pytest.mark.parametrize(
    ("text", "lang", "negative"),
    [
        ("mrd neg", "en", True),
        ("mrd negative", "en", True),
        ("mrd=pos", "en", False),
        ("mrd positive", "en", False),
        ("mrd negativ", "de", True),
        ("mrd négative", "fr", True),
        ("mrd positivo", "es", False),
        ("mrd отрицательная", "ru", True),
        ("mrd 阳性", "zh", False),
        ("mrd yes", "en", True),
        ("mrd no", "en", False),
    ],
)
def test_an_mrd_result_is_read_as_negativity_reached_or_not(
    text: str, lang: str, negative: bool
) -> None:
    form = parse_quick_form(f"cycle 3 CR {text}", TODAY, lang)
    assert form.values["mrd_negative"] is negative and not form.problems, form


@pytest.mark.parametrize("text", ["mrd-", "mrd -", "mrd+", "mrd +", "mrd −"])
def test_mrd_with_a_sign_is_asked_again_never_read(text: str) -> None:
    """A lab writes MRD- for a negative result, while "-" answers no to "negativity reached?":
    read as a yes/no, it gave the opposite of what was meant. Neither sign is read for MRD."""
    form = parse_quick_form(f"cycle 3 CR {text}", TODAY)
    assert "mrd_negative" not in form.values and form.problems, form


def test_mob_is_not_a_key_for_mrd_negative() -> None:
    """In Russian, МОБ нет says there is no residual disease, which `mrd no` (not MRD-negative)
    would invert: the word is refused rather than read either way."""
    form = parse_quick_form("цикл 3 ПР МОБ нет", TODAY, "ru")
    assert "mrd_negative" not in form.values and (form.problems or form.unknown), form


def test_kof_as_the_german_card_prints_it_is_the_bsa() -> None:
    assert_reads_as("KOF 1,8 Zyklus 2 CR", "bsa 1,8 Zyklus 2 CR", "de")


def test_the_issues_lines_give_the_same_plan() -> None:
    plans = []
    for text in (KEYED, "bsa 1.8 cycle 2 CR no hsct anc 1.8 plt 120"):
        replies = handle_text(Conversation(), text, TODAY)
        plans.append(next(reply.plan for reply in replies if reply.kind == "plan"))
    assert plans[0] == plans[1]
    # The line without HSCT reads it as not planned, the request's default: the same plan.
    replies = handle_text(Conversation(), "1.8 m2, C2, CR, ANC 1.8, plt 120", TODAY)
    assert next(reply.plan for reply in replies if reply.kind == "plan") == plans[0]


@pytest.mark.parametrize(
    ("text", "token", "offered"),
    [
        ("bsa 1.8 cycle 2 CR 120", "120", ["plt 120", "age 120"]),
        ("cycle 2 anc 1.8 1.5", "1.5", ["bsa 1.5", "anc 1.5", "plt 1.5", "age 1.5"]),
        ("C2 CR 80,000/µL", "80,000 /µl", ["anc 80,000 /µl", "plt 80,000 /µl"]),
    ],
)
def test_a_number_of_more_than_one_field_is_asked_back(
    text: str, token: str, offered: list[str]
) -> None:
    form = parse_quick_form(text, TODAY)
    (asked,) = form.problems
    assert asked.key == p.AMBIGUOUS_NUMBER and asked.values == {"token": token}
    assert [choice.value for choice in asked.choices] == offered


def test_a_button_of_the_question_back_settles_the_number() -> None:
    conversation = Conversation()
    replies = handle_text(conversation, "bsa 1.8 cycle 2 CR no hsct anc 1.8 120", TODAY)
    (asked,) = [reply for reply in replies if reply.key == p.AMBIGUOUS_NUMBER]
    assert "plt 120" in [choice.value for choice in asked.choices]
    replies = handle_text(conversation, "plt 120", TODAY)
    assert conversation.state == PLAN and conversation.draft.platelets == Decimal(120)


@pytest.mark.parametrize(
    ("text", "lang", "sex"),
    [
        ("geschlecht=w bsa 1,8", "de", "female"),
        ("geschlecht w bsa 1,8", "de", "female"),
        ("sexo h bsa 1,8", "es", "male"),
        ("sex f bsa 1.8", "en", "female"),
    ],
)
def test_a_word_after_its_key_is_its_value_never_another_key(
    text: str, lang: str, sex: str
) -> None:
    form = parse_quick_form(text, TODAY, lang)
    assert (form.values["sex"] == sex and "weight_kg" not in form.values) or form.values[
        "weight_kg"
    ] is None


def test_the_refusal_names_the_word_it_could_not_read() -> None:
    form = parse_quick_form("bsa 1.8 cycle 2 foo anc 1.8", TODAY)
    (problem,) = form.problems
    assert problem.key == p.NOT_UNDERSTOOD_AFTER and problem.values["token"] == "foo"
    assert problem.field == "cycle" and "cycle" not in form.values


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [("plt 120 no HSCT foo", "en", "foo"), ("plt 120 kein HSCT Termin", "de", "Termin")],
)
def test_a_word_after_a_negated_key_is_named_never_the_negation(
    text: str, lang: str, word: str
) -> None:
    form = parse_quick_form(text, TODAY, lang)
    assert form.values == {"platelets": Decimal(120), "hsct_planned": False}
    assert form.unknown == [word] and not form.problems
