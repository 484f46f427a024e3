"""Receipts and double checks between the dialog and the store, for every transport.

The dialog never sees the store: it says "a plan" (kept here under its receipt code), "a check
is asked for" (this chat is told the outcome) and "a second entry is complete" (compared here
with the stored first entry). Telegram (`bot/handlers.py`) and the console (`bot/console.py`)
call the same three functions, against the same SQLite file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import health
from bot.store import SessionStore
from dialogs import verify
from dialogs.replies import Reply
from dialogs.verify import compare, from_document, outcome_replies, stored_document
from rules.receipt import normalise_code

MAX_SHOWN_CODE = 20


@dataclass(frozen=True)
class Notice:
    """What the chat that asked for the check is told: its chat id and the replies."""

    chat_id: int
    replies: list[Reply]


def begin(store: SessionStore, chat_id: int, argument: str, ttl_hours: int) -> str | Reply:
    """The receipt code to check (stored and not this chat's own), or the reply saying why not."""
    code = normalise_code(argument)
    if code is None:
        return Reply("problem", verify.VERIFY_BAD_CODE, {"text": argument[:MAX_SHOWN_CODE]})
    receipt = store.receipt(code)
    if receipt is None:
        return Reply("problem", verify.VERIFY_UNKNOWN, {"code": code, "hours": ttl_hours})
    if receipt.chat_id == chat_id:
        return Reply("problem", verify.VERIFY_OWN, {"code": code})
    return code


def settle(
    store: SessionStore, chat_id: int, replies: list[Reply], ttl_hours: int, verifier: str
) -> tuple[list[Reply], Notice | None]:
    """Keep every plan shown under its receipt; mark a requested check; compare a completed
    second entry. Returns the replies to send and, for a check, what its requester is told."""
    out: list[Reply] = []
    notice: Notice | None = None
    for reply in replies:
        if reply.kind == "plan" and reply.plan is not None:
            health.plan(reply.plan.decision)  # counted for /metrics
        if reply.kind in ("plan", "check") and reply.plan is not None and reply.request:
            store.save_receipt(
                reply.plan.receipt, chat_id, stored_document(reply.request, reply.plan)
            )
            if reply.kind == "check" and not store.request_check(reply.plan.receipt, chat_id):
                reply = Reply("problem", verify.CHECK_NOT_STORED)
            elif reply.kind == "check":
                reply = replace(reply, kind="notice", plan=None)
        if reply.kind == "verify":
            checked, notice = _compare(store, chat_id, reply, ttl_hours, verifier)
            out.extend(checked)
            continue
        out.append(reply)
    return out, notice


def _compare(
    store: SessionStore, chat_id: int, reply: Reply, ttl_hours: int, verifier: str
) -> tuple[list[Reply], Notice | None]:
    code = str(reply.values.get("code", ""))
    receipt = store.receipt(code)
    stored = from_document(receipt.document) if receipt is not None else None
    if receipt is None or stored is None or reply.request is None:
        return [Reply("problem", verify.VERIFY_UNKNOWN, {"code": code, "hours": ttl_hours})], None
    first, first_plan = stored
    comparison = compare(first, first_plan, reply.request)
    health.check("match" if comparison.match else "mismatch")  # counted for /metrics
    before = store.count_check(code)
    replies = outcome_replies(code, comparison, first_plan, before)
    if not receipt.notify or receipt.chat_id == chat_id:
        return replies, None
    told = [Reply("notice", verify.CHECK_OUTCOME, {"code": code, "name": verifier})]
    told += [item for item in outcome_replies(code, comparison, first_plan) if item.kind != "plan"]
    return replies, Notice(receipt.chat_id, told)
