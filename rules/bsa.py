"""Body surface area from height and weight. The label names no formula
(docs/clinical-basis.md, bsa_formula); Mosteller is the default used in oncology, DuBois can be
chosen. BSA is never capped (ASCO 2012/2021)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from rules.numbers import round_half_up

_MOSTELLER_DIVISOR = Decimal(3600)
_DUBOIS_FACTOR = Decimal("0.007184")
_DUBOIS_HEIGHT_EXP = Decimal("0.725")
_DUBOIS_WEIGHT_EXP = Decimal("0.425")


def mosteller(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 28
        return (height_cm * weight_kg / _MOSTELLER_DIVISOR).sqrt()


def dubois(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 28
        return _DUBOIS_FACTOR * height_cm**_DUBOIS_HEIGHT_EXP * weight_kg**_DUBOIS_WEIGHT_EXP


FORMULAS = {"mosteller": mosteller, "dubois": dubois}
#: Each formula's constants, for showing the formula beside the BSA it gave.
FORMULA_CONSTANTS: dict[str, dict[str, Decimal]] = {
    "mosteller": {"divisor": _MOSTELLER_DIVISOR},
    "dubois": {
        "factor": _DUBOIS_FACTOR,
        "height_exp": _DUBOIS_HEIGHT_EXP,
        "weight_exp": _DUBOIS_WEIGHT_EXP,
    },
}


def body_surface_area(height_cm: Decimal, weight_kg: Decimal, formula: str) -> Decimal:
    """BSA in m², rounded half-up to 0.01 m²: the value shown is the value dosed."""
    return round_half_up(FORMULAS[formula](height_cm, weight_kg))
