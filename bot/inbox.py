"""Updates fetched from Telegram and not yet handled, in SQLite: what lets bot/polling.py confirm
them to Telegram at once without losing any to a crash.

Telegram confirms by offset (every id below it), so confirming only handled updates would let one
chat's unhandled backlog hold back every update after it, and getUpdates returns 100 at most:
a chat sending 100 messages at once would hide everyone else's until its backlog drained. So an
update is saved here first, confirmed, handled, then deleted; after a crash the updates still
here are handled on start-up, in order.

Durability: a batch is committed with synchronous=FULL before it is confirmed, so neither a
SIGKILL nor a power cut loses it; removals are cheaper (NORMAL), since losing one only means
the update is handled again, which the de-dup table of bot/store.py makes harmless.

Privacy: a row holds the message as Telegram sent it (clinical values included) for as long as
it waits, normally milliseconds. Deleted rows are overwritten (secure_delete) and the WAL is
truncated whenever the inbox empties (at most once a second), so the values do not linger.
Rows older than Telegram's own 24 hours are dropped unread, never answered late. The file is
private to the bot's user, like the state database.

A full disk: the batch is passed on unsaved (one log line when the inbox fills, one when it
takes updates again) and handled at once, so that every message gets the handlers' "cannot
save right now" answer instead of no answer until space is freed. A crash loses only what was
passed on unsaved and not yet handled, which no one was told was saved.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from telegram import Update

from bot import health
from bot.ordering import ChatOrderedProcessor
from bot.storage import UpdateInbox

MAX_AGE_SECONDS = 24 * 3600  # Telegram keeps an unconfirmed update for 24 hours
CHECKPOINT_EVERY = 1.0
#: SQLite's primary result code for "database or disk is full".
_FULL = 13

logger = logging.getLogger(__name__)
#: The key, in the Application's bot_data, of the set of update ids bot/polling.py replays from
#: the inbox after a restart: the gate (bot/gate.py) handles only these again once seen.
REPLAYED = "inbox_replayed"


class InboxUnavailable(Exception):
    pass


class Inbox:
    def __init__(self, path: Path | None) -> None:
        """`path` None keeps the inbox in memory: the fallback when no file can be written
        (then a crash may lose a message just received, as with PTB's own polling)."""
        self.path = path
        try:
            if path is not None:
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            target = ":memory:" if path is None else path
            self._conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            for pragma in ("secure_delete=ON", "journal_mode=WAL", "synchronous=NORMAL"):
                self._conn.execute(f"PRAGMA {pragma}")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS inbox ("
                "update_id INTEGER PRIMARY KEY, received REAL NOT NULL, body TEXT NOT NULL)"
            )
        except (OSError, sqlite3.Error) as error:
            raise InboxUnavailable(type(error).__name__) from None
        self._checked_at = 0.0
        #: Ids of the updates passed on unsaved while the disk is full (`put`), until handled.
        self._held: set[int] = set()
        self._full = False

    def put(self, updates: list[dict[str, Any]]) -> None:
        """All of `updates` durably, or none (then they must not be confirmed)."""
        now = time.time()
        rows = [(u["update_id"], now, json.dumps(u, ensure_ascii=False)) for u in updates]
        try:
            # FULL: once this returns, Telegram is told to forget them, so a power cut must
            # not take them back. A removal may be lost (NORMAL): the update is handled again.
            self._conn.execute("PRAGMA synchronous=FULL")
            with self._transaction():
                self._conn.executemany(
                    "INSERT OR IGNORE INTO inbox(update_id, received, body) VALUES (?, ?, ?)", rows
                )
            self._conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA synchronous=NORMAL")
            if not _is_full(error):
                raise InboxUnavailable(type(error).__name__) from None
            if not self._full:
                logger.error("inbox disk full: updates handled unsaved until space is freed")
                self._full = True
            self._held.update(update["update_id"] for update in updates)
            return
        if self._full:
            logger.warning("inbox saves updates again")
            self._full = False

    def remove(self, update_id: int) -> None:
        """The update was handled. A failure here only means it is handled again after a
        restart, which the de-dup table of bot/store.py makes harmless."""
        if update_id in self._held:
            self._held.discard(update_id)
            return
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
            now = time.monotonic()
            if now - self._checked_at >= CHECKPOINT_EVERY:
                empty = self._conn.execute("SELECT 1 FROM inbox LIMIT 1").fetchone() is None
                if empty:
                    self._checked_at = now
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def waiting(self) -> list[dict[str, Any]]:
        """The updates left from before a crash, in order; those too old are dropped."""
        try:
            with self._transaction():
                self._conn.execute(
                    "DELETE FROM inbox WHERE received < ?", (time.time() - MAX_AGE_SECONDS,)
                )
            rows = self._conn.execute("SELECT body FROM inbox ORDER BY update_id").fetchall()
        except sqlite3.Error as error:
            raise InboxUnavailable(type(error).__name__) from None
        return [json.loads(body) for (body,) in rows]

    def depth(self) -> int | None:
        """How many updates wait (GET /metrics); None when the inbox cannot be read."""
        try:
            return int(self._conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
        except sqlite3.Error:
            return None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    @contextlib.contextmanager
    def _transaction(self) -> Any:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:  # SQLite may have rolled it back (a full disk)
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


def _is_full(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return (isinstance(code, int) and code & 0xFF == _FULL) or "disk is full" in str(error)


def attach(application: Any, inbox: UpdateInbox) -> None:
    """Each update the application's processor reports handled (its state saved, its answer
    sent) leaves the inbox."""
    processor = application.update_processor
    if not isinstance(processor, ChatOrderedProcessor):
        raise TypeError("the inbox needs ChatOrderedProcessor to learn what is handled")

    def handled(update: object) -> None:
        update_id = getattr(update, "update_id", None)
        if isinstance(update_id, int):
            inbox.remove(update_id)

    processor.on_handled = handled
    health.readiness_of(application).inbox_depth = inbox.depth


async def replay(application: Any, inbox: UpdateInbox) -> int:
    """What a crash left in the inbox onto the application's queue, in order, each id in
    bot_data `REPLAYED` for the gate (bot/gate.py) (maybe seen, maybe not answered).
    Returns one more than the highest id replayed (0: none), the offset that confirms them."""
    replayed: set[int] = application.bot_data.setdefault(REPLAYED, set())
    after = 0
    for data in inbox.waiting():
        update = Update.de_json(data, application.bot)
        after = max(after, update.update_id + 1)
        replayed.add(update.update_id)
        await application.update_queue.put(update)
    return after
