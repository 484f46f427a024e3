"""Reading a quantity with its unit, and height with weight in one answer.

A unitless value that is possible only in another unit gets a did-you-mean `Problem` with a
`suggestion`, never a silent conversion. The result is always in the field's unit
(`dialogs/units.py`) and within the request's hard limits (`rules/models.py`, `LIMITS`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from dialogs import messages as m
from dialogs.normalise import clip, normalise
from dialogs.numbers import MAX_NUMBER_TEXT, read_number
from dialogs.problems import (
    ABSOLUTE_ULN,
    AMBIGUOUS_BLASTS,
    AMBIGUOUS_COUNT,
    AMBIGUOUS_LAB,
    CREATININE_UNIT,
    DID_YOU_MEAN_COUNT,
    DID_YOU_MEAN_HEIGHT,
    NEEDS_ULN,
    NEGATIVE,
    NOT_A_COUNT,
    NOT_A_NUMBER,
    NOT_HEIGHT_WEIGHT,
    ONE_LAB_READING,
    OUT_OF_RANGE,
    READ_AS_MULTIPLE,
    WRONG_UNIT,
    Problem,
)
from dialogs.replies import Choice, Text
from dialogs.units import (
    CONVERTED_PLACES,
    COUNT_FIELDS,
    KNOWN_UNITS,
    LAB_ANALYTE,
    PER_MICROLITRE,
    UNITS,
    UnitSpec,
    limits,
    unit_key,
)
from rules.models import MAX_LAB_VALUE as _MAX_LAB
from rules.models import LabValue
from rules.units import (
    ABSOLUTE_UNITS,
    CREATININE_UMOL_PER_MG_DL,
    INCHES_PER_FOOT,
    PER_MICROLITRE_PER_GIGA_PER_LITRE,
    SHOWN_UNIT,
    TIMES_ULN,
    Uln,
    feet_inches_to_cm,
    uln_multiple,
)

_NUMBER = re.compile(
    r"(?P<sign>-)?\s*"
    r"(?P<num>\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
    r"(?P<unit>.*)",
    re.DOTALL,
)


def parse_quantity(text: str, field: str, locale: str = "en") -> Decimal | Problem:
    """One value for a quantity field of the request (a key of `FIELDS`/`LIMITS`).

    The result is in the field's unit (cm, kg, ×10⁹/L, /mm³, ×ULN, mL/min, m², years) and
    within `LIMITS[field]`; an explicitly typed unit is converted, a wrong one refused.
    """
    spec = UNITS[field]
    low, high = limits(field)
    clean = normalise(text)
    if field == "height_cm" and (feet := _FEET_INCHES.fullmatch(clean)):
        return _feet_inches(feet, text, locale, low, high)
    shown = clip(text.strip())
    not_a_number = Problem(
        NOT_A_NUMBER,
        {"text": shown, "example": spec.example, "unit": spec.unit, "low": low, "high": high},
        field,
    )
    match = _NUMBER.fullmatch(clean) if len(clean) <= MAX_NUMBER_TEXT else None
    if match is None:
        return not_a_number
    raw_unit = match["unit"].strip()
    unit = unit_key(raw_unit)
    if unit not in spec.units:
        if unit in spec.refused:
            return Problem(ABSOLUTE_ULN, {"unit": raw_unit}, field)
        if unit in KNOWN_UNITS or (raw_unit[:1].isalpha() and not re.search(r"\d", unit)):
            return Problem(WRONG_UNIT, {"unit": clip(raw_unit), "units": spec.accepted}, field)
        return not_a_number
    factor = spec.units[unit]
    whole = factor == PER_MICROLITRE or (field == "blasts_per_mm3" and factor == 1)
    value = read_number(match["num"], locale, whole)
    if value is None:
        return not_a_number
    if match["sign"]:
        return Problem(NEGATIVE, {"text": shown, "low": low, "high": high}, field)
    if whole and value != value.to_integral_value():
        example = "5000/mm³" if field == "blasts_per_mm3" else "80000/µL"
        return Problem(NOT_A_COUNT, {"text": shown, "example": example}, field)
    if factor != 1:
        value = value * factor
        if field in CONVERTED_PLACES:
            value = value.quantize(CONVERTED_PLACES[field], rounding=ROUND_HALF_UP)
        value = _plain(value)
    if low <= value <= high:
        if unit == "" and field in COUNT_FIELDS and _also_per_microlitre(value):
            return _two_count_readings(match["num"], shown, value, field)
        if unit == "" and field == "blasts_per_mm3" and 0 < value * BLASTS_PER_GIGA <= high:
            return _two_blast_readings(match["num"], shown, value)
        return value
    return _out_of_range(value, field, spec, unit, low, high)


# TRANSLATORS: a button of the question about a count with no unit: the count read per
# microlitre, in ×10⁹/L too.
COUNT_PER_MICROLITRE = m.N_("{value}/µL = {giga} ×10⁹/L")
# TRANSLATORS: a button of the question about blasts with no unit: the value read as ×10⁹/L,
# and per mm³.
BLASTS_PER_LITRE = m.N_("{value} ×10⁹/L = {per_mm3}/mm³")
#: Blasts per mm³ in one ×10⁹/L (the factor of `dialogs/units.py` for the blasts field).
BLASTS_PER_GIGA = UNITS["blasts_per_mm3"].units["x10^9/l"]
#: The quick-form key of each count (blasts too), for the buttons that type a reading with its
#: unit (`tests/test_parsing.py` types each back through the quick form).
COUNT_KEY = {
    "anc": "anc",
    "platelets": "plt",
    "anc_baseline": "anc0",
    "platelets_baseline": "plt0",
    "blasts_per_mm3": "blasts",
}


def _also_per_microlitre(value: Decimal) -> bool:
    """Whether a bare count reads as a count per microlitre too: a whole number of at least one
    ×10⁹/L written per µL (1,500/µL is 1.5 ×10⁹/L; a count per µL is written in thousands). Below
    the field's limit it is a possible ×10⁹/L as well (platelets 1500), so neither is assumed."""
    return value >= PER_MICROLITRE_PER_GIGA_PER_LITRE and value == value.to_integral_value()


