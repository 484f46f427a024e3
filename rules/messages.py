"""English text of every warning the rules core can give; each is a gettext msgid.

Placeholders are filled from the warning's `params` (numbers as Decimal, dates as ISO text) so
that a transport can render them in any language with the locale's number and date formats.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from types import MappingProxyType

from rules import thresholds as t
from rules.numbers import CENT


def N_(message: str) -> str:
    return message


#: Placeholders that name a clinical constant. A message says "{anc_min} ×10⁹/L", never "1":
#: the number comes from `rules/thresholds.py`, so neither a message nor a translation can
#: disagree with the rule, and every transport formats (and isolates) it for the locale.
CONSTANTS: dict[str, Decimal | int] = {
    "anc_min": t.ANC_MIN,
    "platelets_min": t.PLATELETS_MIN,
    "blasts_max": t.BLASTS_MAX_PER_MM3,
    "bilirubin_max": t.BILIRUBIN_MAX_ULN,
    "transaminase_max": t.TRANSAMINASE_MAX_ULN,
    "transaminase_grade2": t.TRANSAMINASE_GRADE2_ULN,
    "nonheme_hold_grade": t.NONHEME_HOLD_GRADE,
    "cycle1_days": t.CYCLE1_DAYS,
    "later_cycle_days": t.LATER_CYCLE_DAYS,
    "extended_cycle_days": t.EXTENDED_CYCLE_DAYS,
    "window_days": t.WINDOW_DAYS,
    "min_days_between": t.MIN_DAYS_BETWEEN_DOSES,
    "mg_per_ml": t.MG_PER_ML,
    "vial_mg": t.VIAL_MG,
    "max_cycles_hsct": t.MAX_CYCLES_HSCT,
    "hsct_third_cycle": t.HSCT_THIRD_CYCLE,
    "max_cycles_no_hsct": t.MAX_CYCLES_NO_HSCT,
    "response_within_cycles": t.RESPONSE_WITHIN_CYCLES,
    "cytopenia_max_days": t.CYTOPENIA_MAX_DAYS,
    "omit_days": t.INTERRUPTION_OMIT_DAYS,
    "reduce_days": t.INTERRUPTION_REDUCE_DAYS,
    "consider_stop_days": t.INTERRUPTION_CONSIDER_STOP_DAYS,
    "esrd_crcl": t.ESRD_CRCL_ML_MIN,
    "normal_crcl": t.NORMAL_CRCL_ML_MIN,
    "bsa_usual_low": t.BSA_USUAL_LOW,
    "bsa_usual_high": t.BSA_USUAL_HIGH,
    "min_age_us": t.MIN_AGE_US_YEARS,
    "adult_age": t.ADULT_AGE_YEARS,
    "contraception_female_months": t.CONTRACEPTION_FEMALE_MONTHS,
    "contraception_male_months": t.CONTRACEPTION_MALE_MONTHS,
    "lactation_months": t.LACTATION_MONTHS,
    "vod_alkylating_agents": t.VOD_RISK_ALKYLATING_AGENTS,
    "observation_hours": t.OBSERVATION_HOURS,
    "rounding_step": CENT,
    "severe_renal_crcl": t.SEVERE_RENAL_CRCL_ML_MIN,
    "reduction_percent": t.REDUCTION_PERCENT,
    "reduced_fraction": t.REDUCED_FRACTION,
    "level_two_doses": t.DOSES_AT_LEVEL_TWO,
    "first_cycle": t.FIRST_CYCLE,
    "first_dose_day": t.FIRST_DOSE_DAY,
    "table2_from_cycle": t.TABLE2_FROM_CYCLE,
    "second_dose_day": t.DOSE_DAYS[1],
    "third_dose_day": t.DOSE_DAYS[2],
    "reduced_level": t.REDUCED_DOSE_LEVEL,
    "last_level": t.LAST_DOSE_LEVEL,
    "nonheme_recovery_grade": t.NONHEME_RECOVERY_GRADE,
    "liver_hold_grade": t.LIVER_VALUE_HOLD_GRADE,
    "liver_caution_grade": t.LIVER_VALUE_CAUTION_GRADE,
    "liver_severe_grade": t.LIVER_SEVERE_GRADE,
    "bilirubin_grade3": t.BILIRUBIN_GRADE3_ULN,
    "transaminase_grade3": t.TRANSAMINASE_GRADE3_ULN,
}


@cache
class _EnglishCounts(string.Formatter):
    """English text of a template whose counts carry their noun (`{days:days}`, the plural
    forms in `dialogs/counts.py`): "1 day", "2 days"; other fields as given."""

    def format_field(self, value: object, format_spec: str) -> str:
        if not format_spec:
            return super().format_field(value, format_spec)
        noun = format_spec.split("/")[0]
        count = str(value)
        return f"{count} {noun if count != '1' else noun[:-1]}"


def english(template: str, shown: dict[str, object]) -> str:
    """The English text of a warning template, numbers already formatted."""
    if _counts_in(template):
        return _EnglishCounts().format(template, **shown)
    return template.format(**shown)  # the same text, without a formatter written in Python


@cache
def _counts_in(template: str) -> bool:
    """Whether the template has a count with its noun (`{days:days}`)."""
    return any(spec for _, name, spec, _ in string.Formatter().parse(template) if name)


@cache
def constants_for(template: str) -> Mapping[str, Decimal | int]:
    """The constants a template names, to be merged into its warning's params: parsed once per
    template (the templates are the rule table's, a fixed set)."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return MappingProxyType({name: CONSTANTS[name] for name in names if name in CONSTANTS})


# TRANSLATORS: Boxed warning = the US label's boxed warning; VOD/SOS = veno-occlusive disease /
# sinusoidal obstruction syndrome (keep the abbreviation).
BOXED_VOD = N_(
    "Boxed warning: hepatotoxicity, including fatal veno-occlusive disease (VOD/SOS). Watch "
    "for rising bilirubin, painful hepatomegaly, rapid weight gain and ascites."
)
# TRANSLATORS: HSCT = haematopoietic stem cell transplant (ru ТГСК); conditioning = the
# pre-transplant regimen (zh 预处理, not premedication); ULN = upper limit of normal.
BOXED_HSCT = N_(
    "Boxed warning: higher non-relapse mortality after HSCT. VOD risk rises with conditioning "
    "containing {vod_alkylating_agents} alkylating agents and with bilirubin ≥ ULN before HSCT; "
    "follow liver tests closely in the first month after HSCT."
)
# TRANSLATORS: Premedicate / premedication = drugs given before each infusion to prevent reactions
# (zh 预防用药, never 预处理, which is HSCT conditioning).
PREMEDICATION = N_(
    "Premedicate before every dose with a corticosteroid, an antipyretic and an antihistamine."
)
# TRANSLATORS: Blood count = complete blood count; liver tests = bilirubin, AST, ALT.
MONITORING = N_(
    "Check the blood count and liver tests before each dose; observe the patient during and "
    "for at least {observation_hours:hours} after the infusion."
)
# TRANSLATORS: QT = the ECG interval; ECG = electrocardiogram (de EKG, ru ЭКГ).
QT = N_(
    "QT prolongation: ECG and electrolytes before the first dose and periodically; take care "
    "with QT-prolonging drugs."
)
# TRANSLATORS: CR/CRi = complete remission / complete remission with incomplete haematological
# recovery (keep as is).
CYCLE1_EXTENSION = N_(
    "Cycle 1 may be extended to {extended_cycle_days:days} (treatment-free from day "
    "{cycle1_days}) for CR/CRi or to recover from toxicity."
)
# TRANSLATORS: Label = the official product information (USPI, SmPC); site protocol = the
# hospital's own treatment protocol.
SCHEDULE_WINDOW = N_(
    "The second and third doses of a cycle may each move by up to {window_days:days}; keep at "
    "least {min_days_between:days} between doses. The label says so; the site protocol does not "
    "say."
)
# TRANSLATORS: BSA = body surface area (ru ППТ, de KOF); half-up = 0.005 rounds up.
ROUNDING = N_(
    "BSA, mg and mL are rounded half-up to {rounding_step}; mL at {mg_per_ml} mg/mL; vials of "
    "{vial_mg} mg. The label does not state a rounding rule."
)
# TRANSLATORS: BSA = body surface area; not capped = the dose is not limited to a maximum BSA.
BSA_UNUSUAL = N_(
    "BSA {bsa} m² is unusual: check height and weight. The dose is not capped (full "
    "weight-based dosing)."
)
# TRANSLATORS: Blasts = circulating (peripheral blood) lymphoblasts; cytoreduce = lower the blast
# count first (hydroxyurea, steroids, vincristine: the drugs the label names).
CYTOREDUCTION_HOLD = N_(
    "Blasts {blasts}/mm³ before the first dose (cycle {first_cycle}, Day {first_dose_day}): "
    "cytoreduce first with hydroxyurea, steroids and/or vincristine to {blasts_max}/mm³ or fewer."
)
# TRANSLATORS: Circulating blasts = lymphoblasts in the peripheral blood; cytoreduce = lower the
# blast count before the first dose.
CYTOREDUCTION_CHECK = N_(
    "Before the first dose: with circulating blasts above {blasts_max}/mm³, cytoreduce "
    "first (blast count not entered)."
)
# TRANSLATORS: {max_cycles} is the maximum number of cycles the label allows for this patient.
MAX_CYCLES_LAST = N_("This is the last planned cycle (at most {max_cycles}).")
# TRANSLATORS: "do not give" is an instruction, keep its force.
MAX_CYCLES_EXCEEDED = N_(
    "Cycle {cycle} exceeds the maximum of {max_cycles:cycles}: do not give further cycles."
)
# TRANSLATORS: MRD = measurable (minimal) residual disease. The third cycle is allowed when CR/CRi
# WITH MRD negativity was NOT reached: keep this logic exact.
MAX_CYCLES_HSCT_LIMIT = N_(
    "HSCT planned: the site protocol recommends {max_cycles_hsct:cycles}; the label says a "
    "third cycle may be considered if CR/CRi with MRD negativity was not reached after "
    "{max_cycles_hsct:cycles}. Cycle {cycle} is beyond that."
)
# TRANSLATORS: A third cycle may be considered only if CR/CRi with MRD negativity was NOT reached
# after the cycles named: keep this logic exact.
HSCT_THIRD_CYCLE = N_(
    "HSCT planned: the site protocol recommends {max_cycles_hsct:cycles}; the label says a "
    "third cycle may be considered if CR/CRi with MRD negativity was not reached after "
    "{max_cycles_hsct:cycles}. Clinician decision."
)
# TRANSLATORS: MRD status = whether MRD negativity was reached; it is not known here.
HSCT_THIRD_CYCLE_MRD_UNKNOWN = N_(
    "HSCT planned: the site protocol recommends {max_cycles_hsct:cycles}; the label says a "
    "third cycle may be considered if CR/CRi with MRD negativity was not reached after "
    "{max_cycles_hsct:cycles}; the MRD status decides and is not known. Clinician decision."
)
# TRANSLATORS: Proceed to HSCT = go on to the transplant without a further cycle.
HSCT_PROCEED = N_(
    "CR/CRi with MRD negativity after {max_cycles_hsct:cycles} and HSCT planned: the label "
    "gives no third cycle; proceed to HSCT."
)
# TRANSLATORS: Response = response to treatment (CR/CRi), not an answer (ru «ответ на терапию»).
NO_RESPONSE_WATCH = N_(
    "No CR/CRi yet: the label says to discontinue if there is none within "
    "{response_within_cycles:cycles}; the site protocol does not say."
)
# TRANSLATORS: Discontinue = stop the drug permanently (an instruction, keep its force).
NO_RESPONSE_STOP = N_(
    "No CR/CRi within {response_within_cycles:cycles}: the label says discontinue; the site "
    "protocol does not say."
)
# TRANSLATORS: ANC = absolute neutrophil count; hold = do not give now, give later when the
# condition is met.
HOLD_ANC = N_("ANC {anc} ×10⁹/L: hold this cycle until ANC is {anc_min} ×10⁹/L or more.")
# TRANSLATORS: Transfusion-independent count = a platelet count not raised by a recent transfusion.
HOLD_PLATELETS = N_(
    "Platelets {platelets} ×10⁹/L: hold this cycle until platelets are {platelets_min} ×10⁹/L "
    "or more (transfusion-independent count)."
)
# TRANSLATORS: Baseline = the value before treatment (pre-treatment); marrow = bone marrow.
HOLD_LOW_BASELINE = N_(
    "Counts below the low pre-treatment baseline: hold until (1) ANC and platelets are back to "
    "baseline, or (2) ANC ≥ {anc_min} and platelets ≥ {platelets_min} ×10⁹/L, or (3) the marrow "
    "shows stable or improved disease and the fall is due to disease (clinician judgement). The "
    "label says so; the site protocol does not say."
)
# TRANSLATORS: {count_name} is the translated name of a blood count (ANC or Platelets).
BASELINE_UNKNOWN = N_(
    "{count_name} is low and its pre-treatment baseline is not known: the baseline decides "
    "which rule applies. Holding; clinician to confirm."
)
# TRANSLATORS: Low counts = low ANC or platelets; hold = do not give now; count rules = the label's
# rules for low blood counts (Table 2).
COUNTS_WITHIN_CYCLE = N_(
    "Low counts do not hold days {second_dose_day} and {third_dose_day} of a cycle; count rules "
    "apply at the start of the next cycle."
)
# TRANSLATORS: Cytopenia = low blood counts; discontinue permanently = an instruction, keep its
# force.
DISCONTINUE_CYTOPENIA = N_(
    "Drug-related severe cytopenia for {days:days} (more than {cytopenia_max_days}): the site "
    "protocol and the US label say discontinue permanently; the EU label only says to consider "
    "stopping (Table 4, wording unconfirmed). Clinician decision."
)
# TRANSLATORS: Discontinue permanently = an instruction; VOD = veno-occlusive disease.
DISCONTINUE_VOD = N_("VOD/SOS: discontinue Besponsa permanently and treat the VOD.")
# TRANSLATORS: ULN = upper limit of normal; AST/ALT = the transaminases (keep); the label's liver
# row = the row of Table 3 for bilirubin and AST/ALT; hold = do not give now; discontinue = an
# instruction, keep its force.
HOLD_LIVER = N_(
    "Bilirubin {bili} and AST/ALT {transaminase} ×ULN: bilirubin above {bilirubin_max} ×ULN "
    "and AST/ALT above {transaminase_max} ×ULN, the label's liver row: hold until bilirubin ≤ "
    "{bilirubin_max} and AST/ALT ≤ {transaminase_max} ×ULN; discontinue if they do not recover."
)
# TRANSLATORS: CTCAE v5 = the toxicity grading scale (keep); grade = toxicity grade; pretreatment
# grade = the grade before treatment; the label's liver row = the row of Table 3 for bilirubin and
# AST/ALT; non-haematological toxicity = toxicity other than low blood counts.
HOLD_LIVER_SINGLE = N_(
    "Bilirubin {bili} ×ULN: above {bilirubin_max} ×ULN on its own is grade {liver_hold_grade} "
    "or higher by CTCAE v5, and the label's liver row needs AST/ALT above {transaminase_max} "
    "×ULN as well. The row for non-haematological toxicity of grade {nonheme_hold_grade} or "
    "higher decides: hold until grade {nonheme_recovery_grade} or the pretreatment grade."
)
# TRANSLATORS: Gilbert's syndrome, haemolysis = causes of a raised bilirubin; exempts = the label's
# liver row does not count this bilirubin.
GILBERT = N_(
    "Bilirubin {bili} ×ULN attributed to Gilbert's syndrome or haemolysis: the label "
    "exempts it, so bilirubin does not hold; AST/ALT decide. Confirm the cause."
)
# TRANSLATORS: Infusion reaction = infusion-related reaction.
INFUSION_MILD = N_(
    "Infusion reaction: interrupt the infusion and treat; consider stopping the infusion, or "
    "steroids and antihistamines."
)
# TRANSLATORS: Discontinue permanently = an instruction, keep its force.
INFUSION_SEVERE = N_(
    "Severe or life-threatening infusion reaction: discontinue Besponsa permanently."
)
# TRANSLATORS: Non-haematological toxicity = toxicity other than low blood counts, graded by CTCAE;
# pretreatment grade = the grade before treatment; hold = do not give now.
HOLD_NONHEME = N_(
    "Non-haematological toxicity grade {grade}: hold until grade {nonheme_recovery_grade} or the "
    "pretreatment grade."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity, in days; label Table 4 = the
# label's table of dose changes by the length of an interruption.
INTERRUPTION_SHORT = N_(
    "Interruption of {days:days} (under {omit_days}): give this dose late, keeping at least "
    "{min_days_between:days} between doses (label Table 4)."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity; omitted = not given at all
# (not postponed); label Table 4 = the label's table of dose changes by interruption length.
INTERRUPTION_OMIT = N_(
    "Interruption of {days:days} ({omit_days} or more): the dose of Day {day} is omitted, "
    "not given late (label Table 4)."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity; total dose = the dose of the whole
# cycle; discontinue permanently = an instruction, keep its force.
INTERRUPTION_REDUCE = N_(
    "Interruption of {days:days} ({reduce_days} or more): once recovered, the total dose is "
    "reduced by {reduction_percent} % for the subsequent cycle; if a further change is "
    "needed, {level_two_doses:doses} per cycle; if that is not tolerated, discontinue "
    "permanently (label Table 4)."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity; permanent discontinuation = stop
# the drug for good; holding = not giving now.
INTERRUPTION_STOP = N_(
    "Interruption of {days:days} (more than {consider_stop_days}): consider permanent "
    "discontinuation (label Table 4). Holding; clinician decision."
)
# TRANSLATORS: Dose level = the step of dose reduction (0 full dose); total = the dose of the whole
# cycle; never re-escalate = do not go back to a higher dose (an instruction, keep its force).
NEXT_CYCLE_REDUCED = N_(
    "After an interruption of {reduce_days:days} or more the next cycle is at dose level "
    "{reduced_level} (total −{reduction_percent} %). Never re-escalate."
)
# TRANSLATORS: Dose level = the step of dose reduction; never re-escalate = do not go back to a
# higher dose (an instruction, keep its force).
NEXT_CYCLE_LEVEL_TWO = N_(
    "Toxicity again at dose level {reduced_level} with an interruption of {reduce_days:days} or "
    "more: the next cycle is at dose level {last_level} ({level_two_doses:doses} per cycle). "
    "Never re-escalate."
)
# TRANSLATORS: Dose level = the step of dose reduction; mg/m² = dose per body surface area (ru
# мг/м²); split = how the total is divided between the days; never re-escalate = an instruction.
DOSE_REDUCED = N_(
    "Reduced dose level {level}: total {total_mg_per_m2} mg/m² per cycle. The label does "
    "not say how to split it across the days: the clinician decides. Never re-escalate."
)
# TRANSLATORS: Dose level = the step of dose reduction; pharmacist = the hospital pharmacist who
# prepares the dose; never re-escalate = an instruction, keep its force.
DOSE_REDUCED_TWO = N_(
    "Dose level {last_level}: {level_two_doses:doses} per cycle. The label gives neither the "
    "days nor the amounts, and so no total: the clinician and the pharmacist decide. Never "
    "re-escalate."
)
# TRANSLATORS: Dose level = the step of dose reduction; site protocol = the hospital's own signed
# regimen protocol; never re-escalate = an instruction, keep its force.
DOSE_REDUCED_SITE = N_(
    "Reduced dose level {level}: total {total_mg_per_m2} mg/m² per cycle. The label gives the "
    "total only; the doses shown split it as the site protocol says (each dose × "
    "{reduced_fraction}). Never re-escalate."
)
# TRANSLATORS: as above, at the last dose level; the label gives neither days nor amounts.
DOSE_REDUCED_TWO_SITE = N_(
    "Dose level {last_level}: {level_two_doses:doses} per cycle, total {total_mg_per_m2} mg/m². "
    "The label gives neither the days nor the amounts: the doses shown are the site protocol's. "
    "Never re-escalate."
)
# TRANSLATORS: Reduction = the dose reduction of the total; discontinue permanently = an
# instruction, keep its force.
DISCONTINUE_AFTER_REDUCTION = N_(
    "Toxicity again after the {reduction_percent} % reduction and {level_two_doses:doses} "
    "per cycle: discontinue permanently (label Table 4)."
)
# TRANSLATORS: CTCAE v5 = the toxicity grading scale (keep); ULN = upper limit of normal; the
# label's liver row = the row of Table 3 for bilirubin and AST/ALT; pretreatment grade = the grade
# before treatment; hold = do not give now.
HOLD_TRANSAMINASE_GRADE2 = N_(
    "AST/ALT {transaminase} ×ULN: above {transaminase_grade2} ×ULN is grade {liver_hold_grade} "
    "or higher by CTCAE v5, and without a raised bilirubin that counts the label's liver row "
    "does not apply. The row for non-haematological toxicity of grade {nonheme_hold_grade} or "
    "higher decides: hold until grade {nonheme_recovery_grade} or the pretreatment grade."
)
# TRANSLATORS: CTCAE v5 = the toxicity grading scale (keep); ULN = upper limit of normal; the
# label's liver row = the row of Table 3 for bilirubin and AST/ALT; give = give the dose now.
CAUTION_TRANSAMINASE_GRADE1 = N_(
    "AST/ALT {transaminase} ×ULN: above {transaminase_max} and up to {transaminase_grade2} ×ULN "
    "is grade {liver_caution_grade} by CTCAE v5, and without a raised bilirubin that counts the "
    "label's liver row does not apply. Grade {liver_caution_grade} does not hold: give, and "
    "recheck the liver tests before each dose."
)
# TRANSLATORS: Blasts = circulating lymphoblasts; cytoreduction = lowering the blast count before
# the first dose; clinician to assess = the clinician decides.
CYTOREDUCTION_AFTER_FIRST = N_(
    "Blasts {blasts}/mm³: the label's cytoreduction applies before the first dose (cycle "
    "{first_cycle}, Day {first_dose_day}) only, so it does not hold this dose; clinician to "
    "assess."
)
# TRANSLATORS: Low counts = low ANC or platelets; Table 2 = the label's table for low blood counts;
# hold = do not give now.
COUNTS_CYCLE1 = N_(
    "Low counts in cycle {first_cycle} do not hold this dose: the label's Table 2 applies from "
    "Day {first_dose_day} of cycle {table2_from_cycle}."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity; omit = not give at all (not
# postpone); start of a cycle = its Day 1.
INTERRUPTION_DAY1 = N_(
    "Interruption of {days:days} ({omit_days} or more) at Day {first_dose_day}: the label's row "
    "to omit the next dose is for doses within a cycle and does not say what applies at the "
    "start of one. Start the cycle once recovered; clinician decision."
)
# TRANSLATORS: Interruption = a dosing interruption for toxicity; dose level = the step of dose
# reduction; never re-escalate = do not go back to a higher dose (an instruction).
DOSE_LEVEL_APPLIED = N_(
    "Interruption of {days:days} ({reduce_days} or more) before Day {first_dose_day}: dose "
    "level {level} is applied to this cycle automatically (label Table 4). Never re-escalate."
)
# TRANSLATORS: Table 4 = the label's table of dose changes by the length of an interruption;
# interruption = a dosing interruption for toxicity; missed dose = the dose not given.
INTERRUPTION_UNCONFIRMED = N_(
    "The label's Table 4 (dose changes by the length of an interruption) could not be "
    "checked word for word for this rule set: confirm against the label. The labels do not "
    "say from when an interruption is counted (from the missed dose or from the last dose "
    "given): the clinician decides."
)
# TRANSLATORS: Hepatic impairment = reduced liver function (before treatment); initial dose = the
# starting dose.
HEPATIC_MILD = N_("Mild hepatic impairment: no initial dose adjustment.")
# TRANSLATORS: ULN = upper limit of normal; AST/ALT = the transaminases (keep); hepatic impairment =
# reduced liver function.
HEPATIC_LIMITED = N_(
    "Liver tests above {bilirubin_max} ×ULN (bilirubin) or {transaminase_max} ×ULN "
    "(AST/ALT): data in moderate to severe hepatic impairment are limited; use with "
    "caution."
)
# TRANSLATORS: CrCl = creatinine clearance; end-stage renal disease = CrCl below the value shown.
RENAL_ESRD = N_("CrCl {crcl} mL/min: safety in end-stage renal disease has not been established.")
# TRANSLATORS: CrCl = creatinine clearance; mild, moderate, severe = degrees of renal impairment.
RENAL_NO_ADJUSTMENT = N_(
    "CrCl {crcl} mL/min: no dose adjustment from {esrd_crcl} to under {normal_crcl} mL/min. "
    "The site protocol calls this range mild to moderate; the label also includes severe "
    "impairment (under {severe_renal_crcl} mL/min)."
)
# TRANSLATORS: Contraindicated = must not be used; EU leaflet = the EU package leaflet for
# patients.
PREGNANCY = N_(
    "Pregnancy: the site protocol says contraindicated; the US label lists no contraindication "
    "but warns of fetal harm, and the EU leaflet advises against use unless the doctor judges "
    "it necessary. Holding; clinician decision."
)
# TRANSLATORS: site protocol = the hospital's own signed regimen protocol; caution = a warning,
# not a stop; EU leaflet = the EU package leaflet for patients.
PREGNANCY_CAUTION = N_(
    "Pregnancy: the US label lists no contraindication but warns of fetal harm, and the EU "
    "leaflet advises against use unless the doctor judges it necessary. The site protocol makes "
    "this a caution, not a stop. Clinician decision."
)
# TRANSLATORS: Must use = an obligation, not advice; keep its force.
CONTRACEPTION_FEMALE = N_(
    "Women who can become pregnant must use effective contraception during treatment and for "
    "at least {contraception_female_months:months} after the last dose."
)
# TRANSLATORS: Must use = an obligation, not advice; {until} is a date.
CONTRACEPTION_FEMALE_UNTIL = N_(
    "Women who can become pregnant must use effective contraception during treatment and for "
    "at least {contraception_female_months:months} after the last dose (until {until})."
)
# TRANSLATORS: Must use = an obligation, not advice; keep its force.
CONTRACEPTION_MALE = N_(
    "Men with female partners who can become pregnant must use effective contraception during "
    "treatment and for at least {contraception_male_months:months} after the last dose."
)
# TRANSLATORS: Must use = an obligation, not advice; {until} is a date.
CONTRACEPTION_MALE_UNTIL = N_(
    "Men with female partners who can become pregnant must use effective contraception during "
    "treatment and for at least {contraception_male_months:months} after the last dose (until "
    "{until})."
)
# TRANSLATORS: Do not breastfeed = a prohibition, never a description (not 'no breastfeeding').
LACTATION = N_(
    "Do not breastfeed during treatment and for at least {lactation_months:months} after the "
    "last dose."
)
# TRANSLATORS: Do not breastfeed = a prohibition, never a description; {until} is a date.
LACTATION_UNTIL = N_(
    "Do not breastfeed during treatment and for at least {lactation_months:months} after the "
    "last dose (until {until})."
)
# TRANSLATORS: US label, EU label = the official product information of each region.
INFANT = N_(
    "Age under {min_age_us:years}: outside the US label ({min_age_us:years} and older) and the EU "
    "label (adults). Holding; clinician decision."
)
# TRANSLATORS: mg/m² regimen = the dose per body surface area.
PEDIATRIC = N_(
    "Age under {adult_age}: the US label covers patients from {min_age_us:years} with the same "
    "mg/m² regimen; the EU label covers adults only."
)

# Label profiles (rules/labels.py) -----------------------------------------------------------
# TRANSLATORS: EU label = the EU Summary of Product Characteristics; under 18 = a minor.
ADULTS_ONLY = N_(
    "Age under {adult_age}: the EU label covers adults only (the US label covers patients from "
    "{min_age_us:years}). Not given under the EU label; clinician decision."
)
# TRANSLATORS: cytopenia = low blood counts; Table 4 = the EU label's table of dosing
# interruptions; consider permanent discontinuation = the label's own words, an option.
CYTOPENIA_EU = N_(
    "Low counts for {days:days} (more than {cytopenia_max_days}): the EU label has no row to "
    "discontinue for cytopenia. Its Table 4 applies instead: after an interruption of more than "
    "{consider_stop_days:days}, consider permanent discontinuation. Holding; clinician decision."
)
# TRANSLATORS: risk factor = raises the risk, not a contraindication; VOD/SOS = veno-occlusive
# disease (keep the abbreviation); serious ongoing liver disease = the label's words.
VOD_RISK_FACTOR = N_(
    "Prior VOD/SOS or serious ongoing liver disease: the US label names these as risk factors "
    "for VOD/SOS, not as contraindications; the EU label contraindicates Besponsa here. Weigh "
    "the risk and monitor liver tests closely."
)


# What this version adds: the EU warning titles, the population when the age is not known,
# children under the US label, Table 3's first row, the last cycle to reach CR/CRi, the EU
# contraindications of SmPC 4.3, and the reading of an entered dose level. -----------------
# TRANSLATORS: the SmPC has no boxed warning: this is one of its special warnings (section 4.4).
# VOD/SOS = veno-occlusive disease / sinusoidal obstruction syndrome (keep the abbreviation).
SPECIAL_VOD = N_(
    "Special warning: hepatotoxicity, including fatal veno-occlusive disease (VOD/SOS). Watch "
    "for rising bilirubin, painful hepatomegaly, rapid weight gain and ascites."
)
# TRANSLATORS: as above, a special warning of the SmPC (not a boxed warning); HSCT = haematopoietic
# stem cell transplant; conditioning = the pre-transplant regimen (zh 预处理).
SPECIAL_HSCT = N_(
    "Special warning: higher non-relapse mortality after HSCT. VOD risk rises with "
    "conditioning containing {vod_alkylating_agents} alkylating agents and with bilirubin ≥ ULN "
    "before HSCT; follow liver tests closely in the first month after HSCT."
)
# TRANSLATORS: USPI = the US label (keep); the age was not entered, so the population was not
# checked.
AGE_NOT_ENTERED_US = N_(
    "Age not entered: the USPI covers patients {min_age_us:years} and older. Enter the age to "
    "check it."
)
# TRANSLATORS: SmPC = the EU label (keep); adults = {adult_age} years and older.
AGE_NOT_ENTERED_EU = N_(
    "Age not entered: the SmPC covers adults ({adult_age} and older) only. Enter the age to "
    "check it."
)
# TRANSLATORS: USPI 2.4 = the US label's section on preparation and administration (keep);
# syringe = administration by syringe instead of an infusion bag.
PEDIATRIC_PREPARATION = N_(
    "Patient under {adult_age}: prepare and give small volumes as USPI 2.4 describes (infusion "
    "bag or syringe). This plan gives the dose, not the dilution."
)
# TRANSLATORS: BSA = body surface area; not capped = the dose is not limited to a maximum BSA.
BSA_UNUSUAL_CHILD = N_(
    "BSA {bsa} m² (patient under {adult_age}): check height and weight. The dose is per m², "
    "not capped."
)
# TRANSLATORS: CR/CRi = complete remission (keep); discontinue = stop the drug permanently.
NO_RESPONSE_LAST_CYCLE = N_(
    "No CR/CRi yet: cycle {cycle} is the last cycle to reach CR/CRi. The label says to "
    "discontinue if there is none within {response_within_cycles:cycles}; the site protocol "
    "does not say."
)
# TRANSLATORS: CTCAE v5 = the toxicity grading scale (keep); ULN = upper limit of normal; Table 3's
# first row = the label's row "VOD or other severe liver toxicity: permanently discontinue" (quote
# it in the label's words of your language if it has them); holding = not giving now.
LIVER_SEVERE = N_(
    "Liver value of CTCAE v5 grade {liver_severe_grade} or higher (bilirubin above "
    "{bilirubin_grade3} or AST/ALT above {transaminase_grade3} ×ULN). Table 3's first row: VOD "
    "or other severe liver toxicity, permanently discontinue. The label does not define "
    '"severe": the clinician decides. Holding at least.'
)
# TRANSLATORS: contraindication = the drug must not be used; SmPC 4.3 = the EU label's section
# (keep); VOD/SOS = veno-occlusive disease (keep); excipients = the inactive ingredients.
EU_CONTRAINDICATED = N_(
    "Contraindicated under the EU label: hypersensitivity to inotuzumab ozogamicin or an "
    "excipient, prior confirmed severe or ongoing VOD/SOS, or serious ongoing liver disease. "
    "Do not give Besponsa; the US label lists no contraindication. Clinician decision."
)
# TRANSLATORS: contraindications = when the drug must not be used; excipients = the inactive
# ingredients; VOD/SOS = veno-occlusive disease (keep the abbreviation).
EU_CONTRAINDICATIONS_UNKNOWN = N_(
    "Before the first dose, check the EU label's contraindications: hypersensitivity to the "
    "active substance or an excipient, prior confirmed severe or ongoing VOD/SOS, and serious "
    "ongoing liver disease. Not all were entered."
)
# TRANSLATORS: the EU label contraindicates this; the US label names no contraindication.
HYPERSENSITIVITY_US = N_(
    "Hypersensitivity to inotuzumab ozogamicin or an excipient: the US label lists no "
    "contraindication, the EU label contraindicates Besponsa. Clinician decision."
)
# TRANSLATORS: dose level = the step of dose reduction; interruption = a dosing interruption for
# toxicity; a reduction applied twice = the dose cut again for the same interruption.
DOSE_LEVEL_READ_BEFORE = N_(
    "Dose level {entered} as entered is read as the level before this interruption, so this "
    "cycle is at level {level}. If {entered} already includes this interruption's reduction, "
    "say so: a reduction is never applied twice."
)
# TRANSLATORS: dose level = the step of dose reduction; discontinue = stop the drug permanently;
# a reduction applied twice = the dose cut again for the same interruption.
DOSE_LEVEL_READ_BEFORE_STOP = N_(
    "Dose level {entered} as entered is read as the level before this interruption, so the "
    "next step is to discontinue. If {entered} already includes this interruption's reduction, "
    "say so: a reduction is never applied twice."
)
# TRANSLATORS: dose level = the step of dose reduction; not reduced again = the reduction for this
# interruption is not applied a second time.
DOSE_LEVEL_READ_INCLUDED = N_(
    "Dose level {level} as entered already includes this interruption's reduction (as "
    "stated): not reduced again."
)
