"""The questions of the dialog, as a table.

Each step names the request fields it fills, how an answer is read, the one-tap choices, and
when the question matters for this patient (so nobody is asked for a baseline count when the
current count is normal). The state machine (`dialogs/machine.py`) walks this table in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar, cast

from dialogs import messages as m
from dialogs.card_today import LABEL_LEVEL_INCLUDES
from dialogs.draft import Draft
from dialogs.fields import DOSE_LEVEL_LABELS, FIELD_BY_NAME, SEX_WORDS
from dialogs.level_reading import ASK_LEVEL_INCLUDES, level_reading_asked
from dialogs.normalise import folded
from dialogs.problems import CLEARANCE_NEEDS, Problem
from dialogs.quantities import parse_height_weight, parse_quantity
from dialogs.quickform import parse_quick_form
from dialogs.readers import Answer, Context, answer, choice, clearance_or_creatinine
from dialogs.replies import Choice, Text
from dialogs.units import WITHIN_NORMAL
from dialogs.words import ambiguous_sex, parse_sex
from rules.labels import Profile
from rules.thresholds import (
    ANC_MIN,
    BILIRUBIN_MAX_ULN,
    BLASTS_MAX_PER_MM3,
    DOSE_DAYS,
    HSCT_THIRD_CYCLE,
    PLATELETS_MIN,
)

SKIP_COMMAND = "/skip"
#: Whether a question matters for this patient; its docstring says when (docs/dialog.md).
Condition = Callable[[Draft], bool]


def _always(draft: Draft) -> bool:
    return True


class Asking(Protocol):
    """What decides whether an optional question joins the guided main path: the answers, the
    chat's label profile and the site's settings (`dialogs.machine.Conversation`)."""

    draft: Draft
    adult_only_service: bool

    @property
    def label(self) -> Profile: ...


#: Whether an optional question is asked in the guided main path for this chat.
AskedWhen = Callable[[Asking], bool]


@dataclass(frozen=True)
class Step:
    """One question: the request fields it fills, its one-tap choices and when it is asked.

    A step that fills one field reads the answer with that field's reader
    (`dialogs/fields.py`); `reader` is set only where one answer fills several fields.
    """

    name: str
    prompt: str
    label: str
    fields: tuple[str, ...]
    choices: tuple[Choice, ...] = ()
    reader: Callable[[str, Context], Answer] | None = None
    required: bool = True
    applies: Condition = _always
    answered: Callable[[Draft], bool] | None = None
    skippable: bool = False
    #: Asked even in the quick form: the rules core needs it, or it changes the decision.
    essential: bool = False
    #: A typed number is an answer here, so the console must not read it as an option number.
    numeric: bool = True
    #: The question asks for liver tests as multiples of the ULN: a number typed without a
    #: unit is one here, even by key ("bili 1.2"), whatever the site's ULN.
    asks_multiples: bool = False
    #: An optional question that the guided dialog asks in its main path when this holds
    #: (the quick form never asks it: it is listed under the plan as not checked).
    main_path: AskedWhen | None = None
    #: Fields an answer to this question may fill besides its own ("C2 D8" at the cycle).
    also_fills: tuple[str, ...] = ()
    #: Values an answer sets where it does not say (a cycle tapped is Day 1 of that cycle).
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: The expected format, shown in the text field of a typed question (Telegram).
    placeholder: str = ""

    def read(self, text: str, context: Context) -> Answer:
        if self.reader is not None:
            return self.reader(text, context)
        field = self.fields[0]
        return answer(field, FIELD_BY_NAME[field].read)(text, context)

    def is_answered(self, draft: Draft) -> bool:
        if self.answered is not None:
            return self.answered(draft)
        return any(getattr(draft, name) is not None for name in self.fields)


@dataclass(frozen=True)
class Option:
    """One answer of a step that fills several fields: its button, the word it sends (which
    may also be typed, as may its `aliases`) and the values it sets."""

    label: str
    word: str
    values: dict[str, Any]
    label_values: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Options:
    """A step's answers as one table: its buttons and its reader come from the same rows."""

    rows: tuple[Option, ...]

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(Choice(row.label, row.word, row.label_values) for row in self.rows)

    def read(self, text: str, context: Context) -> Answer:
        table = {word: row.values for row in self.rows for word in (row.word, *row.aliases)}
        value = choice(table, ", ".join(row.word for row in self.rows))(text, "", context)
        return value if isinstance(value, Problem) else dict(cast(dict[str, Any], value))


