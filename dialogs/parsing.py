"""Reading what a clinician types on a phone: numbers, units, dates, yes/no, the quick form.

Never `float()` and never Babel's lenient parser (engineering-notes.md): a whitelist grammar
turns the digits typed into a `Decimal`, so "1,8" is exactly 1.8 and "1_8", "1e3" or "nan" are
refused. A value that is possible only in another unit gets a did-you-mean, never a silent
conversion; an explicitly typed unit is converted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from babel.core import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from rules.models import LIMITS


def N_(message: str) -> str:
    return message


NOT_A_NUMBER = N_(
    "Could not read “{text}” as a number. Type it like {example} {unit}, between {low} and {high}."
)
NEGATIVE = N_("“{text}”: a negative value is not possible here.")
WRONG_UNIT = N_("The unit “{unit}” does not fit here. Accepted: {units}.")
OUT_OF_RANGE = N_("{value} {unit} is outside the possible range, {low} to {high} {unit}.")
DID_YOU_MEAN_COUNT = N_(
    "{value} is not possible as ×10⁹/L. Did you mean {suggestion} ×10⁹/L (= {value}/µL)?"
)
DID_YOU_MEAN_HEIGHT = N_("{value} cm is not a possible height. Did you mean {suggestion} cm?")
ABSOLUTE_ULN = N_(
    "Please give this as a multiple of the upper limit of normal (×ULN), e.g. 1.2, not in {unit}."
)
NOT_A_WHOLE_NUMBER = N_("“{text}” is not a whole number from {low} to {high}.")
NOT_YES_NO = N_("Please answer yes or no.")
NOT_A_RESPONSE = N_("Please answer CR, CRi or none.")
NOT_A_DATE = N_("Could not read “{text}” as a date. Use the form 2026-11-25, or today.")
AMBIGUOUS_DATE = N_("“{text}” can be read two ways. Please use the form 2026-11-25.")
DATE_TOO_FAR = N_("{date} is more than a year from today. Please check the date.")
NOT_HEIGHT_WEIGHT = N_(
    "Could not read height and weight from “{text}”. Type them like 180 cm 75 kg."
)
NOT_AN_OPTION = N_("“{text}” is not one of: {options}.")

PROBLEM_KEYS: tuple[str, ...] = (
    NOT_A_NUMBER,
    NEGATIVE,
    WRONG_UNIT,
    OUT_OF_RANGE,
    DID_YOU_MEAN_COUNT,
    DID_YOU_MEAN_HEIGHT,
    ABSOLUTE_ULN,
    NOT_A_WHOLE_NUMBER,
    NOT_YES_NO,
    NOT_A_RESPONSE,
    NOT_A_DATE,
    AMBIGUOUS_DATE,
    DATE_TOO_FAR,
    NOT_HEIGHT_WEIGHT,
    NOT_AN_OPTION,
)


@dataclass(frozen=True)
class Problem:
    """Why an answer could not be used: a message template (a gettext msgid) and its values."""

    key: str
    values: dict[str, object]
    field: str | None = None
    suggestion: object | None = None


# Normalisation -------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2009\u202f\u2007\t"), " ")
_ARABIC = {ord("\u066b"): ".", ord("\u066c"): ",", ord("\u060c"): ","}


def normalise(text: str) -> str:
    """Unicode digits and separators as ASCII; NFKC folds fullwidth forms ("１.８")."""
    text = unicodedata.normalize("NFKC", text.translate(_ARABIC)).translate(_SPACES)
    return "".join(
        str(unicodedata.digit(char)) if unicodedata.category(char) == "Nd" else char
        for char in text
    ).strip()


def _decimal_symbol(locale: str) -> str:
    try:
        return str(get_decimal_symbol(locale))
    except (UnknownLocaleError, ValueError, TypeError):
        return "."


# Numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"^(?P<sign>[-−–])?\s*(?P<num>\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
    r"(?P<unit>.*)$"
)


def _digits(number: str, locale: str) -> Decimal | None:
    """The value of a digit string with ',' and '.' used as the clinician meant them."""
    number = number.replace(" ", "")
    separators = [char for char in number if char in ".,"]
    if not separators:
        return Decimal(number)
    groups = re.split(r"[.,]", number)
    if len(set(separators)) == 2:
        decimal_sep = separators[-1]
        integer, fraction = number.rsplit(decimal_sep, 1)
        if decimal_sep in integer or not _valid_groups(integer.split(separators[0])):
            return None
        return Decimal(integer.replace(separators[0], "") + "." + fraction)
    if len(separators) > 1:
        return Decimal("".join(groups)) if _valid_groups(groups) else None
    integer, fraction = groups
    grouping = len(fraction) == 3 and integer != "0" and separators[0] != _decimal_symbol(locale)
    return Decimal(integer + fraction) if grouping else Decimal(f"{integer}.{fraction}")


def _valid_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


@dataclass(frozen=True)
class _Field:
    unit: str
    example: Decimal
    units: dict[str, Decimal]
    refused_units: tuple[str, ...] = ()


_COUNT_UNITS = {
    "": Decimal(1),
    "x10^9/l": Decimal(1),
    "x109/l": Decimal(1),
    "10^9/l": Decimal(1),
    "109/l": Decimal(1),
    "g/l": Decimal(1),
    "x10e9/l": Decimal(1),
    "/µl": Decimal("0.001"),
    "/ul": Decimal("0.001"),
    "/mm3": Decimal("0.001"),
    "cells/µl": Decimal("0.001"),
    "/cmm": Decimal("0.001"),
}
_ULN_UNITS = {"": Decimal(1), "xuln": Decimal(1), "uln": Decimal(1), "x": Decimal(1)}
_ABSOLUTE = ("mg/dl", "µmol/l", "umol/l", "u/l", "iu/l", "mmol/l", "µkat/l")
_COUNT = _Field("×10⁹/L", Decimal("1.5"), _COUNT_UNITS)
FIELDS: dict[str, _Field] = {
    "bsa_m2": _Field("m²", Decimal("1.8"), {"": Decimal(1), "m2": Decimal(1), "m^2": Decimal(1)}),
    "height_cm": _Field(
        "cm",
        Decimal(175),
        {
            "": Decimal(1),
            "cm": Decimal(1),
            "m": Decimal(100),
            "in": Decimal("2.54"),
            "inch": Decimal("2.54"),
            "inches": Decimal("2.54"),
            '"': Decimal("2.54"),
        },
    ),
    "weight_kg": _Field(
        "kg",
        Decimal(70),
        {
            "": Decimal(1),
            "kg": Decimal(1),
            "lb": Decimal("0.45359237"),
            "lbs": Decimal("0.45359237"),
        },
    ),
    "anc": _COUNT,
    "platelets": _Field("×10⁹/L", Decimal(80), _COUNT_UNITS),
    "anc_baseline": _COUNT,
    "platelets_baseline": _Field("×10⁹/L", Decimal(80), _COUNT_UNITS),
    "blasts_per_mm3": _Field(
        "/mm³",
        Decimal(5000),
        {
            "": Decimal(1),
            "/mm3": Decimal(1),
            "/µl": Decimal(1),
            "/ul": Decimal(1),
            "cells/µl": Decimal(1),
            "x10^9/l": Decimal(1000),
            "x109/l": Decimal(1000),
            "10^9/l": Decimal(1000),
            "109/l": Decimal(1000),
            "g/l": Decimal(1000),
        },
    ),
    "bilirubin_uln": _Field("×ULN", Decimal("1.2"), _ULN_UNITS, _ABSOLUTE),
    "ast_uln": _Field("×ULN", Decimal("1.2"), _ULN_UNITS, _ABSOLUTE),
    "alt_uln": _Field("×ULN", Decimal("1.2"), _ULN_UNITS, _ABSOLUTE),
    "crcl_ml_min": _Field("mL/min", Decimal(90), {"": Decimal(1), "ml/min": Decimal(1)}),
    "age_years": _Field(
        "years",
        Decimal(45),
        dict.fromkeys(
            ["", "y", "yr", "yrs", "year", "years", "j", "a", "ans", "años", "anni", "лет", "岁"],
            Decimal(1),
        ),
    ),
}
_CONVERTED_PLACES = {"height_cm": Decimal("0.1"), "weight_kg": Decimal("0.1")}


def _unit_key(unit: str) -> str:
    unit = unit.strip().lower().replace(" ", "").replace("×", "x").replace("*", "x")
    return unit.replace("μ", "µ").replace("³", "3").replace("²", "2").replace("⁹", "9")


def _limits(field_name: str) -> tuple[Decimal, Decimal]:
    low, high = LIMITS[field_name]
    return Decimal(low), Decimal(high)


def parse_quantity(text: str, field: str, locale: str = "en") -> Decimal | Problem:
    """One value for a request field, converted to the field's unit and range-checked."""
    spec = FIELDS[field]
    low, high = _limits(field)
    clean = normalise(text)
    not_a_number = Problem(
        NOT_A_NUMBER,
        {
            "text": text.strip()[:40],
            "example": spec.example,
            "unit": spec.unit,
            "low": low,
            "high": high,
        },
        field,
    )
    match = _NUMBER.match(clean)
    if match is None:
        return not_a_number
    unit = _unit_key(match["unit"])
    if unit in spec.refused_units:
        return Problem(ABSOLUTE_ULN, {"unit": match["unit"].strip()}, field)
    if unit not in spec.units:
        if any(char.isdigit() for char in unit) and not unit.startswith(("x", "/", "10")):
            return not_a_number
        accepted = ", ".join(sorted({u for u in spec.units if u} | {spec.unit}))
        return Problem(WRONG_UNIT, {"unit": match["unit"].strip()[:20], "units": accepted}, field)
    try:
        value = _digits(match["num"], locale)
    except InvalidOperation:
        value = None
    if value is None:
        return not_a_number
    if match["sign"]:
        return Problem(NEGATIVE, {"text": text.strip()[:40]}, field)
    factor = spec.units[unit]
    if factor != 1:
        value = value * factor
        if field in _CONVERTED_PLACES:
            value = value.quantize(_CONVERTED_PLACES[field], rounding=ROUND_HALF_UP)
        value = _plain(value)
    if low <= value <= high:
        return value
    return _out_of_range(value, field, spec, unit, low, high)


