"""Why an answer could not be used: `Problem`, and every template a reader may return.

Each template is an English `str.format` string and its gettext msgid; the renderer
(`dialogs/render.py`) formats the values per locale. Kept in one place, as the dialog's own
text is in `dialogs/messages.py`, so that a translator reviews every refusal together.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.messages import N_
from dialogs.replies import Choice

NOT_A_NUMBER = N_(
    "Could not read “{text}” as a number. Type it like {example} {unit}, between {low} and {high}."
)
NEGATIVE = N_("“{text}”: a negative value is not possible. Type a number from {low} to {high}.")
WRONG_UNIT = N_("The unit “{unit}” does not fit here. Accepted: {units}.")
OUT_OF_RANGE = N_("{value} {unit} is outside the possible range, {low} to {high} {unit}.")
DID_YOU_MEAN_COUNT = N_(
    "{value} is not possible as ×10⁹/L. Did you mean {suggestion} ×10⁹/L (= {value}/µL)?"
)
# TRANSLATORS: a blood count typed without its unit, 1000 or more: it may be ×10⁹/L (G/L) or a
# count per microlitre; {giga} is the second reading in ×10⁹/L (1500/µL = 1.5 ×10⁹/L). Both
# readings are also offered as buttons.
AMBIGUOUS_COUNT = N_(
    "“{text}” has no unit, and a count this high can be read two ways: {value} ×10⁹/L, or "
    "{value}/µL (= {giga} ×10⁹/L). Which one? Tap it, or type the value with its unit."
)
# TRANSLATORS: circulating blasts typed without a unit, small enough to be ×10⁹/L (G/L) too;
# {per_mm3} is the second reading per mm³ (15 ×10⁹/L = 15000/mm³). Both readings are also
# offered as buttons.
AMBIGUOUS_BLASTS = N_(
    "“{text}” has no unit and can be read two ways: {value}/mm³, or {value} ×10⁹/L "
    "(= {per_mm3}/mm³). Which one? Tap it, or type the value with its unit."
)
DID_YOU_MEAN_HEIGHT = N_(
    "{value} cm is not a possible height. Did you mean {suggestion} cm (= {value} m)?"
)
NOT_A_COUNT = N_("“{text}”: a count per µL is a whole number. Type it like {example}.")
ABSOLUTE_ULN = N_(
    "Please give this as a multiple of the upper limit of normal (×ULN), e.g. 1.2, not in {unit}."
)
# TRANSLATORS: ULN = upper limit of normal of the laboratory (glossary); {value} {unit} is the lab
# value as typed, {example} a quick-form example with the ULN after a slash.
NEEDS_ULN = N_(
    "{value} {unit}: what is your laboratory's upper limit of normal (ULN)? Without it the value "
    "cannot be compared with the label's limits, and it is never assumed normal. Type it after "
    "the value, e.g. “{example}”, or give the value as a multiple of the ULN."
)
# TRANSLATORS: a liver test typed without a unit while the site has set its ULN. {text} is what
# was typed; {as_multiple} and {as_absolute} are the two readings in full (e.g. "AST 120 ×ULN"
# and "AST 120 U/L = 3 ×ULN (ULN 40 U/L, site setting)"), also offered as buttons.
AMBIGUOUS_LAB = N_(
    "“{text}” has no unit, and this site has set its upper limit of normal (ULN), so it can be "
    "read two ways: {as_multiple}, or {as_absolute}. Which one? Tap it, or type the value with "
    "its unit."
)
# TRANSLATORS: as above when only one reading is possible (the other is outside the limits).
ONE_LAB_READING = N_(
    "“{text}” has no unit. Did you mean {reading}? Tap it, or type the value with its unit."
)
# TRANSLATORS: a note, not a refusal: a liver test typed without a unit, and no site ULN set, is
# read as a multiple of the ULN. {reading} is e.g. "AST 3 ×ULN".
READ_AS_MULTIPLE = N_("{reading} — no unit typed, read as ×ULN.")
# TRANSLATORS: serum creatinine typed without its unit; {factor} is 88.4 (µmol/L per mg/dL).
CREATININE_UNIT = N_(
    "Creatinine {value}: in µmol/L or mg/dL (1 mg/dL = {factor} µmol/L)? The unit is never "
    "guessed. Tap one, or type the value with its unit."
)
# TRANSLATORS: creatinine clearance (CrCl) and serum creatinine both typed in one message.
CLEARANCE_TWICE = N_(
    "CrCl and creatinine were both given: please give one of them, the CrCl in mL/min or the "
    "creatinine with its unit (the CrCl is then worked out by Cockcroft–Gault)."
)
# TRANSLATORS: {value} {unit} is the serum creatinine typed; {missing} lists what is missing, by
# the summary's labels (Age, Sex, Body). Cockcroft–Gault is the formula's name (keep it).
CLEARANCE_NEEDS = N_(
    "Creatinine {value} {unit} gives a CrCl only with age, weight and sex (Cockcroft–Gault). "
    "Please add: {missing}; or give the CrCl in mL/min instead."
)
NOT_A_WHOLE_NUMBER = N_("“{text}” is not a whole number from {low} to {high}.")
NOT_YES_NO = N_("Please answer yes or no.")
NOT_A_RESPONSE = N_("Please answer CR, CRi or none.")
NOT_A_DATE = N_("Could not read “{text}” as a date. Use the form 2026-11-25, or today.")
AMBIGUOUS_DATE = N_("“{text}” can be read two ways. Please use the form 2026-11-25.")
TWO_DIGIT_YEAR = N_("“{text}”: please write the year with 4 digits, like 2026-11-25.")
DATE_TOO_FAR = N_("{date} is more than a year from today. Please check the date.")
NOT_HEIGHT_WEIGHT = N_(
    "Could not read height and weight from “{text}”. Type them like 180 cm 75 kg."
)
NOT_AN_OPTION = N_("“{text}” is not one of: {options}.")
# TRANSLATORS: {female} and {male} are this catalog's "Female" and "Male" (the words the sex
# question's buttons show, which are also read when typed).
NOT_A_SEX = N_("“{text}” is not one of: {female}, {male}.")
# TRANSLATORS: a letter that means female to some clinicians and male to others (Spanish "M":
# mujer or masculino); {female} and {male} as above, and the buttons below say them in full.
AMBIGUOUS_SEX = N_("“{text}” can mean {female} or {male}. Which one?")
#: No longer raised (quick-form duplicates: the last one wins); kept so that the committed
#: catalogs still match the source. Remove together with its catalog entries.
CONFLICTING_VALUES = N_(
    "“{key}” was given more than once with different values. Please give it once."
)

# TRANSLATORS: {token} is a number typed without a key, or with a unit that does not say which
# test it is; the buttons below name the candidates.
AMBIGUOUS_NUMBER = N_("“{token}” could be more than one value. Which is it?")
# TRANSLATORS: {token} is the word that could not be read after a value ({key} {value}).
NOT_UNDERSTOOD_AFTER = N_(
    "“{token}” after “{key} {value}” was not understood; please send it again."
)

PROBLEM_KEYS: tuple[str, ...] = (
    NOT_A_NUMBER,
    NEGATIVE,
    WRONG_UNIT,
    OUT_OF_RANGE,
    DID_YOU_MEAN_COUNT,
    AMBIGUOUS_COUNT,
    AMBIGUOUS_BLASTS,
    DID_YOU_MEAN_HEIGHT,
    NOT_A_COUNT,
    ABSOLUTE_ULN,
    NEEDS_ULN,
    AMBIGUOUS_LAB,
    ONE_LAB_READING,
    READ_AS_MULTIPLE,
    CREATININE_UNIT,
    CLEARANCE_TWICE,
    CLEARANCE_NEEDS,
    NOT_A_WHOLE_NUMBER,
    NOT_YES_NO,
    NOT_A_RESPONSE,
    NOT_A_DATE,
    AMBIGUOUS_DATE,
    TWO_DIGIT_YEAR,
    DATE_TOO_FAR,
    NOT_HEIGHT_WEIGHT,
    NOT_AN_OPTION,
    NOT_A_SEX,
    AMBIGUOUS_SEX,
    CONFLICTING_VALUES,
    AMBIGUOUS_NUMBER,
    NOT_UNDERSTOOD_AFTER,
)


@dataclass(frozen=True)
class Problem:
    """Why an answer could not be used.

    `key` is an English `str.format` template (and the gettext msgid, one of `PROBLEM_KEYS`),
    `values` fill its placeholders (Decimal, int, str, date; formatted per locale by the
    renderer), `field` names the request field when known, and `suggestion` is the value a
    did-you-mean offers (a `Decimal` in the field's unit), to be used only if the user accepts.
    `choices` are the readings of an ambiguous value, each a button whose value is the text
    that says it unambiguously ("ast 120 U/L"): tapping one is typing it.
    """

    key: str
    values: dict[str, object]
    field: str | None = None
    suggestion: object | None = None
    choices: tuple[Choice, ...] = ()