# Readers ---------------------------------------------------------------------------------


def _read_body(text: str, context: Context) -> Answer:
    numbers = [part for part in text.replace("/", " ").split() if any(c.isdigit() for c in part)]
    if len(numbers) >= 2:
        pair = parse_height_weight(text, context.locale)
        if isinstance(pair, Problem):
            return pair
        return {"height_cm": pair[0], "weight_kg": pair[1], "bsa_m2": None}
    bsa = parse_quantity(text, "bsa_m2", context.locale)
    if isinstance(bsa, Problem):
        return bsa
    return {"bsa_m2": bsa, "height_cm": None, "weight_kg": None}


def _read_from_keys(
    fields: tuple[str, ...], count_only: bool = False, also: tuple[str, ...] = ()
) -> Callable[..., Answer]:
    """Several values in one answer: by key (bili 1.2 ast 3) or in the table's order; by key,
    the fields `also` filled with them are kept too (a liver test as typed)."""

    def read(text: str, context: Context) -> Answer:
        form = parse_quick_form(text, context.today, context.locale, context.asks_multiples)
        if form.is_quick_form:
            if form.problems:
                return form.problems[0]
            values = {k: v for k, v in form.values.items() if k in fields or k in also}
            if values:
                return values
        parts = text.replace(";", " ").split()
        if len(parts) != len(fields):
            first = parse_quantity(parts[0] if parts else text, fields[0], context.locale)
            return first if isinstance(first, Problem) else _wrong_count(text, len(fields))
        values = {}
        for name, part in zip(fields, parts, strict=True):
            value = parse_quantity(part, name, context.locale)
            if isinstance(value, Problem):
                return value
            values[name] = value
        return values

    return read


WRONG_COUNT = m.N_("Expected {count} values in “{text}”, in the order asked.")


def _wrong_count(text: str, count: int) -> Problem:
    return Problem(WRONG_COUNT, {"count": count, "text": text[:40]})


LIVER_FIELDS = ("bilirubin_uln", "ast_uln", "alt_uln")
#: The liver tests as typed, filled beside the multiples (`dialogs/quantities.parse_lab`).
LAB_VALUES = ("bilirubin", "ast", "alt")
NORMAL_COMMAND = "/normal"


def _read_liver(text: str, context: Context) -> Answer:
    if text.strip().lower() in {NORMAL_COMMAND, "normal", "n"}:
        return {**dict.fromkeys(LIVER_FIELDS, WITHIN_NORMAL), **dict.fromkeys(LAB_VALUES)}
    values = _read_from_keys(LIVER_FIELDS, also=LAB_VALUES)(text, context)
    if isinstance(values, dict):  # in the table's order (×ULN): no lab value as typed
        for name, lab_value in zip(LIVER_FIELDS, LAB_VALUES, strict=True):
            if name in values:
                values.setdefault(lab_value, None)
    return values


def _read_counts(text: str, context: Context) -> Answer:
    """ANC, or ANC and platelets in one answer ("1.8 120", "anc 1.8 plt 120"): the counts
    belong together, so the guided dialog asks for both at once."""
    anc = parse_quantity(text, "anc", context.locale)
    if not isinstance(anc, Problem):
        return {"anc": anc}
    if len([part for part in text.split() if any(c.isdigit() for c in part)]) < 2:
        return anc
    return _read_from_keys(COUNT_FIELDS)(text, context)


COUNT_FIELDS = ("anc", "platelets")
#: A cycle typed with its dose day: "2", "C2", "2 d8", "2/8" (cycle 2, Day 8).
_CYCLE_DAY = re.compile(r"^c?(?P<cycle>\d{1,2})(?:\s*(?:/|d|day)\s*(?P<day>\d{1,2}))?$")


def _read_cycle(text: str, context: Context) -> Answer:
    """The cycle, and the dose day where typed with it; a tapped cycle is its Day 1."""
    typed = _CYCLE_DAY.match(folded(text))
    if typed is None:
        return answer("cycle", FIELD_BY_NAME["cycle"].read)(text, context)
    values: dict[str, Any] = {}
    for name, part in (("cycle", typed["cycle"]), ("day", typed["day"])):
        if part is None:
            continue
        value = FIELD_BY_NAME[name].read(part, name, context)
        if isinstance(value, Problem):
            return value
        values[name] = value
    return values


