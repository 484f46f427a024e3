"""What a phone keyboard types, in one spelling: ASCII digits, separators and spaces.

Used by every reader (`dialogs/numbers.py`, `dialogs/quantities.py`, `dialogs/words.py`,
`dialogs/dates.py`, `dialogs/quickform.py`) before it looks at the text.
"""

from __future__ import annotations

import re
import unicodedata

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
#: Bidi control marks, invisible in a copied right-to-left example ("‏ANC ١٫٥"): LRM, RLM,
#: the isolates LRI, RLI, FSI, PDI and the Arabic letter mark. They carry no value, so they go.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069\u061c"))
_FULLWIDTH = range(0xFF01, 0xFF5F)  # fullwidth ASCII forms: "１.８", "ｂｓａ＝１．８"
#: Units as Russian clinicians write them (and as the Russian prompts show them, "180 см 75 кг"),
#: ВГН for ULN among them ("АЛТ 3 ×ВГН"), in the Latin spelling the readers know; "м" alone only
#: right after a number ("1,8 м").
_CYRILLIC_UNITS = {
    "мкмоль/л": "µmol/L",
    "мг/дл": "mg/dL",
    "мл/мин": "mL/min",
    "×10⁹/л": "×10⁹/L",
    "мкл": "µL",
    "мм³": "mm³",
    "мм3": "mm3",
    "см": "cm",
    "кг": "kg",
    "м²": "m²",
    "мг": "mg",
    "мл": "mL",
    "ед/л": "U/L",
    "×вгн": "×ULN",
    "xвгн": "×ULN",  # a Latin x
    "хвгн": "×ULN",  # a Cyrillic х
    "вгн": "ULN",
}
_CYRILLIC_UNIT = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(re.escape(unit) for unit in sorted(_CYRILLIC_UNITS, key=len, reverse=True))
    + r")(?![^\W\d_])|(?<=\d)\s?м(?![^\W\d_])",
    re.IGNORECASE,
)


def _latin_unit(match: re.Match[str]) -> str:
    typed = match.group(0)
    if typed.strip().lower() == "м":
        return typed.replace("м", "m").replace("М", "m")
    return _CYRILLIC_UNITS[typed.lower()]


def normalise(text: str) -> str:
    """Unicode digits as ASCII digits, separators and spaces as ASCII, stripped.

    Bidi control marks are removed (a copied Arabic example carries them between the digits).
    Only decimal digits (category Nd: Arabic-Indic, Devanagari, fullwidth...) become digits;
    superscripts, fractions and circled numbers stay as they are, so "1.8²" or "½" are refused
    instead of read as 1.82 or 12.
    """
    if text.isascii():  # the common case: nothing to map but tabs and carriage returns
        return text.translate(_SPACES).strip()
    chars = []
    for char in text.translate(_BIDI_MARKS).translate(_SEPARATORS).translate(_SPACES):
        if unicodedata.category(char) == "Nd":
            chars.append(str(unicodedata.digit(char)))
        elif ord(char) in _FULLWIDTH:
            chars.append(chr(ord(char) - 0xFEE0))
        else:
            chars.append(char)
    return _CYRILLIC_UNIT.sub(_latin_unit, "".join(chars)).strip()


def clip(text: str) -> str:
    """The text as quoted back in a Problem: one line, at most 40 characters."""
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def folded(text: str) -> str:
    """A typed word for lookup in a vocabulary: normalised, case-folded, without end punctuation."""
    return " ".join(normalise(text).casefold().split()).rstrip(".!")
