"""Lab values as the lab prints them: one table of conversion factors, each with its source.

Five analytes need no unit library (none of them needs a molar mass at run time): each accepted
unit has one exact factor to the analyte's canonical unit, and a liver value becomes a multiple
of the upper limit of normal (ULN) by one `Decimal` division, value and ULN first converted to
the same unit. Pure: no I/O, no settings; the site's ULN is the caller's (`bot/config.py`).

Sources of the factors:
- Bilirubin 1 mg/dL = 17.1 µmol/L (molar mass 584.66 g/mol: 10 000 / 584.66 = 17.1), and
  creatinine 1 mg/dL = 88.4 µmol/L (113.12 g/mol: 10 000 / 113.12 = 88.4): Young DS,
  "Implementation of SI units for clinical laboratory data", Ann Intern Med 1987;106:114-129.
- Enzyme activity 1 µkat/L = 60 U/L (1 U = 1 µmol/min, 1 kat = 1 mol/s, so 1 µkat = 60 U):
  Dybkaer R, "Unit 'katal' for catalytic activity", Pure Appl Chem 2001;73:927-931 (IUPAC
  technical report); U/L and IU/L are the same unit.
- Cell counts 1 ×10⁹/L = 1 G/L = 1 Gpt/L = 1 K/µL = 1 ×10³/µL = 1 000 /µL = 1 000 /mm³
  (1 L = 10⁶ µL, 1 µL = 1 mm³): SI Brochure, 9th edition (BIPM 2019), tables 5 and 7.
- Height 1 in = 2.54 cm, 1 ft = 12 in; weight 1 lb = 0.45359237 kg: the international yard and
  pound agreement of 1959 (NIST Handbook 44, Appendix C).

Cockcroft-Gault: Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum
creatinine. Nephron 1976;16(1):31-41 (doi:10.1159/000180580): CrCl (mL/min) =
(140 − age) × weight (kg) / (72 × serum creatinine (mg/dL)), × 0.85 for women.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import Literal

Analyte = Literal["bilirubin", "ast", "alt", "creatinine"]
LIVER_ANALYTES: tuple[Analyte, ...] = ("bilirubin", "ast", "alt")

BILIRUBIN_UMOL_PER_MG_DL = Decimal("17.1")
CREATININE_UMOL_PER_MG_DL = Decimal("88.4")
U_PER_UKAT = Decimal(60)
PER_MICROLITRE_PER_GIGA_PER_LITRE = Decimal(1000)
CM_PER_INCH = Decimal("2.54")
INCHES_PER_FOOT = 12
KG_PER_POUND = Decimal("0.45359237")

#: A multiple of the ULN, as given: the unit of `*_uln` request fields.
TIMES_ULN = "xULN"

#: Each analyte's canonical unit (as shown) and every accepted spelling → factor to it. Keys are
#: in one spelling (lower case, no spaces, "u" or "µ" for micro: see `unit_key`).
ABSOLUTE_UNITS: dict[Analyte, tuple[str, dict[str, Decimal]]] = {
    "bilirubin": (
        "µmol/L",
        {"µmol/l": Decimal(1), "umol/l": Decimal(1), "mg/dl": BILIRUBIN_UMOL_PER_MG_DL},
    ),
    "creatinine": (
        "µmol/L",
        {"µmol/l": Decimal(1), "umol/l": Decimal(1), "mg/dl": CREATININE_UMOL_PER_MG_DL},
    ),
    "ast": (
        "U/L",
        {
            "u/l": Decimal(1),
            "iu/l": Decimal(1),
            "ui/l": Decimal(1),
            "ie/l": Decimal(1),
            "µkat/l": U_PER_UKAT,
            "ukat/l": U_PER_UKAT,
        },
    ),
}
ABSOLUTE_UNITS["alt"] = ABSOLUTE_UNITS["ast"]
#: How a unit is shown back, by its spelling key.
SHOWN_UNIT = {
    "µmol/l": "µmol/L",
    "umol/l": "µmol/L",
    "mg/dl": "mg/dL",
    "u/l": "U/L",
    "iu/l": "IU/L",
    "ui/l": "UI/L",
    "ie/l": "IE/L",
    "µkat/l": "µkat/L",
    "ukat/l": "µkat/L",
}
_ULN_SPELLINGS = frozenset(("", "x", "xuln", "uln", "timesuln", "xnormal"))
#: The places of a multiple of the ULN that the rules receive and the plan shows. Rounded UP,
#: never to nearest: every liver threshold (`rules/thresholds.py`) is a multiple of 0.01 and is
#: compared with ">", and for such a threshold t, ceil₀.₀₁(x) > t exactly when x > t. So the
#: rounding changes no decision (1.5001 → 1.51 is above 1.5; 1.5 stays 1.5, not above), and no
#: value above a threshold is ever shown as the threshold itself (tests/test_units.py).
ULN_PLACES = Decimal("0.01")


class UnitError(ValueError):
    """A unit that is not one of the analyte's, or a value that cannot be converted."""


