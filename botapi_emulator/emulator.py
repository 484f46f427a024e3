"""A local Telegram Bot API emulator for end-to-end tests of the real python-telegram-bot stack.

The emulator is a small HTTP/1.1 server (asyncio streams) bound to 127.0.0.1 on a free port. It
runs in the event loop of the test that starts it, and since it is a plain TCP server it is also
reachable from a bot running in a subprocess (as long as the test keeps awaiting).

    async with BotApiEmulator() as emu:
        app = (
            ApplicationBuilder()
            .token(emu.token)
            .base_url(emu.base_url)
            .base_file_url(emu.base_file_url)
            .build()
        )
        ...
        before = len(emu.sent(42))
        await emu.send_text(42, "/start")
        reply = await emu.wait_for_reply(42, after=before)

Requests follow the Bot API: ``POST {base_url}{token}/{method}`` with form-encoded, multipart or
JSON bodies (form values are JSON-encoded when they are not strings, as PTB sends them). Answers
are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``.

Implemented methods: getMe, getUpdates (long polling), setWebhook, deleteWebhook, getWebhookInfo,
setMyCommands, getMyCommands, deleteMyCommands, setMyDescription, setMyShortDescription,
setChatMenuButton, sendMessage, sendDocument (the uploaded file is
kept in ``documents``), editMessageText, editMessageReplyMarkup, answerCallbackQuery,
answerInlineQuery (kept in ``inline_answers``; see ``send_inline_query``), sendChatAction,
deleteMessage, close, logOut. Any
other method answers 404 "Not Found: method not found".

What is validated like Telegram does (400 "Bad Request: ..." otherwise):
  * text 1-4096 characters after entity parsing (counted in UTF-16 code units, as Telegram
    counts entity offsets; whitespace-only text is empty);
  * parse_mode HTML: only Telegram's tags (b strong i em u ins s strike del span.tg-spoiler
    tg-spoiler a code pre blockquote tg-emoji), properly nested and closed; ``&`` must start one of
    &lt; &gt; &amp; &quot; or a numeric entity (Telegram itself keeps an unknown ``&...`` as
    literal text; the emulator is stricter on purpose: pass ``strict_html=False`` to relax);
  * inline keyboards: an array of arrays of buttons, each with a text and exactly one action,
    callback_data 1-64 bytes (else "BUTTON_DATA_INVALID");
  * edits: unknown message -> "message to edit not found"; identical content and markup ->
    "message is not modified"; editMessageText without reply_markup removes the keyboard;
  * sending to a chat the emulator never saw -> "chat not found" (see ``add_chat``);
  * a concurrent getUpdates terminates the older one with 409, getUpdates while a webhook is set
    is 409, a wrong token is 401.

Not emulated: files and media uploads from the bot, inline mode, payments, MarkdownV2/Markdown
parsing (the text is stored as sent and only its length is checked), HTTPS-only webhook URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
from tornado.httputil import HTTPHeaders, parse_body_arguments

__all__ = ["ApiError", "BotApiEmulator", "parse_html"]

JSON = dict[str, Any]
T = TypeVar("T")

BOT_ID = 123456
TOKEN = f"{BOT_ID}:TEST-TOKEN"

# Parameters that arrive JSON-encoded in form bodies.
_JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "media",
    "results",
    "button",
}
_INT_PARAMS = {
    "offset",
    "limit",
    "timeout",
    "message_id",
    "user_id",
    "cache_time",
    "max_connections",
    "message_thread_id",
}
_BOOL_PARAMS = {
    "show_alert",
    "drop_pending_updates",
    "disable_notification",
    "protect_content",
    "allow_sending_without_reply",
    "disable_web_page_preview",
    "allow_paid_broadcast",
}
_BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_DEFAULT_UPDATE_TYPES = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
}
_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_BOT_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the emulated Bot API (raised inside method implementations)."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (how Telegram measures text and entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# HTML parse mode


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_SPECIAL_RE = re.compile(r"[<&]")
_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_RE = re.compile(
    r"\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?"
)


def _decode_entities(text: str, strict: bool, byte_offset: int) -> str:
    """Decode HTML entities in `text` (found at `byte_offset` of the message, for errors)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "&":
            out.append(text[i])
            i += 1
            continue
        match = _ENTITY_RE.match(text, i)
        if match is None:
            if strict:
                raise _bad(
                    'can\'t parse entities: Unsupported HTML entity or unescaped "&" at byte '
                    f"offset {byte_offset + len(text[:i].encode())}"
                )
            out.append("&")
            i += 1
            continue
        named, decimal, hexadecimal = match.groups()
        if named:
            out.append(_NAMED_ENTITIES[named])
        else:
            code = int(decimal) if decimal else int(hexadecimal, 16)
            if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise _bad(
                    "can't parse entities: Invalid HTML entity at byte offset "
                    f"{byte_offset + len(text[:i].encode())}"
                )
            out.append(chr(code))
        i = match.end()
    return "".join(out)


