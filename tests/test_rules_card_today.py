"""The card says what to do today, for every patient it can be asked about: the rules' side.

One test per point, named after its rule id or outcome: the day's action in the plan, the
population when the age is not entered, children under the US label, Table 3's first row, the
last cycle to reach CR/CRi, the EU contraindications of SmPC 4.3, CTCAE v5.0 in the sources,
the reading of an entered dose level, and the read-back of every field that shaped the plan.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from rules import PlanRequest, make_plan
from rules.models import Plan
from rules.protocol import Protocol
from rules.thresholds import (
    BILIRUBIN_GRADE3_ULN,
    RESPONSE_WITHIN_CYCLES,
    TRANSAMINASE_GRADE3_ULN,
)

BASE: dict[str, Any] = {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "age_years": "40"}


def plan(**fields: Any) -> Plan:
    return make_plan(PlanRequest.model_validate({**BASE, **fields}))


def codes(result: Plan) -> dict[str, str]:
    return {w.code: w.severity for w in result.warnings}


def keys(result: Plan) -> set[str]:
    return {w.key for w in result.warnings}


# The day's action ----------------------------------------------------------------------------


def test_day_action_absent_when_no_day_was_given() -> None:
    assert plan().day_action is None
    dumped = json.loads(plan().model_dump_json())
    assert dumped["day_action"] is None and dumped["decision"] == "give"


@pytest.mark.parametrize(
    ("fields", "action", "decision"),
    [
        ({"day": 1}, "give", "give"),
        ({"day": 8, "interruption_days": 9}, "omit", "give"),
        ({"day": 15, "interruption_days": 9}, "omit", "hold"),  # the cycle's last dose
        ({"day": 8, "interruption_days": 3}, "late", "give"),
        ({"day": 1, "anc": "0.6", "anc_baseline": "2"}, "hold", "hold"),
        ({"day": 8, "vod": True}, "discontinue", "discontinue"),
    ],
)
def test_day_action_says_what_to_do_on_the_day(
    fields: dict[str, Any], action: str, decision: str
) -> None:
    result = plan(**fields)
    assert (result.day_action, result.decision) == (action, decision)
    assert json.loads(result.model_dump_json())["day_action"] == action


def test_day_action_hold_lists_the_doses_once_recovered_not_today() -> None:
    result = plan(day=1, anc="0.6", anc_baseline="2")
    assert result.doses == [] and [d.day for d in result.doses_once_recovered] == [1, 8, 15]
    assert {d.mg for d in result.doses_once_recovered} == {Decimal("0.9")}
    assert plan().doses_once_recovered == []


# Population and children ---------------------------------------------------------------------


@pytest.mark.parametrize("label", ["US", "EU"])
def test_pediatric_age_not_entered_is_a_caution_under_both_profiles(label: str) -> None:
    fields = {"bsa_m2": "0.6", "cycle": 1, "label": label}
    result = make_plan(PlanRequest.model_validate(fields))
    (warning,) = [w for w in result.warnings if w.code == "pediatric"]
    assert warning.severity == "caution" and result.decision == "give"
    assert ("USPI" if label == "US" else "SmPC") in warning.message
    assert "pediatric" in result.rules


def test_pediatric_age_not_entered_suppressed_for_an_adult_only_service() -> None:
    adults_only = Protocol.model_validate({"site": {"adult_only_service": True}})
    request = PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "label": "EU"})
    assert "pediatric" in codes(make_plan(request))
    assert "pediatric" not in codes(make_plan(request, adults_only))
    # An age given still checks the population, whatever the setting.
    child = PlanRequest.model_validate({"bsa_m2": "1", "cycle": 1, "label": "EU", "age_years": 9})
    assert make_plan(child, adults_only).decision == "hold"


def test_pediatric_preparation_under_18_us_cites_uspi_2_4() -> None:
    result = make_plan(PlanRequest.model_validate({"bsa_m2": "0.6", "cycle": 1, "age_years": 6}))
    (warning,) = [w for w in result.warnings if w.code == "pediatric_preparation"]
    assert "USPI 2.4" in warning.source and warning.severity == "info"
    adult = make_plan(PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "age_years": 30}))
    assert "pediatric_preparation" not in codes(adult)


def test_bsa_unusual_pediatric_cites_no_obese_adult_guideline() -> None:
    child = make_plan(PlanRequest.model_validate({"bsa_m2": "0.6", "cycle": 1, "age_years": 6}))
    (warning,) = [w for w in child.warnings if w.code == "bsa_unusual"]
    assert "ASCO" not in warning.source + str(warning.sources) and "bsa_unusual_pediatric" in (
        child.rules
    )
    adult = make_plan(PlanRequest.model_validate({"bsa_m2": "0.9", "cycle": 1, "age_years": 30}))
    assert "ASCO" in str([w.sources for w in adult.warnings if w.code == "bsa_unusual"])


def test_pediatric_no_cockcroft_gault_under_18() -> None:
    creatinine = {"value": 40, "unit": "umol/L"}
    fields = {"bsa_m2": "1", "cycle": 1, "age_years": 12, "weight_kg": 30, "sex": "male"}
    with pytest.raises(ValidationError, match="adult formula"):
        PlanRequest.model_validate({**fields, "creatinine": creatinine})
    assert PlanRequest.model_validate({**fields, "age_years": 18, "creatinine": creatinine})


# Table 3, the EU label, sources ---------------------------------------------------------------


@pytest.mark.parametrize(
    "liver",
    [
        {"alt_uln": "25"},
        {"ast_uln": str(TRANSAMINASE_GRADE3_ULN + Decimal("0.1"))},
        {"bilirubin_uln": "3.5"},
        {"bilirubin_uln": "3.5", "ast_uln": "3"},
    ],
)
def test_liver_severe_grade_3_names_table_3_first_row_and_holds(liver: dict[str, str]) -> None:
    result = plan(**liver)
    assert codes(result)["liver_severe"] == "stop" and result.decision in ("hold", "discontinue")
    (warning,) = [w for w in result.warnings if w.code == "liver_severe"]
    assert "first row" in warning.message and "clinician decides" in warning.message
    assert "CTCAE v5.0" in warning.source


@pytest.mark.parametrize(
    "liver",
    [
        {"alt_uln": str(TRANSAMINASE_GRADE3_ULN)},
        {"bilirubin_uln": str(BILIRUBIN_GRADE3_ULN)},
        {"bilirubin_uln": "4", "gilbert_or_hemolysis": True},
    ],
)
def test_liver_severe_not_below_grade_3_nor_for_an_exempt_bilirubin(liver: dict[str, Any]) -> None:
    assert "liver_severe" not in codes(plan(**liver))


@pytest.mark.parametrize("label", ["US", "EU"])
def test_liver_single_value_and_hold_nonheme_cite_ctcae_v5_under_both_profiles(label: str) -> None:
    result = plan(label=label, alt_uln="4", nonheme_grade=2)
    for warning in result.warnings:
        if warning.key.startswith(("AST/ALT", "Non-haematological")):
            assert "CTCAE v5.0 (2017)" in warning.source


def test_liver_single_value_messages_show_no_placeholder_for_a_value_not_entered() -> None:
    for fields in ({"alt_uln": "4"}, {"bilirubin_uln": "2"}, {"ast_uln": "2.8"}):
        for warning in plan(**fields).warnings:
            assert "–" not in warning.message and "AST -" not in warning.message


def test_boxed_hepatotoxicity_vod_is_never_titled_boxed_under_the_eu_profile() -> None:
    result = plan(label="EU", hsct_planned=True)
    boxed = [w for w in result.warnings if w.code.startswith("boxed_")]
    assert len(boxed) == 2
    for warning in boxed:
        assert "Boxed" not in warning.message and "SmPC 4.4" in warning.source
    assert all(
        "Boxed warning" in w.message
        for w in plan(hsct_planned=True).warnings
        if w.code.startswith("boxed_")
    )


@pytest.mark.parametrize("flag", ["hypersensitivity", "prior_vod", "serious_liver_disease"])
def test_eu_contraindications_cite_smpc_4_3_and_stop(flag: str) -> None:
    result = plan(label="EU", **{flag: True})
    (warning,) = [w for w in result.warnings if w.code == "eu_contraindications"]
    assert warning.severity == "stop" and result.decision == "discontinue"
    assert "SmPC 4.3" in warning.source and "hypersensitivity" in warning.message


def test_eu_contraindications_unknown_names_hypersensitivity_before_the_first_dose() -> None:
    result = make_plan(PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "label": "EU"}))
    (warning,) = [w for w in result.warnings if w.code == "eu_contraindications"]
    assert "hypersensitivity" in warning.message and "SmPC 4.3" in warning.source


def test_eu_contraindications_hypersensitivity_under_us_is_a_caution() -> None:
    result = plan(hypersensitivity=True)
    assert codes(result)["hypersensitivity"] == "caution" and result.decision == "give"


def test_no_response_3_cycles_cycle_3_is_the_last_cycle_to_reach_cr() -> None:
    third = plan(cycle=RESPONSE_WITHIN_CYCLES, response="none")
    (warning,) = [w for w in third.warnings if w.code == "no_response"]
    assert "last cycle to reach CR/CRi" in warning.message and "yet" in warning.message
    second = plan(cycle=2, response="none")
    (earlier,) = [w for w in second.warnings if w.code == "no_response"]
    assert "last cycle" not in earlier.message


# The dose level entered after a long interruption at Day 1 -------------------------------------


def test_dose_reduction_reading_not_said_steps_and_says_so() -> None:
    result = plan(dose_level=1, interruption_days=14, day=1)
    assert result.dose_level == 2 and result.dose_level_reading == "before_interruption"
    assert not result.dose_level_reading_stated
    assert codes(result)["dose_level_reading"] == "caution"


def test_dose_reduction_reading_at_level_2_says_the_next_step_is_to_discontinue() -> None:
    result = plan(dose_level=2, interruption_days=15, day=1)
    assert result.decision == "discontinue" and codes(result)["dose_level_reading"] == "caution"
    kept = plan(dose_level=2, interruption_days=15, day=1, dose_level_includes_interruption=True)
    assert kept.decision == "give" and kept.dose_level == 2


def test_dose_reduction_reading_included_is_not_applied_twice() -> None:
    result = plan(dose_level=1, interruption_days=14, day=1, dose_level_includes_interruption=True)
    assert result.dose_level == 1 and result.dose_level_reading == "includes_interruption"
    assert result.dose_level_reading_stated
    stated = plan(dose_level=1, interruption_days=14, dose_level_includes_interruption=False)
    assert stated.dose_level == 2 and "dose_level_reading" not in codes(stated)


# The read-back ---------------------------------------------------------------------------------


def test_inputs_list_every_field_that_shaped_the_plan() -> None:
    result = plan(
        day=8,
        dose_level=1,
        interruption_days=3,
        hsct_planned=True,
        mrd_negative=False,
        label="EU",
        sex="female",
        last_dose_date="2026-11-20",
        gilbert_or_hemolysis=True,
        vod=False,
        nonheme_grade=1,
        cytopenia_days=5,
    )
    used = {item.field: item.used for item in result.inputs}
    assert used["day"] == 8 and used["dose_level"] == 1 and used["interruption_days"] == 3
    assert used["hsct_planned"] is True and used["mrd_negative"] is False
    assert used["label"] == "EU" and used["age_years"] == Decimal(40) and used["sex"] == "female"
    assert used["last_dose_date"] == "2026-11-20" and used["gilbert_or_hemolysis"] is True
    assert used["nonheme_grade"] == 1 and used["cytopenia_days"] == 5
    assert "vod" not in used  # at its default: plans as if not given
    dumped = json.loads(result.model_dump_json())
    assert {"day", "sex", "last_dose_date"} <= {item["field"] for item in dumped["inputs"]}
    assert "day" not in {item.field for item in plan().inputs}  # no day given: not read back
    assert "day" in {item.field for item in plan(day=1).inputs}  # Day 1 given: read back


def test_day_action_survives_a_stored_request_read_back() -> None:
    """A request stored as JSON and read back plans the same: `day` is written only when
    given, so the fingerprint tells a day given from the default."""
    from rules.receipt import fingerprint

    for fields in ({}, {"day": 1}):
        request = PlanRequest.model_validate({**BASE, **fields})
        again = PlanRequest.model_validate(request.model_dump(mode="json", round_trip=True))
        assert make_plan(again) == make_plan(request)
    default = PlanRequest.model_validate(BASE)
    assert fingerprint(default, "v") != fingerprint(
        PlanRequest.model_validate({**BASE, "day": 1}), "v"
    )
