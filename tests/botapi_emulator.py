"""A Telegram Bot API emulator on 127.0.0.1 for end-to-end tests of the real Application.

It answers the methods python-telegram-bot calls, validates what Telegram validates and we
rely on (HTML markup, 4096 characters, 64-byte callback data, editing rules), records what the
bot sends, and lets a test act as a clinician: type text, press buttons, send stickers, edit.
Faults (429 with retry_after, 5xx, slow answers, dropped connections) are injected per method.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import html
import itertools
import json
import re
import socket
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

BOT_ID = 123456
TOKEN = f"{BOT_ID}:TEST-TOKEN"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Besponsa",
    "username": "besponsa_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_BAD_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


class _HtmlChecker(HTMLParser):
    """Telegram's HTML: only its tags, properly nested; text length after parsing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = f'unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text as Telegram would show it, or ApiError 400 if it cannot be parsed."""
    if (parse_mode or "").upper() != "HTML":
        return text
    if _BAD_AMPERSAND.search(text) or re.search(r"<(?![a-zA-Z/])", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped character")
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.error or checker.stack:
        detail = checker.error or f'unclosed tag "{checker.stack[-1]}"'
        raise ApiError(400, f"Bad Request: can't parse entities: {detail}")
    return html.unescape("".join(checker.text))


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class BotApiEmulator:
    """`async with BotApiEmulator() as emu:`; build the bot with `emu.token`, `emu.base_url`."""

    token = TOKEN

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self._messages: dict[int, dict[int, dict[str, Any]]] = collections.defaultdict(dict)
        self._order: dict[int, list[int]] = collections.defaultdict(list)
        self._message_ids: dict[int, itertools.count[int]] = collections.defaultdict(
            lambda: itertools.count(1)
        )
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._queue: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._faults: dict[str, collections.deque[tuple[str, Any]]] = collections.defaultdict(
            collections.deque
        )
        self._last_request = 0.0
        self._last_delivery = 0.0
        self._server: HTTPServer | None = None
        self._client: httpx.AsyncClient | None = None
        self.port = 0

    # Lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> BotApiEmulator:
        sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        app = Application([(r"/bot(?P<token>[^/]+)/(?P<method>\w+)", _Handler, {"emu": self})])
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        self._client = httpx.AsyncClient(timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._arrived.set()
        if self._server is not None:
            self._server.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.close_all_connections(), 2)
        if self._client is not None:
            await self._client.aclose()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # Faults ----------------------------------------------------------------------------

    def fail_next(
        self, method: str, status: int = 500, retry_after: int = 1, times: int = 1
    ) -> None:
        for _ in range(times):
            self._faults[method].append(("status", (status, retry_after)))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        for _ in range(times):
            self._faults[method].append(("delay", seconds))

    def drop_next(self, method: str, times: int = 1) -> None:
        for _ in range(times):
            self._faults[method].append(("drop", None))

    # Acting as the clinician -----------------------------------------------------------

    def _user(self, user_id: int, language_code: str, first_name: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def _chat(self, chat_id: int, chat_type: str, first_name: str) -> dict[str, Any]:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": first_name}
        return {"id": chat_id, "type": chat_type, "title": "Ward team"}

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        chat_type: str,
        language_code: str,
        first_name: str,
        **content: Any,
    ) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type, first_name),
            "from": self._user(
                user_id if user_id is not None else chat_id, language_code, first_name
            ),
            **content,
        }

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
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if forward_from is not None:
            content["forward_origin"] = {
                "type": "user",
                "date": int(time.time()),
                "sender_user": self._user(forward_from, "en", "Other"),
            }
        message = self._user_message(
            chat_id, user_id, chat_type, language_code, first_name, **content
        )
        return await self.inject_update({"message": message})

    async def send_sticker(self, chat_id: int) -> int:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.inject_update(
            {"message": self._user_message(chat_id, None, "private", "en", "Dr", sticker=sticker)}
        )

    async def send_photo(self, chat_id: int) -> int:
        photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
        return await self.inject_update(
            {"message": self._user_message(chat_id, None, "private", "en", "Dr", photo=photo)}
        )

    async def send_voice(self, chat_id: int) -> int:
        voice = {"file_id": "v1", "file_unique_id": "u3", "duration": 2}
        return await self.inject_update(
            {"message": self._user_message(chat_id, None, "private", "en", "Dr", voice=voice)}
        )

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> int:
        message = self._user_message(chat_id, None, "private", "en", "Dr", text=text)
        message["message_id"] = message_id
        message["edit_date"] = int(time.time())
        return await self.inject_update({"edited_message": message})

    async def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        user_id: int | None = None,
        language_code: str = "en",
    ) -> int:
        message = self._messages[chat_id].get(message_id) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id, "private", "Dr"),
            "from": BOT_USER,
            "text": "?",
        }
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id if user_id is not None else chat_id, language_code, "Dr"),
            "message": {k: v for k, v in message.items() if k != "parse_mode"},
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return await self.inject_update({"callback_query": query})

    async def inject_update(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook:
            await self._post_webhook(update, self.webhook.get("secret_token"))
        else:
            self._queue.append(update)
            self._arrived.set()
        return int(update["update_id"])

    async def post_to_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        update = {"update_id": next(self._update_ids), **update}
        return await self._post_webhook(update, secret)

    async def _post_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        assert self.webhook is not None and self._client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        response = await self._client.post(self.webhook["url"], json=update, headers=headers)
        self._last_delivery = time.monotonic()
        return response.status_code

    # Records and waiting ---------------------------------------------------------------

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent in this chat, in order, each as it looks now (after edits)."""
        return [self._messages[chat_id][i] for i in self._order[chat_id]]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"condition not met in {timeout} s; calls: "
                    f"{[method for method, _ in self.calls[-10:]]}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        try:
            await self.wait_for(lambda: len(self._order[chat_id]) >= count, timeout)
        except TimeoutError:
            texts = [m["text"][:60] for m in self.sent(chat_id)]
            raise TimeoutError(f"chat {chat_id}: wanted {count} messages, got {texts}") from None
        return self.sent(chat_id)

    async def wait_idle(self, seconds: float = 0.2, timeout: float = 10.0) -> None:
        """Until every update was fetched and the bot sent nothing for `seconds`."""

        def quiet() -> bool:
            now = time.monotonic()
            return (
                not self._queue
                and now - self._last_request >= seconds
                and now - self._last_delivery >= seconds
            )

        await self.wait_for(quiet, timeout)

    # The API ---------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        if method != "getUpdates":
            self._last_request = time.monotonic()
        self.calls.append((method, params))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = await handler(params)
        if method != "getUpdates":
            self._last_request = time.monotonic()
        return result

    def take_fault(self, method: str) -> tuple[str, Any] | None:
        faults = self._faults.get(method)
        return faults.popleft() if faults else None

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        if offset:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        if not self._queue:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), float(params.get("timeout") or 0))
        limit = int(params.get("limit") or 100)
        batch = self._queue[:limit]
        if batch:
            self._last_delivery = time.monotonic()
        return batch

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params["commands"]
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or not (
                1 <= len(command["description"]) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[params.get("language_code") or None] = commands
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(params.get("language_code") or None, [])

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(params.get("language_code") or None, None)
        return True

    def _check_markup(self, markup: Any) -> None:
        if not markup:
            return
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, "Bad Request: inline keyboard expected")
        for row in rows:
            for button in row:
                data = button.get("callback_data")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _check_text(self, text: Any, parse_mode: Any) -> None:
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_length(visible_text(text, parse_mode)) > 4096:
            raise ApiError(400, "Bad Request: message is too long")

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self._chat(chat_id, "private" if chat_id > 0 else "group", "Dr"),
            "from": BOT_USER,
            "text": params["text"],
            "parse_mode": params.get("parse_mode"),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[chat_id][message["message_id"]] = message
        self._order[chat_id].append(message["message_id"])
        return {k: v for k, v in message.items() if k != "parse_mode"}

    def _own_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        message = self._messages[chat_id].get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._own_message(params)
        self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if params["text"] == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.update(text=params["text"], parse_mode=params.get("parse_mode"))
        self._set_markup(message, markup)
        return {k: v for k, v in message.items() if k != "parse_mode"}

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._own_message(params)
        markup = params.get("reply_markup") or None
        self._check_markup(markup)
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        self._set_markup(message, markup)
        return {k: v for k, v in message.items() if k != "parse_mode"}

    @staticmethod
    def _set_markup(message: dict[str, Any], markup: Any) -> None:
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.callback_answers.append(params)
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_logOut(self, params: dict[str, Any]) -> Any:
        return True


