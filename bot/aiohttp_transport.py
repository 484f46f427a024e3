"""The client that sends the bot's answers: python-telegram-bot's request interface over aiohttp.

Under load PTB's own client (httpx) costs about 6 ms more CPU per update: its pool gets slower as
more requests run at once, where aiohttp parses HTTP in C and keeps its pool cheap (measured in
bench/bench_bot.py and bench/bench_fairness.py, BENCHMARKS.md). Importing aiohttp costs about
0.2 s, so this module is imported while the bot connects (bot/app.py, LOADED_WHILE_CONNECTING)
and takes over the sending then (bot/transport.py, `HandOverRequest`). Errors, answers that are
not the Bot API's and the token are handled as bot/transport.py describes.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.transport import DEFAULT_TIMEOUT, checked_answer, parse_json_payload, tls_context

_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # PTB's marker for "not given"


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._defaults["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls_context()),
                headers={"User-Agent": self.USER_AGENT},
                # Telegram's answers are JSON for PTB to parse, never cookies or redirects.
                cookie_jar=aiohttp.DummyCookieJar(),
                # HTTPS_PROXY / NO_PROXY, as PTB's own client honours them: hospital networks
                # often reach the internet only through a proxy.
                trust_env=True,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout)
        try:
            async with self._session.request(
                method,
                url,
                timeout=timeout,
                allow_redirects=False,
                **_body(request_data),
            ) as response:
                status, body = response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name only: aiohttp's message may quote the URL, and with it the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error
        return checked_answer(status, body)

    parse_json_payload = staticmethod(parse_json_payload)

    def _timeout(self, read: Any, write: Any, connect: Any, pool: Any) -> aiohttp.ClientTimeout:
        """aiohttp has no write timeout: the whole request gets the sum of the four as its
        ceiling, so a stalled upload still ends."""
        given = {"read": read, "write": write, "connect": connect, "pool": pool}
        seconds = {
            name: self._defaults[name] if isinstance(value, _DEFAULT) else value
            for name, value in given.items()
        }
        finite = None not in seconds.values()
        return aiohttp.ClientTimeout(
            total=sum(seconds.values()) if finite else None,  # type: ignore[arg-type]
            connect=_plus(seconds["pool"], seconds["connect"]),
            sock_connect=seconds["connect"],
            sock_read=seconds["read"],
        )


def _plus(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first + second


def _body(request_data: RequestData | None) -> dict[str, Any]:
    """JSON, as the Bot API prefers; multipart form data when a file goes with it (the dose
    card's calendar file, sent with sendDocument), as PTB's own HTTPXRequest sends it."""
    if request_data is None:
        return {}
    if request_data.contains_files:
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mimetype) in (request_data.multipart_data or {}).items():
            form.add_field(name, content, filename=filename, content_type=mimetype)
        return {"data": form}
    return {
        "data": json.dumps(request_data.parameters).encode(),
        "headers": {"Content-Type": "application/json"},
    }
