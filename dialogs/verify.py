"""The independent double check: a second entry compared with a stored plan.

A second clinician enters the patient's values again, without seeing the first entry (the
conversation's verifying mode, `dialogs/machine.py`); only when their entry is complete is it
compared with the first, field by field and dose by dose. What the first entry was is never in
the verifier's conversation: the transport looks it up by check code and calls `compare`.

Who learns what: a code is all a verifier needs, so a code must give nothing away. The
verifier learns "Match" (and sees the plan of their own entry), or "Mismatch" with the names
of the fields and doses that differ, never the first entry's values, and is asked to resolve
it with the colleague who made the plan (`verifier_replies`). That colleague, who owns the
first entry, is told the whole comparison with both values, in one message, from their side
(`requester_reply`).

Representation does not count: both requests are read as the plan used them
(`rules.receipt.canonical_request`: the BSA used instead of height and weight, 1.80 as 1.8),
and a number that differs only by the precision it was written with (1.62 typed, 1.619 from a
conversion), or two liver tests both within normal limits (the liver step's Normal beside a
typed 0.4 ×ULN), are the same reading when, and only when, both entries give the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dialogs import messages as m
from dialogs.fields import FIELD_BY_NAME
from dialogs.messages import N_, NP_
from dialogs.replies import Line, Reply, Text
from dialogs.site_protocol import site_protocol
from dialogs.units import LAB_ANALYTE, WITHIN_NORMAL
from rules import RULESET_VERSION, make_plan
from rules.models import Dose, Plan, PlanRequest
from rules.receipt import bsa_used, canonical_request

# TRANSLATORS: a double check = a second clinician works the dose out again on their own;
# {code} is a receipt code such as K7QM-2XPA.
VERIFY_START = N_(
    "Double check of receipt {code}. Enter the patient's values yourself, by the quick form or "
    "by answering the questions. Nothing of the first entry is shown until yours is complete."
)
VERIFY_BAD_CODE = N_(
    "“{text}” is not a receipt code. A receipt code has 8 characters, for example /verify "
    "K7QM-2XPA."
)
# TRANSLATORS: the answer to /verify sent without a code.
VERIFY_ASK_CODE = N_(
    "Which plan do you want to double-check? Send /verify with its receipt code, for example "
    "/verify K7QM-2XPA. The colleague who made the plan finds the code on its card."
)
VERIFY_UNKNOWN = N_(
    "No plan with the receipt code {code} is stored: check the code with the colleague who "
    "made the plan. Plans are kept for {hours:hours} after they were made."
)
VERIFY_STALE = N_(
    "Receipt {code} was planned under other rules than this bot now uses. Ask the colleague "
    "who made the plan to make it again and give you its new receipt code."
)
# TRANSLATORS: after a handful of wrong or expired receipt codes from the same person.
TOO_MANY_GUESSES = NP_(
    "Too many receipt codes that name no stored plan. Try again in {count} minute.",
    "Too many receipt codes that name no stored plan. Try again in {count} minutes.",
)
VERIFY_OWN = N_(
    "Receipt {code} was made in this chat. A double check is made by a colleague, in their own "
    "chat with this bot."
)
VERIFY_NO_STORE = N_(
    "Double checks need the bot's state database: start the chat with --db and its path, or "
    "set BOT_DB_PATH (PostgreSQL: --db-url or BOT_DB_URL)."
)
VERIFY_COMPARING = N_("Comparing your entry with receipt {code}.")
# TRANSLATORS: "Match" = the second entry gives the same plan; keep the word short and plain.
MATCH = N_("✅ Match: your entry gives the same plan as receipt {code}.")
# TRANSLATORS: told to the colleague who made the second entry; the values of the first entry
# are not shown to them, only what differs. "Mismatch": keep the word short and plain.
MISMATCH_NAMES = N_(
    "❌ Mismatch: your entry differs from the first one in what is listed below. Do not give "
    "the dose; resolve the difference with the colleague who made the plan."
)
# TRANSLATORS: a value in a mismatch shown to the second clinician, without the values.
DIFFERS = N_("differs")
DAY_DIFFERS = N_("Day {day} differs")
# TRANSLATORS: told to the clinician who made the plan; {name} is the first name in Telegram of
# the colleague who checked it.
TOLD_MATCH = N_(
    "✅ Match: {name} entered the values again and got the same plan as yours (receipt {code})."
)
# TRANSLATORS: told to the clinician who made the plan, with both values of each difference.
TOLD_MISMATCH = N_(
    "❌ Mismatch: your colleague's entry differs from your plan. Do not give the dose until "
    "the difference is resolved."
)
CHECKED_BY = N_("Checked by")
# TRANSLATORS: one difference told to the clinician who made the plan: their value first.
YOURS_THEIRS = N_("{yours} (yours) vs {theirs} (theirs)")
DAY_YOURS_THEIRS = N_("Day {day}: {yours} (yours) vs {theirs} (theirs)")
RECEIPT = N_("Receipt")
DOSE = N_("Dose")
DECISION = N_("Decision")
DOSE_AMOUNT = N_("{mg_per_m2} mg/m² = {mg} mg")
NO_DOSE = N_("no dose")
CHECKED_BEFORE = NP_(
    "This receipt was checked {count} time before.",
    "This receipt was checked {count} times before.",
)
ASK_FOR_CHECK = N_("🔁 Ask for a double check")
CHECK_ASKED = N_(
    "Ask a colleague to send /verify {code} to this bot in their own chat, or forward this "
    "plan to them. They enter the values without seeing yours; you will be told the outcome "
    "here."
)
CHECK_NOT_STORED = N_("This plan is no longer stored: make the plan again to ask for a check.")
MENU_VERIFY = N_("Double-check a plan by its receipt code")
# TRANSLATORS: a button on a plan card shared with a colleague: the colleague who taps it
# starts the double check of that plan in their own chat with the bot.
VERIFY_BUTTON = N_("🔍 Verify")
#: The payload of the shared card's "Verify" link (`t.me/<bot>?start=verify-K7QM2XPA`).
DEEP_LINK_PREFIX = "verify-"
RECEIPT_LINE = N_("Receipt {code}: a colleague can check this plan with /verify {code}")
#: The plan's decision in a mismatch line, as the plan card names it.
DECISION_WORDS = {"give": N_("give"), "hold": N_("hold"), "discontinue": N_("discontinue")}


@dataclass(frozen=True)
class Comparison:
    """What differs between the first entry and the verifier's (each pair: first, verifier's):
    fields and doses; and the plan of the verifier's own entry."""

    fields: tuple[tuple[str, Any, Any], ...]
    doses: tuple[tuple[int, Dose | None, Dose | None], ...]
    decision: tuple[str, str] | None
    same_plan: bool
    your_plan: Plan

    @property
    def match(self) -> bool:
        return self.same_plan and not self.fields


