"""Languages: gettext catalogs beside this file, and numbers and dates formatted by Babel.

Messages use their English text as msgid, so a missing translation degrades to English rather
than to an opaque key; the catalog tests make sure no shipped language relies on that.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval as babel_format_interval
from babel.dates import format_skeleton as babel_format_skeleton
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal as babel_format_decimal

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
DEFAULT = "en"
#: Every language with a catalog, by its own name (for the /language buttons).
NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "pt_BR": "Português (Brasil)",
    "pt_PT": "Português (Portugal)",
    "ru": "Русский",
    "zh": "简体中文",
    "ar": "العربية",
}
#: Languages whose catalogs are complete (tests/test_catalogs.py proves it): only these are
#: offered, so nobody is silently answered in English under another language's name.
SHIPPED: tuple[str, ...] = tuple(NAMES)
LANGUAGES: dict[str, str] = {code: NAMES[code] for code in SHIPPED}
RTL = frozenset({"ar"})
#: Between a label and its value ("Cycle: 2"): French puts a no-break space before the colon,
#: Chinese writes a full-width colon without a space.
LABEL_SEPARATORS: dict[str, str] = {"fr": "\u00a0: ", "zh": "："}
_ISOLATE_START = "\u2068"
_ISOLATE_END = "\u2069"


#: Language tags that name a catalog other than their first part: Telegram gives "pt-br" for
#: Brazilian Portuguese and "pt" (or "pt-pt") for European Portuguese. One variant per
#: catalog, never the other's words (tests/test_translations_quality.py).
TAGS: dict[str, str] = {"pt-br": "pt_BR", "pt": "pt_PT", "pt-pt": "pt_PT"}
#: The catalog of each two-letter code in Telegram's command menu (`setMyCommands` takes no
#: region): Brazilian, the variant most Portuguese-speaking users of Telegram have.
MENU_LANGUAGES: dict[str, str] = {"pt": "pt_BR"}


def language_code(code: str | None) -> str | None:
    """The catalog a language tag names ("pt-BR", "pt_br" → "pt_BR"; "de-CH" → "de"), or None."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    for candidate in (tag, tag.split("-")[0]):
        if candidate in TAGS:
            return TAGS[candidate]
        if candidate in LANGUAGES:
            return candidate
    return None


def closest_language(code: str | None) -> str:
    """The supported language closest to a Telegram/IETF code ("pt-br" → "pt_BR", "pt" →
    "pt_PT", "de-AT" → "de"), else English."""
    return language_code(code) or DEFAULT


def menu_code(lang: str) -> str:
    """The two-letter code Telegram's command menu is registered under for `lang`."""
    return lang.split("_")[0]


def menu_catalogs() -> list[str]:
    """The catalogs Telegram's per-language texts (command menu, bot descriptions) are
    registered from: one per two-letter code (`MENU_LANGUAGES` picks among variants)."""
    return [lang for lang in LANGUAGES if MENU_LANGUAGES.get(menu_code(lang), lang) == lang]


def catalog_paths(lang: str) -> tuple[Path, Path]:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang`; English (the msgids themselves) for English.

    The `.mo` compiled at install time is used; when it is missing or older than its `.po`
    (a catalog edited in a checkout) the `.po` is compiled in memory, so nobody is shown
    stale or English text by accident.
    """
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po_path, mo_path = catalog_paths(lang)
    fresh = mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if fresh:
        with mo_path.open("rb") as mo_file:
            return gettext.GNUTranslations(mo_file)
    if not po_path.exists():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(po_path)))


def compile_catalog(po_path: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@cache
def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in NAMES else DEFAULT)


@lru_cache(maxsize=8192)
def format_decimal(value: Decimal | int, lang: str) -> str:
    """A number as the locale writes it, with every significant digit and no trailing zero."""
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    text = babel_format_decimal(value, locale=babel_locale(lang), decimal_quantization=False)
    return isolate(text, lang)


@lru_cache(maxsize=4096)
def format_date(value: dt.date, lang: str) -> str:
    return isolate(babel_format_date(value, format="medium", locale=babel_locale(lang)), lang)


def format_day(value: dt.date, lang: str) -> str:
    """A date without its year, short ("Dec 10", "10. Dez."): a dose row of a dated cycle, whose
    year the card gives in full with the next cycle's Day 1."""
    return isolate(babel_format_skeleton("MMMd", value, locale=babel_locale(lang)), lang)


def format_date_interval(start: dt.date, end: dt.date, lang: str) -> str:
    """Two dates as one short range in the locale's words ("Dec 8 – 12", "8.–12. Dez.")."""
    text = babel_format_interval(start, end, skeleton="MMMd", locale=babel_locale(lang))
    return isolate(text, lang)


def isolate(text: str, lang: str) -> str:
    """Keep a number (and the unit that follows it) in reading order inside right-to-left text."""
    if lang in RTL:
        return f"{_ISOLATE_START}{text}{_ISOLATE_END}"
    return text


def label_separator(lang: str) -> str:
    """What separates a label from its value in this language ("Cycle: 2", "Cycle : 2")."""
    return LABEL_SEPARATORS.get(lang, ": ")


def format_items(items: list[str], lang: str) -> str:
    """A list as the locale writes it: "A, B and C", "A、B和C", "A وB وC" (CLDR list patterns)."""
    return babel_format_list(items, style="standard", locale=babel_locale(lang))
