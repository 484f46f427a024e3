"""Several processes of one bot on one PostgreSQL database: exactly one polls, the others stand by.

The active process holds a session-level advisory lock on a connection of its own (not the
store's, which is opened again whenever it breaks). PostgreSQL frees the lock the moment that
connection closes, which a SIGKILL, a crash or a lost host all do; a standby asks for the lock
every `RETRY_SECONDS` (`pg_try_advisory_lock`: no thread waits on a blocking call), and once it
holds it, bot/polling.py replays the shared inbox (bot/pg_store.py) and polls. Until then the
standby has started everything else (the handlers are loaded, the connection to Telegram
made), so the takeover costs the wait for the lock and the replay (BENCHMARKS.md).

Only the active process handles updates, in order per chat (bot/ordering.py), which is what
keeps every chat's order across a takeover: the replay hands the inbox over in update order
before the first getUpdates, and the processed ids, shared, keep an update the dead process
handled from being applied twice. The active process checks that it still holds the lock
every `CHECK_SECONDS`; a lost lock (the database restarted, the connection cut) stops it with
an error, so that its supervisor starts it again as a standby, rather than two processes poll.

`role()` says what this process is, for a readiness check: "single" (SQLite, no failover),
"standby" or "active".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Literal

logger = logging.getLogger(__name__)

Role = Literal["single", "standby", "active"]
RETRY_SECONDS = 0.25
CHECK_SECONDS = 5.0
#: Of the lock's session, on the server: a host that vanishes (power cut, network cut) sends no
#: FIN, so the server would hold the lock until its TCP keepalive (2 hours by default) gave up;
#: with these it frees it within about 25 s. An idle session is never closed by the server.
LOCK_SESSION_OPTIONS = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 "
    "-c idle_session_timeout=0"
)
#: Second half of the lock key is the hash of the bot's numeric id (the token's part before
#: ":", not secret), so that two bots may share one database; the first is bot/pg_store.py's.
_ROLE: list[Role] = ["single"]


def role() -> Role:
    """ "single", "standby" or "active": this process's part, for /readyz."""
    return _ROLE[0]


class LeadershipLost(Exception):
    """The advisory lock is no longer held: another process may be polling now."""


class Leadership:
    """The advisory lock that makes this process the active one, on a connection of its own."""

    def __init__(self, url: str, bot_id: str, retry: float = RETRY_SECONDS) -> None:
        self.url, self.bot_id, self.retry = url, bot_id, retry
        self._conn: Any = None
        self._checked = 0.0

    async def acquire(self) -> None:
        """Wait, as a standby, until this process holds the lock."""
        _ROLE[0] = "standby"
        logger.info("standing by for the lock of the active process")
        while not self._try():
            await asyncio.sleep(self.retry)
        self._checked = time.monotonic()
        _ROLE[0] = "active"
        logger.info("active: this process polls")

    def _try(self) -> bool:
        import psycopg

        from bot.pg_store import LOCK_NAMESPACE

        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(
                    self.url,
                    autocommit=True,
                    connect_timeout=5,
                    application_name="besponsa-bot lock",
                    options=LOCK_SESSION_OPTIONS,
                )
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, self.bot_id)
            ).fetchone()
        except psycopg.Error as error:
            logger.warning("lock database unavailable (%s)", type(error).__name__)
            self._drop()
            return False
        return bool(row and row[0])

    def check(self) -> None:
        """At most every CHECK_SECONDS: LeadershipLost if the lock's connection is gone."""
        import psycopg

        now = time.monotonic()
        if now - self._checked < CHECK_SECONDS:
            return
        self._checked = now
        try:
            self._conn.execute("SELECT 1")
        except (psycopg.Error, AttributeError):
            self._drop()
            _ROLE[0] = "standby"
            raise LeadershipLost("the connection holding the lock was lost") from None

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def release(self) -> None:
        """On the way out: closing the connection frees the lock for a standby at once."""
        self._drop()
        if _ROLE[0] == "active":
            _ROLE[0] = "standby"
