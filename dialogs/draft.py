"""The answers collected so far: a rules request in which every field may still be missing.

Derived from `PlanRequest` so that the two can never drift apart; quantities stay `Decimal`
and are stored as decimal text, so what the clinician typed is what the rules core receives.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from rules.models import PlanRequest


def _is_decimal(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is Decimal


def _optional_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, info in PlanRequest.model_fields.items():
        annotation: Any = info.annotation
        if any(_is_decimal(arg) for arg in get_args(annotation)):
            annotation = Decimal | None
        fields[name] = (annotation | None, None)
    return fields


class _DraftBase(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


Draft: type[BaseModel] = create_model("Draft", __base__=_DraftBase, **_optional_fields())


def draft_values(draft: BaseModel) -> dict[str, Any]:
    """The answers given so far, without the unanswered ones."""
    return {name: value for name, value in draft if value is not None}


def to_request(draft: BaseModel, locale: str) -> PlanRequest | ValidationError:
    """The complete request for the rules core, or why the answers do not make one."""
    try:
        return PlanRequest.model_validate({**draft_values(draft), "locale": locale})
    except ValidationError as error:
        return error
