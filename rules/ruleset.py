"""Every rule of the core, with its source, as a table a clinician can check line by line.

"seed l.N" is line N of the site's clinical specification (shared/clinical/000_…txt); "USPI"
is the US Prescribing Information (3/2024), "SmPC" the EU summary of product characteristics,
and "ref §N" the section of shared/clinical/clinical-reference.md where the label text is quoted.
Where the seed and the label differ the engine follows the seed and its message says what the
label adds; "unconfirmed" marks label text the reference could not read verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        "USPI/SmPC Table 3 (ref §4.2); NCI CTCAE v5.0 grades, baseline normal",
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
