"""The store: atomic, expiring, erasable; the SQLite file resilient to corruption and locks.

The tests that take `any_store` run against both backends of bot/storage.py, SQLite and
PostgreSQL (a throwaway server, tests/pg_server.py); the others are about the SQLite file."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import bot.store
from bot.storage import StateStore, StoreUnavailable
from bot.store import SEEN_UPDATES_KEPT, SessionStore
from bot.store_schema import SCHEMA_VERSION

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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> StateStore:
    """The same tests against each backend: the SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return SessionStore(tmp_path / "state.sqlite3", ttl=TTL, clock=clock)
    from bot.pg_store import PgSessionStore

    store = PgSessionStore(request.getfixturevalue("pg_url"), ttl=TTL, clock=clock)
    request.addfinalizer(store.close)
    return store


def raw_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def moved_aside(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("state.sqlite3.corrupt-*") if "-wal" not in p.name)


# Round trip, files ---------------------------------------------------------------------------


def test_round_trip_and_file_mode(store: SessionStore) -> None:
    store.save(1, {"state": "ask_cycle", "draft": {"bsa_m2": "1.8"}, "ünïcode": "µmol/L"})
    assert store.load(1) == {"state": "ask_cycle", "draft": {"bsa_m2": "1.8"}, "ünïcode": "µmol/L"}
    assert store.load(2) is None
    for suffix in ("", "-wal", "-shm"):
        assert Path(f"{store.path}{suffix}").stat().st_mode & 0o777 == 0o600, suffix


def test_save_replaces_the_whole_document(any_store: StateStore) -> None:
    any_store.save(1, {"a": 1, "b": 2})
    any_store.save(1, {"c": 3})
    assert any_store.load(1) == {"c": 3}
    assert any_store.stats()["sessions"] == 1


def test_missing_parent_directory_is_created_private(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "data" / "besponsa-bot" / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"ok": True})
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_loose_file_mode_is_tightened(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).close()
    path.chmod(0o644)
    SessionStore(path, ttl=TTL, clock=clock).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_wal_mode_and_schema_version(store: SessionStore) -> None:
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert row == (str(SCHEMA_VERSION),)
    finally:
        conn.close()


def test_survives_reopening(tmp_path: Path, clock: Clock) -> None:
    first = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=1), clock=clock)
    first.save(7, {"state": "ask_hsct"})
    first.set_language(7, "it")
    first.mark_update_seen(41)
    first.close()
    first.close()  # idempotent
    second = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=1), clock=clock)
    assert second.load(7) == {"state": "ask_hsct"}
    assert second.language(7) == "it"
    assert second.mark_update_seen(41) is False


def test_closed_store_reports_unavailable(any_store: StateStore) -> None:
    any_store.close()
    with pytest.raises(StoreUnavailable):
        any_store.save(1, {})
    with pytest.raises(StoreUnavailable):
        any_store.load(1)


def test_stats_are_counts_only(any_store: StateStore) -> None:
    any_store.save(1, {"draft": {"anc": "0.5"}})
    any_store.set_language(1, "de")
    any_store.mark_update_seen(1)
    stats = any_store.stats()
    assert stats["sessions"] == 1 and stats["preferences"] == 1 and stats["seen_updates"] == 1
    assert all(isinstance(value, int) for value in stats.values())
    assert "0.5" not in repr(stats)


# TTL -----------------------------------------------------------------------------------------


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
    assert b"987.654" not in raw_bytes(store.path), "erased on load, WAL truncated"
    assert store.purge_expired() == 0, "already erased on load"
    assert store.load(2) == {"draft": {"anc": "2"}}
    clock.now += dt.timedelta(hours=12)
    assert store.purge_expired() == 1
    assert store.load(2) is None
    assert store.language(1) == "de"


def test_exactly_at_the_ttl_is_still_valid_and_a_moment_later_is_not(
    any_store: StateStore, clock: Clock
) -> None:
    any_store.save(1, {"x": 1})
    clock.now += TTL
    assert any_store.load(1) == {"x": 1}
    clock.now += dt.timedelta(seconds=1)
    assert any_store.load(1) is None