def _two_blast_readings(number: str, shown: str, value: Decimal) -> Problem:
    """A bare blast count whose ×10⁹/L reading is possible too (15: 15/mm³, or 15 ×10⁹/L =
    15000/mm³, beyond the cycle-1 cytoreduction limit): neither is assumed. A European lab
    prints blasts in ×10⁹/L; the question asks per mm³."""
    per_mm3 = _plain(value * BLASTS_PER_GIGA)
    key = COUNT_KEY["blasts_per_mm3"]
    choices = (
        Choice(m.VALUE_BLASTS, f"{key} {number}/mm³", {"value": value}),
        Choice(BLASTS_PER_LITRE, f"{key} {number} ×10⁹/L", {"value": value, "per_mm3": per_mm3}),
    )
    values = {"text": shown, "value": value, "per_mm3": per_mm3}
    return Problem(AMBIGUOUS_BLASTS, values, "blasts_per_mm3", None, choices)


def _two_count_readings(number: str, shown: str, value: Decimal, field: str) -> Problem:
    """A bare count of 1000 or more within the limits: ×10⁹/L or per µL, each a button that
    types it with its unit (`AMBIGUOUS_COUNT`), as creatinine's units are asked."""
    giga = _plain(value * PER_MICROLITRE)
    key = COUNT_KEY[field]
    choices = (
        Choice(m.VALUE_COUNT, f"{key} {number} ×10⁹/L", {"value": value}),
        Choice(COUNT_PER_MICROLITRE, f"{key} {number}/µL", {"value": value, "giga": giga}),
    )
    values = {"text": shown, "value": value, "giga": giga}
    return Problem(AMBIGUOUS_COUNT, values, field, None, choices)


#: 5 ft 11 in, 5'11", 5 ft, 5′ 11″ (the primes as typed on a phone or copied).
_FEET_INCHES = re.compile(
    r"(?P<feet>\d)\s*(?:ft|feet|foot|'|′)\s*"
    r"(?:(?P<inches>\d{1,2}(?:[.,]\d+)?)\s*(?:in|inch|inches|\"|''|″)?)?",
    re.IGNORECASE,
)


