"""Reading what a clinician types on a phone: numbers with units, yes/no, response, dates.

Every function is pure and total: it returns a typed value or a `Problem` (a message template
and its values, rendered per locale by the dialog), and never raises on any text.

Numbers never go through `float()` or Babel's lenient parser (engineering-notes.md): a
whitelist grammar turns the digits typed into a `Decimal`, so "1,8" is exactly 1.8 and "1_8",
"1e3", "nan" or "½" are refused. An explicitly typed unit is converted ("1.80 m" → 180 cm,
"80,000/µL" → 80 ×10⁹/L); a unitless value that is possible only in another unit gets a
did-you-mean `Problem` with a `suggestion`, never a silent conversion; absolute liver values
(mg/dL, µmol/L, U/L) are refused, since the rules need multiples of the upper limit of normal.

The quick form (`key=value` pairs in one message) lives in `dialogs.quickform` and is
re-exported here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from babel.core import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from dialogs.messages import N_
from rules.models import LIMITS

if TYPE_CHECKING:
    from dialogs.quickform import KEYS, QuickForm, parse_quick_form


NOT_A_NUMBER = N_(
    "Could not read “{text}” as a number. Type it like {example} {unit}, between {low} and {high}."
)
NEGATIVE = N_("“{text}”: a negative value is not possible. Type a number from {low} to {high}.")
WRONG_UNIT = N_("The unit “{unit}” does not fit here. Accepted: {units}.")
OUT_OF_RANGE = N_("{value} {unit} is outside the possible range, {low} to {high} {unit}.")
DID_YOU_MEAN_COUNT = N_(
    "{value} is not possible as ×10⁹/L. Did you mean {suggestion} ×10⁹/L (= {value}/µL)?"
)
DID_YOU_MEAN_HEIGHT = N_(
    "{value} cm is not a possible height. Did you mean {suggestion} cm (= {value} m)?"
)
NOT_A_COUNT = N_("“{text}”: a count per µL is a whole number. Type it like {example}.")
ABSOLUTE_ULN = N_(
    "Please give this as a multiple of the upper limit of normal (×ULN), e.g. 1.2, not in {unit}."
)
NOT_A_WHOLE_NUMBER = N_("“{text}” is not a whole number from {low} to {high}.")
NOT_YES_NO = N_("Please answer yes or no.")
NOT_A_RESPONSE = N_("Please answer CR, CRi or none.")
NOT_A_DATE = N_("Could not read “{text}” as a date. Use the form 2026-11-25, or today.")
AMBIGUOUS_DATE = N_("“{text}” can be read two ways. Please use the form 2026-11-25.")
TWO_DIGIT_YEAR = N_("“{text}”: please write the year with 4 digits, like 2026-11-25.")
DATE_TOO_FAR = N_("{date} is more than a year from today. Please check the date.")
NOT_HEIGHT_WEIGHT = N_(
    "Could not read height and weight from “{text}”. Type them like 180 cm 75 kg."
)
NOT_AN_OPTION = N_("“{text}” is not one of: {options}.")
#: No longer raised (quick-form duplicates: the last one wins); kept so that the committed
#: catalogs still match the source. Remove together with its catalog entries.
CONFLICTING_VALUES = N_(
    "“{key}” was given more than once with different values. Please give it once."
)

PROBLEM_KEYS: tuple[str, ...] = (
    NOT_A_NUMBER,
    NEGATIVE,
    WRONG_UNIT,
    OUT_OF_RANGE,
    DID_YOU_MEAN_COUNT,
    DID_YOU_MEAN_HEIGHT,
    NOT_A_COUNT,
    ABSOLUTE_ULN,
    NOT_A_WHOLE_NUMBER,
    NOT_YES_NO,
    NOT_A_RESPONSE,
    NOT_A_DATE,
    AMBIGUOUS_DATE,
    TWO_DIGIT_YEAR,
    DATE_TOO_FAR,
    NOT_HEIGHT_WEIGHT,
    NOT_AN_OPTION,
    CONFLICTING_VALUES,
)


@dataclass(frozen=True)
class Problem:
    """Why an answer could not be used.

    `key` is an English `str.format` template (and the gettext msgid, one of `PROBLEM_KEYS`),
    `values` fill its placeholders (Decimal, int, str, date; formatted per locale by the
    renderer), `field` names the request field when known, and `suggestion` is the value a
    did-you-mean offers (a `Decimal` in the field's unit), to be used only if the user accepts.
    """

    key: str
    values: dict[str, object]
    field: str | None = None
    suggestion: object | None = None


# Normalisation -------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2009\u202f\u2007\u2002\u2003\u3000\t\r"), " ")
_SEPARATORS = {
    ord("\u066b"): ".",  # Arabic decimal separator
    ord("\u066c"): ",",  # Arabic thousands separator
    ord("\u060c"): ",",  # Arabic comma (a list separator in the quick form)
    ord("\u061b"): ";",  # Arabic semicolon
    ord("\u2212"): "-",  # minus sign
    ord("\u2013"): "-",  # en dash
    ord("\u2010"): "-",  # hyphen
    ord("\u2011"): "-",  # non-breaking hyphen
}
_FULLWIDTH = range(0xFF01, 0xFF5F)  # fullwidth ASCII forms: "１.８", "ｂｓａ＝１．８"
_MAX_NUMBER_TEXT = 60
#: More significant digits than any clinical value needs; longer numbers are refused before
#: any arithmetic (a 50-digit value times 2.54 would exceed Decimal's 28-digit precision and
#: make quantize() raise InvalidOperation).
_MAX_DIGITS = 15


def normalise(text: str) -> str:
    """Unicode digits as ASCII digits, separators and spaces as ASCII, stripped.

    Only decimal digits (category Nd: Arabic-Indic, Devanagari, fullwidth...) become digits;
    superscripts, fractions and circled numbers stay as they are, so "1.8²" or "½" are refused
    instead of read as 1.82 or 12.
    """
    if text.isascii():  # the common case: nothing to map but tabs and carriage returns
        return text.translate(_SPACES).strip()
    chars = []
    for char in text.translate(_SEPARATORS).translate(_SPACES):
        if unicodedata.category(char) == "Nd":
            chars.append(str(unicodedata.digit(char)))
        elif ord(char) in _FULLWIDTH:
            chars.append(chr(ord(char) - 0xFEE0))
        else:
            chars.append(char)
    return "".join(chars).strip()


@functools.lru_cache(maxsize=64)
def decimal_separator(locale: str) -> str:
    """The locale's decimal separator as '.' or ',' (unknown or malformed locale: '.')."""
    try:
        symbol = str(get_decimal_symbol(locale.replace("-", "_") or "en"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        return "."
    symbol = normalise(symbol)
    return symbol if symbol in {".", ","} else "."


# Numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?P<sign>-)?\s*"
    r"(?P<num>\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
    r"(?P<unit>.*)",
    re.DOTALL,
)
_GROUP_DIGITS = 3


def read_number(text: str, locale: str = "en", whole: bool = False) -> Decimal | None:
    """The value of a digit string such as "1,8", "80,000", "1.800,5" or "80 000".

    A single ',' or '.' is decimal, except when followed by exactly 3 digits (and not after a
    lone 0) and differing from the locale's decimal separator: then it groups thousands
    ("80,000" in en, "1.800" in de). With both separators the last one is decimal and the
    others must separate valid 3-digit groups. `whole=True` (a count per µL, never fractional)
    reads a single separator before 3 digits as grouping in every locale ("80,000" in de is
    80000, not 80.000). Returns None for anything else, and for more than 15 digits.
    """
    number = text.replace(" ", "")
    if not number.isascii() or not re.fullmatch(r"\d+(?:[.,]\d+)*", number):
        return None
    if sum(char.isdigit() for char in number) > _MAX_DIGITS:
        return None
    separators = [char for char in number if char in ".,"]
    try:
        if not separators:
            return Decimal(number)
        if len(set(separators)) == 2:
            decimal_sep = separators[-1]
            group_sep = "," if decimal_sep == "." else "."
            integer, fraction = number.rsplit(decimal_sep, 1)
            if decimal_sep in integer or not _valid_groups(integer.split(group_sep)):
                return None
            return Decimal(integer.replace(group_sep, "") + "." + fraction)
        groups = re.split(r"[.,]", number)
        if len(separators) > 1:
            return Decimal("".join(groups)) if _valid_groups(groups) else None
        integer, fraction = groups
        grouping = (
            len(fraction) == _GROUP_DIGITS
            and integer.strip("0") != ""
            and (whole or separators[0] != decimal_separator(locale))
        )
        return Decimal(integer + fraction) if grouping else Decimal(f"{integer}.{fraction}")
    except InvalidOperation:
        return None


def _valid_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= _GROUP_DIGITS and all(
        len(group) == _GROUP_DIGITS for group in groups[1:]
    )


# Units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    unit: str  # the field's unit as shown to the user
    example: Decimal
    units: dict[str, Decimal]  # normalised unit typed → factor to the field's unit
    accepted: str  # the accepted units as shown in WRONG_UNIT
    refused: frozenset[str] = frozenset()  # units refused with ABSOLUTE_ULN


_ONE = Decimal(1)
_PER_MICROLITRE = Decimal("0.001")
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
_COUNT_UNITS.update(dict.fromkeys(_PER_MM3, _PER_MICROLITRE))
_BLAST_UNITS = {"": _ONE, **dict.fromkeys(_PER_MM3, _ONE)}
_BLAST_UNITS.update(dict.fromkeys(_GIGA_PER_LITRE, Decimal(1000)))
_ULN_UNITS = dict.fromkeys(("", "x", "xuln", "uln", "timesuln", "xnormal"), _ONE)
_ABSOLUTE = frozenset(
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
_INCH = Decimal("2.54")
_POUND = Decimal("0.45359237")

FIELDS: dict[str, _Field] = {
    "bsa_m2": _Field("m²", Decimal("1.8"), dict.fromkeys(("", "m2", "m^2", "sqm"), _ONE), "m²"),
    "height_cm": _Field(
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
        "cm, m, in",
    ),
    "weight_kg": _Field(
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
    "anc": _Field("×10⁹/L", Decimal("1.5"), _COUNT_UNITS, _COUNTS),
    "platelets": _Field("×10⁹/L", Decimal(80), _COUNT_UNITS, _COUNTS),
    "anc_baseline": _Field("×10⁹/L", Decimal("1.5"), _COUNT_UNITS, _COUNTS),
    "platelets_baseline": _Field("×10⁹/L", Decimal(80), _COUNT_UNITS, _COUNTS),
    "blasts_per_mm3": _Field("/mm³", Decimal(5000), _BLAST_UNITS, "/mm³, /µL, ×10⁹/L"),
    "bilirubin_uln": _Field(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, _ABSOLUTE),
    "ast_uln": _Field(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, _ABSOLUTE),
    "alt_uln": _Field(_ULN, Decimal("1.2"), _ULN_UNITS, _ULN, _ABSOLUTE),
    "crcl_ml_min": _Field(
        "mL/min", Decimal(90), dict.fromkeys(("", "ml/min", "mlmin"), _ONE), "mL/min"
    ),
    "age_years": _Field(
        "years",
        Decimal(45),
        dict.fromkeys(
            ("", "y", "yr", "yrs", "year", "years", "j", "a", "ans", "años", "anni", "лет", "岁"),
            _ONE,
        ),
        "years",
    ),
}
_COUNT_FIELDS = frozenset(("anc", "platelets", "anc_baseline", "platelets_baseline"))
#: Converted heights and weights are rounded to 0.1 (70 in → 177.8 cm).
_CONVERTED_PLACES = {"height_cm": Decimal("0.1"), "weight_kg": Decimal("0.1")}
_KNOWN_UNITS = frozenset(unit for spec in FIELDS.values() for unit in spec.units) | _ABSOLUTE


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


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def parse_quantity(text: str, field: str, locale: str = "en") -> Decimal | Problem:
    """One value for a quantity field of the request (a key of `FIELDS`/`LIMITS`).

    The result is in the field's unit (cm, kg, ×10⁹/L, /mm³, ×ULN, mL/min, m², years) and
    within `LIMITS[field]`; an explicitly typed unit is converted, a wrong one refused.
    """
    spec = FIELDS[field]
    low, high = limits(field)
    clean = normalise(text)
    shown = _clip(text.strip())
    not_a_number = Problem(
        NOT_A_NUMBER,
        {"text": shown, "example": spec.example, "unit": spec.unit, "low": low, "high": high},
        field,
    )
    match = _NUMBER.fullmatch(clean) if len(clean) <= _MAX_NUMBER_TEXT else None
    if match is None:
        return not_a_number
    raw_unit = match["unit"].strip()
    unit = unit_key(raw_unit)
    if unit not in spec.units:
        if unit in spec.refused:
            return Problem(ABSOLUTE_ULN, {"unit": raw_unit}, field)
        if unit in _KNOWN_UNITS or (raw_unit[:1].isalpha() and not re.search(r"\d", unit)):
            return Problem(WRONG_UNIT, {"unit": _clip(raw_unit), "units": spec.accepted}, field)
        return not_a_number
    factor = spec.units[unit]
    whole = factor == _PER_MICROLITRE or (field == "blasts_per_mm3" and factor == 1)
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
        if field in _CONVERTED_PLACES:
            value = value.quantize(_CONVERTED_PLACES[field], rounding=ROUND_HALF_UP)
        value = _plain(value)
    if low <= value <= high:
        return value
    return _out_of_range(value, field, spec, unit, low, high)


def _plain(value: Decimal) -> Decimal:
    """Without exponent or trailing zeros (80000 × 0.001 → 80, 180.0 → 180)."""
    normal = value.normalize()
    return normal.quantize(_ONE) if normal == normal.to_integral_value() else normal


def _out_of_range(
    value: Decimal, field: str, spec: _Field, unit: str, low: Decimal, high: Decimal
) -> Problem:
    if unit == "" and field in _COUNT_FIELDS and value > high and value == value.to_integral():
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

    "180 cm 75 kg", "75kg 180cm", "180/75", "180 75", "1.80 m, 75 kg", "180cm/75kg": a value
    with a unit goes to its quantity; without units the first is height, the second weight.
    """
    clean = normalise(text)
    bad = Problem(NOT_HEIGHT_WEIGHT, {"text": _clip(text.strip())})
    if len(clean) > 2 * _MAX_NUMBER_TEXT:
        return bad
    tokens = [(match["num"], match["unit"] or "") for match in _HW_TOKEN.finditer(clean)]
    leftover = _HW_TOKEN.sub(" ", clean)
    if len(tokens) != 2 or not all(_HW_FILLER.fullmatch(part) for part in leftover.split(" ")):
        return bad
    height: str | None = None
    weight: str | None = None
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


# Whole numbers -------------------------------------------------------------------------

_DAYS_SUFFIX = re.compile(r"\s*(?:d|days?|tage?|jours?|días?|dias?|giorni|дн(?:ей|я)?)\.?$")


def parse_int(text: str, field: str, low: int, high: int) -> int | Problem:
    """A whole number from `low` to `high` ("2", "０２"); fields ending in `_days` also
    accept a days suffix ("7 days", "7d"). Signs, decimals and separators are refused."""
    clean = normalise(text).lower()
    if field.endswith("_days"):
        clean = _DAYS_SUFFIX.sub("", clean)
    problem = Problem(
        NOT_A_WHOLE_NUMBER, {"text": _clip(text.strip()), "low": low, "high": high}, field
    )
    if not clean.isascii() or not clean.isdigit() or len(clean) > 9:
        return problem
    value = int(clean)
    return value if low <= value <= high else problem


# Words ---------------------------------------------------------------------------------

_YES = frozenset(
    (
        "yes",
        "y",
        "true",
        "1",
        "+",
        "ja",
        "j",
        "si",
        "sí",
        "sì",
        "oui",
        "sim",
        "s",
        "да",
        "是",
        "是的",
        "نعم",
    )
)
_NO = frozenset(
    ("no", "n", "false", "0", "-", "nein", "non", "não", "nao", "нет", "否", "不", "لا")
)


def _word(text: str) -> str:
    return " ".join(normalise(text).casefold().split()).rstrip(".!")


def parse_yes_no(text: str) -> bool | Problem:
    """yes/no in a few languages: yes, y, true, 1, +, ja, si, oui, sim, да, 是, نعم (and
    the matching no words), case-insensitive. Anything else is a Problem, never a default."""
    word = _word(text)
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
    """The response to treatment: "CR", "CRi" (any case) or none ("none", "no", "nr",
    "no response", "-")."""
    return _RESPONSES.get(_word(text)) or Problem(NOT_A_RESPONSE, {})


# Dates ---------------------------------------------------------------------------------

_RELATIVE = {
    **dict.fromkeys(
        ("today", "heute", "hoy", "aujourd'hui", "aujourd’hui", "oggi", "hoje", "сегодня"), 0
    ),
    **dict.fromkeys(("今天", "اليوم"), 0),
    **dict.fromkeys(
        ("tomorrow", "morgen", "mañana", "demain", "domani", "amanhã", "завтра", "明天"), 1
    ),
    **dict.fromkeys(("غدا",), 1),
    **dict.fromkeys(("yesterday", "gestern", "ayer", "hier", "ieri", "ontem", "вчера", "昨天"), -1),
    **dict.fromkeys(("أمس",), -1),
}
_YEAR_FIRST = re.compile(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d+)")
_SLASHED = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d+)")
_MONTHS_12 = 12


def parse_date(text: str, today: dt.date, locale: str = "en") -> dt.date | Problem:
    """A date within a year of `today`.

    2026-11-25 (also with / or .), 25.11.2026, 25/11/2026 or 11/25/2026 (with / or -: when
    both first parts are ≤ 12 and differ the order is ambiguous, whatever the locale, and the
    ISO form is asked for), today/tomorrow/yesterday in a few languages. Two-digit years are
    refused. `locale` is accepted for symmetry; the reading does not depend on it.
    """
    clean = _word(text).strip(" .")
    shown = _clip(text.strip())
    bad = Problem(NOT_A_DATE, {"text": shown})
    if clean in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[clean])
    if match := _YEAR_FIRST.fullmatch(clean):
        year, month, day = match[1], int(match[3]), int(match[4])
    elif match := _DOTTED.fullmatch(clean):
        day, month, year = int(match[1]), int(match[2]), match[3]
    elif match := _SLASHED.fullmatch(clean):
        first, second, year = int(match[1]), int(match[3]), match[4]
        ambiguous = 0 < first <= _MONTHS_12 and 0 < second <= _MONTHS_12 and first != second
        if len(year) == 4 and ambiguous:
            return Problem(AMBIGUOUS_DATE, {"text": shown})
        day, month = (second, first) if second > _MONTHS_12 else (first, second)
    else:
        return bad
    if len(year) == 2:
        return Problem(TWO_DIGIT_YEAR, {"text": shown})
    if len(year) != 4:
        return bad
    try:
        date = dt.date(int(year), month, day)
    except ValueError:
        return bad
    if not _years_from(today, -1) <= date <= _years_from(today, 1):
        return Problem(DATE_TOO_FAR, {"date": date})
    return date


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def __getattr__(name: str) -> object:
    """The quick form's API, re-exported lazily (dialogs.quickform imports this module)."""
    if name in {"KEYS", "QuickForm", "parse_quick_form"}:
        from dialogs import quickform

        return getattr(quickform, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FIELDS",
    "KEYS",
    "PROBLEM_KEYS",
    "Problem",
    "QuickForm",
    "decimal_separator",
    "limits",
    "normalise",
    "parse_date",
    "parse_height_weight",
    "parse_int",
    "parse_quantity",
    "parse_quick_form",
    "parse_response",
    "parse_yes_no",
    "read_number",
    "unit_key",
]
