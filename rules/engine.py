"""The rules core: one request in, one plan out; pure, deterministic, every step sourced.

The evaluation walks the rule families in a fixed order; each family decides which outcome of
the rule table applies (`rules.ruleset.OUTCOMES`: code, severity, decision and message are
read there, not typed at the call) and collects its warning. The decision is the most severe
any outcome asks for (discontinue > hold > give). Doses are listed only when the decision is
to give, from the dose being planned on, and only when the label says how to split them.

Output models are built with their normal constructors: with pydantic 2.14 that is faster than
`model_construct` (about 5 µs against 8 µs for a Dose; nested model instances are not
re-validated) and it checks every value the engine writes. Warnings without values are built
once and shared (`_STATIC_WARNINGS`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

from rules import messages as msg
from rules.bsa import body_surface_area
from rules.confirmation import awaiting_site
from rules.holds import HOLD_LINES
from rules.labels import LABEL_PROFILES, Profile, citations_for, source_line
from rules.models import Decision, Dose, Plan, PlanRequest, PlanWarning, WarningSource
from rules.numbers import ceil_whole, format_decimal_plain, round_half_up
from rules.preparation import preparation_lines
from rules.protocol import DEFAULT_PROTOCOL, Protocol
from rules.ruleset import OUTCOME_BY_NAME, PROFILE_OUTCOMES, RULESET_VERSION, Outcome
from rules.site_doses import band, site_regimen
from rules.thresholds import (
    ADULT_AGE_YEARS,
    ANC_MIN,
    BILIRUBIN_GRADE3_ULN,
    BILIRUBIN_MAX_ULN,
    BLASTS_MAX_PER_MM3,
    BSA_USUAL_HIGH,
    BSA_USUAL_LOW,
    CONTRACEPTION_FEMALE_MONTHS,
    CONTRACEPTION_MALE_MONTHS,
    CYCLE1_DAYS,
    CYTOPENIA_MAX_DAYS,
    DOSE_DAYS,
    ESRD_CRCL_ML_MIN,
    EXTENDED_CYCLE_DAYS,
    FIRST_CYCLE,
    FIRST_DOSE_DAY,
    FULL_DOSE_LEVEL,
    HSCT_THIRD_CYCLE,
    INTERRUPTION_CONSIDER_STOP_DAYS,
    INTERRUPTION_OMIT_DAYS,
    INTERRUPTION_REDUCE_DAYS,
    LACTATION_MONTHS,
    LAST_DOSE_LEVEL,
    LATER_CYCLE_DAYS,
    MAX_CYCLES_HSCT,
    MAX_CYCLES_NO_HSCT,
    MG_PER_ML,
    MIN_AGE_US_YEARS,
    MIN_DAYS_BETWEEN_DOSES,
    NONHEME_HOLD_GRADE,
    NORMAL_CRCL_ML_MIN,
    PLATELETS_MIN,
    REDUCED_DOSE_LEVEL,
    REDUCED_FRACTION,
    RESPONSE_WITHIN_CYCLES,
    TRANSAMINASE_GRADE2_ULN,
    TRANSAMINASE_GRADE3_ULN,
    TRANSAMINASE_MAX_ULN,
    ULN,
    WINDOW_DAYS,
)
from rules.today import day_action

D = Decimal
#: Regimens of USPI 2, Table 1 and SmPC 4.2, Table 1: (day, mg/m²).
REGIMENS: dict[str, tuple[tuple[int, Decimal], ...]] = {
    "cycle1_regimen": ((1, D("0.8")), (8, D("0.5")), (15, D("0.5"))),
    "later_cycle_response": ((1, D("0.5")), (8, D("0.5")), (15, D("0.5"))),
    "later_cycle_no_response": ((1, D("0.8")), (8, D("0.5")), (15, D("0.5"))),
}
RESPONDED = ("CR", "CRi")
_RANK: dict[str, int] = {"give": 0, "hold": 1, "discontinue": 2}
_SEVERITY_ORDER: dict[str, int] = {"stop": 0, "caution": 1, "info": 2}
#: `Plan.doses_unspecified_reason` when the site protocol's doses of a reduced level fall on
#: other days than the one planned (`rules/site_doses.py`).
SITE_NO_DOSE_TODAY = "site_protocol_no_dose_this_day"


class _Evaluation:
    """The plan being built: the decision so far, the warnings and the rules that fired."""

    def __init__(self, request: PlanRequest, protocol: Protocol) -> None:
        self.request = request
        self.protocol = protocol
        #: The site treats adults only: the population caution for a missing age is not given.
        self.adult_only_service = protocol.adult_only_service
        #: The outcomes reached (after the profile's), and those of them that ask for a hold.
        self.outcomes: list[str] = []
        self.holding: list[str] = []
        self.profile: Profile = request.label
        self.decision: Decision = "give"
        self.warnings: list[PlanWarning] = []
        self.fired: list[str] = []
        #: The dose level the doses are computed at (Table 4 may raise the request's).
        self.dose_level = request.dose_level
        #: Days whose dose Table 4 omits.
        self.omitted_days: list[int] = []
        #: How an entered dose level was read after a long interruption (`Plan`'s field).
        self.dose_level_reading: Any = None

    def applies(self, rule_id: str) -> None:
        """The rule was evaluated and shapes the plan (listed in `rules`), with no message."""
        if rule_id not in self.fired:
            self.fired.append(rule_id)

    def conclude(self, name: str, **values: Any) -> None:
        """One outcome of the rule table (`rules.ruleset.OUTCOMES`), with the values its
        message shows: its rule fires, its decision counts and its warning is added.

        The outcome is the rule's US wording; the request's label profile may reach another one
        instead, or none (`rules.ruleset.PROFILE_OUTCOMES`)."""
        instead = PROFILE_OUTCOMES.get((name, self.profile), name)
        if instead is None:
            return
        name = instead
        outcome = OUTCOME_BY_NAME[name]
        self.applies(outcome.rule)
        self.outcomes.append(name)
        if outcome.decision == "hold":
            self.holding.append(name)
        if outcome.decision is not None and _RANK[outcome.decision] > _RANK[self.decision]:
            self.decision = outcome.decision
        # A rule resting on a section not read word for word, which the site has not confirmed.
        pending = awaiting_site(outcome.rule, self.profile, self.protocol.confirmed)
        if values:
            warning = _warning(outcome, values, self.profile, pending)
        else:
            key = (name, self.profile, pending)
            warning = _STATIC_WARNINGS.get(key) or _warning(outcome, {}, self.profile, pending)
            _STATIC_WARNINGS[key] = warning
        self.warnings.append(warning)


def _warning(
    outcome: Outcome, values: dict[str, Any], profile: Profile, pending: tuple[str, ...] = ()
) -> PlanWarning:
    """The outcome's warning, citing its rule under the label profile (`rules/labels.py`), with
    the sections it rests on that the site has not confirmed (`pending`); a hold with a short
    form (`rules/holds.py`) carries its keys and their constants too."""
    summary, resume = HOLD_LINES.get(outcome.name, ("", ""))
    params = {
        **msg.constants_for(outcome.template),
        **msg.constants_for(summary),
        **msg.constants_for(resume),
        **values,
    }
    source, sources = _citations(outcome.rule, profile)
    return PlanWarning(
        summary_key=summary,
        resume_key=resume,
        code=outcome.code,
        severity=outcome.severity,
        message=_english(outcome.template, params),
        source=source,
        sources=sources,
        key=outcome.template,
        params=params,
        site_unconfirmed=pending,
    )


@cache
def _citations(rule_id: str, profile: Profile) -> tuple[str, tuple[WarningSource, ...]]:
    """A rule's citations under a profile, as a warning carries them; fixed by the table, so
    built once per rule and profile."""
    citations = citations_for(rule_id, profile)
    sources = tuple(WarningSource(kind=c.kind, reference=c.reference()) for c in citations)
    return source_line(citations), sources


#: Warnings without values are frozen and fixed by their outcome, profile and the sections the
#: site has not confirmed: built once, shared between plans (bounded by the table; warnings
#: carrying patient values are never cached).
_STATIC_WARNINGS: dict[tuple[str, Profile, tuple[str, ...]], PlanWarning] = {}


def _english(template: str, params: dict[str, Any]) -> str:
    shown = {
        name: format_decimal_plain(value) if isinstance(value, Decimal | int) else value
        for name, value in params.items()
    }
    return msg.english(template, shown)


def make_plan(request: PlanRequest, protocol: Protocol = DEFAULT_PROTOCOL) -> Plan:
    """The dosing plan for one request under the site's protocol (`rules/protocol.py`; the
    product's defaults, a draft, without one). Same request, same plan: no clock, no I/O."""
    evaluation = _Evaluation(request, protocol)
    vial = LABEL_PROFILES[request.label].vial
    bsa, method = _bsa(request, evaluation)
    regimen = _regimen(request)
    evaluation.applies(regimen)
    max_cycles = MAX_CYCLES_HSCT if request.hsct_planned else MAX_CYCLES_NO_HSCT
    for family in _FAMILIES:
        family(evaluation)
    level = evaluation.dose_level
    doses: list[Dose] = []
    # Level 2 has no total in the label, whatever the decision; a plan to hold or stop has 0.
    total_per_m2: Decimal | None = None if level == LAST_DOSE_LEVEL else D(0)
    total_mg: Decimal | None = total_per_m2
    reason: str | None = None
    # The doses of a reduced level the site's protocol sets, where the label gives none.
    by_site = site_regimen(REGIMENS[regimen], level, protocol)
    once_recovered: list[Dose] = []
    if evaluation.decision == "hold" and level == FULL_DOSE_LEVEL:
        once_recovered = [
            dose
            for dose in _doses(REGIMENS[regimen], bsa, None, vial.counted_mg)
            if dose.day >= request.day and dose.day not in evaluation.omitted_days
        ]
    if evaluation.decision == "give":
        evaluation.conclude("rounding")
        if level == FULL_DOSE_LEVEL or by_site is not None:
            cycle_doses = [
                band(dose, protocol.banding, vial.counted_mg)
                for dose in _doses(
                    by_site or REGIMENS[regimen], bsa, request.start_date, vial.counted_mg
                )
            ]
            # The totals are the whole cycle's; the rows are the dose planned and the later ones.
            total_per_m2 = sum((dose.mg_per_m2 for dose in cycle_doses), D(0))
            total_mg = sum((dose.mg for dose in cycle_doses), D(0))
            doses = [
                dose
                for dose in cycle_doses
                if dose.day >= request.day and dose.day not in evaluation.omitted_days
            ]
            evaluation.conclude("schedule_window")
            if not doses and by_site is not None:
                # The site's doses of this level fall on other days: nothing to give today.
                reason = SITE_NO_DOSE_TODAY
            if level == REDUCED_DOSE_LEVEL:
                evaluation.conclude(
                    "dose_level_one_site", level=level, total_mg_per_m2=total_per_m2
                )
            elif level == LAST_DOSE_LEVEL:
                evaluation.conclude("dose_level_two_site", total_mg_per_m2=total_per_m2)
        elif level == REDUCED_DOSE_LEVEL:
            total_per_m2 = sum(per_m2 for _, per_m2 in REGIMENS[regimen]) * REDUCED_FRACTION
            total_mg = round_half_up(total_per_m2 * bsa)
            reason = "dose_level_1_split_not_in_label"
            evaluation.conclude("dose_level_one", level=level, total_mg_per_m2=total_per_m2)
        else:
            # Level 2: "2 doses per cycle", with neither days nor amounts in the label.
            reason = "dose_level_2_split_not_in_label"
            evaluation.conclude("dose_level_two")
    warnings = sorted(evaluation.warnings, key=lambda warning: _SEVERITY_ORDER[warning.severity])
    next_cycle, next_cycle_extended = _next_cycle(request, evaluation.decision)
    action = day_action(
        request.day,
        request.day_given,
        evaluation.decision,
        evaluation.omitted_days,
        evaluation.outcomes,
        evaluation.holding,
    )
    return Plan(
        decision=evaluation.decision,
        day_action=action,
        cycle=request.cycle,
        cycle_length_days=_cycle_length(request),
        cycle_length_max_days=EXTENDED_CYCLE_DAYS,
        doses=doses,
        total_mg_per_m2=total_per_m2,
        total_mg=total_mg,
        dose_split_specified=level == FULL_DOSE_LEVEL or by_site is not None,
        dose_level=level,
        omitted_days=evaluation.omitted_days,
        doses_once_recovered=once_recovered,
        dose_level_reading=evaluation.dose_level_reading,
        dose_level_reading_stated=request.dose_level_includes_interruption is not None,
        doses_unspecified_reason=reason,
        bsa_m2=bsa,
        bsa_method=method,
        bsa_from_height_weight=_bsa_cross_check(request),
        bsa_formula=request.bsa_formula,
        max_cycles=max_cycles,
        warnings=warnings,
        rules=evaluation.fired,
        ruleset_version=RULESET_VERSION,
        label=request.label,
        vial_labelled_mg=vial.labelled_mg,
        vial_counted_mg=vial.counted_mg,
        next_cycle_earliest=next_cycle,
        next_cycle_extended=next_cycle_extended,
        inputs=request.inputs(),
        protocol=protocol.stamp(),
        preparation=preparation_lines(doses, protocol.preparation),
    )


