"""The label profiles in the engine: every row that differs between the US and EU labels, per
profile, and the citations each warning carries (rules/labels.py, docs/clinical-basis.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rules import Plan, PlanRequest, make_plan
from rules.labels import LABEL_PROFILES, PROFILES, Profile, citations_for, source_line
from rules.ruleset import OUTCOME_BY_NAME, PROFILE_OUTCOMES
from rules.thresholds import ADULT_AGE_YEARS, CYTOPENIA_MAX_DAYS, MIN_AGE_US_YEARS, VIAL_MG

D = Decimal


def plan(**fields: Any) -> Plan:
    fields.setdefault("bsa_m2", "1.8")
    return make_plan(PlanRequest.model_validate(fields))


def by_code(result: Plan) -> dict[str, Any]:
    return {warning.code: warning for warning in result.warnings}


def test_label_defaults_to_us_and_is_in_the_plan() -> None:
    assert PlanRequest(bsa_m2=D("1.8"), cycle=1).label == "US"
    assert plan(cycle=1).label == "US"
    assert plan(cycle=1, label="EU").label == "EU"
    with pytest.raises(ValueError):
        PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, "label": "UK"})


@pytest.mark.parametrize("profile", PROFILES)
def test_every_warning_cites_its_rule_under_the_profile(profile: Profile) -> None:
    request = {"cycle": 2, "response": "CR", "anc": "0.5", "anc_baseline": "2", "label": profile}
    result = plan(**request, age_years="30", sex="female", crcl_ml_min="50", hsct_planned=True)
    outcome_rule = {o.template: o.rule for o in OUTCOME_BY_NAME.values()}
    for warning in result.warnings:
        citations = citations_for(outcome_rule[warning.key], profile)
        assert warning.source == source_line(citations)
        assert [(s.kind, s.reference) for s in warning.sources] == [
            (c.kind, c.reference()) for c in citations
        ]
        assert not any(word in warning.source for word in ("seed", "ref §", "convention"))
    hold = by_code(result)["hold_anc"]
    label = "USPI 2.3, Table 2 (03/2024)" if profile == "US" else "SmPC 4.2, Table 2 (02/2022)"
    assert hold.source == label


def test_pediatric_us_informs_eu_stops() -> None:
    child = {"cycle": 1, "bsa_m2": "0.8", "age_years": "10"}
    us, eu = plan(**child), plan(**child, label="EU")
    assert us.decision == "give" and by_code(us)["pediatric"].severity == "info"
    assert eu.decision == "hold" and eu.doses == []
    stop = by_code(eu)["pediatric"]
    assert stop.severity == "stop" and "adults only" in stop.message
    assert stop.params["adult_age"] == ADULT_AGE_YEARS
    assert stop.source.startswith("SmPC 4.1 (02/2022)")


def test_pediatric_population_bounds_per_profile() -> None:
    assert LABEL_PROFILES["US"].population.min_age_years == MIN_AGE_US_YEARS
    assert LABEL_PROFILES["EU"].population.min_age_years == ADULT_AGE_YEARS
    for age, us, eu in (("0.5", "hold", "hold"), ("1", "give", "hold"), ("17.9", "give", "hold")):
        assert plan(cycle=1, age_years=age).decision == us, age
        assert plan(cycle=1, age_years=age, label="EU").decision == eu, age
    assert plan(cycle=1, age_years="18", label="EU").decision == "give"
    assert "pediatric" not in by_code(plan(cycle=1, age_years="18", label="EU"))


def test_discontinue_cytopenia_us_only_eu_table4() -> None:
    days = CYTOPENIA_MAX_DAYS + 1
    us = plan(cycle=2, response="CR", cytopenia_days=days)
    eu = plan(cycle=2, response="CR", cytopenia_days=days, label="EU")
    assert us.decision == "discontinue"
    assert by_code(us)["discontinue_cytopenia"].source == "USPI 2.3, Table 2 (03/2024)"
    assert eu.decision == "hold" and eu.doses == []
    warning = by_code(eu)["discontinue_cytopenia"]
    assert warning.severity == "stop" and "Table 4" in warning.message
    assert warning.source == "SmPC 4.2, Table 4 (02/2022)"
    assert [s.kind for s in warning.sources] == ["not_in_label", "label"]
    # 28 days does not trigger under either profile.
    for profile in PROFILES:
        result = plan(cycle=2, response="CR", cytopenia_days=CYTOPENIA_MAX_DAYS, label=profile)
        assert result.decision == "give"


@pytest.mark.parametrize("fact", ["prior_vod", "serious_liver_disease"])
def test_eu_contraindications_stop_under_eu_caution_under_us(fact: str) -> None:
    eu = plan(cycle=1, label="EU", **{fact: True})
    assert eu.decision == "discontinue" and eu.doses == []
    assert by_code(eu)["eu_contraindications"].severity == "stop"
    assert by_code(eu)["eu_contraindications"].source == "SmPC 4.3 (02/2022); EU PL 2 (02/2022)"
    us = plan(cycle=1, **{fact: True})
    assert us.decision == "give" and us.doses
    risk = by_code(us)["vod_risk_factor"]
    assert risk.severity == "caution" and "risk factors" in risk.message
    assert "USPI 5.1 (03/2024)" in risk.source
    assert "eu_contraindications" not in by_code(us)


def test_eu_contraindications_unknown_before_cycle1_is_a_caution() -> None:
    eu = plan(cycle=1, label="EU")
    assert eu.decision == "give"
    assert by_code(eu)["eu_contraindications"].severity == "caution"
    assert "eu_contraindications" not in by_code(plan(cycle=1))
    known = plan(
        cycle=1, label="EU", prior_vod=False, serious_liver_disease=False, hypersensitivity=False
    )
    assert "eu_contraindications" not in by_code(known)
    # Asked before the first dose only; a known contraindication stops at any cycle.
    assert "eu_contraindications" not in by_code(plan(cycle=2, response="CR", label="EU"))
    later = plan(cycle=2, response="CR", label="EU", serious_liver_disease=True)
    assert later.decision == "discontinue"


def test_vial_as_labelled_counted_at_0_9_mg_under_both() -> None:
    us, eu = plan(cycle=1), plan(cycle=1, label="EU")
    assert (us.vial_labelled_mg, eu.vial_labelled_mg) == (VIAL_MG, D(1))
    assert us.vial_counted_mg == eu.vial_counted_mg == VIAL_MG
    # 0.8 × 1.8 = 1.44 mg: 2 vials at 0.9 mg (a 1 mg count would also say 2); 0.5 × 1.8 = 0.9.
    assert [d.vials for d in eu.doses] == [d.vials for d in us.doses] == [2, 1, 1]
    # 0.5 × 1.9 = 0.95 mg: 2 vials at 0.9 mg withdrawable, never 1 from the 1 mg content.
    assert [d.vials for d in plan(cycle=1, bsa_m2="1.9", label="EU").doses][1] == 2


def test_profile_outcomes_are_the_only_differences_in_outcome() -> None:
    """Same request, both profiles: the decision differs only where a PROFILE_OUTCOMES row or
    the EU contraindication question is involved."""
    same = plan(cycle=2, response="CRi", anc="2", platelets="100", age_years="40")
    eu = plan(cycle=2, response="CRi", anc="2", platelets="100", age_years="40", label="EU")
    assert same.doses == eu.doses and same.decision == eu.decision
    assert [w.code for w in same.warnings] == [w.code for w in eu.warnings]
    assert {profile for _, profile in PROFILE_OUTCOMES} <= set(PROFILES)


def test_json_contract_grows_by_added_fields_only() -> None:
    result = plan(cycle=1, label="EU")
    data = result.model_dump(mode="json")
    assert data["label"] == "EU" and data["vial_labelled_mg"] == 1.0
    assert data["vial_counted_mg"] == 0.9
    assert {"kind", "reference"} <= set(data["warnings"][0]["sources"][0])
    assert isinstance(data["warnings"][0]["source"], str)


def test_rows_of_one_label_only_are_replaced_under_the_other() -> None:
    """`LabelProfile.only_here` (rules/labels.py) and `PROFILE_OUTCOMES` (rules/ruleset.py) say
    the same: every outcome of a rule that only one label has is replaced, or dropped, under
    the other profile."""
    for profile in PROFILES:
        other = next(p for p in PROFILES if p != profile)
        for rule_id in LABEL_PROFILES[profile].only_here:
            outcomes = {o.name for o in OUTCOME_BY_NAME.values() if o.rule == rule_id}
            replaced = {name for name, p in PROFILE_OUTCOMES if p == other}
            # The outcomes reached under `profile` that the other label has no row for.
            native = outcomes - {i for i in PROFILE_OUTCOMES.values() if i is not None}
            assert native <= replaced, (rule_id, native - replaced)
