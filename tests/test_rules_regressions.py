"""Regressions found in review, each named after the rule it concerns."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from hypothesis import given, settings

from rules import Plan, PlanRequest, make_plan
from tests.test_rules_properties import requests


def plan(**fields: Any) -> Plan:
    fields.setdefault("bsa_m2", "1.8")
    return make_plan(PlanRequest.model_validate(fields))


def messages(result: Plan, code: str) -> list[str]:
    return [w.message for w in result.warnings if w.code == code]


def test_max_cycles_hsct_third_cycle_without_cr_needs_no_mrd() -> None:
    """Label: a third cycle may be considered without CR/CRi AND MRD negativity. Without
    CR/CRi the MRD status cannot change that, so the plan must not say that it decides."""
    result = plan(cycle=3, response="none", hsct_planned=True)
    assert result.decision == "give"
    (third,) = messages(result, "hsct_third_cycle")
    assert "MRD status decides" not in third
    with_cr = plan(cycle=3, response="CRi", hsct_planned=True)
    assert "MRD status decides" in messages(with_cr, "hsct_third_cycle")[0]


def test_dose_reduction_level2_interruption_over_28_days_discontinues() -> None:
    """Table 4 (unconfirmed): not tolerated after the 25 % cut and 2 doses → stop; an
    interruption of more than 28 days is also one of 14 days or more."""
    for days in (14, 20, 28, 29, 40):
        result = plan(cycle=3, response="CR", dose_level=2, interruption_days=days)
        assert result.decision == "discontinue", days
        assert result.doses == []
    assert plan(cycle=3, response="CR", dose_level=1, interruption_days=29).decision == "hold"
    assert plan(cycle=3, response="CR", dose_level=2, interruption_days=13).decision == "give"


def test_dose_reduction_level0_interruption_over_28_days_points_to_level1() -> None:
    result = plan(cycle=2, response="CR", interruption_days=30)
    assert result.decision == "hold" and result.dose_level == 1
    assert any("dose level 1" in text for text in messages(result, "dose_level_applied"))
    within = plan(cycle=2, response="CR", day=8, interruption_days=30)
    assert any("dose level 1" in text for text in messages(within, "dose_reduced"))


def test_hepatic_impairment_not_called_mild_when_bilirubin_is_gilbert() -> None:
    """Seed l.25 'mild' is bilirubin ≤ 1.5 ×ULN; 2.2 ×ULN from Gilbert's is not mild hepatic
    impairment: the Gilbert caution stands alone."""
    result = plan(cycle=1, bilirubin_uln="2.2", gilbert_or_hemolysis=True)
    assert result.decision == "give"
    assert messages(result, "gilbert_exception")
    assert messages(result, "hepatic_impairment") == []
    mild = plan(cycle=1, bilirubin_uln="1.2", ast_uln="1.8")
    assert [w.severity for w in mild.warnings if w.code == "hepatic_impairment"] == ["info"]
    assert mild.bsa_m2 == Decimal("1.8")


def test_rounding_convention_also_for_reduced_totals() -> None:
    """A reduced total is rounded too (1.35 × 1.84 = 2.484 → 2.48 mg): say how."""
    result = plan(cycle=2, response="none", dose_level=1, bsa_m2="1.84")
    assert result.total_mg == Decimal("2.48") and result.doses == []
    assert "rounding_convention" in result.rules
    assert any(w.code == "rounding_convention" for w in result.warnings)


_TRAILING_ZERO = re.compile(r"\d\.\d*0(?!\d)")


@settings(max_examples=200, deadline=None)
@given(requests())
def test_rounding_convention_no_trailing_zero_in_any_message(request: PlanRequest) -> None:
    """ISMP: never "1.0 mg" or "0.90 mg" in what a clinician reads."""
    for warning in make_plan(request).warnings:
        assert not _TRAILING_ZERO.search(warning.message), warning.message


def test_contraception_end_date_rolls_forward_to_the_next_month() -> None:
    """ "At least N months after": a day the target month lacks rolls forward, never back."""
    result = plan(cycle=1, sex="female", last_dose_date="2026-06-30")
    (contraception,) = [w for w in result.warnings if w.code == "contraception"]
    assert contraception.params["until"] == "2027-03-01"
    (lactation,) = [w for w in result.warnings if w.code == "lactation"]
    assert lactation.params["until"] == "2026-08-30"
    male = plan(cycle=1, sex="male", last_dose_date="2027-09-30")
    assert [w.params["until"] for w in male.warnings if w.code == "contraception"] == ["2028-03-01"]
    august = plan(cycle=1, sex="female", last_dose_date="2026-08-31")
    assert [w.params["until"] for w in august.warnings if w.code == "contraception"] == [
        "2027-05-01"
    ]


def test_interruption_table_one_plain_note_that_table4_is_unconfirmed() -> None:
    """Table 4 is not confirmed verbatim: one note in the plan says so whenever a Table 4 row
    applies (an interruption or a reduced level), and none otherwise."""
    cases = [
        plan(cycle=2, response="CR", interruption_days=days, dose_level=level, day=day)
        for days in (3, 8, 15, 30)
        for level in (0, 1, 2)
        for day in (1, 8, 15)
    ]
    for result in cases:
        assert len(messages(result, "interruption_note")) == 1
    assert messages(plan(cycle=2, response="CR"), "interruption_note") == []
    assert messages(plan(cycle=2, response="CR", interruption_days=0), "interruption_note") == []


def test_counts_baseline_unknown_holds_with_a_caution() -> None:
    """Brief: a low count with an unknown baseline holds, with a caution (clinician decides
    which Table 2 row applies), not a stop like a confirmed hold."""
    result = plan(cycle=2, response="CR", anc="0.5", platelets="30")
    assert result.decision == "hold" and result.doses == []
    shown = {w.code: w.severity for w in result.warnings}
    assert shown["hold_anc"] == "caution" and shown["hold_platelets"] == "caution"
    assert "counts_baseline_unknown" in result.rules
    known = plan(cycle=2, response="CR", anc="0.5", anc_baseline="2")
    assert {w.code: w.severity for w in known.warnings}["hold_anc"] == "stop"


def test_dose_reduction_level1_interruption_points_to_level2() -> None:
    """Table 4 (unconfirmed): after the 25 % cut, a further ≥ 14-day interruption means 2 doses
    per cycle for the next cycle."""
    result = plan(cycle=3, response="CR", dose_level=1, day=8, interruption_days=15)
    assert result.decision == "give" and result.doses == []
    texts = messages(result, "dose_reduced")
    assert any("dose level 2" in text for text in texts), texts


def test_hepatic_impairment_mild_transaminases_with_gilbert_bilirubin() -> None:
    """Gilbert's exempts the bilirubin only: AST 1.5 ×ULN is still mild impairment (seed l.25)."""
    result = plan(cycle=1, bilirubin_uln="2.2", ast_uln="1.5", gilbert_or_hemolysis=True)
    assert result.decision == "give"
    assert [w.severity for w in result.warnings if w.code == "hepatic_impairment"] == ["info"]


