"""The update types the bot asks Telegram for, in polling and webhook mode alike.

Telegram sends only what is asked for: business, reaction, poll and chat-member updates are
never handled here, so they are not requested (and cannot queue behind a clinician's message).
"""

from __future__ import annotations

from telegram import Update

ALLOWED_UPDATES: list[str] = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    # The "↗ Share" button of a dose card (bot/cards.py): answered only for its own clinician.
    Update.INLINE_QUERY,
]
