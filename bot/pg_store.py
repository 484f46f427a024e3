"""Conversation state and the update inbox in PostgreSQL: the store several processes of one bot
share, so that a standby (bot/failover.py) takes over with everything the active one saved.

The same methods as bot/store.py (`SessionStore`) and bot/inbox.py (`Inbox`), the protocol of
bot/storage.py; `tests/test_store.py` and `tests/test_inbox.py` run the same tests against both.
What PostgreSQL gives that SQLite does not, used here:
- one transaction holds a chat's state, the answer saved with it and the update id marked
  processed (`save`), so a standby replaying the inbox sees all three or none;
- `processed_updates` and `inbox` are shared: a late duplicate never re-enters the inbox, since
  the insert checks the processed ids in the same statement (`PgInbox.put`), and the primary
  key makes "seen" atomic between processes (`mark_update_seen`);
- a check is counted with `UPDATE … RETURNING` (the row lock orders concurrent checks of one
  code, from any process); documents are `jsonb`; times are `timestamptz` (the TTL);
- the schema is created under a transaction-scoped advisory lock, so replicas starting together
  do not race.

Durability, as bot/sqlite_file.py and bot/inbox.py: the inbox's insert is committed with
synchronous_commit on (on disk before Telegram is told it may forget the update); the state, the
processed ids and the inbox's deletions with synchronous_commit off, about 4 times cheaper in
latency (BENCHMARKS.md). A standby sees every commit at once (one server); only a crash of the
database server itself can lose the last few hundred milliseconds of them, and then in WAL
order: an update's deletion is never kept without its state, so the update is replayed and
handled again from the state before it (at worst answered twice, never applied twice).

Driver: psycopg 3, synchronous, one connection per process guarded by a lock, as bot/sqlite_file.py
holds one SQLite connection: the handlers call the store one statement at a time from the event
loop, so a pool would add no concurrency, and psycopg_pool's maintenance threads would be new
threads at start-up (docs/operations.md, "Storage backends"). A connection lost (a server
restart, a failover of the database) is opened again at the next use; meanwhile each use raises
StoreUnavailable, which the handlers turn into a clear answer, as with a locked SQLite file.

Privacy: DELETE in PostgreSQL leaves the old row version (a dead tuple) in the table file until
VACUUM reuses the space, and the change in the WAL until it is recycled, and in any base backup
or WAL archive for as long as they are kept. docs/operations.md says what to set (autovacuum,
WAL retention, backup retention, no statement logging with parameters).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg.types.json import Jsonb

from bot import store as sqlite_store
from bot.inbox import MAX_AGE_SECONDS, InboxUnavailable
from bot.storage import Receipt, StoreUnavailable
from bot.store import utc_now

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
T = TypeVar("T")
#: The key (in a session document) of the update whose answer it holds: bot/gate.py
#: APPLIED_KEY, a literal here since the handlers import the store, not the other way round.
APPLIED_KEY = "update_id"
#: First half of every advisory lock key of this program (the ASCII of "BESP").
LOCK_NAMESPACE = 0x42455350
_SCHEMA_LOCK = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    chat_id bigint PRIMARY KEY, document jsonb NOT NULL, updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at);
CREATE TABLE IF NOT EXISTS preferences (chat_id bigint PRIMARY KEY, language text NOT NULL);
CREATE TABLE IF NOT EXISTS processed_updates (
    update_id bigint PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE);
CREATE TABLE IF NOT EXISTS receipts (
    code text PRIMARY KEY, chat_id bigint NOT NULL, document jsonb NOT NULL,
    updated_at timestamptz NOT NULL, notify boolean NOT NULL DEFAULT false,
    checks integer NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS receipts_chat ON receipts (chat_id);
CREATE INDEX IF NOT EXISTS receipts_updated_at ON receipts (updated_at);
CREATE TABLE IF NOT EXISTS cards (
    card_id text PRIMARY KEY, chat_id bigint NOT NULL, owner bigint NOT NULL,
    document jsonb NOT NULL, updated_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS cards_updated_at ON cards (updated_at);
CREATE TABLE IF NOT EXISTS inbox (
    update_id bigint PRIMARY KEY, received timestamptz NOT NULL, body jsonb NOT NULL)
"""
#: Table, key column and extra columns of the three kinds of documents that expire.
_EXPIRING = {"sessions": "chat_id", "receipts": "code", "cards": "card_id"}


