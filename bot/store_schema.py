"""The state database's tables and schema version, and the migrations that bring a file written
by an older release up to it: checked each time the file is opened, so that a file that is not
ours is recovered as a corrupt one and a newer one is refused rather than misread."""

from __future__ import annotations

import contextlib
import sqlite3

from bot.sqlite_file import Unreadable
from bot.storage import StoreUnavailable

SCHEMA_VERSION = 4

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


def prepare_schema(conn: sqlite3.Connection) -> None:
    """Create the tables in an empty file, or migrate an older schema; Unreadable if the
    tables are not ours, StoreUnavailable if the schema is newer than this program."""
    tables = {
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    version = _version(conn, tables)
    if version is None:
        if tables:
            raise Unreadable("tables without a schema version")
        _write_schema(conn, _SCHEMA, SCHEMA_VERSION)
        version = SCHEMA_VERSION
    elif version > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"database schema {version} is newer than this program ({SCHEMA_VERSION})"
        )
    while version in _MIGRATIONS:
        script, version = _MIGRATIONS[version]
        _write_schema(conn, script, version)
    if version != SCHEMA_VERSION:
        raise Unreadable(f"unknown schema version {version}")
    for table, columns in _COLUMNS.items():
        found = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
        if found != columns:
            raise Unreadable(f"table {table} has an unexpected layout")


def _version(conn: sqlite3.Connection, tables: set[str]) -> int | None:
    if "meta" not in tables:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        raise Unreadable("schema version missing")
    return int(row[0])


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
