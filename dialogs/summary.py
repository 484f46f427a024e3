"""The one-screen summary: each answer as the clinician gave it, ready to be changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialogs import messages as m
from dialogs.draft import Draft
from dialogs.fields import FIELD_BY_NAME
from dialogs.machine import Conversation
from dialogs.replies import Line, Text
from dialogs.steps import LIVER_FIELDS, OPTIONAL_STEPS, REQUIRED_STEPS, Step
from rules.bsa import FORMULA_CONSTANTS, body_surface_area
from rules.thresholds import FIRST_CYCLE, FIRST_DOSE_DAY

Show = Callable[[Draft], Text | None]


def _field(name: str) -> Show:
    """A one-field answer as its row of the field table shows it."""
    show = FIELD_BY_NAME[name].show

    def shown(draft: Draft) -> Text | None:
        value = getattr(draft, name)
        return None if value is None else show(value)

    return shown


# TRANSLATORS: the BSA formulas beside the BSA they gave; cm and kg are the height and weight.
BSA_EXPRESSIONS = {
    "mosteller": m.N_("√(cm × kg / {divisor})"),
    "dubois": m.N_("{factor} × cm^{height_exp} × kg^{weight_exp}"),
}
FORMULA_LABELS = {"mosteller": m.FORMULA_MOSTELLER, "dubois": m.FORMULA_DUBOIS}


def _body(draft: Draft) -> Text | None:
    """The BSA typed, or height and weight with the BSA they give and its formula: the value
    dosed is seen before the plan (`rules/bsa.py`, rounded as the engine rounds it)."""
    if draft.bsa_m2 is not None:
        return Text(m.VALUE_BSA, {"bsa": draft.bsa_m2})
    if draft.height_cm is not None and draft.weight_kg is not None:
        formula = draft.bsa_formula or "mosteller"
        values = {
            "height": draft.height_cm,
            "weight": draft.weight_kg,
            "bsa": body_surface_area(draft.height_cm, draft.weight_kg, formula),
            "formula": Text(FORMULA_LABELS[formula]),
            "expression": Text(BSA_EXPRESSIONS[formula], _constants(formula)),
        }
        return Text(m.VALUE_BODY_BSA, values)
    return None


#: The liver tests by name, as the read-back names them (`dialogs/render.py`).
LIVER_NAMES = {"bilirubin_uln": m.PC_("lab test", "bilirubin"), "ast_uln": "AST", "alt_uln": "ALT"}


def _constants(formula: str) -> dict[str, object]:
    """A formula's constants; a whole number as typed ("3600", not "3.600" in German)."""
    return {
        name: str(value) if value == value.to_integral_value() else value
        for name, value in FORMULA_CONSTANTS[formula].items()
    }


def _age(draft: Draft) -> Text | None:
    if draft.age_years is not None:
        return FIELD_BY_NAME["age_years"].show(draft.age_years)
    return Text(m.ADULT) if draft.adult else None


def _liver(draft: Draft) -> Text | None:
    """ "bilirubin 1.2, AST 0.8 ×ULN": the values entered only, never "ALT –" for one not given."""
    parts = [
        Text("{name} {value}", {"name": Text(LIVER_NAMES[name]), "value": value})
        for name in LIVER_FIELDS
        if (value := getattr(draft, name)) is not None
    ]
    if not parts:
        return None
    return Text(
        ", ".join(f"{{part{i}}}" for i in range(len(parts))) + " ×ULN",
        {f"part{i}": part for i, part in enumerate(parts)},
    )


def _toxicity(draft: Draft) -> Text | None:
    parts: list[Any] = []
    grade, reaction = draft.nonheme_grade, draft.infusion_reaction
    if grade:
        parts.append(Text(m.TOX_NONHEME, {"grade": grade}))
    if reaction in {"mild", "severe"}:
        parts.append(Text(m.TOX_IRR_MILD if reaction == "mild" else m.TOX_IRR_SEVERE))
    if draft.vod:
        parts.append(Text(m.TOX_VOD))
    if parts:
        return Text(
            ", ".join(f"{{part{i}}}" for i in range(len(parts))),
            {f"part{i}": part for i, part in enumerate(parts)},
        )
    if grade == 0 or reaction == "none" or draft.vod is False:
        return Text(m.NONE)
    return None