def _feet_inches(
    match: re.Match[str], text: str, locale: str, low: Decimal, high: Decimal
) -> Decimal | Problem:
    inches = read_number(match["inches"], locale) if match["inches"] else Decimal(0)
    if inches is None or inches >= INCHES_PER_FOOT:
        values = {
            "text": clip(text.strip()),
            "example": 175,
            "unit": "cm",
            "low": low,
            "high": high,
        }
        return Problem(NOT_A_NUMBER, values, "height_cm")
    value = feet_inches_to_cm(int(match["feet"]), inches)
    value = _plain(value.quantize(CONVERTED_PLACES["height_cm"], rounding=ROUND_HALF_UP))
    if low <= value <= high:
        return value
    return Problem(
        OUT_OF_RANGE, {"value": value, "unit": "cm", "low": low, "high": high}, "height_cm"
    )


def _plain(value: Decimal) -> Decimal:
    """Without exponent or trailing zeros (80000 × 0.001 → 80, 180.0 → 180)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _out_of_range(
    value: Decimal, field: str, spec: UnitSpec, unit: str, low: Decimal, high: Decimal
) -> Problem:
    if unit == "" and field in COUNT_FIELDS and value > high and value == value.to_integral():
        suggestion = _plain(value / 1000)
        if low <= suggestion <= high:
            return Problem(
                DID_YOU_MEAN_COUNT, {"value": value, "suggestion": suggestion}, field, suggestion
            )
    if unit == "" and field == "height_cm" and value < low:
        suggestion = _plain(value * 100)
        if low <= suggestion <= high:
            return Problem(
                DID_YOU_MEAN_HEIGHT, {"value": value, "suggestion": suggestion}, field, suggestion
            )
    values: dict[str, object] = {"value": value, "unit": spec.unit, "low": low, "high": high}
    return Problem(OUT_OF_RANGE, values, field)


# Height and weight ---------------------------------------------------------------------

_HW_TOKEN = re.compile(
    r"(?<![\d.,])(?P<num>-?\d+(?:[.,]\d+)*)\s*"
    r"(?P<unit>cm|kgs|kg|lbs|lb|pounds|pound|inches|inch|in|m|\")?(?![^\W\d_])",
    re.IGNORECASE,
)
_HEIGHT_UNITS = frozenset(("cm", "m", "in", "inch", "inches", '"'))
_WEIGHT_UNITS = frozenset(("kg", "kgs", "lb", "lbs", "pound", "pounds"))
_HW_FILLER = re.compile(r"[\s,;/&+]*(?:and|und|et|y|e)?[\s,;/&+]*", re.IGNORECASE)


def parse_height_weight(text: str, locale: str = "en") -> tuple[Decimal, Decimal] | Problem:
    """Height (cm) and weight (kg) in one answer.

    "180 cm 75 kg", "75kg 180cm", "180/75", "180 75", "1.80 m, 75 kg", "180cm/75kg",
    "5 ft 11 in 170 lb": a value with a unit goes to its quantity; without units the first is
    height, the second weight.
    """
    clean = normalise(text)
    bad = Problem(NOT_HEIGHT_WEIGHT, {"text": clip(text.strip())})
    if len(clean) > 2 * MAX_NUMBER_TEXT:
        return bad
    height: str | None = None
    weight: str | None = None
    # A height in feet and inches ("5 ft 11 in", 5'11") is one value of two numbers.
    feet = _FEET_INCHES.search(clean)
    if feet is not None and feet.group(0).strip():
        height = feet.group(0).strip()
        clean = clean[: feet.start()] + " " + clean[feet.end() :]
    tokens = [(match["num"], match["unit"] or "") for match in _HW_TOKEN.finditer(clean)]
    leftover = _HW_TOKEN.sub(" ", clean)
    wanted = 1 if height is not None else 2
    if len(tokens) != wanted or not all(_HW_FILLER.fullmatch(part) for part in leftover.split(" ")):
        return bad
    unitless: list[str] = []
    for number, unit in tokens:
        unit = unit.lower()
        if unit in _HEIGHT_UNITS and height is None:
            height = f"{number} {unit}"
        elif unit in _WEIGHT_UNITS and weight is None:
            weight = f"{number} {unit}"
        elif unit:
            return bad
        else:
            unitless.append(number)
    for number in unitless:
        if height is None:
            height = number
        else:
            weight = number
    if height is None or weight is None:
        return bad
    height_cm = parse_quantity(height, "height_cm", locale)
    if isinstance(height_cm, Problem):
        return height_cm
    weight_kg = parse_quantity(weight, "weight_kg", locale)
    if isinstance(weight_kg, Problem):
        return weight_kg
    return height_cm, weight_kg


# Liver tests as the lab prints them ----------------------------------------------------

_LAB_UNIT = (
    r"(?:[µu]mol\s*/\s*l|mg\s*/\s*dl|iu\s*/\s*l|ui\s*/\s*l|ie\s*/\s*l|u\s*/\s*l|[µu]kat\s*/\s*l)"
)
_LAB_NUMBER = r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*"
#: "34 µmol/L", "34 µmol/L / 21", "34/21", "120 uln 40", "120 U/L (ULN 40 U/L)", "2 mg/dl uln=1.2".
_LAB = re.compile(
    rf"(?P<sign>-)?\s*(?P<num>{_LAB_NUMBER})\s*(?P<unit>{_LAB_UNIT})?\s*"
    rf"(?:(?:/|\(?\s*uln\s*[:=]?)\s*(?P<uln>{_LAB_NUMBER})\s*(?P<uln_unit>{_LAB_UNIT})?\s*\)?)?",
    re.IGNORECASE,
)
#: Typing examples of a ULN after a value, by the unit typed (never used as a ULN).
_EXAMPLE_ULN = {"µmol/L": "21", "mg/dL": "1.2", "U/L": "40", "µkat/L": "0.67"}


class Filled(dict[str, object]):
    """A reader's value that fills several request fields at once: a liver test's multiple of
    the ULN (`bilirubin_uln`) and the lab value as typed (`bilirubin`, for the read-back).
    `note` says how a value was read when the text left it open (a bare number as ×ULN)."""

    def __init__(self, values: Mapping[str, object], note: Problem | None = None) -> None:
        super().__init__(values)
        self.note = note


def parse_lab(
    text: str,
    field: str,
    ulns: Mapping[str, Uln],
    locale: str = "en",
    asks_multiples: bool = False,
) -> Filled | Problem:
    """A liver test (`field` one of `LAB_ANALYTE`) as a multiple of the ULN, or as the lab
    prints it: in µmol/L or mg/dL (bilirubin), U/L or µkat/L (AST, ALT), against the ULN typed
    after it ("34/21", "120 uln 40") or the site's (`ulns`). An absolute value with no ULN
    known is a Problem that asks for it, never a value assumed normal.

    A number without a unit is a multiple of the ULN where that is its only reading: the
    question asks for multiples (`asks_multiples`), or the site has no ULN for the analyte (a
    `note` then says so). Where the site has one, both readings are offered (`_two_readings`)."""
    analyte = LAB_ANALYTE[field]
    clean = normalise(text)
    match = _LAB.fullmatch(clean) if len(clean) <= MAX_NUMBER_TEXT else None
    if match is None or not (match["unit"] or match["uln"]):
        multiple = parse_quantity(text, field, locale)  # ×ULN, or why not
        site = ulns.get(analyte)
        if match is not None and site is not None and not match["sign"] and not asks_multiples:
            return _two_readings(match["num"], text, field, site, multiple, locale)
        if isinstance(multiple, Problem):
            return multiple
        if match is None or asks_multiples:  # a unit typed, or the question's own
            return Filled({field: multiple, analyte: None})
        # ×ULN, the only reading left: the reply says so, and the plan's read-back can too.
        reading = Text(AS_MULTIPLE, {"name": LAB_NAME[field], "multiple": multiple})
        note = Problem(READ_AS_MULTIPLE, {"reading": reading}, field)
        untyped = LabValue(value=multiple, unit=TIMES_ULN, unit_typed=False)
        return Filled({field: multiple, analyte: untyped}, note)
    low, high = limits(field)
    if match["sign"]:
        return Problem(NEGATIVE, {"text": clip(text.strip()), "low": low, "high": high}, field)
    value = read_number(match["num"], locale)
    uln = read_number(match["uln"], locale) if match["uln"] else None
    if value is None or (match["uln"] and not uln):  # unreadable, or a ULN of 0
        return _refused(text, field, locale)
    unit = _shown_unit(match["unit"])
    uln_unit = _shown_unit(match["uln_unit"])
    for typed in (unit, uln_unit):
        if typed and unit_key(typed) not in ABSOLUTE_UNITS[analyte][1]:
            accepted = ", ".join(dict.fromkeys(SHOWN_UNIT[k] for k in ABSOLUTE_UNITS[analyte][1]))
            return Problem(WRONG_UNIT, {"unit": typed, "units": f"{accepted}, ×ULN"}, field)
    source: Literal["given", "site"] = "given"
    if uln is None:
        site = ulns.get(analyte)
        if site is None:
            example = f"{match['num']} {unit} / {_EXAMPLE_ULN.get(unit, '…')}"
            return Problem(NEEDS_ULN, {"value": value, "unit": unit, "example": example}, field)
        uln, uln_unit, source = site.value, site.unit, "site"
    if uln <= 0:
        return Problem(
            OUT_OF_RANGE, {"value": uln, "unit": uln_unit or unit, "low": 0, "high": "…"}, field
        )
    multiple = uln_multiple(analyte, value, unit, uln, uln_unit or None)
    if not low <= multiple <= high:
        return Problem(
            OUT_OF_RANGE, {"value": multiple, "unit": "×ULN", "low": low, "high": high}, field
        )
    lab = LabValue(value=value, unit=unit, uln=uln, uln_unit=uln_unit or None, uln_source=source)
    return Filled({field: multiple, analyte: lab})


#: The quick-form key a reading's button types for each liver field (keys of `dialogs/fields.py`).
LAB_KEY = {"bilirubin_uln": "bili", "ast_uln": "ast", "alt_uln": "alt"}
#: How a reading names its analyte: the read-back's own words (`dialogs/render.py`).
LAB_NAME: dict[str, object] = {
    "bilirubin_uln": Text(m.PC_("lab test", "bilirubin")),
    "ast_uln": "AST",
    "alt_uln": "ALT",
}
#: The two readings, in the read-back's own templates (the same msgids as `dialogs/render.py`).
AS_MULTIPLE = m.N_("{name} {multiple} ×ULN")
AS_SITE = m.N_("{name} {value} {unit} = {multiple} ×ULN (ULN {uln} {uln_unit}, site setting)")


def _two_readings(
    number: str, text: str, field: str, site: Uln, multiple: Decimal | Problem, locale: str
) -> Problem:
    """A bare number where the site has an absolute ULN: a multiple of the ULN, or a value in
    the ULN's unit. Neither is assumed: each reading that is within the limits is offered in
    full, as a button that types it with its unit (`AMBIGUOUS_LAB`)."""
    name, key = LAB_NAME[field], LAB_KEY[field]
    readings: list[Choice] = []
    if not isinstance(multiple, Problem):
        values = {"name": name, "multiple": multiple}
        readings.append(Choice(AS_MULTIPLE, f"{key} {number} ×ULN", values))
    absolute = parse_lab(f"{number} {site.unit}", field, {LAB_ANALYTE[field]: site}, locale)
    if isinstance(absolute, Filled):
        value = read_number(number, locale)
        values = {
            "name": name,
            "value": value,
            "unit": site.unit,
            "multiple": absolute[field],
            "uln": site.value,
            "uln_unit": site.unit,
        }
        readings.append(Choice(AS_SITE, f"{key} {number} {site.unit}", values))
    if not readings:
        return multiple if isinstance(multiple, Problem) else _refused(text, field, locale)
    shown = clip(text.strip())
    if len(readings) == 1:
        only = Text(readings[0].label, readings[0].values)
        values = {"text": shown, "reading": only}
        return Problem(ONE_LAB_READING, values, field, None, tuple(readings))
    as_multiple, as_absolute = (Text(choice.label, choice.values) for choice in readings)
    values = {"text": shown, "as_multiple": as_multiple, "as_absolute": as_absolute}
    return Problem(AMBIGUOUS_LAB, values, field, None, tuple(readings))


# Serum creatinine ------------------------------------------------------------------------

_CREATININE_UNIT = re.compile(
    r"[µu]mol\s*/\s*l|mg\s*/\s*dl|мкмоль\s*/\s*л|мг\s*/\s*дл", re.IGNORECASE
)
_CREATININE = re.compile(
    rf"(?P<sign>-)?\s*(?P<num>{_LAB_NUMBER})\s*(?P<unit>{_CREATININE_UNIT.pattern})?",
    re.IGNORECASE,
)
#: The Russian spellings the Russian catalog writes (мкмоль/л, мг/дл), as shown elsewhere.
_CYRILLIC_UNITS = {"мкмоль/л": "µmol/L", "мг/дл": "mg/dL"}
#: A creatinine as the summary shows it and a unit's button names it: "creatinine 90 µmol/L".
VALUE_CREATININE = m.VALUE_CREATININE
CREATININE_KEY = "creat"
_CREATININE_UNITS = ("µmol/L", "mg/dL")


def has_creatinine_unit(text: str) -> bool:
    """Whether an answer names a unit of creatinine (µmol/L, mg/dL), not of a CrCl."""
    return _CREATININE_UNIT.search(normalise(text)) is not None


def parse_creatinine(text: str, locale: str = "en") -> Filled | Problem:
    """Serum creatinine with its unit, µmol/L or mg/dL: the `LabValue` that gives a
    Cockcroft-Gault CrCl with age, weight and sex (`rules.models.PlanRequest`). A bare number
    is asked back with a button per unit, never guessed from its size (the two units differ by
    a factor of 88.4, and no cut-off between them is the bot's to set). It replaces a CrCl
    typed before."""
    clean = normalise(text)
    shown = clip(text.strip())
    match = _CREATININE.fullmatch(clean) if len(clean) <= MAX_NUMBER_TEXT else None
    value = read_number(match["num"], locale) if match else None
    units = ", ".join(_CREATININE_UNITS)
    if match is None or value is None:
        if match is None and (other := _NUMBER.fullmatch(clean)) and other["unit"].strip():
            typed = clip(other["unit"].strip())
            return Problem(WRONG_UNIT, {"unit": typed, "units": units}, "creatinine")
        values = {"text": shown, "example": 90, "unit": "µmol/L", "low": 0, "high": _MAX_LAB}
        return Problem(NOT_A_NUMBER, values, "creatinine")
    typed = unit_key(match["unit"] or "")
    unit = _CYRILLIC_UNITS.get(typed) or _shown_unit(match["unit"])
    if match["sign"]:
        return Problem(NEGATIVE, {"text": shown, "low": 0, "high": _MAX_LAB}, "creatinine")
    if not 0 < value <= _MAX_LAB:
        values = {"value": value, "unit": unit, "low": 0, "high": _MAX_LAB}
        return Problem(OUT_OF_RANGE, values, "creatinine")
    if not unit:
        choices = tuple(
            Choice(
                VALUE_CREATININE,
                f"{CREATININE_KEY} {match['num']} {unit}",
                {"value": value, "unit": unit},
            )
            for unit in _CREATININE_UNITS
        )
        values = {"value": value, "factor": CREATININE_UMOL_PER_MG_DL}
        return Problem(CREATININE_UNIT, values, "creatinine", None, choices)
    return Filled({"creatinine": LabValue(value=value, unit=unit), "crcl_ml_min": None})


def _refused(text: str, field: str, locale: str) -> Problem:
    """The refusal `parse_quantity` gives, which names the form expected."""
    problem = parse_quantity(text, field, locale)
    if isinstance(problem, Problem):
        return problem
    low, high = limits(field)
    values = {"text": clip(text.strip()), "example": 1, "unit": "×ULN", "low": low, "high": high}
    return Problem(NOT_A_NUMBER, values, field)


def _shown_unit(typed: str | None) -> str:
    """A typed lab unit as shown back ("umol/l" → "µmol/L"); "" when none was typed."""
    return SHOWN_UNIT.get(unit_key(typed), typed) if typed else ""
