"""What to do on the requested day: the first thing a card says, and `Plan.day_action`.

A plan's `decision` is the cycle's (give, hold, discontinue); the day's action says what that
means for the dose asked about. A cycle that goes on can still omit the day asked about (label
Table 4, an interruption of 7 days or more within a cycle) or give it late (under 7 days), and
then the card must not open with "give".
"""

from __future__ import annotations

from collections.abc import Collection

from rules.models import DayAction, Decision

#: Outcomes that hold only because the day asked about is omitted and no dose is left in the
#: cycle (`rules.ruleset.OUTCOMES`): the day's action is still "omit".
HOLDS_BY_OMISSION = frozenset({"interruption_omit_last"})
#: Outcomes that give the day's dose late (Table 4, under 7 days).
LATE = frozenset({"interruption_short"})


def day_action(
    day: int,
    day_given: bool,
    decision: Decision,
    omitted_days: Collection[int],
    outcomes: Collection[str],
    holding_outcomes: Collection[str],
) -> DayAction | None:
    """The action for `day`; None when the request gave no day (`day_given` False).

    `outcomes` are the outcomes the plan reached, `holding_outcomes` those of them that ask
    for a hold: a hold that comes only from omitting the last dose of the cycle is an omission.
    """
    if not day_given:
        return None
    if decision == "discontinue":
        return "discontinue"
    if decision == "hold" and not set(holding_outcomes) <= HOLDS_BY_OMISSION:
        return "hold"
    if day in omitted_days:
        return "omit"
    if LATE & set(outcomes):
        return "late"
    return "hold" if decision == "hold" else "give"