def unit_key(unit: str) -> str:
    """A typed unit in one spelling: "µmol/L", "umol/l", "μmol / L" → "µmol/l"."""
    unit = unit.strip().lower().replace(" ", "")
    for old, new in (("×", "x"), ("*", "x"), ("·", "x"), ("μ", "µ"), ("³", "3"), ("²", "2")):
        unit = unit.replace(old, new)
    return unit.replace("⁹", "9")


def is_times_uln(unit: str) -> bool:
    """Whether a unit means "a multiple of the ULN" ("", "x", "×ULN", "xULN"); a caller that
    also takes "" for "the ULN's unit" checks that first."""
    return unit_key(unit) in _ULN_SPELLINGS


def canonical(analyte: Analyte, value: Decimal, unit: str) -> Decimal:
    """`value` in the analyte's canonical unit (µmol/L or U/L); UnitError for another unit."""
    _, factors = ABSOLUTE_UNITS[analyte]
    factor = factors.get(unit_key(unit))
    if factor is None:
        accepted = ", ".join(dict.fromkeys(SHOWN_UNIT[key] for key in factors))
        raise UnitError(f"unit {unit!r} is not one of {accepted} (or {TIMES_ULN})")
    return value * factor


@dataclass(frozen=True)
class Uln:
    """An upper limit of normal in its own unit, and where it comes from."""

    value: Decimal
    unit: str
    source: Literal["given", "site"] = "given"


class SiteUlnError(ValueError):
    """A site ULN setting that is not "<number> <unit of the analyte>"."""


_SITE_ULN = re.compile(r"\s*(?P<value>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>\S.*?)\s*")
_MAX_ULN = Decimal(10_000)


def parse_site_uln(analyte: Analyte, setting: str) -> Uln:
    """A site setting such as "21 umol/L" or "40 U/L" (a point for decimals, a unit required:
    a ULN without its unit cannot be compared with a value)."""
    match = _SITE_ULN.fullmatch(setting)
    _, factors = ABSOLUTE_UNITS[analyte]
    if match is None or unit_key(match["unit"]) not in factors:
        accepted = ", ".join(dict.fromkeys(SHOWN_UNIT[key] for key in factors))
        raise SiteUlnError(f"expected a number and its unit, one of {accepted}")
    value = Decimal(match["value"])
    if not 0 < value <= _MAX_ULN:
        raise SiteUlnError("the upper limit of normal must be above 0")
    return Uln(value, SHOWN_UNIT[unit_key(match["unit"])], "site")


def uln_multiple(
    analyte: Analyte, value: Decimal, unit: str, uln: Decimal, uln_unit: str | None = None
) -> Decimal:
    """`value` as a multiple of the ULN: both in one unit, then one exact Decimal division.

    The quotient is exact to Decimal's 28 digits (31.5 µmol/L against a ULN of 21 is exactly
    1.5, not above a "> 1.5 × ULN" threshold), then rounded up to `ULN_PLACES`.
    """
    if uln <= 0:
        raise UnitError("the upper limit of normal must be above 0")
    if value < 0:
        raise UnitError("a lab value cannot be negative")
    if not unit_key(unit) and not uln_unit:  # "34/21": one unit, unnamed; nothing to convert
        return rounded_multiple(value / uln)
    unit = unit if unit_key(unit) else str(uln_unit)
    exact = canonical(analyte, value, unit) / canonical(analyte, uln, uln_unit or unit)
    return rounded_multiple(exact)


def rounded_multiple(multiple: Decimal) -> Decimal:
    """A multiple of the ULN to 2 places, rounded up, without trailing zeros (see `ULN_PLACES`)."""
    shown = multiple.quantize(ULN_PLACES, rounding=ROUND_UP).normalize()
    return shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown


FEMALE_FACTOR = Decimal("0.85")
_CG_AGE = 140
_CG_DIVISOR = 72


def cockcroft_gault(
    creatinine: Decimal,
    unit: str,
    age_years: Decimal,
    weight_kg: Decimal,
    sex: Literal["female", "male"],
) -> Decimal:
    """Creatinine clearance (mL/min, to 1 place) by Cockcroft-Gault, from serum creatinine in
    µmol/L or mg/dL; information for the clinician, the rules do not adjust the dose by it."""
    if creatinine <= 0:
        raise UnitError("serum creatinine must be above 0")
    mg_dl = canonical("creatinine", creatinine, unit) / CREATININE_UMOL_PER_MG_DL
    clearance = (_CG_AGE - age_years) * weight_kg / (_CG_DIVISOR * mg_dl)
    if sex == "female":
        clearance *= FEMALE_FACTOR
    return max(clearance, Decimal(0)).quantize(Decimal("0.1"))


def count_per_giga_litre(value: Decimal, per_microlitre: bool) -> Decimal:
    """A count in ×10⁹/L: a count per µL (= per mm³) is divided by 1 000."""
    return value / PER_MICROLITRE_PER_GIGA_PER_LITRE if per_microlitre else value


def feet_inches_to_cm(feet: int, inches: Decimal) -> Decimal:
    """5 ft 11 in → 180.34 cm."""
    return (feet * INCHES_PER_FOOT + inches) * CM_PER_INCH


def pounds_to_kg(pounds: Decimal) -> Decimal:
    return pounds * KG_PER_POUND