# Dose arithmetic -----------------------------------------------------------------------


def _bsa(request: PlanRequest, evaluation: _Evaluation) -> tuple[Decimal, Any]:
    if request.bsa_m2 is not None:
        bsa, method = round_half_up(request.bsa_m2), "given"
    else:
        assert request.height_cm is not None and request.weight_kg is not None
        bsa = body_surface_area(request.height_cm, request.weight_kg, request.bsa_formula)
        method = request.bsa_formula
        evaluation.applies("bsa_formula")
    age = request.age_years
    if bsa < BSA_USUAL_LOW and age is not None and age < ADULT_AGE_YEARS:
        # A small BSA is expected in a child: the obese-adult guideline is not cited.
        evaluation.conclude("bsa_unusual_child", bsa=bsa)
    elif not BSA_USUAL_LOW <= bsa <= BSA_USUAL_HIGH:
        evaluation.conclude("bsa_unusual", bsa=bsa)
    return bsa, method


def _bsa_cross_check(request: PlanRequest) -> Decimal | None:
    """The BSA height and weight give, when a BSA was entered beside them (Plan's field)."""
    if request.bsa_m2 is None or request.height_cm is None or request.weight_kg is None:
        return None
    return body_surface_area(request.height_cm, request.weight_kg, request.bsa_formula)


