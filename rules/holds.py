"""A hold in one line per reason: the value against its threshold and the table row, then
"resume when …", the recovery criterion of the same row.

The full warning (the grading argument, which row decides, the label's own words) stays in the
folded part of the card; these short forms are what a nurse reads above the fold. Every number
is a placeholder filled from `rules/thresholds.py` (`rules.messages.CONSTANTS`) or from the
warning's own values, so a short line can never disagree with its rule. Rows without a recovery
criterion in the label (a pregnancy, a long interruption, the population) have no short form:
their warning is shown whole.
"""

from __future__ import annotations

from rules.messages import N_

# TRANSLATORS: ANC = absolute neutrophil count; Table 2 = the label's table for low blood counts
# (keep the number); hold = do not give now.
HOLD_ANC = N_("ANC {anc} < {anc_min} ×10⁹/L, Table 2: hold the next cycle")
# TRANSLATORS: resume = give again; the line follows a hold (after a semicolon).
RESUME_ANC = N_("resume when ANC ≥ {anc_min} ×10⁹/L")
# TRANSLATORS: Table 2 = the label's table for low blood counts; hold = do not give now.
HOLD_PLATELETS = N_("Platelets {platelets} < {platelets_min} ×10⁹/L, Table 2: hold the next cycle")
# TRANSLATORS: resume = give again; a transfusion-independent count.
RESUME_PLATELETS = N_("resume when platelets ≥ {platelets_min} ×10⁹/L")
# TRANSLATORS: baseline = the pre-treatment value; Table 2 = the label's table for low counts.
HOLD_LOW_BASELINE = N_("Counts below a low baseline, Table 2: hold")
# TRANSLATORS: resume = give again; baseline = the pre-treatment value.
RESUME_LOW_BASELINE = N_(
    "resume when back to baseline, or ANC ≥ {anc_min} and platelets ≥ {platelets_min} ×10⁹/L"
)
# TRANSLATORS: a low ANC or platelet count whose pre-treatment value (baseline) is not known;
# Table 2 = the label's table for low counts; holding = not giving now.
HOLD_BASELINE_UNKNOWN = N_("Low count, baseline not known, Table 2: holding")
# TRANSLATORS: resume = give again; a low baseline = a pre-treatment value below these thresholds.
RESUME_BASELINE_UNKNOWN = N_(
    "resume when ANC ≥ {anc_min} and platelets ≥ {platelets_min} ×10⁹/L, or back to a low baseline"
)
# TRANSLATORS: ULN = upper limit of normal; Table 3 = the label's table for other toxicities.
HOLD_LIVER = N_(
    "Bilirubin {bili} > {bilirubin_max} and AST/ALT {transaminase} > {transaminase_max} ×ULN, "
    "Table 3: hold"
)
# TRANSLATORS: resume = give again; ULN = upper limit of normal.
RESUME_LIVER = N_("resume when bilirubin ≤ {bilirubin_max} and AST/ALT ≤ {transaminase_max} ×ULN")
# TRANSLATORS: ULN = upper limit of normal; grade = CTCAE toxicity grade; Table 3 = the label's
# table for other toxicities.
HOLD_BILIRUBIN = N_(
    "Bilirubin {bili} > {bilirubin_max} ×ULN (grade ≥ {liver_hold_grade}), Table 3: hold"
)
# TRANSLATORS: as above, for the transaminases.
HOLD_TRANSAMINASE = N_(
    "AST/ALT {transaminase} > {transaminase_grade2} ×ULN (grade ≥ {liver_hold_grade}), Table 3: "
    "hold"
)
# TRANSLATORS: resume = give again; pretreatment grade = the grade before treatment.
RESUME_GRADE = N_("resume at grade ≤ {nonheme_recovery_grade} or the pretreatment grade")
# TRANSLATORS: non-haematological toxicity grade (CTCAE); Table 3 = the label's table.
HOLD_NONHEME = N_("Toxicity grade {grade} ≥ {nonheme_hold_grade}, Table 3: hold")
# TRANSLATORS: ULN = upper limit of normal; grade = CTCAE grade; Table 3's first row = "VOD or
# other severe liver toxicity: permanently discontinue"; the clinician judges whether it is severe.
HOLD_LIVER_SEVERE = N_(
    "Liver grade ≥ {liver_severe_grade}: if severe (clinician's call), discontinue permanently, "
    "Table 3 row 1"
)
# TRANSLATORS: blasts = circulating lymphoblasts; cytoreduce = lower the blast count first.
HOLD_CYTOREDUCTION = N_("Blasts {blasts} > {blasts_max}/mm³: cytoreduce first")
# TRANSLATORS: start = give the first dose.
RESUME_CYTOREDUCTION = N_("start when blasts ≤ {blasts_max}/mm³")

# TRANSLATORS: a caution in a few words above the fold; USPI = the US label (keep).
AGE_NOT_ENTERED_US = N_("Age not entered (USPI: {min_age_us:years} and older)")
# TRANSLATORS: as above; SmPC = the EU label (keep); adults = {adult_age} years and older.
AGE_NOT_ENTERED_EU = N_("Age not entered (SmPC: adults, {adult_age}+)")

#: Outcome name (`rules.ruleset.OUTCOMES`) → its short line and its "resume when …" ("" for a
#: caution said short that has no recovery: the population when the age is not entered).
HOLD_LINES: dict[str, tuple[str, str]] = {
    "age_not_entered": (AGE_NOT_ENTERED_US, ""),
    "age_not_entered_eu": (AGE_NOT_ENTERED_EU, ""),
    "hold_anc": (HOLD_ANC, RESUME_ANC),
    "hold_platelets": (HOLD_PLATELETS, RESUME_PLATELETS),
    "hold_low_baseline": (HOLD_LOW_BASELINE, RESUME_LOW_BASELINE),
    "anc_baseline_unknown": (HOLD_BASELINE_UNKNOWN, RESUME_BASELINE_UNKNOWN),
    "platelets_baseline_unknown": (HOLD_BASELINE_UNKNOWN, RESUME_BASELINE_UNKNOWN),
    "hold_liver": (HOLD_LIVER, RESUME_LIVER),
    "bilirubin_grade2": (HOLD_BILIRUBIN, RESUME_GRADE),
    "transaminase_grade2": (HOLD_TRANSAMINASE, RESUME_GRADE),
    # No recovery of its own: said on the line of the liver hold it comes with.
    "liver_severe": (HOLD_LIVER_SEVERE, ""),
    "hold_nonheme": (HOLD_NONHEME, RESUME_GRADE),
    "cytoreduction_hold": (HOLD_CYTOREDUCTION, RESUME_CYTOREDUCTION),
}
