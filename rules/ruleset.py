"""Every rule of the core, with its source, as a table a clinician can check line by line;
then every outcome a rule can reach, one row each (warning code, severity, decision, message),
and the outcomes a label profile replaces (`PROFILE_OUTCOMES`).

A source names public documents by section: "USPI" is the US Prescribing Information
(03/2024), "SmPC" the EU Summary of Product Characteristics and "EU PL" its package leaflet
(02/2022). The exact citation of each rule under each label profile, with what of it was
confirmed, is `rules/labels.py` (that is what a warning shows); `docs/clinical-basis.md` gives
each rule's label text, the matching point of the site specification, and where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules import messages as msg

RULESET_VERSION = "2026.12.1"


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    summary: str


RULES: tuple[Rule, ...] = (
    # Regimen and dose arithmetic
    Rule(
        "cycle1_regimen",
        "USPI 2, Table 1; SmPC 4.2, Table 1",
        "Cycle 1: 0.8 / 0.5 / 0.5 mg/m² on days 1 / 8 / 15 (1.8 mg/m²), 21-day cycle.",
    ),
    Rule(
        "cycle1_extension",
        "USPI 2, Table 1; SmPC 4.2, Table 1",
        "Cycle 1 may be extended to 28 days for CR/CRi and/or recovery from toxicity.",
    ),
    Rule(
        "later_cycle_response",
        "USPI 2, Table 1; SmPC 4.2, Table 1",
        "Later cycles after CR/CRi: 0.5 mg/m² on days 1, 8, 15 (1.5 mg/m²), 28-day cycle.",
    ),
    Rule(
        "later_cycle_no_response",
        "USPI 2, Table 1; SmPC 4.2, Table 1",
        "Later cycles without CR/CRi: 0.8 / 0.5 / 0.5 mg/m² (1.8 mg/m²), 28-day cycle.",
    ),
    Rule(
        "schedule_window",
        "USPI 2, Table 1; SmPC 4.2, Table 1",
        "Days 8 and 15 ±2 days, at least 6 days between doses.",
    ),
    Rule(
        "bsa_formula",
        "Mosteller 1987; DuBois 1916 (the labels name no formula)",
        "BSA from height and weight by Mosteller (default) or DuBois; never capped.",
    ),
    Rule(
        "rounding_convention",
        "local convention; USPI 11, 2.4; SmPC 2",
        "BSA, mg and mL rounded half-up to 0.01; mL at 0.25 mg/mL; vials of 0.9 mg.",
    ),
    Rule(
        "bsa_unusual",
        "local convention; ASCO 2021",
        "BSA below 1.0 or above 2.5 m²: check height and weight; the dose is not capped.",
    ),
    # Duration
    Rule(
        "max_cycles_hsct",
        "USPI 2; SmPC 4.2",
        "HSCT planned: 2 cycles; a third only if CR/CRi and MRD negativity were not reached.",
    ),
    Rule("max_cycles_no_hsct", "USPI 2; SmPC 4.2", "No HSCT: at most 6 cycles."),
    Rule(
        "no_response_3_cycles",
        "USPI 2; SmPC 4.2",
        "No CR/CRi within 3 cycles: discontinue.",
    ),
    # Before each dose
    Rule(
        "premedication",
        "USPI 2.2; SmPC 4.2; EU PL 3",
        "Corticosteroid, antipyretic and antihistamine before every dose.",
    ),
    Rule(
        "cytoreduction",
        "USPI 2; SmPC 4.2",
        "Circulating blasts above 10,000/mm³ before the first dose (cycle 1, Day 1): "
        "cytoreduce first. Not a hold on later doses.",
    ),
    Rule(
        "monitoring",
        "USPI 5.3, 5.1, 5.4; SmPC 4.2; EU PL 2",
        "CBC and liver tests before each dose; observe at least 1 hour after the infusion.",
    ),
    # Haematological toxicity (Table 2, at the start of a cycle)
    Rule(
        "hold_anc",
        "USPI 2.3, Table 2; SmPC 4.2, Table 2",
        "Baseline ANC ≥ 1: hold the next cycle until ANC ≥ 1 ×10⁹/L.",
    ),
    Rule(
        "hold_platelets",
        "USPI 2.3, Table 2; SmPC 4.2, Table 2",
        "Baseline platelets ≥ 50: hold the next cycle until platelets ≥ 50 ×10⁹/L.",
    ),
    Rule(
        "hold_counts_low_baseline",
        "USPI 2.3, Table 2; SmPC 4.2, Table 2",
        "Low baseline: hold until counts reach baseline, or ANC ≥ 1 and platelets ≥ 50, "
        "or the decrease is due to disease.",
    ),
    Rule(
        "counts_baseline_unknown",
        "USPI 2.3, Table 2; SmPC 4.2, Table 2 (no row for an unknown baseline)",
        "Low count with unknown baseline: the baseline decides the row; clinician decides.",
    ),
    Rule(
        "counts_within_cycle",
        "USPI 2.3; SmPC 4.2",
        "Days 8 and 15 are not held for neutropenia or thrombocytopenia; in cycle 1 Table 2 "
        "applies from Day 1 of cycle 2.",
    ),
    Rule(
        "discontinue_cytopenia",
        "USPI 2.3, Table 2 (US only); SmPC 4.2, Table 4 instead",
        "Drug-related severe cytopenia lasting more than 28 days: discontinue.",
    ),
    # Non-haematological toxicity (Table 3) and interruptions (Table 4)
    Rule(
        "discontinue_vod",
        "USPI 2.3, Table 3, boxed warning, 5.1; SmPC 4.2, Table 3",
        "VOD/SOS: discontinue permanently.",
    ),
    Rule(
        "hold_liver",
        "USPI 2.3, Table 3; SmPC 4.2, Table 3",
        "Bilirubin > 1.5 ×ULN and AST/ALT > 2.5 ×ULN (both): hold until recovered.",
    ),
    Rule(
        "liver_single_value",
        "USPI 2.3, Table 3; SmPC 4.2, Table 3; CTCAE v5.0 grades",
        "One liver value raised alone: graded by CTCAE v5 under the grade ≥ 2 row. Bilirubin "
        "> 1.5 ×ULN (grade 2) or AST/ALT > 3 ×ULN (grade 2): hold; AST/ALT > 2.5-3 ×ULN "
        "(grade 1): give with a caution.",
    ),
    Rule(
        "liver_severe",
        "USPI 2.3, Table 3; SmPC 4.2, Table 3; CTCAE v5.0 grades",
        "A liver value of CTCAE v5 grade 3 or higher (bilirubin > 3 ×ULN, AST/ALT > 5 ×ULN): "
        "Table 3's first row (VOD or other severe liver toxicity: permanently discontinue) may "
        "apply; at least hold. The labels do not define severe: the clinician decides.",
    ),
    Rule(
        "gilbert_exception",
        "USPI 2.3, Table 3; SmPC 4.2, Table 3",
        "Raised bilirubin due to Gilbert's syndrome or haemolysis does not hold.",
    ),
    Rule(
        "infusion_reaction",
        "USPI 2.3, Table 3, 5.4; SmPC 4.2, Table 3",
        "Interrupt the infusion and treat; severe or life-threatening: discontinue.",
    ),
    Rule(
        "hold_nonheme",
        "USPI 2.3, Table 3; SmPC 4.2, Table 3",
        "Non-haematological toxicity grade ≥ 2: hold until grade ≤ 1 or pretreatment grade.",
    ),
    Rule(
        "interruption_table",
        "USPI 2.3, Table 4; SmPC 4.2, Table 4",
        "<7 d the dose is given late; ≥7 d the dose within the cycle is omitted; ≥14 d next "
        "dose level (applied at Day 1 of a later cycle); >28 d hold, consider stopping.",
    ),
    Rule(
        "dose_reduction",
        "USPI 2.3, Table 4; SmPC 4.2, Table 4",
        "Level 1: total −25 %, no split given; level 2: 2 doses per cycle, no amounts, days "
        "or total given; then discontinue. Never re-escalated.",
    ),
    # Special populations and warnings
    Rule(
        "hepatic_impairment",
        "USPI 8.6; SmPC 4.2",
        "Mild hepatic impairment: no initial adjustment; moderate/severe: limited data.",
    ),
    Rule(
        "renal_impairment",
        "USPI 8; SmPC 4.2",
        "CrCl 15-89 mL/min: no adjustment; end-stage renal disease: safety not established.",
    ),
    Rule(
        "pregnancy",
        "USPI 8.1; EU PL 2",
        "Pregnancy: the site protocol says contraindicated; the US label warns of fetal harm.",
    ),
    Rule(
        "contraception",
        "USPI 8.3; EU PL 2",
        "Contraception: women 8 months, men 5 months after the last dose.",
    ),
    Rule(
        "lactation",
        "USPI 8.2; EU PL 2",
        "No breastfeeding during treatment and 2 months after the last dose.",
    ),
    Rule(
        "pediatric",
        "USPI 1; SmPC 4.1; EU PL 2",
        "US label: age 1 year and older; EU: adults only. Age not entered: a caution naming "
        "the population, unless the site declares an adult-only service.",
    ),
    Rule(
        "pediatric_preparation",
        "USPI 2.4 (US only)",
        "Under 18 (US): small volumes are prepared and given as USPI 2.4 describes.",
    ),
    Rule(
        "bsa_unusual_pediatric",
        "local convention",
        "BSA below 1.0 m² under 18: check height and weight; no obese-adult guideline is cited.",
    ),
    Rule(
        "boxed_hepatotoxicity_vod",
        "USPI boxed warning, 5.1; SmPC 4.4; EU PL 2",
        "Hepatotoxicity including fatal VOD/SOS.",
    ),
    Rule(
        "boxed_post_hsct_mortality",
        "USPI boxed warning, 5.2; SmPC 4.4",
        "Higher post-HSCT non-relapse mortality; VOD risk factors before HSCT.",
    ),
    Rule(
        "qt_prolongation",
        "USPI 5.5; SmPC 4.4; EU PL 2",
        "ECG and electrolytes before starting and periodically.",
    ),
    Rule(
        "eu_contraindications",
        "EU PL 2 (EU only); USPI 5.1 (risk factors)",
        "EU (SmPC 4.3): hypersensitivity, prior confirmed severe or ongoing VOD/SOS, or "
        "serious ongoing liver disease contraindicates; unknown before cycle 1: check. US: no "
        "contraindication; VOD and liver disease are risk factors, a caution.",
    ),
)

RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
assert len(RULE_BY_ID) == len(RULES), "rule ids are unique"


@dataclass(frozen=True)
class Outcome:
    """One conclusion a rule can reach, as a row: the warning `code` a transport keys on, its
    severity, the decision it asks for (None: it informs only) and its message template.
    The engine decides *which* outcome applies; what the outcome means is read here."""

    name: str
    rule: str
    code: str
    severity: Literal["info", "caution", "stop"]
    decision: Literal["give", "hold", "discontinue"] | None
    template: str


_: None = None  # "no decision": the outcome informs only
# fmt: off
OUTCOMES: tuple[Outcome, ...] = (
    # name, rule, code, severity, decision, template
    # Regimen and dose arithmetic
    Outcome("schedule_window", "schedule_window", "schedule_window", "info", _,
            msg.SCHEDULE_WINDOW),
    Outcome("rounding", "rounding_convention", "rounding_convention", "info", _, msg.ROUNDING),
    Outcome("bsa_unusual", "bsa_unusual", "bsa_unusual", "caution", _, msg.BSA_UNUSUAL),
    Outcome("cycle1_extension", "cycle1_extension", "cycle1_extension", "info", _,
            msg.CYCLE1_EXTENSION),
    # Duration
    Outcome("hsct_beyond_third", "max_cycles_hsct", "max_cycles", "stop", "discontinue",
            msg.MAX_CYCLES_HSCT_LIMIT),
    Outcome("hsct_proceed", "max_cycles_hsct", "max_cycles", "stop", "discontinue",
            msg.HSCT_PROCEED),
    Outcome("hsct_third_cycle", "max_cycles_hsct", "hsct_third_cycle", "caution", _,
            msg.HSCT_THIRD_CYCLE),
    Outcome("hsct_third_cycle_mrd_unknown", "max_cycles_hsct", "hsct_third_cycle", "caution", _,
            msg.HSCT_THIRD_CYCLE_MRD_UNKNOWN),
    Outcome("hsct_last_cycle", "max_cycles_hsct", "max_cycles", "info", _, msg.MAX_CYCLES_LAST),
    Outcome("max_cycles_exceeded", "max_cycles_no_hsct", "max_cycles", "stop", "discontinue",
            msg.MAX_CYCLES_EXCEEDED),
    Outcome("last_cycle", "max_cycles_no_hsct", "max_cycles", "info", _, msg.MAX_CYCLES_LAST),
    Outcome("no_response_stop", "no_response_3_cycles", "no_response", "stop", "discontinue",
            msg.NO_RESPONSE_STOP),
    Outcome("no_response_watch", "no_response_3_cycles", "no_response", "caution", _,
            msg.NO_RESPONSE_WATCH),
    Outcome("no_response_last_cycle", "no_response_3_cycles", "no_response", "caution", _,
            msg.NO_RESPONSE_LAST_CYCLE),
    # Before each dose
    Outcome("premedication", "premedication", "premedication", "info", _, msg.PREMEDICATION),
    Outcome("monitoring", "monitoring", "monitoring", "info", _, msg.MONITORING),
    Outcome("cytoreduction_hold", "cytoreduction", "cytoreduction", "stop", "hold",
            msg.CYTOREDUCTION_HOLD),
    Outcome("cytoreduction_check", "cytoreduction", "cytoreduction", "info", _,
            msg.CYTOREDUCTION_CHECK),
    Outcome("cytoreduction_after_first", "cytoreduction", "cytoreduction", "info", _,
            msg.CYTOREDUCTION_AFTER_FIRST),
    # Haematological toxicity (Table 2)
    Outcome("hold_anc", "hold_anc", "hold_anc", "stop", "hold", msg.HOLD_ANC),
    Outcome("hold_platelets", "hold_platelets", "hold_platelets", "stop", "hold",
            msg.HOLD_PLATELETS),
    Outcome("hold_low_baseline", "hold_counts_low_baseline", "hold_counts", "stop", "hold",
            msg.HOLD_LOW_BASELINE),
    Outcome("anc_baseline_unknown", "counts_baseline_unknown", "hold_anc", "caution", "hold",
            msg.BASELINE_UNKNOWN),
    Outcome("platelets_baseline_unknown", "counts_baseline_unknown", "hold_platelets",
            "caution", "hold", msg.BASELINE_UNKNOWN),
    Outcome("counts_within_cycle", "counts_within_cycle", "counts_within_cycle", "info", _,
            msg.COUNTS_WITHIN_CYCLE),
    Outcome("counts_cycle1", "counts_within_cycle", "counts_within_cycle", "info", _,
            msg.COUNTS_CYCLE1),
    Outcome("discontinue_cytopenia", "discontinue_cytopenia", "discontinue_cytopenia", "stop",
            "discontinue", msg.DISCONTINUE_CYTOPENIA),
    # Non-haematological toxicity (Table 3)
    Outcome("discontinue_vod", "discontinue_vod", "discontinue_vod", "stop", "discontinue",
            msg.DISCONTINUE_VOD),
    Outcome("infusion_severe", "infusion_reaction", "infusion_reaction", "stop", "discontinue",
            msg.INFUSION_SEVERE),
    Outcome("infusion_mild", "infusion_reaction", "infusion_reaction", "caution", _,
            msg.INFUSION_MILD),
    Outcome("gilbert_exception", "gilbert_exception", "gilbert_exception", "caution", _,
            msg.GILBERT),
    Outcome("hold_liver", "hold_liver", "hold_liver", "stop", "hold", msg.HOLD_LIVER),
    Outcome("bilirubin_grade2", "liver_single_value", "hold_liver", "stop", "hold",
            msg.HOLD_LIVER_SINGLE),
    Outcome("transaminase_grade2", "liver_single_value", "hold_liver", "stop", "hold",
            msg.HOLD_TRANSAMINASE_GRADE2),
    Outcome("transaminase_grade1", "liver_single_value", "liver_grade1", "caution", _,
            msg.CAUTION_TRANSAMINASE_GRADE1),
    Outcome("liver_severe", "liver_severe", "liver_severe", "stop", "hold", msg.LIVER_SEVERE),
    Outcome("hold_nonheme", "hold_nonheme", "hold_nonheme", "stop", "hold", msg.HOLD_NONHEME),
    # Interruptions (Table 4) and dose levels
    Outcome("interruption_note", "interruption_table", "interruption_note", "info", _,
            msg.INTERRUPTION_UNCONFIRMED),
    Outcome("interruption_short", "interruption_table", "interruption", "info", _,
            msg.INTERRUPTION_SHORT),
    Outcome("interruption_omit", "interruption_table", "interruption", "caution", _,
            msg.INTERRUPTION_OMIT),
    Outcome("interruption_omit_last", "interruption_table", "interruption", "caution", "hold",
            msg.INTERRUPTION_OMIT),
    Outcome("interruption_day1", "interruption_table", "interruption", "caution", _,
            msg.INTERRUPTION_DAY1),
    Outcome("interruption_reduce", "interruption_table", "interruption", "caution", _,
            msg.INTERRUPTION_REDUCE),
    Outcome("interruption_stop", "interruption_table", "interruption", "stop", "hold",
            msg.INTERRUPTION_STOP),
    Outcome("dose_level_applied", "dose_reduction", "dose_level_applied", "caution", _,
            msg.DOSE_LEVEL_APPLIED),
    Outcome("next_cycle_level_one", "dose_reduction", "dose_reduced", "caution", _,
            msg.NEXT_CYCLE_REDUCED),
    Outcome("next_cycle_level_two", "dose_reduction", "dose_reduced", "caution", _,
            msg.NEXT_CYCLE_LEVEL_TWO),
    Outcome("discontinue_after_reduction", "dose_reduction", "dose_reduced", "stop",
            "discontinue", msg.DISCONTINUE_AFTER_REDUCTION),
    Outcome("dose_level_read_before", "dose_reduction", "dose_level_reading", "caution", _,
            msg.DOSE_LEVEL_READ_BEFORE),
    Outcome("dose_level_read_before_stop", "dose_reduction", "dose_level_reading", "caution", _,
            msg.DOSE_LEVEL_READ_BEFORE_STOP),
    Outcome("dose_level_read_included", "dose_reduction", "dose_level_reading", "info", _,
            msg.DOSE_LEVEL_READ_INCLUDED),
    Outcome("dose_level_one", "dose_reduction", "dose_reduced", "caution", _, msg.DOSE_REDUCED),
    Outcome("dose_level_two", "dose_reduction", "dose_reduced", "caution", _,
            msg.DOSE_REDUCED_TWO),
    # The same with the doses the site's protocol sets ([reduction], rules/protocol.py).
    Outcome("dose_level_one_site", "dose_reduction", "dose_reduced", "caution", _,
            msg.DOSE_REDUCED_SITE),
    Outcome("dose_level_two_site", "dose_reduction", "dose_reduced", "caution", _,
            msg.DOSE_REDUCED_TWO_SITE),
    # Special populations and warnings
    Outcome("hepatic_limited", "hepatic_impairment", "hepatic_impairment", "caution", _,
            msg.HEPATIC_LIMITED),
    Outcome("hepatic_mild", "hepatic_impairment", "hepatic_impairment", "info", _,
            msg.HEPATIC_MILD),
    Outcome("renal_esrd", "renal_impairment", "renal_esrd", "caution", _, msg.RENAL_ESRD),
    Outcome("renal_no_adjustment", "renal_impairment", "renal_no_adjustment", "info", _,
            msg.RENAL_NO_ADJUSTMENT),
    Outcome("pregnancy", "pregnancy", "pregnancy", "stop", "hold", msg.PREGNANCY),
    # [policy] pregnancy = "caution" in the site's protocol: a warning, no hold.
    Outcome("pregnancy_caution", "pregnancy", "pregnancy", "caution", _, msg.PREGNANCY_CAUTION),
    Outcome("contraception_female", "contraception", "contraception", "info", _,
            msg.CONTRACEPTION_FEMALE),
    Outcome("contraception_female_until", "contraception", "contraception", "info", _,
            msg.CONTRACEPTION_FEMALE_UNTIL),
    Outcome("contraception_male", "contraception", "contraception", "info", _,
            msg.CONTRACEPTION_MALE),
    Outcome("contraception_male_until", "contraception", "contraception", "info", _,
            msg.CONTRACEPTION_MALE_UNTIL),
    Outcome("lactation", "lactation", "lactation", "info", _, msg.LACTATION),
    Outcome("lactation_until", "lactation", "lactation", "info", _, msg.LACTATION_UNTIL),
    Outcome("breastfeeding", "lactation", "lactation", "caution", _, msg.LACTATION),
    Outcome("breastfeeding_until", "lactation", "lactation", "caution", _, msg.LACTATION_UNTIL),
    Outcome("infant", "pediatric", "pediatric", "stop", "hold", msg.INFANT),
    Outcome("pediatric", "pediatric", "pediatric", "info", _, msg.PEDIATRIC),
    Outcome("age_not_entered", "pediatric", "pediatric", "caution", _, msg.AGE_NOT_ENTERED_US),
    Outcome("pediatric_preparation", "pediatric_preparation", "pediatric_preparation", "info",
            _, msg.PEDIATRIC_PREPARATION),
    Outcome("bsa_unusual_child", "bsa_unusual_pediatric", "bsa_unusual", "caution", _,
            msg.BSA_UNUSUAL_CHILD),
    Outcome("boxed_hepatotoxicity_vod", "boxed_hepatotoxicity_vod", "boxed_hepatotoxicity_vod",
            "caution", _, msg.BOXED_VOD),
    Outcome("boxed_post_hsct_mortality", "boxed_post_hsct_mortality",
            "boxed_post_hsct_mortality", "caution", _, msg.BOXED_HSCT),
    Outcome("qt_prolongation", "qt_prolongation", "qt_prolongation", "info", _, msg.QT),
    # Label profiles: outcomes that take the place of another one under one label
    Outcome("adults_only", "pediatric", "pediatric", "stop", "hold", msg.ADULTS_ONLY),
    Outcome("cytopenia_eu", "discontinue_cytopenia", "discontinue_cytopenia", "stop", "hold",
            msg.CYTOPENIA_EU),
    Outcome("eu_contraindicated", "eu_contraindications", "eu_contraindications", "stop",
            "discontinue", msg.EU_CONTRAINDICATED),
    Outcome("eu_contraindications_unknown", "eu_contraindications", "eu_contraindications",
            "caution", _, msg.EU_CONTRAINDICATIONS_UNKNOWN),
    Outcome("vod_risk_factor", "eu_contraindications", "vod_risk_factor", "caution", _,
            msg.VOD_RISK_FACTOR),
    Outcome("eu_hypersensitivity", "eu_contraindications", "eu_contraindications", "stop",
            "discontinue", msg.EU_CONTRAINDICATED),
    Outcome("hypersensitivity_us", "eu_contraindications", "hypersensitivity", "caution", _,
            msg.HYPERSENSITIVITY_US),
    Outcome("age_not_entered_eu", "pediatric", "pediatric", "caution", _,
            msg.AGE_NOT_ENTERED_EU),
    Outcome("special_hepatotoxicity_vod", "boxed_hepatotoxicity_vod", "boxed_hepatotoxicity_vod",
            "caution", _, msg.SPECIAL_VOD),
    Outcome("special_post_hsct_mortality", "boxed_post_hsct_mortality",
            "boxed_post_hsct_mortality", "caution", _, msg.SPECIAL_HSCT),
)
# fmt: on

#: What a label profile changes in the outcomes, as data: (outcome, profile) → the outcome
#: reached instead, or None where that label has no such row. The engine concludes the outcome
#: of the US wording of a rule; this table turns it into the profile's (docs/clinical-basis.md,
#: "What changes between the US and EU profiles").
PROFILE_OUTCOMES: dict[tuple[str, str], str | None] = {
    # EU: adults only (SmPC 4.1), so any age under 18 is outside the label.
    ("infant", "EU"): "adults_only",
    ("pediatric", "EU"): "adults_only",
    # EU: no Table 2 sentence on cytopenia lasting more than 28 days; Table 4 applies.
    ("discontinue_cytopenia", "EU"): "cytopenia_eu",
    # US: the EU contraindications are risk factors (USPI 5.1), and not asked.
    ("eu_contraindicated", "US"): "vod_risk_factor",
    ("eu_contraindications_unknown", "US"): None,
    # US: hypersensitivity is no contraindication of the USPI (SmPC 4.3 is named).
    ("eu_hypersensitivity", "US"): "hypersensitivity_us",
    # The population when the age is not entered: each label's own.
    ("age_not_entered", "EU"): "age_not_entered_eu",
    # USPI 2.4's preparation for children: under the EU profile no one under 18 is dosed.
    ("pediatric_preparation", "EU"): None,
    # EU: the SmPC has no boxed warning; the same hazards are its special warnings (4.4).
    ("boxed_hepatotoxicity_vod", "EU"): "special_hepatotoxicity_vod",
    ("boxed_post_hsct_mortality", "EU"): "special_post_hsct_mortality",
}

OUTCOME_BY_NAME: dict[str, Outcome] = {outcome.name: outcome for outcome in OUTCOMES}
assert len(OUTCOME_BY_NAME) == len(OUTCOMES), "outcome names are unique"
assert all(outcome.rule in RULE_BY_ID for outcome in OUTCOMES), "every outcome has its rule"
assert all(
    name in OUTCOME_BY_NAME and (instead is None or instead in OUTCOME_BY_NAME)
    for (name, _profile), instead in PROFILE_OUTCOMES.items()
), "every profile outcome is a row of OUTCOMES"
