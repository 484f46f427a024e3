"""The SQLite store: atomic, expiring, erasable, and resilient to a corrupt or locked file."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from pathlib import Path

import pytest

import bot.store
from bot.store import SCHEMA_VERSION, SEEN_UPDATES_KEPT, SessionStore, StoreUnavailable

START = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(hours=12)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> SessionStore:
    return SessionStore(tmp_path / "state.sqlite3", ttl=TTL, clock=clock)


def raw_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def corrupt_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


# Round trip and files ------------------------------------------------------------------


def test_round_trip_and_file_mode(store: SessionStore) -> None:
    store.save(1, {"state": "ask_cycle", "draft": {"bsa_m2": "1.8", "note": "é ü 中"}})
    assert store.load(1) == {"state": "ask_cycle", "draft": {"bsa_m2": "1.8", "note": "é ü 中"}}
    assert store.load(2) is None
    store.save(1, {"state": "ask_hsct"})
    assert store.load(1) == {"state": "ask_hsct"}, "save replaces the whole document"
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{store.path}{suffix}")
        if side.exists():
            assert side.stat().st_mode & 0o777 == 0o600, suffix


def test_missing_directory_is_created_private(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "data" / "besponsa-bot" / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"a": 1})
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_wal_mode_and_schema_version(store: SessionStore) -> None:
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = other.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert row == (str(SCHEMA_VERSION),)
    finally:
        other.close()


def test_survives_reopening(tmp_path: Path, clock: Clock) -> None:
    first = SessionStore(tmp_path / "s.sqlite3", ttl=TTL, clock=clock)
    first.save(7, {"state": "ask_hsct"})
    first.set_language(7, "it")
    first.mark_update_seen(99)
    first.close()
    second = SessionStore(tmp_path / "s.sqlite3", ttl=TTL, clock=clock)
    assert second.load(7) == {"state": "ask_hsct"} and second.language(7) == "it"
    assert second.mark_update_seen(99) is False


def test_close_is_idempotent_and_later_use_is_reported(store: SessionStore) -> None:
    store.save(1, {"a": 1})
    store.close()
    store.close()
    with pytest.raises(StoreUnavailable):
        store.load(1)
    assert not corrupt_copies(store.path), "a closed store is not a corrupt file"


def test_stats_are_counts(store: SessionStore) -> None:
    store.save(1, {"a": "987.654"})
    store.set_language(1, "de")
    store.set_language(2, "fr")
    store.mark_update_seen(5)
    assert store.stats() == {"sessions": 1, "preferences": 2, "seen_updates": 1}


# TTL and erasure -----------------------------------------------------------------------


def test_ttl_erases_clinical_values_but_keeps_the_language(
    store: SessionStore, clock: Clock
) -> None:
    store.save(1, {"draft": {"anc": "987.654"}})
    store.save(2, {"draft": {"anc": "1"}})
    store.set_language(1, "de")
    clock.now += dt.timedelta(hours=11)
    store.save(2, {"draft": {"anc": "2"}})
    clock.now += dt.timedelta(hours=2)
    assert store.load(1) is None, "expired values are never returned"
    assert store.stats()["sessions"] == 1, "and erased when found expired"
    assert b"987.654" not in raw_bytes(store.path)
    assert store.purge_expired() == 0, "already erased on load"
    assert store.load(2) == {"draft": {"anc": "2"}}
    clock.now += dt.timedelta(hours=12)
    assert store.purge_expired() == 1
    assert store.load(2) is None
    assert store.language(1) == "de"


def test_forget_leaves_no_trace_in_the_files(store: SessionStore) -> None:
    store.save(5, {"draft": {"platelets": "987.654"}})
    store.save(5, {"draft": {"platelets": "987.654", "anc": "0.5"}})
    store.set_language(5, "fr")
    store.save(6, {"draft": {"platelets": "12"}})
    assert b"987.654" in raw_bytes(store.path)
    store.forget(5)
    assert store.load(5) is None and store.language(5) is None
    assert store.load(6) == {"draft": {"platelets": "12"}}, "other chats are kept"
    assert b"987.654" not in raw_bytes(store.path)


def test_forget_leaves_no_trace_after_a_checkpoint_moved_the_value(store: SessionStore) -> None:
    store.save(5, {"draft": {"platelets": "987.654"}})
    store.close()  # the value is now in the main file, not the WAL
    again = SessionStore(store.path, ttl=TTL, clock=store.clock)
    again.forget(5)
    again.close()
    assert b"987.654" not in raw_bytes(store.path)


def test_purge_leaves_no_trace_in_the_files(store: SessionStore, clock: Clock) -> None:
    store.save(5, {"draft": {"platelets": "876.543"}})
    clock.now += dt.timedelta(hours=13)
    assert store.purge_expired() == 1
    assert b"876.543" not in raw_bytes(store.path)


# Corruption ----------------------------------------------------------------------------


def filled_database(path: Path, clock: Clock) -> bytes:
    good = SessionStore(path, ttl=TTL, clock=clock)
    for chat in range(300):
        good.save(chat, {"x": "y" * 200})
    good.close()
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "middle", "foreign", "empty-header"])
def test_corrupt_file_is_moved_aside_and_replaced(
    tmp_path: Path, clock: Clock, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database 987.654" * 100)
        Path(f"{path}-wal").write_bytes(b"junk wal")
    elif damage == "truncate":
        data = filled_database(path, clock)
        path.write_bytes(data[: len(data) // 2])
    elif damage == "middle":  # quick_check reports this as rows, without raising
        data = bytearray(filled_database(path, clock))
        data[len(data) // 2 : len(data) // 2 + 3000] = b"\xff" * 3000
        path.write_bytes(bytes(data))
    elif damage == "foreign":  # a database, but not ours
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE sessions (id TEXT)")
        other.commit()
        other.close()
    else:
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"ok": True})
    assert store.load(1) == {"ok": True}
    copies = corrupt_copies(path)
    assert copies and copies[0].name.startswith("state.sqlite3.corrupt-20261125T080000Z")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "unreadable" in warnings[0].getMessage()
    assert "987.654" not in caplog.text and "yyyy" not in caplog.text


def test_two_corruptions_in_the_same_second_keep_both_copies(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    for _ in range(2):
        path.write_bytes(b"garbage" * 1000)
        SessionStore(path, ttl=TTL, clock=clock).close()
    assert len([p for p in corrupt_copies(path) if not p.name.endswith(("-wal", "-shm"))]) == 2


def test_corruption_after_opening_is_recovered(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"a": 1})
    store._conn.close()  # the file is replaced under the running process
    path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    store.save(2, {"b": 2})
    assert store.load(2) == {"b": 2}
    assert corrupt_copies(path)


def test_corrupt_copies_are_deleted_after_the_ttl(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"garbage 987.654" * 100)
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.purge_expired()
    assert corrupt_copies(path), "kept for the TTL"
    clock.now += TTL + dt.timedelta(minutes=1)
    store.purge_expired()
    assert not corrupt_copies(path)
    assert path.exists()


def test_other_errors_are_reported_without_moving_the_file(store: SessionStore) -> None:
    store.save(1, {"kept": True})
    store._conn.execute("PRAGMA query_only=ON")  # writes now fail with SQLITE_READONLY
    with pytest.raises(StoreUnavailable):
        store.save(1, {"kept": False})
    assert not corrupt_copies(store.path)
    store._conn.execute("PRAGMA query_only=OFF")
    assert store.load(1) == {"kept": True}
    store.save(1, {"kept": "again"})
    assert store.load(1) == {"kept": "again"}


# Locks ---------------------------------------------------------------------------------


def test_locked_database_reports_unavailable(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock, busy_timeout=0.2)
    store.save(1, {"kept": True})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        for operation in (
            lambda: store.save(1, {"kept": False}),
            lambda: store.set_language(1, "de"),
            lambda: store.mark_update_seen(1),
            lambda: store.forget(1),
        ):
            with pytest.raises(StoreUnavailable):
                operation()
        assert time.monotonic() - started < 4
        assert store.load(1) == {"kept": True}, "reads still work while another writes"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.load(1) == {"kept": True}
    store.save(1, {"kept": "later"})
    assert store.load(1) == {"kept": "later"}
    assert not corrupt_copies(path)


def test_locked_database_at_open_reports_unavailable(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a new file, not yet in WAL mode: a real exclusive lock
    try:
        with pytest.raises(StoreUnavailable):
            SessionStore(path, ttl=TTL, clock=clock, busy_timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not corrupt_copies(path)


# Schema --------------------------------------------------------------------------------


def test_version_1_database_is_migrated(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sessions (
            chat_id INTEGER PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL);
        CREATE TABLE preferences (chat_id INTEGER PRIMARY KEY, language TEXT NOT NULL);
        CREATE TABLE seen_updates (update_id INTEGER PRIMARY KEY);
        INSERT INTO meta VALUES ('schema_version', '1');
        INSERT INTO preferences VALUES (3, 'es');
        INSERT INTO seen_updates VALUES (41), (42);
        """
    )
    old.execute("INSERT INTO sessions VALUES (3, '{\"s\":1}', ?)", (START.timestamp(),))
    old.commit()
    old.close()
    store = SessionStore(path, ttl=TTL, clock=clock)
    assert store.load(3) == {"s": 1} and store.language(3) == "es"
    assert store.mark_update_seen(42) is False and store.mark_update_seen(43) is True
    assert not corrupt_copies(path)


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).close()
    other = sqlite3.connect(path)
    other.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    other.commit()
    other.close()
    with pytest.raises(StoreUnavailable, match="newer"):
        SessionStore(path, ttl=TTL, clock=clock)
    assert not corrupt_copies(path)


