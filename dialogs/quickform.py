"""The quick form: several answers in one message, e.g. ``bsa=1.8 cycle=2 response=CR plt=80``.

Pairs are ``key=value``, ``key: value`` or ``key value``, separated by spaces, commas,
semicolons or newlines. Keys are found at token boundaries (case-insensitive); a key's value is
the text up to the next key or the next hard separator (``;``, a newline, or a comma that is
not between digits), so values may hold spaces and units ("plt 80,000/µL", "h 1.80 m").
Each value is read by the same functions as the guided dialog (`dialogs/readers.py`).

Decisions:
* A text without any key and value is not a quick form: a plain answer like "1.8", "CR" or
  "180 cm 75 kg" is left to the dialog step.
* The toxicity step's own answers ("grade 2", "irr mild", "vod") are quick-form pairs only
  when another key is in the same message ("plt 40 grade 2"); alone they are that step's
  answer. The same holds for a bare flag (`BARE_FLAGS`: "vod", "pregnant", "breastfeeding"
  typed without a value mean yes, so "sex f pregnant" sets both; "female pregnant" alone is
  the sex step's answer). A negation before a yes/no key (`NEGATABLE`) means no: "plt 40
  no vod", "not pregnant", "no hsct".
* Any other key typed without a value ("bsa 1.8 hsct") is listed in `unknown`, so the user is
  told it was ignored; a yes/no that changes the plan is never assumed. A bare flag right
  after an unreadable value ("plt 40 nicht vod") is not assumed either (listed in `unknown`).
* Duplicates: the last one wins, also through aliases ("h 180 height 170" gives 170 cm, "plt
  abc plt 40" gives 40 with no problem): a later value reads as a correction.
* A liver number without a unit ("ast 120") is ×ULN where that is its only reading (no site
  ULN for it: a `note` says so; or the question on screen asks for ×ULN); where the site has a
  ULN it is a Problem offering both readings as buttons (`dialogs/quantities.parse_lab`), and
  the rest of the message is kept.
* CrCl: a CrCl typed replaces a creatinine typed before, and back (the draft holds one source
  of the CrCl); both in one message are refused, with the creatinine named (`CLEARANCE_TWICE`):
  which one the clinician meant is not the bot's to pick.
* Body size: giving `bsa` sets `height_cm` and `weight_kg` to None (unless also given), giving
  height or weight sets `bsa_m2` to None, so that a draft switches cleanly from one to the other.
* `unknown` holds words written like keys that are not keys (``foo=3``, ``foo: 3``), known keys
  without a value, and text that belongs to no key (``bsa 1.8, 42``). A word inside a value
  (``bsa 1.8 foo``) is part of the value and makes it unreadable (a Problem for that field),
  never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dialogs.fields import FIELD_BY_KEY
from dialogs.normalise import normalise
from dialogs.problems import CLEARANCE_TWICE, Problem
from dialogs.quantities import Filled
from dialogs.readers import Context, Reader
from dialogs.replies import Text
from dialogs.shorthand import HARD_SEPARATOR, NEGATIONS, WORD_VALUED, rewrite, stray_token
from dialogs.words import parse_sex


@dataclass(frozen=True)
class QuickForm:
    """What one quick-form message says.

    `values` maps request field names to typed values (Decimal, int, bool, str, date; None
    only for the body-size switch described in the module docstring), `problems` holds one
    Problem per unreadable or conflicting value (with `.field` set), `unknown` the words that
    are not known keys, and `is_quick_form` is True when at least one known key had a value.
    """

    values: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    is_quick_form: bool = False
    #: How values were read where the text left it open ("ast 3": ×ULN, no unit typed).
    notes: list[Problem] = field(default_factory=list)


#: Every key a clinician may type → (request field, reader), from the field table.
KEYS: dict[str, tuple[str, Reader]] = {
    key: (spec.name, spec.read) for key, spec in FIELD_BY_KEY.items()
}

#: Keys that a negation word before them sets to no: "plt 40 no vod", "not pregnant".
NEGATABLE = frozenset(key for key, spec in FIELD_BY_KEY.items() if spec.negatable)
_NEGATIONS = NEGATIONS


def _key_pattern(key: str) -> str:
    # "resp no response": there "response" is part of the value, not a key. Only that key gets
    # the look-behind: "hsct=no anc=1.5" must still find "anc".
    return r"(?<!no )response" if key == "response" else re.escape(key)


_KEY = re.compile(
    r"(?<!\w)"
    + r"(?:(?P<neg>"
    + "|".join(_NEGATIONS)
    + r")\s+(?=(?:"
    + "|".join(sorted(NEGATABLE))
    + r")(?!\w)))?"
    + r"(?P<key>"
    + "|".join(_key_pattern(key) for key in sorted(KEYS, key=len, reverse=True))
    + r")(?!\w)\s*(?:[=:]\s*)?",
    re.IGNORECASE,
)
_HARD_SEPARATOR = HARD_SEPARATOR
#: A word written like a key (`foo=3`, `foo: 3`) inside a value.
_KEY_LIKE = re.compile(r"(?<!\S)([^\W\d][\w-]*)\s*[=:]")
_TRIM = " \t,;="


#: Keys whose pair is also an answer of the toxicity step ("grade 2", "irr mild"): with a
#: value they make a quick form only next to another field, as a bare flag does.
_STEP_ANSWERS = frozenset(("nonheme_grade", "infusion_reaction"))
#: Keys that mean "yes" when typed without a value; each only adds caution to a plan.
BARE_FLAGS = frozenset(key for key, spec in FIELD_BY_KEY.items() if spec.bare_yes)
#: The two sources of the CrCl: one of them per message (each replaces the other in the draft).
TWO_SOURCES = frozenset(("crcl_ml_min", "creatinine"))


def parse_quick_form(
    text: str, today: dt.date, locale: str = "en", asks_multiples: bool = False
) -> QuickForm:
    """Every `key value` pair of one message, read and range-checked; see the module doc.
    `asks_multiples`: the question on screen asks for liver tests as ×ULN (`readers.Context`).

    Never raises: each value is read by a total function of `dialogs.readers`.
    """
    context = Context(today, locale, asks_multiples=asks_multiples)
    shorthand = rewrite(normalise(text), context)
    read: dict[str, object] = {}  # field → value or Problem; the last pair wins
    strong = False  # a pair that is not also a plain answer of some step
    unknown: list[str] = []
    typed: set[str] = set()  # the fields typed with a key, whatever else their reader fills
    notes: dict[str, Problem] = {}
    for segment in _HARD_SEPARATOR.split(shorthand.text):
        pairs = _pairs(segment, context)
        head = segment[: pairs[0][0] if pairs else len(segment)].strip(_TRIM)
        if head:
            unknown.append(_first_word(head))
        # A bare flag means yes only right after readable text: in "plt 40 nicht vod" the
        # unreadable "40 nicht" may hold a negation we do not know, so vod is not assumed.
        clean_before = not head
        for _, key, negated, raw in pairs:
            if stray := _KEY_LIKE.search(raw):
                unknown.append(_first_word(stray[1]))
                raw = raw[: stray.start()].strip(_TRIM)
            field_name, reader = KEYS[key]
            value: object
            if negated:
                value = False
                if raw:  # "no hsct foo": the negation is hsct's, "foo" is not understood
                    unknown.append(_first_word(raw))
            elif raw:
                value = _with_field(reader(raw, field_name, context), field_name)
                if isinstance(value, Problem) and not (value.choices or value.suggestion):
                    value = stray_token(raw, key, field_name, reader, context) or value
                strong = strong or field_name not in _STEP_ANSWERS
            elif key in BARE_FLAGS and clean_before:
                value = True
            else:
                unknown.append(key)
                continue
            clean_before = not isinstance(value, Problem)
            typed.add(field_name)
            notes.pop(field_name, None)
            if isinstance(value, Filled) and value.note is not None:
                notes[field_name] = value.note
            # A liver test fills its multiple and the lab value as typed (`Filled`).
            filled = value if isinstance(value, Filled) else {field_name: value}
            for name, part in filled.items():
                read.pop(name, None)  # keep the order of the last occurrence
                read[name] = part
    if not (strong or len(read) >= 2 or shorthand.problems):
        return QuickForm()
    if typed >= TWO_SOURCES:  # "crcl 80 creat 90 umol/L": which one is meant is not ours to pick
        for name in TWO_SOURCES:
            read.pop(name, None)
        read["creatinine"] = Problem(CLEARANCE_TWICE, {}, "creatinine")
    values: dict[str, object] = {}
    problems: list[Problem] = list(shorthand.problems)
    for field_name, value in read.items():
        if value is None:  # a liver test given as ×ULN clears its lab value as typed
            values[field_name] = None
        elif isinstance(value, Problem):
            problems.append(value)
        else:
            values[field_name] = value
    if "bsa_m2" in values:
        values.setdefault("height_cm", None)
        values.setdefault("weight_kg", None)
    elif "height_cm" in values or "weight_kg" in values:
        values["bsa_m2"] = None
    return QuickForm(values, problems, unknown, True, _one_note(list(notes.values())))


def has_key(text: str) -> bool:
    """Whether a message names any quick-form key (`plt`, `cycle`...)."""
    return _KEY.search(normalise(text)) is not None


def _one_note(notes: list[Problem]) -> list[Problem]:
    """Notes of one template as one: "AST 3 ×ULN, ALT 2 ×ULN — no unit typed, read as ×ULN"."""
    if len(notes) < 2:
        return notes
    readings = {f"part{i}": note.values["reading"] for i, note in enumerate(notes)}
    joined = Text(", ".join(f"{{{name}}}" for name in readings), readings)
    return [Problem(notes[0].key, {"reading": joined})]


def _pairs(segment: str, context: Context) -> list[tuple[int, str, bool, str]]:
    """(start, key, negated, value text) of each key in one segment, in order.

    A negation word counts only before a key without a readable value ("plt 40 no vod"); before
    a key with one it belongs to the previous pair ("pregnant no breastfeeding no"). Text after
    a negated key that is not its value stays with that key, to be named as not understood
    ("no hsct Tag 8" names "Tag", never the "no" of a neighbour).
    """
    matches = _keys_not_values(segment, context.locale)
    starts = [match.start() for match in matches]
    negated = [bool(match["neg"]) for match in matches]
    for index, match in enumerate(matches):
        end = starts[index + 1] if index + 1 < len(matches) else len(segment)
        after = segment[match.end() : end].strip(_TRIM)
        if negated[index] and after and _reads(match["key"].lower(), after, context):
            negated[index] = False
            starts[index] = match.start("key")
    pairs: list[tuple[int, str, bool, str]] = []
    for index, match in enumerate(matches):
        end = starts[index + 1] if index + 1 < len(matches) else len(segment)
        raw = segment[match.end() : end].strip(_TRIM)
        pairs.append((starts[index], match["key"].lower(), negated[index], raw))
    return pairs


def _reads(key: str, raw: str, context: Context) -> bool:
    """Whether `raw` is a value of the key's field ("no" after "breastfeeding")."""
    field_name, reader = KEYS[key]
    return not isinstance(reader(raw, field_name, context), Problem)