def _regimen(request: PlanRequest) -> str:
    if request.cycle == FIRST_CYCLE:
        return "cycle1_regimen"
    if request.response in RESPONDED:
        return "later_cycle_response"
    return "later_cycle_no_response"


def _doses(
    regimen: tuple[tuple[int, Decimal], ...], bsa: Decimal, start: dt.date | None, vial_mg: Decimal
) -> list[Dose]:
    """The regimen's doses; vials counted at `vial_mg` withdrawable each (`rules.labels.Vial`)."""
    doses = []
    for day, per_m2 in regimen:
        mg = round_half_up(per_m2 * bsa)
        date = _day_date(start, day)
        earliest, latest = _window(start, day)
        doses.append(
            Dose(
                day=day,
                mg_per_m2=per_m2,
                mg=mg,
                ml=round_half_up(mg / MG_PER_ML),
                vials=ceil_whole(mg / vial_mg),
                date=date,
                window_earliest=earliest,
                window_latest=latest,
            )
        )
    return doses


def _add_days(date: dt.date | None, days: int) -> dt.date | None:
    """A date some days later, or None past the calendar's end: no date arithmetic raises."""
    if date is None:
        return None
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return None


def _day_date(start: dt.date | None, day: int) -> dt.date | None:
    return _add_days(start, day - FIRST_DOSE_DAY)