def _values(request: PlanRequest) -> dict[str, Any]:
    """The request's values as the plan used them, typed (Decimal, date) for display."""
    planned = canonical_request(request)
    values = {
        name: value for name, value in request.model_dump(mode="python").items() if name in planned
    }
    values["bsa_m2"] = bsa_used(request)
    return values


def _same_written(first: Any, yours: Any) -> bool:
    """Two decimals equal at the precision of the less precise one (1.62 and 1.619)."""
    if not isinstance(first, Decimal) or not isinstance(yours, Decimal):
        return False
    places = min(_places(first), _places(yours))
    quantum = Decimal(1).scaleb(-places)
    return first.quantize(quantum, ROUND_HALF_UP) == yours.quantize(quantum, ROUND_HALF_UP)


def _same_reading(name: str, first: Any, yours: Any) -> bool:
    """The same value as written, or a liver test within normal limits in both entries (the
    liver step's Normal is stored as 1 ×ULN and a colleague may type 0.4 ×ULN)."""
    if _same_written(first, yours):
        return True
    return (
        name in LAB_ANALYTE
        and isinstance(first, Decimal)
        and isinstance(yours, Decimal)
        and max(first, yours) <= WITHIN_NORMAL
    )


def _places(value: Decimal) -> int:
    """Decimal places as written without trailing zeros (1.620 → 2, 80 → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _plan_key(plan: Plan) -> tuple[Any, ...]:
    """Everything of a plan that is prepared or decided on; not the receipt or the rules."""
    return (
        plan.decision,
        tuple(
            (dose.day, dose.mg_per_m2, dose.mg, dose.ml, dose.vials, dose.date)
            for dose in plan.doses
        ),
        plan.total_mg_per_m2,
        plan.total_mg,
        plan.dose_level,
        tuple(plan.omitted_days),
        plan.doses_unspecified_reason,
        plan.bsa_m2,
        plan.max_cycles,
        tuple(sorted(warning.code for warning in plan.warnings)),
    )


def compare(first: PlanRequest, first_plan: Plan, yours: PlanRequest) -> Comparison:
    """Field by field and dose by dose; the verifier's plan is made here, from their entry."""
    your_plan = make_plan(yours, site_protocol())
    same_plan = _plan_key(first_plan) == _plan_key(your_plan)
    a, b = _values(first), _values(yours)
    plain_a, plain_b = canonical_request(first), canonical_request(yours)
    differing = [
        (name, a.get(name), b.get(name))
        for name in plain_a | plain_b
        if plain_a.get(name) != plain_b.get(name)
    ]
    if same_plan:
        differing = [item for item in differing if not _same_reading(*item)]
    first_doses = {dose.day: dose for dose in first_plan.doses}
    your_doses = {dose.day: dose for dose in your_plan.doses}
    doses = tuple(
        (day, first_doses.get(day), your_doses.get(day))
        for day in sorted(first_doses | your_doses)
        if _dose_key(first_doses.get(day)) != _dose_key(your_doses.get(day))
    )
    decision = (
        None
        if first_plan.decision == your_plan.decision
        else (first_plan.decision, your_plan.decision)
    )
    return Comparison(tuple(differing), doses, decision, same_plan, your_plan)


