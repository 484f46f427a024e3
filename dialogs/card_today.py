"""The card's lines about today: the headline as the day's action, the next dose after an
omitted one, a hold in one line per reason with "resume when …", the doses once recovered,
the one boxed-warning line, and the read-back of every field that shaped the plan.

`dialogs/render.py` lays the card out; the lines are made here so that the renderer stays one
layout and these rules one place. Every number comes from the plan (its doses, its warnings'
params filled from `rules/thresholds.py`); nothing here decides anything clinical.
"""

from __future__ import annotations

from typing import Any, Protocol

from dialogs import messages as m
from dialogs.fields import FIELD_BY_NAME, yes_or_no
from dialogs.raw import Raw as _Raw
from rules.labels import LABEL_OF
from rules.models import Dose, InputUsed, Plan, PlanWarning
from rules.thresholds import MIN_DAYS_BETWEEN_DOSES


class Renderer(Protocol):
    """What these lines need of `dialogs.render.Renderer` (not imported: it calls them)."""

    lang: str

    def text(self, key: str, values: dict[str, Any] | None = None) -> str: ...

    def gettext(self, key: str) -> str: ...

    def value(self, value: Any) -> str: ...


N_ = m.N_

# TRANSLATORS: the card's headline when a dose day was asked for: give that day's dose now.
# {mg} is the total dose in mg; GIVE is an instruction, keep its force.
HEAD_GIVE = N_("✅ GIVE Day {day}: {mg} mg (cycle {cycle})")
# TRANSLATORS: the headline when the day's dose is given late (a short interruption, label Table
# 4): not on its planned day; {min_days} days at least after the previous dose.
HEAD_LATE = N_(
    "⏱ Day {day} LATE: {mg} mg, at least {min_days:days} after the previous dose (cycle {cycle})"
)
# TRANSLATORS: the headline when the day's dose is omitted (not given at all, not postponed);
# nothing to prepare = nothing for the pharmacy today.
HEAD_OMIT = N_("⏭ Day {day} OMITTED: nothing to prepare today (cycle {cycle})")
# TRANSLATORS: the headline when the EU label contraindicates the drug (SmPC 4.3).
HEAD_CONTRAINDICATED = N_("⛔ CONTRAINDICATED: do not give Besponsa")
# TRANSLATORS: after an omitted day: the next dose of the cycle, with its mg (and date if known).
NEXT_DOSE = N_("Next dose: Day {day}, {mg} mg")
# TRANSLATORS: as above, with the date of that day ({date}, a short date).
NEXT_DOSE_DATED = N_("Next dose: Day {day} ({date}), {mg} mg")
# TRANSLATORS: after an omitted day that was the cycle's last dose.
NO_NEXT_DOSE = N_("No further dose in this cycle.")
# TRANSLATORS: a hold reason, then when to resume ({summary}; {resume}).
HOLD_LINE = N_("{summary}; {resume}")
# TRANSLATORS: on a hold card: the doses to be given once the patient has recovered, not today.
ONCE_RECOVERED = N_("Once recovered (not today): {doses}")
# TRANSLATORS: doses in the list above: the days ({days}: "1, 8, 15"), mg/m² and total mg each.
DOSE_ITEM = N_("Day {days} · {mg_per_m2} mg/m² = {mg} mg")
# TRANSLATORS: the US label's boxed warning in a few words, above the fold ({items}: the hazards).
BOXED_LINE = N_("Boxed warning: {items}")
# TRANSLATORS: the EU label has no boxed warning: its special warnings, section 4.4 (keep SmPC 4.4).
SPECIAL_LINE = N_("Warnings (SmPC 4.4): {items}")
# TRANSLATORS: a hazard in the line above; VOD/SOS = veno-occlusive disease (keep).
SHORT_HEPATOTOXICITY = N_("hepatotoxicity, VOD/SOS")
# TRANSLATORS: a hazard in the line above; HSCT = stem cell transplant.
SHORT_HSCT = N_("mortality after HSCT")
#: The boxed warnings, shown as one line above the fold, their full text folded.
BOXED_SHORT = {
    "boxed_hepatotoxicity_vod": SHORT_HEPATOTOXICITY,
    "boxed_post_hsct_mortality": SHORT_HSCT,
}
# TRANSLATORS: in the read-back: the entered dose level already includes this interruption's
# reduction (yes or no).
LABEL_LEVEL_INCLUDES = N_("Level includes this interruption")
# TRANSLATORS: in the read-back: prior veno-occlusive disease (keep VOD/SOS).
LABEL_PRIOR_VOD = N_("Prior VOD/SOS")
# TRANSLATORS: in the read-back: serious ongoing liver disease (an EU contraindication).
LABEL_LIVER_DISEASE = N_("Serious liver disease")
LABEL_HYPERSENSITIVITY = m.LABEL_HYPERSENSITIVITY

