"""Every clinical number the rules use, once: the engine, the dialog and the messages import
these names, so a threshold can never be typed twice and disagree with itself.

Each constant names the label row it comes from (USPI: US Prescribing Information, 03/2024;
SmPC: EU Summary of Product Characteristics). `docs/clinical-basis.md` explains each one.
Comparisons keep "at the threshold" on the side the label gives: "ANC < 1" holds, "ANC 1" gives.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, get_args

D = Decimal

# Regimen and cycle (USPI 2.1, Table 1) ----------------------------------------------------
CYCLE1_DAYS = 21
LATER_CYCLE_DAYS = 28
#: Cycle 1 may be extended to 28 days (CR/CRi and/or recovery from toxicity).
EXTENDED_CYCLE_DAYS = 28
#: Days 8 and 15: ±2 days, at least 6 days between doses (Table 1 footnote).
WINDOW_DAYS = 2
MIN_DAYS_BETWEEN_DOSES = 6
MG_PER_ML = D("0.25")
#: Observe the patient during and for at least 1 hour after the infusion (USPI 2.2; SmPC 4.2).
OBSERVATION_HOURS = 1
#: Vials are counted at the US deliverable amount, 0.9 mg per vial, under every label.
VIAL_MG = D("0.9")

# Duration (USPI/SmPC 2.1) -----------------------------------------------------------------
MAX_CYCLES_HSCT = 2
#: With HSCT planned, a third cycle may be considered if CR/CRi with MRD negativity was not
#: reached after 2 cycles.
HSCT_THIRD_CYCLE = 3
MAX_CYCLES_NO_HSCT = 6
#: No CR/CRi within 3 cycles: discontinue.
RESPONSE_WITHIN_CYCLES = 3

# Before the first dose (USPI 2.2) ---------------------------------------------------------
#: Circulating blasts: cytoreduce to at most 10,000/mm³ before the first dose of cycle 1.
BLASTS_MAX_PER_MM3 = D(10000)

# Haematological toxicity (USPI/SmPC 2.3, Table 2), in ×10⁹/L ------------------------------
ANC_MIN = D(1)
PLATELETS_MIN = D(50)
#: US Table 2: discontinue if low counts persist for more than 28 days (suspected related).
CYTOPENIA_MAX_DAYS = 28

# Liver (USPI/SmPC 2.3, Table 3; CTCAE v5 grades), as multiples of the ULN -----------------
#: The upper limit of normal itself, as a multiple of it: a liver value above it is raised
#: (CTCAE v5 grade 1 starts above the ULN; mild hepatic impairment, USPI 8.6).
ULN = D(1)
BILIRUBIN_MAX_ULN = D("1.5")
TRANSAMINASE_MAX_ULN = D("2.5")
#: CTCAE v5, baseline normal: AST/ALT above 3 ×ULN is grade 2.
TRANSAMINASE_GRADE2_ULN = D(3)
#: Non-haematological toxicity of this grade or higher holds (Table 3).
NONHEME_HOLD_GRADE = 2
#: ... until recovery to this grade or the pretreatment grade (Table 3).
NONHEME_RECOVERY_GRADE = 1
#: CTCAE v5 (baseline normal) grade of a liver value raised on its own: bilirubin above
#: BILIRUBIN_MAX_ULN, or AST/ALT above TRANSAMINASE_GRADE2_ULN, is grade 2 or higher (it holds);
#: AST/ALT above TRANSAMINASE_MAX_ULN and up to TRANSAMINASE_GRADE2_ULN is grade 1 (it gives).
LIVER_VALUE_HOLD_GRADE = 2
LIVER_VALUE_CAUTION_GRADE = 1
#: CTCAE v5.0 (baseline normal), grade 3: bilirubin above 3 ×ULN, AST/ALT above 5 ×ULN. A liver
#: value of this grade or higher may be Table 3's first row ("VOD or other severe liver
#: toxicity: permanently discontinue"); the labels do not define "severe", the clinician does.
LIVER_SEVERE_GRADE = 3
BILIRUBIN_GRADE3_ULN = D(3)
TRANSAMINASE_GRADE3_ULN = D(5)
#: Boxed warning: VOD risk is higher with HSCT conditioning containing 2 alkylating agents.
VOD_RISK_ALKYLATING_AGENTS = 2

# Interruption for toxicity (USPI/SmPC 2.3, Table 4), in days ------------------------------
INTERRUPTION_OMIT_DAYS = 7
INTERRUPTION_REDUCE_DAYS = 14
INTERRUPTION_CONSIDER_STOP_DAYS = 28
#: ≥ 14 days: decrease the total dose by 25 % for the subsequent cycle.
REDUCED_FRACTION = D("0.75")

# Special populations (USPI 8.x) -----------------------------------------------------------
#: Renal: no adjustment for CrCl 15-89 mL/min; below 15, safety not established.
ESRD_CRCL_ML_MIN = D(15)
NORMAL_CRCL_ML_MIN = D(90)
#: The label's "no adjustment" range includes severe impairment, CrCl 15-29 (below 30).
SEVERE_RENAL_CRCL_ML_MIN = D(30)
#: BSA outside this range is unusual: check height and weight (the dose is never capped).
BSA_USUAL_LOW, BSA_USUAL_HIGH = D("1.0"), D("2.5")
#: US label: 1 year and older; EU label: adults (18 and older).
MIN_AGE_US_YEARS = D(1)
ADULT_AGE_YEARS = D(18)
#: Contraception after the last dose: women 8 months, men 5 months; no breastfeeding 2 months.
CONTRACEPTION_FEMALE_MONTHS = 8
CONTRACEPTION_MALE_MONTHS = 5
LACTATION_MONTHS = 2

# Dose days and levels (USPI 2.1 Table 1; 2.3 Table 4) --------------------------------------
#: The dose days of every cycle; Day 1 is the start of a cycle. The type is what the request
#: model accepts (rules/models.py); the tuple is the same days, for code.
DoseDay = Literal[1, 8, 15]
DOSE_DAYS: tuple[DoseDay, ...] = get_args(DoseDay)
FIRST_DOSE_DAY: DoseDay = 1
#: Cycle 1: cytoreduction before its first dose (USPI 2.2).
FIRST_CYCLE = 1
#: Table 2 (counts at the start of a cycle, against the prior cycle's baseline) applies from Day 1
#: of this cycle: cycle 1 has no prior cycle.
TABLE2_FROM_CYCLE = FIRST_CYCLE + 1
#: Dose levels: 0 full dose, 1 total −25 %, 2 two doses per cycle; a further step discontinues.
FULL_DOSE_LEVEL = 0
LAST_DOSE_LEVEL = 2
#: Dose level 1: the total −25 % (Table 4, 14 days or more), split not given by the label.
REDUCED_DOSE_LEVEL = 1
#: The same reduction as a percentage, for messages ("total −25 %").
REDUCTION_PERCENT = int((1 - REDUCED_FRACTION) * 100)
#: Dose level 2: the number of doses per cycle (the label gives neither days nor amounts).
DOSES_AT_LEVEL_TWO = 2
