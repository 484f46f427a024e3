"""The answers collected so far: a rules request in which every field may still be missing.

Declared field by field, so that the dialog reads `draft.cycle` with its type; it has exactly
the fields of `rules.models.PlanRequest` but `locale` (checked by `tests/test_dialog.py`).
Quantities stay `Decimal` and are stored as decimal text, so what the clinician typed is what
the rules core receives; the request's own limits are checked when the request is built.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from rules.models import Label, LabValue, PlanRequest, Response


class Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    bsa_m2: Decimal | None = None
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    bsa_formula: Literal["mosteller", "dubois"] | None = None
    cycle: int | None = None
    response: Response | None = None
    hsct_planned: bool | None = None
    mrd_negative: bool | None = None
    anc: Decimal | None = None
    platelets: Decimal | None = None
    anc_baseline: Decimal | None = None
    platelets_baseline: Decimal | None = None
    blasts_per_mm3: Decimal | None = None
    bilirubin_uln: Decimal | None = None
    ast_uln: Decimal | None = None
    alt_uln: Decimal | None = None
    gilbert_or_hemolysis: bool | None = None
    crcl_ml_min: Decimal | None = None
    vod: bool | None = None
    infusion_reaction: Literal["none", "mild", "severe"] | None = None
    nonheme_grade: int | None = None
    day: Literal[1, 8, 15] | None = None
    interruption_days: int | None = None
    cytopenia_days: int | None = None
    dose_level: int | None = None
    start_date: dt.date | None = None
    last_dose_date: dt.date | None = None
    sex: Literal["female", "male"] | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    age_years: Decimal | None = None
    adult: bool | None = None
    label: Label | None = None
    prior_vod: bool | None = None
    serious_liver_disease: bool | None = None
    hypersensitivity: bool | None = None
    dose_level_includes_interruption: bool | None = None
    #: Liver tests and creatinine as typed (`rules.models.LabValue`), beside the multiples the
    #: rules read; stored as JSON numbers, whose shortest form reads back as the same Decimal.
    bilirubin: LabValue | None = None
    ast: LabValue | None = None
    alt: LabValue | None = None
    creatinine: LabValue | None = None


def draft_values(draft: Draft) -> dict[str, Any]:
    """The answers given so far, without the unanswered ones."""
    return {name: value for name, value in draft if value is not None}


def to_request(draft: Draft, locale: str, label: Label = "US") -> PlanRequest | ValidationError:
    """The complete request for the rules core, or why the answers do not make one. `label` is
    the chat's label profile; one typed with the answers (`label=EU`) takes its place."""
    try:
        values = {"label": label, **draft_values(draft), "locale": locale}
        return PlanRequest.model_validate(values)
    except ValidationError as error:
        return error
