"""Conversation state in SQLite: one transaction per message, so a crash loses nothing said.

PTB's PicklePersistence writes non-atomically on a timer (see its docs); here every save is
a committed transaction in WAL mode. The store is transport-agnostic: it keeps opaque JSON
documents keyed by chat id. The file itself (opening, transactions, recovery) is
bot/sqlite_file.py; its tables and migrations are bot/store_schema.py.

Privacy: clinical values live in `sessions`, `receipts` and `cards` and expire after the TTL
(never returned once expired; erased on load and by `purge_expired`); the chat's language lives
in `preferences` and outlives it. Erased rows are overwritten (secure_delete) and the WAL is
checkpointed and truncated after every erasure, so neither /forget nor the TTL leaves a
readable trace in the database or -wal file.

Faults never stop the bot (under systemd's Restart=on-failure a bot that exits at start is
restarted in a loop and answers nobody): with `open_later`, a database that cannot be opened
at start (locked, unwritable, a newer schema) is logged and tried again at each use, and each
use meanwhile raises StoreUnavailable, which the handlers turn into a clear answer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.sqlite_file import SqliteFile
from bot.storage import Receipt, StoreUnavailable
from bot.store_schema import prepare_schema

logger = logging.getLogger(__name__)

SEEN_UPDATES_KEPT = 10_000
T = TypeVar("T")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SessionStore:
    def __init__(
        self,
        path: Path | str,
        ttl: dt.timedelta,
        clock: Callable[[], dt.datetime] = utc_now,
        busy_timeout: float = 5.0,
        *,
        open_later: bool = False,
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self.clock = clock
        self._file = SqliteFile(self.path, prepare_schema, clock, busy_timeout)
        try:
            self._file.open()
        except StoreUnavailable as error:
            if not open_later:
                raise
            logger.error(
                "state database unavailable at start (%s); trying again at each use", error
            )

    def check_files(self) -> None:
        """The database and its -wal are still the files the connection has open; rewritten
        from the connection if not (StoreUnavailable if that fails). Done before every
        transaction; a health check may call it too."""
        self._file.check_files()

    # Sessions --------------------------------------------------------------------------

    def load(self, chat_id: int) -> dict[str, Any] | None:
        """The session document, or None if there is none or it has expired (then erased)."""
        found = self._fresh("sessions", "chat_id", chat_id, ())
        return None if found is None else found[1]

    def _fresh(
        self, table: str, key: str, value: int | str, columns: tuple[str, ...]
    ) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        """One row of `table` (sessions, receipts, cards; `key` its primary key): its
        `columns` and its JSON document; None if there is none, it is unreadable, or it is
        older than the TTL (then erased at once, not left for the purge). The names are
        this module's literals, never input."""
        listed = "".join(f"{column}, " for column in columns)
        row = self._run(
            lambda conn: conn.execute(
                f"SELECT {listed}document, updated_at FROM {table} WHERE {key} = ?", (value,)
            ).fetchone(),
            write=False,
        )
        if row is None:
            return None
        if float(row[-1]) < self._cutoff():
            cutoff = self._cutoff()
            erased = self._run(
                lambda conn: (
                    conn.execute(
                        f"DELETE FROM {table} WHERE {key} = ? AND updated_at < ?", (value, cutoff)
                    ).rowcount
                )
            )
            if erased:
                self._file.checkpoint()
            return None
        try:
            document = json.loads(row[-2])
        except ValueError:
            return None
        return (tuple(row[:-2]), document) if isinstance(document, dict) else None

    def save(self, chat_id: int, session: dict[str, Any]) -> None:
        """Insert or replace the session document and its updated_at, atomically."""
        document = json.dumps(session, separators=(",", ":"), ensure_ascii=False)
        updated_at = self.clock().timestamp()
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO sessions(chat_id, document, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET document = excluded.document, "
                "updated_at = excluded.updated_at",
                (chat_id, document, updated_at),
            )
        )

    def language(self, chat_id: int) -> str | None:
        row = self._run(
            lambda conn: conn.execute(
                "SELECT language FROM preferences WHERE chat_id = ?", (chat_id,)
            ).fetchone(),
            write=False,
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
            conn.execute("DELETE FROM receipts WHERE chat_id = ?", (chat_id,))
            # A card made in this chat, or by this clinician (a private chat's id is the user's).
            conn.execute("DELETE FROM cards WHERE chat_id = ? OR owner = ?", (chat_id, chat_id))

        self._run(work)
        self._file.checkpoint()

    def purge_expired(self) -> int:
        """Erase sessions older than the TTL (and moved-aside damaged files older than it).

        The WAL is truncated on every call, also when nothing expired, so that superseded
        versions of live sessions do not linger in it either.
        """
        cutoff = self._cutoff()
        count = self._run(
            lambda conn: (
                conn.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,)).rowcount
                + conn.execute("DELETE FROM receipts WHERE updated_at < ?", (cutoff,)).rowcount
                + conn.execute("DELETE FROM cards WHERE updated_at < ?", (cutoff,)).rowcount
            )
        )
        self._file.checkpoint()
        self._file.delete_corrupt_copies(self.clock() - self.ttl)
        return int(count)

    # Receipts (check codes) ----------------------------------------------------------------

    def save_receipt(
        self, code: str, chat_id: int, document: dict[str, Any], *, new: bool = False
    ) -> bool:
        """Keep a plan's request under its check code, for a later double check; True if the
        row is now this chat's.

        A code belongs to the chat that stored it first: another chat saving the same code
        neither takes the row over nor redirects the outcome of a check (False). Saving again
        in the same chat refreshes the TTL and keeps a requested check and the count of checks
        made. `new`: the code was just drawn, so it may only be inserted (False if it is taken,
        whoever holds it: the caller draws another).
        """
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        updated_at = self.clock().timestamp()
        cutoff = self._cutoff()
        conflict = (
            "DO NOTHING"
            if new
            else "DO UPDATE SET document = excluded.document, "
            "updated_at = excluded.updated_at WHERE receipts.chat_id = excluded.chat_id"
        )

        def work(conn: sqlite3.Connection) -> bool:
            # An expired row (not yet purged) frees its code: erased first, never revived.
            conn.execute("DELETE FROM receipts WHERE code = ? AND updated_at < ?", (code, cutoff))
            return bool(
                conn.execute(
                    "INSERT INTO receipts(code, chat_id, document, updated_at) "
                    f"VALUES (?, ?, ?, ?) ON CONFLICT(code) {conflict}",
                    (code, chat_id, text, updated_at),
                ).rowcount
            )

        return self._run(work)

    def receipt(self, code: str) -> Receipt | None:
        """The stored receipt, or None if unknown or older than the TTL (then erased)."""
        found = self._fresh("receipts", "code", code, ("chat_id", "notify", "checks"))
        if found is None:
            return None
        (chat_id, notify, checks), document = found
        return Receipt(code, int(chat_id), document, bool(notify), int(checks))

    def request_check(self, code: str, chat_id: int) -> bool:
        """The chat that planned `code` asks to be told the outcome of its check; False if the
        receipt is not this chat's (or no longer stored)."""
        cutoff = self._cutoff()
        changed = self._run(
            lambda conn: (
                conn.execute(
                    "UPDATE receipts SET notify = 1 WHERE code = ? AND chat_id = ? "
                    "AND updated_at >= ?",
                    (code, chat_id, cutoff),
                ).rowcount
            )
        )
        return bool(changed)

    def count_check(self, code: str) -> int:
        """One more check of `code` made; the number of checks made before this one."""

        def work(conn: sqlite3.Connection) -> int:
            row = conn.execute("SELECT checks FROM receipts WHERE code = ?", (code,)).fetchone()
            conn.execute("UPDATE receipts SET checks = checks + 1 WHERE code = ?", (code,))
            return 0 if row is None else int(row[0])

        return self._run(work)

    # Dose cards -------------------------------------------------------------------------

    def save_card(self, card_id: str, chat_id: int, owner: int, document: dict[str, Any]) -> None:
        """Keep a dose card (its plan, no patient identifier) under its opaque id."""
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        updated_at = self.clock().timestamp()
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO cards(card_id, chat_id, owner, document, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(card_id) DO UPDATE SET "
                "document = excluded.document, updated_at = excluded.updated_at",
                (card_id, chat_id, owner, text, updated_at),
            )
        )

    def card(self, card_id: str) -> tuple[int, dict[str, Any]] | None:
        """The card's owner and document, or None if unknown or older than the TTL (then
        erased)."""
        found = self._fresh("cards", "card_id", card_id, ("owner",))
        if found is None:
            return None
        (owner,), document = found
        return int(owner), document

    def mark_update_seen(self, update_id: int) -> bool:
        """False when this update was already handled (Telegram may deliver it again).

        De-duplicates on the ids seen, not on "≤ the last id": ids are not monotonic after a
        long idle period. The last SEEN_UPDATES_KEPT ids, in arrival order, are kept.
        """

        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "INSERT INTO seen_updates(update_id) VALUES (?) ON CONFLICT(update_id) DO NOTHING",
                (update_id,),
            )
            if cursor.rowcount != 1 or cursor.lastrowid is None:
                return False
            conn.execute(
                "DELETE FROM seen_updates WHERE seq <= ?", (cursor.lastrowid - SEEN_UPDATES_KEPT,)
            )
            return True

        return self._run(work)

    def stats(self) -> dict[str, int]:
        """Row counts only (never content)."""

        def work(conn: sqlite3.Connection) -> dict[str, int]:
            return {
                table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("sessions", "preferences", "seen_updates", "receipts")
            }

        return self._run(work, write=False)

    def close(self) -> None:
        """Checkpoint and close; calling it again does nothing."""
        self._file.close()

    # Helpers ---------------------------------------------------------------------------

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool = True) -> T:
        """`work` in one transaction of the file (bot/sqlite_file.py)."""
        return self._file.run(work, write=write)

    def _cutoff(self) -> float:
        return (self.clock() - self.ttl).timestamp()