def test_liver_single_value_transaminase_grade1_gives_with_a_caution() -> None:
    """ALT 2.6 ×ULN is CTCAE grade 1 (grade 2 starts above 3 ×ULN): given, with a caution that
    names the value and the rule, never a claim of grade 2."""
    result = plan(cycle=1, alt_uln="2.6")
    assert result.decision == "give" and result.doses
    (text,) = messages(result, "liver_grade1")
    assert "2.6" in text and "grade 1" in text and "grade 2" not in text


def test_discontinue_cytopenia_eu_difference_marked_unconfirmed() -> None:
    result = plan(cycle=2, response="CR", cytopenia_days=35)
    assert result.decision == "discontinue"
    (text,) = messages(result, "discontinue_cytopenia")
    assert "35 days" in text and "Table 4, wording unconfirmed" in text


def test_rounding_convention_number_display() -> None:
    from rules.numbers import format_decimal_plain, round_half_up

    cases = {"0.90": "0.9", "1.00": "1", "2.025": "2.025", "2.5E+4": "25000", "-0.0": "0"}
    for text, shown in cases.items():
        assert format_decimal_plain(Decimal(text)) == shown, text
    assert format_decimal_plain(7) == "7"
    assert round_half_up(Decimal("2.5"), 0) == 3 and round_half_up(Decimal("1.005")) == Decimal(
        "1.01"
    )
    assert round_half_up(Decimal("0.675")) == Decimal("0.68")
    negative_zero = plan(cycle=2, response="CR", anc="-0.0", anc_baseline="2")
    assert "ANC 0 ×10⁹/L" in messages(negative_zero, "hold_anc")[0]
