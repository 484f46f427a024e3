"""Issue 13 in the dialog: liver tests as the lab prints them, the site's ULN, words read by
the chat's language, bidi marks, and the read-back of a plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from dialogs import problems as p
from dialogs.dialog import handle_text
from dialogs.machine import Conversation
from dialogs.problems import Problem
from dialogs.quantities import parse_height_weight, parse_lab, parse_quantity
from dialogs.quickform import parse_quick_form
from dialogs.readers import Context
from dialogs.render import render
from dialogs.steps import STEP_BY_NAME
from dialogs.units import set_site_ulns, site_ulns
from dialogs.words import parse_response, parse_sex
from rules.models import LabValue
from rules.units import Uln

D = Decimal
TODAY = dt.date(2026, 11, 25)
SITE = {
    "bilirubin": Uln(D(21), "µmol/L", "site"),
    "ast": Uln(D(40), "U/L", "site"),
    "alt": Uln(D(41), "U/L", "site"),
}


@pytest.fixture
def site() -> Iterator[None]:
    set_site_ulns(SITE)
    yield
    set_site_ulns({})


@pytest.mark.parametrize(
    ("text", "field", "multiple", "lab"),
    [
        ("1.2", "bilirubin_uln", "1.2", None),
        ("1.2 ×ULN", "bilirubin_uln", "1.2", None),
        ("34/21", "bilirubin_uln", "1.62", LabValue(value=D(34), unit="", uln=D(21))),
        (
            "34 µmol/L / 21",
            "bilirubin_uln",
            "1.62",
            LabValue(value=D(34), unit="µmol/L", uln=D(21)),
        ),
        ("120 uln 40", "ast_uln", "3", LabValue(value=D(120), unit="", uln=D(40))),
        (
            "2 µkat/L uln 40 U/L",
            "alt_uln",
            "3",
            LabValue(value=D(2), unit="µkat/L", uln=D(40), uln_unit="U/L"),
        ),
        (
            "31,5 µmol/l / 21",
            "bilirubin_uln",
            "1.5",
            LabValue(value=D("31.5"), unit="µmol/L", uln=D(21)),
        ),
    ],
)
def test_a_liver_test_with_its_uln(text: str, field: str, multiple: str, lab: object) -> None:
    analyte = field.removesuffix("_uln")
    assert parse_lab(text, field, {}, "de") == {field: D(multiple), analyte: lab}


def test_an_absolute_value_uses_the_site_uln_and_says_so() -> None:
    read = parse_lab("2 mg/dL", "bilirubin_uln", SITE)
    assert isinstance(read, dict)
    assert read["bilirubin_uln"] == D("1.63")  # 34.2 µmol/L / 21
    assert read["bilirubin"] == LabValue(
        value=D(2), unit="mg/dL", uln=D(21), uln_unit="µmol/L", uln_source="site"
    )


@pytest.mark.parametrize(
    ("text", "field", "key"),
    [
        ("34 µmol/L", "bilirubin_uln", p.NEEDS_ULN),
        ("120 U/L", "ast_uln", p.NEEDS_ULN),
        ("120 mg/dL", "ast_uln", p.WRONG_UNIT),
        ("34 U/L", "bilirubin_uln", p.WRONG_UNIT),
        ("-34 µmol/L", "bilirubin_uln", p.NEGATIVE),
        ("34/0", "bilirubin_uln", p.NOT_A_NUMBER),
        ("3000 µmol/L / 21", "bilirubin_uln", p.OUT_OF_RANGE),
    ],
)
def test_an_absolute_value_without_a_uln_is_asked_for_never_assumed(
    text: str, field: str, key: str
) -> None:
    problem = parse_lab(text, field, {})
    assert isinstance(problem, p.Problem)
    assert problem.key == key
    assert problem.field == field


def test_the_dialog_stays_where_it_was_and_asks_for_the_uln() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 hsct no", TODAY)
    before = conversation.state
    replies = handle_text(conversation, "bili 34 umol/L", TODAY)
    assert replies[0].kind == "problem" and replies[0].key == p.NEEDS_ULN
    assert conversation.state == before
    assert conversation.draft.bilirubin_uln is None


def test_the_plan_reads_back_the_value_against_the_site_uln(site: None) -> None:
    assert site_ulns() == SITE
    conversation = Conversation(lang="fr")
    replies = handle_text(
        conversation, "bsa 1,8 cycle 2 réponse RC hsct non day 1 bili 34 µmol/L gilbert non", TODAY
    )
    replies += handle_text(conversation, "/plan", TODAY)
    plan = next(reply for reply in replies if reply.kind == "plan")
    text = render(plan, "fr").split("\n")
    assert text[1].startswith("Données lues : ")
    assert "34 µmol/L = 1,62 ×ULN (ULN 21 µmol/L, réglage de l'établissement)" in text[1]
    assert "CR" in text[1]


def test_a_later_times_uln_value_replaces_the_lab_value_typed_before() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 bili 34/21", TODAY)
    assert conversation.draft.bilirubin is not None
    handle_text(conversation, "bsa 1.8 bili 1.2", TODAY)
    assert conversation.draft.bilirubin is None
    assert conversation.draft.bilirubin_uln == D("1.2")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("M", "es", "female"),  # mujer
        ("m", "en", "male"),
        ("H", "es", "male"),  # hombre
        ("h", "fr", "male"),  # homme
        ("w", "de", "female"),  # weiblich
        ("ж", "ru", "female"),
        ("男", "zh", "male"),
        ("female", "ru", "female"),  # the English words everywhere
        ("w", "en", None),
        ("h", "en", None),
    ],
)
def test_a_single_letter_is_read_by_the_chats_language(
    text: str, locale: str, expected: str | None
) -> None:
    assert parse_sex(text, locale) == expected


def test_the_sex_step_reads_the_chats_letter_and_shows_it_in_full() -> None:
    step = STEP_BY_NAME["opt_sex"]
    spanish = step.read("M", Context(TODAY, "es"))
    english = step.read("M", Context(TODAY, "en"))
    assert isinstance(spanish, dict) and spanish["sex"] == "female"
    assert isinstance(english, dict) and english["sex"] == "male"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("RC", "es", "CR"),
        ("RCi", "fr", "CRi"),
        ("rc", "it", "CR"),
        ("RCi", "pt", "CRi"),
        ("ПР", "ru", "CR"),
        ("CR", "ru", "CR"),
        ("none", "de", "none"),
    ],
)
def test_response_words_of_the_chats_language(text: str, locale: str, expected: str) -> None:
    assert parse_response(text, locale) == expected


def test_rc_is_not_a_response_word_in_english() -> None:
    assert isinstance(parse_response("RC", "en"), p.Problem)


@pytest.mark.parametrize(
    "text",
    ["ciclo 2 peso 70 altura 170", "Zyklus 2 Gewicht 70 Größe 170", "цикл 2 вес 70 рост 170"],
)
def test_quick_form_keys_in_each_language(text: str) -> None:
    form = parse_quick_form(text, TODAY)
    assert form.values["cycle"] == 2
    assert form.values["weight_kg"] == D(70)
    assert form.values["height_cm"] == D(170)


def test_bidi_marks_of_a_copied_arabic_example_are_ignored() -> None:
    form = parse_quick_form("\u200fbsa=\u2068١٫٨\u2069 \u061ccycle=\u20662\u2069", TODAY, "ar")
    assert form.problems == []
    assert form.values["bsa_m2"] == D("1.8") and form.values["cycle"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5 ft 11 in", "180.3"), ("5'11\"", "180.3"), ("5′ 11″", "180.3"), ("5 ft", "152.4")],
)
def test_height_in_feet_and_inches(text: str, expected: str) -> None:
    assert parse_quantity(text, "height_cm") == D(expected)  # (5 × 12 + 11) × 2.54 = 180.34


def test_inches_beyond_a_foot_are_refused() -> None:
    assert isinstance(parse_quantity("5 ft 13 in", "height_cm"), p.Problem)


def test_a_lab_value_as_typed_survives_the_stored_conversation() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 bili 31,5/21 ast 0.1 µkat/L uln 40 U/L", TODAY)
    stored = Conversation.from_dict(conversation.to_dict())
    assert stored.draft.bilirubin == conversation.draft.bilirubin
    assert stored.draft.ast == LabValue(value=D("0.1"), unit="µkat/L", uln=D(40), uln_unit="U/L")
    assert stored.draft.bilirubin_uln == D("1.5")


@pytest.mark.parametrize(
    ("text", "height", "weight"),
    [
        ("5 ft 11 in 170 lb", "180.3", "77.1"),
        ("170 lb 5'11\"", "180.3", "77.1"),
        ("5ft11 77kg", "180.3", "77"),
    ],
)
def test_height_in_feet_and_inches_with_the_weight_in_one_answer(
    text: str, height: str, weight: str
) -> None:

    assert parse_height_weight(text) == (Decimal(height), Decimal(weight))


def test_feet_and_inches_alone_are_not_height_and_weight() -> None:

    assert isinstance(parse_height_weight("5 ft 11 in"), Problem)