def parse_html(text: str, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into (plain text, entities) or raise a 400 ApiError.

    Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
    """

    def where(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    plain: list[str] = []
    position = 0  # UTF-16 length of `plain` so far
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = _ENTITY_RE.match(text, i)
            end = match.end() if match else i + 1
            decoded = _decode_entities(text[i:end], strict, where(i))
            plain.append(decoded)
            position += utf16_len(decoded)
            i = end
            continue
        if char != "<":  # a run of plain text up to the next tag or entity
            special = _SPECIAL_RE.search(text, i)
            end = special.start() if special else len(text)
            plain.append(text[i:end])
            position += utf16_len(text[i:end])
            i = end
            continue
        following = text[i + 1 : i + 2]
        if not (following.isascii() and (following.isalpha() or following == "/")):
            raise _bad(f'can\'t parse entities: Unsupported start tag "" at byte offset {where(i)}')
        close = text.find(">", i)
        if close == -1:
            raise _bad(f"can't parse entities: Unclosed start tag at byte offset {where(i)}")
        inner = text[i + 1 : close]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _bad(f"can't parse entities: Unexpected end tag at byte offset {where(i)}")
            open_name, start, extra = stack.pop()
            if name != open_name:
                raise _bad(
                    f"can't parse entities: Unmatched end tag at byte offset {where(i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            length = position - start
            if length > 0:
                entity_type = _HTML_TAGS[open_name]
                if open_name == "pre" and entities and entities[-1].get("_in_pre"):
                    language = entities.pop().get("language")
                    extra = {"language": language} if language else {}
                if open_name == "code" and stack and stack[-1][0] == "pre":
                    extra = {**extra, "_in_pre": True}
                if open_name == "blockquote" and extra.pop("expandable", False):
                    entity_type = "expandable_blockquote"
                if open_name == "a" and "url" not in extra:
                    extra = {"url": "".join(plain)[-length:]}
                entities.append({"type": entity_type, "offset": start, "length": length, **extra})
            i = close + 1
            continue
        name_match = _TAG_NAME_RE.match(inner)
        name = name_match.group(0).lower() if name_match else ""
        if name not in _HTML_TAGS:
            shown = name or inner[:20]
            raise _bad(
                f'can\'t parse entities: Unsupported start tag "{shown}" at byte offset {where(i)}'
            )
        attributes: dict[str, str] = {}
        rest = inner[len(name) :]
        while rest.strip():
            attr = _ATTR_RE.match(rest)
            if attr is None or attr.end() == 0:
                raise _bad(
                    f'can\'t parse entities: Invalid attribute in tag "{name}" at byte offset '
                    f"{where(i)}"
                )
            value = next((v for v in attr.groups()[1:] if v is not None), "")
            attributes[attr.group(1).lower()] = _decode_entities(value, strict, where(i))
            rest = rest[attr.end() :]
        extra: JSON = {}
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _bad(
                f'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset '
                f"{where(i)}"
            )
        if name == "a" and "href" in attributes:
            extra["url"] = attributes["href"]
        if name == "tg-emoji":
            if not attributes.get("emoji-id", "").isdigit():
                raise _bad(
                    "can't parse entities: Custom emoji entity must have a valid emoji-id at "
                    f"byte offset {where(i)}"
                )
            extra["custom_emoji_id"] = attributes["emoji-id"]
        if name == "code" and attributes.get("class", "").startswith("language-"):
            extra["language"] = attributes["class"][len("language-") :]
        if name == "blockquote" and "expandable" in attributes:
            extra["expandable"] = True
        if any(open_name in ("code", "pre") for open_name, _, _ in stack) and not (
            name == "code" and stack and stack[-1][0] == "pre"
        ):
            raise _bad(
                f'can\'t parse entities: Tag "{name}" can\'t be nested in "{stack[-1][0]}" at '
                f"byte offset {where(i)}"
            )
        stack.append((name, position, extra))
        i = close + 1
    if stack:
        raise _bad(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    for entity in entities:
        entity.pop("_in_pre", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


# --------------------------------------------------------------------------------------------
# Keyboards and text


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate a reply_markup object like Telegram; return it, or raise a 400 ApiError."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise _bad(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not isinstance(button.get("text"), str):
                    raise _bad(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                if not button["text"].strip():
                    raise _bad("BUTTON_TEXT_INVALID")
                actions = _BUTTON_ACTIONS & set(button)
                if not actions:
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                if len(actions) > 1:
                    raise _bad(
                        "can't parse inline keyboard button: InlineKeyboardButton must have "
                        "exactly one optional field"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).strip():
                    raise _bad("BUTTON_URL_INVALID")
                if "copy_text" in button:
                    copied = button["copy_text"]
                    text = copied.get("text") if isinstance(copied, dict) else None
                    if not isinstance(text, str) or not 1 <= len(text) <= 256:
                        raise _bad("COPY_TEXT_INVALID")
                if "switch_inline_query_chosen_chat" in button:
                    chosen = button["switch_inline_query_chosen_chat"]
                    if not isinstance(chosen, dict) or len(str(chosen.get("query", ""))) > 256:
                        raise _bad("BUTTON_SWITCH_INLINE_INVALID")
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text:
                    raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
                web_app = button.get("web_app") if isinstance(button, dict) else None
                if web_app is not None and not str(
                    web_app.get("url", "") if isinstance(web_app, dict) else ""
                ).startswith("https://"):
                    # Telegram opens a Mini App over https only.
                    raise _bad("BUTTON_URL_INVALID")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise _bad("can't parse reply keyboard markup JSON object")


def format_text(text: Any, parse_mode: str | None, strict_html: bool) -> tuple[str, list[JSON]]:
    """Check text like sendMessage does and return (plain text, entities)."""
    if not isinstance(text, str):
        raise _bad("message text is empty")
    if parse_mode is not None and parse_mode.lower() == "html":
        plain, entities = parse_html(text, strict=strict_html)
    elif parse_mode in (None, "", "MarkdownV2", "Markdown") or parse_mode.lower() in (
        "markdownv2",
        "markdown",
    ):
        plain, entities = text, []
    else:
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    if not plain.strip():
        raise _bad("message text is empty")
    if utf16_len(plain) > 4096:
        raise _bad("message is too long")
    return plain, entities


def command_entities(text: str) -> list[JSON]:
    """The bot_command entities Telegram attaches to a user's text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group(0)),
        }
        for match in _BOT_COMMAND_RE.finditer(text)
    ]


