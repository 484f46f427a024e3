"""How many lines a text takes on a phone held upright: the measure of the card's budget.

The dose card is budgeted in lines *on a phone*, not in text lines: a 150-character line
is four lines on a phone. The measure, stated so that a test can hold the card to it:

- the text as the client shows it: HTML tags dropped, entities unescaped, and the invisible
  direction marks and isolates (U+200E/F, U+061C, U+202A-U+202E, U+2066-U+2069) removed;
- each text line is word-wrapped greedily at `PHONE_COLUMNS` columns, as a chat bubble does:
  a word that does not fit starts a new line, a word longer than a whole line is broken;
- East Asian wide and full-width characters (and emoji, shown wide) take two columns and may
  be broken between (Chinese has no spaces); combining marks and variation selectors none;
- an empty text line still takes one line.

45 columns is a portrait phone's chat bubble at the default text size (about 45 Latin
characters on a 6-inch screen); it is a stated approximation, not a device measurement.
"""

from __future__ import annotations

import html
import re
import unicodedata

PHONE_COLUMNS = 45
_TAG = re.compile(r"<[^<>]*>")
_INVISIBLE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_VARIATION_EMOJI = "\ufe0f"


def visible(text: str) -> str:
    """The text a client shows: no markup, entities unescaped, no invisible bidi marks."""
    return _INVISIBLE.sub("", html.unescape(_TAG.sub("", text)))


def columns(char: str) -> int:
    """The columns one character takes: 2 wide, 0 combining or format, else 1."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf") or char == _VARIATION_EMOJI:
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def _width(text: str) -> int:
    width = 0
    for index, char in enumerate(text):
        shown = columns(char)
        if shown == 1 and text[index + 1 : index + 2] == _VARIATION_EMOJI:
            shown = 2  # "⚠️": a narrow sign shown as a wide emoji
        width += shown
    return width


def _pieces(line: str) -> list[str]:
    """Words with the spaces after them; each wide character is a piece of its own."""
    return re.findall(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+\s*|\S\s*|\s+", line)


def wrapped(line: str, width: int = PHONE_COLUMNS) -> int:
    """The phone lines of one text line, word-wrapped at `width` columns."""
    lines, used = 1, 0
    for piece in _pieces(line):
        word = _width(piece.rstrip())
        if used and used + word > width:
            lines, used = lines + 1, 0
        while word > width:  # a word longer than a line is broken
            lines, word = lines + 1, word - width
        used += word + (len(piece) - len(piece.rstrip()))
    return lines


def phone_lines(text: str, width: int = PHONE_COLUMNS) -> int:
    """The lines `text` (HTML or plain) takes on a phone: see the module's docstring."""
    return sum(wrapped(line, width) for line in visible(text).split("\n"))