def _keys_not_values(segment: str, locale: str) -> list[re.Match[str]]:
    """The key matches of a segment, without those that are the value of the key before: a
    word right after a word-valued key ("geschlecht=w", "sexo h") is its value, never the
    weight or height key. After the sex key without `=` or `:`, only a sex word of the chat's
    language is ("geschlecht w"); in English "sex w" leaves both keys without a value, listed
    as unknown, never read as a sex the chat's clinicians do not write."""
    kept: list[re.Match[str]] = []
    for match in _KEY.finditer(segment):
        before = kept[-1] if kept else None
        if (
            before is not None
            and before["key"].lower() in WORD_VALUED
            and not segment[before.end() : match.start()].strip()
            and _is_value(segment, before, match, locale)
        ):
            continue
        kept.append(match)
    return kept


def _is_value(segment: str, before: re.Match[str], match: re.Match[str], locale: str) -> bool:
    """Whether the key word `match`, right after the word-valued key `before`, is its value."""
    typed = segment[before.end("key") : before.end()]
    if "=" in typed or ":" in typed or KEYS[before["key"].lower()][0] != "sex":
        return True
    return parse_sex(match["key"], locale) is not None


def _with_field(value: object, field_name: str) -> object:
    if isinstance(value, Problem) and value.field is None:
        return Problem(value.key, value.values, field_name, value.suggestion, value.choices)
    return value


def _first_word(text: str) -> str:
    word = re.match(r"[^\s=:]*", text)
    return (word[0] if word and word[0] else text.strip())[:20]