#: The read-back of the fields beyond the quantities (`rules.models.READ_BACK_CHOICES`): the
#: label shown before the value; the value as the field table shows it unless said below.
CHOICE_LABELS: dict[str, str] = {
    "day": m.LABEL_DAY,
    "dose_level": m.LABEL_DOSE_LEVEL,
    "interruption_days": m.LABEL_INTERRUPTION,
    "dose_level_includes_interruption": LABEL_LEVEL_INCLUDES,
    "hsct_planned": m.LABEL_HSCT,
    "mrd_negative": m.LABEL_MRD,
    "age_years": m.LABEL_AGE,
    "sex": m.LABEL_SEX,
    "last_dose_date": m.LABEL_LAST_DOSE,
    "gilbert_or_hemolysis": m.LABEL_GILBERT,
    "vod": m.TOX_VOD,
    "cytopenia_days": m.LABEL_CYTOPENIA,
    "prior_vod": LABEL_PRIOR_VOD,
    "serious_liver_disease": LABEL_LIVER_DISEASE,
    "hypersensitivity": LABEL_HYPERSENSITIVITY,
}
SEX_WORDS = {"female": m.FEMALE, "male": m.MALE}
REACTION_TEXT = {"mild": m.TOX_IRR_MILD, "severe": m.TOX_IRR_SEVERE}


def _dose_of_day(doses: list[Dose], day: int) -> Dose | None:
    return next((dose for dose in doses if dose.day == day), None)


def _requested_day(plan: Plan) -> int | None:
    return next((int(i.used) for i in plan.inputs if i.field == "day"), None)


def headline(r: Renderer, plan: Plan, give: str) -> str:
    """The decision as the day's action when a day was asked for; else `give` (the cycle's)."""
    if any(w.code == "eu_contraindications" and w.severity == "stop" for w in plan.warnings):
        return r.text(HEAD_CONTRAINDICATED)
    day = _requested_day(plan)
    if plan.day_action is None or day is None or plan.day_action in ("hold", "discontinue"):
        return give
    values: dict[str, Any] = {"day": day, "cycle": plan.cycle}
    if plan.day_action == "omit":
        return r.text(HEAD_OMIT, values)
    dose = _dose_of_day(plan.doses, day)
    if dose is None:
        return give  # a reduced level: no split, the line below says so
    values["mg"] = dose.mg
    if plan.day_action == "late":
        return r.text(HEAD_LATE, {**values, "min_days": MIN_DAYS_BETWEEN_DOSES})
    return r.text(HEAD_GIVE, values)


def next_dose_line(r: Renderer, plan: Plan) -> str | None:
    """After an omitted day: the next dose of the cycle, or that there is none."""
    day = _requested_day(plan)
    if plan.day_action != "omit" or day is None:
        return None
    later = [dose for dose in plan.doses if dose.day > day]
    if not later:
        return r.text(NO_NEXT_DOSE) if plan.doses_unspecified_reason is None else None
    dose = later[0]
    if dose.date is not None:
        return r.text(NEXT_DOSE_DATED, {"day": dose.day, "date": dose.date, "mg": dose.mg})
    return r.text(NEXT_DOSE, {"day": dose.day, "mg": dose.mg})


