"""The label's tables as tables: each row of USPI/SmPC Table 3 (liver) and Table 4 (length of
an interruption) is one parametrized case, read like the label; then the dose day, the
refusals of inconsistent requests and the date range. Named after the rules they concern."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules import Plan, PlanRequest, make_plan
from rules.models import first_error
from tests.test_rules_properties import requests

D = Decimal


def plan(**fields: Any) -> Plan:
    fields.setdefault("bsa_m2", "1.8")
    return make_plan(PlanRequest.model_validate(fields))


def codes(result: Plan) -> dict[str, str]:
    return {warning.code: warning.severity for warning in result.warnings}


def texts(result: Plan, code: str) -> list[str]:
    return [w.message for w in result.warnings if w.code == code]


# USPI/SmPC Table 3, the liver rows (×ULN; CTCAE v5 grades with a normal baseline) ---------

TABLE3 = [
    # bilirubin, AST, ALT, Gilbert's, decision, deciding code, words the message must hold
    ("1.6", "2.6", "1", False, "hold", "hold_liver", "liver row"),  # "and" row: both raised
    ("1.5", "2.6", "1", False, "give", "liver_grade1", "grade 1"),  # bilirubin at the limit
    ("1.6", "1", "1", False, "hold", "hold_liver", "grade 2"),  # bilirubin alone: grade 2
    ("3.5", None, None, False, "hold", "hold_liver", "grade 2"),  # bilirubin alone, no AST
    ("1", "3.1", "1", False, "hold", "hold_liver", "grade 2"),  # AST alone > 3: grade 2
    ("1", "1", "3.1", False, "hold", "hold_liver", "grade 2"),  # ALT alone > 3: grade 2
    ("1", "3", "1", False, "give", "liver_grade1", "grade 1"),  # AST 2.5-3: grade 1, caution
    ("1", "2.51", "1", False, "give", "liver_grade1", "grade 1"),
    ("1", "2.5", "2.5", False, "give", None, None),  # at the thresholds: not raised
    ("2.2", "1", "1", True, "give", "gilbert_exception", "exempts"),  # Gilbert's: exempt
    ("2.2", "2.8", "1", True, "give", "liver_grade1", "grade 1"),  # exempt + grade 1 AST
    ("2.2", "3.2", "1", True, "hold", "hold_liver", "grade 2"),  # exempt + grade 2 AST
]


@pytest.mark.parametrize(("bili", "ast", "alt", "gilbert", "decision", "code", "words"), TABLE3)
def test_liver_single_value_table3_rows(
    bili: str,
    ast: str | None,
    alt: str | None,
    gilbert: bool,
    decision: str,
    code: str | None,
    words: str | None,
) -> None:
    fields: dict[str, Any] = {"cycle": 1, "bilirubin_uln": bili, "gilbert_or_hemolysis": gilbert}
    if ast is not None:
        fields["ast_uln"] = ast
    if alt is not None:
        fields["alt_uln"] = alt
    result = plan(**fields)
    assert result.decision == decision
    assert bool(result.doses) == (decision == "give"), "the table shows only what is given"
    if code is None:
        assert not {"hold_liver", "liver_grade1"} & set(codes(result))
        return
    (text,) = texts(result, code)
    assert words is not None and words in text, text
    assert "not both" not in text and "are not both present" not in text


def test_hold_liver_message_names_the_row_and_the_values() -> None:
    result = plan(cycle=1, bilirubin_uln="1.8", ast_uln="2.7", alt_uln="1.2")
    (text,) = texts(result, "hold_liver")
    # The values that decide: bilirubin and the higher transaminase (ALT 1.2 is read back).
    assert "1.8" in text and "2.7" in text and "1.2" not in text and "liver row" in text
    assert "hold_liver" in result.rules and "liver_single_value" not in result.rules


def test_liver_single_value_caution_names_value_and_rule() -> None:
    result = plan(cycle=1, ast_uln="2.9")
    (text,) = texts(result, "liver_grade1")
    assert "2.9" in text and "CTCAE v5" in text and "liver row" in text
    assert codes(result)["liver_grade1"] == "caution" and "liver_single_value" in result.rules


def test_gilbert_exception_with_raised_transaminases_says_what_decides() -> None:
    result = plan(cycle=1, bilirubin_uln="2.2", ast_uln="3.2", gilbert_or_hemolysis=True)
    (gilbert,) = texts(result, "gilbert_exception")
    assert "exempts" in gilbert and "AST/ALT decide" in gilbert
    (hold,) = texts(result, "hold_liver")
    assert "grade 2" in hold and "3.2" in hold


# USPI/SmPC Table 4, by the length of the interruption (wording unconfirmed) --------------

TABLE4 = [
    # cycle, day, days, level, decision, doses listed, omitted, plan's level
    (2, 8, 3, 0, "give", [8, 15], [], 0),  # < 7 days: the dose is given late, row stays
    (2, 8, 6, 0, "give", [8, 15], [], 0),
    (2, 8, 7, 0, "give", [15], [8], 0),  # ≥ 7 days: the next dose is omitted
    (2, 15, 10, 0, "hold", [], [15], 0),  # nothing left to give in this cycle
    (2, 8, 14, 0, "give", [15], [8], 0),  # ≥ 14 within a cycle: next cycle reduced
    (2, 1, 14, 0, "give", [], [], 1),  # ≥ 14 at Day 1: level 1 applied, no split
    (2, 1, 20, 1, "give", [], [], 2),  # level 1 → 2
    (3, 1, 20, 2, "discontinue", [], [], 2),  # level 2 → discontinue
    (2, 1, 29, 0, "hold", [], [], 1),  # > 28 days: hold, consider stopping
    (2, 8, 29, 0, "hold", [], [8], 0),
]


@pytest.mark.parametrize(
    ("cycle", "day", "days", "level", "decision", "listed", "omitted", "plan_level"), TABLE4
)
def test_interruption_table_table4_rows(
    cycle: int,
    day: int,
    days: int,
    level: int,
    decision: str,
    listed: list[int],
    omitted: list[int],
    plan_level: int,
) -> None:
    result = plan(cycle=cycle, response="CR", day=day, interruption_days=days, dose_level=level)
    assert result.decision == decision
    assert [dose.day for dose in result.doses] == listed
    assert result.omitted_days == omitted
    assert result.dose_level == plan_level
    assert len(texts(result, "interruption_note")) == 1, "one note: Table 4 is unconfirmed"
    assert any(
        "from when an interruption is counted" in t for t in texts(result, "interruption_note")
    )


def test_interruption_table_short_keeps_the_row_with_the_note() -> None:
    result = plan(cycle=2, response="CR", day=8, interruption_days=4)
    (text,) = texts(result, "interruption")
    assert "late" in text and "6 days" in text and [d.day for d in result.doses] == [8, 15]


def test_dose_reduction_applied_at_day1_after_14_days_and_never_reescalated() -> None:
    """A 16-day interruption at level 0 no longer prints the full doses beside a caution."""
    result = plan(cycle=2, response="none", interruption_days=16)
    assert result.decision == "give" and result.doses == [] and result.dose_level == 1
    assert result.total_mg_per_m2 == D("1.35") and result.total_mg == D("2.43")
    (applied,) = texts(result, "dose_level_applied")
    assert "applied" in applied and "Never re-escalate" in applied
    assert result.doses_unspecified_reason == "dose_level_1_split_not_in_label"


def test_dose_reduction_level2_has_no_amounts_and_no_total() -> None:
    result = plan(cycle=3, response="CR", dose_level=2)
    assert result.decision == "give" and result.doses == []
    assert result.total_mg is None and result.total_mg_per_m2 is None
    assert result.doses_unspecified_reason == "dose_level_2_split_not_in_label"
    assert result.model_dump(mode="json")["total_mg"] is None
    (text,) = texts(result, "dose_reduced")
    assert "neither the days nor the amounts" in text and "pharmacist" in text


# The dose day, cycle 1 counts, refusals --------------------------------------------------


@pytest.mark.parametrize(("day", "listed"), [(1, [1, 8, 15]), (8, [8, 15]), (15, [15])])
def test_cycle1_regimen_doses_from_the_planned_day(day: int, listed: list[int]) -> None:
    result = plan(cycle=1, day=day, start_date="2026-11-25")
    assert [dose.day for dose in result.doses] == listed
    assert result.total_mg_per_m2 == D("1.8") and result.total_mg == D("3.24"), "whole cycle"
    assert result.doses[0].date == dt.date(2026, 11, 25) + dt.timedelta(days=day - 1)


def test_counts_within_cycle_cycle1_says_table2_from_cycle2() -> None:
    result = plan(cycle=1, anc="0.5", platelets="20")
    assert result.decision == "give"
    (text,) = texts(result, "counts_within_cycle")
    assert "Day 1 of cycle 2" in text and "days 8 and 15" not in text
    later = plan(cycle=2, response="CR", day=8, anc="0.5")
    assert "days 8 and 15" in texts(later, "counts_within_cycle")[0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cycle": 1, "sex": "male", "pregnant": True}, "pregnant"),
        ({"cycle": 1, "sex": "male", "breastfeeding": True}, "breastfeeding"),
        ({"cycle": 1, "dose_level": 1}, "dose_level"),
        ({"cycle": 1, "dose_level": 2}, "dose_level"),
        ({"cycle": 1, "start_date": "9999-12-31"}, "start_date"),
        ({"cycle": 1, "start_date": "9999-12-20"}, "start_date"),
        ({"cycle": 1, "last_dose_date": "9999-12-31"}, "last_dose_date"),
    ],
)
def test_pregnancy_and_dose_reduction_inconsistent_requests_refused(
    fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        PlanRequest.model_validate({"bsa_m2": "1.8", **fields})
    assert first_error(refused.value)[0] == field
    assert plan(cycle=1, sex="male", pregnant=False).decision == "give"
    assert plan(cycle=2, response="CR", dose_level=1).decision == "give"


@settings(max_examples=300, deadline=None)
@given(
    st.dates(),
    st.dates(),
    st.sampled_from([1, 8, 15]),
    st.sampled_from(["female", "male"]),
)
def test_schedule_window_no_date_arithmetic_raises_over_the_whole_calendar(
    start: dt.date, last: dt.date, day: int, sex: str
) -> None:
    """Any date the contract accepts plans without an exception; others are
    refused with the field named."""
    fields = {"bsa_m2": "1.8", "cycle": 1, "day": day, "sex": sex, "breastfeeding": sex == "female"}
    for name, value in (("start_date", start), ("last_dose_date", last)):
        try:
            request = PlanRequest.model_validate({**fields, name: value.isoformat()})
        except ValidationError as refused:
            assert first_error(refused)[0] == name
            continue
        assert make_plan(request).model_dump(mode="json")


@settings(max_examples=200, deadline=None)
@given(requests())
def test_interruption_table_omitted_day_never_listed(request: PlanRequest) -> None:
    result = make_plan(request)
    assert not {dose.day for dose in result.doses} & set(result.omitted_days)
    if result.dose_level >= 1:
        assert result.doses == [], "no per-dose amounts at a reduced level"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"bsa_m2": 1.8, "cycle": 1, "sex": "male", "pregnant": true}', "pregnant"),
        ('{"bsa_m2": 1.8, "cycle": 1, "sex": "male", "breastfeeding": true}', "breastfeeding"),
        ('{"bsa_m2": 1.8, "cycle": 1, "dose_level": 1}', "dose_level"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "9999-12-31"}', "start_date"),
    ],
)
def test_pregnancy_and_dose_reduction_refusals_exit_2_through_the_plan_contract(
    text: str, field: str
) -> None:
    from bot.plan_command import plan_json

    code, document = plan_json(text)
    assert code == 2 and document["error"]["field"] == field


def test_dose_reduction_level2_json_says_why_doses_is_empty() -> None:
    from bot.plan_command import plan_json

    code, document = plan_json('{"bsa_m2": 1.8, "cycle": 2, "response": "CR", "dose_level": 2}')
    assert code == 0 and document["decision"] == "give" and document["doses"] == []
    assert document["doses_unspecified_reason"] == "dose_level_2_split_not_in_label"
    assert document["total_mg"] is None and document["omitted_days"] == []
    normal = plan_json('{"bsa_m2": 1.8, "cycle": 2, "response": "CR"}')[1]
    assert normal["doses_unspecified_reason"] is None and normal["dose_level"] == 0
