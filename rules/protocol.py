"""The site's protocol: the decisions the labels leave open, taken by the site's pharmacy.

A hospital pharmacy signs a regimen protocol before anything is prepared. This model is that
protocol's content as the rules core reads it (the file itself is read by
`bot/protocol_file.py`): who signed it, the laboratory's ULNs, how a reduced cycle is split, how
a dose is banded, the preparation numbers, the pregnancy policy, and which label sections the
site's pharmacist has read word for word. `docs/protocol.md` documents every key;
`docs/clinical-basis.md` says which decisions a protocol may take.

No key changes a threshold or a dose the label gives: a reduced dose is the label's total, a
band moves a prepared amount by at most the site's percentage, and the concentration after
reconstitution must be the label's. Without a file the plan follows `DEFAULT_PROTOCOL`: the
product's own choices, in draft, signed by nobody.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from rules.confirmation import cited_sections
from rules.thresholds import DOSE_DAYS, DOSES_AT_LEVEL_TWO, MG_PER_ML, REDUCED_FRACTION
from rules.units import LIVER_ANALYTES, SiteUlnError, parse_site_uln

#: The name a plan shows when no protocol file is given.
DEFAULT_NAME = "besponsa-bot defaults"
Status = Literal["draft", "signed"]
Label = Literal["US", "EU"]


def _exact_number(value: Any) -> Any:
    """A whole number read as a Decimal; text stays text, which the strict model refuses (a
    quoted "0.5" is a typing slip the site should see, not a number to guess)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


Number = Annotated[Decimal, BeforeValidator(_exact_number)]
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class Signatory(BaseModel):
    """One person who signed the protocol: `{ name = "A. Name", role = "Pharmacist" }`."""

    model_config = _STRICT

    name: str = Field(min_length=1, max_length=100)
    role: str = Field(min_length=1, max_length=100)


class SiteSection(BaseModel):
    """[site]: which protocol this is, who signed it, and the site's own choices of setup."""

    model_config = _STRICT

    name: str = Field(default=DEFAULT_NAME, min_length=1, max_length=100)
    version: str = Field(default="0", min_length=1, max_length=30)
    status: Status = "draft"
    signed_by: list[Signatory] = Field(default_factory=list)
    signed_on: dt.date | None = None
    #: The label profile of the site (`rules/labels.py`); BOT_LABEL overrides it.
    label: Label | None = None
    #: True: the service treats adults only, so age is not asked and the caution of a missing
    #: age is not shown (the frontends read it; the rules still act on an age given).
    adult_only_service: bool = False

    @model_validator(mode="after")
    def _signed_has_signature(self) -> SiteSection:
        if self.status == "signed" and not self.signed_by:
            raise ValueError("signed_by: a signed protocol names who signed it")
        if self.status == "signed" and self.signed_on is None:
            raise ValueError("signed_on: a signed protocol has the date it was signed")
        return self


class UlnSection(BaseModel):
    """[uln]: the site laboratory's upper limits of normal, as BOT_ULN_* take them."""

    model_config = _STRICT

    bilirubin: str | None = None
    ast: str | None = None
    alt: str | None = None

    @model_validator(mode="after")
    def _readable(self) -> UlnSection:
        for analyte in LIVER_ANALYTES:
            setting = getattr(self, analyte)
            if setting is None:
                continue
            try:
                parse_site_uln(analyte, setting)
            except SiteUlnError as error:
                raise ValueError(f"{analyte}: {error}") from None
        return self

    def settings(self) -> dict[str, str]:
        """The ULNs given, by analyte, as text ("21 umol/L")."""
        return {a: getattr(self, a) for a in LIVER_ANALYTES if getattr(self, a) is not None}


class SiteDose(BaseModel):
    """One dose of a cycle at dose level 2, as the site prescribes it."""

    model_config = _STRICT

    day: int = Field(ge=1)
    mg_per_m2: Number = Field(gt=Decimal(0), allow_inf_nan=False)

    @field_validator("day")
    @classmethod
    def _dose_day(cls, day: int) -> int:
        if day not in DOSE_DAYS:
            raise ValueError(f"a dose day of the cycle expected ({', '.join(map(str, DOSE_DAYS))})")
        return day


def level_one_total_limit() -> Decimal:
    """The smallest total mg/m² of dose level 1 of a later cycle (the label's total × 0.75):
    level 2 comes after level 1 and must not give more, whatever the response."""
    from rules.engine import REGIMENS  # the regimens live with the engine that doses them

    later = ("later_cycle_response", "later_cycle_no_response")
    return min(sum(per_m2 for _, per_m2 in REGIMENS[name]) for name in later) * REDUCED_FRACTION


class ReductionSection(BaseModel):
    """[reduction]: what the label leaves open at the reduced dose levels (label Table 4)."""

    model_config = _STRICT

    #: "proportional": each dose of the cycle × 0.75 (the label gives the total only).
    level1_split: Literal["proportional"] | None = None
    #: The site's doses for "2 doses per cycle" (dose level 2).
    level2_doses: list[SiteDose] | None = None

    @field_validator("level2_doses")
    @classmethod
    def _two_doses(cls, doses: list[SiteDose] | None) -> list[SiteDose] | None:
        if doses is None:
            return None
        if len(doses) != DOSES_AT_LEVEL_TWO:
            raise ValueError(f"{DOSES_AT_LEVEL_TWO} doses expected (the label's dose level 2)")
        days = [dose.day for dose in doses]
        if days != sorted(set(days)):
            raise ValueError("two different days, in order, expected")
        total = sum((dose.mg_per_m2 for dose in doses), Decimal(0))
        limit = level_one_total_limit()
        if total > limit:
            raise ValueError(
                f"a total of {total} mg/m² is above dose level 1's ({limit} mg/m² per cycle)"
            )
        return doses