# --------------------------------------------------------------------------------------------
# The emulator


@dataclass
class _Fault:
    kind: str  # "fail" | "delay" | "drop" | "raw"
    times: int
    status: int = 500
    body: bytes = b""  # "raw": the answer's bytes as sent, not JSON-encoded
    retry_after: int | None = None
    description: str | None = None
    seconds: float = 0.0
    after_processing: bool = False


class _RawAnswer(dict[str, Any]):
    """An answer body sent as it is (see `answer_raw_next`); an empty dict, so that it passes
    where answers are JSON objects and nothing reads a field from it."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body


@dataclass
class _Poll:
    terminated: bool = False


@dataclass
class _Event:
    kind: str  # "send" | "edit" | "delete"
    message_id: int
    send_index: int | None
    snapshot: JSON


@dataclass
class _ChatLog:
    events: list[_Event] = field(default_factory=list)
    sends: int = 0
    injection_mark: int = 0  # len(events) when the test last injected an update for this chat


class _Drop(Exception):
    """Close the connection without answering."""


@dataclass
class CallRecord:
    """One request the bot made: method, decoded params, and the HTTP status answered."""

    method: str
    params: JSON
    status: int | None = None
    at: float = 0.0


class BotApiEmulator:
    """Local Bot API server; see the module docstring. Use as ``async with BotApiEmulator()``."""

    def __init__(
        self, token: str = TOKEN, *, strict_html: bool = True, round_trip: float = 0.0
    ) -> None:
        self.token = token
        self.strict_html = strict_html
        #: Seconds added to every answer, for the benchmarks: the network between a bot and
        #: Telegram (0 in the tests, where only the order of events matters).
        self.round_trip = round_trip
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Test Bot",
            "username": "test_emulator_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.host = "127.0.0.1"
        self.port = 0
        #: every request in arrival order, with its status once answered
        self.log: list[CallRecord] = []
        #: answerCallbackQuery parameters, in order
        self.callback_answers: list[JSON] = []
        #: chat actions sent, as (chat_id, action)
        self.chat_actions: list[tuple[int, str]] = []
        #: setMyDescription / setMyShortDescription by (method, language_code or None)
        self.descriptions: dict[tuple[str, str | None], str] = {}
        #: setChatMenuButton by chat_id (None: the default of every private chat)
        self.menu_buttons: dict[int | None, JSON] = {}
        #: setMyCommands by (scope as sorted JSON, language_code or None)
        self.scoped_commands: dict[tuple[str, str | None], list[JSON]] = {}
        #: webhook deliveries: (update_id, HTTP status or None when the connection failed)
        self.webhook_deliveries: list[tuple[int, int | None]] = []
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self.webhook_params: JSON = {}
        self.closed_by_bot = False  # close or logOut was called
        #: files uploaded with any request, by form field (the last one of each field)
        self.uploads: dict[str, bytes] = {}
        #: sendDocument calls: chat_id, file_name, content (bytes), caption, reply_markup
        self.documents: list[JSON] = []
        #: answerInlineQuery parameters, in order
        self.inline_answers: list[JSON] = []
        self._inline_ids = itertools.count(1)
        self._upload_names: dict[str, str] = {}

        self._server: asyncio.Server | None = None
        self._conn_tasks: set[asyncio.Task[None]] = set()
        self._deliver_task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._queue: list[JSON] = []  # pending updates (getUpdates or webhook)
        self._next_update_id = 1000
        self._allowed_updates: set[str] | None = None
        self._poll: _Poll | None = None
        self._faults: dict[str, list[_Fault]] = {}
        self._chats: dict[int, JSON] = {}
        self._blocked: set[int] = set()
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._bot_messages: dict[int, dict[int, JSON]] = {}  # chat -> message_id -> record
        self._user_messages: dict[tuple[int, int], JSON] = {}
        self._chat_logs: dict[int, _ChatLog] = {}
        self._callback_ids = itertools.count(1)
        self._open_inline_queries: set[str] = set()
        self._open_queries: set[str] = set()
        self._in_flight = 0  # requests other than getUpdates being handled
        self._last_activity = time.monotonic()
        self._quiet_not_before = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        self._changed = asyncio.Event()
        self._server = await asyncio.start_server(self._serve_connection, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))
        self._deliver_task = asyncio.create_task(self._deliver_webhooks(), name="emulator-webhook")

    async def stop(self) -> None:
        """Stop listening, end pending long polls and connections, release everything."""
        self._closing = True
        self._notify()
        if self._server is not None:
            self._server.close()
        # A pending long poll answers an empty result (the client sees a clean answer) ...
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 1
        while self._poll is not None and loop.time() < deadline:
            await asyncio.sleep(0.005)
        # ... any other request still running (e.g. delayed) loses its connection.
        tasks = [*self._conn_tasks]
        if self._deliver_task is not None:
            tasks.append(self._deliver_task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # -- records -----------------------------------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Every request as (method, params), in arrival order (failed attempts included)."""
        return [(record.method, record.params) for record in self.log]

    def calls_to(self, method: str) -> list[CallRecord]:
        """The requests made to `method`, with the status each one got."""
        return [record for record in self.log if record.method.lower() == method.lower()]

    def sent(self, chat_id: int) -> list[JSON]:
        """The bot's messages in `chat_id`, in sending order, each in its current state.

        Keys: message_id, text (as the bot sent it, markup included), parse_mode, reply_markup,
        plain_text and entities (after parsing), edits (how many times edited), deleted, date.
        Only successful sends are here; deleted messages stay with ``deleted=True`` so indices
        (and ``after=`` counts) never shift.
        """
        return [copy.deepcopy(record) for record in self._bot_messages.get(chat_id, {}).values()]

    @property
    def commands(self) -> dict[str | None, list[JSON]]:
        """setMyCommands for the default scope, by language_code (None = all languages)."""
        default = json.dumps({"type": "default"}, sort_keys=True)
        return {
            language: copy.deepcopy(commands)
            for (scope, language), commands in self.scoped_commands.items()
            if scope == default
        }

    @property
    def webhook(self) -> JSON | None:
        """The webhook the bot set, as {"url", "secret_token", ...params}, or None."""
        if not self.webhook_url:
            return None
        return {**self.webhook_params, "url": self.webhook_url, "secret_token": self.webhook_secret}

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates (or not yet accepted by the webhook)."""
        return copy.deepcopy(self._queue)

    # -- test as the clinician ---------------------------------------------------------------

    def add_chat(
        self, chat_id: int, chat_type: str = "private", first_name: str = "Dr", title: str = ""
    ) -> JSON:
        """Make a chat known (the bot can only write to chats that wrote to it)."""
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or f"Chat {chat_id}"
        self._chats.setdefault(chat_id, chat)
        return self._chats[chat_id]

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: later sends to this chat answer 403."""
        self._blocked.add(chat_id)

    def _user(self, user_id: int, first_name: str = "Dr", language_code: str = "en") -> JSON:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def _new_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def make_message(
        self,
        chat_id: int,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str = "en",
        first_name: str = "Dr",
        **fields: Any,
    ) -> JSON:
        """A user's Message object (with a fresh message_id) to put in an update."""
        chat = self.add_chat(chat_id, chat_type, first_name)
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 10_000
        message: JSON = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": dict(chat),
            **fields,
        }
        if chat_type != "channel":
            message["from"] = self._user(user_id, first_name, language_code)
        self._user_messages[(chat_id, message["message_id"])] = message
        return message

    async def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str = "en",
        first_name: str = "Dr",
        forward_from: int | None = None,
    ) -> int:
        """The user writes `text` (commands get bot_command entities); returns the update_id.

        With `forward_from` (a user id) the message is a forward from that user.
        """
        fields: JSON = {"text": text}
        if forward_from is not None:
            fields["forward_origin"] = {
                "type": "user",
                "date": int(time.time()),
                "sender_user": self._user(forward_from, "Other"),
            }
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        message = self.make_message(
            chat_id, user_id, chat_type, language_code, first_name, **fields
        )
        key = "channel_post" if chat_type == "channel" else "message"
        return await self.inject_update({key: message})

    async def send_web_app_data(
        self,
        chat_id: int,
        data: str,
        button_text: str = "📝 Form",
        user_id: int | None = None,
        **options: Any,
    ) -> int:
        """The user sent a Mini App's data (`Telegram.WebApp.sendData`, opened from a
        reply-keyboard button): a service message with `web_app_data` and no text. `data` is
        passed as given (a lone surrogate stands for bytes that are not UTF-8)."""
        web_app_data = {"data": data, "button_text": button_text}
        message = self.make_message(chat_id, user_id, web_app_data=web_app_data, **options)
        return await self.inject_update({"message": message})

    async def send_sticker(self, chat_id: int, user_id: int | None = None, **options: Any) -> int:
        """The user sends a sticker."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAEsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        message = self.make_message(chat_id, user_id, sticker=sticker, **options)
        return await self.inject_update({"message": message})

    async def send_photo(
        self, chat_id: int, user_id: int | None = None, caption: str | None = None, **options: Any
    ) -> int:
        """The user sends a photo (optionally captioned)."""
        photo = [
            {
                "file_id": f"AgACphoto{size}",
                "file_unique_id": f"AQADphoto{size}",
                "width": size,
                "height": size,
                "file_size": size * 40,
            }
            for size in (90, 320, 800)
        ]
        fields: JSON = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        message = self.make_message(chat_id, user_id, **fields, **options)
        return await self.inject_update({"message": message})

    async def send_voice(
        self, chat_id: int, user_id: int | None = None, duration: int = 3, **options: Any
    ) -> int:
        """The user sends a voice note."""
        voice = {
            "file_id": "AwACvoice",
            "file_unique_id": "AgADvoice",
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        message = self.make_message(chat_id, user_id, voice=voice, **options)
        return await self.inject_update({"message": message})

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> int:
        """The user edits their message `message_id` to `text` (an edited_message update)."""
        original = self._user_messages.get((chat_id, message_id))
        if original is None:
            chat = self.add_chat(chat_id)
            original = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": dict(chat),
                "from": self._user(chat_id),
            }
        edited = {**original, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        entities = command_entities(text)
        if entities:
            edited["entities"] = entities
        self._user_messages[(chat_id, message_id)] = edited
        key = "edited_channel_post" if edited["chat"]["type"] == "channel" else "edited_message"
        return await self.inject_update({key: edited})

    async def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str | None = None,
        user_id: int | None = None,
        language_code: str = "en",
    ) -> int:
        """The user presses an inline button on the bot's message; returns the update_id.

        With `data` None the callback_data of the message's only callback button is sent
        (ValueError if it has none or several). Otherwise `data` is sent as given, whether or not
        the keyboard has it, as a modified client could (forged or stale data).
        """
        record = self._bot_messages.get(chat_id, {}).get(message_id)
        if record is None:
            raise LookupError(f"the bot sent no message {message_id} in chat {chat_id}")
        if data is None:
            markup = record.get("reply_markup") or {}
            choices = [
                button["callback_data"]
                for row in markup.get("inline_keyboard", [])
                for button in row
                if "callback_data" in button
            ]
            if len(choices) != 1:
                raise ValueError(
                    f"message {message_id} in chat {chat_id} has {len(choices)} callback buttons "
                    f"({choices}); pass the data to press"
                )
            data = choices[0]
        chat = self._chats[chat_id]
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" else 10_000
        query_id = f"{next(self._callback_ids)}{chat_id & 0xFFFF:05d}"
        self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, language_code=language_code),
            "message": self._message_object(chat_id, record),
            "chat_instance": str(-(abs(chat_id) * 7919 + 17)),
            "data": data,
        }
        return await self.inject_update({"callback_query": query})

    async def inject_update(self, update: JSON) -> int:
        """Queue a raw update (update_id is assigned if missing); returns its update_id.

        With a webhook set it is POSTed there, otherwise getUpdates returns it.
        """
        update = copy.deepcopy(update)
        given = update.get("update_id")
        update_id = max(self._next_update_id, given if isinstance(given, int) else 0)
        self._next_update_id = update_id + 1
        update["update_id"] = update_id
        chat_id = self._update_chat(update)
        if chat_id is not None:
            log = self._chat_logs.setdefault(chat_id, _ChatLog())
            log.injection_mark = len(log.events)
        self._queue.append(update)
        self._notify()
        await asyncio.sleep(0)  # let a waiting long poll or the webhook sender see it
        return update_id

    def _update_chat(self, update: JSON) -> int | None:
        for key in _MESSAGE_KEYS:
            if key in update and isinstance(update[key], dict):
                chat = update[key].get("chat")
                if isinstance(chat, dict) and "id" in chat:
                    self._chats.setdefault(chat["id"], dict(chat))
                    return int(chat["id"])
        query = update.get("callback_query")
        if isinstance(query, dict) and isinstance(query.get("message"), dict):
            return int(query["message"]["chat"]["id"])
        return None

    async def post_to_webhook(self, update: JSON, secret: str | None = None) -> int:
        """POST `update` straight to the webhook the bot set; returns the HTTP status.

        `secret` is the X-Telegram-Bot-Api-Secret-Token to send: None sends the recorded one,
        "" sends no header.
        """
        if not self.webhook_url or self._client is None:
            raise RuntimeError("the bot has not set a webhook")
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        token = self.webhook_secret if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        response = await self._client.post(self.webhook_url, json=update, headers=headers)
        return response.status_code

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` answer an error and do nothing.

        429 carries ``parameters.retry_after`` (PTB raises RetryAfter); other statuses ignore
        `retry_after`.
        """
        self._add_fault(
            method,
            _Fault(
                "fail",
                times,
                status=status,
                retry_after=retry_after if status == 429 else None,
                description=description,
            ),
        )

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are answered (and take effect) after `seconds`."""
        self._add_fault(method, _Fault("delay", times, seconds=seconds))

    def drop_next(self, method: str, times: int = 1, after_processing: bool = False) -> None:
        """The next `times` calls of `method` get their connection closed without an answer.

        With ``after_processing=True`` the call takes effect first (e.g. the message is sent)
        and only the answer is lost, as when a response is lost in the network.
        """
        self._add_fault(method, _Fault("drop", times, after_processing=after_processing))

    def answer_raw_next(self, method: str, status: int, body: bytes, times: int = 1) -> None:
        """The next `times` calls of `method` answer `status` with `body` as it is (an HTML page
        from a proxy, an empty or truncated answer, JSON that is not an object) and do nothing."""
        self._add_fault(method, _Fault("raw", times, status=status, body=body))

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        self._faults.setdefault(method.lower(), []).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        faults = self._faults.get(method.lower())
        if not faults:
            return None
        fault = faults[0]
        fault.times -= 1
        if fault.times == 0:
            faults.pop(0)
        return fault

    # -- waiting -----------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5) -> T:
        """Wait until ``predicate()`` is truthy: re-checked on every emulator event and at least
        every 0.1 s (so predicates on the bot's own state work too).

        Returns the truthy value; raises TimeoutError (with the recent calls) after `timeout`.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(r.method, r.status) for r in self.log[-10:]]
                raise TimeoutError(f"condition not met within {timeout}s; last calls: {recent}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, 0.1))

    async def wait_for_reply(self, chat_id: int, after: int = 0, timeout: float = 5) -> JSON:
        """The bot's next message in `chat_id`: the message number `after` (0-based) it sends
        there, or an edit made since the last update the test injected for this chat, whichever
        came first. The dict is the message as of that event (for an edit, ``"edited": True``).
        """

        def reply() -> JSON | None:
            log = self._chat_logs.get(chat_id)
            if log is None:
                return None
            for position, event in enumerate(log.events):
                if event.kind == "send" and event.send_index is not None:
                    if event.send_index >= after:
                        return event.snapshot
                elif event.kind == "edit" and position >= log.injection_mark:
                    return {**event.snapshot, "edited": True}
            return None

        return copy.deepcopy(await self.wait_for(reply, timeout))

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 5) -> list[JSON]:
        """Wait until the bot has sent at least `count` messages to `chat_id`; return sent().

        On timeout the TimeoutError lists the texts the chat did get and the recent calls.
        """
        try:
            await self.wait_for(lambda: len(self._bot_messages.get(chat_id, {})) >= count, timeout)
        except TimeoutError as error:
            texts = [record["text"] for record in self._bot_messages.get(chat_id, {}).values()]
            raise TimeoutError(
                f"chat {chat_id}: expected at least {count} messages from the bot within "
                f"{timeout}s, got {len(texts)}: {texts!r}; {error}"
            ) from None
        return self.sent(chat_id)

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 5) -> CallRecord:
        """Wait until `method` has been called `count` times; return that call."""
        await self.wait_for(lambda: len(self.calls_to(method)) >= count, timeout)
        return self.calls_to(method)[count - 1]

    async def wait_idle(self, seconds: float = 0.2, timeout: float = 10) -> None:
        """Wait until the bot is quiet: every injected update fetched and confirmed (or accepted
        by the webhook), no request other than the long poll in progress, and no new request for
        `seconds` (longer after a 429, to cover the client's retry_after sleep).

        A quiescence check: use it only where there is no specific reply to wait for.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = time.monotonic()
            busy = bool(self._queue) or self._in_flight > 0
            settle_at = max(self._last_activity + seconds, self._quiet_not_before)
            if not busy and now >= settle_at:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"bot not idle after {timeout}s: {len(self._queue)} pending updates, "
                    f"{self._in_flight} requests in progress"
                )
            wait = min(remaining, max(settle_at - now, 0.01) if not busy else 0.1)
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), wait)

    # -- HTTP --------------------------------------------------------------------------------

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conn_tasks.add(task)
        try:
            while not self._closing:
                request = await self._read_request(reader)
                if request is None:
                    break
                method_line, headers, body = request
                try:
                    status, payload = await self._handle(method_line, headers, body)
                except _Drop:
                    break
                data = (
                    payload.body
                    if isinstance(payload, _RawAnswer)
                    else json.dumps(payload).encode("utf-8")
                )
                keep_alive = headers.get("connection", "").lower() != "close"
                phrase = (
                    HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
                )
                head = (
                    f"HTTP/1.1 {status} {phrase}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
                )
                writer.write(head.encode("latin-1") + data)
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            # Only stop() cancels these tasks; ending normally keeps asyncio.streams (3.11)
            # from logging the cancellation as an error in its done-callback.
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()
            self._conn_tasks.discard(task)

    @staticmethod
    async def _read_request(
        reader: asyncio.StreamReader,
    ) -> tuple[str, dict[str, str], bytes] | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0")))
        return lines[0], headers, body

    def _decode_params(self, target: str, headers: dict[str, str], body: bytes) -> JSON:
        params: JSON = {}
        query = urlsplit(target).query
        raw: dict[str, str] = {k: v[0] for k, v in parse_qs(query).items()}
        content_type = headers.get("content-type", "")
        if body and content_type.startswith("application/json"):
            try:
                decoded = json.loads(body)
            except ValueError as error:
                raise _bad("can't parse JSON") from error
            if not isinstance(decoded, dict):
                raise _bad("can't parse JSON object")
            params.update(decoded)
        elif body:
            arguments: dict[str, list[bytes]] = {}
            files: dict[str, list[Any]] = {}
            parse_body_arguments(content_type, body, arguments, files, HTTPHeaders(headers))
            raw.update({k: v[0].decode("utf-8") for k, v in arguments.items()})
            for name, uploads in files.items():
                raw[name] = f"attach://{name}"
                self.uploads[name] = bytes(uploads[0].body)
                self._upload_names[name] = uploads[0].filename
        for name, value in raw.items():
            params[name] = self._coerce(name, value)
        return params

    @staticmethod
    def _coerce(name: str, value: str) -> Any:
        if name in _JSON_PARAMS:
            try:
                return json.loads(value)
            except ValueError as error:
                raise _bad(f"can't parse {name} JSON object") from error
        if name == "timeout":  # Telegram wants an Integer; a float is taken as it means
            with contextlib.suppress(ValueError):
                return float(value)
        if name in _INT_PARAMS or name == "chat_id":
            with contextlib.suppress(ValueError):
                return int(value)
            if name != "chat_id":
                raise _bad(f"wrong parameter {name} in request")
        if name in _BOOL_PARAMS:
            return value.lower() in ("true", "1")
        return value

    async def _handle(
        self, request_line: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, JSON]:
        parts = request_line.split(" ")
        target = parts[1] if len(parts) > 1 else "/"
        path = urlsplit(target).path
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            if path.startswith("/bot") and "/" in path[4:]:
                return 401, ApiError(401, "Unauthorized").payload()
            return 404, ApiError(404, "Not Found").payload()
        method = path[len(prefix) :]
        try:
            params = self._decode_params(target, headers, body)
        except ApiError as error:
            record = CallRecord(method, {}, error.status, time.monotonic())
            self.log.append(record)
            self._notify()
            return error.status, error.payload()
        record = CallRecord(method, params, None, time.monotonic())
        self.log.append(record)
        long_poll = method.lower() == "getupdates"
        if not long_poll:
            self._in_flight += 1
            self._last_activity = time.monotonic()
        self._notify()
        try:
            status, payload = await self._run(method, params)
            if self.round_trip:
                await asyncio.sleep(self.round_trip)
        except _Drop:
            record.status = None
            raise
        finally:
            if not long_poll:
                self._in_flight -= 1
                self._last_activity = time.monotonic()
        record.status = status
        if status == 429 and not long_poll:
            retry_after = payload.get("parameters", {}).get("retry_after", 0)
            self._quiet_not_before = time.monotonic() + retry_after + 0.5
        self._notify()
        return status, payload

    async def _run(self, method: str, params: JSON) -> tuple[int, JSON]:
        fault = self._take_fault(method)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            raise _Drop
        if fault is not None and fault.kind == "raw":
            return fault.status, _RawAnswer(fault.body)
        if fault is not None and fault.kind == "fail":
            description = fault.description or (
                f"Too Many Requests: retry after {fault.retry_after}"
                if fault.status == 429
                else f"{HTTPStatus(fault.status).phrase}"
                if fault.status in HTTPStatus._value2member_map_
                else "Error"
            )
            if fault.status == 400 and not description.startswith("Bad Request"):
                description = f"Bad Request: {description}"
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            return fault.status, ApiError(fault.status, description, parameters).payload()
        handler = getattr(self, f"_api_{method.lower()}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as error:
            answer: tuple[int, JSON] = (error.status, error.payload())
        else:
            answer = (200, {"ok": True, "result": result})
        if fault is not None and fault.kind == "drop":
            raise _Drop
        return answer

    # -- Bot API methods ---------------------------------------------------------------------

    async def _api_getme(self, params: JSON) -> JSON:
        return dict(self.bot_user)

    async def _api_close(self, params: JSON) -> bool:
        self.closed_by_bot = True
        return True

    async def _api_logout(self, params: JSON) -> bool:
        self.closed_by_bot = True
        return True

    def _update_type(self, update: JSON) -> str:
        return next((key for key in update if key != "update_id"), "")

    async def _api_getupdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = set(allowed) if allowed else None
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        if self._poll is not None:
            self._poll.terminated = True
        poll = self._poll = _Poll()
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                allowed_types = self._allowed_updates or _DEFAULT_UPDATE_TYPES
                self._queue = [u for u in self._queue if self._update_type(u) in allowed_types]
                ready = self._queue[:limit]
                if ready or poll.terminated or self._closing or self.webhook_url:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                changed = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.terminated:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        if ready:  # the bot has work now: wait_idle must not see it as quiet yet
            self._last_activity = time.monotonic()
        return copy.deepcopy(ready)

    async def _api_setwebhook(self, params: JSON) -> bool:
        url = params.get("url", "")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise _bad("secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = url
        self.webhook_secret = secret if url else None
        self.webhook_params = dict(params) if url else {}
        if url and "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = set(allowed) if allowed else None
        if url and self._poll is not None:
            self._poll.terminated = True
        self._notify()
        return True

    async def _api_deletewebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        self.webhook_params = {}
        return True

    async def _api_getwebhookinfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_params.get("max_connections", 40)
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    @staticmethod
    def _scope_key(params: JSON) -> tuple[str, str | None]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or None
        if language is not None and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    async def _api_setmycommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(params)
        if commands:
            self.scoped_commands[key] = copy.deepcopy(commands)
        else:
            self.scoped_commands.pop(key, None)
        return True

    async def _describe(self, params: JSON, field: str, limit: int) -> bool:
        text = params.get(field) or ""
        if not isinstance(text, str) or len(text) > limit:
            raise _bad(f"{field} is too long")
        language = params.get("language_code") or None
        if language is not None and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        self.descriptions[(field, language)] = text
        return True

    async def _api_setmydescription(self, params: JSON) -> bool:
        return await self._describe(params, "description", 512)

    async def _api_setmyshortdescription(self, params: JSON) -> bool:
        return await self._describe(params, "short_description", 120)

    async def _api_setchatmenubutton(self, params: JSON) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "default"):
            raise _bad("can't parse menu button JSON object")
        chat_id = params.get("chat_id")
        self.menu_buttons[int(chat_id) if chat_id is not None else None] = button
        return True

    async def _api_getmycommands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self.scoped_commands.get(self._scope_key(params), []))

    async def _api_deletemycommands(self, params: JSON) -> bool:
        self.scoped_commands.pop(self._scope_key(params), None)
        return True

    def _chat_for_send(self, params: JSON) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad("chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _message_object(self, chat_id: int, record: JSON) -> JSON:
        message: JSON = {
            "message_id": record["message_id"],
            "date": record["date"],
            "chat": dict(self._chats[chat_id]),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "text": record["plain_text"],
        }
        if record["entities"]:
            message["entities"] = copy.deepcopy(record["entities"])
        markup = record.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = copy.deepcopy(markup)
        if record["edits"]:
            message["edit_date"] = record["edit_date"]
        return message

    def _log_event(self, chat_id: int, kind: str, record: JSON) -> None:
        log = self._chat_logs.setdefault(chat_id, _ChatLog())
        send_index = None
        if kind == "send":
            send_index = log.sends
            log.sends += 1
        log.events.append(_Event(kind, record["message_id"], send_index, copy.deepcopy(record)))

    async def _api_sendmessage(self, params: JSON) -> JSON:
        chat_id = self._chat_for_send(params)
        parse_mode = params.get("parse_mode") or None
        plain, entities = format_text(params.get("text"), parse_mode, self.strict_html)
        if parse_mode is None and isinstance(params.get("entities"), list):
            entities = params["entities"]
        markup = check_reply_markup(params.get("reply_markup"))
        message_id = self._new_message_id(chat_id)
        record: JSON = {
            "message_id": message_id,
            "chat_id": chat_id,
            "date": int(time.time()),
            "text": params["text"],
            "parse_mode": parse_mode,
            "reply_markup": markup,
            "plain_text": plain,
            "entities": entities,
            "edits": 0,
            "edit_date": None,
            "deleted": False,
            "params": copy.deepcopy(params),
        }
        self._bot_messages.setdefault(chat_id, {})[message_id] = record
        self._log_event(chat_id, "send", record)
        return self._message_object(chat_id, record)

    async def _api_senddocument(self, params: JSON) -> JSON:
        chat_id = self._chat_for_send(params)
        document = params.get("document")
        if not isinstance(document, str) or not document:
            raise _bad("there is no document in the request")
        field = document.removeprefix("attach://")
        content = self.uploads.get(field)
        name = self._upload_names.get(field, field)
        if content is None:
            raise _bad("wrong remote file identifier specified")
        caption = params.get("caption")
        if caption is not None:
            format_text(caption, params.get("parse_mode") or None, self.strict_html)
        markup = check_reply_markup(params.get("reply_markup"))
        message_id = self._new_message_id(chat_id)
        self.documents.append(
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "file_name": name,
                "content": content,
                "caption": caption,
                "reply_markup": markup,
            }
        )
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(self._chats[chat_id]),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "document": {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"u{message_id}",
                "file_name": name,
                "file_size": len(content),
            },
        }

    async def _api_answerinlinequery(self, params: JSON) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        if query_id not in self._open_inline_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH" if isinstance(results, list) else "can't parse results")
        for result in results:
            content = result.get("input_message_content") if isinstance(result, dict) else None
            if not isinstance(content, dict) or "message_text" not in content:
                raise _bad("MESSAGE_EMPTY")
            format_text(content["message_text"], content.get("parse_mode"), self.strict_html)
        self._open_inline_queries.discard(query_id)
        self.inline_answers.append(copy.deepcopy(params))
        return True

    async def send_inline_query(
        self, user_id: int, query: str, language_code: str = "en", chat_type: str = "private"
    ) -> int:
        """The user types `@bot <query>` in some chat (or a button prefilled it); returns the
        update_id. The answer lands in ``inline_answers``."""
        query_id = f"iq{next(self._inline_ids)}"
        self._open_inline_queries.add(query_id)
        update = {
            "inline_query": {
                "id": query_id,
                "from": self._user(user_id, language_code=language_code),
                "query": query,
                "offset": "",
                "chat_type": chat_type,
            }
        }
        return await self.inject_update(update)

    def _message_to_edit(self, params: JSON) -> tuple[int, JSON]:
        if "inline_message_id" in params:
            raise _bad("message to edit not found")
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad("chat not found")
        message_id = params.get("message_id")
        record = self._bot_messages.get(chat_id, {}).get(message_id)  # type: ignore[arg-type]
        if record is None or record["deleted"]:
            if (chat_id, message_id) in self._user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return chat_id, record

    def _apply_edit(self, chat_id: int, record: JSON, changes: JSON, params: JSON) -> JSON:
        old = (record["plain_text"], record["entities"], record["reply_markup"])
        new_state = {**record, **changes}
        new = (new_state["plain_text"], new_state["entities"], new_state["reply_markup"])
        if old == new:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        record.update(changes)
        record["edits"] += 1
        record["edit_date"] = int(time.time())
        record["params"] = copy.deepcopy(params)
        self._log_event(chat_id, "edit", record)
        return self._message_object(chat_id, record)

    async def _api_editmessagetext(self, params: JSON) -> JSON:
        chat_id, record = self._message_to_edit(params)
        parse_mode = params.get("parse_mode") or None
        plain, entities = format_text(params.get("text"), parse_mode, self.strict_html)
        if parse_mode is None and isinstance(params.get("entities"), list):
            entities = params["entities"]
        markup = check_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        changes = {
            "text": params["text"],
            "parse_mode": parse_mode,
            "plain_text": plain,
            "entities": entities,
            "reply_markup": markup,
        }
        return self._apply_edit(chat_id, record, changes, params)

    async def _api_editmessagereplymarkup(self, params: JSON) -> JSON:
        chat_id, record = self._message_to_edit(params)
        markup = check_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        if markup is not None and not markup["inline_keyboard"]:
            markup = None
        return self._apply_edit(chat_id, record, {"reply_markup": markup}, params)

    async def _api_answercallbackquery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(copy.deepcopy(params))
        return True

    async def _api_sendchataction(self, params: JSON) -> bool:
        chat_id = self._chat_for_send(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat_id, action))
        return True

    async def _api_deletemessage(self, params: JSON) -> bool:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad("chat not found")
        message_id = params.get("message_id")
        record = self._bot_messages.get(chat_id, {}).get(message_id)  # type: ignore[arg-type]
        if record is not None and not record["deleted"]:
            record["deleted"] = True
            self._log_event(chat_id, "delete", record)
            return True
        if self._user_messages.pop((chat_id, message_id), None) is not None:  # type: ignore[arg-type]
            return True
        raise _bad("message to delete not found")

    # -- webhook delivery --------------------------------------------------------------------

    async def _deliver_webhooks(self) -> None:
        backoff = 0.02
        while not self._closing:
            if not self.webhook_url or not self._queue or self._client is None:
                await self._changed.wait()
                continue
            update = self._queue[0]
            headers = (
                {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
                if self.webhook_secret
                else {}
            )
            status: int | None
            try:
                response = await self._client.post(self.webhook_url, json=update, headers=headers)
                status = response.status_code
            except httpx.HTTPError:
                status = None
            self.webhook_deliveries.append((update["update_id"], status))
            if status is not None and 200 <= status < 300:
                if self._queue and self._queue[0] is update:
                    self._queue.pop(0)
                backoff = 0.02
                self._notify()
            else:
                self._notify()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 0.5)
