"""The quick form: several `key value` answers in one message."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import problems as p
from dialogs.problems import PROBLEM_KEYS, Problem
from dialogs.quickform import KEYS, QuickForm, parse_quick_form
from rules.models import LabValue, PlanRequest

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)
D = Decimal
BODY_BY_BSA = {"height_cm": None, "weight_kg": None}


def read(text: str, locale: str = "en") -> QuickForm:
    return parse_quick_form(text, TODAY, locale)


def test_every_key_maps_to_a_request_field() -> None:
    assert {field for field, _ in KEYS.values()} <= set(PlanRequest.model_fields)
    for name in [
        "bsa", "height", "h", "weight", "w", "cycle", "c", "response", "resp", "hsct", "anc",
        "plt", "platelets", "bili", "bilirubin", "ast", "alt", "crcl", "start", "anc0",
        "anc_base", "plt0", "plt_base", "blasts", "grade", "vod", "irr", "interruption",
        "cytopenia", "level", "sex", "last", "pregnant", "breastfeeding", "age", "mrd",
        "gilbert", "bsa_formula",
    ]:  # fmt: skip
        assert name in KEYS


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        (
            "bsa=1.8 cycle=2 response=CR anc=1.5 plt=80",
            "en",
            {
                "bsa_m2": D("1.8"),
                "cycle": 2,
                "response": "CR",
                "anc": D("1.5"),
                "platelets": D(80),
                **BODY_BY_BSA,
            },
        ),
        (
            "h 180 w 75 c 1 anc 2.1 plt 150",
            "en",
            {
                "height_cm": D(180),
                "weight_kg": D(75),
                "cycle": 1,
                "anc": D("2.1"),
                "platelets": D(150),
                "bsa_m2": None,
            },
        ),
        (
            "bsa 1,8; cycle 2; resp CRi; plt 80,000/µL",
            "en",
            {"bsa_m2": D("1.8"), "cycle": 2, "response": "CRi", "platelets": D(80), **BODY_BY_BSA},
        ),
        (
            "bsa 1,8; cycle 2; resp CRi; plt 80.000/µL",
            "de",
            {"bsa_m2": D("1.8"), "cycle": 2, "response": "CRi", "platelets": D(80), **BODY_BY_BSA},
        ),
        (
            "BSA: 1.8\nCycle: 3\nResp: none",
            "en",
            {"bsa_m2": D("1.8"), "cycle": 3, "response": "none", **BODY_BY_BSA},
        ),
        ("bsa=1.8,cycle=2", "en", {"bsa_m2": D("1.8"), "cycle": 2, **BODY_BY_BSA}),
        ("bsa=1,8,cycle=2", "en", {"bsa_m2": D("1.8"), "cycle": 2, **BODY_BY_BSA}),
        ("bsa = 1.8 , cycle = 2", "en", {"bsa_m2": D("1.8"), "cycle": 2, **BODY_BY_BSA}),
        ("ｂｓａ＝１．８", "ja", {"bsa_m2": D("1.8"), **BODY_BY_BSA}),
        (
            "height 1.80 m weight 165 lb",
            "en",
            {"height_cm": D(180), "weight_kg": D("74.8"), "bsa_m2": None},
        ),
        ("anc 1.5 ×10⁹/L plt 80 G/L", "en", {"anc": D("1.5"), "platelets": D(80)}),
        (
            "anc0 2.5 plt0 150 anc_base 2.5",
            "en",
            {"anc_baseline": D("2.5"), "platelets_baseline": D(150)},
        ),
        ("plt_base 150,000/µL", "en", {"platelets_baseline": D(150)}),
        ("blasts 5000", "en", {"blasts_per_mm3": D(5000)}),
        (
            "bili 1.2 ast 3 x ULN alt 2.5xULN",
            "en",
            # ×ULN clears a lab value typed before (the read-back shows what is used); a bare
            # number is ×ULN too without a site ULN, kept as read (`unit_typed` false).
            {
                "bilirubin_uln": D("1.2"),
                "bilirubin": LabValue(value=D("1.2"), unit="xULN", unit_typed=False),
                "ast_uln": D(3),
                "ast": None,
                "alt_uln": D("2.5"),
                "alt": None,
            },
        ),
        (
            "bilirubin 1,2",
            "de",
            {
                "bilirubin_uln": D("1.2"),
                "bilirubin": LabValue(value=D("1.2"), unit="xULN", unit_typed=False),
            },
        ),
        (
            "crcl 90 mL/min age 45",
            "en",
            {"crcl_ml_min": D(90), "creatinine": None, "age_years": D(45)},
        ),
        (
            "hsct yes mrd no gilbert n vod nein",
            "en",
            {
                "hsct_planned": True,
                "mrd_negative": False,
                "gilbert_or_hemolysis": False,
                "vod": False,
            },
        ),
        (
            "grade 3 irr mild interruption 7 cytopenia 14 days level 1",
            "en",
            {
                "nonheme_grade": 3,
                "infusion_reaction": "mild",
                "interruption_days": 7,
                "cytopenia_days": 14,
                "dose_level": 1,
            },
        ),
        # As a ward note says it: "interrupted 9 days".
        ("day 8, interrupted 9 days", "en", {"day": 8, "interruption_days": 9}),
        ("c 1 irr none", "en", {"cycle": 1, "infusion_reaction": "none"}),
        ("irr Severe, plt 40", "en", {"infusion_reaction": "severe", "platelets": D(40)}),
        ("irr mild grade 2", "en", {"infusion_reaction": "mild", "nonheme_grade": 2}),
        ("plt 40 vod", "en", {"platelets": D(40), "vod": True}),
        ("vod; anc 0.8", "en", {"vod": True, "anc": D("0.8")}),
        ("vod yes", "en", {"vod": True}),
        ("pregnant no", "en", {"pregnant": False}),
        ("sex f pregnant", "en", {"sex": "female", "pregnant": True}),
        ("sex female breastfeeding", "en", {"sex": "female", "breastfeeding": True}),
        (
            "sex f pregnant no breastfeeding no",
            "en",
            {"sex": "female", "pregnant": False, "breastfeeding": False},
        ),
        ("sex Male", "en", {"sex": "male"}),
        (
            "start today last 2026-11-04",
            "en",
            {"start_date": TODAY, "last_dose_date": dt.date(2026, 11, 4)},
        ),
        ("start 1.12.2026", "en", {"start_date": dt.date(2026, 12, 1)}),
        ("bsa_formula dubois", "en", {"bsa_formula": "dubois"}),
        ("formula Mosteller", "en", {"bsa_formula": "mosteller"}),
        ("resp no response", "en", {"response": "none"}),
        ("plt 40 grade 2", "en", {"platelets": D(40), "nonheme_grade": 2}),
        ("plt 40", "en", {"platelets": D(40)}),
        ("c 2", "en", {"cycle": 2}),
        ("bsa 1.8 bsa 1.80", "en", {"bsa_m2": D("1.8"), **BODY_BY_BSA}),
    ],
)
def test_quick_form_values(text: str, locale: str, expected: dict[str, object]) -> None:
    form = read(text, locale)
    assert form.problems == []
    assert form.unknown == []
    assert form.is_quick_form
    assert form.values == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.8",
        "180 cm 75 kg",
        "180/75",
        "CR",
        "CRi",
        "none",
        "no response",
        "yes",
        "n",
        "f",
        "m",
        "female pregnant",
        "female breastfeeding",
        "pregnant",
        "vod",
        "VOD",
        "grade 2",
        "Grade 3",
        "grade 4",
        "irr mild",
        "IRR severe",
        "irr none",
        "grade 2 grade 3",
        "2 3 3",
        "1.2 1 1",
        "normal",
        "0",
        "no",
        "unknown",
        "mosteller",
        "7 days",
        "45 y",
        "90 mL/min",
        "1.80 m 75 kg",
        "1,80 m 75,5 kg",
        "5000/mm3",
        "tomorrow",
        "today",
        "25.11.2026",
        "80,000/µL",
        "1.5 x ULN",
        "30 µmol/L",
        "",
        "bsa",
        "bsa=",
        "cycle:",
        "hello there",
        "/plan",
    ],
)
def test_plain_answers_are_not_a_quick_form(text: str) -> None:
    form = read(text)
    assert not form.is_quick_form
    assert form == QuickForm()


def test_values_may_hold_units_and_spaces() -> None:
    form = read("plt 80 000/µL anc 1 500 /µL")
    assert form.values == {"platelets": D(80), "anc": D("1.5")}


@pytest.mark.parametrize(
    ("text", "field", "key"),
    [
        ("bsa 18000", "bsa_m2", p.OUT_OF_RANGE),
        ("bsa 1_8", "bsa_m2", p.NOT_A_NUMBER),
        ("anc nan", "anc", p.NOT_A_NUMBER),
        ("anc -1", "anc", p.NEGATIVE),
        ("anc 1500", "anc", p.DID_YOU_MEAN_COUNT),
        ("plt 80000", "platelets", p.DID_YOU_MEAN_COUNT),
        ("h 1.8", "height_cm", p.DID_YOU_MEAN_HEIGHT),
        ("bili 30 µmol/L", "bilirubin_uln", p.NEEDS_ULN),  # no site ULN set: asked, not assumed
        ("ast 80 U/L", "ast_uln", p.NEEDS_ULN),
        ("bili 30 mmol/L", "bilirubin_uln", p.ABSOLUTE_ULN),
        ("ast 80 mg/dL", "ast_uln", p.WRONG_UNIT),
        ("w 75 cm", "weight_kg", p.WRONG_UNIT),
        ("cycle 0", "cycle", p.NOT_A_WHOLE_NUMBER),
        ("c 1.5", "cycle", p.NOT_A_WHOLE_NUMBER),
        ("c 1 grade 5", "nonheme_grade", p.NOT_A_WHOLE_NUMBER),
        ("level 3", "dose_level", p.NOT_A_WHOLE_NUMBER),
        ("hsct maybe", "hsct_planned", p.NOT_YES_NO),
        ("resp PR", "response", p.NOT_A_RESPONSE),
        ("start 11/12/2026", "start_date", p.AMBIGUOUS_DATE),
        ("last 1.1.26", "last_dose_date", p.TWO_DIGIT_YEAR),
        ("start 2030-01-01", "start_date", p.DATE_TOO_FAR),
        ("start someday", "start_date", p.NOT_A_DATE),
        ("c 1 irr moderate", "infusion_reaction", p.NOT_AN_OPTION),
        # A word after a value that reads is named, not the value before it.
        ("plt 40 no vod yes", "platelets", p.NOT_UNDERSTOOD_AFTER),
        ("plt 40 nicht vod", "platelets", p.NOT_UNDERSTOOD_AFTER),
        ("sex x", "sex", p.NOT_A_SEX),
        ("formula haycock", "bsa_formula", p.NOT_AN_OPTION),
        ("bsa 1.8 foo", "bsa_m2", p.NOT_UNDERSTOOD_AFTER),
    ],
)
def test_quick_form_problems_name_the_field(text: str, field: str, key: str) -> None:
    form = read(text)
    assert form.is_quick_form
    assert [(problem.key, problem.field) for problem in form.problems] == [(key, field)]
    assert field not in form.values


def test_good_values_are_kept_next_to_a_problem() -> None:
    form = read("bsa 1.8 cycle 2 anc 1500 plt 80")
    assert form.values == {"bsa_m2": D("1.8"), "cycle": 2, "platelets": D(80), **BODY_BY_BSA}
    (problem,) = form.problems
    assert problem.field == "anc"
    assert problem.suggestion == D("1.5")


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("h 180 height 170", "height_cm", D(170)),
        ("bsa 1.8 bsa 1.9", "bsa_m2", D("1.9")),
        ("c 1 cycle 2", "cycle", 2),
        ("plt 80; plt 40", "platelets", D(40)),
        ("plt abc plt 40", "platelets", D(40)),
        ("resp CR resp none", "response", "none"),
    ],
)
def test_duplicates_the_last_one_wins(text: str, field: str, value: object) -> None:
    form = read(text)
    assert form.is_quick_form
    assert form.problems == []
    assert form.values[field] == value


def test_duplicates_a_last_bad_value_is_the_problem() -> None:
    form = read("plt 40 plt abc c 1")
    assert form.values == {"cycle": 1}
    assert [(problem.key, problem.field) for problem in form.problems] == [
        (p.NOT_A_NUMBER, "platelets")
    ]


def test_unknown_keys_are_reported() -> None:
    form = read("bsa=1.8, foo=3, cycle 2; hb: 9")
    assert form.values == {"bsa_m2": D("1.8"), "cycle": 2, **BODY_BY_BSA}
    assert form.unknown == ["foo", "hb"]
    assert form.problems == []


def test_unknown_key_inside_a_value_is_cut_off() -> None:
    form = read("bsa 1.8 foo=3 cycle 2")
    assert form.values == {"bsa_m2": D("1.8"), "cycle": 2, **BODY_BY_BSA}
    assert form.unknown == ["foo"]


def test_text_that_belongs_to_no_key_is_reported() -> None:
    form = read("hi bsa 1.8, 42")
    assert form.values["bsa_m2"] == D("1.8")
    assert form.unknown == ["hi"]
    # A bare number is never guessed: asked back with the fields it could be as buttons.
    (asked,) = form.problems
    assert asked.key == p.AMBIGUOUS_NUMBER and asked.values == {"token": "42"}
    assert [choice.value for choice in asked.choices] == ["cycle 42", "anc 42", "plt 42", "age 42"]


def test_a_word_after_a_value_is_named_and_a_number_after_it_asked_back() -> None:
    form = read("bsa 1.8 foo 3")
    assert [(problem.key, problem.values.get("token")) for problem in form.problems] == [
        (p.AMBIGUOUS_NUMBER, "3"),
        (p.NOT_UNDERSTOOD_AFTER, "foo"),
    ]


def test_keys_are_whole_tokens() -> None:
    # "c" in "cm", "alt" in "last", "age" in "stage", "h" in "hsct": never keys
    form = read("height 180 cm last 2026-11-01 hsct yes")
    assert form.values == {
        "height_cm": D(180),
        "last_dose_date": dt.date(2026, 11, 1),
        "hsct_planned": True,
        "bsa_m2": None,
    }
    assert read("stage 2").is_quick_form is False


def test_keys_are_case_insensitive() -> None:
    assert read("ANC=1.5 PLT=80 Resp=cri").values == {
        "anc": D("1.5"),
        "platelets": D(80),
        "response": "CRi",
    }


def test_key_without_value_is_reported_as_ignored() -> None:
    form = read("bsa 1.8 cycle")
    assert form.values == {"bsa_m2": D("1.8"), **BODY_BY_BSA}
    assert form.problems == []
    assert form.unknown == ["cycle"]


@pytest.mark.parametrize("key", ["mrd", "gilbert", "start", "sex", "grade", "irr"])
def test_a_bare_key_that_would_change_the_plan_is_never_assumed(key: str) -> None:
    form = read(f"plt 40 {key}")
    assert form.values == {"platelets": D(40)}
    assert form.unknown == [key]


def test_hsct_alone_means_planned_as_on_the_ward() -> None:
    # Ward shorthand: "hsct" planned, "no hsct" not; planned adds the post-HSCT cautions.
    assert read("plt 40 hsct").values == {"platelets": D(40), "hsct_planned": True}
    assert read("plt 40 no hsct").values == {"platelets": D(40), "hsct_planned": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plt 40 no vod", {"platelets": D(40), "vod": False}),
        (
            "c 1 sex f not pregnant no breastfeeding",
            {"cycle": 1, "sex": "female", "pregnant": False, "breastfeeding": False},
        ),
        (
            "c 1 no hsct, Kein gilbert",
            {"cycle": 1, "hsct_planned": False, "gilbert_or_hemolysis": False},
        ),
        ("c 1 no  vod", {"cycle": 1, "vod": False}),
    ],
)
def test_a_negation_before_a_yes_no_key_means_no(text: str, expected: dict[str, object]) -> None:
    form = read(text)
    assert (form.values, form.problems, form.unknown) == (expected, [], [])


def test_no_response_is_a_value_not_a_key() -> None:
    form = read("resp No Response c 2")
    assert (form.values, form.unknown) == ({"response": "none", "cycle": 2}, [])


def test_a_bare_flag_after_an_unreadable_value_is_not_assumed() -> None:
    # an unknown negation ("nicht") ends up in the value before: vod must not become yes
    form = read("plt 40 nicht vod")
    assert "vod" not in form.values
    assert form.unknown == ["vod"]
    form = read("hi vod c 1")
    assert form.values == {"cycle": 1}
    assert form.unknown == ["hi", "vod"]


def test_bare_flags_mean_yes() -> None:
    form = read("c 1, vod, pregnant, breastfeeding")
    assert form.values == {"cycle": 1, "vod": True, "pregnant": True, "breastfeeding": True}
    assert form.unknown == []


def test_bsa_and_height_weight_together_keep_both() -> None:
    form = read("bsa 1.9 h 180 w 75")
    assert form.values == {"bsa_m2": D("1.9"), "height_cm": D(180), "weight_kg": D(75)}


# Properties ----------------------------------------------------------------------------

GOOD_PAIRS = {
    "bsa": ("1,8", "bsa_m2", D("1.8")),
    "cycle": ("2", "cycle", 2),
    "resp": ("CRi", "response", "CRi"),
    "anc": ("1.5 ×10⁹/L", "anc", D("1.5")),
    "plt": ("80,000/µL", "platelets", D(80)),
    "bili": ("1.2 x ULN", "bilirubin_uln", D("1.2")),
    "hsct": ("yes", "hsct_planned", True),
    "start": ("2026-11-26", "start_date", dt.date(2026, 11, 26)),
    "irr": ("mild", "infusion_reaction", "mild"),
    "age": ("45 years", "age_years", D(45)),
}


@given(
    st.lists(st.sampled_from(sorted(GOOD_PAIRS)), min_size=1, unique=True),
    st.sampled_from(["=", ": ", " ", " = "]),
    st.sampled_from([" ", ", ", "; ", "\n", " ;\n"]),
)
def test_any_combination_of_good_pairs_is_read(
    keys: list[str], assign: str, separator: str
) -> None:
    text = separator.join(f"{key}{assign}{GOOD_PAIRS[key][0]}" for key in keys)
    form = read(text)
    if keys == ["irr"]:  # alone, "irr mild" is the toxicity step's answer
        assert form == QuickForm()
        return
    assert form.problems == []
    assert form.unknown == []
    assert form.is_quick_form
    for key in keys:
        _, field, value = GOOD_PAIRS[key]
        assert form.values[field] == value


FRAGMENTS = st.lists(
    st.one_of(
        st.sampled_from(["bsa", "h", "c", "anc", "plt", "start", "irr", "=", ":", ";", ",", " "]),
        st.sampled_from(list("0123456789.,-/µLx\n")),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300)
@given(
    FRAGMENTS,
    st.sampled_from(["en", "de", "ar", "xx"]),
)
def test_random_text_never_raises(text: str, locale: str) -> None:
    form = parse_quick_form(text, TODAY, locale)
    assert isinstance(form, QuickForm)
    assert form.is_quick_form or form == QuickForm()
    fields = {field for field, _ in KEYS.values()}
    assert set(form.values) <= fields
    for problem in form.problems:
        assert isinstance(problem, Problem)
        assert problem.key in PROBLEM_KEYS
        if problem.key == p.AMBIGUOUS_NUMBER:  # a number of no field yet: its readings
            assert problem.field is None and problem.choices
            continue
        assert problem.field in fields
        assert form.values.get(problem.field) is None


@pytest.mark.parametrize("first", ["dialogs.quickform", "dialogs.readers", "dialogs.steps"])
def test_the_readers_can_be_imported_in_any_order(first: str) -> None:
    """No import cycle (tests/test_architecture.py checks every module on the source)."""
    code = f"import {first}\nimport dialogs.quickform\nimport dialogs.readers\n"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bsa=1,8 cycle=2 response=CRi hsct=no anc=1.5 plt=80",
            {"hsct_planned": False, "anc": Decimal("1.5"), "platelets": Decimal("80")},
        ),
        ("hsct no anc 2 plt 90", {"hsct_planned": False, "anc": Decimal("2")}),
        ("vod no plt 40", {"vod": False, "platelets": Decimal("40")}),
        ("gilbert no bili 2", {"gilbert_or_hemolysis": False, "bilirubin_uln": Decimal("2")}),
        ("c 2 resp no response anc 1", {"response": "none", "anc": Decimal("1")}),
    ],
)
def test_a_no_answer_never_swallows_the_next_key(text: str, expected: dict) -> None:
    form = parse_quick_form(text, TODAY)
    assert not form.unknown and not form.problems, (form.unknown, form.problems)
    for field, value in expected.items():
        assert form.values[field] == value
