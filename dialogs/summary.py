"""The one-screen summary: each answer as the clinician gave it, ready to be changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from dialogs import messages as m
from dialogs.machine import Conversation
from dialogs.replies import Line, Text
from dialogs.steps import LIVER_FIELDS, OPTIONAL_STEPS, REQUIRED_STEPS, Step

Show = Callable[[BaseModel], Text | None]


def _plain(field: str) -> Show:
    def show(draft: BaseModel) -> Text | None:
        value = getattr(draft, field)
        return None if value is None else Text("{value}", {"value": value})

    return show


def _unit(field: str, template: str | tuple[str, str]) -> Show:
    def show(draft: BaseModel) -> Text | None:
        value = getattr(draft, field)
        if value is None:
            return None
        if isinstance(template, tuple):
            return Text(template[0], {"value": value}, plural=template[1])
        return Text(template, {"value": value})

    return show


def _yes_no(field: str) -> Show:
    def show(draft: BaseModel) -> Text | None:
        value = getattr(draft, field)
        return None if value is None else Text(m.YES if value else m.NO)

    return show


def _body(draft: BaseModel) -> Text | None:
    values = draft.model_dump(include={"bsa_m2", "height_cm", "weight_kg"})
    if values["bsa_m2"] is not None:
        return Text(m.VALUE_BSA, {"bsa": values["bsa_m2"]})
    if values["height_cm"] is not None and values["weight_kg"] is not None:
        return Text(
            m.VALUE_HEIGHT_WEIGHT, {"height": values["height_cm"], "weight": values["weight_kg"]}
        )
    return None


def _liver(draft: BaseModel) -> Text | None:
    values = {name: getattr(draft, name) for name in LIVER_FIELDS}
    if all(value is None for value in values.values()):
        return None
    shown = {key: "–" if value is None else value for key, value in values.items()}
    return Text(
        m.VALUE_LIVER,
        {"bili": shown["bilirubin_uln"], "ast": shown["ast_uln"], "alt": shown["alt_uln"]},
    )


def _toxicity(draft: BaseModel) -> Text | None:
    parts: list[Any] = []
    grade = draft.nonheme_grade  # type: ignore[attr-defined]
    if grade:
        parts.append(Text(m.TOX_NONHEME, {"grade": grade}))
    reaction = draft.infusion_reaction  # type: ignore[attr-defined]
    if reaction in {"mild", "severe"}:
        parts.append(Text(m.TOX_IRR_MILD if reaction == "mild" else m.TOX_IRR_SEVERE))
    if draft.vod:  # type: ignore[attr-defined]
        parts.append(Text(m.TOX_VOD))
    if parts:
        return Text(
            ", ".join(f"{{part{i}}}" for i in range(len(parts))),
            {f"part{i}": part for i, part in enumerate(parts)},
        )
    if grade == 0 or reaction == "none" or draft.vod is False:  # type: ignore[attr-defined]
        return Text(m.NONE)
    return None


def _sex(draft: BaseModel) -> Text | None:
    sex = draft.sex  # type: ignore[attr-defined]
    if sex is None:
        return None
    if sex == "male":
        return Text(m.MALE)
    if draft.pregnant:  # type: ignore[attr-defined]
        return Text(m.FEMALE_PREGNANT)
    if draft.breastfeeding:  # type: ignore[attr-defined]
        return Text(m.FEMALE_BREASTFEEDING)
    return Text(m.FEMALE)


def _level(draft: BaseModel) -> Text | None:
    level = draft.dose_level  # type: ignore[attr-defined]
    labels = {0: m.LEVEL_FULL, 1: m.LEVEL_REDUCED, 2: m.LEVEL_TWO_DOSES}
    return None if level is None else Text(labels[level])


def _mrd(draft: BaseModel) -> Text | None:
    value = draft.mrd_negative  # type: ignore[attr-defined]
    return None if value is None else Text(m.YES if value else m.NO)


SHOW: dict[str, Show] = {
    "ask_body": _body,
    "ask_cycle": _plain("cycle"),
    "ask_response": _plain("response"),
    "ask_hsct": _yes_no("hsct_planned"),
    "ask_mrd": _mrd,
    "ask_anc": _unit("anc", m.VALUE_COUNT),
    "ask_anc_baseline": _unit("anc_baseline", m.VALUE_COUNT),
    "ask_platelets": _unit("platelets", m.VALUE_COUNT),
    "ask_platelets_baseline": _unit("platelets_baseline", m.VALUE_COUNT),
    "ask_day": _plain("day"),
    "ask_blasts": _unit("blasts_per_mm3", m.VALUE_BLASTS),
    "ask_gilbert": _yes_no("gilbert_or_hemolysis"),
    "opt_liver": _liver,
    "opt_crcl": _unit("crcl_ml_min", m.VALUE_CRCL),
    "opt_toxicity": _toxicity,
    "opt_interruption": _unit("interruption_days", m.VALUE_DAYS),
    "opt_cytopenia": _unit("cytopenia_days", m.VALUE_DAYS),
    "opt_dose_level": _level,
    "opt_start": _plain("start_date"),
    "opt_sex": _sex,
    "opt_last_dose": _plain("last_dose_date"),
    "opt_age": _unit("age_years", m.VALUE_YEARS),
    "opt_formula": _plain("bsa_formula"),
}

#: Optional answers whose absence means a safety check did not run: named under the plan.
SAFETY_RELEVANT = ("opt_liver", "opt_toxicity", "opt_crcl", "opt_sex")


def _value(conversation: Conversation, step: Step) -> Text | None:
    shown = SHOW[step.name](conversation.draft)
    if shown is None and step.name in conversation.skipped:
        return Text(m.SKIPPED)
    return shown


def summary_lines(conversation: Conversation) -> tuple[Line, ...]:
    """Required answers that apply to this patient, then every optional item."""
    draft = conversation.draft
    required = (step for step in REQUIRED_STEPS if step.applies(draft))
    return tuple(
        Line(step.name, step.label, _value(conversation, step))
        for step in (*required, *OPTIONAL_STEPS)
    )


def unchecked_items(conversation: Conversation) -> tuple[str, ...]:
    """Labels of safety-relevant items the clinician did not enter, so the plan can say so."""
    skipped_questions = tuple(
        step.label for step in REQUIRED_STEPS if conversation.unanswered(step)
    )
    return skipped_questions + tuple(
        step.label
        for step in OPTIONAL_STEPS
        if step.name in SAFETY_RELEVANT and SHOW[step.name](conversation.draft) is None
    )