def _decode(value: str, name: str) -> Any:
    if value[:1] in "[{":
        with contextlib.suppress(ValueError):
            return json.loads(value)
    if name in _INT_FIELDS:
        with contextlib.suppress(ValueError):
            return int(value)
    if value in {"true", "false"}:
        return value == "true"
    return value


class _Handler(RequestHandler):
    def initialize(self, emu: BotApiEmulator) -> None:
        self.emu = emu

    def check_xsrf_cookie(self) -> None:  # an API, not a browser form
        return None

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def _serve(self, token: str, method: str) -> None:
        emu = self.emu
        if token != emu.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        fault = emu.take_fault(method)
        if fault is not None:
            kind, value = fault
            if kind == "drop":
                self.request.connection.stream.close()  # type: ignore[attr-defined]
                return
            if kind == "delay":
                await asyncio.sleep(value)
            elif kind == "status":
                status, retry_after = value
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": status,
                    "description": f"Emulated error {status}",
                }
                if status == 429:
                    body["description"] = f"Too Many Requests: retry after {retry_after}"
                    body["parameters"] = {"retry_after": retry_after}
                self._reply(status, body)
                return
        params = self._params()
        try:
            result = await emu.call(method, params)
        except ApiError as error:
            body = {"ok": False, "error_code": error.code, "description": error.description}
            self._reply(error.code, body)
            return
        self._reply(200, {"ok": True, "result": result})

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            data = json.loads(self.request.body)
            return data if isinstance(data, dict) else {}
        return {
            name: _decode(values[-1].decode(), name)
            for name, values in self.request.body_arguments.items()
        }

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))
