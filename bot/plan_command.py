"""`besponsa-bot plan`: one JSON request on stdin, one JSON plan on stdout.

The stable machine interface for other frontends and for our own checks. Exit 0 with a plan
(holding or stopping is still a plan); exit 2 with {"error": {"field", "message"}} otherwise.
Warning messages come in the request's `locale`.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, TextIO

from pydantic import ValidationError

from dialogs.render import Renderer
from locales import closest_language
from rules import PlanRequest, make_plan
from rules.models import LIMITS, first_error

MAX_INPUT = 100_000
DATE_FIELDS = ("start_date", "last_dose_date")
#: Calendar dates only as ISO text: pydantic would also take a number (seconds since 1970)
#: or a datetime string, and a clinician's date must never be guessed.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _InvalidInput(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _reject_constant(name: str) -> Any:
    raise _InvalidInput("request", f"{name} is not a number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object naming a field twice is ambiguous (JSON keeps the last one silently)."""
    data: dict[str, Any] = {}
    for name, value in pairs:
        if name in data:
            raise _InvalidInput(name, "given more than once")
        data[name] = value
    return data


def _read(text: str) -> PlanRequest:
    if len(text) > MAX_INPUT:
        raise _InvalidInput("request", f"input longer than {MAX_INPUT} characters")
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise _InvalidInput("request", f"not valid JSON: {error.msg}") from None
    except RecursionError:
        raise _InvalidInput("request", "not valid JSON: nested too deeply") from None
    except ValueError as error:  # an integer with more digits than Python converts
        raise _InvalidInput("request", f"not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise _InvalidInput("request", "expected one JSON object")
    for name in LIMITS:  # every Decimal field: pydantic would also take "0_5" as 5, "١" as 1
        if isinstance(data.get(name), str):
            raise _InvalidInput(name, "expected a JSON number, not text")
    for name in DATE_FIELDS:
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            raise _InvalidInput(name, "expected a date as text, YYYY-MM-DD")
    try:
        return PlanRequest.model_validate(data)
    except ValidationError as error:
        field, message = first_error(error)
        raise _InvalidInput(field or "request", message) from None


def plan_json(text: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON document for one request text."""
    try:
        request = _read(text)
    except _InvalidInput as error:
        return 2, {"error": {"field": error.field, "message": error.message}}
    plan = make_plan(request)
    document = plan.model_dump(mode="json")
    lang = closest_language(request.locale)
    if lang != "en":
        renderer = Renderer(lang)
        for warning, shown in zip(plan.warnings, document["warnings"], strict=True):
            shown["message"] = renderer.text(warning.key, warning.params)
    return 0, document


def run_plan_command(stdin: TextIO, stdout: TextIO) -> int:
    code, document = plan_json(stdin.read())
    stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    return code