def test_expired_session_is_not_returned_even_without_a_purge(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).save(3, {"plt": "40"})
    later = Clock()
    later.now = START + TTL + dt.timedelta(minutes=1)
    reopened = SessionStore(path, ttl=TTL, clock=later)
    assert reopened.load(3) is None
    assert reopened.stats()["sessions"] == 0


def test_purge_leaves_no_trace_in_the_files(store: SessionStore, clock: Clock) -> None:
    store.save(5, {"draft": {"platelets": "876.543"}})
    clock.now += dt.timedelta(hours=13)
    assert store.purge_expired() == 1
    assert b"876.543" not in raw_bytes(store.path)


def test_purge_also_clears_superseded_values_of_live_sessions(store: SessionStore) -> None:
    store.save(5, {"draft": {"anc": "555.444"}, "padding": "p" * 6000})
    store.save(5, {"draft": {"anc": "0.5"}})
    assert store.purge_expired() == 0
    assert b"555.444" not in raw_bytes(store.path)
    assert store.load(5) == {"draft": {"anc": "0.5"}}


# Forget --------------------------------------------------------------------------------------


@pytest.mark.parametrize("padding", [0, 20_000], ids=["small", "overflow-pages"])
def test_forget_leaves_no_trace_in_the_files(store: SessionStore, padding: int) -> None:
    store.save(5, {"draft": {"platelets": "987.654"}, "padding": "q" * padding})
    store.set_language(5, "fr")
    store.save(6, {"draft": {"platelets": "12.5"}})
    store.set_language(6, "es")
    assert b"987.654" in raw_bytes(store.path)
    store.forget(5)
    assert store.load(5) is None and store.language(5) is None
    assert b"987.654" not in raw_bytes(store.path)
    assert not Path(f"{store.path}-wal").exists() or Path(f"{store.path}-wal").stat().st_size == 0
    assert store.load(6) == {"draft": {"platelets": "12.5"}}, "other chats are untouched"
    assert store.language(6) == "es"


def test_forget_of_an_unknown_chat_is_harmless(any_store: StateStore) -> None:
    any_store.forget(404)
    assert any_store.stats()["sessions"] == 0


# Corruption ----------------------------------------------------------------------------------


def _filled(path: Path, clock: Clock) -> None:
    good = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
    for chat in range(200):
        good.save(chat, {"x": "y" * 200})
    good.close()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "zeroed-middle", "garbage-tail"])
