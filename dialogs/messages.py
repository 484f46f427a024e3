"""English source text of everything the dialog says; each is a gettext msgid.

Kept together so that a translator or a clinician can review the whole conversation in one
place. `N_` only marks a string for extraction by Babel; translation happens when rendering.
"""

from __future__ import annotations

from decimal import Decimal

from rules import thresholds


def N_(message: str) -> str:
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for extraction; rendered with ngettext and a count."""
    return (singular, plural)


#: Separates a message's context from its text, as in a compiled gettext catalog.
CONTEXT_SEPARATOR = "\x04"


def NPC_(context: str, singular: str, plural: str) -> tuple[str, str]:
    """A plural pair with a context (npgettext): the singular carries the context as PC_ does."""
    return (f"{context}{CONTEXT_SEPARATOR}{singular}", plural)


def PC_(context: str, message: str) -> str:
    """Marks a message whose English word has two meanings (gettext `msgctxt`, pgettext).

    The key carries its context so that a reply can name it like any other message; the
    renderer looks it up with pgettext and shows the English text, context removed, in English.
    """
    return f"{context}{CONTEXT_SEPARATOR}{message}"


WELCOME = N_(
    "Besponsa (inotuzumab ozogamicin) dosing assistant. I ask a few questions and reply with "
    "the dosing plan and its safety warnings. It supports, and does not replace, clinical "
    "judgement. Do not enter names, record numbers or birth dates.\n"
    "Fast way: everything in one message, e.g. bsa={bsa} cycle=2 response=CR anc={anc} plt=80"
)
HELP = N_(
    "Answer each question, or tap a button. Commands: /back (previous question), /new (new "
    "patient), /cancel (stop), /help. After a plan, send one change such as plt 40 to get the "
    "new plan.\n"
    "Quick form: everything in one message, in any order, e.g. {example}\n"
    "Its keys, each with an example:\n"
    "{keys}"
)
# TRANSLATORS: one line of /help: {keys} are the quick-form keys as typed (not translated),
# {label} the item's name, {example} a key with a value.
HELP_KEY_LINE = N_("{keys} ({label}), e.g. {example}")

# TRANSLATORS: BSA = body surface area (ru ППТ, de KOF); the examples are numbers filled in the
# locale's format.
ASK_BODY = N_("Body surface area in m² (e.g. {bsa}), or height and weight (e.g. 180 cm 75 kg).")
# TRANSLATORS: "2 d8" is typed as it is (cycle 2, Day 8).
ASK_CYCLE = N_(
    "Which cycle is this? A button means Day 1 of that cycle; for Day 8 or 15 type the cycle "
    "and the day, e.g. 2 d8."
)
# TRANSLATORS: Response = response to treatment (ru «ответ на терапию»); CR/CRi = complete
# remission (with incomplete haematological recovery).
ASK_RESPONSE = N_(
    "Response so far (CR, CRi or none), and is a stem cell transplant (HSCT) planned?"
)
# TRANSLATORS: HSCT = haematopoietic stem cell transplant (ru ТГСК).
ASK_HSCT = N_("Is a stem cell transplant (HSCT) planned?")
# TRANSLATORS: MRD = measurable (minimal) residual disease; negativity = no detectable MRD.
ASK_MRD = N_("Was MRD negativity reached after {max_cycles_hsct:cycles}?")
# TRANSLATORS: ANC = absolute neutrophil count; ×10⁹/L (ru ×10⁹/л) = G/L; /µL = per microlitre.
ASK_ANC = N_("Current ANC (neutrophils), ×10⁹/L, e.g. {anc} (1500/µL is understood too).")
# TRANSLATORS: Baseline = the value before the previous cycle (pre-treatment value).
ASK_ANC_BASELINE = N_(
    "ANC is below {anc_min} ×10⁹/L. What was the ANC before the previous cycle (baseline, ×10⁹/L)?"
)
# TRANSLATORS: Transfusion-independent = a count not raised by a recent platelet transfusion.
# TRANSLATORS: ANC = absolute neutrophil count; both counts in one answer, ANC first.
ASK_COUNTS = N_(
    "Current ANC and platelets (transfusion-independent), ×10⁹/L, in one message, e.g. "
    "{anc} 120 (1500/µL is understood too)."
)
ASK_PLATELETS = N_("Current platelets, ×10⁹/L, transfusion-independent, e.g. 80.")
# TRANSLATORS: Baseline = the value before the previous cycle (pre-treatment value).
ASK_PLATELETS_BASELINE = N_(
    "Platelets are below {platelets_min} ×10⁹/L. What was the count before the previous cycle "
    "(baseline, ×10⁹/L)?"
)
ASK_DAY = N_(
    "Which dose of the cycle is this? The plan lists it and the later ones. Low counts hold only "
    "Day 1 of a cycle; cytoreduction is needed only before the first dose."
)
# TRANSLATORS: Circulating blasts = leukaemic blasts in peripheral blood.
ASK_BLASTS = N_(
    "Circulating blasts in peripheral blood, per mm³ (= per µL), before the first dose?"
)
# TRANSLATORS: ×ULN = multiples of the upper limit of normal; bili/ast/alt are the keys the user
# types: keep them.
ASK_LIVER = N_(
    "Liver tests as multiples of the upper limit of normal (×ULN): total bilirubin, AST, ALT. "
    "E.g. {bili} {ast} {alt}, or bili {bili} ast {ast} alt {alt}."
)
# TRANSLATORS: Gilbert's syndrome = benign unconjugated hyperbilirubinaemia; haemolysis = red cell
# breakdown.
ASK_GILBERT = N_("Gilbert's syndrome or haemolysis as the cause of a raised bilirubin?")
# TRANSLATORS: Creatinine clearance = CrCl, estimated renal function; serum creatinine = the
# blood test; Cockcroft–Gault is the formula's name (keep it).
ASK_CRCL = N_(
    "Creatinine clearance in mL/min? Or the serum creatinine with its unit (µmol/L or mg/dL): "
    "with age, weight and sex it gives the Cockcroft–Gault CrCl, for information."
)
ASK_TOXICITY = N_("Any toxicity now?")
ASK_INTERRUPTION = N_("Days of the current dosing interruption for toxicity?")
# TRANSLATORS: Cytopenia = low blood counts; drug-related = caused by Besponsa.
ASK_CYTOPENIA = N_("Days that a drug-related severe cytopenia has lasted?")
# TRANSLATORS: Dose level = the reduced dose steps of the label (full, −25 %, −25 % in 2 doses).
ASK_DOSE_LEVEL = N_("Dose level after earlier toxicity?")
ASK_START = N_("Day 1 of this cycle: a date such as 2026-11-25, or tap Today.")
ASK_SEX = N_("Sex, for the contraception and pregnancy advice?")
ASK_LAST_DOSE = N_("Date of the last dose (for the end of contraception and of no breastfeeding)?")
ASK_AGE = N_("Age in years?")
ASK_FORMULA = N_("BSA formula for height and weight?")
# Telegram's hint in the text field under a typed question (at most 64 characters).
PLACEHOLDER_BODY = N_("{bsa} m² or 170 cm 70 kg")
# TRANSLATORS: ANC = absolute neutrophil count; ANC first, then the platelets.
PLACEHOLDER_COUNTS = N_("ANC platelets, e.g. {anc} 120")
PLACEHOLDER_PLATELETS = N_("platelets, e.g. 120")

SUMMARY = N_("Check the answers, then tap Plan. Tap an item to change or add it.")
SUMMARY_INCOMPLETE = N_("Some answers are missing; I will ask for them.")
PLAN_FOLLOW_UP = N_("Send a change such as plt 40 for a new plan, or /new for another patient.")
CANCELLED = N_("Stopped, and the answers are erased. Send /new to start again.")
RESTARTED = N_("New patient: the previous answers are erased.")
NOTHING_BACK = N_("This is the first question; there is nothing to go back to.")
STALE_BUTTON = N_("That button belongs to an earlier question. Here is the current one.")
PICK_OR_TYPE = N_("Please tap one of the options, or type the answer.")
EMPTY = N_("I received an empty message.")
TOO_LONG = N_("That message is too long ({length} characters; at most {limit}).")
UNKNOWN_COMMAND = N_("Unknown command {command}. Send /help for the list.")
UNKNOWN_KEYS = N_("Not understood and ignored: {keys}.")
CHANGED = N_("Updated: {fields}.")
NOT_A_PLAN = N_("The answers do not make a valid request: {field}: {message}")
DID_YOU_MEAN_ACCEPT = N_("Yes, use {suggestion}")
IDLE = N_("Send /new to start a dosing plan.")

# Command menu (a transport's list of commands)
MENU_START = N_("Start or resume the dosing dialog")
MENU_NEW = N_("New patient (erases the answers)")
MENU_BACK = N_("Previous question")
MENU_CANCEL = N_("Stop and erase the answers")
MENU_HELP = N_("How to answer, and the quick form")

# Button labels
YES = N_("Yes")
NO = N_("No")
SKIP = N_("Skip")
UNKNOWN = N_("Unknown")
NORMAL = N_("Normal")
TODAY = N_("Today")
TOMORROW = N_("Tomorrow")
NONE = N_("None")
# TRANSLATORS: the answer to "Days of the current dosing interruption?": the dose is not late.
ON_TIME = N_("On time, no interruption")
# TRANSLATORS: the answer to "Age in years?" when the exact age does not matter.
ADULT = N_("18 or older")
# TRANSLATORS: {response} is CR or CRi, kept as it is; HSCT = stem cell transplant.
RESPONSE_HSCT = N_("{response}, HSCT planned")
RESPONSE_NO_HSCT = N_("{response}, no HSCT")
# TRANSLATORS: the answer to "Response so far?": neither CR nor CRi (ru «нет ответа», es "Sin
# respuesta"), not "no toxicity" or "no days" as the plain "None" is.
NONE_RESPONSE = PC_("treatment response", "None")
PLAN = N_("✅ Plan")
# TRANSLATORS: button under the short summary: shows every item, also those not given.
MORE = N_("More…")
PLAN_CHANGE = N_("✏️ Change answers")
PLAN_NEW = N_("🆕 New patient")
BACK = N_("⬅ Back")
FEMALE = N_("Female")
FEMALE_PREGNANT = N_("Female, pregnant")
FEMALE_BREASTFEEDING = N_("Female, breastfeeding")
MALE = N_("Male")
NO_BLASTS = N_("None circulating")
TOX_NONHEME = N_("Non-haematological grade {grade}")
TOX_IRR_MILD = N_("Infusion reaction, mild")
TOX_IRR_SEVERE = N_("Infusion reaction, severe")
TOX_VOD = N_("VOD/SOS")
LEVEL_FULL = N_("Full dose")
LEVEL_REDUCED = N_("Total −25 %")
LEVEL_TWO_DOSES = N_("−25 % and 2 doses per cycle")
FORMULA_MOSTELLER = N_("Mosteller")
FORMULA_DUBOIS = N_("DuBois")

# Summary labels (also the edit buttons)
LABEL_BODY = N_("Body")
LABEL_CYCLE = N_("Cycle")
LABEL_RESPONSE = N_("Response")
LABEL_HSCT = N_("HSCT planned")
LABEL_MRD = N_("MRD negative")
LABEL_ANC = N_("ANC")
LABEL_ANC_BASELINE = N_("ANC baseline")
LABEL_PLATELETS = N_("Platelets")
LABEL_PLATELETS_BASELINE = N_("Platelets baseline")
LABEL_BLASTS = N_("Blasts")
LABEL_DAY = N_("Dose day")
DAY_CHOICE = N_("Day {day}")
LABEL_LIVER = N_("Liver tests")
LABEL_GILBERT = N_("Gilbert's/haemolysis")
LABEL_CRCL = N_("CrCl")
LABEL_TOXICITY = N_("Toxicity")
LABEL_INTERRUPTION = N_("Interruption")
LABEL_CYTOPENIA = N_("Cytopenia duration")
LABEL_DOSE_LEVEL = N_("Dose level")
LABEL_START = N_("Day 1")
LABEL_SEX = N_("Sex")
LABEL_LAST_DOSE = N_("Last dose")
LABEL_AGE = N_("Age")
LABEL_FORMULA = N_("BSA formula")
# TRANSLATORS: VOD/SOS = veno-occlusive disease / sinusoidal obstruction syndrome, before now.
LABEL_PRIOR_VOD = N_("Prior VOD/SOS")
LABEL_LIVER_DISEASE = N_("Serious ongoing liver disease")
LABEL_HYPERSENSITIVITY = N_("Hypersensitivity")
NOT_GIVEN = N_("not given")
SKIPPED = N_("skipped")
NOT_CHECKED = N_("Not entered, so not checked: {items}.")

# Values shown in the summary
VALUE_BSA = N_("{bsa} m²")
VALUE_HEIGHT_WEIGHT = N_("{height} cm, {weight} kg")
# TRANSLATORS: {formula} is Mosteller or DuBois, {expression} the formula itself.
VALUE_BODY_BSA = N_("{height} cm, {weight} kg → BSA {bsa} m² ({formula}: {expression})")
VALUE_COUNT = N_("{value} ×10⁹/L")
VALUE_BLASTS = N_("{value}/mm³")
VALUE_LIVER = N_("bilirubin {bili}, AST {ast}, ALT {alt} ×ULN")
VALUE_CRCL = N_("{value} mL/min")
# TRANSLATORS: in the plan's read-back, a liver test typed without a unit; {reading} is e.g.
# "AST 3 ×ULN". For dialogs/render.py (LabValue.unit_typed).
READ_BACK_UNTYPED = N_("{reading} (no unit typed, read as ×ULN)")
# TRANSLATORS: serum creatinine as typed, with its unit (µmol/L or mg/dL).
VALUE_CREATININE = N_("creatinine {value} {unit}")
VALUE_DAYS = NP_("{value} day", "{value} days")
VALUE_YEARS = NP_("{value} year", "{value} years")

#: Numbers a prompt shows, filled by the renderer and so written the locale's way ("1,8" in
#: German): an example typed into a msgid would teach a French clinician to type "1.8", and a
#: threshold typed there could disagree with `rules/thresholds.py`.
PROMPT_VALUES: dict[str, dict[str, Decimal | int]] = {
    WELCOME: {"bsa": Decimal("1.8"), "anc": Decimal("1.5")},
    ASK_BODY: {"bsa": Decimal("1.8")},
    ASK_ANC: {"anc": Decimal("1.5")},
    ASK_COUNTS: {"anc": Decimal("1.8")},
    PLACEHOLDER_BODY: {"bsa": Decimal("1.8")},
    PLACEHOLDER_COUNTS: {"anc": Decimal("1.8")},
    ASK_ANC_BASELINE: {"anc_min": thresholds.ANC_MIN},
    ASK_PLATELETS_BASELINE: {"platelets_min": thresholds.PLATELETS_MIN},
    ASK_LIVER: {"bili": Decimal("1.2"), "ast": Decimal("0.8"), "alt": Decimal("0.9")},
    ASK_MRD: {"max_cycles_hsct": thresholds.MAX_CYCLES_HSCT},
}

# Label profile (/settings; rules/labels.py) ----------------------------------------------
# TRANSLATORS: {profile} is US or EU; {document} the label's short name and revision, such as
# "USPI 03/2024" (keep it as it is).
LABEL_NAME = N_("{profile} label ({document})")
MENU_SETTINGS = N_("Label profile: US or EU")
# TRANSLATORS: {label} is a translated "US label (USPI 03/2024)".
SETTINGS = N_("Plans follow the {label}. Choose the label profile of this chat:")
# TRANSLATORS: {label} is a translated "EU label (SmPC 02/2022)".
LABEL_SET = N_("Plans in this chat now follow the {label}.")
