"""Readers of one value, shared by the guided steps and the quick form, so that "1,8" or
"1500/µL" means the same whichever way it was typed.

A reader takes the text, the request field it is for (named in a Problem) and the context,
and returns the typed value or a Problem. `answer` turns one into a step's reader, which
returns the fields it fills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dialogs.dates import parse_date
from dialogs.numbers import parse_int
from dialogs.problems import NOT_AN_OPTION, Problem
from dialogs.quantities import parse_quantity
from dialogs.words import parse_response, parse_yes_no


@dataclass(frozen=True)
class Context:
    """What reading an answer may depend on besides the text: never the clock itself."""

    today: dt.date
    locale: str


Reader = Callable[[str, str, Context], object]  # (text, field, context) → value or Problem
Answer = dict[str, Any] | Problem


def quantity(text: str, field: str, context: Context) -> object:
    return parse_quantity(text, field, context.locale)


def integer(low: int, high: int) -> Reader:
    def read(text: str, field: str, context: Context) -> object:
        return parse_int(text, field, low, high)

    return read


def yes_no(text: str, field: str, context: Context) -> object:
    return parse_yes_no(text)


def response(text: str, field: str, context: Context) -> object:
    return parse_response(text)


def date(text: str, field: str, context: Context) -> object:
    return parse_date(text, context.today, context.locale)


def choice(options: dict[str, str]) -> Reader:
    """One of a few words (several may mean the same value)."""
    shown = ", ".join(dict.fromkeys(options.values()))

    def read(text: str, field: str, context: Context) -> object:
        word = " ".join(text.casefold().split()).rstrip(".!")
        if word in options:
            return options[word]
        return Problem(NOT_AN_OPTION, {"text": text[:40], "options": shown}, field)

    return read


def dose_day(text: str, field: str, context: Context) -> object:
    """Day 1, 8 or 15 of the cycle: Table 2 count rules apply on Day 1 only."""
    value = parse_int(text, field, 1, 15)
    if isinstance(value, Problem) or value in (1, 8, 15):
        return value
    return Problem(NOT_AN_OPTION, {"text": text[:40], "options": "1, 8, 15"}, field)


def answer(field: str, reader: Reader) -> Callable[[str, Context], Answer]:
    """A step that fills one field."""

    def read(text: str, context: Context) -> Answer:
        value = reader(text, field, context)
        return value if isinstance(value, Problem) else {field: value}

    return read