def test_corrupt_file_is_moved_aside_and_replaced(
    tmp_path: Path, clock: Clock, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        _filled(path, clock)
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "zeroed-middle":
            middle = len(data) // 2
            path.write_bytes(data[:middle] + b"\x00" * 8192 + data[middle + 8192 :])
        else:
            path.write_bytes(data[: len(data) // 3] + b"\x00garbage" * 50)
    with caplog.at_level(logging.WARNING, logger="bot.sqlite_file"):
        store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
    store.save(1, {"ok": True})
    assert store.load(1) == {"ok": True}
    aside = moved_aside(tmp_path)
    assert len(aside) == 1 and aside[0].name.startswith("state.sqlite3.corrupt-20261125T0800")
    assert "unreadable" in caplog.text
    assert "yyyy" not in caplog.text and "not a database" * 2 not in caplog.text


def test_a_second_corruption_in_the_same_second_gets_its_own_name(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "state.sqlite3"
    for _ in range(2):
        path.write_bytes(b"garbage" * 1000)
        SessionStore(path, ttl=TTL, clock=clock).close()
    assert len(moved_aside(tmp_path)) == 2


def test_foreign_database_is_moved_aside(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE photos (id INTEGER, data BLOB)")
    other.commit()
    other.close()
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"ok": True})
    assert store.load(1) == {"ok": True}
    assert len(moved_aside(tmp_path)) == 1


def test_unreadable_schema_is_moved_aside(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).close()
    broken = sqlite3.connect(path)
    broken.execute("DROP TABLE sessions")
    broken.execute("CREATE TABLE sessions (chat_id INTEGER PRIMARY KEY, blob TEXT)")
    broken.commit()
    broken.close()
    store = SessionStore(path, ttl=TTL, clock=clock)
    store.save(1, {"ok": True})
    assert store.load(1) == {"ok": True}
    assert len(moved_aside(tmp_path)) == 1


def test_a_newer_schema_is_left_alone(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).close()
    newer = sqlite3.connect(path)
    newer.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    newer.commit()
    newer.close()
    with pytest.raises(StoreUnavailable, match="newer"):
        SessionStore(path, ttl=TTL, clock=clock)
    assert path.exists() and not moved_aside(tmp_path), "a newer bot's sessions are kept"


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
        INSERT INTO preferences VALUES (9, 'zh');
        INSERT INTO seen_updates VALUES (500), (501);
        """
    )
    old.execute('INSERT INTO sessions VALUES (9, \'{"state":"ask_anc"}\', ?)', (START.timestamp(),))
    old.commit()
    old.close()
    store = SessionStore(path, ttl=TTL, clock=clock)
    assert store.load(9) == {"state": "ask_anc"} and store.language(9) == "zh"
    assert store.mark_update_seen(500) is False and store.mark_update_seen(502) is True
    assert not moved_aside(tmp_path)


def test_corruption_after_opening_is_recovered(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
    store.save(1, {"a": 1})
    store._file.conn.close()  # the file is replaced under the running process
    path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store._file.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    store.save(2, {"b": 2})
    assert store.load(2) == {"b": 2}
    assert moved_aside(tmp_path)


def test_a_full_disk_is_reported_and_the_file_is_not_moved(
    store: SessionStore, tmp_path: Path
) -> None:
    store.save(1, {"kept": True})
    pages = store._file.conn.execute("PRAGMA page_count").fetchone()[0]
    store._file.conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreUnavailable):
        store.save(2, {"big": "z" * 100_000})
    assert not moved_aside(tmp_path), "only corruption moves the file aside"
    assert store.load(1) == {"kept": True}


def test_moved_aside_copies_are_deleted_after_the_ttl(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    store = SessionStore(path, ttl=TTL, clock=clock)
    assert len(moved_aside(tmp_path)) == 1
    clock.now += TTL - dt.timedelta(minutes=1)
    store.purge_expired()
    assert len(moved_aside(tmp_path)) == 1, "kept for inspection during the TTL"
    clock.now += dt.timedelta(minutes=2)
    store.purge_expired()
    assert not list(tmp_path.glob("state.sqlite3.corrupt-*")), "it holds clinical values"


# Locking -------------------------------------------------------------------------------------


def test_locked_database_reports_unavailable_within_the_busy_timeout(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock, busy_timeout=0.2)
    store.save(1, {"kept": True})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.save(1, {"kept": False})
        elapsed = time.monotonic() - started
        assert 0.15 <= elapsed < 2.0, "waits the busy timeout, then gives up"
        with pytest.raises(StoreUnavailable):
            store.forget(1)
        with pytest.raises(StoreUnavailable):
            store.mark_update_seen(1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.load(1) == {"kept": True}, "the answers are kept"
    assert not moved_aside(tmp_path)


def test_a_lock_released_within_the_timeout_is_waited_for(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock, busy_timeout=5.0)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.2, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        store.save(1, {"waited": True})
    finally:
        release.join()
        other.close()
    assert store.load(1) == {"waited": True}


def test_opening_a_locked_database_reports_unavailable(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    SessionStore(path, ttl=TTL, clock=clock).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO preferences VALUES (1, 'de')")
    try:
        with pytest.raises(StoreUnavailable):
            SessionStore(path, ttl=TTL, clock=clock, busy_timeout=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not moved_aside(tmp_path), "a lock is not corruption"


# Seen updates --------------------------------------------------------------------------------


def test_seen_updates_deduplicate_without_assuming_order(any_store: StateStore) -> None:
    assert any_store.mark_update_seen(10) is True
    assert any_store.mark_update_seen(10) is False
    assert any_store.mark_update_seen(9) is True, "ids are not assumed to be monotonic"
    assert any_store.mark_update_seen(9) is False


def test_seen_updates_stay_bounded_and_keep_the_latest_arrivals(
    any_store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store, "SEEN_UPDATES_KEPT", 50)
    for update_id in range(900_000_000, 900_000_100):
        any_store.mark_update_seen(update_id)
    # After a week without updates Telegram restarts the numbering at a random, lower id.
    for update_id in range(1000, 1040):
        assert any_store.mark_update_seen(update_id) is True
    assert any_store.stats()["seen_updates"] == 50
    assert all(any_store.mark_update_seen(update_id) is False for update_id in range(1000, 1040))
    assert any_store.mark_update_seen(900_000_000) is True, "the oldest arrivals were dropped"


def test_seen_updates_default_bound(any_store: StateStore) -> None:
    for update_id in range(1000, 1000 + SEEN_UPDATES_KEPT + 30):
        any_store.mark_update_seen(update_id)
    assert any_store.stats()["seen_updates"] == SEEN_UPDATES_KEPT
    assert any_store.mark_update_seen(1000 + SEEN_UPDATES_KEPT + 29) is False


# Concurrency ---------------------------------------------------------------------------------


def test_concurrent_saves_from_a_thread_pool_keep_the_latest(any_store: StateStore) -> None:
    chats, rounds = 8, 40

    def client(chat: int) -> None:
        for n in range(rounds):
            any_store.save(chat, {"n": n})
            assert any_store.load(chat) == {"n": n}
            any_store.mark_update_seen(chat * 1000 + n)

    with ThreadPoolExecutor(max_workers=chats) as pool:
        for future in [pool.submit(client, chat) for chat in range(chats)]:
            future.result()
    assert all(any_store.load(chat) == {"n": rounds - 1} for chat in range(chats))
    assert any_store.stats()["seen_updates"] == chats * rounds


def test_two_stores_on_one_file_see_each_others_commits(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    first = SessionStore(path, ttl=TTL, clock=clock)
    second = SessionStore(path, ttl=TTL, clock=clock)
    first.save(1, {"from": "first"})
    assert second.load(1) == {"from": "first"}
    second.save(1, {"from": "second"})
    assert first.load(1) == {"from": "second"}


def test_forget_leaves_no_trace_after_a_checkpoint_moved_the_value(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "state.sqlite3"
    first = SessionStore(path, ttl=TTL, clock=clock)
    first.save(5, {"draft": {"platelets": "987.654"}})
    first.close()  # the value now lives in the main file, not in the WAL
    assert b"987.654" in path.read_bytes()
    again = SessionStore(path, ttl=TTL, clock=clock)
    again.forget(5)
    again.close()
    assert b"987.654" not in raw_bytes(path)


def test_restart_while_another_connection_writes_can_still_read(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "state.sqlite3"
    first = SessionStore(path, ttl=TTL, clock=clock)
    first.save(1, {"kept": True})
    first.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # WAL mode: readers may still open and read
    try:
        store = SessionStore(path, ttl=TTL, clock=clock, busy_timeout=0.1)
        assert store.load(1) == {"kept": True}
        with pytest.raises(StoreUnavailable):
            store.save(1, {"kept": False})
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.save(2, {"b": 2})
    assert store.load(1) == {"kept": True} and store.load(2) == {"b": 2}


# Faults while running, and at start with open_later ------------------------------------------


@pytest.mark.parametrize("also_side_files", [True, False], ids=["all-files", "main-file-only"])
def test_a_file_deleted_while_running_is_rewritten_with_everything_saved(
    store: SessionStore, also_side_files: bool
) -> None:
    store.save(1, {"draft": {"anc": "1.5"}})
    store.set_language(1, "de")
    store.mark_update_seen(77)
    suffixes = ("", "-wal", "-shm") if also_side_files else ("",)
    for suffix in suffixes:
        Path(f"{store.path}{suffix}").unlink(missing_ok=True)
    assert store.load(1) == {"draft": {"anc": "1.5"}}
    assert store.path.exists() and store.path.stat().st_mode & 0o777 == 0o600
    store.save(2, {"draft": {"anc": "2"}})
    store.close()
    reopened = SessionStore(store.path, ttl=TTL, clock=store.clock)
    assert reopened.load(1) == {"draft": {"anc": "1.5"}} and reopened.load(2) == {
        "draft": {"anc": "2"}
    }
    assert reopened.language(1) == "de" and reopened.mark_update_seen(77) is False


def test_a_file_replaced_while_running_is_overwritten_by_what_the_bot_holds(
    store: SessionStore, tmp_path: Path
) -> None:
    store.save(1, {"kept": True})
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"")
    other.replace(store.path)
    assert store.load(1) == {"kept": True}
    store.close()
    assert SessionStore(store.path, ttl=TTL, clock=store.clock).load(1) == {"kept": True}


def test_open_later_reports_each_use_until_the_database_can_be_opened(
    tmp_path: Path, clock: Clock
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the directory should be")
    store = SessionStore(blocker / "state.sqlite3", ttl=TTL, clock=clock, open_later=True)
    with pytest.raises(StoreUnavailable) as raised:
        store.save(1, {"x": 1})
    assert not raised.value.busy
    with pytest.raises(StoreUnavailable):
        store.load(1)
    blocker.unlink()
    store.save(1, {"x": 1})
    assert store.load(1) == {"x": 1}
    store.close()


def test_without_open_later_an_unopenable_database_raises_at_once(
    tmp_path: Path, clock: Clock
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    with pytest.raises(StoreUnavailable, match="cannot create the state directory"):
        SessionStore(blocker / "state.sqlite3", ttl=TTL, clock=clock)


def test_a_lock_is_busy_and_a_write_refusal_is_not(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL, clock=clock, busy_timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreUnavailable) as locked:
        store.save(1, {"x": 1})
    other.execute("ROLLBACK")
    other.close()
    assert locked.value.busy
    assert store._file.conn is not None
    store._file.conn.execute("PRAGMA query_only=ON")
    with pytest.raises(StoreUnavailable, match="SQLITE_READONLY") as refused:
        store.save(1, {"x": 1})
    assert not refused.value.busy


# Both backends: receipts, checks, cards, erasure ----------------------------------------------


def test_a_receipt_stays_with_the_chat_that_made_it_and_counts_its_checks(
    any_store: StateStore,
) -> None:
    any_store.save_receipt("K7Q2", 11, {"plan": "a"})
    any_store.save_receipt("K7Q2", 22, {"plan": "other chat"})  # never takes the row over
    assert any_store.request_check("K7Q2", 22) is False
    assert any_store.request_check("K7Q2", 11) is True
    assert [any_store.count_check("K7Q2") for _ in range(3)] == [0, 1, 2]
    receipt = any_store.receipt("K7Q2")
    assert receipt is not None
    assert (receipt.chat_id, receipt.document, receipt.notify, receipt.checks) == (
        11,
        {"plan": "a"},
        True,
        3,
    )
    assert any_store.count_check("NONE") == 0 and any_store.receipt("NONE") is None


def test_cards_expire_and_forget_erases_every_row_of_the_chat(
    any_store: StateStore, clock: Clock
) -> None:
    any_store.save(5, {"draft": {"plt": "1"}})
    any_store.set_language(5, "fr")
    any_store.save_receipt("R5", 5, {"plan": 5})
    any_store.save_card("c5", 5, 5, {"plan": 5})
    any_store.save_card("c6", 6, 6, {"plan": 6})
    assert any_store.card("c5") == (5, {"plan": 5})
    any_store.forget(5)
    assert any_store.load(5) is None and any_store.language(5) is None
    assert any_store.receipt("R5") is None and any_store.card("c5") is None
    assert any_store.card("c6") == (6, {"plan": 6}), "other chats are untouched"
    clock.now += TTL + dt.timedelta(seconds=1)
    assert any_store.purge_expired() == 1
    assert any_store.card("c6") is None
    assert any_store.stats()["receipts"] == 0


def test_two_processes_share_one_postgresql_database(pg_url: str, clock: Clock) -> None:
    """What a standby takes over with: the other store's commits, its processed ids (an update
    handled by one is never applied by the other) and its receipts (a code made through one
    process is checked through the other)."""
    from bot.pg_store import PgSessionStore

    first = PgSessionStore(pg_url, ttl=TTL, clock=clock)
    second = PgSessionStore(pg_url, ttl=TTL, clock=clock)
    first.save(1, {"update_id": 41, "last_answer": {"text": "plan"}})
    assert second.load(1) == {"update_id": 41, "last_answer": {"text": "plan"}}
    assert second.mark_update_seen(41) is False, "marked in the transaction of its state"
    first.save_receipt("CODE", 1, {"plan": 1})
    assert second.count_check("CODE") == 0 and first.count_check("CODE") == 1
    with ThreadPoolExecutor(max_workers=4) as pool:
        counted = list(pool.map(lambda n: (first, second)[n % 2].count_check("CODE"), range(20)))
    assert sorted(counted) == list(range(2, 22)), "concurrent checks counted once each"
    first.close()
    second.close()


def test_postgresql_keeps_documents_as_jsonb_and_times_as_timestamptz(
    pg_url: str, clock: Clock
) -> None:
    import psycopg

    from bot.pg_store import PgSessionStore

    store = PgSessionStore(pg_url, ttl=TTL, clock=clock)
    store.save(1, {"x": 1})
    with psycopg.connect(pg_url) as conn:
        kinds = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'sessions'"
            ).fetchall()
        )
    assert kinds == {
        "chat_id": "bigint",
        "document": "jsonb",
        "updated_at": "timestamp with time zone",
    }
    store.close()


def test_an_unreachable_postgresql_is_reported_not_raised_at_start(clock: Clock) -> None:
    from tests.pg_server import free_port

    pytest.importorskip("psycopg")
    from bot.pg_store import PgSessionStore

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    with pytest.raises(StoreUnavailable):
        PgSessionStore(url, ttl=TTL, clock=clock, connect_timeout=1)
    store = PgSessionStore(url, ttl=TTL, clock=clock, open_later=True, connect_timeout=1)
    with pytest.raises(StoreUnavailable) as raised:
        store.load(1)
    assert "127.0.0.1" not in str(raised.value), "the URL (and a password) is never shown"


def test_a_restart_of_postgresql_is_reported_meanwhile_and_then_survived(
    pg_cluster: object, pg_url: str, clock: Clock
) -> None:
    from bot.pg_store import PgSessionStore
    from tests.pg_server import PgCluster

    assert isinstance(pg_cluster, PgCluster)
    store = PgSessionStore(pg_url, ttl=TTL, clock=clock, connect_timeout=2)
    store.save(1, {"kept": True})
    pg_cluster.stop()
    try:
        with pytest.raises(StoreUnavailable):
            store.load(1)
    finally:
        pg_cluster.restart()
    assert store.load(1) == {"kept": True}, "opened again at the next use"
    assert store.mark_update_seen(5) is True
    pg_cluster.stop()
    pg_cluster.restart()
    assert store.load(1) == {"kept": True}, "a broken connection is opened again for a read"
    store.close()


def test_postgresql_needs_create_only_once_and_leaves_a_newer_schema_alone(
    pg_url: str, clock: Clock
) -> None:
    import psycopg

    from bot.pg_store import PgSessionStore

    PgSessionStore(pg_url, ttl=TTL, clock=clock).close()  # the first start creates the tables
    role = "bot_" + pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        admin.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
    store = PgSessionStore(pg_url.replace("postgres@", f"{role}@"), ttl=TTL, clock=clock)
    store.save(1, {"update_id": 2})
    assert store.mark_update_seen(3) is True and store.mark_update_seen(2) is False
    store.close()
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreUnavailable, match="newer"):
        PgSessionStore(pg_url, ttl=TTL, clock=clock)