def _plain(value: Decimal) -> Decimal:
    """Without exponent or trailing zeros of a conversion (80000 × 0.001 → 80)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _out_of_range(
    value: Decimal, field: str, spec: _Field, unit: str, low: Decimal, high: Decimal
) -> Problem:
    values: dict[str, object] = {"value": value, "unit": spec.unit, "low": low, "high": high}
    if unit == "" and spec is FIELDS.get(field) and spec.units is _COUNT_UNITS and value > high:
        suggestion = _plain(value / 1000)
        if low <= suggestion <= high:
            return Problem(
                DID_YOU_MEAN_COUNT, {"value": value, "suggestion": suggestion}, field, suggestion
            )
    if field == "height_cm" and unit == "" and value < 3:
        suggestion = _plain(value * 100)
        if low <= suggestion <= high:
            return Problem(
                DID_YOU_MEAN_HEIGHT, {"value": value, "suggestion": suggestion}, field, suggestion
            )
    return Problem(OUT_OF_RANGE, values, field)


_HW_TOKEN = re.compile(r"(\d+(?:[.,]\d+)?)\s*(cm|kg|lbs|lb|inches|inch|in|m|\")?(?![a-z])", re.I)
_HEIGHT_UNITS = {"cm", "m", "in", "inch", "inches", '"'}


def parse_height_weight(text: str, locale: str = "en") -> tuple[Decimal, Decimal] | Problem:
    """ "180 cm 75 kg", "75kg 180cm", "180/75": unitless, height comes first."""
    clean = normalise(text)
    tokens = _HW_TOKEN.findall(clean)
    leftover = _HW_TOKEN.sub("", clean).strip(" ,;/")
    if len(tokens) != 2 or leftover:
        return Problem(NOT_HEIGHT_WEIGHT, {"text": text.strip()[:40]})
    height = weight = None
    unassigned = []
    for number, unit in tokens:
        unit = unit.lower()
        if unit in _HEIGHT_UNITS and height is None:
            height = f"{number} {unit}"
        elif unit in {"kg", "lb", "lbs"} and weight is None:
            weight = f"{number} {unit}"
        elif unit:
            return Problem(NOT_HEIGHT_WEIGHT, {"text": text.strip()[:40]})
        else:
            unassigned.append(number)
    for number in unassigned:
        if height is None:
            height = number
        else:
            weight = number
    if height is None or weight is None:
        return Problem(NOT_HEIGHT_WEIGHT, {"text": text.strip()[:40]})
    height_cm = parse_quantity(height, "height_cm", locale)
    if isinstance(height_cm, Problem):
        return height_cm
    weight_kg = parse_quantity(weight, "weight_kg", locale)
    if isinstance(weight_kg, Problem):
        return weight_kg
    return height_cm, weight_kg


def parse_int(text: str, field: str, low: int, high: int) -> int | Problem:
    clean = normalise(text)
    problem = Problem(
        NOT_A_WHOLE_NUMBER, {"text": text.strip()[:40], "low": low, "high": high}, field
    )
    if not clean.isascii() or not clean.isdigit() or len(clean) > 6:
        return problem
    value = int(clean)
    return value if low <= value <= high else problem


# Words ---------------------------------------------------------------------------------

_YES = {
    "yes",
    "y",
    "true",
    "1",
    "ja",
    "j",
    "si",
    "sí",
    "oui",
    "o",
    "sim",
    "s",
    "да",
    "是",
    "نعم",
    "+",
}
_NO = {"no", "n", "false", "0", "nein", "non", "não", "nao", "нет", "否", "لا", "-"}


def parse_yes_no(text: str) -> bool | Problem:
    word = normalise(text).lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return Problem(NOT_YES_NO, {})


_RESPONSES: dict[str, Literal["CR", "CRi", "none"]] = {
    "cr": "CR",
    "cri": "CRi",
    "none": "none",
    "no": "none",
    "nr": "none",
    "no response": "none",
    "-": "none",
    "keine": "none",
    "aucune": "none",
    "ninguna": "none",
    "nessuna": "none",
    "nenhuma": "none",
    "нет": "none",
    "无": "none",
    "لا": "none",
}


def parse_response(text: str) -> Literal["CR", "CRi", "none"] | Problem:
    word = " ".join(normalise(text).lower().split())
    return _RESPONSES.get(word) or Problem(NOT_A_RESPONSE, {})


# Dates ---------------------------------------------------------------------------------

_RELATIVE = {
    "today": 0,
    "heute": 0,
    "hoy": 0,
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "oggi": 0,
    "hoje": 0,
    "сегодня": 0,
    "今天": 0,
    "اليوم": 0,
    "tomorrow": 1,
    "morgen": 1,
    "mañana": 1,
    "demain": 1,
    "domani": 1,
    "amanhã": 1,
    "завтра": 1,
    "明天": 1,
    "غدا": 1,
    "yesterday": -1,
    "gestern": -1,
    "ayer": -1,
    "hier": -1,
    "ieri": -1,
    "ontem": -1,
    "вчера": -1,
    "昨天": -1,
    "أمس": -1,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2,4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")
_MAX_DISTANCE = dt.timedelta(days=366)


def parse_date(text: str, today: dt.date, locale: str = "en") -> dt.date | Problem:
    clean = normalise(text).lower().strip(" .")
    bad = Problem(NOT_A_DATE, {"text": text.strip()[:40]})
    if clean in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[clean])
    parts: tuple[int, int, int] | None = None
    if match := _ISO.match(clean):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _DOTTED.match(clean):
        parts = (int(match[3]), int(match[2]), int(match[1]))
        if len(match[3]) != 4:
            return bad
    elif match := _SLASHED.match(clean):
        first, second, year = int(match[1]), int(match[2]), match[3]
        if len(year) != 4:
            return bad
        if first <= 12 and second <= 12 and first != second:
            return Problem(AMBIGUOUS_DATE, {"text": text.strip()[:40]})
        day, month = (first, second) if first > 12 or first == second else (second, first)
        parts = (int(year), month, day)
    if parts is None:
        return bad
    try:
        date = dt.date(*parts)
    except ValueError:
        return bad
    if abs(date - today) > _MAX_DISTANCE:
        return Problem(DATE_TOO_FAR, {"date": date})
    return date


# Quick form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuickForm:
    values: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    is_quick_form: bool = False


_Kind = tuple[str, ...]
#: key typed → (request field, how to read it). Duplicates: the last value given wins.
KEYS: dict[str, tuple[str, _Kind]] = {}
for _names, _field_name, _kind in (
    (("bsa",), "bsa_m2", ("quantity",)),
    (("height", "h"), "height_cm", ("quantity",)),
    (("weight", "w"), "weight_kg", ("quantity",)),
    (("cycle", "c"), "cycle", ("int", "1", "99")),
    (("response", "resp"), "response", ("response",)),
    (("hsct",), "hsct_planned", ("yesno",)),
    (("anc",), "anc", ("quantity",)),
    (("plt", "platelets"), "platelets", ("quantity",)),
    (("anc0", "anc_base"), "anc_baseline", ("quantity",)),
    (("plt0", "plt_base"), "platelets_baseline", ("quantity",)),
    (("blasts",), "blasts_per_mm3", ("quantity",)),
    (("bili", "bilirubin"), "bilirubin_uln", ("quantity",)),
    (("ast",), "ast_uln", ("quantity",)),
    (("alt",), "alt_uln", ("quantity",)),
    (("crcl",), "crcl_ml_min", ("quantity",)),
    (("start",), "start_date", ("date",)),
    (("last",), "last_dose_date", ("date",)),
    (("grade",), "nonheme_grade", ("int", "0", "4")),
    (("vod",), "vod", ("yesno",)),
    (("irr",), "infusion_reaction", ("choice", "none", "mild", "severe")),
    (("interruption",), "interruption_days", ("int", "0", "365")),
    (("cytopenia",), "cytopenia_days", ("int", "0", "365")),
    (("level",), "dose_level", ("int", "0", "2")),
    (("sex",), "sex", ("choice", "female", "male", "f", "m")),
    (("pregnant",), "pregnant", ("yesno",)),
    (("breastfeeding",), "breastfeeding", ("yesno",)),
    (("age",), "age_years", ("quantity",)),
    (("mrd",), "mrd_negative", ("yesno",)),
    (("gilbert",), "gilbert_or_hemolysis", ("yesno",)),
    (("formula",), "bsa_formula", ("choice", "mosteller", "dubois")),
):
    for _name in _names:
        KEYS[_name] = (_field_name, _kind)

_KEY_PATTERN = re.compile(
    r"(?<![\w.,])("
    + "|".join(sorted(map(re.escape, KEYS), key=len, reverse=True))
    + r")(?![\w])\s*[=:]?\s*",
    re.IGNORECASE,
)
_UNKNOWN_KEY = re.compile(r"(?<![\w])([a-z_]{2,20})\s*[=:]", re.IGNORECASE)
_SHORTHAND = {"f": "female", "m": "male"}


def _read_value(text: str, field_name: str, kind: _Kind, today: dt.date, locale: str) -> object:
    if kind[0] == "quantity":
        return parse_quantity(text, field_name, locale)
    if kind[0] == "int":
        return parse_int(text, field_name, int(kind[1]), int(kind[2]))
    if kind[0] == "yesno":
        answer = parse_yes_no(text)
        return answer if not isinstance(answer, Problem) else Problem(NOT_YES_NO, {}, field_name)
    if kind[0] == "response":
        response = parse_response(text)
        return (
            response
            if not isinstance(response, Problem)
            else Problem(NOT_A_RESPONSE, {}, field_name)
        )
    if kind[0] == "date":
        return parse_date(text, today, locale)
    word = text.strip().lower()
    if word in kind[1:]:
        return _SHORTHAND.get(word, word)
    return Problem(NOT_AN_OPTION, {"text": text[:40], "options": ", ".join(kind[1:])}, field_name)


def parse_quick_form(text: str, today: dt.date, locale: str = "en") -> QuickForm:
    """Several `key=value` (or `key value`) pairs in one message, e.g. bsa=1.8 cycle=2 plt=80."""
    clean = normalise(text)
    matches = list(_KEY_PATTERN.finditer(clean))
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(clean)
        raw = clean[match.end() : end].strip(" ,;\n")
        if not raw:
            continue
        field_name, kind = KEYS[match[1].lower()]
        value = _read_value(raw, field_name, kind, today, locale)
        if isinstance(value, Problem):
            problems.append(
                value
                if value.field
                else Problem(value.key, value.values, field_name, value.suggestion)
            )
        else:
            values[field_name] = value
    if not values and not problems:
        return QuickForm()
    if "bsa_m2" in values:
        values.setdefault("height_cm", None)
        values.setdefault("weight_kg", None)
    elif "height_cm" in values or "weight_kg" in values:
        values["bsa_m2"] = None
    unknown = [word for word in _UNKNOWN_KEY.findall(clean) if word.lower() not in KEYS]
    return QuickForm(values, problems, unknown, True)
