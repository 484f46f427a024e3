"""English source text of what only the Telegram transport says (gettext msgids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogs.messages import N_
from dialogs.verify import MENU_VERIFY

if TYPE_CHECKING:
    from bot.storage import StoreUnavailable

GROUP_POINTER = N_("For patient safety I work only in a private chat. Please write to me directly.")
NOT_ALLOWED = N_(
    "Sorry, this assistant is limited to the clinical team of this site. Ask the administrator "
    "to add your Telegram user id."
)
TEXT_ONLY = N_("I can only read text messages. The current question is still open.")
EDITS_IGNORED = N_(
    "Edited messages are not read. Please send the corrected value as a new message."
)
ABOUT = N_(
    "Besponsa dosing assistant {version}, rules {ruleset}.\n"
    "Sources: the product labels (US Prescribing Information, EU SmPC) and the site's clinical "
    "specification; each warning names its label section, and /sources lists the documents and "
    "the clinical basis.\n"
    "This tool supports, and does not replace, clinical judgement. Check every dose against "
    "the label and your local protocol before giving it.\n"
    "Clinical values are erased {hours:hours} after the last message, or at once with /forget."
)
FORGOTTEN = N_("Everything stored for this chat has been erased.")
CHOOSE_LANGUAGE = N_("Choose the language:")
LANGUAGE_SET = N_("Language: English.")
UNAVAILABLE = N_(
    "The assistant's storage is busy right now. Your answers are kept; please send the last "
    "message again in a moment."
)
STORAGE_FAILED = N_(
    "The assistant cannot save right now, so nothing from your last message was saved. Please "
    "send it again in a few minutes; if this goes on, tell the administrator."
)
TOO_MANY = N_(
    "Too many messages at once: I did not read the last ones. Please send again what I have not "
    "answered."
)
STALE_LANGUAGE = N_("That button is no longer valid.")

#: Commands of the Telegram transport only, and their lines in the command menu (the dialog's
#: own are `dialogs.dialog.COMMANDS`). Registered once per language.
BOT_COMMANDS: dict[str, str] = {
    "language": N_("Change the language"),
    "about": N_("Version, sources and disclaimer"),
    "forget": N_("Erase everything stored for this chat"),
    "sources": N_("The documents the rules cite, and the clinical basis"),
    "verify": MENU_VERIFY,
}

# /sources (bot/sources.py): the documents the rules cite, and where the basis is published.
# TRANSLATORS: {label} is a translated "US label (USPI 03/2024)"; {version} the ruleset version.
SOURCES_HEADER = N_("Sources of the dosing rules {version}, as this chat uses them: {label}.")
# TRANSLATORS: {name} is a document's short name (USPI, SmPC), {title} its own title, kept in
# its language; {revision} a date such as 03/2024.
SOURCES_DOCUMENT = N_("{name}: {title}, revision {revision}.")
# TRANSLATORS: {status} is a translated review status; pharmacy = the site's clinical pharmacy.
SOURCES_STATUS = N_("Status of the rules: {status}.")
# TRANSLATORS: {path} is a file of the product's repository; keep it as it is.
SOURCES_BASIS = N_(
    "The clinical basis (each rule with its label section, and where the labels are silent) is "
    "published with the product: {path}."
)
SOURCES_SETTINGS = N_("To follow the other label, use /settings.")
#: The review status of the clinical basis (`rules.labels.BASIS_STATUS`).
BASIS_STATUS = {
    "draft": N_("draft, not yet reviewed by the site's pharmacy"),
    "reviewed": N_("reviewed by the site's pharmacy, not yet approved"),
    "approved": N_("approved by the site"),
}

# The bot's profile (`bot/profile.py`): at most 512 and 120 characters.
DESCRIPTION = N_(
    "Besponsa (inotuzumab ozogamicin) dosing assistant for clinicians and pharmacists. Answer a "
    "few questions, or send everything in one message, and get the dosing plan with the label's "
    "safety warnings and their sources. It supports, and does not replace, clinical judgement. "
    "Do not enter names, record numbers or birth dates."
)
SHORT_DESCRIPTION = N_(
    "Besponsa dosing plans by the label, with safety warnings and sources. Supports, does not "
    "replace, clinical judgement."
)


def unavailable_text(error: StoreUnavailable) -> str:
    """Busy: the earlier answers are kept, try again in a moment. Otherwise: nothing was saved,
    try again later or tell the administrator."""
    return UNAVAILABLE if error.busy else STORAGE_FAILED
