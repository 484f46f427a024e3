"""The questions of the dialog, as a table.

Each step names the request fields it fills, how an answer is read, the one-tap choices, and
when the question matters for this patient (so nobody is asked for a baseline count when the
current count is normal). The state machine (`dialogs.machine`) walks this table in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from dialogs import messages as m
from dialogs.problems import Problem
from dialogs.quantities import parse_height_weight, parse_quantity
from dialogs.quickform import parse_quick_form
from dialogs.readers import Answer, Context, answer, date, integer, quantity, response, yes_no
from dialogs.replies import Choice
from rules.thresholds import ANC_MIN, BILIRUBIN_MAX_ULN, HSCT_THIRD_CYCLE, PLATELETS_MIN

SKIP_COMMAND = "/skip"


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str
    label: str
    fields: tuple[str, ...]
    read: Callable[[str, Context], Answer]
    choices: tuple[Choice, ...] = ()
    required: bool = True
    applies: Callable[[BaseModel], bool] = lambda draft: True
    answered: Callable[[BaseModel], bool] | None = None
    skippable: bool = False
    #: Asked even in the quick form: the rules core needs it, or it changes the decision.
    essential: bool = False
    #: A typed number is an answer here, so the console must not read it as an option number.
    numeric: bool = True

    def is_answered(self, draft: BaseModel) -> bool:
        if self.answered is not None:
            return self.answered(draft)
        return any(getattr(draft, name) is not None for name in self.fields)


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


def _read_from_keys(fields: tuple[str, ...], count_only: bool = False) -> Callable[..., Answer]:
    """Several values in one answer: by key (bili 1.2 ast 3) or in the table's order."""

    def read(text: str, context: Context) -> Answer:
        form = parse_quick_form(text, context.today, context.locale)
        if form.is_quick_form:
            if form.problems:
                return form.problems[0]
            values = {k: v for k, v in form.values.items() if k in fields}
            if values:
                return values
        parts = text.replace(";", " ").split()
        if len(parts) != len(fields):
            first = parse_quantity(parts[0] if parts else text, fields[0], context.locale)
            return first if isinstance(first, Problem) else _wrong_count(text, len(fields))
        values = {}
        for field, part in zip(fields, parts, strict=True):
            value = parse_quantity(part, field, context.locale)
            if isinstance(value, Problem):
                return value
            values[field] = value
        return values

    return read


WRONG_COUNT = m.N_("Expected {count} values in “{text}”, in the order asked.")


def _wrong_count(text: str, count: int) -> Problem:
    return Problem(WRONG_COUNT, {"count": count, "text": text[:40]})


LIVER_FIELDS = ("bilirubin_uln", "ast_uln", "alt_uln")
NORMAL_COMMAND = "/normal"


def _read_liver(text: str, context: Context) -> Answer:
    if text.strip().lower() in {NORMAL_COMMAND, "normal", "n"}:
        # "Within normal limits" is ≤ 1 × ULN; every threshold in the rules is strictly above it.
        return dict.fromkeys(LIVER_FIELDS, Decimal(1))
    return _read_from_keys(LIVER_FIELDS)(text, context)


TOXICITY_VALUES: dict[str, dict[str, Any]] = {
    "none": {"nonheme_grade": 0, "infusion_reaction": "none", "vod": False},
    "grade 2": {"nonheme_grade": 2},
    "grade 3": {"nonheme_grade": 3},
    "grade 4": {"nonheme_grade": 4},
    "irr mild": {"infusion_reaction": "mild"},
    "irr severe": {"infusion_reaction": "severe"},
    "vod": {"vod": True},
}
BAD_CHOICE = m.N_("“{text}” is not one of the options: {options}.")


def _choice_reader(table: dict[str, dict[str, Any]]) -> Callable[[str, Context], Answer]:
    def read(text: str, context: Context) -> Answer:
        key = " ".join(text.lower().split())
        if key in table:
            return dict(table[key])
        return Problem(BAD_CHOICE, {"text": text[:40], "options": ", ".join(table)})

    return read


SEX_VALUES: dict[str, dict[str, Any]] = {
    "female": {"sex": "female", "pregnant": False, "breastfeeding": False},
    "female pregnant": {"sex": "female", "pregnant": True, "breastfeeding": False},
    "female breastfeeding": {"sex": "female", "pregnant": False, "breastfeeding": True},
    "male": {"sex": "male", "pregnant": None, "breastfeeding": None},
    "f": {"sex": "female", "pregnant": False, "breastfeeding": False},
    "m": {"sex": "male", "pregnant": None, "breastfeeding": None},
}
LEVEL_VALUES: dict[str, dict[str, Any]] = {
    "0": {"dose_level": 0},
    "1": {"dose_level": 1},
    "2": {"dose_level": 2},
}
FORMULA_VALUES: dict[str, dict[str, Any]] = {
    "mosteller": {"bsa_formula": "mosteller"},
    "dubois": {"bsa_formula": "dubois"},
}
DAY_VALUES: dict[str, dict[str, Any]] = {str(day): {"day": day} for day in (1, 8, 15)}
MRD_VALUES: dict[str, dict[str, Any]] = {
    "yes": {"mrd_negative": True},
    "no": {"mrd_negative": False},
    "unknown": {},
}


