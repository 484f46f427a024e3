"""The Mini App form in a chat: the "📝 Form" button that opens the page, and its data read back.

Telegram returns what the page sends with `Telegram.WebApp.sendData` as a `web_app_data`
message, only when the page was opened from a reply-keyboard button (hence not an inline
button): this works in polling mode behind a hospital firewall. The page (`bot/form_page/`) is
never trusted: its text is read with every check of the JSON `plan` command
(`bot/plan_command.read_request`), after the size and encoding checks Telegram's own limit
implies, and anything it refuses is answered with one localized message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from telegram import KeyboardButton, ReplyKeyboardMarkup, WebAppInfo

from bot.plan_command import read_request
from dialogs.form import form_refused
from dialogs.messages import N_
from dialogs.render import Renderer
from dialogs.replies import Reply
from dialogs.site_protocol import site_protocol
from dialogs.units import site_ulns
from rules.models import PlanRequest

#: Telegram's limit on `web_app_data.data`; a longer text did not come through Telegram.
MAX_FORM_BYTES = 4096
FORM_BUTTON = N_("📝 Form")
FORM_OFFER = N_(
    "To enter the whole request on one screen, tap 📝 Form under the message field. The answer "
    "is the same dose card."
)
#: Query parameters of the page's address: the chat's language, the site laboratory's ULNs
#: (`BOT_ULN_*`), which the page fills in beside an absolute liver test as a default, and
#: whether the site treats adults only (the protocol's `adult_only_service`: no age field, as
#: the dialog asks none).
LANG_PARAMETER = "lang"
ULN_PARAMETER = "uln_{analyte}"
ADULT_ONLY_PARAMETER = "adult_only"


def read_form(data: str, today: dt.date) -> PlanRequest | Reply:
    """The form's request, or the refusal to send (nothing of the chat is touched)."""
    try:
        size = len(data.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: not text any client sends
        return form_refused("request")
    if size > MAX_FORM_BYTES:
        return form_refused("request")
    read = read_request(data, today)
    if isinstance(read, tuple):
        field, _message = read  # the contract's English detail stays out of the chat
        return form_refused(field)
    return read


def form_url(base: str, lang: str) -> str:
    """The page's address for one chat: its language, the site's ULNs and whether it treats
    adults only, as query parameters, kept beside any the site put in BOT_WEBAPP_URL."""
    parts = urlsplit(base)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query)
        if name not in (LANG_PARAMETER, ADULT_ONLY_PARAMETER) and not name.startswith("uln_")
    ]
    query.append((LANG_PARAMETER, lang))
    for analyte, uln in sorted(site_ulns().items()):
        query.append((ULN_PARAMETER.format(analyte=analyte), f"{uln.value} {uln.unit}"))
    if site_protocol().adult_only_service:
        query.append((ADULT_ONLY_PARAMETER, "1"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def form_offer(base: str, lang: str) -> tuple[str, ReplyKeyboardMarkup]:
    """The message that puts the 📝 Form button under the message field, and that button."""
    renderer = Renderer(lang, html=True)
    button = KeyboardButton(
        Renderer(lang).text(FORM_BUTTON), web_app=WebAppInfo(form_url(base, lang))
    )
    markup = ReplyKeyboardMarkup([[button]], resize_keyboard=True, is_persistent=True)
    return renderer.text(FORM_OFFER), markup
