"""Digits to `Decimal` and whole numbers, never through `float()` or Babel's lenient parser.

A whitelist grammar turns the digits typed into a `Decimal`, so "1,8" is exactly 1.8 and "1_8",
"1e3", "nan" or "½" are refused (Python's `decimal` module documentation explains why binary
floats cannot hold 1.8 exactly). Every function is total: a value, None or a `Problem`.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from babel.core import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from dialogs.normalise import clip, normalise
from dialogs.problems import NOT_A_WHOLE_NUMBER, Problem

MAX_NUMBER_TEXT = 60
#: More significant digits than any clinical value needs; longer numbers are refused before
#: any arithmetic (a 50-digit value times 2.54 would exceed Decimal's 28-digit precision and
#: make quantize() raise InvalidOperation).
_MAX_DIGITS = 15


@functools.lru_cache(maxsize=64)
def decimal_separator(locale: str) -> str:
    """The locale's decimal separator as '.' or ',' (unknown or malformed locale: '.')."""
    try:
        symbol = str(get_decimal_symbol(locale.replace("-", "_") or "en"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        return "."
    symbol = normalise(symbol)
    return symbol if symbol in {".", ","} else "."


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


_DAYS_SUFFIX = re.compile(r"\s*(?:d|days?|tage?|jours?|días?|dias?|giorni|дн(?:ей|я)?)\.?$")


def parse_int(text: str, field: str, low: int, high: int) -> int | Problem:
    """A whole number from `low` to `high` ("2", "０２"); fields ending in `_days` also
    accept a days suffix ("7 days", "7d"). Signs, decimals and separators are refused."""
    clean = normalise(text).lower()
    if field.endswith("_days"):
        clean = _DAYS_SUFFIX.sub("", clean)
    problem = Problem(
        NOT_A_WHOLE_NUMBER, {"text": clip(text.strip()), "low": low, "high": high}, field
    )
    if not clean.isascii() or not clean.isdigit() or len(clean) > 9:
        return problem
    value = int(clean)
    return value if low <= value <= high else problem
