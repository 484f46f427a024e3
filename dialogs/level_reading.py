"""The question for a rare case: a dose level of 1 or more entered for Day 1 of a cycle after an
interruption of 14 days or more (label Table 4). The entered level may already include this
interruption's reduction or be the level before it; the rules step it once more only in the
second reading (`rules.models.PlanRequest.dose_level_includes_interruption`), so the dialog
asks which, and a reduction is never applied twice unseen.
"""

from __future__ import annotations

from dialogs import messages as m
from dialogs.draft import Draft
from rules.thresholds import (
    FIRST_CYCLE,
    FIRST_DOSE_DAY,
    FULL_DOSE_LEVEL,
    INTERRUPTION_REDUCE_DAYS,
)

N_ = m.N_

# TRANSLATORS: dose level = the step of dose reduction; the reduction = the one the label gives
# after an interruption of two weeks or more (Table 4). Yes: not reduced again; No: reduced now.
ASK_LEVEL_INCLUDES = N_(
    "Does the dose level entered already include the reduction for this interruption?"
)


def level_reading_asked(draft: Draft) -> bool:
    """Cycle 2 or later, Day 1 (or no day yet), a dose level of 1 or more and an interruption of
    INTERRUPTION_REDUCE_DAYS days or more: the entered level can be read two ways."""
    return (
        (draft.cycle or FIRST_CYCLE) > FIRST_CYCLE
        and draft.day in (None, FIRST_DOSE_DAY)
        and (draft.dose_level or FULL_DOSE_LEVEL) > FULL_DOSE_LEVEL
        and (draft.interruption_days or 0) >= INTERRUPTION_REDUCE_DAYS
    )


level_reading_asked.__doc__ = (
    f"cycle 2 or later at Day 1, dose_level ≥ 1 and interruption_days ≥ {INTERRUPTION_REDUCE_DAYS}"
)
