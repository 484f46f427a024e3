"""Ward shorthand in a quick form: `C2`, `CR`, `1.8 m2`, `no hsct` between the `key value` pairs.

`rewrite` turns the shorthand of one message into the quick form's own `key value` pairs, each
set apart by `;`, before `dialogs/quickform.py` reads the pairs; text it does not recognise
stays where it was, so the quick form reads and refuses it as before.

How the tokens are read (one pass over the whitespace tokens of each segment between hard
separators, left to right):
* A key (`plt`, `sex=`, `geschlecht=w`, a negation before a yes/no key) opens its value: the
  token right after it is that key's value whatever it looks like (`sex f`, `sexo m`,
  `geschlecht w`: "w" is then a sex, never the weight key), and numbers and units after a
  number stay with it (`h 5 ft 11 in`, `plt 80,000 /µL`).
* Outside a value, shorthand names its own field: `C2` the cycle, `D8` the dose day; a
  response word of the chat's language (`CR`, `CRi`, `RC`), or a negation before one (`no CR`:
  neither CR nor CRi); a number whose unit belongs to one field only (`1.8 m2`, `1,8m²` → BSA;
  `170 cm`, `5 ft`, `70 kg`, `154 lb` → height or weight).
* A number outside a value that could be more than one field (a bare `42`, or `40 µmol/L`
  without its analyte) is never guessed: it is taken out and asked back, with one button per
  field it could be (`Problem.choices`), the number named in the question.
* Anything else is left in place.

Rewriting happens only where the message has a key or two pieces of shorthand: a plain answer
such as "1.8 120", "CR" or "C2" is the question's, not a quick form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialogs.fields import FIELD_BY_KEY, FIELD_BY_NAME
from dialogs.problems import AMBIGUOUS_NUMBER, NOT_UNDERSTOOD_AFTER, Problem
from dialogs.readers import Context, Reader
from dialogs.replies import Choice
from dialogs.units import KNOWN_UNITS, UNITS, unit_key
from dialogs.words import parse_response

#: A negation before a yes/no key ("no hsct") or before a response word ("no CR").
NEGATIONS = ("no", "not", "non", "kein", "keine", "sin", "sem", "sans", "senza", "без", "нет")
#: `;`, a newline, or a comma that is not a decimal or group separator between digits.
HARD_SEPARATOR = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")
_NUMBER = re.compile(r"^(?P<number>\d+(?:[.,]\d+)*)(?P<unit>\D.*)?$")
_CYCLE = re.compile(r"^c(?P<n>\d{1,2})$", re.IGNORECASE)
_DAY = re.compile(r"^d(?P<n>1|8|15)$", re.IGNORECASE)
#: Units that name one field: a number typed with one of them is that field's value.
NAMING_UNITS: dict[str, str] = {
    unit: name
    for name in ("bsa_m2", "height_cm", "weight_kg")
    for unit in UNITS[name].units
    if unit
} | {"ft": "height_cm", "m²": "bsa_m2"}
#: The fields a bare number is offered as, in this order.
BARE_CANDIDATES = ("bsa_m2", "cycle", "anc", "platelets", "age_years")
#: The fields a number with a unit that does not name its field is offered as (`40 µmol/L`:
#: bilirubin or creatinine; `80,000/µL`: ANC or platelets).
UNIT_CANDIDATES = (
    "anc",
    "platelets",
    "bilirubin_uln",
    "ast_uln",
    "alt_uln",
    "creatinine",
    "age_years",
)
_CREATININE_UNITS = frozenset(("µmol/l", "umol/l", "mg/dl"))


@dataclass(frozen=True)
class Rewritten:
    """The message with its shorthand as `key value` pairs, and the numbers asked back."""

    text: str
    problems: list[Problem] = field(default_factory=list)
    #: Whether any shorthand was found (a key is needed otherwise for a quick form).
    found: bool = False


def _key_of(token: str) -> tuple[str | None, str]:
    """(the key a token starts with, what follows `=`/`:` in the same token)."""
    head, _, rest = token.partition("=") if "=" in token else token.partition(":")
    head = head.lower()
    return (head if head in FIELD_BY_KEY else None), rest


#: Keys whose value is a word: a key word right after one of them is its value
#: ("geschlecht w" is a sex, not the weight key `w`).
WORD_VALUED = frozenset(
    key
    for key, spec in FIELD_BY_KEY.items()
    if spec.words is not None or spec.name in ("sex", "response")
)


def _split_number(token: str) -> tuple[str, str] | None:
    match = _NUMBER.match(token)
    return (match["number"], unit_key(match["unit"] or "")) if match else None


def _is_unit(token: str) -> bool:
    return unit_key(token) in KNOWN_UNITS or unit_key(token) in NAMING_UNITS


#: Units after which another number still belongs to the same value (`5 ft 11 in`).
_COMPOUND_UNITS = frozenset(("ft", "'"))


_ULN_WORDS = frozenset(("uln", "/", "lsn", "obg", "вгн"))
_THOUSANDS = re.compile(r"^\d{3}(?:\D.*)?$")


def _continues(previous: str, token: str, is_number: bool) -> bool:
    """Whether `token` still belongs to the value before it: a unit after its number
    (`80,000 /µL`, `1.2 x ULN`), a group of thousands (`80 000/µL`), or inches after feet."""
    if token.strip("()").lower().rstrip("=:") in _ULN_WORDS:
        return True  # "ast 120 U/L uln 40 U/L": the lab's ULN follows
    if not is_number:
        return _split_number(previous.strip("()")) is not None and _is_unit(token.strip("()"))
    previous = previous.strip("()").lower().rstrip("=:")
    if previous.isdigit() and _THOUSANDS.match(token):
        return True
    if previous.lower() in _ULN_WORDS:  # the lab's ULN typed after a value ("uln 40 U/L")
        return True
    return unit_key(previous) in _COMPOUND_UNITS or previous.lower().endswith("ft")


def _response(tokens: list[str], index: int, locale: str) -> tuple[str, int] | None:
    """A response word at `index` ("CR", "RCi"), or a negation and one ("no CR": none)."""
    word = parse_response(tokens[index], locale)
    if word in ("CR", "CRi"):
        return str(word), 1
    if tokens[index].lower() in NEGATIONS and index + 1 < len(tokens):
        following = parse_response(tokens[index + 1], locale)
        if following in ("CR", "CRi"):
            return "none", 2
    return None


def _offered(number: str, unit: str, context: Context) -> list[Choice]:
    """One button per field that reads `number` (with `unit`) cleanly: `plt 42`, `anc 42`."""
    choices = []
    typed = f"{number} {unit}".strip()
    for name in UNIT_CANDIDATES if unit else BARE_CANDIDATES:
        spec = FIELD_BY_NAME[name]
        if name == "creatinine":
            if unit not in _CREATININE_UNITS:
                continue
        elif unit and unit not in UNITS[name].units and unit not in UNITS[name].refused:
            continue
        value = spec.read(typed, name, context)
        lab = name in UNITS and unit in UNITS[name].refused  # read against a ULN, if any
        if isinstance(value, Problem) and not value.choices and not lab:
            continue
        pair = f"{spec.keys[0]} {typed}"
        choices.append(Choice("{pair}", pair, {"pair": pair}))
    return choices


def rewrite(text: str, context: Context) -> Rewritten:
    """The shorthand of one (normalised) message as `key value` pairs; see the module doc."""
    segments: list[str] = []
    problems: list[Problem] = []
    found = 0  # shorthand pairs
    has_key = False
    for segment in HARD_SEPARATOR.split(text):
        kept: list[str] = []
        pairs: list[str] = []
        tokens = segment.split()
        in_value = False  # the tokens now read belong to the value of the last key
        after_key = False  # the token before was a key (its value comes next)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            key, rest = _key_of(token)
            negated_key = (
                token.lower() in NEGATIONS
                and index + 1 < len(tokens)
                and _key_of(tokens[index + 1])[0] is not None
            )
            if after_key and token in ("=", ":"):
                kept.append(token)
                index += 1
                continue
            if after_key and (
                key is None
                or kept[-2 if kept[-1] in "=:" else -1].lower().rstrip("=:") in WORD_VALUED
            ):
                kept.append(token)
                after_key, in_value = False, True
                index += 1
                continue
            if kept and kept[-1].lower() == "no" and token.lower() == "response":
                kept.append(token)  # "resp no response": a value (as `quickform._KEY` reads it)
                index += 1
                continue
            if key is None and not negated_key and kept and kept[-1][-1:] in ("=", ":"):
                kept.append(token)  # the value of a word written like a key ("hb: 9")
                index += 1
                continue
            if key is not None or negated_key:
                has_key = True
                kept.append(token)
                after_key = key is not None and not rest
                in_value = bool(rest)
                index += 1
                continue
            number = _split_number(token)
            if in_value and _continues(kept[-1], token, number is not None):
                kept.append(token)
                index += 1
                continue
            in_value = False
            if match := _CYCLE.match(token):
                pairs.append(f"cycle {match['n']}")
            elif match := _DAY.match(token):
                pairs.append(f"day {match['n']}")
            elif (response := _response(tokens, index, context.locale)) is not None:
                pairs.append(f"response {response[0]}")
                index += response[1] - 1
            elif number is not None:
                value, unit = number
                if not unit and index + 1 < len(tokens) and _is_unit(tokens[index + 1]):
                    unit = unit_key(tokens[index + 1])
                    index += 1
                if unit in NAMING_UNITS:
                    pairs.append(f"{FIELD_BY_NAME[NAMING_UNITS[unit]].keys[0]} {value} {unit}")
                else:
                    shown = f"{value} {unit}".strip()
                    choices = tuple(_offered(value, unit, context))
                    if not choices:  # no field reads it: left for the quick form to refuse
                        kept.append(token)
                        index += 1
                        continue
                    problems.append(
                        Problem(AMBIGUOUS_NUMBER, {"token": shown}, None, None, choices)
                    )
            else:
                kept.append(token)
                index += 1
                continue
            if number is None or NAMING_UNITS.get(unit) == "bsa_m2":
                found += 1  # height and weight alone are the body question's answer
            index += 1
        segments.append(" ".join(kept))
        segments.extend(pairs)
    # One shorthand word alone ("CR", "C2") is the answer to a question, not a quick form.
    if not (has_key or found >= 2):
        return Rewritten(text)
    return Rewritten("; ".join(part for part in segments if part), problems, found > 0)


def stray_token(raw: str, key: str, field: str, reader: Reader, context: Context) -> Problem | None:
    """Where a value does not read but its first words do ("2 foo" after `cycle`): the refusal
    names the first word that could not be read, not the value before it."""
    tokens = raw.split()
    for cut in range(len(tokens) - 1, 0, -1):
        if _is_unit(tokens[cut]) or any(char.isdigit() for char in tokens[cut]):
            continue  # a unit that does not fit is the reader's to explain
        head = " ".join(tokens[:cut])
        if not isinstance(reader(head, field, context), Problem):
            values: dict[str, object] = {"token": tokens[cut], "key": key, "value": head}
            return Problem(NOT_UNDERSTOOD_AFTER, values, field)
    return None