#: "18 or older" tapped or typed: an adult, without the age in years.
ADULT_WORD = "adult"
ADULT_WORDS = frozenset(
    (ADULT_WORD, "18+", "≥18", ">=18", "adulto", "adulta", "adulte", "erwachsen", "взрослый")
)


def _read_age(text: str, context: Context) -> Answer:
    """The age in years, or "18 or older" (an adult: the population question answered)."""
    if folded(text) in ADULT_WORDS:
        return {"adult": True, "age_years": None}
    age = answer("age_years", FIELD_BY_NAME["age_years"].read)(text, context)
    return age if isinstance(age, Problem) else {**age, "adult": None}


def _other_words(words: dict[str, str], value: str) -> tuple[str, ...]:
    """The field's other words for `value` ("f" for female), typed instead of the option."""
    return tuple(word for word, meaning in words.items() if meaning == value and word != value)


TOXICITY = Options(
    (
        Option(m.NONE, "none", {"nonheme_grade": 0, "infusion_reaction": "none", "vod": False}),
        *(
            Option(m.TOX_NONHEME, f"grade {g}", {"nonheme_grade": g}, {"grade": g})
            for g in (2, 3, 4)
        ),
        Option(m.TOX_IRR_MILD, "irr mild", {"infusion_reaction": "mild"}),
        Option(m.TOX_IRR_SEVERE, "irr severe", {"infusion_reaction": "severe"}),
        Option(m.TOX_VOD, "vod", {"vod": True}),
    )
)
RESPONSE_HSCT = Options(
    (
        *(
            Option(
                template,
                f"{word} {hsct}",
                {"response": word, "hsct_planned": planned},
                {"response": word},
            )
            for word in ("CR", "CRi")
            for template, hsct, planned in (
                (m.RESPONSE_NO_HSCT, "no hsct", False),
                (m.RESPONSE_HSCT, "hsct", True),
            )
        ),
        Option(m.NONE_RESPONSE, "none", {"response": "none"}),
    )
)


def _read_response(text: str, context: Context) -> Answer:
    """A button (response with or without HSCT), or the response alone in any of the chat
    language's words ("RC"); HSCT is then asked next."""
    table = {row.word.lower(): row.values for row in RESPONSE_HSCT.rows}
    if (values := table.get(folded(text))) is not None:
        return dict(values)
    return answer("response", FIELD_BY_NAME["response"].read)(text, context)


_FEMALE = {"sex": "female", "pregnant": False, "breastfeeding": False}
SEX = Options(
    (
        Option(m.FEMALE, "female", _FEMALE, aliases=_other_words(SEX_WORDS, "female")),
        Option(m.FEMALE_PREGNANT, "female pregnant", {**_FEMALE, "pregnant": True}),
        Option(m.FEMALE_BREASTFEEDING, "female breastfeeding", {**_FEMALE, "breastfeeding": True}),
        Option(
            m.MALE,
            "male",
            {"sex": "male", "pregnant": None, "breastfeeding": None},
            aliases=_other_words(SEX_WORDS, "male"),
        ),
    )
)


def _read_sex(text: str, context: Context) -> Answer:
    """A sex word of the chat's language ("M" is mujer in es, male in en) or one of the
    options; the summary then shows the option in full. An ambiguous letter (es "M") is asked
    about (`dialogs/words.sex_problem`)."""
    if (asked := ambiguous_sex(text, context.locale)) is not None:
        return asked
    word = parse_sex(text, context.locale)
    if word is not None:
        return next(dict(row.values) for row in SEX.rows if row.word == word)
    return SEX.read(text, context)


# Conditions ------------------------------------------------------------------------------
# Each says in its docstring when its question is asked; docs/dialog.md shows that text.


_Described = TypeVar("_Described", bound=Callable[..., bool])


def _when(description: str) -> Callable[[_Described], _Described]:
    def describe(condition: _Described) -> _Described:
        condition.__doc__ = description
        return condition

    return describe


@_when("cycle 2 or later")
def _later_cycle(draft: Draft) -> bool:
    return draft.cycle is not None and draft.cycle >= 2


