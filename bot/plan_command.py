"""`besponsa-bot plan`: one JSON request on stdin, one JSON plan on stdout.

The stable machine interface for other frontends and for our own checks. Exit 0 with a plan
(holding or stopping is still a plan); exit 2 with {"error": {"field", "message"}} otherwise.
Warning messages come in the request's `locale`.

Dates get the dialog's plausibility (`dialogs.dates.parse_date`: within a year of today),
because the rules core has no clock and a Day 1 in the year 9999 is a typing error, not a plan.
"Today" is the caller's optional top-level `today` (their calendar day, which may differ from
ours across time zones; itself within a year of our clock), else this machine's date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from pydantic import ValidationError

from dialogs.dates import parse_date
from dialogs.problems import Problem
from dialogs.render import Renderer
from locales import closest_language
from rules import PlanRequest, make_plan
from rules.models import LAB_FIELDS, LIMITS, first_error
from rules.protocol import DEFAULT_PROTOCOL, Protocol
from rules.receipt import fingerprint

MAX_INPUT = 100_000
#: Digits of one JSON number; no field holds more than a few. Longer numbers are refused by
#: name before Python converts them (it gives up at 4300 digits with advice meant for
#: programmers).
MAX_NUMBER_LENGTH = 50
TODAY_FIELD = "today"
#: Lab values as the lab prints them (`rules.models.LabValue`); converted by the rules model.
LAB_OBJECTS = (*LAB_FIELDS, "creatinine")
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


class _TooLong:
    """A JSON number with more than MAX_NUMBER_LENGTH characters, kept unconverted so that the
    field holding it can be named."""


def _number(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        return _TooLong() if len(text) > MAX_NUMBER_LENGTH else convert(text)

    return parse


def _too_long_field(data: Any) -> str | None:
    """The top-level field holding a too-long number, at any depth ("request" when the
    document is not an object)."""
    if isinstance(data, dict):
        for name, value in data.items():
            if _holds_too_long(value):
                return str(name)
        return None
    return "request" if _holds_too_long(data) else None


def _holds_too_long(value: Any) -> bool:
    """Without recursion: JSON nested nearly as deep as the parser allows must not overflow
    the stack here."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, _TooLong):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _iso_date(data: dict[str, Any], name: str) -> dt.date | None:
    value = data.get(name)
    if value is None:
        return None
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        raise _InvalidInput(name, "expected a date as text, YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _InvalidInput(name, "not a calendar date") from None


def _plausible(name: str, date: dt.date, today: dt.date, reference: str = "today") -> None:
    """The dialog's own window (`parse_date`), so the two frontends accept the same dates."""
    if isinstance(parse_date(date.isoformat(), today), Problem):
        raise _InvalidInput(name, f"more than a year away from {reference} ({today.isoformat()})")


def _check_dates(data: dict[str, Any], clock_today: dt.date) -> None:
    """Shape and plausibility of every date; removes `today`, which is not part of the request."""
    given_today = _iso_date(data, TODAY_FIELD)
    data.pop(TODAY_FIELD, None)
    if given_today is not None:
        _plausible(TODAY_FIELD, given_today, clock_today, "this computer's date")
    today = given_today or clock_today
    for name in DATE_FIELDS:
        date = _iso_date(data, name)
        if date is not None:
            _plausible(name, date, today)


def _read(text: str, today: dt.date) -> PlanRequest:
    if len(text) > MAX_INPUT:
        raise _InvalidInput("request", f"input longer than {MAX_INPUT} characters")
    try:
        data = json.loads(
            text,
            parse_float=_number(Decimal),
            parse_int=_number(int),
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise _InvalidInput("request", f"not valid JSON: {error.msg}") from None
    except RecursionError:
        raise _InvalidInput("request", "not valid JSON: nested too deeply") from None
    too_long = _too_long_field(data)
    if too_long is not None:
        raise _InvalidInput(too_long, f"number too long (more than {MAX_NUMBER_LENGTH} characters)")
    if not isinstance(data, dict):
        raise _InvalidInput("request", "expected one JSON object")
    for name in LIMITS:  # every Decimal field: pydantic would also take "0_5" as 5, "١" as 1
        if isinstance(data.get(name), str):
            raise _InvalidInput(name, "expected a JSON number, not text")
    for name in LAB_OBJECTS:  # {"value": 34, "unit": "umol/L", "uln": 21}: numbers as numbers
        lab = data.get(name)
        for part in ("value", "uln"):
            if isinstance(lab, dict) and isinstance(lab.get(part), str):
                raise _InvalidInput(f"{name}.{part}", "expected a JSON number, not text")
    _check_dates(data, today)
    try:
        return PlanRequest.model_validate(data)
    except ValidationError as error:
        field, message = first_error(error)
        raise _InvalidInput(field or "request", message) from None


def read_request(text: str, today: dt.date) -> PlanRequest | tuple[str, str]:
    """The request of one JSON text with every check of the `plan` command, or the (field,
    message) of the first problem: the contract for any frontend that sends a whole request
    (the Mini App form, `bot/form_data.py`)."""
    try:
        return _read(text, today)
    except _InvalidInput as error:
        return error.field, error.message


def plan_json(
    text: str, today: dt.date | None = None, protocol: Protocol = DEFAULT_PROTOCOL
) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON document for one request text under the site's protocol (`protocol`
    in the document); `today` defaults to the clock."""
    try:
        request = _read(text, today or dt.date.today())
    except _InvalidInput as error:
        return 2, {"error": {"field": error.field, "message": error.message}}
    plan = make_plan(request, protocol)
    document = plan.model_dump(mode="json")
    # No check code (one is drawn only for a plan stored for a double check, bot/receipts.py);
    # the fingerprint names the plan for audit: same request, rules and protocol, same fingerprint.
    del document["receipt"]
    document["fingerprint"] = fingerprint(request, plan.ruleset_version, plan.protocol.sha256)
    lang = closest_language(request.locale)
    if lang != "en":
        renderer = Renderer(lang)
        for warning, shown in zip(plan.warnings, document["warnings"], strict=True):
            shown["message"] = renderer.text(warning.key, warning.params)
    return 0, document


def run_plan_command(stdin: TextIO, stdout: TextIO, protocol: Protocol = DEFAULT_PROTOCOL) -> int:
    code, document = plan_json(stdin.read(), protocol=protocol)
    stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    return code
