"""The lab-unit table (rules/units.py): every factor, the ULN division, rounding at thresholds,
Cockcroft-Gault, and the lab objects of the JSON contract."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.plan_command import plan_json
from rules import PlanRequest, make_plan
from rules import thresholds as t
from rules.units import (
    ULN_PLACES,
    UnitError,
    canonical,
    cockcroft_gault,
    count_per_giga_litre,
    feet_inches_to_cm,
    pounds_to_kg,
    rounded_multiple,
    uln_multiple,
)

D = Decimal


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected"),
    [
        ("bilirubin", "1", "mg/dL", "17.1"),
        ("bilirubin", "1", "umol/L", "1"),
        ("bilirubin", "1", "µmol/L", "1"),
        ("bilirubin", "1", "μmol / l", "1"),  # Greek mu, spaces
        ("creatinine", "1", "mg/dL", "88.4"),
        ("creatinine", "88.4", "µmol/L", "88.4"),
        ("ast", "1", "µkat/L", "60"),
        ("alt", "1", "ukat/l", "60"),
        ("ast", "40", "U/L", "40"),
        ("ast", "40", "IU/L", "40"),
        ("alt", "40", "UI/L", "40"),
    ],
)
def test_every_factor(analyte: str, value: str, unit: str, expected: str) -> None:
    assert canonical(analyte, D(value), unit) == D(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("analyte", "unit"), [("bilirubin", "U/L"), ("ast", "mg/dL"), ("alt", "")])
def test_a_unit_of_another_analyte_is_refused(analyte: str, unit: str) -> None:
    with pytest.raises(UnitError):
        canonical(analyte, D(1), unit)  # type: ignore[arg-type]


def test_count_height_and_weight_factors() -> None:
    assert count_per_giga_litre(D(1500), per_microlitre=True) == D("1.5")
    assert count_per_giga_litre(D("1.5"), per_microlitre=False) == D("1.5")
    assert feet_inches_to_cm(5, D(11)) == D("180.34")
    assert pounds_to_kg(D(1)) == D("0.45359237")


def test_the_uln_division_is_decimal_and_rounds_up_to_two_places() -> None:
    assert uln_multiple("bilirubin", D(34), "umol/L", D(21)) == D("1.62")  # 1.619…
    assert uln_multiple("bilirubin", D("31.5"), "umol/L", D(21)) == D("1.5")  # exactly 1.5
    assert uln_multiple("bilirubin", D(2), "mg/dL", D(21), "umol/L") == D("1.63")  # 34.2 / 21
    assert uln_multiple("ast", D(2), "µkat/L", D(40), "U/L") == D(3)  # 120 U/L / 40
    assert uln_multiple("ast", D(120), "U/L", D(40)) == D(3)
    with pytest.raises(UnitError):
        uln_multiple("ast", D(120), "U/L", D(0))


@pytest.mark.parametrize(
    "threshold",
    [t.BILIRUBIN_MAX_ULN, t.TRANSAMINASE_MAX_ULN, t.TRANSAMINASE_GRADE2_ULN, D(1)],
)
def test_rounding_up_changes_no_comparison_with_a_liver_threshold(threshold: Decimal) -> None:
    """The proof in rules/units.py needs every liver threshold on the 0.01 grid."""
    assert threshold == threshold.quantize(ULN_PLACES)
    for delta in (D("-0.01"), D("-0.0001"), D(0), D("1e-20"), D("0.0001"), D("0.01")):
        exact = threshold + delta
        assert (rounded_multiple(exact) > threshold) == (exact > threshold)


def _decision(**lab: object) -> str:
    return make_plan(PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, **lab})).decision


def test_bilirubin_exactly_one_and_a_half_uln_after_conversion_is_not_above_it() -> None:
    at = {"bilirubin": {"value": D("31.5"), "unit": "umol/L", "uln": D(21)}}
    above = {"bilirubin": {"value": D("31.6"), "unit": "umol/L", "uln": D(21)}}
    in_mg = {
        "bilirubin": {"value": D("1.5"), "unit": "mg/dL", "uln": D("17.1"), "uln_unit": "µmol/L"}
    }
    assert _decision(**at) == "give"
    assert _decision(**in_mg) == "give"  # 25.65 / 17.1 = 1.5
    assert _decision(**above) == "hold"  # 1.505 → 1.51, above 1.5 ×ULN


def test_cockcroft_gault() -> None:
    # (140 − 60) × 72 / (72 × 1.0) = 80 mL/min; women × 0.85.
    assert cockcroft_gault(D(1), "mg/dL", D(60), D(72), "male") == D(80)
    assert cockcroft_gault(D("88.4"), "µmol/L", D(60), D(72), "male") == D(80)
    assert cockcroft_gault(D(1), "mg/dL", D(60), D(72), "female") == D(68)
    assert cockcroft_gault(D(2), "mg/dL", D(40), D(50), "male") == D("34.7")


def test_creatinine_gives_the_crcl_the_renal_rule_reads() -> None:
    request = PlanRequest.model_validate(
        {
            "height_cm": "175",
            "weight_kg": "72",
            "cycle": 1,
            "age_years": "60",
            "sex": "male",
            "creatinine": {"value": 2, "unit": "mg/dL"},
        }
    )
    assert request.crcl_ml_min == D(40)
    assert "renal_no_adjustment" in [w.code for w in make_plan(request).warnings]
    with pytest.raises(ValidationError, match="creatinine"):
        PlanRequest.model_validate(
            {"bsa_m2": "1.8", "cycle": 1, "creatinine": {"value": 2, "unit": "mg/dL"}}
        )


def _json(request: dict[str, object]) -> tuple[int, dict]:
    return plan_json(json.dumps(request))


@pytest.mark.parametrize(
    ("lab", "field"),
    [
        ({"bilirubin": {"value": 34, "unit": "umol/L"}}, "bilirubin"),
        ({"ast": {"value": 120, "unit": "U/L"}}, "ast"),
        ({"alt": {"value": 2, "unit": "µkat/L"}}, "alt"),
        ({"ast": {"value": 120, "unit": "mg/dL", "uln": 40}}, "ast"),
        ({"ast": {"value": "120", "unit": "U/L", "uln": 40}}, "ast.value"),
        ({"bilirubin": {"value": 34, "unit": "umol/L", "uln": 0}}, "bilirubin.uln"),
        (
            {"bilirubin": {"value": 34, "unit": "umol/L", "uln": 21}, "bilirubin_uln": 1},
            "bilirubin",
        ),
        ({"bilirubin": {"value": 2000, "unit": "umol/L", "uln": 21}}, "bilirubin"),
    ],
)
def test_the_json_contract_refuses_an_absolute_value_without_its_uln(
    lab: dict[str, object], field: str
) -> None:
    code, document = _json({"bsa_m2": 1.8, "cycle": 1, **lab})
    assert code == 2
    assert document["error"]["field"] == field


def test_the_json_plan_carries_the_inputs() -> None:
    code, document = _json(
        {"bsa_m2": 1.8, "cycle": 1, "bilirubin": {"value": 34, "unit": "umol/L", "uln": 21}}
    )
    assert code == 0
    bili = next(item for item in document["inputs"] if item["field"] == "bilirubin_uln")
    assert bili["given"] == 34
    assert bili["unit"] == "µmol/L"
    assert bili["used"] == 1.62
    assert bili["uln"] == 21
    assert [item["field"] for item in document["inputs"]] == ["bsa_m2", "cycle", "bilirubin_uln"]


_UNITS = {
    "bilirubin": [("umol/L", D(1)), ("mg/dL", D("17.1"))],
    "ast": [("U/L", D(1)), ("IU/L", D(1)), ("µkat/L", D(60))],
    "alt": [("U/L", D(1)), ("µkat/L", D(60))],
}


@settings(max_examples=200, deadline=None)
@given(
    analyte=st.sampled_from(sorted(_UNITS)),
    hundredths=st.integers(min_value=0, max_value=1000),
    uln=st.integers(min_value=10, max_value=60),
    unit_index=st.integers(min_value=0, max_value=2),
)
def test_a_value_in_any_unit_gives_the_plan_of_the_same_value_in_times_uln(
    analyte: str, hundredths: int, uln: int, unit_index: int
) -> None:
    multiple = D(hundredths) / 100  # on the 0.01 grid, so the ×ULN request is the same value
    unit, factor = _UNITS[analyte][unit_index % len(_UNITS[analyte])]
    # The value in the unit drawn, its ULN in the canonical unit (µmol/L, U/L): the conversion
    # is exercised, and the exact quotient is the multiple on the grid.
    canonical_unit = _UNITS[analyte][0][0]
    lab = {"value": multiple * uln, "unit": unit, "uln": uln * factor, "uln_unit": canonical_unit}
    base = {"bsa_m2": "1.8", "cycle": 1}
    absolute = make_plan(PlanRequest.model_validate({**base, analyte: lab}))
    times_uln = make_plan(PlanRequest.model_validate({**base, f"{analyte}_uln": multiple}))
    assert absolute.model_dump(exclude={"inputs"}) == times_uln.model_dump(exclude={"inputs"})


# Creatinine → Cockcroft-Gault CrCl ------------------------------------------------------

_PATIENT = {"height_cm": 175, "weight_kg": 72, "cycle": 1, "age_years": 60, "sex": "male"}


def test_a_typed_crcl_must_agree_with_the_creatinine_given_with_it() -> None:
    # The CrCl a creatinine gives may be given too (a stored request holds both) ...
    both = {**_PATIENT, "creatinine": {"value": 2, "unit": "mg/dL"}, "crcl_ml_min": 40}
    assert PlanRequest.model_validate(both).crcl_ml_min == D(40)
    # ... but another one is refused, the creatinine named: which is meant is not ours to pick.
    code, document = _json({**both, "crcl_ml_min": 80})
    assert code == 2 and document["error"]["field"] == "creatinine"


def test_the_json_plan_reads_back_the_creatinine_and_the_crcl_it_gave() -> None:
    code, document = _json({**_PATIENT, "creatinine": {"value": 176.8, "unit": "umol/L"}})
    assert code == 0
    crcl = next(item for item in document["inputs"] if item["field"] == "crcl_ml_min")
    assert crcl["given"] == 176.8 and crcl["unit"] == "µmol/L"
    assert crcl["used"] == 40 and crcl["used_unit"] == "mL/min"  # 176.8 µmol/L = 2 mg/dL


def test_a_stored_request_with_a_creatinine_reads_back_as_the_same_plan() -> None:
    from dialogs.verify import from_document, stored_document

    request = PlanRequest.model_validate({**_PATIENT, "creatinine": {"value": 2, "unit": "mg/dL"}})
    plan = make_plan(request)
    read = from_document(json.loads(json.dumps(stored_document(request, plan))))
    assert read is not None and read == (request, plan)


@settings(max_examples=200, deadline=None)
@given(
    tenths=st.integers(min_value=3, max_value=150),  # 0.3-15 mg/dL
    age=st.integers(min_value=18, max_value=100),
    weight=st.integers(min_value=35, max_value=150),
    sex=st.sampled_from(["female", "male"]),
    in_micromoles=st.booleans(),
)
def test_a_creatinine_in_any_unit_gives_the_plan_of_the_crcl_it_gives(
    tenths: int, age: int, weight: int, sex: str, in_micromoles: bool
) -> None:
    mg_dl = D(tenths) / 10
    lab = (
        {"value": mg_dl * D("88.4"), "unit": "µmol/L"}
        if in_micromoles
        else {"value": mg_dl, "unit": "mg/dL"}
    )
    patient = {**_PATIENT, "age_years": age, "weight_kg": weight, "sex": sex}
    from_creatinine = make_plan(PlanRequest.model_validate({**patient, "creatinine": lab}))
    crcl = cockcroft_gault(mg_dl, "mg/dL", D(age), D(weight), sex)  # type: ignore[arg-type]
    typed = make_plan(PlanRequest.model_validate({**patient, "crcl_ml_min": min(crcl, D(300))}))
    assert from_creatinine.model_dump(exclude={"inputs"}) == typed.model_dump(exclude={"inputs"})


def test_a_lab_value_read_without_a_unit_is_a_multiple_and_says_so() -> None:
    untyped = {"value": 3, "unit": "xULN", "unit_typed": False}
    request = PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "ast": untyped})
    assert request.ast_uln == D(3)
    ast = next(item for item in request.inputs() if item.field == "ast_uln")
    assert ast.unit_typed is False and ast.used == D(3) and ast.uln is None
    # Only a multiple can have been read without its unit.
    with pytest.raises(ValidationError, match="unit_typed"):
        PlanRequest.model_validate(
            {"bsa_m2": "1.8", "cycle": 1, "ast": {**untyped, "unit": "U/L", "uln": 40}}
        )
