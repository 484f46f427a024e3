"""Conversation state in SQLite: one transaction per message, so a crash loses nothing said.

PTB's PicklePersistence writes non-atomically on a timer (see its docs); here every save is
a committed transaction in WAL mode. The store is transport-agnostic: it keeps opaque JSON
documents keyed by chat id.

Durability: synchronous=NORMAL. In WAL mode a committed transaction survives the process being
killed (tests/test_bot_process.py kills it with SIGKILL) and the file is never left corrupt;
only an OS crash or power cut can lose the last transactions (a clinician's last answer, which
they can type again), and each commit is about 10 times cheaper than with FULL
(bench/bench_bot.py), which matters because every message is a commit.

Transactions: writes run in `BEGIN IMMEDIATE` (the write lock is taken up front, so a busy
database is reported at once as StoreUnavailable instead of failing half-way through a
read-then-write upgrade); reads run in a deferred transaction, so a session can still be read
while another connection writes.

Privacy: clinical values live in `sessions`, `receipts` and `cards` and expire after the TTL
(never returned once expired; erased on load and by `purge_expired`); the chat's language lives
in `preferences` and outlives it. Erased rows are overwritten (secure_delete) and the WAL is
checkpointed and truncated after every erasure, so neither /forget nor the TTL leaves a
readable trace in the database or -wal file. A corrupt file is moved aside (kept only for the
TTL, then deleted: it holds clinical values) and replaced by an empty database instead of
stopping the bot.

Faults never stop the bot (under systemd's Restart=on-failure a bot that exits at start is
restarted in a loop and answers nobody): with `open_later`, a database that cannot be opened
at start (locked, unwritable, a newer schema) is logged and tried again at each use, and each
use meanwhile raises StoreUnavailable, which the handlers turn into a clear answer. A file
deleted while the bot runs is recreated from the open connection, so nothing saved is lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4
SEEN_UPDATES_KEPT = 10_000
T = TypeVar("T")

_BUSY, _LOCKED, _CORRUPT, _NOTADB = 5, 6, 11, 26
_GENERIC_ERROR = 1
_SIDE_FILES = ("", "-wal", "-shm")
_STAMP = "%Y%m%dT%H%M%SZ"
_CORRUPT_NAME = re.compile(r"\.corrupt-(\d{8}T\d{6}Z)")

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (
    chat_id INTEGER PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE preferences (chat_id INTEGER PRIMARY KEY, language TEXT NOT NULL);
CREATE TABLE seen_updates (seq INTEGER PRIMARY KEY, update_id INTEGER NOT NULL UNIQUE);
CREATE TABLE receipts (
    code TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, document TEXT NOT NULL,
    updated_at REAL NOT NULL, notify INTEGER NOT NULL DEFAULT 0, checks INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cards (
    card_id TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, owner INTEGER NOT NULL,
    document TEXT NOT NULL, updated_at REAL NOT NULL);
"""
_COLUMNS = {
    "meta": ["key", "value"],
    "sessions": ["chat_id", "document", "updated_at"],
    "preferences": ["chat_id", "language"],
    "seen_updates": ["seq", "update_id"],
    "receipts": ["code", "chat_id", "document", "updated_at", "notify", "checks"],
    "cards": ["card_id", "chat_id", "owner", "document", "updated_at"],
}
# Version 1 kept seen ids as the primary key and trimmed the highest; ids restart at random
# after a week without updates, so the newest ids could be the ones trimmed. Version 2 keeps
# the arrival order.
_MIGRATE_1_TO_2 = """
CREATE TABLE seen_updates_v2 (seq INTEGER PRIMARY KEY, update_id INTEGER NOT NULL UNIQUE);
INSERT INTO seen_updates_v2(update_id) SELECT update_id FROM seen_updates ORDER BY update_id;
DROP TABLE seen_updates;
ALTER TABLE seen_updates_v2 RENAME TO seen_updates;
"""
# Version 3 keeps, per check code, what a double check compares with (dialogs/verify.py):
# clinical values, so under the same TTL and /forget as the sessions.
_MIGRATE_2_TO_3 = """
CREATE TABLE receipts (
    code TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, document TEXT NOT NULL,
    updated_at REAL NOT NULL, notify INTEGER NOT NULL DEFAULT 0, checks INTEGER NOT NULL DEFAULT 0);
"""
# Version 4 keeps the dose cards shown (bot/cards.py) by their opaque id, so that a card shared
# with a colleague (the inline query carries only the id) is still answered after a restart:
# the plan a card shows holds clinical values, so under the same TTL and /forget as sessions.
_MIGRATE_3_TO_4 = """
CREATE TABLE cards (
    card_id TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, owner INTEGER NOT NULL,
    document TEXT NOT NULL, updated_at REAL NOT NULL);
"""
_MIGRATIONS = {1: (_MIGRATE_1_TO_2, 2), 2: (_MIGRATE_2_TO_3, 3), 3: (_MIGRATE_3_TO_4, 4)}