def _window(start: dt.date | None, day: int) -> tuple[dt.date | None, dt.date | None]:
    """Days 8 and 15 may each move by WINDOW_DAYS, keeping MIN_DAYS_BETWEEN_DOSES after the
    previous dose (USPI Table 1 footnote). Only Day 1's date is known here, so the minimum is
    applied against Day 1; after a moved Day 8 the clinician counts from the date it was given
    (the card says so): Day 8 falls on days 7-10 of the cycle, Day 15 on days 13-17."""
    if start is None or day == FIRST_DOSE_DAY:
        return None, None
    offset = day - FIRST_DOSE_DAY
    earliest = _add_days(start, max(offset - WINDOW_DAYS, MIN_DAYS_BETWEEN_DOSES))
    return earliest, _add_days(start, offset + WINDOW_DAYS)


def _cycle_length(request: PlanRequest) -> int:
    """The cycle's length before any extension (USPI Table 1): 21 days in cycle 1, 28 later."""
    return CYCLE1_DAYS if request.cycle == FIRST_CYCLE else LATER_CYCLE_DAYS


def _next_cycle(request: PlanRequest, decision: Decision) -> tuple[dt.date | None, dt.date | None]:
    """The earliest Day 1 of the next cycle, and the same after an extended cycle 1."""
    if decision != "give" or request.start_date is None:
        return None, None
    length = _cycle_length(request)
    extended = (
        _add_days(request.start_date, EXTENDED_CYCLE_DAYS) if length < EXTENDED_CYCLE_DAYS else None
    )
    return _add_days(request.start_date, length), extended