def _below(field: str, limit: Decimal) -> Condition:
    @_when(f"cycle 2 or later and {field} < {limit}")
    def applies(draft: Draft) -> bool:
        value = getattr(draft, field)
        return _later_cycle(draft) and value is not None and value < limit

    return applies


def _body_answered(draft: Draft) -> bool:
    return draft.bsa_m2 is not None or (draft.height_cm is not None and draft.weight_kg is not None)


@_when(f"HSCT planned and cycle {HSCT_THIRD_CYCLE}")
def _third_cycle_before_hsct(draft: Draft) -> bool:
    return bool(draft.hsct_planned) and draft.cycle == HSCT_THIRD_CYCLE


@_when(f"cycle 2 or later, and anc < {ANC_MIN} or platelets < {PLATELETS_MIN}")
def _low_count_later_cycle(draft: Draft) -> bool:
    return _below("anc", ANC_MIN)(draft) or _below("platelets", PLATELETS_MIN)(draft)


@_when(
    f"cycle 2 or later with a low count, cycle 1 with blasts_per_mm3 > {BLASTS_MAX_PER_MM3}, "
    "or an interruption"
)
def _day_decides(draft: Draft) -> bool:
    # The dose day changes the decision: Table 2 applies on Day 1 only, cytoreduction is before
    # the first dose only, and Table 4 omits a dose within a cycle but reduces at Day 1.
    blasts = draft.blasts_per_mm3
    high_blasts = _first_cycle(draft) and blasts is not None and blasts > BLASTS_MAX_PER_MM3
    return _low_count_later_cycle(draft) or high_blasts or bool(draft.interruption_days)


@_when(f"bilirubin_uln > {BILIRUBIN_MAX_ULN}")
def _bilirubin_raised(draft: Draft) -> bool:
    return draft.bilirubin_uln is not None and draft.bilirubin_uln > BILIRUBIN_MAX_ULN


@_when("cycle 1")
def _first_cycle(draft: Draft) -> bool:
    return draft.cycle == 1


# When an optional question joins the guided main path -----------------------------------


@_when("cycle 1, or the EU label; never where the site treats adults only (adult_only_service)")
def ask_age(asking: Asking) -> bool:
    # The one condition for asking the age; `adult_only_service` is the site's setting, set on
    # the conversation by the transport (`dialogs.machine.Conversation`).
    if asking.adult_only_service:
        return False
    return asking.draft.cycle == 1 or asking.label == "EU"


@_when("cycle 2 or later: the label asks for liver tests before every dose")
def _liver_asked(asking: Asking) -> bool:
    return _later_cycle(asking.draft)


@_when("a dose on Day 8 or 15, which may be late")
def _dose_within_cycle(asking: Asking) -> bool:
    day = asking.draft.day
    return day is not None and day != DOSE_DAYS[0]


# Choices ---------------------------------------------------------------------------------

YES_NO = (Choice(m.YES, "yes"), Choice(m.NO, "no"))
SKIP = Choice(m.SKIP, SKIP_COMMAND)
UNKNOWN = Choice(m.UNKNOWN, SKIP_COMMAND)
TODAY_CHOICES = (Choice(m.TODAY, "today"), Choice(m.TOMORROW, "tomorrow"), SKIP)


def _numbers(first: int, last: int) -> tuple[Choice, ...]:
    return tuple(Choice("{n}", str(n), {"n": n}) for n in range(first, last + 1))


# The table -------------------------------------------------------------------------------

