"""The dose card's own buttons and what they send: 📅 a calendar file, 📋 a line to copy,
↗ the card shared into a colleague's chat, and the card in the ward team's language.

A card is kept in memory under an opaque id (`CardShelf`), so that a button or an inline query
carries the id and never a value. A restart forgets the cards: a button on an older card then
says so and the clinician makes the plan again; nothing of a card is written anywhere.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from icalendar import Calendar, Event
from telegram import (
    CopyTextButton,
    InlineKeyboardButton,
    SwitchInlineQueryChosenChat,
)

from dialogs.messages import N_
from dialogs.render import Renderer
from locales import NAMES
from rules.labels import LABEL_OF
from rules.models import Plan

CARD_PREFIX = "card"
CALENDAR_ACTION = "ics"
TEAM_ACTION = "team"
#: Telegram's limit for a copy_text button (Bot API 7.11).
MAX_COPY_TEXT = 256
#: Cards kept at once; the oldest is forgotten first.
MAX_CARDS = 2000
#: Which document a label profile's doses follow, for the copied line.

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


@dataclass(frozen=True)
class Card:
    """A plan shown to one clinician: what its buttons need to show it again."""

    owner: int
    plan: Plan
    unchecked: tuple[str, ...]


class CardShelf:
    """The cards of the last hours, by opaque id, in memory only (bounded)."""

    def __init__(self, limit: int = MAX_CARDS) -> None:
        self.limit = limit
        self._cards: OrderedDict[str, Card] = OrderedDict()

    def add(self, card: Card) -> str:
        card_id = secrets.token_urlsafe(9)
        self._cards[card_id] = card
        while len(self._cards) > self.limit:
            self._cards.popitem(last=False)
        return card_id

    def get(self, card_id: str, owner: int) -> Card | None:
        """The card, only for the clinician it was made for."""
        card = self._cards.get(card_id)
        return card if card is not None and card.owner == owner else None


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
    return line if len(line) <= MAX_COPY_TEXT else line[: MAX_COPY_TEXT - 1] + "…"


def calendar_file(plan: Plan, renderer: Renderer, card_id: str, now: dt.datetime) -> bytes | None:
    """An .ics of the cycle's dose days: all-day events titled with the cycle and the day only
    (no name, no dose: a calendar is often synced to other devices); None without dates."""
    dated = [dose for dose in plan.doses if dose.date is not None]
    if plan.decision != "give" or not dated:
        return None
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