# Rule families, in evaluation order ----------------------------------------------------


def _duration(evaluation: _Evaluation) -> None:
    request = evaluation.request
    cycle = request.cycle
    if request.hsct_planned:
        evaluation.applies("max_cycles_hsct")
        if cycle > HSCT_THIRD_CYCLE:
            evaluation.conclude("hsct_beyond_third", cycle=cycle)
        elif cycle == HSCT_THIRD_CYCLE:
            if request.response in RESPONDED and request.mrd_negative is True:
                evaluation.conclude("hsct_proceed")
            elif request.response in RESPONDED and request.mrd_negative is None:
                evaluation.conclude("hsct_third_cycle_mrd_unknown")
            else:
                evaluation.conclude("hsct_third_cycle")
        elif cycle == MAX_CYCLES_HSCT:
            evaluation.conclude("hsct_last_cycle", max_cycles=MAX_CYCLES_HSCT)
    else:
        evaluation.applies("max_cycles_no_hsct")
        if cycle > MAX_CYCLES_NO_HSCT:
            evaluation.conclude("max_cycles_exceeded", cycle=cycle, max_cycles=MAX_CYCLES_NO_HSCT)
        elif cycle == MAX_CYCLES_NO_HSCT:
            evaluation.conclude("last_cycle", max_cycles=MAX_CYCLES_NO_HSCT)
    if request.response == "none" and cycle > FIRST_CYCLE:
        if cycle > RESPONSE_WITHIN_CYCLES:
            evaluation.conclude("no_response_stop")
        elif cycle == RESPONSE_WITHIN_CYCLES:
            evaluation.conclude("no_response_last_cycle", cycle=cycle)
        else:
            evaluation.conclude("no_response_watch")
    if cycle == FIRST_CYCLE:
        evaluation.conclude("cycle1_extension")


def _before_each_dose(evaluation: _Evaluation) -> None:
    request = evaluation.request
    evaluation.conclude("premedication")
    evaluation.conclude("monitoring")
    blasts = request.blasts_per_mm3
    if request.cycle == FIRST_CYCLE and request.day == FIRST_DOSE_DAY:
        if blasts is None:
            evaluation.conclude("cytoreduction_check")
        elif blasts > BLASTS_MAX_PER_MM3:
            evaluation.conclude("cytoreduction_hold", blasts=blasts)
    elif request.cycle == FIRST_CYCLE and blasts is not None and blasts > BLASTS_MAX_PER_MM3:
        # USPI 2.2: cytoreduction is "prior to the first dose of Cycle 1", not later.
        evaluation.conclude("cytoreduction_after_first", blasts=blasts)