def _dose_key(dose: Dose | None) -> tuple[Any, ...] | None:
    return None if dose is None else (dose.mg_per_m2, dose.mg, dose.ml, dose.vials, dose.date)


def _shown(value: Any) -> Any:
    return Text(m.NOT_GIVEN) if value is None else value


def _amount(dose: Dose | None) -> Text:
    if dose is None:
        return Text(NO_DOSE)
    return Text(DOSE_AMOUNT, {"mg_per_m2": dose.mg_per_m2, "mg": dose.mg})


def _field_label(name: str) -> str:
    """A field by its quick-form key ("plt"): what the verifier types, in every language."""
    field = FIELD_BY_NAME.get(name)
    return field.keys[0] if field else name


def verifier_replies(
    code: str, comparison: Comparison, checked_before: int = 0, request: PlanRequest | None = None
) -> list[Reply]:
    """For the verifier: "✅ Match" with the plan of their own entry (`request`), or
    "❌ Mismatch" with the names of what differs and never the first entry's values."""
    if comparison.match:
        plan = Reply("plan", "", plan=comparison.your_plan, request=request)
        replies = [Reply("notice", MATCH, {"code": code}), plan]
    else:
        lines = [Line("verify", RECEIPT, Text("{code}", {"code": code}))]
        if comparison.decision is not None:
            lines.append(Line("verify", DECISION, Text(DIFFERS)))
        for name, _, _ in comparison.fields:
            lines.append(Line("verify", _field_label(name), Text(DIFFERS)))
        for day, _, _ in comparison.doses:
            lines.append(Line("verify", DOSE, Text(DAY_DIFFERS, {"day": day})))
        replies = [Reply("summary", MISMATCH_NAMES, lines=tuple(lines))]
    if checked_before:
        text = Text(CHECKED_BEFORE[0], {"count": checked_before}, CHECKED_BEFORE[1], "count")
        replies.append(Reply("notice", "{note}", {"note": text}))
    return replies


def requester_reply(code: str, comparison: Comparison, verifier: str) -> Reply:
    """For the clinician who made the plan: one message, both values of each difference,
    theirs (the first entry) first."""
    if comparison.match:
        return Reply("notice", TOLD_MATCH, {"code": code, "name": verifier})
    lines = [
        Line("verify", RECEIPT, Text("{code}", {"code": code})),
        Line("verify", CHECKED_BY, Text("{name}", {"name": verifier})),
    ]
    if comparison.decision is not None:
        first, second = comparison.decision
        both = {"yours": Text(DECISION_WORDS[first]), "theirs": Text(DECISION_WORDS[second])}
        lines.append(Line("verify", DECISION, Text(YOURS_THEIRS, both)))
    for name, first_value, second_value in comparison.fields:
        both = {"yours": _shown(first_value), "theirs": _shown(second_value)}
        lines.append(Line("verify", _field_label(name), Text(YOURS_THEIRS, both)))
    for day, first_dose, second_dose in comparison.doses:
        values = {"day": day, "yours": _amount(first_dose), "theirs": _amount(second_dose)}
        lines.append(Line("verify", DOSE, Text(DAY_YOURS_THEIRS, values)))
    return Reply("summary", TOLD_MISMATCH, lines=tuple(lines))


def stored_document(request: PlanRequest, plan: Plan) -> dict[str, Any]:
    """What is kept per check code: the request, only the fields that differ from their
    defaults, decimals as exact text; and the ruleset version. The plan is not kept: the same
    request under the same rules is the same plan, made again when it is needed (a stored
    plan was most of the 17 KB a plan used to take)."""
    return {"request": compact_request(request), "rules": plan.ruleset_version}


def compact_request(request: PlanRequest) -> dict[str, Any]:
    """The request as JSON that `PlanRequest.model_validate` reads back equal: defaults left
    out, decimals as text ("1.8": JSON numbers would be read back as floats)."""
    values = request.model_dump(mode="python", exclude_defaults=True)
    return {name: _json_value(value) for name, value in values.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def from_document(document: dict[str, Any]) -> tuple[PlanRequest, Plan] | None:
    """The stored request and its plan made again; None if the document is not one, or was
    stored under other rules (that plan can no longer be shown or compared: never a crash)."""
    if document.get("rules") != RULESET_VERSION:
        return None
    try:
        request = PlanRequest.model_validate(document["request"])
    except (KeyError, TypeError, ValueError):
        return None
    return request, make_plan(request, site_protocol())
