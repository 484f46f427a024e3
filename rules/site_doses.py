"""The doses a site's protocol adds where the label gives none, and the band a dose is
rounded to: pure arithmetic on the regimen (`rules/engine.py`) and the protocol
(`rules/protocol.py`).

- Dose level 1: the label gives the cycle's total (× 0.75) and no split. With
  `[reduction] level1_split = "proportional"` each dose of the regimen is × 0.75, so the doses
  add up to the label's total.
- Dose level 2: "2 doses per cycle", with neither days nor amounts in the label. With
  `[reduction] level2_doses` the site's two doses are given (their total is checked against
  level 1's when the file is read).
- Banding: a dose rounded to the nearest `step_mg` when that moves it by no more than
  `max_change_percent`; mL and vials follow the banded dose. A band beyond the limit is not
  applied: the dose stays as calculated.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from rules.models import Dose
from rules.numbers import ceil_whole, round_half_up
from rules.protocol import BandingSection, Protocol
from rules.thresholds import LAST_DOSE_LEVEL, MG_PER_ML, REDUCED_DOSE_LEVEL, REDUCED_FRACTION

Regimen = tuple[tuple[int, Decimal], ...]


def site_regimen(
    regimen: Sequence[tuple[int, Decimal]], level: int, protocol: Protocol
) -> Regimen | None:
    """The (day, mg/m²) doses of a reduced cycle as the protocol sets them; None when the
    protocol leaves the split open (the plan then shows what the label gives: a total, or
    nothing at level 2)."""
    reduction = protocol.reduction
    if level == REDUCED_DOSE_LEVEL and reduction.level1_split == "proportional":
        return tuple((day, per_m2 * REDUCED_FRACTION) for day, per_m2 in regimen)
    if level == LAST_DOSE_LEVEL and reduction.level2_doses is not None:
        return tuple((dose.day, dose.mg_per_m2) for dose in reduction.level2_doses)
    return None


def banded_mg(mg: Decimal, banding: BandingSection) -> Decimal | None:
    """The dose rounded to the nearest step, or None when that is no change, gives nothing, or
    moves it by more than the site's percentage (compared exactly, before any display)."""
    steps = (mg / banding.step_mg).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    banded = steps * banding.step_mg
    if banded == mg or banded <= 0 or mg <= 0:
        return None
    if abs(banded - mg) * 100 > banding.max_change_percent * mg:
        return None
    return banded.normalize() if banded == banded.to_integral_value() else banded


def band(dose: Dose, banding: BandingSection | None, vial_mg: Decimal) -> Dose:
    """The dose as banded, with the calculated dose and the change kept beside it."""
    if banding is None:
        return dose
    banded = banded_mg(dose.mg, banding)
    if banded is None:
        return dose
    change = round_half_up((banded - dose.mg) * 100 / dose.mg, 1)
    return dose.model_copy(
        update={
            "mg": banded,
            "ml": round_half_up(banded / MG_PER_ML),
            "vials": ceil_whole(banded / vial_mg),
            "banded_from_mg": dose.mg,
            "band_change_percent": change,
        }
    )