def _counts(evaluation: _Evaluation) -> None:
    """USPI Table 2 applies at the start of a cycle (Day 1 of cycle 2 on): cycle 1 has no prior
    cycle to compare, and Days 8 and 15 are not held for cytopenias (USPI 2.3)."""
    request = evaluation.request
    anc, platelets = request.anc, request.platelets
    anc_low = anc is not None and anc < ANC_MIN
    platelets_low = platelets is not None and platelets < PLATELETS_MIN
    if not (anc_low or platelets_low):
        return
    if request.cycle == FIRST_CYCLE:
        evaluation.conclude("counts_cycle1")
        return
    if request.day != FIRST_DOSE_DAY:
        evaluation.conclude("counts_within_cycle")
        return
    anc_base, platelets_base = request.anc_baseline, request.platelets_baseline
    low_baseline = (anc_base is not None and anc_base < ANC_MIN) or (
        platelets_base is not None and platelets_base < PLATELETS_MIN
    )
    if low_baseline:
        fell = (anc is not None and anc_base is not None and anc < anc_base) or (
            platelets is not None and platelets_base is not None and platelets < platelets_base
        )
        unknown = (anc_low and anc_base is None) or (platelets_low and platelets_base is None)
        if fell or unknown:
            evaluation.conclude("hold_low_baseline")
        return
    # (low, its baseline, name shown, outcome when the baseline is known, unknown, values)
    counts = (
        (anc_low, anc_base, "ANC", "hold_anc", "anc_baseline_unknown", {"anc": anc}),
        (
            platelets_low,
            platelets_base,
            "Platelets",
            "hold_platelets",
            "platelets_baseline_unknown",
            {"platelets": platelets},
        ),
    )
    for low, base, count_name, known, unknown_base, values in counts:
        if not low:
            continue
        if base is None:
            evaluation.conclude(unknown_base, count_name=count_name)
        else:
            evaluation.conclude(known, **values)


def _cytopenia(evaluation: _Evaluation) -> None:
    days = evaluation.request.cytopenia_days
    if days is not None and days > CYTOPENIA_MAX_DAYS:
        evaluation.conclude("discontinue_cytopenia", days=days)


def _non_haematological(evaluation: _Evaluation) -> None:
    request = evaluation.request
    if request.vod:
        evaluation.conclude("discontinue_vod")
    if request.infusion_reaction == "severe":
        evaluation.conclude("infusion_severe")
    elif request.infusion_reaction == "mild":
        evaluation.conclude("infusion_mild")
    _liver(evaluation)
    if request.nonheme_grade >= NONHEME_HOLD_GRADE:
        evaluation.conclude("hold_nonheme", grade=request.nonheme_grade)


def _liver(evaluation: _Evaluation) -> None:
    """USPI/SmPC Table 3: the liver row needs bilirubin > 1.5 ×ULN *and* AST/ALT > 2.5 ×ULN;
    a value raised on its own is graded by CTCAE v5 (baseline normal) under the row for
    non-haematological toxicity of grade 2 or higher. Bilirubin explained by Gilbert's syndrome
    or haemolysis is exempt and does not count towards either row."""
    request = evaluation.request
    bilirubin, ast, alt = request.bilirubin_uln, request.ast_uln, request.alt_uln
    if bilirubin is None and ast is None and alt is None:
        return
    transaminase = max((v for v in (ast, alt) if v is not None), default=None)
    # Only the values entered are shown: no "AST –" for a value that was not given.
    shown = {
        name: value
        for name, value in (("bili", bilirubin), ("transaminase", transaminase))
        if value is not None
    }
    bilirubin_raised = bilirubin is not None and bilirubin > BILIRUBIN_MAX_ULN
    exempt = bilirubin_raised and request.gilbert_or_hemolysis
    bilirubin_counts = bilirubin_raised and not exempt
    transaminase_raised = transaminase is not None and transaminase > TRANSAMINASE_MAX_ULN
    transaminase_grade2 = transaminase is not None and transaminase > TRANSAMINASE_GRADE2_ULN
    if exempt:
        evaluation.conclude("gilbert_exception", bili=bilirubin)
    severe_bilirubin = (
        bilirubin_counts and bilirubin is not None and bilirubin > BILIRUBIN_GRADE3_ULN
    )
    if severe_bilirubin or (transaminase is not None and transaminase > TRANSAMINASE_GRADE3_ULN):
        # CTCAE v5 grade 3 or higher: Table 3's first row may apply; the clinician judges.
        evaluation.conclude("liver_severe")
    if bilirubin_counts and transaminase_raised:
        evaluation.conclude("hold_liver", **shown)
    elif bilirubin_counts:
        evaluation.conclude("bilirubin_grade2", **shown)
    elif transaminase_grade2:
        evaluation.conclude("transaminase_grade2", **shown)
    elif transaminase_raised:
        evaluation.conclude("transaminase_grade1", **shown)
    if bilirubin_counts or transaminase_raised:
        evaluation.conclude("hepatic_limited")
    elif any(v is not None and v > ULN for v in (None if exempt else bilirubin, ast, alt)):
        # Mild impairment (docs/clinical-basis.md, hepatic_impairment): a value above the ULN.
        # Bilirubin explained by Gilbert's/haemolysis is not counted.
        evaluation.conclude("hepatic_mild")


