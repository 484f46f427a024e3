"""Conversation state in SQLite: one transaction per message, so a crash loses nothing said.

PicklePersistence writes non-atomically on a timer (engineering-notes.md); here every save is
a committed transaction in WAL mode. synchronous=NORMAL: in WAL mode a committed transaction
survives the process being killed (tests/test_bot_process.py kills it with SIGKILL); only an
OS crash or power cut can lose the last transactions (a clinician's last answer, never a
corrupt file), and it makes each commit about 10 times cheaper than FULL (bench/bench_bot.py).
Clinical values live in `sessions` and expire after the TTL; the chat's language lives in
`preferences` and outlives it. Erased rows are overwritten (secure_delete) and the WAL is
truncated, so /forget leaves no readable trace. A corrupt file is moved aside and replaced by
an empty database instead of stopping the bot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
T = TypeVar("T")
SEEN_UPDATES_KEPT = 10_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    chat_id INTEGER PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS preferences (chat_id INTEGER PRIMARY KEY, language TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen_updates (update_id INTEGER PRIMARY KEY);
"""


class StoreUnavailable(Exception):
    """The database is locked by another writer or cannot be written; nothing was changed."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SessionStore:
    def __init__(
        self,
        path: Path | str,
        ttl: dt.timedelta,
        clock: Callable[[], dt.datetime] = utc_now,
        busy_timeout: float = 5.0,
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self.clock = clock
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._conn = self._open()

    # Opening and recovery --------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            if _is_lock(error):
                raise StoreUnavailable("database is locked") from None
            self._move_aside(error)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        new = not self.path.exists()
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if new:
                os.chmod(self.path, 0o600)
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA secure_delete=ON")
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            conn.execute("PRAGMA quick_check").fetchone()
            conn.execute("SELECT count(*) FROM sessions").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self, error: Exception) -> None:
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        logger.warning(
            "state database unreadable (%s); moved aside and recreated", type(error).__name__
        )
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{self.path}.corrupt-{stamp}{suffix}")

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` in one atomic transaction; a corrupt file is recovered once, a lock reported."""
        with self._lock:
            for attempt in range(2):
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        result = work(self._conn)
                    except BaseException:
                        self._conn.execute("ROLLBACK")
                        raise
                    self._conn.execute("COMMIT")
                    return result
                except sqlite3.DatabaseError as error:
                    if _is_lock(error):
                        raise StoreUnavailable("database is locked") from None
                    if attempt:
                        raise StoreUnavailable("database unusable") from None
                    self._recover(error)
            raise StoreUnavailable("database unusable")

    def _recover(self, error: Exception) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._move_aside(error)
        self._conn = self._connect()

    # Sessions --------------------------------------------------------------------------

    def load(self, chat_id: int) -> dict[str, Any] | None:
        def work(conn: sqlite3.Connection) -> Any:
            row = conn.execute(
                "SELECT document, updated_at FROM sessions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            if row is not None and row[1] < self._cutoff():
                conn.execute("DELETE FROM sessions WHERE chat_id = ?", (chat_id,))
                return None
            return row

        row = self._run(work)
        if row is None:
            return None
        try:
            document = json.loads(row[0])
        except ValueError:
            return None
        return document if isinstance(document, dict) else None

    def save(self, chat_id: int, session: dict[str, Any]) -> None:
        document = json.dumps(session, separators=(",", ":"), ensure_ascii=False)
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO sessions(chat_id, document, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET document = excluded.document, "
                "updated_at = excluded.updated_at",
                (chat_id, document, self.clock().timestamp()),
            )
        )

    def language(self, chat_id: int) -> str | None:
        row = self._run(
            lambda conn: conn.execute(
                "SELECT language FROM preferences WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        )
        return None if row is None else str(row[0])

    def set_language(self, chat_id: int, lang: str) -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO preferences(chat_id, language) VALUES (?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, lang),
            )
        )

    def forget(self, chat_id: int) -> None:
        """Everything stored for this chat, erased and overwritten (/forget)."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM sessions WHERE chat_id = ?", (chat_id,))
            conn.execute("DELETE FROM preferences WHERE chat_id = ?", (chat_id,))

        self._run(work)
        self._checkpoint()

    def purge_expired(self) -> int:
        count = self._run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM sessions WHERE updated_at < ?", (self._cutoff(),)
                ).rowcount
            )
        )
        if count:
            self._checkpoint()
        return int(count)

    def mark_update_seen(self, update_id: int) -> bool:
        """False when this update was already handled (Telegram may deliver it again)."""

        def work(conn: sqlite3.Connection) -> int:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO seen_updates(update_id) VALUES (?)", (update_id,)
            ).rowcount
            if inserted and update_id % 100 == 0:
                conn.execute(
                    "DELETE FROM seen_updates WHERE update_id NOT IN "
                    "(SELECT update_id FROM seen_updates ORDER BY update_id DESC LIMIT ?)",
                    (SEEN_UPDATES_KEPT,),
                )
            return int(inserted)

        return bool(self._run(work))

    def stats(self) -> dict[str, int]:
        return self._run(
            lambda conn: {
                table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("sessions", "preferences", "seen_updates")
            }
        )

    def close(self) -> None:
        with self._lock:
            try:
                self._checkpoint()
            finally:
                self._conn.close()

    def _cutoff(self) -> float:
        return (self.clock() - self.ttl).timestamp()

    def _checkpoint(self) -> None:
        try:
            with self._lock:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            logger.warning("WAL checkpoint deferred")


def _is_lock(error: Exception) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text
