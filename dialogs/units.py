"""The unit of each quantity field, the spellings a clinician may type, and their factors.

Data only: `dialogs/quantities.py` reads values with it. An explicitly typed unit is converted
("1.80 m" → 180 cm, "80,000/µL" → 80 ×10⁹/L), by the factors of `rules/units.py` (the one table,
with sources). Liver values in an absolute unit (µmol/L, mg/dL, U/L, µkat/L) are read by
`dialogs/quantities.parse_lab` against a ULN typed with them or the site's (`site_ulns`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.models import LIMITS
from rules.thresholds import ULN
from rules.units import CM_PER_INCH, KG_PER_POUND, PER_MICROLITRE_PER_GIGA_PER_LITRE, Analyte, Uln


@dataclass(frozen=True)
class UnitSpec:
    unit: str  # the field's unit as shown to the user
    example: Decimal
    units: dict[str, Decimal]  # normalised unit typed → factor to the field's unit
    accepted: str  # the accepted units as shown in WRONG_UNIT
    refused: frozenset[str] = frozenset()  # units refused with ABSOLUTE_ULN


_ONE = Decimal(1)
PER_MICROLITRE = 1 / PER_MICROLITRE_PER_GIGA_PER_LITRE
_GIGA_PER_LITRE = (
    "x10^9/l",
    "x109/l",
    "x10e9/l",
    "10^9/l",
    "109/l",
    "10e9/l",
    "e9/l",
    "g/l",
    "gpt/l",
    "giga/l",
    "k/µl",
    "k/ul",
    "x10^3/µl",
    "x10^3/ul",
    "x103/µl",
    "x103/ul",
    "10^3/µl",
    "10^3/ul",
    "103/µl",
)
_PER_MM3 = ("/µl", "/ul", "/mm3", "/cmm", "cells/µl", "cells/ul", "cells/mm3", "µl", "ul")
_COUNT_UNITS = {"": _ONE, **dict.fromkeys(_GIGA_PER_LITRE, _ONE)}
_COUNT_UNITS.update(dict.fromkeys(_PER_MM3, PER_MICROLITRE))
_BLAST_UNITS = {"": _ONE, **dict.fromkeys(_PER_MM3, _ONE)}
_BLAST_UNITS.update(dict.fromkeys(_GIGA_PER_LITRE, PER_MICROLITRE_PER_GIGA_PER_LITRE))
_ULN_UNITS = dict.fromkeys(("", "x", "xuln", "uln", "timesuln", "xnormal"), _ONE)
ABSOLUTE_UNITS = frozenset(
    (
        "mg/dl",
        "mg/l",
        "µmol/l",
        "umol/l",
        "mmol/l",
        "u/l",
        "iu/l",
        "ui/l",
        "ie/l",
        "µkat/l",
        "ukat/l",
    )
)
_COUNTS = "×10⁹/L, G/L, /µL, /mm³"
_ULN = "×ULN"
_INCH = CM_PER_INCH
_POUND = KG_PER_POUND

UNITS: dict[str, UnitSpec] = {
    "bsa_m2": UnitSpec("m²", Decimal("1.8"), dict.fromkeys(("", "m2", "m^2", "sqm"), _ONE), "m²"),
    "height_cm": UnitSpec(
        "cm",
        Decimal(175),
        {
            "": _ONE,
            "cm": _ONE,
            "m": Decimal(100),
            "in": _INCH,
            "inch": _INCH,
            "inches": _INCH,
            '"': _INCH,
        },
        "cm, m, in, ft in",
    ),
    "weight_kg": UnitSpec(
        "kg",
        Decimal(70),
        {
            "": _ONE,
            "kg": _ONE,
            "kgs": _ONE,
            "lb": _POUND,
            "lbs": _POUND,
            "pound": _POUND,
            "pounds": _POUND,
        },
        "kg, lb",
    ),
    "anc": UnitSpec("×10⁹/L", Decimal("1.5"), _COUNT_UNITS, _COUNTS),
    "platelets": UnitSpec("×10⁹/L", Decimal(80), _COUNT_UNITS, _COUNTS),
    "anc_baseline": UnitSpec("×10⁹/L", Decimal("1.5"), _COUNT_UNITS, _COUNTS),
    "platelets_baseline": UnitSpec("×10⁹/L", Decimal(80), _COUNT_UNITS, _COUNTS),
    "blasts_per_mm3": UnitSpec("/mm³", Decimal(5000), _BLAST_UNITS, "/mm³, /µL, ×10⁹/L"),
    "bilirubin_uln": UnitSpec(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, ABSOLUTE_UNITS),
    "ast_uln": UnitSpec(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, ABSOLUTE_UNITS),
    "alt_uln": UnitSpec(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, ABSOLUTE_UNITS),
    "crcl_ml_min": UnitSpec(
        "mL/min", Decimal(90), dict.fromkeys(("", "ml/min", "mlmin"), _ONE), "mL/min"
    ),
    "age_years": UnitSpec(
        "years",
        Decimal(45),
        dict.fromkeys(
            ("", "y", "yr", "yrs", "year", "years", "j", "a", "ans", "años", "anni", "лет", "岁"),
            _ONE,
        ),
        "years",
    ),
}
COUNT_FIELDS = frozenset(("anc", "platelets", "anc_baseline", "platelets_baseline"))
#: Converted heights and weights are rounded to 0.1 (70 in → 177.8 cm).
CONVERTED_PLACES = {"height_cm": Decimal("0.1"), "weight_kg": Decimal("0.1")}
KNOWN_UNITS = frozenset(unit for spec in UNITS.values() for unit in spec.units) | ABSOLUTE_UNITS


def unit_key(unit: str) -> str:
    """A typed unit in one spelling: "×10⁹/L", "x 10^9/l" and "*10^9/L" → "x10^9/l"."""
    unit = unit.strip().lower().replace(" ", "")
    for old, new in (("×", "x"), ("*", "x"), ("·", "x"), ("μ", "µ"), ("³", "3"), ("²", "2")):
        unit = unit.replace(old, new)
    return unit.replace("⁹", "9")


def limits(field: str) -> tuple[Decimal, Decimal]:
    """The hard limits of a quantity field (rules.models.LIMITS) as Decimals."""
    low, high = LIMITS[field]
    return Decimal(low), Decimal(high)


#: The liver fields read as lab values: the `*_uln` field → the analyte (and its `LabValue`
#: field of the request, which records the value as typed for the read-back).
LAB_ANALYTE: dict[str, Analyte] = {"bilirubin_uln": "bilirubin", "ast_uln": "ast", "alt_uln": "alt"}
#: "Within normal limits", the liver step's Normal: at most the ULN itself
#: (`rules.thresholds.ULN`; every liver threshold of the rules lies above it). A range, not a
#: value: the double check (`dialogs/verify.py`) reads any multiple up to it as the same reading.
WITHIN_NORMAL = ULN

_SITE_ULNS: dict[str, Uln] = {}


def set_site_ulns(ulns: dict[str, Uln]) -> None:
    """The site laboratory's ULNs by analyte (`bot/config.Settings.site_ulns`), set once by
    the transport at start-up; the dialog reads them as the default of `readers.Context`."""
    _SITE_ULNS.clear()
    _SITE_ULNS.update(ulns)


def site_ulns() -> dict[str, Uln]:
    return dict(_SITE_ULNS)
