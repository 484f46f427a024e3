"""The contract of the rules core: what a plan is asked with and what it answers.

Field names are a public contract (the `besponsa-bot plan` JSON command, the dialog and the
bot all use them): add fields freely, never rename or remove one.

Quantities are `Decimal`, never float, so that "1.8" stays exactly 1.8 from the clinician's
keyboard to the printed dose; in JSON output they are written as plain numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    SkipValidation,
    ValidationError,
    model_serializer,
    model_validator,
)

from rules.preparation import PreparationLine
from rules.protocol import DEFAULT_PROTOCOL, ProtocolStamp
from rules.thresholds import (
    ADULT_AGE_YEARS,
    CONTRACEPTION_FEMALE_MONTHS,
    CONTRACEPTION_MALE_MONTHS,
    DOSE_DAYS,
    FIRST_CYCLE,
    FIRST_DOSE_DAY,
    FULL_DOSE_LEVEL,
    LACTATION_MONTHS,
    LAST_DOSE_LEVEL,
    VIAL_MG,
    DoseDay,
)
from rules.units import (
    SHOWN_UNIT,
    TIMES_ULN,
    Analyte,
    UnitError,
    cockcroft_gault,
    is_times_uln,
    uln_multiple,
    unit_key,
)

JsonDecimal = Annotated[
    Decimal,
    PlainSerializer(lambda value: float(value), return_type=float, when_used="json"),
]


def _quantity(low: str, high: str) -> Any:
    """A finite decimal within the bounds that are physically possible (not merely usual)."""
    return Field(default=None, ge=Decimal(low), le=Decimal(high), allow_inf_nan=False)


Response = Literal["CR", "CRi", "none"]
Severity = Literal["info", "caution", "stop"]
Decision = Literal["give", "hold", "discontinue"]
#: A label profile; the same names as `rules.labels.Profile`.
Label = Literal["US", "EU"]
SourceKind = Literal["label", "label_silent", "local_convention", "literature", "not_in_label"]
#: What to do on the requested day (`rules/today.py`).
DayAction = Literal["give", "late", "omit", "hold", "discontinue"]

#: Hard limits: outside them a value is impossible or certainly in another unit, and the
#: request is refused with the field named. Unusual-but-possible values get a caution instead.
LIMITS: dict[str, tuple[str, str]] = {
    "bsa_m2": ("0.2", "3.5"),
    "height_cm": ("30", "250"),
    "weight_kg": ("2", "350"),
    "anc": ("0", "100"),
    "platelets": ("0", "2000"),
    "anc_baseline": ("0", "100"),
    "platelets_baseline": ("0", "2000"),
    "blasts_per_mm3": ("0", "1000000"),
    "bilirubin_uln": ("0", "50"),
    "ast_uln": ("0", "200"),
    "alt_uln": ("0", "200"),
    "crcl_ml_min": ("0", "300"),
    "age_years": ("0", "120"),
}


#: The last dates whose derived dates (the cycle's dose days; contraception and lactation
#: months after the last dose) the calendar can still hold, so that no date arithmetic of the
#: engine can overflow for a request the contract accepts. Whether a date is plausible against
#: today is the caller's check (the clock is not the rules core's).
LATEST_START_DATE = dt.date.max - dt.timedelta(days=max(DOSE_DAYS) - 1)
_MONTHS_AFTER_LAST_DOSE = max(
    CONTRACEPTION_FEMALE_MONTHS, CONTRACEPTION_MALE_MONTHS, LACTATION_MONTHS
)
LATEST_LAST_DOSE_DATE = dt.date(dt.date.max.year, 13 - _MONTHS_AFTER_LAST_DOSE, 1) - dt.timedelta(
    days=1
)


#: The largest lab value or ULN the contract takes: a bound against typing slips, no clinical limit.
MAX_LAB_VALUE = Decimal(100_000)


class LabValue(BaseModel):
    """A lab value as the lab prints it: {"value": 34, "unit": "umol/L", "uln": 21}.

    `uln` is in the same unit as `value`; a multiple of the ULN ("unit": "xULN") needs none. An
    absolute value without its ULN is refused, never assumed normal: site ULNs differ
    (bilirubin 17-22 µmol/L, AST/ALT about 33-56 U/L).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: JsonDecimal = Field(ge=Decimal(0), le=MAX_LAB_VALUE, allow_inf_nan=False)
    #: "" only with `uln`: the value and the ULN in the same unit, unnamed ("bili 34/21").
    unit: str = Field(max_length=20)
    uln: JsonDecimal | None = Field(
        default=None, gt=Decimal(0), le=MAX_LAB_VALUE, allow_inf_nan=False
    )
    #: The ULN's unit when it differs from `unit` (a site ULN in µmol/L, a value in mg/dL).
    uln_unit: str | None = Field(default=None, min_length=1, max_length=20)
    #: Where the ULN comes from: typed with the value, or the site's setting.
    uln_source: Literal["given", "site"] = "given"
    #: False: no unit was typed, and the number was read as `unit` because no other reading
    #: was possible (a bare liver number with no ULN known is ×ULN); the read-back says so.
    unit_typed: bool = True

    @model_validator(mode="after")
    def _only_times_uln_untyped(self) -> LabValue:
        if not self.unit_typed and not (is_times_uln(self.unit) and unit_key(self.unit)):
            raise ValueError(f"unit_typed: false only for a multiple of the ULN ({TIMES_ULN})")
        return self