STEPS: tuple[Step, ...] = (
    Step(
        "ask_body",
        m.ASK_BODY,
        m.LABEL_BODY,
        ("bsa_m2", "height_cm", "weight_kg"),
        reader=_read_body,
        answered=_body_answered,
        essential=True,
        placeholder=m.PLACEHOLDER_BODY,
    ),
    Step(
        "ask_cycle",
        m.ASK_CYCLE,
        m.LABEL_CYCLE,
        ("cycle",),
        _numbers(1, 6),
        _read_cycle,
        essential=True,
        also_fills=("day",),
        defaults={"day": DOSE_DAYS[0]},
    ),
    Step(
        "ask_response",
        m.ASK_RESPONSE,
        m.LABEL_RESPONSE,
        ("response",),
        RESPONSE_HSCT.choices,
        _read_response,
        applies=_later_cycle,
        essential=True,
        numeric=False,
        also_fills=("hsct_planned",),
    ),
    Step("ask_hsct", m.ASK_HSCT, m.LABEL_HSCT, ("hsct_planned",), YES_NO, numeric=False),
    Step(
        "ask_mrd",
        m.ASK_MRD,
        m.LABEL_MRD,
        ("mrd_negative",),
        (*YES_NO, UNKNOWN),
        applies=_third_cycle_before_hsct,
        skippable=True,
        essential=True,
        numeric=False,
    ),
    Step(
        "ask_anc",
        m.ASK_COUNTS,
        m.LABEL_ANC,
        ("anc",),
        reader=_read_counts,
        also_fills=("platelets",),
        placeholder=m.PLACEHOLDER_COUNTS,
    ),
    Step(
        "ask_anc_baseline",
        m.ASK_ANC_BASELINE,
        m.LABEL_ANC_BASELINE,
        ("anc_baseline",),
        (UNKNOWN,),
        applies=_below("anc", ANC_MIN),
        skippable=True,
        essential=True,
    ),
    Step(
        "ask_platelets",
        m.ASK_PLATELETS,
        m.LABEL_PLATELETS,
        ("platelets",),
        placeholder=m.PLACEHOLDER_PLATELETS,
    ),
    Step(
        "ask_platelets_baseline",
        m.ASK_PLATELETS_BASELINE,
        m.LABEL_PLATELETS_BASELINE,
        ("platelets_baseline",),
        (UNKNOWN,),
        applies=_below("platelets", PLATELETS_MIN),
        skippable=True,
        essential=True,
    ),
    Step(
        "ask_day",
        m.ASK_DAY,
        m.LABEL_DAY,
        ("day",),
        tuple(Choice(m.DAY_CHOICE, str(day), {"day": day}) for day in DOSE_DAYS),
        applies=_day_decides,
        essential=True,
    ),
    Step(
        "ask_level_includes",
        ASK_LEVEL_INCLUDES,
        LABEL_LEVEL_INCLUDES,
        ("dose_level_includes_interruption",),
        (*YES_NO, UNKNOWN),
        applies=level_reading_asked,
        skippable=True,
        essential=True,
        numeric=False,
    ),
    Step(
        "ask_blasts",
        m.ASK_BLASTS,
        m.LABEL_BLASTS,
        ("blasts_per_mm3",),
        (Choice(m.NO_BLASTS, "0"), UNKNOWN),
        applies=_first_cycle,
        skippable=True,
    ),
    Step(
        "ask_gilbert",
        m.ASK_GILBERT,
        m.LABEL_GILBERT,
        ("gilbert_or_hemolysis",),
        YES_NO,
        applies=_bilirubin_raised,
        essential=True,
        numeric=False,
    ),
    # Optional steps: reached from the summary; each offers a one-tap skip.
    Step(
        "opt_liver",
        m.ASK_LIVER,
        m.LABEL_LIVER,
        LIVER_FIELDS,
        (Choice(m.NORMAL, NORMAL_COMMAND), SKIP),
        _read_liver,
        required=False,
        skippable=True,
        asks_multiples=True,
        main_path=_liver_asked,
    ),
    Step(
        "opt_crcl",
        m.ASK_CRCL,
        m.LABEL_CRCL,
        ("crcl_ml_min", "creatinine"),
        (SKIP,),
        # A CrCl, or a serum creatinine with its unit that gives one (Cockcroft-Gault).
        answer("crcl_ml_min", clearance_or_creatinine),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_toxicity",
        m.ASK_TOXICITY,
        m.LABEL_TOXICITY,
        ("nonheme_grade", "infusion_reaction", "vod"),
        TOXICITY.choices,
        TOXICITY.read,
        required=False,
        skippable=True,
        numeric=False,
    ),
    Step(
        "opt_interruption",
        m.ASK_INTERRUPTION,
        m.LABEL_INTERRUPTION,
        ("interruption_days",),
        (Choice(m.ON_TIME, "0"), SKIP),
        required=False,
        skippable=True,
        main_path=_dose_within_cycle,
    ),
    Step(
        "opt_cytopenia",
        m.ASK_CYTOPENIA,
        m.LABEL_CYTOPENIA,
        ("cytopenia_days",),
        (Choice(m.NONE, "0"), SKIP),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_dose_level",
        m.ASK_DOSE_LEVEL,
        m.LABEL_DOSE_LEVEL,
        ("dose_level",),
        tuple(Choice(label, str(level)) for level, label in DOSE_LEVEL_LABELS.items()),
        # A reduction applies to a subsequent cycle (label Table 4): never offered in cycle 1.
        applies=_later_cycle,
        required=False,
        skippable=True,
    ),
    Step(
        "opt_start",
        m.ASK_START,
        m.LABEL_START,
        ("start_date",),
        TODAY_CHOICES,
        required=False,
        skippable=True,
    ),
    Step(
        "opt_sex",
        m.ASK_SEX,
        m.LABEL_SEX,
        ("sex",),
        (*SEX.choices, SKIP),
        _read_sex,
        required=False,
        skippable=True,
        numeric=False,
    ),
    Step(
        "opt_last_dose",
        m.ASK_LAST_DOSE,
        m.LABEL_LAST_DOSE,
        ("last_dose_date",),
        TODAY_CHOICES,
        required=False,
        skippable=True,
    ),
    Step(
        "opt_age",
        m.ASK_AGE,
        m.LABEL_AGE,
        ("age_years", "adult"),
        (Choice(m.ADULT, ADULT_WORD), UNKNOWN),
        _read_age,
        required=False,
        skippable=True,
        main_path=ask_age,
    ),
    Step(
        "opt_formula",
        m.ASK_FORMULA,
        m.LABEL_FORMULA,
        ("bsa_formula",),
        (Choice(m.FORMULA_MOSTELLER, "mosteller"), Choice(m.FORMULA_DUBOIS, "dubois")),
        required=False,
        skippable=True,
        numeric=False,
    ),
)