class PgSessionStore:
    """bot/store.py's SessionStore, on a PostgreSQL database named by a postgresql:// URL."""

    def __init__(
        self,
        url: str,
        ttl: dt.timedelta,
        clock: Callable[[], dt.datetime] = utc_now,
        *,
        open_later: bool = False,
        connect_timeout: int = 5,
    ) -> None:
        self.url = url
        self.ttl = ttl
        self.clock = clock
        self.connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._closed = False
        self._conn: psycopg.Connection[Any] | None = None
        try:
            self._conn = self._open()
        except StoreUnavailable as error:
            if not open_later:
                raise
            logger.error(
                "state database unavailable at start (%s); trying again at each use", error
            )

    # Connection ------------------------------------------------------------------------

    def _open(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=self.connect_timeout,
                application_name="besponsa-bot",
                # As bot/sqlite_file.py's synchronous=NORMAL: a commit of the state does not
                # wait for the WAL to reach the disk (PgInbox.put does); the module docstring
                # says why.
                options="-c synchronous_commit=off",
            )
        except psycopg.Error as error:
            # The class only: the text may quote the URL, and with it the password.
            raise StoreUnavailable(f"database cannot be reached ({type(error).__name__})") from None
        try:
            self._prepare_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _prepare_schema(conn: psycopg.Connection[Any]) -> None:
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, _SCHEMA_LOCK))
                version = _schema_version(conn)
                if version is None:  # a new database: the only time CREATE is needed
                    for statement in _SCHEMA.split(";"):
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO meta(key, value) VALUES ('schema_version', %s)",
                        (str(SCHEMA_VERSION),),
                    )
                elif version > SCHEMA_VERSION:
                    raise StoreUnavailable(
                        f"database schema {version} is newer than this program ({SCHEMA_VERSION})"
                    )
        except psycopg.Error as error:
            raise StoreUnavailable(
                f"database cannot be prepared ({type(error).__name__})"
            ) from None

    def _run(
        self,
        work: Callable[[psycopg.Connection[Any]], T],
        *,
        single: bool = False,
        retry: bool = False,
    ) -> T:
        """`work` in one transaction, or, `single`, as one statement of its own (a statement is
        atomic: no BEGIN and COMMIT, two round trips fewer). A connection found broken (a
        server restart) is opened again once: before a transaction began, or for a `single`
        statement that may safely run twice (`retry`: a read, an upsert). Any other failure is
        reported, never retried, since a commit may have happened before the connection broke."""
        with self._lock:
            if self._closed:
                raise StoreUnavailable("store is closed")
            for attempt in range(2):
                if self._conn is None or self._conn.closed:
                    self._conn = self._open()
                conn, begun = self._conn, False
                try:
                    if single:
                        begun = not retry
                        return work(conn)
                    with conn.transaction():
                        begun = True
                        return work(conn)
                except psycopg.OperationalError as error:
                    if conn.broken or conn.closed:
                        with contextlib.suppress(psycopg.Error):
                            conn.close()
                        self._conn = None
                        if not begun and not attempt:
                            continue
                    logger.warning("state database error (%s)", type(error).__name__)
                    raise StoreUnavailable(f"database error ({type(error).__name__})") from None
                except psycopg.Error as error:
                    logger.warning("state database error (%s)", type(error).__name__)
                    raise StoreUnavailable(f"database error ({type(error).__name__})") from None
            raise AssertionError("unreachable")  # pragma: no cover

    # Sessions --------------------------------------------------------------------------

    def load(self, chat_id: int) -> dict[str, Any] | None:
        """The session document, or None if there is none or it has expired (then erased)."""
        found = self._fresh("sessions", chat_id, ())
        return None if found is None else found[1]

    def _fresh(
        self, table: str, value: int | str, columns: tuple[str, ...]
    ) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        """One row of `table` (sessions, receipts, cards): its `columns` and document; None if
        there is none, it is not an object, or it is older than the TTL (then erased at once).
        The names are this module's literals, never input."""
        key = _EXPIRING[table]
        listed = "".join(f"{column}, " for column in columns)
        cutoff = self._cutoff()

        def work(conn: psycopg.Connection[Any]) -> tuple[Any, ...] | None:
            row = conn.execute(
                f"SELECT {listed}document, updated_at >= %s FROM {table} WHERE {key} = %s",
                (cutoff, value),
            ).fetchone()
            if row is not None and not row[-1]:
                conn.execute(
                    f"DELETE FROM {table} WHERE {key} = %s AND updated_at < %s", (value, cutoff)
                )
                return None
            return None if row is None else tuple(row)

        # No transaction: the delete is guarded by its own condition on the time.
        row = self._run(work, single=True, retry=True)
        if row is None or not isinstance(row[-2], dict):
            return None
        return tuple(row[:-2]), row[-2]

    def save(self, chat_id: int, session: dict[str, Any]) -> None:
        """The session document and its time, and the update it answers marked processed, in
        one statement (so one transaction)."""
        updated_at = self.clock()
        applied = session.get(APPLIED_KEY)
        if not isinstance(applied, int) or isinstance(applied, bool):
            applied = None
        self._run(
            lambda conn: conn.execute(
                "WITH saved AS (INSERT INTO sessions(chat_id, document, updated_at) "
                "VALUES (%s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
                "document = excluded.document, updated_at = excluded.updated_at) "
                "INSERT INTO processed_updates(update_id) SELECT %s::bigint "
                "WHERE %s::bigint IS NOT NULL ON CONFLICT (update_id) DO NOTHING",
                (chat_id, Jsonb(session), updated_at, applied, applied),
            ),
            single=True,
            retry=True,
        )

    def language(self, chat_id: int) -> str | None:
        row = self._run(
            lambda conn: conn.execute(
                "SELECT language FROM preferences WHERE chat_id = %s", (chat_id,)
            ).fetchone(),
            single=True,
            retry=True,
        )
        return None if row is None else str(row[0])

    def set_language(self, chat_id: int, lang: str) -> None:
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO preferences(chat_id, language) VALUES (%s, %s) "
                "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, lang),
            ),
            single=True,
            retry=True,
        )

    def forget(self, chat_id: int) -> None:
        """Everything stored for this chat, deleted (/forget; docs/operations.md says what
        PostgreSQL keeps of a deleted row, and for how long)."""

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("DELETE FROM sessions WHERE chat_id = %s", (chat_id,))
            conn.execute("DELETE FROM preferences WHERE chat_id = %s", (chat_id,))
            conn.execute("DELETE FROM receipts WHERE chat_id = %s", (chat_id,))
            conn.execute("DELETE FROM cards WHERE chat_id = %s OR owner = %s", (chat_id, chat_id))

        self._run(work)

    def purge_expired(self) -> int:
        """Delete sessions, receipts and cards older than the TTL; the number deleted."""
        cutoff = self._cutoff()

        def work(conn: psycopg.Connection[Any]) -> int:
            return sum(
                conn.execute(f"DELETE FROM {table} WHERE updated_at < %s", (cutoff,)).rowcount
                for table in _EXPIRING
            )

        return self._run(work)

    # Receipts and their checks -----------------------------------------------------------

    def check_files(self) -> None:
        """Nothing to check: the server owns its files (bot/sqlite_file.py checks SQLite's -wal)."""

    def save_receipt(
        self, code: str, chat_id: int, document: dict[str, Any], *, new: bool = False
    ) -> bool:
        """As bot/store.py: the chat that stored a code first keeps it (another chat's save is
        False); saving again in that chat refreshes the TTL and keeps a requested check and the
        count of checks; `new`, a code just drawn, is only inserted (False if it is taken)."""
        updated_at = self.clock()
        cutoff = self._cutoff()
        conflict = (
            "DO NOTHING"
            if new
            else "DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at "
            "WHERE receipts.chat_id = excluded.chat_id"
        )

        def work(conn: psycopg.Connection[Any]) -> bool:
            # An expired row (not yet purged) frees its code: erased first, never revived.
            conn.execute("DELETE FROM receipts WHERE code = %s AND updated_at < %s", (code, cutoff))
            return bool(
                conn.execute(
                    "INSERT INTO receipts(code, chat_id, document, updated_at) "
                    f"VALUES (%s, %s, %s, %s) ON CONFLICT (code) {conflict}",
                    (code, chat_id, Jsonb(document), updated_at),
                ).rowcount
            )

        return self._run(work)

    def receipt(self, code: str) -> Receipt | None:
        found = self._fresh("receipts", code, ("chat_id", "notify", "checks"))
        if found is None:
            return None
        (chat_id, notify, checks), document = found
        return Receipt(code, int(chat_id), document, bool(notify), int(checks))

    def request_check(self, code: str, chat_id: int) -> bool:
        cutoff = self._cutoff()
        changed = self._run(
            lambda conn: (
                conn.execute(
                    "UPDATE receipts SET notify = true WHERE code = %s AND chat_id = %s "
                    "AND updated_at >= %s",
                    (code, chat_id, cutoff),
                ).rowcount
            ),
            single=True,
            retry=True,
        )
        return bool(changed)

    def count_check(self, code: str) -> int:
        """One more check of `code`; the number made before it. The row lock of the UPDATE
        orders checks of one code made at once through different processes."""
        row = self._run(
            lambda conn: conn.execute(
                "UPDATE receipts SET checks = checks + 1 WHERE code = %s RETURNING checks - 1",
                (code,),
            ).fetchone(),
            single=True,
        )
        return 0 if row is None else int(row[0])

    # Dose cards ----------------------------------------------------------------------------

    def save_card(self, card_id: str, chat_id: int, owner: int, document: dict[str, Any]) -> None:
        updated_at = self.clock()
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO cards(card_id, chat_id, owner, document, updated_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (card_id) DO UPDATE SET "
                "document = excluded.document, updated_at = excluded.updated_at",
                (card_id, chat_id, owner, Jsonb(document), updated_at),
            ),
            single=True,
            retry=True,
        )

    def card(self, card_id: str) -> tuple[int, dict[str, Any]] | None:
        found = self._fresh("cards", card_id, ("owner",))
        if found is None:
            return None
        (owner,), document = found
        return int(owner), document

    # Processed updates ---------------------------------------------------------------------

    def mark_update_seen(self, update_id: int) -> bool:
        """False when this update was already handled, by this process or another one."""
        return self._run(lambda conn: _mark(conn, update_id), single=True)

    def stats(self) -> dict[str, int]:
        """Row counts only (never content)."""

        def work(conn: psycopg.Connection[Any]) -> dict[str, int]:
            counts = {}
            for name, table in (
                ("sessions", "sessions"),
                ("preferences", "preferences"),
                ("seen_updates", "processed_updates"),
                ("receipts", "receipts"),
            ):
                row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
                counts[name] = int(row[0]) if row else 0
            return counts

        return self._run(work)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._conn is not None:
                with contextlib.suppress(psycopg.Error):
                    self._conn.close()

    def _cutoff(self) -> dt.datetime:
        return self.clock() - self.ttl


