"""The dose card's own buttons and what they send: 📅 a calendar file, 📋 a line to copy,
↗ the card shared into a colleague's chat, and the card in the ward team's language.

A card is kept under an opaque id (`CardShelf`), so that a button or an inline query carries
the id and never a value. The cards are kept in the bot's state (`bot/storage.py`: SQLite or
PostgreSQL), so a card shared with a colleague is still answered after a restart; like the
sessions they expire after the TTL and /forget erases them. A card holds only what its plan
holds: the values the plan used, no patient identifier. A button on a card no longer kept says
so, and the clinician makes the plan again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from telegram import (
    CopyTextButton,
    InlineKeyboardButton,
    SwitchInlineQueryChosenChat,
)

from bot.storage import StateStore, StoreUnavailable
from dialogs.messages import N_
from dialogs.protocol_lines import protocol_text
from dialogs.render import Renderer
from dialogs.verify import from_document, stored_document
from locales import NAMES
from rules.labels import LABEL_OF
from rules.models import Plan, PlanRequest

CARD_PREFIX = "card"
CALENDAR_ACTION = "ics"
TEAM_ACTION = "team"
#: Telegram's limit for a copy_text button (Bot API 7.11).
MAX_COPY_TEXT = 256
#: An inline query longer than any card id is not looked up.
MAX_CARD_ID = 64

logger = logging.getLogger(__name__)

CALENDAR_BUTTON = N_("📅 Calendar")
COPY_BUTTON = N_("📋 Copy")
SHARE_BUTTON = N_("↗ Share")
# TRANSLATORS: {language} is the name of a language in that language ("English", "Deutsch").
TEAM_BUTTON = N_("Show in {language}")
# TRANSLATORS: the title of one dose day in a calendar file; no patient data on purpose.
CALENDAR_EVENT = N_("Besponsa: cycle {cycle}, Day {day}")
CALENDAR_CAPTION = N_("The dose days of cycle {cycle}. The dates are also on the card.")
CARD_GONE = N_("This card is no longer kept. Make the plan again to use its buttons.")
# TRANSLATORS: the title of the card offered in the chat picker when sharing it.
SHARE_TITLE = N_("Besponsa dose card: cycle {cycle}")
# TRANSLATORS: one dose in the line copied for the chart: D = day.
COPY_DOSE = N_("D{day} {mg} mg {ml} mL")
# TRANSLATORS: an omitted dose in the copied line: D = day.
COPY_OMITTED = N_("D{day} omitted")
# TRANSLATORS: the one line copied for the chart or the pharmacy; {label} is USPI or SmPC.
COPY_LINE = N_(
    "Inotuzumab ozogamicin ({label}), cycle {cycle}: {doses}. {decision}. Rules {version}"
)
COPY_DECISION = {
    "give": N_("GIVE"),
    "hold": N_("HOLD"),
    "discontinue": N_("DISCONTINUE"),
}
COPY_RECEIPT = N_("{line}. Receipt {receipt}")
# TRANSLATORS: {line} is the copied line so far; {protocol} says which site protocol the plan
# follows, or that it is a draft.
COPY_PROTOCOL = N_("{line}. {protocol}")


@dataclass(frozen=True)
class Card:
    """A plan shown to one clinician: what its buttons need to show it again. With the
    `request` it was made from, only that request is stored, and the plan made again."""

    owner: int
    plan: Plan
    unchecked: tuple[str, ...]
    request: PlanRequest | None = None


class CardShelf:
    """The cards of the last hours, by opaque id, in the bot's store (same TTL as sessions)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def add(self, card: Card, chat_id: int) -> str:
        """A new id for `card`, made in `chat_id`. If the store cannot keep it, the card is still
        shown; its buttons then say that it is no longer kept."""
        card_id = secrets.token_urlsafe(9)
        try:
            self.store.save_card(card_id, chat_id, card.owner, card_document(card))
        except StoreUnavailable:
            logger.warning("a dose card could not be kept: its buttons will not work")
        return card_id

    def get(self, card_id: str, owner: int) -> Card | None:
        """The card, only for the clinician it was made for."""
        if not card_id or len(card_id) > MAX_CARD_ID:
            return None
        try:
            found = self.store.card(card_id)
        except StoreUnavailable:
            return None
        if found is None or found[0] != owner:
            return None
        return card_from_document(owner, found[1])


def card_document(card: Card) -> dict[str, Any]:
    """What the store keeps of a card: the request its plan was made from (a few hundred bytes,
    where the plan took five kilobytes: the same request under the same rules is the same
    plan) with the plan's check code; else the plan itself, as JSON in which decimals and
    dates keep their type (a warning's parameters are not typed by the model, and "0.9" read
    back as text would no longer be written the locale's way); and the items not checked."""
    unchecked = list(card.unchecked)
    if card.request is not None:
        kept = stored_document(card.request, card.plan)
        return {**kept, "receipt": card.plan.receipt, "unchecked": unchecked}
    return {"plan": _typed(card.plan.model_dump(mode="python")), "unchecked": unchecked}


