"""The SQLite store: atomic, expiring, erasable, and resilient to a corrupt or locked file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.store import SEEN_UPDATES_KEPT, SessionStore, StoreUnavailable

START = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


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
    return SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12), clock=clock)


def test_round_trip_and_file_mode(store: SessionStore) -> None:
    store.save(1, {"state": "ask_cycle", "draft": {"bsa_m2": "1.8"}})
    assert store.load(1) == {"state": "ask_cycle", "draft": {"bsa_m2": "1.8"}}
    assert store.load(2) is None
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_survives_reopening(tmp_path: Path, clock: Clock) -> None:
    first = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=1), clock=clock)
    first.save(7, {"state": "ask_hsct"})
    first.close()
    second = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=1), clock=clock)
    assert second.load(7) == {"state": "ask_hsct"}


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
    assert store.purge_expired() == 0, "already erased on load"
    assert store.load(2) == {"draft": {"anc": "2"}}
    clock.now += dt.timedelta(hours=12)
    assert store.purge_expired() == 1
    assert store.language(1) == "de"


def raw_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def test_forget_leaves_no_trace_in_the_files(store: SessionStore) -> None:
    store.save(5, {"draft": {"platelets": "987.654"}})
    store.set_language(5, "fr")
    assert b"987.654" in raw_bytes(store.path)
    store.forget(5)
    assert store.load(5) is None and store.language(5) is None
    assert b"987.654" not in raw_bytes(store.path)


def test_purge_leaves_no_trace_in_the_files(store: SessionStore, clock: Clock) -> None:
    store.save(5, {"draft": {"platelets": "876.543"}})
    clock.now += dt.timedelta(hours=13)
    assert store.purge_expired() == 1
    assert b"876.543" not in raw_bytes(store.path)


@pytest.mark.parametrize("damage", ["garbage", "truncate"])
def test_corrupt_file_is_moved_aside_and_replaced(
    tmp_path: Path, clock: Clock, damage: str
) -> None:
    path = tmp_path / "state.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        good = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
        for chat in range(200):
            good.save(chat, {"x": "y" * 200})
        good.close()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
    store.save(1, {"ok": True})
    assert store.load(1) == {"ok": True}
    if damage == "garbage":
        assert list(tmp_path.glob("state.sqlite3.corrupt-*"))


def test_corruption_after_opening_is_recovered(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock)
    store.save(1, {"a": 1})
    store._conn.close()  # the file is replaced under the running process
    path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    store.save(2, {"b": 2})
    assert store.load(2) == {"b": 2}
    assert list(tmp_path.glob("state.sqlite3.corrupt-*"))


def test_locked_database_reports_unavailable(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=dt.timedelta(hours=1), clock=clock, busy_timeout=0.2)
    store.save(1, {"kept": True})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable):
            store.save(1, {"kept": False})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.load(1) == {"kept": True}


def test_seen_updates_deduplicate_and_stay_bounded(store: SessionStore) -> None:
    assert store.mark_update_seen(10) is True
    assert store.mark_update_seen(10) is False
    assert store.mark_update_seen(9) is True, "ids are not assumed to be monotonic"
    for update_id in range(1000, 1000 + SEEN_UPDATES_KEPT + 300):
        store.mark_update_seen(update_id)
    assert store.stats()["seen_updates"] <= SEEN_UPDATES_KEPT + 100
