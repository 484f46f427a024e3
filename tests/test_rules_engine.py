"""One test per rule id (named after it), asserting the numbers of the seed and the label."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from rules import RULES, Plan, PlanRequest, make_plan

D = Decimal


def plan(**fields: Any) -> Plan:
    fields.setdefault("bsa_m2", "1.8")
    return make_plan(PlanRequest.model_validate(fields))


def codes(result: Plan) -> dict[str, str]:
    return {warning.code: warning.severity for warning in result.warnings}


def warning(result: Plan, code: str) -> str:
    return next(w.message for w in result.warnings if w.code == code)


# Regimen and arithmetic ----------------------------------------------------------------


def test_cycle1_regimen() -> None:
    result = plan(cycle=1)
    assert result.decision == "give" and "cycle1_regimen" in result.rules
    assert [(d.day, d.mg_per_m2) for d in result.doses] == [
        (1, D("0.8")),
        (8, D("0.5")),
        (15, D("0.5")),
    ]
    assert [d.mg for d in result.doses] == [D("1.44"), D("0.9"), D("0.9")]
    assert [d.ml for d in result.doses] == [D("5.76"), D("3.6"), D("3.6")]
    assert [d.vials for d in result.doses] == [2, 1, 1]
    assert result.total_mg_per_m2 == D("1.8") and result.total_mg == D("3.24")
    assert result.cycle_length_days == 21 and result.cycle_length_max_days == 28


def test_cycle1_extension() -> None:
    result = plan(cycle=1)
    assert codes(result)["cycle1_extension"] == "info"
    assert "28 days" in warning(result, "cycle1_extension")
    assert "cycle1_extension" not in codes(plan(cycle=2, response="CR"))


def test_later_cycle_response() -> None:
    for response in ("CR", "CRi"):
        result = plan(cycle=2, response=response)
        assert "later_cycle_response" in result.rules
        assert [d.mg_per_m2 for d in result.doses] == [D("0.5")] * 3
        assert [d.mg for d in result.doses] == [D("0.9")] * 3
        assert result.total_mg_per_m2 == D("1.5") and result.total_mg == D("2.7")
        assert result.cycle_length_days == 28


def test_later_cycle_no_response() -> None:
    result = plan(cycle=2, response="none")
    assert "later_cycle_no_response" in result.rules
    assert [d.mg for d in result.doses] == [D("1.44"), D("0.9"), D("0.9")]
    assert result.total_mg_per_m2 == D("1.8") and result.cycle_length_days == 28


def test_schedule_window() -> None:
    result = plan(cycle=1, start_date="2026-11-25")
    assert [d.date for d in result.doses] == [
        dt.date(2026, 11, 25),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 9),
    ]
    assert "6 days" in warning(result, "schedule_window")


def test_bsa_formula() -> None:
    assert plan(bsa_m2=None, height_cm="175", weight_kg="70", cycle=1).bsa_m2 == D("1.84")
    mosteller = plan(bsa_m2=None, height_cm="170", weight_kg="120", cycle=1)
    dubois = plan(bsa_m2=None, height_cm="170", weight_kg="120", cycle=1, bsa_formula="dubois")
    assert (mosteller.bsa_m2, mosteller.bsa_method) == (D("2.38"), "mosteller")
    assert (dubois.bsa_m2, dubois.bsa_method) == (D("2.28"), "dubois")
    assert "bsa_formula" in mosteller.rules
    # 175 cm / 70 kg: 0.5 × 1.84 = 0.92 mg, just above one 0.9 mg vial.
    day8 = plan(bsa_m2=None, height_cm="175", weight_kg="70", cycle=1).doses[1]
    assert (day8.mg, day8.vials) == (D("0.92"), 2)


def test_rounding_convention() -> None:
    result = plan(bsa_m2="2.38", cycle=1)
    assert [d.mg for d in result.doses] == [D("1.9"), D("1.19"), D("1.19")]  # 1.904 → 1.9
    assert [d.vials for d in result.doses] == [3, 2, 2]
    assert result.total_mg == D("4.28")
    assert "half-up" in warning(result, "rounding_convention")


def test_bsa_unusual() -> None:
    assert codes(plan(bsa_m2="0.7", cycle=1))["bsa_unusual"] == "caution"
    assert codes(plan(bsa_m2="2.6", cycle=1))["bsa_unusual"] == "caution"
    assert "bsa_unusual" not in codes(plan(bsa_m2="1.8", cycle=1))
    assert plan(bsa_m2="2.6", cycle=1).doses[0].mg == D("2.08"), "never capped"


# Duration ------------------------------------------------------------------------------


def test_max_cycles_hsct() -> None:
    assert plan(cycle=1, hsct_planned=True).max_cycles == 2
    assert codes(plan(cycle=2, response="CR", hsct_planned=True))["max_cycles"] == "info"
    proceed = plan(cycle=3, response="CR", hsct_planned=True, mrd_negative=True)
    assert proceed.decision == "discontinue" and proceed.doses == []
    third = plan(cycle=3, response="CRi", hsct_planned=True, mrd_negative=False)
    assert third.decision == "give" and codes(third)["hsct_third_cycle"] == "caution"
    unknown = plan(cycle=3, response="CR", hsct_planned=True)
    assert "MRD status decides" in warning(unknown, "hsct_third_cycle")
    assert plan(cycle=4, response="CR", hsct_planned=True).decision == "discontinue"


def test_max_cycles_no_hsct() -> None:
    assert plan(cycle=1).max_cycles == 6
    assert plan(cycle=6, response="CR").decision == "give"
    beyond = plan(cycle=7, response="CR")
    assert beyond.decision == "discontinue" and codes(beyond)["max_cycles"] == "stop"


def test_no_response_3_cycles() -> None:
    assert codes(plan(cycle=3, response="none"))["no_response"] == "caution"
    stop = plan(cycle=4, response="none")
    assert stop.decision == "discontinue" and codes(stop)["no_response"] == "stop"
    assert plan(cycle=4, response="CR").decision == "give"


# Before each dose ----------------------------------------------------------------------


def test_premedication() -> None:
    for result in (plan(cycle=1), plan(cycle=2, response="CR", anc="0.2", anc_baseline="2")):
        assert codes(result)["premedication"] == "info"
        assert "antihistamine" in warning(result, "premedication")


def test_cytoreduction() -> None:
    held = plan(cycle=1, blasts_per_mm3="25000")
    assert held.decision == "hold" and codes(held)["cytoreduction"] == "stop"
    assert "10000/mm³" in warning(held, "cytoreduction")
    assert plan(cycle=1, blasts_per_mm3="10000").decision == "give"
    assert codes(plan(cycle=1))["cytoreduction"] == "info", "reminder when not entered"
    assert "cytoreduction" not in codes(plan(cycle=2, response="CR", blasts_per_mm3="50000"))


@pytest.mark.parametrize("day", [8, 15])
def test_cytoreduction_only_before_the_first_dose(day: int) -> None:
    """USPI 2.2: "prior to the first dose of Cycle 1"; Days 8 and 15 get an info line only."""
    later = plan(cycle=1, day=day, blasts_per_mm3="25000")
    assert later.decision == "give" and codes(later)["cytoreduction"] == "info"
    assert "first dose" in warning(later, "cytoreduction") and later.doses
    assert "cytoreduction" not in codes(plan(cycle=1, day=day)), "no reminder after Day 1"


def test_monitoring() -> None:
    assert "1 hour" in warning(plan(cycle=1), "monitoring")


# Haematological ------------------------------------------------------------------------


def test_hold_anc() -> None:
    held = plan(cycle=2, response="CR", anc="0.7", anc_baseline="1.5", platelets="100")
    assert held.decision == "hold" and held.doses == []
    assert "1 ×10⁹/L" in warning(held, "hold_anc")
    assert plan(cycle=2, response="CR", anc="1", anc_baseline="1.5").decision == "give"


def test_hold_platelets() -> None:
    held = plan(cycle=3, response="CR", platelets="40", platelets_baseline="120", anc="2")
    assert held.decision == "hold" and "50 ×10⁹/L" in warning(held, "hold_platelets")
    assert "transfusion" in warning(held, "hold_platelets")
    assert plan(cycle=3, response="CR", platelets="50", platelets_baseline="120").decision == (
        "give"
    )


def test_hold_counts_low_baseline() -> None:
    above = plan(
        cycle=2,
        response="CRi",
        anc="0.7",
        platelets="35",
        anc_baseline="0.6",
        platelets_baseline="30",
    )
    assert above.decision == "give", "criterion 1: at least the baseline"
    below = plan(
        cycle=2,
        response="CRi",
        anc="0.4",
        platelets="20",
        anc_baseline="0.6",
        platelets_baseline="30",
    )
    assert below.decision == "hold" and "hold_counts_low_baseline" in below.rules
    assert "(3)" in warning(below, "hold_counts")


def test_counts_baseline_unknown() -> None:
    result = plan(cycle=2, response="CR", anc="0.5")
    assert result.decision == "hold" and "counts_baseline_unknown" in result.rules
    assert "baseline" in warning(result, "hold_anc")


def test_counts_within_cycle() -> None:
    result = plan(cycle=1, anc="0.3", platelets="20")
    assert result.decision == "give" and codes(result)["counts_within_cycle"] == "info"
    for day in (8, 15):
        later = plan(
            cycle=2,
            response="CR",
            day=day,
            anc="0.3",
            anc_baseline="2",
            platelets="20",
            platelets_baseline="100",
        )
        assert later.decision == "give", "Days 8 and 15 are not held for cytopenias"
    day1 = plan(cycle=2, response="CR", day=1, anc="0.3", anc_baseline="2")
    assert day1.decision == "hold"
    with pytest.raises(ValidationError):
        PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "day": 9})


def test_discontinue_cytopenia() -> None:
    assert plan(cycle=2, response="CR", cytopenia_days=29).decision == "discontinue"
    assert plan(cycle=2, response="CR", cytopenia_days=28).decision == "give"


# Non-haematological --------------------------------------------------------------------


def test_discontinue_vod() -> None:
    result = plan(cycle=1, vod=True)
    assert result.decision == "discontinue" and codes(result)["discontinue_vod"] == "stop"


def test_hold_liver() -> None:
    both = plan(cycle=1, bilirubin_uln="1.8", alt_uln="3")
    assert both.decision == "hold" and "1.5" in warning(both, "hold_liver")
    assert "liver row" in warning(both, "hold_liver") and "hold_liver" in both.rules
    single = plan(cycle=1, bilirubin_uln="1.6", ast_uln="1", alt_uln="1")
    assert single.decision == "hold" and "grade 2" in warning(single, "hold_liver")
    assert plan(cycle=1, bilirubin_uln="1.5", ast_uln="2.5", alt_uln="2.5").decision == "give"


def test_gilbert_exception() -> None:
    gilbert = plan(
        cycle=1, bilirubin_uln="2.2", ast_uln="1", alt_uln="1", gilbert_or_hemolysis=True
    )
    assert gilbert.decision == "give" and codes(gilbert)["gilbert_exception"] == "caution"
    assert "exempts" in warning(gilbert, "gilbert_exception")
    grade2 = plan(cycle=1, bilirubin_uln="2.2", ast_uln="3.1", gilbert_or_hemolysis=True)
    assert grade2.decision == "hold" and "grade 2" in warning(grade2, "hold_liver")
    assert "not both" not in warning(grade2, "hold_liver")
    grade1 = plan(cycle=1, bilirubin_uln="2.2", ast_uln="3", gilbert_or_hemolysis=True)
    assert grade1.decision == "give" and codes(grade1)["liver_grade1"] == "caution"


def test_infusion_reaction() -> None:
    mild = plan(cycle=1, infusion_reaction="mild")
    assert mild.decision == "give" and codes(mild)["infusion_reaction"] == "caution"
    assert plan(cycle=1, infusion_reaction="severe").decision == "discontinue"


def test_hold_nonheme() -> None:
    assert plan(cycle=1, nonheme_grade=1).decision == "give"
    held = plan(cycle=1, nonheme_grade=3)
    assert held.decision == "hold" and "grade 3" in warning(held, "hold_nonheme")


def test_interruption_table() -> None:
    assert codes(plan(cycle=1, interruption_days=5))["interruption"] == "info"
    assert "omitted" in warning(plan(cycle=1, day=8, interruption_days=9), "interruption")
    reduce = plan(cycle=1, interruption_days=15)
    assert "25 %" in warning(reduce, "interruption") and "dose_reduced" in codes(reduce)
    stop = plan(cycle=1, interruption_days=30)
    assert stop.decision == "hold" and "consider permanent" in warning(stop, "interruption")
    assert "word for word" in warning(stop, "interruption_note")


def test_dose_reduction() -> None:
    no_response = plan(cycle=2, response="none", dose_level=1)
    assert no_response.total_mg_per_m2 == D("1.35") and no_response.total_mg == D("2.43")
    assert no_response.doses == [] and no_response.dose_split_specified is False
    assert "does not say how to split" in warning(no_response, "dose_reduced")
    responded = plan(cycle=2, response="CR", dose_level=1)
    assert responded.total_mg_per_m2 == D("1.125") and responded.total_mg == D("2.03")
    two = plan(cycle=3, response="CR", dose_level=2)
    assert two.doses == [] and "2 doses" in warning(two, "dose_reduced")
    assert two.total_mg is None and two.total_mg_per_m2 is None
    again = plan(cycle=3, response="CR", dose_level=2, interruption_days=14)
    assert again.decision == "discontinue"


# Special populations and class warnings ------------------------------------------------


def test_hepatic_impairment() -> None:
    mild = plan(cycle=1, bilirubin_uln="1.2", ast_uln="1.8")
    assert mild.decision == "give" and codes(mild)["hepatic_impairment"] == "info"
    moderate = plan(cycle=1, bilirubin_uln="2", ast_uln="3")
    assert codes(moderate)["hepatic_impairment"] == "caution"
    assert "hepatic_impairment" not in codes(plan(cycle=1, bilirubin_uln="1", ast_uln="0.9"))


def test_renal_impairment() -> None:
    assert codes(plan(cycle=1, crcl_ml_min="20"))["renal_no_adjustment"] == "info"
    esrd = plan(cycle=1, crcl_ml_min="12")
    assert esrd.decision == "give" and codes(esrd)["renal_esrd"] == "caution"
    assert "renal_esrd" not in codes(plan(cycle=1, crcl_ml_min="95"))


def test_pregnancy() -> None:
    result = plan(cycle=1, sex="female", pregnant=True)
    assert result.decision == "hold" and codes(result)["pregnancy"] == "stop"
    assert "US label" in warning(result, "pregnancy") and "EU" in warning(result, "pregnancy")


def test_contraception() -> None:
    female = plan(cycle=1, sex="female", last_dose_date="2026-06-30")
    assert "8 months" in warning(female, "contraception")
    assert next(w for w in female.warnings if w.code == "contraception").params["until"] == (
        "2027-03-01"
    )
    male = plan(cycle=1, sex="male", last_dose_date="2026-01-31")
    assert "5 months" in warning(male, "contraception") and "2026-07-01" in warning(
        male, "contraception"
    )


def test_lactation() -> None:
    result = plan(cycle=1, sex="female", breastfeeding=True, last_dose_date="2026-12-31")
    assert codes(result)["lactation"] == "caution"
    assert "2027-03-01" in warning(result, "lactation")
    assert "lactation" not in codes(plan(cycle=1, sex="male"))


def test_pediatric() -> None:
    assert codes(plan(cycle=1, bsa_m2="0.7", age_years="4"))["pediatric"] == "info"
    assert plan(cycle=1, bsa_m2="0.4", age_years="0.8").decision == "hold"


def test_boxed_hepatotoxicity_vod() -> None:
    for result in (plan(cycle=1), plan(cycle=7, response="CR"), plan(cycle=1, vod=True)):
        assert codes(result)["boxed_hepatotoxicity_vod"] == "caution"


def test_boxed_post_hsct_mortality() -> None:
    result = plan(cycle=1, hsct_planned=True)
    assert "2 alkylating agents" in warning(result, "boxed_post_hsct_mortality")
    assert "boxed_post_hsct_mortality" not in codes(plan(cycle=1))


def test_qt_prolongation() -> None:
    assert "ECG" in warning(plan(cycle=1), "qt_prolongation")


# Contract ------------------------------------------------------------------------------


def test_every_rule_has_a_test_named_after_it() -> None:
    """Each rule id has a test function `test_<id>` or `test_<id>_…` in a tests/test_rules_*
    module (found by introspection, so a new rule without evidence fails here)."""
    tests: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("test_rules_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        tests |= {name for name, value in vars(module).items() if callable(value)}
    missing = [
        rule.id
        for rule in RULES
        if not any(
            name == f"test_{rule.id}" or name.startswith(f"test_{rule.id}_") for name in tests
        )
    ]
    assert not missing, f"rules without a test: {missing}"
    assert hasattr(sys.modules[__name__], "test_cycle1_regimen")


def test_every_required_warning_code_exists() -> None:
    required = {
        "boxed_hepatotoxicity_vod",
        "boxed_post_hsct_mortality",
        "premedication",
        "cytoreduction",
        "hold_anc",
        "hold_platelets",
        "discontinue_cytopenia",
        "hold_liver",
        "discontinue_vod",
        "infusion_reaction",
        "hold_nonheme",
        "interruption",
        "dose_reduced",
        "max_cycles",
        "no_response",
        "hepatic_impairment",
        "renal_esrd",
        "contraception",
        "lactation",
        "pregnancy",
        "qt_prolongation",
        "cycle1_extension",
        "bsa_unusual",
    }
    scenarios = [
        plan(
            cycle=1,
            hsct_planned=True,
            blasts_per_mm3="20000",
            sex="female",
            pregnant=True,
            crcl_ml_min="10",
            bsa_m2="2.7",
            bilirubin_uln="2",
            ast_uln="3",
            vod=True,
            infusion_reaction="mild",
            nonheme_grade=2,
            interruption_days=15,
        ),
        plan(
            cycle=2,
            response="CR",
            anc="0.5",
            anc_baseline="2",
            platelets="20",
            platelets_baseline="100",
            cytopenia_days=30,
            dose_level=1,
        ),
        plan(cycle=7, response="none"),
        plan(cycle=2, response="none", infusion_reaction="severe"),
    ]
    seen = {w.code for result in scenarios for w in result.warnings}
    assert required <= seen, required - seen


def test_warnings_sorted_by_severity_and_sourced() -> None:
    result = plan(cycle=2, response="none", anc="0.5", anc_baseline="2", crcl_ml_min="12")
    order = {"stop": 0, "caution": 1, "info": 2}
    assert [order[w.severity] for w in result.warnings] == sorted(
        order[w.severity] for w in result.warnings
    )
    assert all(w.source and w.message and w.key for w in result.warnings)


def test_no_message_shows_a_trailing_zero_or_bare_point() -> None:
    result = plan(cycle=2, response="none", anc="0.50", anc_baseline="2.0", bsa_m2="0.90")
    for w in result.warnings:
        assert ".0 " not in w.message and " .5" not in w.message, w.message


@pytest.mark.parametrize(
    "fields",
    [
        {"bsa_m2": "3.6", "cycle": 1},
        {"bsa_m2": "0.1", "cycle": 1},
        {"bsa_m2": "1.8", "cycle": 0},
        {"bsa_m2": "1.8", "cycle": 2},
        {"cycle": 1},
        {"height_cm": "180", "cycle": 1},
        {"height_cm": "250", "weight_kg": "350", "cycle": 1},
        {"bsa_m2": "1.8", "cycle": 1, "anc": "-1"},
        {"bsa_m2": "NaN", "cycle": 1},
        {"bsa_m2": "1.8", "cycle": 1, "unknown": 1},
    ],
)
def test_impossible_requests_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PlanRequest.model_validate(fields)