#: The lab-value objects and the request field each one fills.
LAB_FIELDS = {"bilirubin": "bilirubin_uln", "ast": "ast_uln", "alt": "alt_uln"}


#: A value read back: a yes/no, a whole number, a quantity or a word. Not validated again: each
#: comes from a request that was (`PlanRequest.inputs`), and a four-way union is checked member
#: by member, which made the read-back a third of a plan's time (`bench/bench_rules.py`,
#: BENCHMARKS.md). The type still chooses how it is written (a Decimal as a JSON number).
ReadBackValue = Annotated[bool | int | JsonDecimal | str, SkipValidation]


class InputUsed(BaseModel):
    """What the plan used for one field: as given (value, unit) and the value used, so that a
    frontend can read it back ("bilirubin 34 µmol/L = 1.62 × ULN (ULN 21, site setting)")."""

    model_config = ConfigDict(frozen=True)

    field: str
    given: ReadBackValue
    unit: str | None = None
    used: ReadBackValue
    used_unit: str | None = None
    uln: JsonDecimal | None = None
    uln_unit: str | None = None
    uln_source: Literal["given", "site"] | None = None
    #: False: no unit was typed, the value was read as `unit` (`LabValue.unit_typed`).
    unit_typed: bool = True


#: The quantities a plan reads back, in order, with the unit of the value used.
READ_BACK_FIELDS: tuple[tuple[str, str | None], ...] = (
    ("bsa_m2", "m²"),
    ("height_cm", "cm"),
    ("weight_kg", "kg"),
    ("cycle", None),
    ("response", None),
    ("anc", "×10⁹/L"),
    ("anc_baseline", "×10⁹/L"),
    ("platelets", "×10⁹/L"),
    ("platelets_baseline", "×10⁹/L"),
    ("blasts_per_mm3", "/mm³"),
    ("bilirubin_uln", TIMES_ULN),
    ("ast_uln", TIMES_ULN),
    ("alt_uln", TIMES_ULN),
    ("crcl_ml_min", "mL/min"),
)
#: The other fields that shape a plan, read back when given (or not at their default): the
#: dose day and level, the interruption, HSCT and MRD, the label, the patient, the toxicities.
READ_BACK_CHOICES: tuple[str, ...] = (
    "day",
    "dose_level",
    "interruption_days",
    "dose_level_includes_interruption",
    "hsct_planned",
    "mrd_negative",
    "label",
    "age_years",
    "sex",
    "pregnant",
    "breastfeeding",
    "last_dose_date",
    "gilbert_or_hemolysis",
    "vod",
    "infusion_reaction",
    "nonheme_grade",
    "cytopenia_days",
    "prior_vod",
    "serious_liver_disease",
    "hypersensitivity",
)


