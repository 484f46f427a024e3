"""Languages: gettext catalogs beside this file, and numbers and dates formatted by Babel.

Messages use their English text as msgid, so a missing translation degrades to English rather
than to an opaque key; the catalog tests make sure no shipped language relies on that.
"""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
DEFAULT = "en"
#: Supported languages, each with its own name (for the /language buttons).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "ru": "Русский",
    "zh": "简体中文",
    "ar": "العربية",
}
RTL = frozenset({"ar"})
_ISOLATE_START = "\u2068"
_ISOLATE_END = "\u2069"


def closest_language(code: str | None) -> str:
    """The supported language closest to a Telegram/IETF code ("pt-br" → "pt"), else English."""
    if not code:
        return DEFAULT
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for `lang`; English (the msgids themselves) for English."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


@cache
def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGUAGES else DEFAULT)


def format_decimal(value: Decimal | int, lang: str) -> str:
    """A number as the locale writes it, with every significant digit and no trailing zero."""
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    text = babel_format_decimal(value, locale=babel_locale(lang), decimal_quantization=False)
    return isolate(text, lang)


def format_date(value: dt.date, lang: str) -> str:
    return isolate(babel_format_date(value, format="medium", locale=babel_locale(lang)), lang)


def isolate(text: str, lang: str) -> str:
    """Keep a number (and the unit that follows it) in reading order inside right-to-left text."""
    if lang in RTL:
        return f"{_ISOLATE_START}{text}{_ISOLATE_END}"
    return text
