"""Dates as a clinician types them, within a year of today (the caller's today, never the clock)."""

from __future__ import annotations

import datetime as dt
import re

from dialogs.normalise import clip, folded
from dialogs.problems import AMBIGUOUS_DATE, DATE_TOO_FAR, NOT_A_DATE, TWO_DIGIT_YEAR, Problem

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
    clean = folded(text).strip(" .")
    shown = clip(text.strip())
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