class PlanRequest(BaseModel):
    """One question to the rules core: the patient's situation at the start of a dose."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bsa_m2: JsonDecimal | None = _quantity(*LIMITS["bsa_m2"])
    height_cm: JsonDecimal | None = _quantity(*LIMITS["height_cm"])
    weight_kg: JsonDecimal | None = _quantity(*LIMITS["weight_kg"])
    bsa_formula: Literal["mosteller", "dubois"] = "mosteller"
    cycle: int = Field(ge=1, le=99, strict=True)
    response: Response | None = None
    hsct_planned: bool = Field(default=False, strict=True)
    mrd_negative: bool | None = Field(default=None, strict=True)
    anc: JsonDecimal | None = _quantity(*LIMITS["anc"])
    platelets: JsonDecimal | None = _quantity(*LIMITS["platelets"])
    anc_baseline: JsonDecimal | None = _quantity(*LIMITS["anc_baseline"])
    platelets_baseline: JsonDecimal | None = _quantity(*LIMITS["platelets_baseline"])
    blasts_per_mm3: JsonDecimal | None = _quantity(*LIMITS["blasts_per_mm3"])
    bilirubin_uln: JsonDecimal | None = _quantity(*LIMITS["bilirubin_uln"])
    ast_uln: JsonDecimal | None = _quantity(*LIMITS["ast_uln"])
    alt_uln: JsonDecimal | None = _quantity(*LIMITS["alt_uln"])
    gilbert_or_hemolysis: bool = Field(default=False, strict=True)
    crcl_ml_min: JsonDecimal | None = _quantity(*LIMITS["crcl_ml_min"])
    vod: bool = Field(default=False, strict=True)
    infusion_reaction: Literal["none", "mild", "severe"] = "none"
    nonheme_grade: int = Field(default=0, ge=0, le=4, strict=True)
    #: The dose day of the cycle this request is for: Table 2 count rules apply on Day 1 only.
    day: DoseDay = FIRST_DOSE_DAY
    #: How long the toxicity interruption has lasted at the dose being planned, in days (label
    #: Table 4). The labels do not say from when it is counted: the clinician does.
    interruption_days: int | None = Field(default=None, ge=0, le=365, strict=True)
    cytopenia_days: int | None = Field(default=None, ge=0, le=365, strict=True)
    #: The dose level in effect for this cycle after earlier reductions (label Table 4): 0 full,
    #: 1 total −25 %, 2 two doses per cycle. A reduction applies to a subsequent cycle.
    dose_level: int = Field(
        default=FULL_DOSE_LEVEL, ge=FULL_DOSE_LEVEL, le=LAST_DOSE_LEVEL, strict=True
    )
    #: The date of Day 1 of this cycle.
    start_date: dt.date | None = None
    last_dose_date: dt.date | None = None
    sex: Literal["female", "male"] | None = None
    pregnant: bool | None = Field(default=None, strict=True)
    breastfeeding: bool | None = Field(default=None, strict=True)
    age_years: JsonDecimal | None = _quantity(*LIMITS["age_years"])
    #: "18 or older" answered without the age in years (the population question); an age in
    #: years, where given, is what the rules read.
    adult: bool | None = Field(default=None, strict=True)
    #: The label profile the plan follows (`rules/labels.py`): which document each warning
    #: cites, the population, the vial, and the rows only one label has.
    label: Label = "US"
    #: EU contraindications (EU PL 2): prior confirmed severe or ongoing VOD/SOS, and serious
    #: ongoing liver disease. None: not known. Under the US profile a risk factor (USPI 5.1).
    prior_vod: bool | None = Field(default=None, strict=True)
    serious_liver_disease: bool | None = Field(default=None, strict=True)
    #: Hypersensitivity to inotuzumab ozogamicin or an excipient: an EU contraindication
    #: (SmPC 4.3); the USPI lists no contraindication. None: not known.
    hypersensitivity: bool | None = Field(default=None, strict=True)
    #: With `dose_level` 1 or more and an interruption of 14 days or more at Day 1: whether the
    #: entered level already includes this interruption's reduction (True: not stepped again),
    #: or is the level before it (False). None: not said; read as the level before it, and the
    #: plan says so (`Plan.dose_level_reading`).
    dose_level_includes_interruption: bool | None = Field(default=None, strict=True)
    locale: str = Field(default="en", min_length=2, max_length=10, pattern=r"^[A-Za-z_-]+$")
    #: Liver tests as the lab prints them (`LabValue`); each fills its `*_uln` field.
    bilirubin: LabValue | None = None
    ast: LabValue | None = None
    alt: LabValue | None = None
    #: Serum creatinine (µmol/L or mg/dL): with age, weight and sex it gives `crcl_ml_min` by
    #: Cockcroft-Gault (`rules/units.py`); information only. A `crcl_ml_min` given with it must
    #: agree.
    creatinine: LabValue | None = None

    @model_validator(mode="after")
    def _lab_values(self) -> PlanRequest:
        """Lab objects become the multiples and the clearance the rules read: conversion at the
        model boundary, so the engine sees only `*_uln` and `crcl_ml_min`."""
        for name, target in LAB_FIELDS.items():
            lab: LabValue | None = getattr(self, name)
            if lab is None:
                continue
            multiple = _multiple(name, lab)
            given = getattr(self, target)
            if given is not None and given != multiple:
                raise ValueError(f"{name}: disagrees with {target} ({given})")
            low, high = (Decimal(limit) for limit in LIMITS[target])
            if not low <= multiple <= high:
                raise ValueError(f"{name}: {multiple:.2f} × ULN is outside {low}-{high} × ULN")
            object.__setattr__(self, target, multiple)
        if self.creatinine is not None:
            # Two sources of one number: which one the clinician meant is not ours to pick, so a
            # typed CrCl must be the one the creatinine gives (as a stored request holds it).
            clearance = self._clearance(self.creatinine)
            if self.crcl_ml_min is not None and self.crcl_ml_min != clearance:
                raise ValueError(
                    f"creatinine: gives a CrCl of {clearance} mL/min, which disagrees with"
                    f" crcl_ml_min ({self.crcl_ml_min}); give one of them"
                )
            object.__setattr__(self, "crcl_ml_min", clearance)
        return self

    def _clearance(self, lab: LabValue) -> Decimal:
        if self.age_years is None or self.weight_kg is None or self.sex is None:
            raise ValueError("creatinine: Cockcroft-Gault needs age_years, weight_kg and sex")
        if self.age_years < ADULT_AGE_YEARS:
            raise ValueError(
                f"creatinine: Cockcroft-Gault is an adult formula, not computed under"
                f" {ADULT_AGE_YEARS}; give crcl_ml_min"
            )
        try:
            crcl = cockcroft_gault(lab.value, lab.unit, self.age_years, self.weight_kg, self.sex)
        except UnitError as error:
            raise ValueError(f"creatinine: {error}") from None
        return min(crcl, Decimal(LIMITS["crcl_ml_min"][1]))

    def inputs(self) -> list[InputUsed]:
        """What a plan for this request uses, as given and as used, in `READ_BACK_FIELDS` order."""
        used: list[InputUsed] = []
        for name, unit in READ_BACK_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            lab = getattr(self, _LAB_OF[name]) if name in _LAB_OF else None
            if name == "crcl_ml_min" and self.creatinine is not None:
                lab = self.creatinine
            shown = value if isinstance(value, str | int) else Decimal(value)
            if lab is None:
                used.append(
                    InputUsed(field=name, given=shown, unit=unit, used=shown, used_unit=unit)
                )
                continue
            key = unit_key(lab.unit)
            lab_unit = SHOWN_UNIT.get(key, TIMES_ULN) if key else None
            used.append(
                InputUsed(
                    field=name,
                    given=lab.value,
                    unit=lab_unit,
                    used=shown,
                    used_unit=unit,
                    uln=lab.uln,
                    uln_unit=SHOWN_UNIT.get(unit_key(lab.uln_unit or lab.unit))
                    if lab.uln
                    else None,
                    uln_source=lab.uln_source if lab.uln is not None else None,
                    unit_typed=lab.unit_typed,
                )
            )
        return used + self._choices_used()

    @property
    def day_given(self) -> bool:
        """Whether the request names its dose day (`day`), rather than planning from Day 1 by
        default: the plan then says what to do on that day (`Plan.day_action`)."""
        return "day" in self.model_fields_set

    @model_serializer(mode="wrap")
    def _day_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """`day` is written only when given, so that a stored request read back (and its receipt,
        `rules/receipt.py`) still tells a day given from the default."""
        data: dict[str, Any] = handler(self)
        if not self.day_given:
            data.pop("day", None)
        return data

    def _choices_used(self) -> list[InputUsed]:
        """`READ_BACK_CHOICES` away from their default (the dose day: when given), as given
        (dates ISO): a field at its default plans as if it were not there."""
        used: list[InputUsed] = []
        for name in READ_BACK_CHOICES:
            value = getattr(self, name)
            if value is None:
                continue
            given = self.day_given if name == "day" else False
            if not given and value == _CHOICE_DEFAULTS[name]:
                continue
            shown = value.isoformat() if isinstance(value, dt.date) else value
            used.append(InputUsed(field=name, given=shown, used=shown))
        return used

    @model_validator(mode="after")
    def _complete(self) -> PlanRequest:
        if self.bsa_m2 is None and (self.height_cm is None or self.weight_kg is None):
            missing = "height_cm" if self.height_cm is None else "weight_kg"
            if self.height_cm is None and self.weight_kg is None:
                missing = "bsa_m2"
            raise ValueError(f"{missing}: give bsa_m2, or both height_cm and weight_kg")
        if self.bsa_m2 is None:
            from rules.bsa import body_surface_area

            assert self.height_cm is not None and self.weight_kg is not None
            bsa = body_surface_area(self.height_cm, self.weight_kg, self.bsa_formula)
            low, high = (Decimal(limit) for limit in LIMITS["bsa_m2"])
            if not low <= bsa <= high:
                raise ValueError(
                    f"weight_kg: height and weight give a BSA of {bsa} m², outside {low}-{high} m²"
                )
        if self.cycle >= 2 and self.response is None:
            raise ValueError("response: required from cycle 2 (CR, CRi or none)")
        self._consistent()
        return self

    def _consistent(self) -> None:
        """Requests that contradict themselves are refused, with the field named, rather than
        answered as if one of the two values were not there."""
        if self.sex == "male":
            for field in ("pregnant", "breastfeeding"):
                if getattr(self, field) is True:
                    raise ValueError(f"{field}: cannot be true when sex is male")
        if self.cycle == FIRST_CYCLE and self.dose_level > FULL_DOSE_LEVEL:
            raise ValueError(
                "dose_level: a reduced dose level applies to a subsequent cycle, not to cycle 1"
            )
        if self.start_date is not None and self.start_date > LATEST_START_DATE:
            raise ValueError(
                f"start_date: the cycle's dose dates would fall after {dt.date.max.isoformat()}"
            )
        if self.last_dose_date is not None and self.last_dose_date > LATEST_LAST_DOSE_DATE:
            raise ValueError(
                f"last_dose_date: the dates after the last dose would fall after "
                f"{dt.date.max.isoformat()}"
            )


#: Each liver multiple → the field that holds its lab value as typed.
_LAB_OF = {target: name for name, target in LAB_FIELDS.items()}
#: The default of each read-back choice, looked up once per process: a class's `model_fields`
#: is a computed property in pydantic 2.11 and later, read nine times per plan otherwise.
_CHOICE_DEFAULTS = {name: PlanRequest.model_fields[name].default for name in READ_BACK_CHOICES}


class Dose(BaseModel):
    """One infusion of the cycle, in every unit the nurse and the pharmacist need."""

    model_config = ConfigDict(frozen=True)

    day: int
    mg_per_m2: JsonDecimal
    mg: JsonDecimal
    ml: JsonDecimal
    vials: int
    date: dt.date | None = None
    #: The dates this dose may be given on (Days 8 and 15: ±2 days, and at least 6 days after
    #: Day 1; USPI Table 1 footnote); null without a Day 1 date and for Day 1 itself, which is
    #: the date the cycle starts on.
    window_earliest: dt.date | None = None
    window_latest: dt.date | None = None
    #: A dose banded by the site's protocol (`rules/site_doses.py`): the dose as calculated,
    #: and the change in percent (mg, mL and vials above are the banded dose's).
    banded_from_mg: JsonDecimal | None = None
    band_change_percent: JsonDecimal | None = None


class WarningSource(BaseModel):
    """One citation of a warning's rule under the plan's label profile (`rules/labels.py`):
    its kind, and the reference as printed ("USPI 2.3, Table 2 (03/2024)"; "" for a local
    convention). A transport renders the words for the kind in the chat's language."""

    model_config = ConfigDict(frozen=True)

    kind: SourceKind
    reference: str = ""


