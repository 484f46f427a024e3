"""The "prepare" lines of a dose card, from the site's preparation numbers alone
(`[preparation]` of the protocol, `rules/protocol.py`). Without them there is no line: the
product supplies no preparation number of its own.

The volume to draw up is the dose's (the label's concentration after reconstitution, which the
protocol must repeat); the final concentration or the range of final volumes follows from the
site's final volume or concentration range.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer

from rules.numbers import round_half_up
from rules.protocol import PreparationSection

_TENTH = Decimal("0.1")
#: As `rules.models.JsonDecimal` (the plan imports this module, so it cannot import the plan's).
JsonDecimal = Annotated[
    Decimal, PlainSerializer(lambda value: float(value), return_type=float, when_used="json")
]


class PreparationLine(BaseModel):
    """How one dose is prepared, in the site's numbers."""

    model_config = ConfigDict(frozen=True)

    day: int
    vials: int
    reconstitution_ml_per_vial: JsonDecimal
    draw_ml: JsonDecimal
    diluent: str
    #: The site's final volume and the concentration it gives; or, with a concentration range,
    #: the final volumes that keep the dose within it.
    final_volume_ml: JsonDecimal | None = None
    final_concentration_mg_per_ml: JsonDecimal | None = None
    final_volume_min_ml: JsonDecimal | None = None
    final_volume_max_ml: JsonDecimal | None = None
    infusion_minutes: int


def preparation_lines(
    doses: Sequence[Any], site: PreparationSection | None
) -> list[PreparationLine]:
    if site is None:
        return []
    return [_line(dose, site) for dose in doses if dose.mg > 0]


def _line(dose: Any, site: PreparationSection) -> PreparationLine:
    values: dict[str, object] = {}
    if site.final_volume_ml is not None:
        values["final_volume_ml"] = site.final_volume_ml
        values["final_concentration_mg_per_ml"] = round_half_up(dose.mg / site.final_volume_ml, 3)
    elif site.final_concentration_mg_per_ml is not None:
        low, high = site.final_concentration_mg_per_ml
        # Inside the range after rounding: the smallest volume up, the largest down.
        values["final_volume_min_ml"] = (dose.mg / high).quantize(_TENTH, rounding=ROUND_CEILING)
        values["final_volume_max_ml"] = (dose.mg / low).quantize(_TENTH, rounding=ROUND_FLOOR)
    return PreparationLine(
        day=dose.day,
        vials=dose.vials,
        reconstitution_ml_per_vial=site.reconstitution_ml_per_vial,
        draw_ml=dose.ml,
        diluent=site.diluent,
        infusion_minutes=site.infusion_minutes,
        **values,
    )