# Update de-duplication ------------------------------------------------------------------


def test_seen_updates_deduplicate(store: SessionStore) -> None:
    assert store.mark_update_seen(10) is True
    assert store.mark_update_seen(10) is False
    assert store.mark_update_seen(9) is True, "ids are not assumed to be monotonic"
    assert store.mark_update_seen(9) is False


def test_seen_updates_stay_bounded_in_arrival_order(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store, "SEEN_UPDATES_KEPT", 50)
    for update_id in range(1_000_000, 1_000_100):
        store.mark_update_seen(update_id)
    assert store.stats()["seen_updates"] == 50
    # After a week of silence Telegram may restart the ids lower: the newest are kept.
    for update_id in range(10, 60):
        assert store.mark_update_seen(update_id) is True
    assert store.stats()["seen_updates"] == 50
    assert all(store.mark_update_seen(update_id) is False for update_id in range(10, 60))
    assert store.mark_update_seen(1_000_099) is True, "the oldest were forgotten"


def test_seen_updates_keep_ten_thousand(store: SessionStore) -> None:
    assert SEEN_UPDATES_KEPT == 10_000
    for update_id in range(SEEN_UPDATES_KEPT + 5):
        store.mark_update_seen(update_id)
    assert store.stats()["seen_updates"] == SEEN_UPDATES_KEPT
    assert store.mark_update_seen(SEEN_UPDATES_KEPT + 4) is False
    assert store.mark_update_seen(0) is True
