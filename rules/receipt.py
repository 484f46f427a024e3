"""A plan's check code (random, for a double check) and fingerprint (deterministic, for audit).

A second clinician checks a plan by entering the values again, without seeing the first
entry (`dialogs/verify.py`). The check code names the stored plan they check. It is read aloud
and typed on a ward, so it has 8 characters from an alphabet without the look-alikes 0/O and
1/I/l, grouped in two fours ("K7QM-2XPA"): 40 bits. It is random, drawn from `secrets` by the
transport when it stores the plan (`bot/receipts.new_code`: randomness is not pure), never
derived from the values: a code alone gives nothing back, and two patients with the same
values get two codes, each with its own checks. This module says what a code looks like
(`ALPHABET`, `normalise_code`).

Reproducibility is the fingerprint's job (`fingerprint`): the SHA-256 (FIPS 180-4) of the
canonical JSON of the request as the plan used it (`canonical_request`: the BSA used rather
than height and weight, decimals without trailing zeros (1.80 is 1.8), no `locale`, lab values
by the multiple of the ULN and the CrCl they give rather than as typed), the label profile, the
ruleset version and, when the site has one, its protocol's SHA-256. The same request under the
same rules always has the same fingerprint; it is in the JSON plan (`bot/plan_command.py`), and
is never accepted as a check code. Pure, no clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from rules.bsa import body_surface_area
from rules.models import LAB_FIELDS, PlanRequest
from rules.numbers import format_decimal_plain, round_half_up

#: 32 symbols: digits and capitals without 0, 1, I and O (no lowercase, so no l either).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
GROUP = 4
SEPARATOR = "-"
#: Fields replaced by the BSA they give (`bsa_m2`): the plan depends on the BSA used only.
_BODY_FIELDS = ("height_cm", "weight_kg", "bsa_formula")
#: Not part of the plan: the language, and lab values as typed, which the plan uses only as the
#: multiples of the ULN and the CrCl they give (`*_uln`, `crcl_ml_min`: kept).
_NOT_PLANNED = ("locale", *LAB_FIELDS, "creatinine")


def bsa_used(request: PlanRequest) -> Decimal:
    """The BSA the engine doses with: the one given (rounded as the engine rounds it) or the
    one computed from height and weight (`rules/engine._bsa`)."""
    if request.bsa_m2 is not None:
        return round_half_up(request.bsa_m2)
    assert request.height_cm is not None and request.weight_kg is not None
    return body_surface_area(request.height_cm, request.weight_kg, request.bsa_formula)


def _plain(value: Any) -> Any:
    """A JSON value that does not depend on how the number was written (1.80 is "1.8")."""
    if isinstance(value, Decimal):
        return format_decimal_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_request(request: PlanRequest) -> dict[str, Any]:
    """The request's values as the plan used them: field name → plain JSON value."""
    values = {
        name: value
        for name, value in request.model_dump(mode="python").items()
        if name not in _BODY_FIELDS and name not in _NOT_PLANNED
    }
    values["bsa_m2"] = bsa_used(request)
    return {name: _plain(value) for name, value in values.items()}


def canonical_json(
    request: PlanRequest, ruleset_version: str, protocol_sha256: str | None = None
) -> str:
    """What the fingerprint hashes: request as planned, label, rules and site protocol."""
    document: dict[str, Any] = {
        "request": canonical_request(request),
        "label": request.label,
        "ruleset": ruleset_version,
    }
    if protocol_sha256 is not None:
        document["protocol_sha256"] = protocol_sha256
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(
    request: PlanRequest, ruleset_version: str, protocol_sha256: str | None = None
) -> str:
    """The hex SHA-256 of `canonical_json`: equal for the same plan under the same rules."""
    return hashlib.sha256(
        canonical_json(request, ruleset_version, protocol_sha256).encode()
    ).hexdigest()


def normalise_code(text: str) -> str | None:
    """A code as typed ("k7qm 2xpa", "K7QM2XPA") in its printed form, or None if it is not one.

    Case, spaces and the dash are free; a symbol outside the alphabet (0, O, 1, I, l) is
    refused rather than guessed, so that a misheard code never names another plan.
    """
    symbols = "".join(text.upper().replace(SEPARATOR, "").split())
    if len(symbols) != LENGTH or any(symbol not in ALPHABET for symbol in symbols):
        return None
    return symbols[:GROUP] + SEPARATOR + symbols[GROUP:]
