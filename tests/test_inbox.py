"""The polling inbox: saved before Telegram is told, gone once handled, replayed after a crash,
and no clinical value left in its files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot import inbox as inbox_module
from bot.inbox import Inbox


def update(update_id: int, text: str) -> dict:
    chat = {"id": 77, "type": "private", "first_name": "Dr"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": text}
    return {"update_id": update_id, "message": message}


def test_waiting_updates_come_back_in_order_after_a_crash(tmp_path: Path) -> None:
    first = Inbox(tmp_path / "inbox")
    first.put([update(12, "b"), update(11, "a")])
    first.put([update(13, "c")])
    first.remove(12)
    # No close(): the process was killed.
    again = Inbox(tmp_path / "inbox")
    assert [u["update_id"] for u in again.waiting()] == [11, 13]
    again.close()


def test_updates_older_than_telegram_keeps_them_are_dropped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(tmp_path / "inbox")
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
