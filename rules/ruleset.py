"""Every rule of the core, with its source, as a table a clinician can check line by line;
then every outcome a rule can reach, one row each (warning code, severity, decision, message).

"seed l.N" is line N of the site's clinical specification (shared/clinical/000_…txt); "USPI"
is the US Prescribing Information (3/2024), "SmPC" the EU summary of product characteristics,
and "ref §N" the section of shared/clinical/clinical-reference.md where the label text is quoted.
Where the seed and the label differ the engine follows the seed and its message says what the
label adds; "unconfirmed" marks label text the reference could not read verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules import messages as msg

RULESET_VERSION = "2026.11.1"


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    summary: str


RULES: tuple[Rule, ...] = (
    # Regimen and dose arithmetic
    Rule(
        "cycle1_regimen",
        "seed l.8; USPI Table 1 (ref §2.1)",
        "Cycle 1: 0.8 / 0.5 / 0.5 mg/m² on days 1 / 8 / 15 (1.8 mg/m²), 21-day cycle.",
    ),
    Rule(
        "cycle1_extension",
        "seed l.9; USPI Table 1 footnote (ref §2.1)",
        "Cycle 1 may be extended to 28 days for CR/CRi and/or recovery from toxicity.",
    ),
    Rule(
        "later_cycle_response",
        "seed l.11; USPI Table 1 (ref §2.1)",
        "Later cycles after CR/CRi: 0.5 mg/m² on days 1, 8, 15 (1.5 mg/m²), 28-day cycle.",
    ),
    Rule(
        "later_cycle_no_response",
        "seed l.12; USPI Table 1 (ref §2.1)",
        "Later cycles without CR/CRi: 0.8 / 0.5 / 0.5 mg/m² (1.8 mg/m²), 28-day cycle.",
    ),
    Rule(
        "schedule_window",
        "USPI Table 1 footnote (ref §2.2); seed silent",
        "Days 8 and 15 ±2 days, at least 6 days between doses.",
    ),
    Rule(
        "bsa_formula",
        "ref §9 (Mosteller 1987, DuBois 1916); label names no formula",
        "BSA from height and weight by Mosteller (default) or DuBois; never capped.",
    ),
    Rule(
        "rounding_convention",
        "engineering convention; label silent (ref §6.3)",
        "BSA, mg and mL rounded half-up to 0.01; mL at 0.25 mg/mL; vials of 0.9 mg.",
    ),
    Rule(
        "bsa_unusual",
        "ASCO 2012/2021 full weight-based dosing (ref §9)",
        "BSA below 1.0 or above 2.5 m²: check height and weight; the dose is not capped.",
    ),
    # Duration
    Rule(
        "max_cycles_hsct",
        "seed l.14; USPI/SmPC 2.1 (ref §2.3)",
        "HSCT planned: 2 cycles; a third only if CR/CRi and MRD negativity were not reached.",
    ),
    Rule("max_cycles_no_hsct", "seed l.15; USPI/SmPC 2.1 (ref §2.3)", "No HSCT: at most 6 cycles."),
    Rule(
        "no_response_3_cycles",
        "USPI/SmPC 2.1 (ref §2.3); seed silent",
        "No CR/CRi within 3 cycles: discontinue.",
    ),
    # Before each dose
    Rule(
        "premedication",
        "seed l.5; USPI 2.2 (ref §3)",
        "Corticosteroid, antipyretic and antihistamine before every dose.",
    ),
    Rule(
        "cytoreduction",
        "seed l.6; USPI 2.2 (ref §3)",
        "Circulating blasts above 10,000/mm³ before the first dose (cycle 1, Day 1): "
        "cytoreduce first. Not a hold on later doses.",
    ),
    Rule(
        "monitoring",
        "USPI 5.1, 5.3, 5.4 (ref §3)",
        "CBC and liver tests before each dose; observe at least 1 hour after the infusion.",
    ),
    # Haematological toxicity (Table 2, at the start of a cycle)
    Rule(
        "hold_anc",
        "seed l.21; USPI Table 2 (ref §4.1)",
        "Baseline ANC ≥ 1: hold the next cycle until ANC ≥ 1 ×10⁹/L.",
    ),
    Rule(
        "hold_platelets",
        "seed l.18; USPI Table 2 (ref §4.1)",
        "Baseline platelets ≥ 50: hold the next cycle until platelets ≥ 50 ×10⁹/L.",
    ),
    Rule(
        "hold_counts_low_baseline",
        "USPI Table 2 row 3 (ref §4.1); seed silent",
        "Low baseline: hold until counts reach baseline, or ANC ≥ 1 and platelets ≥ 50, "
        "or the decrease is due to disease.",
    ),
    Rule(
        "counts_baseline_unknown",
        "USPI Table 2 (ref §4.1); engine defers",
        "Low count with unknown baseline: the baseline decides the row; clinician decides.",
    ),
    Rule(
        "counts_within_cycle",
        "USPI 2.3 (ref §4); seed silent",
        "Days 8 and 15 are not held for neutropenia or thrombocytopenia; in cycle 1 Table 2 "
        "applies from Day 1 of cycle 2.",
    ),
    Rule(
        "discontinue_cytopenia",
        "seed l.19, l.22; USPI Table 2 (ref §4.1)",
        "Drug-related severe cytopenia lasting more than 28 days: discontinue.",
    ),
    # Non-haematological toxicity (Table 3) and interruptions (Table 4)
    Rule(
        "discontinue_vod",
        "USPI boxed warning, 5.1; Table 3 (ref §4.2, §8)",
        "VOD/SOS: discontinue permanently.",
    ),
    Rule(
        "hold_liver",
        "USPI/SmPC Table 3 (ref §4.2)",
        "Bilirubin > 1.5 ×ULN and AST/ALT > 2.5 ×ULN (both): hold until recovered.",
    ),
    Rule(
        "liver_single_value",
        "USPI/SmPC 2.3 Table 3; NCI CTCAE v5.0 grades (baseline normal)",
        "One liver value raised alone: graded by CTCAE v5 under the grade ≥ 2 row. Bilirubin "
        "> 1.5 ×ULN (grade 2) or AST/ALT > 3 ×ULN (grade 2): hold; AST/ALT > 2.5-3 ×ULN "
        "(grade 1): give with a caution.",
    ),
    Rule(
        "gilbert_exception",
        "USPI/SmPC Table 3 (ref §4.2)",
        "Raised bilirubin due to Gilbert's syndrome or haemolysis does not hold.",
    ),
    Rule(
        "infusion_reaction",
        "USPI Table 3, 5.4 (ref §4.2, §8)",
        "Interrupt the infusion and treat; severe or life-threatening: discontinue.",
    ),
    Rule(
        "hold_nonheme",
        "USPI/SmPC Table 3 (ref §4.2)",
        "Non-haematological toxicity grade ≥ 2: hold until grade ≤ 1 or pretreatment grade.",
    ),
    Rule(
        "interruption_table",
        "USPI/SmPC Table 4 (ref §4.3, wording unconfirmed)",
        "<7 d the dose is given late; ≥7 d the dose within the cycle is omitted; ≥14 d next "
        "dose level (applied at Day 1 of a later cycle); >28 d hold, consider stopping.",
    ),
    Rule(
        "dose_reduction",
        "USPI Table 4, 2.3 (ref §4.3, wording unconfirmed)",
        "Level 1: total −25 %, no split given; level 2: 2 doses per cycle, no amounts, days "
        "or total given; then discontinue. Never re-escalated.",
    ),
    # Special populations and warnings
    Rule(
        "hepatic_impairment",
        "seed l.25-26; USPI 8.6 (ref §7)",
        "Mild hepatic impairment: no initial adjustment; moderate/severe: limited data.",
    ),
    Rule(
        "renal_impairment",
        "seed l.28-29; label 8.x (ref §7)",
        "CrCl 15-89 mL/min: no adjustment; end-stage renal disease: safety not established.",
    ),
    Rule(
        "pregnancy",
        "seed l.33; USPI 8.1; EU PL (ref §5 row 19, §7)",
        "Pregnancy: seed says contraindicated; the US label warns of fetal harm.",
    ),
    Rule(
        "contraception",
        "seed l.31-32; USPI 8.3 (ref §7)",
        "Contraception: women 8 months, men 5 months after the last dose.",
    ),
    Rule(
        "lactation",
        "seed l.34; USPI 8.2; EU PL (ref §7)",
        "No breastfeeding during treatment and 2 months after the last dose.",
    ),
    Rule(
        "pediatric",
        "USPI 1, 8.4; EU PL (ref §1)",
        "US label: age 1 year and older; EU: adults only.",
    ),
    Rule(
        "boxed_hepatotoxicity_vod",
        "USPI boxed warning; 5.1 (ref §8)",
        "Hepatotoxicity including fatal VOD/SOS.",
    ),
    Rule(
        "boxed_post_hsct_mortality",
        "USPI boxed warning; 5.2 (ref §8)",
        "Higher post-HSCT non-relapse mortality; VOD risk factors before HSCT.",
    ),
    Rule(
        "qt_prolongation",
        "USPI 5.5 (ref §8)",
        "ECG and electrolytes before starting and periodically.",
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
    Outcome("dose_level_one", "dose_reduction", "dose_reduced", "caution", _, msg.DOSE_REDUCED),
    Outcome("dose_level_two", "dose_reduction", "dose_reduced", "caution", _,
            msg.DOSE_REDUCED_TWO),
    # Special populations and warnings
    Outcome("hepatic_limited", "hepatic_impairment", "hepatic_impairment", "caution", _,
            msg.HEPATIC_LIMITED),
    Outcome("hepatic_mild", "hepatic_impairment", "hepatic_impairment", "info", _,
            msg.HEPATIC_MILD),
    Outcome("renal_esrd", "renal_impairment", "renal_esrd", "caution", _, msg.RENAL_ESRD),
    Outcome("renal_no_adjustment", "renal_impairment", "renal_no_adjustment", "info", _,
            msg.RENAL_NO_ADJUSTMENT),
    Outcome("pregnancy", "pregnancy", "pregnancy", "stop", "hold", msg.PREGNANCY),
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
    Outcome("boxed_hepatotoxicity_vod", "boxed_hepatotoxicity_vod", "boxed_hepatotoxicity_vod",
            "caution", _, msg.BOXED_VOD),
    Outcome("boxed_post_hsct_mortality", "boxed_post_hsct_mortality",
            "boxed_post_hsct_mortality", "caution", _, msg.BOXED_HSCT),
    Outcome("qt_prolongation", "qt_prolongation", "qt_prolongation", "info", _, msg.QT),
)
# fmt: on

OUTCOME_BY_NAME: dict[str, Outcome] = {outcome.name: outcome for outcome in OUTCOMES}
assert len(OUTCOME_BY_NAME) == len(OUTCOMES), "outcome names are unique"
assert all(outcome.rule in RULE_BY_ID for outcome in OUTCOMES), "every outcome has its rule"