def _sex(draft: Draft) -> Text | None:
    if draft.sex is None:
        return None
    if draft.sex == "male":
        return Text(m.MALE)
    if draft.pregnant:
        return Text(m.FEMALE_PREGNANT)
    if draft.breastfeeding:
        return Text(m.FEMALE_BREASTFEEDING)
    return Text(m.FEMALE)


#: Answers that fill several fields; every other step shows its one field (`dialogs/fields.py`).
SHOW_SEVERAL: dict[str, Show] = {
    "ask_body": _body,
    "opt_liver": _liver,
    "opt_toxicity": _toxicity,
    "opt_sex": _sex,
    "opt_age": _age,
}


def _first_given(names: tuple[str, ...]) -> Show:
    """The first of a step's fields that has a value (the CrCl step: a CrCl or a creatinine)."""
    shows = [_field(name) for name in names]

    def shown(draft: Draft) -> Text | None:
        return next((text for show in shows if (text := show(draft)) is not None), None)

    return shown


SHOW: dict[str, Show] = {
    step.name: SHOW_SEVERAL.get(step.name) or _first_given(step.fields)
    for step in (*REQUIRED_STEPS, *OPTIONAL_STEPS)
}

#: Optional answers whose absence means a safety check did not run: named under the plan (and
#: the age, the population the label covers, unless the site treats adults only).
SAFETY_RELEVANT = ("opt_liver", "opt_toxicity", "opt_crcl", "opt_sex")


def _table2_applies(draft: Draft) -> bool:
    """Counts decide at Day 1 of cycle 2 on (label Table 2); elsewhere they cannot hold."""
    return (draft.cycle or FIRST_CYCLE) > FIRST_CYCLE and draft.day in (None, FIRST_DOSE_DAY)


def _first_dose(draft: Draft) -> bool:
    """Blasts decide before the first dose only (cycle 1, Day 1: USPI 2.2)."""
    return (draft.cycle or FIRST_CYCLE) == FIRST_CYCLE and draft.day in (None, FIRST_DOSE_DAY)


#: Items that can change this plan's decision or a stop/caution only at some cycle and day: a
#: missing one is named under the plan only there ("not checked" names what could matter).
COULD_MATTER: dict[str, Callable[[Draft], bool]] = {
    "ask_anc": _table2_applies,
    "ask_anc_baseline": _table2_applies,
    "ask_platelets": _table2_applies,
    "ask_platelets_baseline": _table2_applies,
    "ask_blasts": _first_dose,
}


def _value(conversation: Conversation, step: Step) -> Text | None:
    shown = SHOW[step.name](conversation.draft)
    if shown is None and step.name in conversation.skipped:
        return Text(m.SKIPPED)
    return shown


def summary_lines(conversation: Conversation, complete: bool = False) -> tuple[Line, ...]:
    """Required answers that apply to this patient, then the optional items answered (or
    skipped); `complete` adds every optional item that applies, for the "More…" view. What
    was left out of a safety check is named under the plan (`unchecked_items`), so the short
    summary need not list every "not given"."""
    draft = conversation.draft
    required = (step for step in REQUIRED_STEPS if step.applies(draft))
    optional = (step for step in OPTIONAL_STEPS if step.applies(draft))
    lines = (
        Line(step.name, step.label, _value(conversation, step)) for step in (*required, *optional)
    )
    return tuple(
        line for line in lines if complete or line.value is not None or _required(line.step)
    )


def has_more(conversation: Conversation) -> bool:
    """Whether the complete summary shows items that the short one leaves out."""
    return len(summary_lines(conversation, complete=True)) > len(summary_lines(conversation))


def _required(step_name: str) -> bool:
    return any(step.name == step_name for step in REQUIRED_STEPS)


def unchecked_items(conversation: Conversation) -> tuple[str, ...]:
    """Labels of safety-relevant items the clinician did not enter and that could have changed
    this plan (`COULD_MATTER`), so the plan can say so."""
    draft = conversation.draft
    skipped_questions = tuple(
        step.label
        for step in REQUIRED_STEPS
        if conversation.unanswered(step) and COULD_MATTER.get(step.name, _always)(draft)
    )
    relevant = SAFETY_RELEVANT if conversation.adult_only_service else (*SAFETY_RELEVANT, "opt_age")
    return skipped_questions + tuple(
        step.label
        for step in OPTIONAL_STEPS
        if step.name in relevant
        and step.applies(draft)
        and SHOW[step.name](draft) is None
        and COULD_MATTER.get(step.name, _always)(draft)
    )


def _always(draft: Draft) -> bool:
    return True
