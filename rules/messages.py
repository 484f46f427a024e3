"""English text of every warning the rules core can give; each is a gettext msgid.

Placeholders are filled from the warning's `params` (numbers as Decimal, dates as ISO text) so
that a transport can render them in any language with the locale's number and date formats.
"""

from __future__ import annotations

import string
from decimal import Decimal
from functools import cache

from rules import thresholds as t


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
    "reduction_percent": t.REDUCTION_PERCENT,
    "level_two_doses": t.DOSES_AT_LEVEL_TWO,
}


@cache
def constants_for(template: str) -> dict[str, Decimal | int]:
    """The constants a template names, to be merged into its warning's params."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name: CONSTANTS[name] for name in names if name in CONSTANTS}


BOXED_VOD = N_(
    "Boxed warning: hepatotoxicity, including fatal veno-occlusive disease (VOD/SOS). Watch "
    "for rising bilirubin, painful hepatomegaly, rapid weight gain and ascites."
)
BOXED_HSCT = N_(
    "Boxed warning: higher non-relapse mortality after HSCT. VOD risk rises with conditioning "
    "containing 2 alkylating agents and with bilirubin ≥ ULN before HSCT; follow liver tests "
    "closely in the first month after HSCT."
)
PREMEDICATION = N_(
    "Premedicate before every dose with a corticosteroid, an antipyretic and an antihistamine."
)
MONITORING = N_(
    "Check the blood count and liver tests before each dose; observe the patient during and "
    "for at least 1 hour after the infusion."
)
QT = N_(
    "QT prolongation: ECG and electrolytes before the first dose and periodically; take care "
    "with QT-prolonging drugs."
)
CYCLE1_EXTENSION = N_(
    "Cycle 1 may be extended to 28 days (treatment-free from day 21) for CR/CRi or to recover "
    "from toxicity."
)
SCHEDULE_WINDOW = N_(
    "Days 8 and 15 may each move by up to 2 days; keep at least 6 days between doses "
    "(label; the seed is silent)."
)
ROUNDING = N_(
    "BSA, mg and mL are rounded half-up to 0.01; mL at 0.25 mg/mL; vials of 0.9 mg. The label "
    "does not state a rounding rule."
)
BSA_UNUSUAL = N_(
    "BSA {bsa} m² is unusual: check height and weight. The dose is not capped (full "
    "weight-based dosing)."
)
CYTOREDUCTION_HOLD = N_(
    "Blasts {blasts}/mm³ before the first dose (cycle 1, Day 1): cytoreduce first with "
    "hydroxyurea, steroids and/or vincristine to {blasts_max}/mm³ or fewer."
)
CYTOREDUCTION_CHECK = N_(
    "Before the first dose: with circulating blasts above {blasts_max}/mm³, cytoreduce "
    "first (blast count not entered)."
)
MAX_CYCLES_LAST = N_("This is the last planned cycle (at most {max_cycles}).")
MAX_CYCLES_EXCEEDED = N_(
    "Cycle {cycle} exceeds the maximum of {max_cycles} cycles: do not give further cycles."
)
MAX_CYCLES_HSCT_LIMIT = N_(
    "HSCT planned: the recommended duration is 2 cycles (seed); the label allows a third only "
    "without CR/CRi and MRD negativity. Cycle {cycle} is beyond that."
)
HSCT_THIRD_CYCLE = N_(
    "HSCT planned: the seed recommends 2 cycles. The label allows a third cycle if CR/CRi with "
    "MRD negativity was not reached after 2 cycles. Clinician decision."
)
HSCT_THIRD_CYCLE_MRD_UNKNOWN = N_(
    "HSCT planned: the seed recommends 2 cycles. The label allows a third cycle only if CR/CRi "
    "with MRD negativity was not reached: the MRD status decides. Clinician decision."
)
HSCT_PROCEED = N_(
    "CR/CRi with MRD negativity after 2 cycles and HSCT planned: no third cycle; proceed to "
    "HSCT (label)."
)
NO_RESPONSE_WATCH = N_(
    "No CR/CRi yet: the label says to discontinue if there is none within 3 cycles (the seed "
    "is silent)."
)
NO_RESPONSE_STOP = N_("No CR/CRi within 3 cycles: discontinue (label; the seed is silent).")
HOLD_ANC = N_("ANC {anc} ×10⁹/L: hold this cycle until ANC is {anc_min} ×10⁹/L or more.")
HOLD_PLATELETS = N_(
    "Platelets {platelets} ×10⁹/L: hold this cycle until platelets are 50 ×10⁹/L or more "
    "(transfusion-independent count)."
)
HOLD_LOW_BASELINE = N_(
    "Counts below the low pre-treatment baseline: hold until (1) ANC and platelets are back "
    "to baseline, or (2) ANC ≥ 1 and platelets ≥ 50 ×10⁹/L, or (3) the marrow shows stable or "
    "improved disease and the fall is due to disease (clinician judgement). Label; seed silent."
)
BASELINE_UNKNOWN = N_(
    "{count_name} is low and its pre-treatment baseline is not known: the baseline decides "
    "which rule applies. Holding; clinician to confirm."
)
COUNTS_WITHIN_CYCLE = N_(
    "Low counts do not hold days 8 and 15 of a cycle; count rules apply at the start of the "
    "next cycle."
)
DISCONTINUE_CYTOPENIA = N_(
    "Drug-related severe cytopenia for {days} days (more than 28): discontinue permanently "
    "(seed, US label). The EU label only says to consider stopping (Table 4, wording "
    "unconfirmed)."
)
DISCONTINUE_VOD = N_("VOD/SOS: discontinue Besponsa permanently and treat the VOD.")
HOLD_LIVER = N_(
    "Liver tests (bilirubin {bili}, AST {ast}, ALT {alt} ×ULN): bilirubin above "
    "{bilirubin_max} ×ULN and AST/ALT above {transaminase_max} ×ULN, the label's liver row: "
    "hold until bilirubin ≤ {bilirubin_max} and AST/ALT ≤ {transaminase_max} ×ULN; "
    "discontinue if they do not recover."
)
HOLD_LIVER_SINGLE = N_(
    "Liver tests (bilirubin {bili}, AST {ast}, ALT {alt} ×ULN): bilirubin above "
    "{bilirubin_max} ×ULN on its own is grade 2 or higher by CTCAE v5, and the label's "
    "liver row needs AST/ALT above {transaminase_max} ×ULN as well. The row for "
    "non-haematological toxicity of grade {nonheme_hold_grade} or higher decides: hold "
    "until grade 1 or the pretreatment grade."
)
GILBERT = N_(
    "Bilirubin {bili} ×ULN attributed to Gilbert's syndrome or haemolysis: the label "
    "exempts it, so bilirubin does not hold; AST/ALT decide. Confirm the cause."
)
INFUSION_MILD = N_(
    "Infusion reaction: interrupt the infusion and treat; consider stopping the infusion, or "
    "steroids and antihistamines."
)
INFUSION_SEVERE = N_(
    "Severe or life-threatening infusion reaction: discontinue Besponsa permanently."
)
HOLD_NONHEME = N_(
    "Non-haematological toxicity grade {grade}: hold until grade 1 or the pretreatment grade."
)
INTERRUPTION_SHORT = N_(
    "Interruption of {days} days (under {omit_days}): give this dose late, keeping at least "
    "{min_days_between} days between doses (label Table 4)."
)
INTERRUPTION_OMIT = N_(
    "Interruption of {days} days ({omit_days} or more): the dose of Day {day} is omitted, "
    "not given late (label Table 4)."
)
INTERRUPTION_REDUCE = N_(
    "Interruption of {days} days ({reduce_days} or more): once recovered, the total dose is "
    "reduced by {reduction_percent} % for the subsequent cycle; if a further change is "
    "needed, {level_two_doses} doses per cycle; if that is not tolerated, discontinue "
    "permanently (label Table 4)."
)
INTERRUPTION_STOP = N_(
    "Interruption of {days} days (more than {consider_stop_days}): consider permanent "
    "discontinuation (label Table 4). Holding; clinician decision."
)
NEXT_CYCLE_REDUCED = N_(
    "After an interruption of {reduce_days} days or more the next cycle is at dose level 1 "
    "(total −{reduction_percent} %). Never re-escalate."
)
NEXT_CYCLE_LEVEL_TWO = N_(
    "Toxicity again at dose level 1 with an interruption of {reduce_days} days or more: the "
    "next cycle is at dose level 2 ({level_two_doses} doses per cycle). Never re-escalate."
)
DOSE_REDUCED = N_(
    "Reduced dose level {level}: total {total_mg_per_m2} mg/m² per cycle. The label does "
    "not say how to split it across the days: the clinician decides. Never re-escalate."
)
DOSE_REDUCED_TWO = N_(
    "Dose level 2: {level_two_doses} doses per cycle. The label gives neither the days nor "
    "the amounts, and so no total: the clinician and the pharmacist decide. Never "
    "re-escalate."
)
DISCONTINUE_AFTER_REDUCTION = N_(
    "Toxicity again after the {reduction_percent} % reduction and {level_two_doses} doses "
    "per cycle: discontinue permanently (label Table 4)."
)
HOLD_TRANSAMINASE_GRADE2 = N_(
    "Liver tests (bilirubin {bili}, AST {ast}, ALT {alt} ×ULN): AST/ALT above "
    "{transaminase_grade2} ×ULN is grade 2 or higher by CTCAE v5, and without a raised "
    "bilirubin that counts the label's liver row does not apply. The row for "
    "non-haematological toxicity of grade {nonheme_hold_grade} or higher decides: hold "
    "until grade 1 or the pretreatment grade."
)
CAUTION_TRANSAMINASE_GRADE1 = N_(
    "Liver tests (bilirubin {bili}, AST {ast}, ALT {alt} ×ULN): AST/ALT above "
    "{transaminase_max} and up to {transaminase_grade2} ×ULN is grade 1 by CTCAE v5, and "
    "without a raised bilirubin that counts the label's liver row does not apply. Grade 1 "
    "does not hold: give, and recheck the liver tests before each dose."
)
CYTOREDUCTION_AFTER_FIRST = N_(
    "Blasts {blasts}/mm³: the label's cytoreduction applies before the first dose (cycle 1, "
    "Day 1) only, so it does not hold this dose; clinician to assess."
)
COUNTS_CYCLE1 = N_(
    "Low counts in cycle 1 do not hold this dose: the label's Table 2 applies from Day 1 of "
    "cycle 2."
)
INTERRUPTION_DAY1 = N_(
    "Interruption of {days} days ({omit_days} or more) at Day 1: the label's row to omit "
    "the next dose is for doses within a cycle and does not say what applies at the start "
    "of one. Start the cycle once recovered; clinician decision."
)
DOSE_LEVEL_APPLIED = N_(
    "Interruption of {days} days ({reduce_days} or more) before Day 1: dose level {level} "
    "is applied to this cycle automatically (label Table 4). Never re-escalate."
)
INTERRUPTION_UNCONFIRMED = N_(
    "The label's Table 4 (dose changes by the length of an interruption) could not be "
    "checked word for word for this rule set: confirm against the label. The labels do not "
    "say from when an interruption is counted (from the missed dose or from the last dose "
    "given): the clinician decides."
)
HEPATIC_MILD = N_("Mild hepatic impairment: no initial dose adjustment.")
HEPATIC_LIMITED = N_(
    "Liver tests above {bilirubin_max} ×ULN (bilirubin) or {transaminase_max} ×ULN "
    "(AST/ALT): data in moderate to severe hepatic impairment are limited; use with "
    "caution."
)
RENAL_ESRD = N_("CrCl {crcl} mL/min: safety in end-stage renal disease has not been established.")
RENAL_NO_ADJUSTMENT = N_(
    "CrCl {crcl} mL/min: no dose adjustment (CrCl 15-89; the seed calls this mild to "
    "moderate, the label includes severe 15-29)."
)
PREGNANCY = N_(
    "Pregnancy: the seed says contraindicated; the US label lists no contraindication but "
    "warns of fetal harm, and the EU leaflet advises against use unless the doctor judges it "
    "necessary. Holding; clinician decision."
)
CONTRACEPTION_FEMALE = N_(
    "Effective contraception during treatment and for at least 8 months after the last dose."
)
CONTRACEPTION_FEMALE_UNTIL = N_(
    "Effective contraception during treatment and for at least 8 months after the last dose "
    "(until {until})."
)
CONTRACEPTION_MALE = N_(
    "Men: effective contraception during treatment and for at least 5 months after the last dose."
)
CONTRACEPTION_MALE_UNTIL = N_(
    "Men: effective contraception during treatment and for at least 5 months after the last "
    "dose (until {until})."
)
LACTATION = N_("No breastfeeding during treatment and for 2 months after the last dose.")
LACTATION_UNTIL = N_(
    "No breastfeeding during treatment and for 2 months after the last dose (until {until})."
)
INFANT = N_(
    "Age under 1 year: outside the US label (1 year and older) and the EU label (adults). "
    "Holding; clinician decision."
)
PEDIATRIC = N_(
    "Age under 18: the US label covers patients from 1 year with the same mg/m² regimen; the "
    "EU label covers adults only."
)
