"""The bot's HTTP client for the Bot API: python-telegram-bot's request interface over aiohttp.

PTB's default client (httpx) costs about 1.5 ms of CPU per request on our machine, more than the
whole dosing dialog, and its pool gets slower as more requests run at once; aiohttp parses HTTP
in C and keeps its pool cheap. Measured in bench/bench_bot.py and BENCHMARKS.md.

Errors map as in PTB's own client: a timeout is `TimedOut`, any other failure to get an answer
is `NetworkError`; answers with an error status are PTB's job (`BaseRequest` turns them into
`BadRequest`, `RetryAfter` and so on). The token is part of every URL, so no URL or exception
text is logged here (only a status and a kind of answer).

An answer that is not the Bot API's JSON object (an empty body, a proxy's HTML page, a JSON
string, a cut-off body, a success without `result`) did not come from Telegram, whatever its
status: it is a `NetworkError` naming its kind, so the sender retries it. PTB would instead
raise AttributeError on a JSON string (the reply was then lost, issue 18), BadRequest on a
proxy's 400 page, and log the body (message text included) with a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import aiohttp
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait (`retry_after` is an int or, in PTB v22 with its
    time-period setting, a timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


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
                connector=aiohttp.TCPConnector(limit=self._pool_size),
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
        kind = unexpected_answer(status, body)
        if kind is not None:
            logger.warning("unexpected answer from the Bot API (HTTP %d, %s)", status, kind)
            raise NetworkError(f"unexpected answer from the Bot API (HTTP {status}, {kind})")
        return status, body

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """PTB's parser without its logging of the body (it holds the message text); bodies
        reach it only after `unexpected_answer` accepted them."""
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise NetworkError("unexpected answer from the Bot API (not JSON)") from None
        if not isinstance(data, dict):
            raise NetworkError("unexpected answer from the Bot API (not a JSON object)")
        return data

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


def unexpected_answer(status: int, body: bytes) -> str | None:
    """What is wrong with an answer that is not the Bot API's JSON object, or None."""
    if not body.strip():
        return "empty body"
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return "HTML" if body.lstrip()[:1] == b"<" else "not JSON"
    if not isinstance(data, dict):
        return f"JSON {type(data).__name__}, not an object"
    if 200 <= status < 300 and "result" not in data:
        return "success without a result"
    return None


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
