"""The one storage interface the bot is written against, and the choice of its backend.

Two backends keep the same data with the same method names: bot/store.py and bot/inbox.py
(SQLite, one process, the default: nothing to set up) and bot/pg_store.py (PostgreSQL, chosen by
`BOT_DB_URL=postgresql://…`: several processes of one bot share it, one of them active,
bot/failover.py). The handlers, the console and the purge see only `StateStore`; the pollers
and the webhook server only `UpdateInbox`. `tests/test_store.py` and `tests/test_inbox.py` run
the same tests against both.

This module imports no driver: psycopg is imported by `open_storage` only when the URL asks
for PostgreSQL, so the default start imports nothing more than before (tests/test_lazy_imports.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class StoreUnavailable(Exception):
    """The database is locked by another writer (`busy`: try again in a moment) or cannot be
    opened or written; nothing was changed. Raised by every backend; the handlers and the
    console turn it into a clear answer."""

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


class StateStore(Protocol):
    """Sessions, languages, processed update ids, receipts and their checks, shared cards.

    Every method is one committed transaction; a store that cannot answer raises
    StoreUnavailable (the handlers turn it into a clear answer). Clinical values
    (sessions, receipts, cards) expire after `ttl`: never returned once expired, erased by
    `purge_expired` and, for one chat, by `forget`."""

    ttl: dt.timedelta

    def load(self, chat_id: int) -> dict[str, Any] | None: ...
    def save(self, chat_id: int, session: dict[str, Any]) -> None: ...
    def language(self, chat_id: int) -> str | None: ...
    def set_language(self, chat_id: int, lang: str) -> None: ...
    def forget(self, chat_id: int) -> None: ...
    def purge_expired(self) -> int: ...
    def check_files(self) -> None: ...
    def save_receipt(
        self, code: str, chat_id: int, document: dict[str, Any], *, new: bool = False
    ) -> bool: ...
    def receipt(self, code: str) -> Receipt | None: ...
    def request_check(self, code: str, chat_id: int) -> bool: ...
    def count_check(self, code: str) -> int: ...
    def save_card(
        self, card_id: str, chat_id: int, owner: int, document: dict[str, Any]
    ) -> None: ...
    def card(self, card_id: str) -> tuple[int, dict[str, Any]] | None: ...
    def mark_update_seen(self, update_id: int) -> bool: ...
    def stats(self) -> dict[str, int]: ...
    def close(self) -> None: ...


class UpdateInbox(Protocol):
    """Updates received and not yet handled: saved before Telegram is told they arrived."""

    def put(self, updates: list[dict[str, Any]]) -> None: ...
    def remove(self, update_id: int) -> None: ...
    def waiting(self) -> list[dict[str, Any]]: ...
    def depth(self) -> int | None: ...
    def close(self) -> None: ...


def is_postgresql(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


def open_storage(
    db_url: str | None, db_path: Path, ttl: dt.timedelta
) -> tuple[StateStore, UpdateInbox]:
    """The store and the inbox of this process: PostgreSQL when `db_url` names it, else the
    SQLite file at `db_path` and its `.inbox` beside it (an inbox that cannot be written is
    kept in memory, logged). Neither ever stops the bot at start: a database that cannot be
    reached is tried again at each use."""
    if db_url is not None and is_postgresql(db_url):
        from bot.pg_store import PgInbox, PgSessionStore

        store = PgSessionStore(db_url, ttl=ttl, open_later=True)
        return store, PgInbox(store)
    import logging

    from bot.inbox import Inbox, InboxUnavailable
    from bot.store import SessionStore

    sqlite_store = SessionStore(db_path, ttl=ttl, open_later=True)
    try:
        inbox = Inbox(Path(f"{db_path}.inbox"))
    except InboxUnavailable as error:
        # Like the state database, an unwritable inbox never stops the bot.
        logging.getLogger(__name__).warning("update inbox unavailable (%s): kept in memory", error)
        inbox = Inbox(None)
    return sqlite_store, inbox