class StoreUnavailable(Exception):
    """The database is locked by another writer (`busy`: try again in a moment) or cannot be
    opened or written; nothing was changed."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


@dataclass(frozen=True)
class Receipt:
    """A stored receipt: the chat that planned it, its request and plan (`document`), whether
    that chat asked to be told the outcome of a check, and how many checks were made."""

    code: str
    chat_id: int
    document: dict[str, Any]
    notify: bool
    checks: int


class _Unreadable(Exception):
    """The file is a database, but not one with our schema."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _classify(error: sqlite3.Error) -> Literal["lock", "corrupt", "other"]:
    """Lock (report), corruption or unreadable schema (recover), anything else (report)."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error).lower()
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return "lock"
    if primary in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return "corrupt"
    if primary == _GENERIC_ERROR and ("no such table" in text or "no such column" in text):
        return "corrupt"
    return "other"


def _error_name(error: BaseException) -> str:
    return str(getattr(error, "sqlite_errorname", None) or type(error).__name__)


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
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._closed = False
        #: (device, inode) of the file the connection has open: a deleted file is noticed.
        self._identity: tuple[int, int] | None = None
        #: ... and of its -wal file, once there is one: a -wal deleted under us is noticed.
        self._wal_identity: tuple[int, int] | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except StoreUnavailable as error:
            if not open_later:
                raise
            logger.error(
                "state database unavailable at start (%s); trying again at each use", error
            )

    # Opening and recovery --------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise StoreUnavailable(
                f"cannot create the state directory ({error.strerror})"
            ) from None
        try:
            return self._connect()
        except (sqlite3.DatabaseError, _Unreadable) as error:
            kind = "corrupt" if isinstance(error, _Unreadable) else _classify(error)
            if kind == "lock":
                raise StoreUnavailable("database is locked", busy=True) from None
            if kind == "other":
                raise StoreUnavailable(
                    f"database cannot be opened ({_error_name(error)})"
                ) from None
            self._move_aside(error)
        try:
            return self._connect()
        except (sqlite3.Error, _Unreadable) as error:
            raise StoreUnavailable(f"database cannot be created ({_error_name(error)})") from None

    def _connect(self) -> sqlite3.Connection:
        self._create_private()
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            # Pages of 1 KB in a new file (an existing one keeps its size): a session of about
            # 3 KB (a card kept for a replay) takes 3 of them, where 4 KB pages left one page,
            # most of it empty, per chat (bench/bench_storage.py).
            conn.execute("PRAGMA page_size=1024")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                logger.warning("state database is not in WAL mode (%s)", mode)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("PRAGMA foreign_keys=ON")
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:  # quick_check reports most damage as rows, not errors
                raise sqlite3.DatabaseError("database disk image is malformed")
            self._prepare_schema(conn)
            status = os.stat(self.path)
        except BaseException:
            conn.close()
            raise
        self._identity = (status.st_dev, status.st_ino)
        self._wal_identity = self._wal_status()
        return conn

    def _create_private(self) -> None:
        """The file is created 0o600 before SQLite opens it (-wal and -shm inherit the mode)."""
        if not self.path.exists():
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)

    def _prepare_schema(self, conn: sqlite3.Connection) -> None:
        tables = {
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        version = self._version(conn, tables)
        if version is None:
            if tables:
                raise _Unreadable("tables without a schema version")
            self._write_schema(conn, _SCHEMA, SCHEMA_VERSION)
            version = SCHEMA_VERSION
        elif version > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"database schema {version} is newer than this program ({SCHEMA_VERSION})"
            )
        while version in _MIGRATIONS:
            script, version = _MIGRATIONS[version]
            self._write_schema(conn, script, version)
        if version != SCHEMA_VERSION:
            raise _Unreadable(f"unknown schema version {version}")
        for table, columns in _COLUMNS.items():
            found = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
            if found != columns:
                raise _Unreadable(f"table {table} has an unexpected layout")

    @staticmethod
    def _version(conn: sqlite3.Connection, tables: set[str]) -> int | None:
        if "meta" not in tables:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or not str(row[0]).isdigit():
            raise _Unreadable("schema version missing")
        return int(row[0])

    @staticmethod
    def _write_schema(conn: sqlite3.Connection, script: str, version: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def _move_aside(self, error: BaseException) -> None:
        """Rename the damaged file and its -wal/-shm to <name>.corrupt-<UTC timestamp>."""
        logger.warning(
            "state database unreadable (%s); moved aside and recreated", _error_name(error)
        )
        stamp = self.clock().astimezone(dt.UTC).strftime(_STAMP)
        base = f"{self.path}.corrupt-{stamp}"
        counter = 0
        while any(Path(f"{base}{suffix}").exists() for suffix in _SIDE_FILES):
            counter += 1
            base = f"{self.path}.corrupt-{stamp}-{counter}"
        try:
            for suffix in _SIDE_FILES:
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.rename(f"{base}{suffix}")
        except OSError as move_error:
            raise StoreUnavailable(
                f"damaged database cannot be moved aside ({move_error.strerror})"
            ) from None

    def _recover(self, error: BaseException) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._move_aside(error)
        try:
            self._conn = self._connect()
        except (sqlite3.Error, _Unreadable) as open_error:
            raise StoreUnavailable(
                f"database cannot be recreated ({_error_name(open_error)})"
            ) from None

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool = True) -> T:
        """`work` in one transaction; a corrupt file is recovered once, a lock reported."""
        with self._lock:
            if self._closed:
                raise StoreUnavailable("store is closed")
            for attempt in range(2):
                conn = self._connection()
                try:
                    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                    with conn:  # commits, or rolls back on an exception
                        return work(conn)
                except sqlite3.Error as error:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    kind = _classify(error)
                    if kind == "lock":
                        raise StoreUnavailable("database is locked", busy=True) from None
                    if kind == "other" or attempt:
                        logger.warning("state database error (%s)", _error_name(error))
                        raise StoreUnavailable(f"database error ({_error_name(error)})") from None
                    self._recover(error)
            raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self) -> sqlite3.Connection:
        """The open connection: opened now if it could not be at start, and the files
        rewritten if the database or its -wal was deleted meanwhile (`check_files`)."""
        if self._conn is None:
            self._conn = self._open()
            logger.info("state database opened")
        else:
            self._check_files(self._conn)
        assert self._conn is not None
        return self._conn

    def check_files(self) -> None:
        """The database and its -wal are still the files the connection has open; rewritten
        from the connection if not (StoreUnavailable if that fails). Done before every
        transaction; a health check may call it too."""
        with self._lock:
            if self._conn is not None and not self._closed:
                self._check_files(self._conn)

    def _check_files(self, conn: sqlite3.Connection) -> None:
        if self._deleted():
            logger.warning("state database file deleted or replaced while running; rewriting it")
            self._restore_deleted(conn)
        elif self._wal_deleted():
            # The transactions committed since the last checkpoint are only in the deleted
            # -wal, reachable through this connection's descriptor until the process ends:
            # a crash now would lose acknowledged answers. Copied into new files at once.
            logger.error("state database -wal file deleted while running; rewriting the database")
            self._wal_identity = None
            try:
                self._restore_deleted(conn)
            except StoreUnavailable:
                if self._conn is None:
                    raise
                # Not readable through the connection either (the file is damaged): the
                # transaction about to run meets the damage and recovers (`_run`).

    def _wal_status(self) -> tuple[int, int] | None:
        try:
            status = os.stat(f"{self.path}-wal")
        except OSError:
            return None
        return (status.st_dev, status.st_ino)

    def _wal_deleted(self) -> bool:
        """The -wal the connection had open is gone or replaced (none seen yet: nothing lost)."""
        if self._wal_identity is None:
            self._wal_identity = self._wal_status()
            return False
        return self._wal_status() != self._wal_identity

    def _deleted(self) -> bool:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return True
        except OSError:
            return False  # SQLite reports what it cannot reach
        return (status.st_dev, status.st_ino) != self._identity

    def _restore_deleted(self, old: sqlite3.Connection) -> None:
        """The file or its -wal was deleted or replaced under us: write what our connection
        still holds (SQLite keeps a deleted file readable through its open descriptor) to a
        new file."""
        memory = sqlite3.connect(":memory:")
        try:
            old.backup(memory)
            old.close()
            self._conn = None
            for suffix in _SIDE_FILES:  # what is left at the path is not ours
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            conn = self._connect()
            memory.backup(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn = conn
        except (OSError, sqlite3.Error, _Unreadable) as error:
            raise StoreUnavailable(f"database cannot be rewritten ({_error_name(error)})") from None
        finally:
            memory.close()

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
                self._checkpoint()
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
        self._checkpoint()

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
        self._checkpoint()
        self._delete_old_corrupt_copies()
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
        with self._lock:
            if self._closed:
                return
            try:
                self._checkpoint()
            finally:
                self._closed = True
                if self._conn is not None:
                    self._conn.close()

    # Helpers ---------------------------------------------------------------------------

    def _cutoff(self) -> float:
        return (self.clock() - self.ttl).timestamp()

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, so erased values leave no trace."""
        with self._lock:
            if self._conn is None:
                return
            try:
                busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error as error:
                logger.warning("WAL checkpoint deferred (%s)", _error_name(error))
                return
        if busy:
            logger.warning("WAL checkpoint incomplete: another connection is reading")

    def _delete_old_corrupt_copies(self) -> None:
        """Moved-aside damaged files hold clinical values too: kept for the TTL, then deleted."""
        cutoff = self.clock() - self.ttl
        prefix = f"{self.path.name}.corrupt-"
        with contextlib.suppress(OSError):
            for candidate in self.path.parent.iterdir():
                if not candidate.name.startswith(prefix):
                    continue
                match = _CORRUPT_NAME.search(candidate.name)
                if match is None:
                    continue
                moved = dt.datetime.strptime(match.group(1), _STAMP).replace(tzinfo=dt.UTC)
                if moved < cutoff:
                    with contextlib.suppress(OSError):
                        candidate.unlink()
                        logger.info("deleted an expired copy of a damaged state database")