def card_from_document(owner: int, document: dict[str, Any]) -> Card | None:
    """The card again, or None if the document is not one (an older or damaged row, or a
    request stored under other rules)."""
    try:
        unchecked = tuple(str(item) for item in document.get("unchecked", ()))
        if "request" in document:
            made = from_document(document)
            if made is None:
                return None
            request, plan = made
            receipt = str(document.get("receipt") or "")
            return Card(owner, plan.model_copy(update={"receipt": receipt}), unchecked, request)
        plan = Plan.model_validate(_untyped(document["plan"]))
    except (KeyError, TypeError, ValueError, ValidationError):
        return None
    return Card(owner, plan, unchecked)


_DECIMAL, _DATE = "__decimal__", "__date__"


def _typed(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): _typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(item) for item in value]
    return value


def _untyped(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DECIMAL}:
            return Decimal(value[_DECIMAL])
        if set(value) == {_DATE}:
            return dt.date.fromisoformat(value[_DATE])
        return {key: _untyped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_untyped(item) for item in value]
    return value


def copy_line(plan: Plan, renderer: Renderer) -> str:
    """One plain-text line for the chart or the pharmacy, at most 256 characters."""
    parts = [
        (dose.day, renderer.text(COPY_DOSE, {"day": dose.day, "mg": dose.mg, "ml": dose.ml}))
        for dose in (plan.doses if plan.decision == "give" else [])
    ]
    parts += [(day, renderer.text(COPY_OMITTED, {"day": day})) for day in plan.omitted_days]
    doses = "; ".join(part for _, part in sorted(parts))
    if not doses and plan.decision == "give" and plan.total_mg is not None:
        doses = f"{renderer.value(plan.total_mg)} mg"
    values = {
        "label": LABEL_OF[plan.label].short_name,
        "cycle": plan.cycle,
        "doses": doses or "–",
        "decision": renderer.gettext(COPY_DECISION[plan.decision]),
        "version": plan.ruleset_version,
    }
    line = renderer.text(COPY_LINE, values)
    if plan.receipt:
        line = renderer.text(COPY_RECEIPT, {"line": line, "receipt": plan.receipt})
    # Last: a long protocol name is what the 256-character limit cuts, never the receipt.
    protocol = protocol_text(renderer, plan.protocol)
    line = renderer.text(COPY_PROTOCOL, {"line": line, "protocol": protocol})
    return line if len(line) <= MAX_COPY_TEXT else line[: MAX_COPY_TEXT - 1] + "…"


def calendar_file(plan: Plan, renderer: Renderer, card_id: str, now: dt.datetime) -> bytes | None:
    """An .ics of the cycle's dose days: all-day events titled with the cycle and the day only
    (no name, no dose: a calendar is often synced to other devices); None without dates."""
    dated = [dose for dose in plan.doses if dose.date is not None]
    if plan.decision != "give" or not dated:
        return None
    # Late: only the Calendar button needs icalendar (about 50 ms at start, BENCHMARKS.md).
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//besponsa-bot//dose days//EN")
    calendar.add("version", "2.0")
    for dose in dated:
        event = Event()
        event.add("uid", f"{card_id}-day{dose.day}@besponsa-bot")
        event.add("dtstamp", now)
        event.add("dtstart", dose.date)
        summary = renderer.text(CALENDAR_EVENT, {"cycle": plan.cycle, "day": dose.day})
        event.add("summary", summary)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def card_rows(
    plan: Plan,
    card_id: str,
    renderer: Renderer,
    *,
    inline: bool,
    team_language: str | None,
) -> list[list[InlineKeyboardButton]]:
    """The card's buttons, one list per row: another feature appends its own row to it."""
    first: list[InlineKeyboardButton] = [
        InlineKeyboardButton(
            renderer.text(COPY_BUTTON), copy_text=CopyTextButton(copy_line(plan, renderer))
        )
    ]
    if plan.decision == "give" and any(dose.date for dose in plan.doses):
        first.append(
            InlineKeyboardButton(
                renderer.text(CALENDAR_BUTTON),
                callback_data=f"{CARD_PREFIX}|{CALENDAR_ACTION}:{card_id}",
            )
        )
    if inline:
        first.append(
            InlineKeyboardButton(
                renderer.text(SHARE_BUTTON),
                switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
                    query=card_id, allow_user_chats=True, allow_group_chats=True
                ),
            )
        )
    rows = [first]
    if team_language is not None and team_language != renderer.lang:
        label = renderer.text(TEAM_BUTTON, {"language": NAMES[team_language]})
        data = f"{CARD_PREFIX}|{TEAM_ACTION}:{card_id}"
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return rows