def _schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The schema's version; None in a database without our tables. A version that is not a
    number counts as newer than this program: left alone."""
    row = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if found is None:
        return None
    return int(found[0]) if str(found[0]).isdigit() else SCHEMA_VERSION + 1


def _mark(conn: psycopg.Connection[Any], update_id: int) -> bool:
    """Mark `update_id` processed, in one statement; False if it already was. The last
    bot/store.py SEEN_UPDATES_KEPT ids, in arrival order, are kept (ids are not monotonic after
    a long idle period)."""
    row = conn.execute(
        "WITH new AS (INSERT INTO processed_updates(update_id) VALUES (%s) "
        "ON CONFLICT (update_id) DO NOTHING RETURNING seq), "
        "trimmed AS (DELETE FROM processed_updates WHERE seq <= (SELECT seq FROM new) - %s) "
        "SELECT count(*) FROM new",
        (update_id, sqlite_store.SEEN_UPDATES_KEPT),
    ).fetchone()
    return bool(row and row[0])


class PgInbox:
    """bot/inbox.py's Inbox in the store's database, shared by every process of the bot: what
    one received and did not handle, the next active one replays (bot/failover.py)."""

    def __init__(self, store: PgSessionStore) -> None:
        self.store = store

    def put(self, updates: list[dict[str, Any]]) -> None:
        """All of `updates` committed, or none (then they must not be confirmed). An update
        already processed is not saved again: the check is in the same statement."""
        if not updates:
            return
        now = dt.datetime.now(dt.UTC)
        rows = [(u["update_id"], now, Jsonb(u), u["update_id"]) for u in updates]

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SET LOCAL synchronous_commit = on")  # on disk before confirmed
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO inbox(update_id, received, body) SELECT %s, %s, %s "
                    "WHERE NOT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = %s) "
                    "ON CONFLICT (update_id) DO NOTHING",
                    rows,
                )

        try:
            self.store._run(work)
        except StoreUnavailable as error:
            raise InboxUnavailable(str(error)) from None

    def remove(self, update_id: int) -> None:
        """Handled. A failure only means it is replayed, which the processed ids make harmless."""
        with contextlib.suppress(StoreUnavailable):
            self.store._run(
                lambda conn: conn.execute("DELETE FROM inbox WHERE update_id = %s", (update_id,)),
                single=True,
                retry=True,
            )

    def waiting(self) -> list[dict[str, Any]]:
        """The updates not yet handled, in order; those older than Telegram's 24 hours dropped."""
        oldest = dt.datetime.fromtimestamp(time.time() - MAX_AGE_SECONDS, dt.UTC)

        def work(conn: psycopg.Connection[Any]) -> list[Any]:
            conn.execute("DELETE FROM inbox WHERE received < %s", (oldest,))
            return conn.execute("SELECT body FROM inbox ORDER BY update_id").fetchall()

        try:
            rows = self.store._run(work)
        except StoreUnavailable as error:
            raise InboxUnavailable(str(error)) from None
        return [body for (body,) in rows]

    def depth(self) -> int | None:
        """How many updates wait, for every process (GET /metrics); None when unreadable."""
        try:
            count = self.store._run(
                lambda conn: conn.execute("SELECT count(*) FROM inbox").fetchone(), single=True
            )
        except StoreUnavailable:
            return None
        return int(count[0]) if count else 0

    def close(self) -> None:
        """The store owns the connection (bot/app.py closes it)."""