def _interruption(evaluation: _Evaluation) -> None:
    """Label Table 4 (wording unconfirmed: docs/clinical-basis.md, interruption_table) by the
    length of a toxicity interruption at the dose being planned: under 7 days the dose is given
    late; 7 or more, a dose within the cycle is omitted; 14 or more, the next dose level
    (applied here when the interruption ends at Day 1 of a later cycle); more than 28, hold and
    consider stopping."""
    request = evaluation.request
    days = request.interruption_days or 0
    if days == 0 and request.dose_level == FULL_DOSE_LEVEL:
        return
    evaluation.conclude("interruption_note")
    if days == 0:
        return
    starts_later_cycle = request.day == FIRST_DOSE_DAY and request.cycle > FIRST_CYCLE
    if days > INTERRUPTION_CONSIDER_STOP_DAYS:
        evaluation.conclude("interruption_stop", days=days)
        if request.day != FIRST_DOSE_DAY:
            evaluation.omitted_days.append(request.day)  # the 7-day row applies as well
    elif days < INTERRUPTION_OMIT_DAYS:
        evaluation.conclude("interruption_short", days=days)
    elif days >= INTERRUPTION_REDUCE_DAYS and request.day == FIRST_DOSE_DAY:
        pass  # Day 1 after 14 days or more: the next dose level, below
    elif request.day == FIRST_DOSE_DAY:
        evaluation.conclude("interruption_day1", days=days)
    else:
        evaluation.omitted_days.append(request.day)
        remaining = [day for day in DOSE_DAYS if day > request.day]
        omitted = "interruption_omit" if remaining else "interruption_omit_last"
        evaluation.conclude(omitted, days=days, day=request.day)
    if days < INTERRUPTION_REDUCE_DAYS:
        return
    if starts_later_cycle and request.dose_level > FULL_DOSE_LEVEL:
        if request.dose_level_includes_interruption:
            evaluation.dose_level_reading = "includes_interruption"
            evaluation.conclude("dose_level_read_included", level=request.dose_level)
            return
        evaluation.dose_level_reading = "before_interruption"
        if request.dose_level_includes_interruption is None:
            next_level = request.dose_level + 1
            if next_level <= LAST_DOSE_LEVEL:
                evaluation.conclude(
                    "dose_level_read_before", entered=request.dose_level, level=next_level
                )
            else:
                evaluation.conclude("dose_level_read_before_stop", entered=request.dose_level)
    if starts_later_cycle:
        next_level = request.dose_level + 1
        if next_level > LAST_DOSE_LEVEL:
            evaluation.conclude("discontinue_after_reduction")
            return
        evaluation.dose_level = next_level
        evaluation.conclude("dose_level_applied", days=days, level=next_level)
        return
    evaluation.conclude("interruption_reduce", days=days)
    # 14 days or more within a cycle: the next cycle's level (and so also more than 28).
    if request.dose_level == FULL_DOSE_LEVEL:
        evaluation.conclude("next_cycle_level_one")
    elif request.dose_level == REDUCED_DOSE_LEVEL:
        evaluation.conclude("next_cycle_level_two")
    else:
        evaluation.conclude("discontinue_after_reduction")


