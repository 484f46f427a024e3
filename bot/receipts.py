"""Check codes and double checks between the dialog and the store, for every transport.

The dialog never sees the store: it says "a plan" (kept here under a check code), "a check is
asked for" (this chat is told the outcome) and "a second entry is complete" (compared here
with the stored first entry). Telegram (`bot/handlers.py`, `bot/double_check.py`) and the
console (`bot/console.py`) call the same functions, against the same store.

A check code is drawn from `secrets` when a plan is first stored (`new_code`), never derived
from its values, and belongs to that plan and to the chat that made it: the same values in
two chats, or for two patients in one chat, get two codes, each with its own checks. The
conversation remembers the code of the plan it showed last (`Conversation.check_code`, with
the plan's fingerprint), so the same plan shown again keeps its code.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import health
from bot.storage import StateStore, StoreUnavailable
from dialogs import verify
from dialogs.machine import Conversation
from dialogs.replies import Reply, Text
from dialogs.verify import (
    compare,
    from_document,
    requester_reply,
    stored_document,
    verifier_replies,
)
from rules.models import Plan, PlanRequest
from rules.receipt import ALPHABET, GROUP, LENGTH, SEPARATOR, fingerprint, normalise_code

MAX_SHOWN_CODE = 20
#: Codes drawn before giving up on finding a free one (with 40 bits and thousands of stored
#: plans, a second draw is needed about once in a hundred million plans).
DRAWS = 8


def new_code() -> str:
    """ "K7QM-2XPA": 8 symbols of the code alphabet, each from `secrets` (40 bits)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return symbols[:GROUP] + SEPARATOR + symbols[GROUP:]


class GuessLimiter:
    """Wrong or expired codes per user: after `limit` in `window` seconds, /verify is refused
    to that user until the oldest of them is `window` old.

    Kept in this process's memory, not in the store: a limit needs no durability (a restart
    gives a guesser one more handful, against 2^40 codes), a refused guess then costs no
    write, and the PostgreSQL store needs nothing new. Bounded: at most `users` users are
    remembered, the least recently wrong forgotten first. Per user, so a right code is never
    refused because of anyone else's wrong ones.
    """

    def __init__(
        self,
        limit: int = 5,
        window: float = 15 * 60.0,
        users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.users, self.clock = limit, window, users, clock
        self._wrong: OrderedDict[int, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_minutes(self, user: int) -> int:
        """0 if `user` may try a code now; else the whole minutes until they may."""
        with self._lock:
            times = self._recent(user)
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil((times[0] + self.window - self.clock()) / 60))

    def wrong(self, user: int) -> None:
        with self._lock:
            times = self._recent(user)
            times.append(self.clock())
            self._wrong[user] = times
            self._wrong.move_to_end(user)
            while len(self._wrong) > self.users:
                self._wrong.popitem(last=False)

    def _recent(self, user: int) -> deque[float]:
        times = self._wrong.get(user, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        return times


@dataclass(frozen=True)
class Notice:
    """What the chat that asked for the check is told: its chat id and the replies."""

    chat_id: int
    replies: list[Reply]


def begin(
    store: StateStore,
    chat_id: int,
    argument: str,
    ttl_hours: int,
    guesses: GuessLimiter | None = None,
) -> str | Reply:
    """The check code to check (stored and not this chat's own), or the reply saying why not.
    `guesses`: the wrong codes of this user (`chat_id`: a private chat's id is its user's)."""
    if not argument.strip():
        return Reply("notice", verify.VERIFY_ASK_CODE)
    code = normalise_code(argument)
    if code is None:
        return Reply("problem", verify.VERIFY_BAD_CODE, {"text": argument[:MAX_SHOWN_CODE]})
    if guesses is not None and (minutes := guesses.wait_minutes(chat_id)):
        singular, plural = verify.TOO_MANY_GUESSES
        note = Text(singular, {"count": minutes}, plural, "count")
        return Reply("problem", "{note}", {"note": note})
    receipt = store.receipt(code)
    if receipt is None:
        if guesses is not None:
            guesses.wrong(chat_id)
        return Reply("problem", verify.VERIFY_UNKNOWN, {"code": code, "hours": ttl_hours})
    if receipt.chat_id == chat_id:
        return Reply("problem", verify.VERIFY_OWN, {"code": code})
    if from_document(receipt.document) is None:
        return Reply("problem", verify.VERIFY_STALE, {"code": code})
    return code


def settle(
    store: StateStore,
    chat_id: int,
    replies: list[Reply],
    ttl_hours: int,
    verifier: str,
    conversation: Conversation | None = None,
) -> tuple[list[Reply], Notice | None]:
    """Keep every plan shown under its check code (the plan then carries it); mark a requested
    check; compare a completed second entry. Returns the replies to send and, for a check,
    what its requester is told."""
    out: list[Reply] = []
    notice: Notice | None = None
    for reply in replies:
        if reply.kind == "plan" and reply.plan is not None:
            health.plan(reply.plan.decision)  # counted for /metrics
        if reply.kind in ("plan", "check") and reply.plan is not None and reply.request:
            code = keep(store, chat_id, reply.request, reply.plan, conversation)
            plan = reply.plan.model_copy(update={"receipt": code})
            reply = replace(reply, plan=plan)
            if reply.kind == "check" and not store.request_check(code, chat_id):
                reply = Reply("problem", verify.CHECK_NOT_STORED)
            elif reply.kind == "check":
                reply = replace(reply, kind="notice", plan=None, values={"code": code})
        if reply.kind == "verify":
            checked, notice = _compare(store, chat_id, reply, ttl_hours, verifier)
            out.extend(checked)
            continue
        out.append(reply)
    return out, notice


def keep(
    store: StateStore,
    chat_id: int,
    request: PlanRequest,
    plan: Plan,
    conversation: Conversation | None,
) -> str:
    """The plan stored under its check code: the conversation's, if this is the plan it
    showed last and the code is still this chat's; else a new one, drawn until free."""
    printed = fingerprint(request, plan.ruleset_version, plan.protocol.sha256)
    document = stored_document(request, plan)
    held = conversation.check_code if conversation is not None else None
    if held is not None and held[0] == printed and store.save_receipt(held[1], chat_id, document):
        return held[1]
    for _ in range(DRAWS):
        code = new_code()
        if store.save_receipt(code, chat_id, document, new=True):
            if conversation is not None:
                conversation.check_code = (printed, code)
            return code
    raise StoreUnavailable("no free check code")  # pragma: no cover


def _compare(
    store: StateStore, chat_id: int, reply: Reply, ttl_hours: int, verifier: str
) -> tuple[list[Reply], Notice | None]:
    code = str(reply.values.get("code", ""))
    receipt = store.receipt(code)
    stored = from_document(receipt.document) if receipt is not None else None
    if receipt is not None and stored is None:
        return [Reply("problem", verify.VERIFY_STALE, {"code": code})], None
    if receipt is None or stored is None or reply.request is None:
        return [Reply("problem", verify.VERIFY_UNKNOWN, {"code": code, "hours": ttl_hours})], None
    first, first_plan = stored
    comparison = compare(first, first_plan, reply.request)
    health.check("match" if comparison.match else "mismatch")  # counted for /metrics
    before = store.count_check(code)
    replies = verifier_replies(code, comparison, before, reply.request)
    if not receipt.notify or receipt.chat_id == chat_id:
        return replies, None
    return replies, Notice(receipt.chat_id, [requester_reply(code, comparison, verifier)])
