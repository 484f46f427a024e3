"""Readers of one value, shared by the guided steps and the quick form, so that "1,8" or
"1500/µL" means the same whichever way it was typed.

A reader takes the text, the request field it is for (named in a Problem) and the context,
and returns the typed value or a Problem. `answer` turns one into a step's reader, which
returns the fields it fills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.dates import parse_date
from dialogs.numbers import parse_int
from dialogs.problems import NOT_AN_OPTION, Problem
from dialogs.quantities import (
    Filled,
    has_creatinine_unit,
    parse_creatinine,
    parse_lab,
    parse_quantity,
)
from dialogs.units import site_ulns
from dialogs.words import parse_mrd_negative, parse_response, parse_sex, parse_yes_no, sex_problem
from rules.thresholds import DOSE_DAYS
from rules.units import Uln


@dataclass(frozen=True)
class Context:
    """What reading an answer may depend on besides the text: never the clock itself."""

    today: dt.date
    locale: str
    #: The site laboratory's ULNs by analyte (`dialogs/units.set_site_ulns`).
    ulns: Mapping[str, Uln] = field(default_factory=site_ulns)
    #: The question on screen asks for multiples of the ULN: a liver number without a unit is
    #: one, as the question says, even where the site has a ULN (`Step.asks_multiples`).
    asks_multiples: bool = False


Reader = Callable[[str, str, Context], object]  # (text, field, context) → value or Problem
Answer = dict[str, Any] | Problem


def quantity(text: str, field: str, context: Context) -> object:
    return parse_quantity(text, field, context.locale)


def lab(text: str, field: str, context: Context) -> object:
    """A liver test: ×ULN, or as the lab prints it against a typed or the site's ULN; fills
    the `*_uln` field and the lab value as typed (a `Filled`)."""
    return parse_lab(text, field, context.ulns, context.locale, context.asks_multiples)


def creatinine(text: str, field: str, context: Context) -> object:
    """Serum creatinine with its unit (a bare number is asked back); it replaces a CrCl typed
    before: the draft holds one source of the CrCl at a time."""
    return parse_creatinine(text, context.locale)


def clearance(text: str, field: str, context: Context) -> object:
    """A CrCl in mL/min; it replaces a creatinine typed before."""
    value = parse_quantity(text, "crcl_ml_min", context.locale)
    return (
        value if isinstance(value, Problem) else Filled({"crcl_ml_min": value, "creatinine": None})
    )


def clearance_or_creatinine(text: str, field: str, context: Context) -> object:
    """The CrCl question's answer: a serum creatinine when typed with its unit (µmol/L, mg/dL),
    else a CrCl, whose unit (mL/min) is the question's own, so a bare number is a CrCl."""
    if has_creatinine_unit(text):
        return creatinine(text, "creatinine", context)
    return clearance(text, "crcl_ml_min", context)


def integer(low: int, high: int) -> Reader:
    def read(text: str, field: str, context: Context) -> object:
        return parse_int(text, field, low, high)

    return read


def yes_no(text: str, field: str, context: Context) -> object:
    return parse_yes_no(text)


def mrd_negative(text: str, field: str, context: Context) -> object:
    return parse_mrd_negative(text)


def response(text: str, field: str, context: Context) -> object:
    return parse_response(text, context.locale)


def sex(text: str, field: str, context: Context) -> object:
    """Female or male, read by the chat's language (`dialogs/words.SEX_WORDS_BY_LANG`); an
    ambiguous letter is asked about, and a refusal names the options in the chat's words."""
    problem = sex_problem(text, context.locale)
    if problem is not None:
        return problem
    return parse_sex(text, context.locale)


def date(text: str, field: str, context: Context) -> object:
    return parse_date(text, context.today, context.locale)


def choice(options: Mapping[str, object], shown: str | None = None) -> Reader:
    """One of a few words (several may mean the same value). The refusal lists `shown`, by
    default the distinct values; the one reader of options, for fields and steps alike."""
    listed = shown or ", ".join(dict.fromkeys(str(value) for value in options.values()))

    def read(text: str, field: str, context: Context) -> object:
        word = " ".join(text.casefold().split()).rstrip(".!")
        if word in options:
            return options[word]
        return Problem(NOT_AN_OPTION, {"text": text[:40], "options": listed}, field or None)

    return read


def dose_day(text: str, field: str, context: Context) -> object:
    """Day 1, 8 or 15 of the cycle: Table 2 count rules apply on Day 1 only."""
    value = parse_int(text, field, DOSE_DAYS[0], DOSE_DAYS[-1])
    if isinstance(value, Problem) or value in DOSE_DAYS:
        return value
    options = ", ".join(map(str, DOSE_DAYS))
    return Problem(NOT_AN_OPTION, {"text": text[:40], "options": options}, field)


def answer(field: str, reader: Reader) -> Callable[[str, Context], Answer]:
    """A step that fills one field."""

    def read(text: str, context: Context) -> Answer:
        value = reader(text, field, context)
        if isinstance(value, Filled):
            return dict(value)
        return value if isinstance(value, Problem) else {field: value}

    return read