class PlanWarning(BaseModel):
    """A safety message. `key` and `params` let a transport render it in any language;
    `message` is the English rendering (or the request's locale, from the plan command).
    `source` is the citation of the rule under the plan's label, documents only ("USPI 2.3,
    Table 2 (03/2024)"); `sources` gives every citation with its kind."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    source: str
    sources: tuple[WarningSource, ...] = ()
    key: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    #: A hold in one line (`rules/holds.py`): the value against its threshold and the row, and
    #: "resume when …", the row's recovery criterion; "" when the row has none.
    summary_key: str = ""
    resume_key: str = ""
    #: Label sections the rule rests on that were not read word for word, and which the site's
    #: protocol has not confirmed either (`rules/confirmation.py`): "not yet confirmed by the site".
    site_unconfirmed: tuple[str, ...] = ()


class Plan(BaseModel):
    """The answer of the rules core. A plan to hold or to stop is still a plan."""

    model_config = ConfigDict(frozen=True)

    decision: Decision
    #: What to do on the requested day (`rules/today.py`): give, late (given late), omit,
    #: hold or discontinue; null when the request gave no day.
    day_action: DayAction | None = None
    cycle: int
    cycle_length_days: int
    cycle_length_max_days: int
    #: The dose being planned (`day` of the request) and the later ones of the cycle.
    doses: list[Dose]
    #: The whole cycle's total; null when the label gives none (dose level 2).
    total_mg_per_m2: JsonDecimal | None
    total_mg: JsonDecimal | None
    dose_split_specified: bool = True
    #: The dose level the plan is computed at: the request's, or the next one when an
    #: interruption of 14 days or more ends at Day 1 of a cycle (label Table 4).
    dose_level: int = 0
    #: Days of this cycle whose dose is omitted (label Table 4, interruption of 7 days or more).
    omitted_days: list[int] = Field(default_factory=list)
    #: A plan to hold: the doses that will be given once recovered, from the requested day on
    #: (full dose level only; a reduced level has no split). Not today's doses: `doses` is empty.
    doses_once_recovered: list[Dose] = Field(default_factory=list)
    #: How an entered dose level of 1 or more was read at Day 1 after an interruption of 14 days
    #: or more: "includes_interruption" (not stepped again) or "before_interruption" (stepped,
    #: the request said so or did not say: `stated` tells which); null otherwise.
    dose_level_reading: Literal["includes_interruption", "before_interruption"] | None = None
    dose_level_reading_stated: bool = False
    #: Why `doses` is empty although the decision is to give (a short code), else null; so that
    #: no frontend can read an empty list as "nothing to give".
    doses_unspecified_reason: str | None = None
    bsa_m2: JsonDecimal
    bsa_method: Literal["given", "mosteller", "dubois"]
    #: With a BSA entered and height and weight given too: the BSA they give (the request's
    #: formula), for the clinician to compare; the entered BSA is the one dosed. No cut-off
    #: decides when the two disagree: both are shown. Null otherwise.
    bsa_from_height_weight: JsonDecimal | None = None
    #: The formula of a BSA from height and weight (the request's), for the read-back.
    bsa_formula: Literal["mosteller", "dubois"] = "mosteller"
    max_cycles: int
    warnings: list[PlanWarning]
    rules: list[str]
    ruleset_version: str
    #: The label profile the plan follows, and the vial as that label gives it and as vials
    #: are counted (0.9 mg withdrawable under both: `rules.labels.Vial`).
    label: Label = "US"
    vial_labelled_mg: JsonDecimal = VIAL_MG
    vial_counted_mg: JsonDecimal = VIAL_MG
    #: The earliest Day 1 of the next cycle: Day 1 of this cycle plus its length (USPI Table 1);
    #: null without a Day 1 date or when the decision is not to give.
    next_cycle_earliest: dt.date | None = None
    #: The same when cycle 1 is extended to 28 days (CR/CRi and/or recovery from toxicity);
    #: null when the cycle cannot be extended.
    next_cycle_extended: dt.date | None = None
    #: The plan's check code ("K7QM-2XPA", `rules/receipt.py`): random, set by the transport
    #: when it stores the plan for an independent check; empty until then.
    receipt: str = ""
    #: What the plan used, as given and as used (`PlanRequest.inputs`), for the read-back.
    inputs: list[InputUsed] = Field(default_factory=list)
    #: The site protocol the plan follows (`rules/protocol.py`): name, version, status, date
    #: signed and the file's SHA-256; the product's defaults, a draft, without a file.
    protocol: ProtocolStamp = Field(default_factory=DEFAULT_PROTOCOL.stamp)
    #: How each dose is prepared, from the protocol's [preparation]; empty without it.
    preparation: list[PreparationLine] = Field(default_factory=list)


def _multiple(name: str, lab: LabValue) -> Decimal:
    if not unit_key(lab.unit):
        if lab.uln is None:
            raise ValueError(f"{name}: a unit is required (or {TIMES_ULN} for a multiple)")
    elif is_times_uln(lab.unit):
        if lab.uln is not None:
            raise ValueError(f"{name}: a multiple of the ULN ({lab.unit}) takes no uln")
        return lab.value
    if lab.uln is None:
        raise ValueError(
            f"{name}: {lab.value} {lab.unit} needs its upper limit of normal (uln), in the same"
            f" unit; or give {LAB_FIELDS[name]} as a multiple of the ULN"
        )
    try:
        return uln_multiple(cast(Analyte, name), lab.value, lab.unit, lab.uln, lab.uln_unit)
    except UnitError as error:
        raise ValueError(f"{name}: {error}") from None


def first_error(error: ValidationError) -> tuple[str, str]:
    """(field, message) of the first problem, for a reply that names the field.

    Model validators here raise "field: message", since a whole-model check has no location
    of its own; pydantic's "Value error, " prefix is dropped. The field is "" when unknown.
    """
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field and ": " in message:
        field, message = message.split(": ", 1)
    return field, message