def hold_lines(r: Renderer, warnings: list[PlanWarning]) -> list[str]:
    """Holds (and cautions said short) in one line each: "ANC 0.6 < 1 ×10⁹/L, Table 2: hold
    the next cycle; resume when …". Reasons that resume on the same criterion share one line
    (ANC and platelets low with no baseline known), so no criterion is printed twice."""
    groups: dict[tuple[str, str], list[PlanWarning]] = {}
    for warning in warnings:
        if warning.summary_key:
            groups.setdefault((warning.severity, warning.resume_key), []).append(warning)
    # A stop without a recovery of its own (Table 3's first row) opens the line of the hold it
    # comes with, so that line's "resume when …" follows both.
    alone = groups.get(("stop", ""), [])
    holding = next((key for key in groups if key[0] == "stop" and key[1]), None)
    if alone and holding is not None:
        groups[holding] = alone + groups.pop(holding)
        del groups["stop", ""]
    lines = []
    for (severity, resume_key), grouped in groups.items():
        icon = "⛔" if severity == "stop" else "⚠️"
        summaries = list(dict.fromkeys(_short(r, w.summary_key, w) for w in grouped))
        separator = "；" if r.lang == "zh" else "؛ " if r.lang == "ar" else "; "
        summary = separator.join(summaries)
        if not resume_key:
            lines.append(f"{icon} {summary}")
            continue
        resume = _short(r, resume_key, next(w for w in grouped if w.resume_key == resume_key))
        lines.append(
            f"{icon} " + r.text(HOLD_LINE, {"summary": _Raw(summary), "resume": _Raw(resume)})
        )
    return lines


def _short(r: Renderer, key: str, warning: PlanWarning) -> str:
    params = {
        name: r.gettext(value) if isinstance(value, str) else value
        for name, value in warning.params.items()
    }
    return r.text(key, params)


def once_recovered_line(r: Renderer, plan: Plan) -> str | None:
    """A hold's doses once recovered, marked as not today's."""
    if not plan.doses_once_recovered:
        return None
    separator = "；" if r.lang == "zh" else "; "
    days: dict[tuple[Any, Any], list[str]] = {}
    for dose in plan.doses_once_recovered:
        days.setdefault((dose.mg_per_m2, dose.mg), []).append(r.value(dose.day))
    comma = "、" if r.lang == "zh" else "، " if r.lang == "ar" else ", "
    items = [
        r.text(DOSE_ITEM, {"days": _Raw(comma.join(group)), "mg_per_m2": per_m2, "mg": mg})
        for (per_m2, mg), group in days.items()
    ]
    return r.text(ONCE_RECOVERED, {"doses": _Raw(separator.join(items))})


def boxed_line(r: Renderer, plan: Plan) -> str | None:
    """The boxed warnings in one line ("Boxed warning: hepatotoxicity, VOD/SOS; …"); under the
    EU profile the SmPC's special warnings, never titled "boxed"."""
    hazards = [BOXED_SHORT[w.code] for w in plan.warnings if w.code in BOXED_SHORT]
    if not hazards:
        return None
    separator = "；" if r.lang == "zh" else "; "
    items = _Raw(separator.join(r.text(hazard) for hazard in hazards))
    template = SPECIAL_LINE if plan.label == "EU" else BOXED_LINE
    return "⚠️ " + r.text(template, {"items": items})


def choice_items(r: Renderer, plan: Plan, short: bool = False) -> list[str]:
    """ "Dose day 8 · Dose level 1 · Sex Male · …": the read-back of the fields beyond the
    quantities that shaped this plan, in `rules.models.READ_BACK_CHOICES` order; `short`
    leaves out the label, which the card's header names."""
    return [
        item
        for i in plan.inputs
        if not (short and i.field == "label") and (item := _choice(r, plan, i)) is not None
    ]


def _choice(r: Renderer, plan: Plan, item: InputUsed) -> str | None:
    value: Any = item.used
    if item.field == "label":
        document = LABEL_OF[plan.label]
        return r.text(
            m.LABEL_NAME,
            {"profile": plan.label, "document": f"{document.short_name} {document.revision}"},
        )
    if item.field == "nonheme_grade":
        return r.text(m.TOX_NONHEME, {"grade": value})
    if item.field == "infusion_reaction":
        return r.text(REACTION_TEXT[str(value)]) if value in REACTION_TEXT else None
    if item.field in ("pregnant", "breastfeeding"):
        if not value:
            return None
        return r.text(m.FEMALE_PREGNANT if item.field == "pregnant" else m.FEMALE_BREASTFEEDING)
    label = CHOICE_LABELS.get(item.field)
    if label is None:
        return None
    if item.field == "sex":
        return r.text(SEX_WORDS[str(value)])  # "Female": the word says what it is
    elif isinstance(value, bool):
        shown = r.value(yes_or_no(value))
    elif item.field == "last_dose_date":
        shown = r.value(str(value))
    else:
        shown = r.value(FIELD_BY_NAME[item.field].show(value))
    return f"{r.gettext(label)} {shown}"
