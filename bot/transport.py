"""The bot's HTTP clients for the Bot API, behind python-telegram-bot's request interface.

Two clients, each where it is cheapest (figures in BENCHMARKS.md):
- httpx (PTB's own, imported with PTB anyway) connects: getMe, deleteWebhook and every
  getUpdates, one request at a time, so its pool's cost under concurrency never shows;
- aiohttp (bot/aiohttp_transport.py) sends the answers, many at once: about 6 ms of CPU less per
  update than httpx under load. Importing it costs about 0.2 s, so bot/app.py imports it with
  the handlers while the bot connects, and `HandOverRequest` moves the sending to it then.

Errors map as in PTB's own client: a timeout is `TimedOut`, any other failure to get an answer
is `NetworkError`; answers with an error status are PTB's job (`BaseRequest` turns them into
`BadRequest`, `RetryAfter` and so on). The token is part of every URL, so no URL or exception
text is logged here (only a status and a kind of answer).

An answer that is not the Bot API's JSON object (an empty body, a proxy's HTML page, a JSON
string, a cut-off body, a success without `result`) did not come from Telegram, whatever its
status: it is a `NetworkError` naming its kind, so the sender retries it. PTB would instead
raise AttributeError on a JSON string (the reply was then lost), BadRequest on a
proxy's 400 page, and log the body (message text included) with a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import ssl
from typing import Any

from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait (`retry_after` is an int or, in PTB v22 with its
    time-period setting, a timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process, with the system's certificates (where a
    hospital installs its proxy's CA; PTB's default, certifi's bundle, would refuse that proxy).
    Loading the certificates is most of the cost of a client (about 50 ms each here), and
    PTB's default builds one per client, two at every start (BENCHMARKS.md, cold start)."""
    return ssl.create_default_context()


def checked_answer(status: int, body: bytes) -> tuple[int, bytes]:
    """The answer, if it is the Bot API's; else the NetworkError that says what it is."""
    kind = unexpected_answer(status, body)
    if kind is not None:
        logger.warning("unexpected answer from the Bot API (HTTP %d, %s)", status, kind)
        raise NetworkError(f"unexpected answer from the Bot API (HTTP {status}, {kind})")
    return status, body


def parse_json_payload(payload: bytes) -> dict[str, Any]:
    """PTB's parser without its logging of the body (it holds the message text); bodies reach
    it only after `unexpected_answer` accepted them."""
    try:
        data = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        raise NetworkError("unexpected answer from the Bot API (not JSON)") from None
    if not isinstance(data, dict):
        raise NetworkError("unexpected answer from the Bot API (not a JSON object)")
    return data


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


class HttpxRequest(HTTPXRequest):
    """PTB's own httpx client with the system's certificates, one TLS context shared, proxies
    from the environment (HTTPS_PROXY / NO_PROXY: hospital networks often reach the internet
    only through a proxy), no redirects followed, and the checks described above."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        super().__init__(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            httpx_kwargs={"verify": tls_context(), "trust_env": True, "follow_redirects": False},
        )

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
        try:
            status, body = await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TimedOut:
            raise
        except NetworkError as error:
            # The class name only: httpx's message may quote the URL, and with it the token.
            cause = type(error.__cause__).__name__ if error.__cause__ else "error"
            raise NetworkError(f"httpx.{cause}") from error.__cause__
        return checked_answer(status, body)

    parse_json_payload = staticmethod(parse_json_payload)


class HandOverRequest(BaseRequest):
    """Requests go to `first` until `hand_over` gives a faster client; from then on to that one.

    A request already running on `first` finishes there; both are shut down with this one."""

    def __init__(self, first: BaseRequest) -> None:
        self._current = first
        self._clients = [first]

    @property
    def read_timeout(self) -> float | None:
        return self._current.read_timeout

    @property
    def current(self) -> BaseRequest:
        """The client new requests go to."""
        return self._current

    async def initialize(self) -> None:
        await self._current.initialize()

    async def hand_over(self, faster: BaseRequest) -> None:
        await faster.initialize()
        self._clients.append(faster)
        self._current = faster

    async def shutdown(self) -> None:
        for client in self._clients:
            await client.shutdown()

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
        return await self._current.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )

    parse_json_payload = staticmethod(parse_json_payload)