def _renal(evaluation: _Evaluation) -> None:
    crcl = evaluation.request.crcl_ml_min
    if crcl is None or crcl >= NORMAL_CRCL_ML_MIN:
        return
    if crcl < ESRD_CRCL_ML_MIN:
        evaluation.conclude("renal_esrd", crcl=crcl)
    else:
        evaluation.conclude("renal_no_adjustment", crcl=crcl)


def _reproduction(evaluation: _Evaluation) -> None:
    request = evaluation.request
    last = request.last_dose_date
    if request.pregnant:
        # A site decision ([policy] pregnancy, rules/protocol.py): the labels give no stop.
        stop = evaluation.protocol.policy.pregnancy == "stop"
        evaluation.conclude("pregnancy" if stop else "pregnancy_caution")
    if request.sex == "female":
        if last is None:
            evaluation.conclude("contraception_female")
        else:
            evaluation.conclude(
                "contraception_female_until", until=_plus_months(last, CONTRACEPTION_FEMALE_MONTHS)
            )
    elif request.sex == "male":
        if last is None:
            evaluation.conclude("contraception_male")
        else:
            evaluation.conclude(
                "contraception_male_until", until=_plus_months(last, CONTRACEPTION_MALE_MONTHS)
            )
    if request.sex == "female" or request.breastfeeding:
        outcome = "breastfeeding" if request.breastfeeding else "lactation"
        if last is None:
            evaluation.conclude(outcome)
        else:
            evaluation.conclude(outcome + "_until", until=_plus_months(last, LACTATION_MONTHS))


def _age(evaluation: _Evaluation) -> None:
    """The US population (1 year and older); under the EU profile, adults only: the profile
    turns both outcomes into a stop (`rules.ruleset.PROFILE_OUTCOMES`)."""
    age = evaluation.request.age_years
    if age is None:
        # No caution where the site treats adults only, or "18 or older" was answered.
        if not (evaluation.adult_only_service or evaluation.request.adult):
            evaluation.conclude("age_not_entered")
        return
    if age < MIN_AGE_US_YEARS:
        evaluation.conclude("infant")
    elif age < ADULT_AGE_YEARS:
        evaluation.conclude("pediatric")
        evaluation.conclude("pediatric_preparation")


def _contraindications(evaluation: _Evaluation) -> None:
    """SmPC 4.3 (EU PL 2): hypersensitivity, prior confirmed severe or ongoing VOD/SOS, or
    serious ongoing liver disease contraindicate; not known before the first dose, they are to
    be checked. Under the US profile there is no contraindication: VOD and liver disease are
    risk factors (USPI 5.1), hypersensitivity a caution, and nothing is asked."""
    request = evaluation.request
    if request.hypersensitivity:
        evaluation.conclude("eu_hypersensitivity")
    if request.prior_vod or request.serious_liver_disease:
        evaluation.conclude("eu_contraindicated")
    elif (
        not request.hypersensitivity
        and request.cycle == FIRST_CYCLE
        and request.day == FIRST_DOSE_DAY
        and None in (request.prior_vod, request.serious_liver_disease, request.hypersensitivity)
    ):
        evaluation.conclude("eu_contraindications_unknown")


def _boxed_and_class_warnings(evaluation: _Evaluation) -> None:
    evaluation.conclude("boxed_hepatotoxicity_vod")
    if evaluation.request.hsct_planned:
        evaluation.conclude("boxed_post_hsct_mortality")
    evaluation.conclude("qt_prolongation")


def _plus_months(day: dt.date, months: int) -> str:
    """The date `months` calendar months later, ISO text. "At least N months after": when the
    day does not exist in the target month, the 1st of the month after (31 Aug + 8 months is
    1 May), never a day earlier. The contract keeps the result within the calendar."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if day.day > last_day:
        return (dt.date(year, month, last_day) + dt.timedelta(days=1)).isoformat()
    return dt.date(year, month, day.day).isoformat()


_FAMILIES = (
    _duration,
    _before_each_dose,
    _counts,
    _cytopenia,
    _non_haematological,
    _interruption,
    _renal,
    _reproduction,
    _age,
    _contraindications,
    _boxed_and_class_warnings,
)