# Conditions ------------------------------------------------------------------------------


def _later_cycle(draft: BaseModel) -> bool:
    cycle: int | None = draft.cycle  # type: ignore[attr-defined]
    return cycle is not None and cycle >= 2


def _below(field: str, limit: Decimal) -> Callable[[BaseModel], bool]:
    def applies(draft: BaseModel) -> bool:
        value = getattr(draft, field)
        return _later_cycle(draft) and value is not None and value < limit

    return applies


def _body_answered(draft: BaseModel) -> bool:
    values = draft.model_dump(include={"bsa_m2", "height_cm", "weight_kg"})
    return values["bsa_m2"] is not None or (
        values["height_cm"] is not None and values["weight_kg"] is not None
    )


def _third_cycle_before_hsct(draft: BaseModel) -> bool:
    return bool(draft.hsct_planned) and draft.cycle == HSCT_THIRD_CYCLE  # type: ignore[attr-defined]


def _low_count_later_cycle(draft: BaseModel) -> bool:
    return _below("anc", ANC_MIN)(draft) or _below("platelets", PLATELETS_MIN)(draft)


def _bilirubin_raised(draft: BaseModel) -> bool:
    bilirubin = draft.bilirubin_uln  # type: ignore[attr-defined]
    return bilirubin is not None and bilirubin > BILIRUBIN_MAX_ULN


def _first_cycle(draft: BaseModel) -> bool:
    return draft.cycle == 1  # type: ignore[attr-defined]


def _mrd_answered(draft: BaseModel) -> bool:
    return draft.mrd_negative is not None  # type: ignore[attr-defined]


# Choices ---------------------------------------------------------------------------------

