"""English source text of what only the Telegram transport says (gettext msgids)."""

from __future__ import annotations

from dialogs.messages import N_
from dialogs.verify import MENU_VERIFY

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
    "specification; each warning names its source.\n"
    "This tool supports, and does not replace, clinical judgement. Check every dose against "
    "the label and your local protocol before giving it.\n"
    "Clinical values are erased {hours} hours after the last message, or at once with /forget."
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
STALE_LANGUAGE = N_("That button is no longer valid.")

#: Commands of the Telegram transport only, and their lines in the command menu (the dialog's
#: own are `dialogs.dialog.COMMANDS`). Registered once per language.
BOT_COMMANDS: dict[str, str] = {
    "language": N_("Change the language"),
    "about": N_("Version, sources and disclaimer"),
    "forget": N_("Erase everything stored for this chat"),
    "verify": MENU_VERIFY,
}