STEP_BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}
#: The step that asks for each request field (each field belongs to one step).
STEP_BY_FIELD: dict[str, Step] = {field: step for step in STEPS for field in step.fields}


#: What Cockcroft-Gault needs besides the creatinine, and the step that asks for each.
CLEARANCE_INPUTS = (("age_years", "opt_age"), ("sex", "opt_sex"), ("weight_kg", "ask_body"))


def clearance_problem(draft: Draft) -> Problem | None:
    """A creatinine without the age, weight or sex that turn it into a CrCl: what to add, with
    a button to each question, before a plan is made (the CrCl is never left out silently)."""
    lab = draft.creatinine
    if lab is None or draft.crcl_ml_min is not None:
        return None
    steps = [STEP_BY_NAME[step] for name, step in CLEARANCE_INPUTS if getattr(draft, name) is None]
    if not steps:
        return None
    missing = Text(
        ", ".join(f"{{part{i}}}" for i in range(len(steps))),
        {f"part{i}": Text(step.label) for i, step in enumerate(steps)},
    )
    choices = (
        *(Choice(step.label, f"/edit {step.name.split('_', 1)[1]}") for step in steps),
        Choice(m.LABEL_CRCL, "/edit crcl"),
    )
    values = {"value": lab.value, "unit": lab.unit, "missing": missing}
    return Problem(CLEARANCE_NEEDS, values, "creatinine", None, choices)


REQUIRED_STEPS: tuple[Step, ...] = tuple(step for step in STEPS if step.required)
#: The guided dialog's questions in the order asked: the required ones, and the optional ones
#: that join them for this patient (`Step.main_path`) where they belong.
MAIN_PATH: tuple[Step, ...] = tuple(
    STEP_BY_NAME[name]
    for name in (
        "ask_body",
        "ask_cycle",
        "opt_age",
        "ask_response",
        "ask_hsct",
        "ask_mrd",
        "ask_anc",
        "ask_anc_baseline",
        "ask_platelets",
        "ask_platelets_baseline",
        "ask_day",
        "opt_interruption",
        "ask_level_includes",
        "ask_blasts",
        "opt_liver",
        "ask_gilbert",
    )
)
OPTIONAL_STEPS: tuple[Step, ...] = tuple(step for step in STEPS if not step.required)
#: Short names for /edit and the summary's buttons ("/edit cycle").
EDIT_NAMES: dict[str, str] = {step.name.split("_", 1)[1]: step.name for step in STEPS}