YES_NO = (Choice(m.YES, "yes"), Choice(m.NO, "no"))
SKIP = Choice(m.SKIP, SKIP_COMMAND)
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
        _read_body,
        answered=_body_answered,
        essential=True,
    ),
    Step(
        "ask_cycle",
        m.ASK_CYCLE,
        m.LABEL_CYCLE,
        ("cycle",),
        answer("cycle", integer(1, 99)),
        _numbers(1, 6),
        essential=True,
    ),
    Step(
        "ask_response",
        m.ASK_RESPONSE,
        m.LABEL_RESPONSE,
        ("response",),
        answer("response", response),
        (Choice("CR", "CR"), Choice("CRi", "CRi"), Choice(m.NONE, "none")),
        applies=_later_cycle,
        essential=True,
        numeric=False,
    ),
    Step(
        "ask_hsct",
        m.ASK_HSCT,
        m.LABEL_HSCT,
        ("hsct_planned",),
        answer("hsct_planned", yes_no),
        YES_NO,
        numeric=False,
    ),
    Step(
        "ask_mrd",
        m.ASK_MRD,
        m.LABEL_MRD,
        ("mrd_negative",),
        _choice_reader(MRD_VALUES),
        (*YES_NO, Choice(m.UNKNOWN, "unknown")),
        applies=_third_cycle_before_hsct,
        answered=_mrd_answered,
        skippable=True,
        essential=True,
        numeric=False,
    ),
    Step("ask_anc", m.ASK_ANC, m.LABEL_ANC, ("anc",), answer("anc", quantity)),
    Step(
        "ask_anc_baseline",
        m.ASK_ANC_BASELINE,
        m.LABEL_ANC_BASELINE,
        ("anc_baseline",),
        answer("anc_baseline", quantity),
        (Choice(m.UNKNOWN, SKIP_COMMAND),),
        applies=_below("anc", ANC_MIN),
        skippable=True,
        essential=True,
    ),
    Step(
        "ask_platelets",
        m.ASK_PLATELETS,
        m.LABEL_PLATELETS,
        ("platelets",),
        answer("platelets", quantity),
    ),
    Step(
        "ask_platelets_baseline",
        m.ASK_PLATELETS_BASELINE,
        m.LABEL_PLATELETS_BASELINE,
        ("platelets_baseline",),
        answer("platelets_baseline", quantity),
        (Choice(m.UNKNOWN, SKIP_COMMAND),),
        applies=_below("platelets", PLATELETS_MIN),
        skippable=True,
        essential=True,
    ),
    Step(
        "ask_day",
        m.ASK_DAY,
        m.LABEL_DAY,
        ("day",),
        _choice_reader(DAY_VALUES),
        tuple(Choice(m.DAY_CHOICE, str(day), {"day": day}) for day in (1, 8, 15)),
        applies=_low_count_later_cycle,
        essential=True,
    ),
    Step(
        "ask_blasts",
        m.ASK_BLASTS,
        m.LABEL_BLASTS,
        ("blasts_per_mm3",),
        answer("blasts_per_mm3", quantity),
        (Choice(m.NO_BLASTS, "0"), Choice(m.UNKNOWN, SKIP_COMMAND)),
        applies=_first_cycle,
        skippable=True,
    ),
    Step(
        "ask_gilbert",
        m.ASK_GILBERT,
        m.LABEL_GILBERT,
        ("gilbert_or_hemolysis",),
        answer("gilbert_or_hemolysis", yes_no),
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
        _read_liver,
        (Choice(m.NORMAL, NORMAL_COMMAND), SKIP),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_crcl",
        m.ASK_CRCL,
        m.LABEL_CRCL,
        ("crcl_ml_min",),
        answer("crcl_ml_min", quantity),
        (SKIP,),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_toxicity",
        m.ASK_TOXICITY,
        m.LABEL_TOXICITY,
        ("nonheme_grade", "infusion_reaction", "vod"),
        _choice_reader(TOXICITY_VALUES),
        (
            Choice(m.NONE, "none"),
            *(Choice(m.TOX_NONHEME, f"grade {g}", {"grade": g}) for g in (2, 3, 4)),
            Choice(m.TOX_IRR_MILD, "irr mild"),
            Choice(m.TOX_IRR_SEVERE, "irr severe"),
            Choice(m.TOX_VOD, "vod"),
        ),
        required=False,
        skippable=True,
        numeric=False,
    ),
    Step(
        "opt_interruption",
        m.ASK_INTERRUPTION,
        m.LABEL_INTERRUPTION,
        ("interruption_days",),
        answer("interruption_days", integer(0, 365)),
        (Choice(m.NONE, "0"), SKIP),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_cytopenia",
        m.ASK_CYTOPENIA,
        m.LABEL_CYTOPENIA,
        ("cytopenia_days",),
        answer("cytopenia_days", integer(0, 365)),
        (Choice(m.NONE, "0"), SKIP),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_dose_level",
        m.ASK_DOSE_LEVEL,
        m.LABEL_DOSE_LEVEL,
        ("dose_level",),
        _choice_reader(LEVEL_VALUES),
        (Choice(m.LEVEL_FULL, "0"), Choice(m.LEVEL_REDUCED, "1"), Choice(m.LEVEL_TWO_DOSES, "2")),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_start",
        m.ASK_START,
        m.LABEL_START,
        ("start_date",),
        answer("start_date", date),
        TODAY_CHOICES,
        required=False,
        skippable=True,
    ),
    Step(
        "opt_sex",
        m.ASK_SEX,
        m.LABEL_SEX,
        ("sex",),
        _choice_reader(SEX_VALUES),
        (
            Choice(m.FEMALE, "female"),
            Choice(m.FEMALE_PREGNANT, "female pregnant"),
            Choice(m.FEMALE_BREASTFEEDING, "female breastfeeding"),
            Choice(m.MALE, "male"),
            SKIP,
        ),
        required=False,
        skippable=True,
        numeric=False,
    ),
    Step(
        "opt_last_dose",
        m.ASK_LAST_DOSE,
        m.LABEL_LAST_DOSE,
        ("last_dose_date",),
        answer("last_dose_date", date),
        TODAY_CHOICES,
        required=False,
        skippable=True,
    ),
    Step(
        "opt_age",
        m.ASK_AGE,
        m.LABEL_AGE,
        ("age_years",),
        answer("age_years", quantity),
        (SKIP,),
        required=False,
        skippable=True,
    ),
    Step(
        "opt_formula",
        m.ASK_FORMULA,
        m.LABEL_FORMULA,
        ("bsa_formula",),
        _choice_reader(FORMULA_VALUES),
        (Choice(m.FORMULA_MOSTELLER, "mosteller"), Choice(m.FORMULA_DUBOIS, "dubois")),
        required=False,
        skippable=True,
        numeric=False,
    ),
)

STEP_BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}
REQUIRED_STEPS: tuple[Step, ...] = tuple(step for step in STEPS if step.required)
OPTIONAL_STEPS: tuple[Step, ...] = tuple(step for step in STEPS if not step.required)
#: Short names for /edit and the summary's buttons ("/edit cycle").
EDIT_NAMES: dict[str, str] = {step.name.split("_", 1)[1]: step.name for step in STEPS}
