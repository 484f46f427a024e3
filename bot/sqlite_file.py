"""The state database's SQLite file: opened private, used one transaction at a time, and
recovered when it is damaged or deleted, so that a fault of the file never stops the bot.

Durability: synchronous=NORMAL. In WAL mode a committed transaction survives the process being
killed (tests/test_bot_process.py kills it with SIGKILL) and the file is never left corrupt;
only an OS crash or power cut can lose the last transactions (a clinician's last answer, which
they can type again), and each commit is about 10 times cheaper than with FULL
(bench/bench_bot.py), which matters because every message is a commit.

Transactions: writes run in `BEGIN IMMEDIATE` (the write lock is taken up front, so a busy
database is reported at once instead of failing half-way through a read-then-write upgrade);
reads run in a deferred transaction, so a session can still be read while another connection
writes.

Recovery: a corrupt file is moved aside (kept only for the TTL, then deleted: it holds clinical
values) and replaced by an empty database instead of stopping the bot. A file or -wal deleted
while the bot runs is rewritten from the open connection, so nothing saved is lost. What cannot
be recovered (a lock, an unwritable directory, a newer schema) raises StoreUnavailable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from bot.storage import StoreUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

_BUSY, _LOCKED, _CORRUPT, _NOTADB = 5, 6, 11, 26
_GENERIC_ERROR = 1
_SIDE_FILES = ("", "-wal", "-shm")
_STAMP = "%Y%m%dT%H%M%SZ"
_CORRUPT_NAME = re.compile(r"\.corrupt-(\d{8}T\d{6}Z)")


class Unreadable(Exception):
    """The file is a database, but not one with our schema: recovered as a corrupt file."""


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


class SqliteFile:
    """The one connection this process keeps on the file at `path`; a lock makes callers on
    several threads take turns on it. `prepare` checks or creates the tables of a newly opened
    connection (raising Unreadable for a file that is not ours); `clock` stamps the names of
    moved-aside copies."""

    def __init__(
        self,
        path: Path,
        prepare: Callable[[sqlite3.Connection], None],
        clock: Callable[[], dt.datetime],
        busy_timeout: float,
    ) -> None:
        self.path = path
        self.prepare = prepare
        self.clock = clock
        self.busy_timeout = busy_timeout
        self.conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._closed = False
        #: (device, inode) of the file the connection has open: a deleted file is noticed.
        self._identity: tuple[int, int] | None = None
        #: ... and of its -wal file, once there is one: a -wal deleted under us is noticed.
        self._wal_identity: tuple[int, int] | None = None

    # Opening and recovery --------------------------------------------------------------

    def open(self) -> None:
        """Open the file, moving a corrupt one aside; StoreUnavailable if it cannot be used."""
        self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise StoreUnavailable(
                f"cannot create the state directory ({error.strerror})"
            ) from None
        try:
            return self._connect()
        except (sqlite3.DatabaseError, Unreadable) as error:
            kind = "corrupt" if isinstance(error, Unreadable) else _classify(error)
            if kind == "lock":
                raise StoreUnavailable("database is locked", busy=True) from None
            if kind == "other":
                raise StoreUnavailable(
                    f"database cannot be opened ({_error_name(error)})"
                ) from None
            self._move_aside(error)
        try:
            return self._connect()
        except (sqlite3.Error, Unreadable) as error:
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
            self.prepare(conn)
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
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
        self._move_aside(error)
        try:
            self.conn = self._connect()
        except (sqlite3.Error, Unreadable) as open_error:
            raise StoreUnavailable(
                f"database cannot be recreated ({_error_name(open_error)})"
            ) from None

    def run(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
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
        if self.conn is None:
            self.conn = self._open()
            logger.info("state database opened")
        else:
            self._check_files(self.conn)
        assert self.conn is not None
        return self.conn

    def check_files(self) -> None:
        """The database and its -wal are still the files the connection has open; rewritten
        from the connection if not (StoreUnavailable if that fails)."""
        with self._lock:
            if self.conn is not None and not self._closed:
                self._check_files(self.conn)

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
                if self.conn is None:
                    raise
                # Not readable through the connection either (the file is damaged): the
                # transaction about to run meets the damage and recovers (`run`).

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
            self.conn = None
            for suffix in _SIDE_FILES:  # what is left at the path is not ours
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            conn = self._connect()
            memory.backup(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn = conn
        except (OSError, sqlite3.Error, Unreadable) as error:
            raise StoreUnavailable(f"database cannot be rewritten ({_error_name(error)})") from None
        finally:
            memory.close()

    # Erasure and closing ---------------------------------------------------------------

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, so erased values leave no trace."""
        with self._lock:
            if self.conn is None:
                return
            try:
                busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error as error:
                logger.warning("WAL checkpoint deferred (%s)", _error_name(error))
                return
        if busy:
            logger.warning("WAL checkpoint incomplete: another connection is reading")

    def delete_corrupt_copies(self, moved_before: dt.datetime) -> None:
        """Moved-aside damaged files hold clinical values too: kept for the TTL, then deleted."""
        prefix = f"{self.path.name}.corrupt-"
        with contextlib.suppress(OSError):
            for candidate in self.path.parent.iterdir():
                if not candidate.name.startswith(prefix):
                    continue
                match = _CORRUPT_NAME.search(candidate.name)
                if match is None:
                    continue
                moved = dt.datetime.strptime(match.group(1), _STAMP).replace(tzinfo=dt.UTC)
                if moved < moved_before:
                    with contextlib.suppress(OSError):
                        candidate.unlink()
                        logger.info("deleted an expired copy of a damaged state database")

    def close(self) -> None:
        """Checkpoint and close; calling it again does nothing."""
        with self._lock:
            if self._closed:
                return
            try:
                self.checkpoint()
            finally:
                self._closed = True
                if self.conn is not None:
                    self.conn.close()
