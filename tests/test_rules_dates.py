"""Dose dates, their windows and the next cycle's Day 1 (USPI Table 1 and its footnote)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rules import make_plan
from rules.models import LATEST_START_DATE, PlanRequest

START = dt.date(2026, 12, 3)


def _plan(**values: object):  # type: ignore[no-untyped-def]
    base: dict[str, object] = {"bsa_m2": Decimal("1.8"), "cycle": 2, "response": "CR"}
    return make_plan(PlanRequest(**{**base, **values}))


def _day(n: int) -> dt.date:
    """The date of day n of the cycle (day 1 = START)."""
    return START + dt.timedelta(days=n - 1)


def test_day_8_window_is_day_7_to_10_and_day_15_window_is_day_13_to_17() -> None:
    # USPI Table 1 footnote: Day 8 no earlier than day 7 (6 days after Day 1), at the latest
    # day 10; Day 15 from day 13 to day 17.
    doses = {dose.day: dose for dose in _plan(start_date=START).doses}
    assert (doses[1].date, doses[1].window_earliest, doses[1].window_latest) == (START, None, None)
    assert (doses[8].date, doses[8].window_earliest, doses[8].window_latest) == (
        _day(8),
        _day(7),
        _day(10),
    )
    assert (doses[15].window_earliest, doses[15].window_latest) == (_day(13), _day(17))


@pytest.mark.parametrize(
    ("cycle", "next_day_one", "extended"),
    [(1, 22, 29), (2, 29, None), (4, 29, None)],
)
def test_next_cycle_starts_after_the_cycle_length(
    cycle: int, next_day_one: int, extended: int | None
) -> None:
    plan = _plan(cycle=cycle, start_date=START)
    assert plan.next_cycle_earliest == _day(next_day_one)
    assert plan.next_cycle_extended == (None if extended is None else _day(extended))


def test_no_dates_without_a_day_one_date_or_when_holding() -> None:
    plan = _plan()
    assert plan.next_cycle_earliest is None
    assert all(dose.window_earliest is None and dose.window_latest is None for dose in plan.doses)
    held = _plan(start_date=START, anc=Decimal("0.5"), anc_baseline=Decimal("2"))
    assert held.decision == "hold"
    assert held.next_cycle_earliest is None


def test_the_latest_start_date_raises_nothing() -> None:
    plan = _plan(cycle=1, start_date=LATEST_START_DATE)
    assert plan.doses[-1].date == dt.date.max
    assert plan.next_cycle_earliest is None  # past the calendar's end: not shown, no crash
    assert plan.doses[-1].window_latest is None