class BandingSection(BaseModel):
    """[banding]: a dose rounded to the nearest step when that moves it by at most the
    percentage; otherwise the dose as calculated."""

    model_config = _STRICT

    step_mg: Number = Field(gt=Decimal(0), le=Decimal(10), allow_inf_nan=False)
    #: Structural bounds only; the site chooses its own limit.
    max_change_percent: Number = Field(gt=Decimal(0), lt=Decimal(100), allow_inf_nan=False)


class PreparationSection(BaseModel):
    """[preparation]: the site's preparation numbers; the card's "prepare" lines come from them
    alone. The product supplies none of these numbers itself."""

    model_config = _STRICT

    reconstitution_ml_per_vial: Number = Field(gt=Decimal(0), le=Decimal(100))
    #: After reconstitution; must be the label's (a protocol does not change a label's fact).
    concentration_mg_per_ml: Number = Field(gt=Decimal(0))
    diluent: str = Field(min_length=1, max_length=80)
    #: Either a final volume of the infusion or a range of final concentrations.
    final_volume_ml: Number | None = Field(default=None, gt=Decimal(0), le=Decimal(1000))
    final_concentration_mg_per_ml: list[Number] | None = None
    infusion_minutes: int = Field(gt=0, le=24 * 60)

    @field_validator("concentration_mg_per_ml")
    @classmethod
    def _label_concentration(cls, value: Decimal) -> Decimal:
        if value != MG_PER_ML:
            raise ValueError(
                f"the label gives {MG_PER_ML} mg/mL after reconstitution; a protocol cannot"
                " change it"
            )
        return value

    @field_validator("final_concentration_mg_per_ml")
    @classmethod
    def _range(cls, value: list[Decimal] | None) -> list[Decimal] | None:
        if value is not None and (len(value) != 2 or not Decimal(0) < value[0] < value[1]):
            raise ValueError("two concentrations expected, lowest first: [0.01, 0.1]")
        return value

    @model_validator(mode="after")
    def _one_final(self) -> PreparationSection:
        given = (self.final_volume_ml is not None) + (
            self.final_concentration_mg_per_ml is not None
        )
        if given != 1:
            raise ValueError(
                "final_volume_ml: give either final_volume_ml or final_concentration_mg_per_ml"
            )
        return self


class PolicySection(BaseModel):
    """[policy]: the site's decisions where the labels differ from each other or say less."""

    model_config = _STRICT

    #: "stop": pregnancy holds the dose (the product's default); "caution": it warns only.
    pregnancy: Literal["stop", "caution"] = "stop"


#: "2026-11-30, A. Name": the date the section was read against the document, and by whom.
_CONFIRMATION = re.compile(r"(\d{4}-\d{2}-\d{2}), *(\S.{0,99})")


class ProtocolStamp(BaseModel):
    """What every plan shows of the protocol it follows (the JSON plan's `protocol`)."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    status: Status
    signed_on: dt.date | None = None
    #: The SHA-256 of the protocol file; null without a file.
    sha256: str | None = None


class Protocol(BaseModel):
    """A site protocol: every section optional; what is absent is the product's default."""

    model_config = _STRICT

    site: SiteSection = Field(default_factory=SiteSection)
    uln: UlnSection = Field(default_factory=UlnSection)
    reduction: ReductionSection = Field(default_factory=ReductionSection)
    banding: BandingSection | None = None
    preparation: PreparationSection | None = None
    policy: PolicySection = Field(default_factory=PolicySection)
    #: Label sections read against the official document:
    #: {"USPI 2.3 Table 4" = "2026-11-30, A. Name"}.
    confirmed: dict[str, str] = Field(default_factory=dict)
    #: The SHA-256 of the file this came from (set by the reader, not a key of the file).
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @field_validator("confirmed")
    @classmethod
    def _known_sections(cls, confirmed: dict[str, str]) -> dict[str, str]:
        known = cited_sections()
        for section, confirmation in confirmed.items():
            if section not in known:
                raise ValueError(
                    f'"{section}": not a section the rules cite (such as USPI 2.3 Table 4)'
                )
            match = _CONFIRMATION.fullmatch(confirmation)
            if match is None:
                raise ValueError(f'"{section}": "YYYY-MM-DD, name" expected')
            try:
                dt.date.fromisoformat(match.group(1))
            except ValueError:
                raise ValueError(f'"{section}": {match.group(1)} is not a calendar date') from None
        return confirmed

    @property
    def adult_only_service(self) -> bool:
        """The service treats adults only: no age question, no caution for a missing age."""
        return self.site.adult_only_service

    @property
    def signed(self) -> bool:
        return self.site.status == "signed"

    def stamp(self) -> ProtocolStamp:
        return _stamp(
            self.site.name, self.site.version, self.site.status, self.site.signed_on, self.sha256
        )


@cache
def _stamp(
    name: str, version: str, status: Status, signed_on: dt.date | None, sha256: str | None
) -> ProtocolStamp:
    return ProtocolStamp(
        name=name, version=version, status=status, signed_on=signed_on, sha256=sha256
    )


#: The plan of a site without a protocol file: the product's defaults, a draft.
DEFAULT_PROTOCOL = Protocol()
