"""The dialog asks a question exactly when the engine's answer can depend on it.

The steps that decide whether to ask for a baseline count, for Gilbert's syndrome or for the
MRD status import their thresholds from `rules/thresholds.py`; these properties check the
other half: over values around each threshold, a step applies if and only if two different
answers to it give two different plans. A threshold changed in the engine alone, or a step
predicate that drifts from the rule, fails here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.draft import Draft
from dialogs.steps import STEP_BY_NAME
from rules import PlanRequest, make_plan
from rules.thresholds import ANC_MIN, BILIRUBIN_MAX_ULN, HSCT_THIRD_CYCLE, PLATELETS_MIN

STEP = Decimal("0.01")


def around(threshold: Decimal) -> st.SearchStrategy[Decimal]:
    """The threshold, its neighbours at the input's resolution, and values further away."""
    near = st.sampled_from([threshold - STEP, threshold, threshold + STEP])
    far = st.decimals(Decimal(0), threshold * 3, places=2)
    return st.one_of(near, far)


def plan_differs(fields: dict[str, Any], name: str, answers: tuple[Any, Any]) -> bool:
    first, second = (
        make_plan(PlanRequest.model_validate({**fields, name: answer})) for answer in answers
    )
    # The receipt names the request and `inputs` reads back every value given, so both differ
    # whenever the answers do: not the plan.
    unchanged = {"receipt": "", "inputs": []}
    return first.model_copy(update=unchanged) != second.model_copy(update=unchanged)


def applies(step: str, fields: dict[str, Any]) -> bool:
    return STEP_BY_NAME[step].applies(Draft(**fields))


def base(cycle: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"bsa_m2": Decimal("1.8"), "cycle": cycle}
    if cycle >= 2:
        fields["response"] = "CR"
    return fields


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), around(ANC_MIN))
def test_hold_anc_baseline_asked_exactly_when_it_decides(cycle: int, anc: Decimal) -> None:
    fields = {**base(cycle), "anc": anc}
    # Day 1, the day Table 2 applies: a low and a normal baseline lead to different rows.
    decides = plan_differs(fields, "anc_baseline", (Decimal("0.5"), Decimal("2")))
    assert applies("ask_anc_baseline", fields) == decides, (cycle, anc)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), around(PLATELETS_MIN))
def test_hold_platelets_baseline_asked_exactly_when_it_decides(
    cycle: int, platelets: Decimal
) -> None:
    fields = {**base(cycle), "platelets": platelets}
    decides = plan_differs(fields, "platelets_baseline", (Decimal("20"), Decimal("100")))
    assert applies("ask_platelets_baseline", fields) == decides, (cycle, platelets)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), around(BILIRUBIN_MAX_ULN))
def test_gilbert_exception_asked_exactly_when_it_decides(cycle: int, bilirubin: Decimal) -> None:
    fields = {**base(cycle), "bilirubin_uln": bilirubin}
    decides = plan_differs(fields, "gilbert_or_hemolysis", (False, True))
    assert applies("ask_gilbert", fields) == decides, (cycle, bilirubin)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, HSCT_THIRD_CYCLE + 2), st.booleans())
def test_max_cycles_hsct_mrd_asked_exactly_when_it_decides(cycle: int, hsct: bool) -> None:
    fields = {**base(cycle), "hsct_planned": hsct}
    decides = plan_differs(fields, "mrd_negative", (None, True))
    assert applies("ask_mrd", fields) == decides, (cycle, hsct)
