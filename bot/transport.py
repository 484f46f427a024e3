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
    PTB's default builds one per client, two at every start (issue 17, cold start)."""
    return ssl.create_default_context()


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
