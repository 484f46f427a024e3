"""Lab values in the dialog: liver tests as the lab prints them, the site's ULN, words read by
the chat's language, bidi marks, and the read-back of a plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import hypothesis
import pytest
from hypothesis import strategies as st

from dialogs import problems as p
from dialogs.dialog import handle_choice, handle_text
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
        ("1.2", "bilirubin_uln", "1.2", LabValue(value=D("1.2"), unit="xULN", unit_typed=False)),
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
    assert conversation.draft.bilirubin == LabValue(value=D("1.2"), unit="xULN", unit_typed=False)
    assert conversation.draft.bilirubin_uln == D("1.2")
    handle_text(conversation, "bsa 1.8 bili 1.3 ×ULN", TODAY)
    assert conversation.draft.bilirubin is None and conversation.draft.bilirubin_uln == D("1.3")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("M", "es", None),  # mujer or masculino: asked, not read (tests/test_language_words.py)
        ("v", "es", "male"),  # varón
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
    spanish = step.read("V", Context(TODAY, "es"))
    english = step.read("M", Context(TODAY, "en"))
    assert isinstance(spanish, dict) and spanish["sex"] == "male"
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


# A bare liver number against a site ULN ----------------------------------------


def test_a_bare_number_against_a_site_uln_is_asked_back_with_both_readings(site: None) -> None:
    problem = parse_lab("120", "ast_uln", SITE)
    assert isinstance(problem, Problem) and problem.key == p.AMBIGUOUS_LAB
    assert problem.field == "ast_uln"
    # Each reading in full, as a button that types it with its unit.
    as_multiple, as_absolute = problem.choices
    assert as_multiple.value == "ast 120 ×ULN" and as_multiple.values["multiple"] == D(120)
    assert as_absolute.value == "ast 120 U/L"
    assert as_absolute.values["multiple"] == D(3) and as_absolute.values["uln"] == D(40)
    english = render_problem(problem, "en")
    assert "AST 120 ×ULN" in english
    assert "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)" in english
    # Tapping a button is typing its text: each then reads one way only.
    for choice, multiple in ((as_multiple, D(120)), (as_absolute, D(3))):
        form = parse_quick_form(choice.value, TODAY)
        assert form.problems == [] and form.values["ast_uln"] == multiple


def test_a_bare_number_possible_in_one_reading_only_is_still_asked_back() -> None:
    # 300 × ULN is beyond the request's limit for AST; 300 U/L against 40 is 7.5 × ULN.
    problem = parse_lab("300", "ast_uln", SITE)
    assert isinstance(problem, Problem) and problem.key == p.ONE_LAB_READING
    assert [choice.value for choice in problem.choices] == ["ast 300 U/L"]


def test_with_a_unit_or_without_a_site_uln_a_number_reads_one_way() -> None:
    assert parse_lab("120 U/L", "ast_uln", SITE)["ast_uln"] == D(3)  # type: ignore[index]
    assert parse_lab("3 ×ULN", "ast_uln", SITE)["ast_uln"] == D(3)  # type: ignore[index]
    assert parse_lab("34/21", "bilirubin_uln", SITE)["bilirubin_uln"] == D("1.62")  # type: ignore[index]
    alone = parse_lab("3", "ast_uln", {})
    assert isinstance(alone, dict) and alone["ast_uln"] == D(3)
    assert alone.note is not None and alone.note.key == p.READ_AS_MULTIPLE  # type: ignore[attr-defined]
    typed = parse_lab("3 ×ULN", "ast_uln", {})
    assert isinstance(typed, dict) and typed.note is None  # type: ignore[attr-defined]


def render_problem(problem: Problem, lang: str) -> str:
    from dialogs.replies import Reply

    return render(Reply("problem", problem.key, dict(problem.values), problem.choices), lang)


def test_the_quick_form_keeps_the_rest_and_a_button_settles_the_reading(site: None) -> None:
    conversation = Conversation()
    replies = handle_text(conversation, "bsa 1.8 cycle 1 hsct no anc 2 plt 100 ast 120", TODAY)
    asked = next(reply for reply in replies if reply.kind == "problem")
    assert asked.key == p.AMBIGUOUS_LAB and len(asked.choices) == 2
    assert asked.token == conversation.token, "the buttons belong to the step now shown"
    assert conversation.draft.ast_uln is None, "neither reading is assumed"
    assert conversation.draft.platelets == D(100) and conversation.draft.bsa_m2 == D("1.8")
    pressed = handle_choice(conversation, asked.token, asked.choices[1].value, TODAY)
    assert conversation.draft.ast_uln == D(3)
    assert conversation.draft.ast == LabValue(
        value=D(120), unit="U/L", uln=D(40), uln_unit="U/L", uln_source="site"
    )
    plan = next(reply for reply in pressed if reply.kind == "plan")
    assert "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)" in render(plan, "en")


def test_the_multiple_button_reads_the_number_as_times_uln(site: None) -> None:
    conversation = Conversation(lang="de")
    replies = handle_text(conversation, "bsa 1,8 Zyklus 1 hsct nein anc 2 plt 100 bili 1,2", TODAY)
    asked = next(reply for reply in replies if reply.kind == "problem")
    assert [choice.value for choice in asked.choices] == ["bili 1,2 ×ULN", "bili 1,2 µmol/L"]
    handle_choice(conversation, asked.token, asked.choices[0].value, TODAY)
    assert conversation.draft.bilirubin_uln == D("1.2") and conversation.draft.bilirubin is None


def test_without_a_site_uln_a_bare_number_is_times_uln_and_the_reply_says_so() -> None:
    conversation = Conversation()
    replies = handle_text(conversation, "bsa 1.8 cycle 1 hsct no anc 2 plt 100 ast 3 alt 2", TODAY)
    notes = [render(reply, "en") for reply in replies if reply.key == p.READ_AS_MULTIPLE]
    assert notes == ["AST 3 ×ULN, ALT 2 ×ULN — no unit typed, read as ×ULN."]
    assert conversation.draft.ast_uln == D(3) and conversation.draft.alt_uln == D(2)


def test_the_liver_question_asks_for_multiples_so_its_bare_answer_is_one(site: None) -> None:
    # The question's own unit decides: "Liver tests as multiples of the ULN (×ULN)".
    step = STEP_BY_NAME["opt_liver"]
    assert "×ULN" in step.prompt
    assert step.read("1.2 3 1", Context(TODAY, "en")) == {
        "bilirubin_uln": D("1.2"),
        "ast_uln": D(3),
        "alt_uln": D(1),
        "bilirubin": None,
        "ast": None,
        "alt": None,
    }


# Creatinine in the quick form and the CrCl step --------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "value", "unit"),
    [
        ("creat 90 µmol/L", "en", "90", "µmol/L"),
        ("creatinine 1.1 mg/dL", "en", "1.1", "mg/dL"),
        ("Krea 1,1 mg/dl", "de", "1.1", "mg/dL"),
        ("kreatinin 90 umol/l", "de", "90", "µmol/L"),
        ("créatinine 90 µmol/L", "fr", "90", "µmol/L"),
        ("creatinina 1,1 mg/dL", "es", "1.1", "mg/dL"),
        ("креатинин 90 мкмоль/л", "ru", "90", "µmol/L"),
        ("肌酐 90 µmol/L", "zh", "90", "µmol/L"),
        ("الكرياتينين ٩٠ µmol/L", "ar", "90", "µmol/L"),
    ],
)
def test_creatinine_keys_in_each_language(text: str, locale: str, value: str, unit: str) -> None:
    form = parse_quick_form(text, TODAY, locale)
    assert form.problems == [] and form.unknown == []
    assert form.values == {"creatinine": LabValue(value=D(value), unit=unit), "crcl_ml_min": None}


def test_resp_cr_is_still_a_response_not_a_creatinine() -> None:
    form = parse_quick_form("cycle 2 resp CR creat 90 umol/L", TODAY)
    assert form.values["response"] == "CR" and form.problems == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("creat 90", p.CREATININE_UNIT),
        ("creat 90 mmol/L", p.WRONG_UNIT),
        ("creat -90 umol/L", p.NEGATIVE),
        ("creat 0 umol/L", p.OUT_OF_RANGE),
        ("creat lots", p.NOT_A_NUMBER),
        ("crcl 80 creat 90 umol/L", p.CLEARANCE_TWICE),
    ],
)
def test_a_creatinine_without_its_unit_is_asked_back_never_guessed(text: str, key: str) -> None:
    form = parse_quick_form(f"cycle 1 {text}", TODAY)
    assert [problem.key for problem in form.problems] == [key]
    assert form.problems[0].field == "creatinine"
    assert "creatinine" not in form.values and "crcl_ml_min" not in form.values
    assert form.values["cycle"] == 1, "the rest of the quick form is kept"


def test_a_bare_creatinine_offers_a_button_per_unit() -> None:
    conversation = Conversation()
    handle_text(conversation, "h 175 w 72 cycle 1 hsct no anc 2 plt 100 age 60 sex male", TODAY)
    replies = handle_text(conversation, "creat 2", TODAY)
    asked = replies[0]
    assert asked.key == p.CREATININE_UNIT
    assert [choice.value for choice in asked.choices] == ["creat 2 µmol/L", "creat 2 mg/dL"]
    assert conversation.draft.creatinine is None
    pressed = handle_choice(conversation, asked.token, asked.choices[1].value, TODAY)
    plan = next(reply for reply in pressed if reply.kind == "plan")
    assert plan.request is not None and plan.request.crcl_ml_min == D(40)  # 80 × 72 / 144


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", {"crcl_ml_min": D(80), "creatinine": None}),
        ("80 mL/min", {"crcl_ml_min": D(80), "creatinine": None}),
        (
            "90 µmol/L",
            {"creatinine": LabValue(value=D(90), unit="µmol/L"), "crcl_ml_min": None},
        ),
        (
            "1,1 mg/dL",
            {"creatinine": LabValue(value=D("1.1"), unit="mg/dL"), "crcl_ml_min": None},
        ),
    ],
)
def test_the_crcl_step_takes_a_crcl_or_a_creatinine_with_its_unit(
    text: str, expected: dict[str, object]
) -> None:
    # The question asks for mL/min first: a bare number is a CrCl, as the question says.
    step = STEP_BY_NAME["opt_crcl"]
    assert "mL/min" in step.prompt and "µmol/L" in step.prompt
    assert step.read(text, Context(TODAY, "de")) == expected


def test_one_source_of_the_crcl_at_a_time_the_later_replaces_the_earlier() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 crcl 80", TODAY)
    handle_text(conversation, "creat 90 umol/L age 60", TODAY)
    assert conversation.draft.crcl_ml_min is None
    assert conversation.draft.creatinine == LabValue(value=D(90), unit="µmol/L")
    handle_text(conversation, "crcl 70 age 60", TODAY)
    assert conversation.draft.crcl_ml_min == D(70) and conversation.draft.creatinine is None


def test_the_summary_shows_the_creatinine_in_the_crcl_line() -> None:
    from dialogs.summary import SHOW

    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 creat 90 umol/L age 60", TODAY)
    shown = SHOW["opt_crcl"](conversation.draft)
    assert shown is not None and shown.values == {"value": D(90), "unit": "µmol/L"}


def test_a_creatinine_without_age_weight_or_sex_names_what_is_missing() -> None:
    conversation = Conversation(lang="es")
    replies = handle_text(
        conversation, "bsa 1,8 ciclo 1 hsct no anc 2 plt 100 creatinina 90 µmol/L edad 60", TODAY
    )
    asked = next(reply for reply in replies if reply.kind == "problem")
    assert asked.key == p.CLEARANCE_NEEDS
    assert [choice.value for choice in asked.choices] == ["/edit sex", "/edit body", "/edit crcl"]
    text = render(asked, "es")
    assert "Sexo" in text and "Datos corporales" in text and "90 µmol/L" in text
    # Giving what is missing makes the plan, with the CrCl Cockcroft-Gault gives.
    replies = handle_text(conversation, "altura 175 peso 72 sexo hombre", TODAY)
    plan = next(reply for reply in replies if reply.kind == "plan")
    assert plan.request is not None and plan.request.crcl_ml_min == D(
        "78.6"
    )  # 80 × 72 / (72 × 90 / 88.4)


# Properties: any accepted unit, through the quick form, gives the plan of the same value ---

_COUNT_UNITS = [("×10⁹/L", 1), ("G/L", 1), ("Gpt/L", 1), ("K/µL", 1), ("/µL", 1000), ("/mm³", 1000)]
_LIVER_UNITS = {"bili": ("µmol/L", 21), "ast": ("U/L", 40), "alt": ("U/L", 41)}
_FORM = "bsa 1.8 cycle 2 resp CR hsct no gilbert no"


def _plan_of(text: str) -> dict[str, object]:
    from dialogs.draft import Draft, to_request
    from rules import PlanRequest, make_plan

    form = parse_quick_form(text, TODAY)
    assert form.problems == [], form.problems
    draft = Draft.model_validate({k: v for k, v in form.values.items() if v is not None})
    request = to_request(draft, "en")
    assert isinstance(request, PlanRequest), request
    return make_plan(request).model_dump(exclude={"inputs"})


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    tenths=st.integers(min_value=1, max_value=200),
    unit=st.sampled_from(_COUNT_UNITS),
    key=st.sampled_from(["anc", "plt"]),
)
def test_a_count_in_any_unit_gives_the_plan_of_the_same_count(
    tenths: int, unit: tuple[str, int], key: str
) -> None:
    value = D(tenths) / 10  # ×10⁹/L
    typed = value * unit[1]
    if unit[1] != 1 and typed != typed.to_integral_value():
        typed = typed.quantize(D(1))
        value = typed / unit[1]
    shown = f"{typed.normalize():f}{unit[0]}"
    assert _plan_of(f"{_FORM} {key} {shown}") == _plan_of(f"{_FORM} {key} {value.normalize():f}")


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    hundredths=st.integers(min_value=0, max_value=600), key=st.sampled_from(sorted(_LIVER_UNITS))
)
def test_a_liver_value_against_its_uln_gives_the_plan_of_the_same_multiple(
    hundredths: int, key: str
) -> None:
    multiple = D(hundredths) / 100
    unit, uln = _LIVER_UNITS[key]
    absolute = f"{_FORM} {key} {(multiple * uln).normalize():f} {unit} uln {uln}"
    assert _plan_of(absolute) == _plan_of(f"{_FORM} {key} {multiple.normalize():f} ×ULN")


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(tenths=st.integers(min_value=3, max_value=150), micromoles=st.booleans())
def test_a_creatinine_in_either_unit_gives_the_plan_of_its_crcl(
    tenths: int, micromoles: bool
) -> None:
    from rules.units import cockcroft_gault

    mg_dl = D(tenths) / 10
    typed = f"{(mg_dl * D('88.4')).normalize():f} µmol/L" if micromoles else f"{mg_dl} mg/dL"
    patient = "h 175 w 72 age 60 sex male cycle 1 hsct no"
    crcl = min(cockcroft_gault(mg_dl, "mg/dL", D(60), D(72), "male"), D(300))
    assert _plan_of(f"{patient} creat {typed}") == _plan_of(f"{patient} crcl {crcl}")


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(text=st.text(max_size=40), field=st.sampled_from(["bilirubin_uln", "ast_uln"]))
def test_random_text_never_raises_in_the_lab_readers(text: str, field: str) -> None:
    from dialogs.quantities import parse_creatinine

    assert isinstance(parse_lab(text, field, SITE), dict | Problem)
    assert isinstance(parse_creatinine(text), dict | Problem)


def test_in_the_console_the_readings_and_the_options_never_share_a_mark(site: None) -> None:
    import io

    from bot.console import ConsoleChat

    out = io.StringIO()
    chat = ConsoleChat(out, "en")
    chat.answer("1.8")
    chat.answer("2")
    chat.answer("ast 120")  # the response question's options follow the readings
    assert list(chat.options) == ["a", "b", "c", "d", "e", "g", "i", "k"]  # ... and Back
    assert chat.options["c"].value == "CR no hsct"
    assert chat.options["b"].value == "ast 120 U/L"
    chat.answer("b")
    assert "AST 120 U/L = 3 ×ULN" in out.getvalue()


def test_at_the_liver_question_a_keyed_bare_number_is_a_multiple_too(site: None) -> None:
    # The question's own example is "bili 1.2 ast 0.8 alt 0.9": at that question these are
    # multiples of the ULN, as it says, and not asked back; a unit typed still converts.
    conversation = Conversation()
    handle_text(conversation, "bsa 1.8 cycle 1 hsct no anc 2 plt 100", TODAY)
    handle_text(conversation, "/edit liver", TODAY)
    assert conversation.state == "opt_liver"
    replies = handle_text(conversation, "bili 1.2 ast 120 U/L alt 0.9", TODAY)
    assert [reply.kind for reply in replies if reply.kind == "problem"] == []
    assert not any(reply.key == p.READ_AS_MULTIPLE for reply in replies)
    draft = conversation.draft
    assert (draft.bilirubin_uln, draft.ast_uln, draft.alt_uln) == (D("1.2"), D(3), D("0.9"))
    # Elsewhere the same bare number is asked back.
    asked = handle_text(conversation, "bili 1.2", TODAY)[0]
    assert asked.key == p.AMBIGUOUS_LAB


def test_a_double_checks_entry_names_what_the_creatinine_still_needs() -> None:
    from dialogs.dialog import start_verify

    conversation = Conversation()
    start_verify(conversation, "K7QM-2XPA")
    replies = handle_text(
        conversation, "bsa 1.8 cycle 1 hsct no anc 2 plt 100 creat 90 umol/L", TODAY
    )
    replies += handle_text(conversation, "/plan", TODAY)
    asked = [reply for reply in replies if reply.key == p.CLEARANCE_NEEDS]
    assert asked and asked[-1].token == conversation.token
    assert conversation.state == "summary" and conversation.verifying == "K7QM-2XPA"


def test_a_form_that_answers_the_question_asks_a_doubtful_value_at_its_own_step(
    site: None,
) -> None:
    """The first message answers the body question and more, with "ast 120" bare: the question
    back comes with the liver question, not with the body question the form already answered
    (which would read a typed "2" as a BSA); a tap on a reading goes on to the plan."""
    conversation = Conversation()
    replies = handle_text(
        conversation, "bsa 1.8 cycle 2 response CR anc 1.5 plt 120 ast 120", TODAY
    )
    assert conversation.state == "opt_liver"
    assert [reply.kind for reply in replies] == ["problem", "prompt"]
    readings = [choice.value for choice in replies[0].choices]
    assert readings == ["ast 120 ×ULN", "ast 120 U/L"]
    replies = handle_text(conversation, readings[1], TODAY)
    assert replies[-1].kind == "plan" and replies[-1].plan is not None
    assert replies[-1].plan.decision == "give"
    assert conversation.draft.ast_uln == Decimal(3)
    assert conversation.draft.bsa_m2 == Decimal("1.8")


def test_after_a_plan_a_doubtful_change_is_asked_back_without_a_plan_that_lacks_it(
    site: None,
) -> None:
    """ "ast 120" after a plan: the question back alone, not the old plan again (a plan without
    the value being asked about); its button gives the new plan with it."""
    conversation = Conversation()
    first = handle_text(conversation, "bsa 1.8 cycle 2 response CR anc 1.5 plt 120", TODAY)
    assert first[-1].kind == "plan"
    replies = handle_text(conversation, "ast 120", TODAY)
    assert [reply.kind for reply in replies] == ["problem"]
    assert [choice.value for choice in replies[0].choices] == ["ast 120 ×ULN", "ast 120 U/L"]
    replies = handle_text(conversation, "ast 120 U/L", TODAY)
    assert replies[-1].kind == "plan" and conversation.draft.ast_uln == Decimal(3)
