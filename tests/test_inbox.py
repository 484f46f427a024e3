"""The polling inbox: saved before Telegram is told, gone once handled, replayed after a crash,
and no clinical value left in its files. The tests that take `open_inbox` run against both
backends of bot/storage.py (SQLite, PostgreSQL: tests/pg_server.py)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import inbox as inbox_module
from bot.inbox import Inbox
from bot.storage import UpdateInbox

OpenInbox = Callable[[], UpdateInbox]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_inbox(request: pytest.FixtureRequest, tmp_path: Path) -> OpenInbox:
    """Opens the inbox again on the same storage, as a restarted (or a standby) process does."""
    if request.param == "sqlite":
        return lambda: Inbox(tmp_path / "inbox")
    from bot.pg_store import PgInbox, PgSessionStore

    url = request.getfixturevalue("pg_url")

    def open_pg() -> UpdateInbox:
        store = PgSessionStore(url, ttl=dt.timedelta(hours=12))
        request.addfinalizer(store.close)
        return PgInbox(store)

    return open_pg


def update(update_id: int, text: str) -> dict:
    chat = {"id": 77, "type": "private", "first_name": "Dr"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": text}
    return {"update_id": update_id, "message": message}


def test_waiting_updates_come_back_in_order_after_a_crash(open_inbox: OpenInbox) -> None:
    first = open_inbox()
    first.put([update(12, "b"), update(11, "a")])
    first.put([update(13, "c")])
    first.remove(12)
    # No close(): the process was killed.
    again = open_inbox()
    assert [u["update_id"] for u in again.waiting()] == [11, 13]
    again.close()


def test_updates_older_than_telegram_keeps_them_are_dropped_unread(
    open_inbox: OpenInbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = open_inbox()
    inbox.put([update(1, "old")])
    later = time.time() + 25 * 3600
    monkeypatch.setattr(inbox_module.time, "time", lambda: later)
    assert inbox.waiting() == []


def test_no_value_survives_in_the_files_once_handled(tmp_path: Path) -> None:
    path = tmp_path / "inbox"
    inbox = Inbox(path)
    inbox.put([update(5, "anc=0.777 plt=43.21")])
    inbox.remove(5)
    inbox.close()
    stored = b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )
    assert b"0.777" not in stored and b"43.21" not in stored
    assert path.stat().st_mode & 0o077 == 0, "private to the bot's user"


def test_wal_is_truncated_when_the_inbox_empties(tmp_path: Path) -> None:
    path = tmp_path / "inbox"
    inbox = Inbox(path)
    inbox.put([update(5, "anc=0.777")])
    inbox.remove(5)  # the first removal that empties it checkpoints
    wal = Path(f"{path}-wal")
    assert not wal.exists() or b"0.777" not in wal.read_bytes()
    inbox.close()


def test_a_late_duplicate_of_a_handled_update_never_reenters_the_shared_inbox(
    pg_url: str,
) -> None:
    """Telegram may deliver again what a killed process handled: the insert checks the
    processed ids in the same statement, so a standby does not replay it."""
    from bot.pg_store import PgInbox, PgSessionStore

    store = PgSessionStore(pg_url, ttl=dt.timedelta(hours=12))
    inbox = PgInbox(store)
    inbox.put([update(21, "a"), update(22, "b")])
    assert store.mark_update_seen(21) is True
    inbox.remove(21)
    inbox.put([update(21, "a"), update(22, "b"), update(23, "c")])
    assert [u["update_id"] for u in PgInbox(store).waiting()] == [22, 23]
    store.close()
