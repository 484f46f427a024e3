"""What must not be lost when the disk misbehaves: a -wal file deleted under the running bot
(then a crash), and a full disk (every message still answered, nothing acknowledged lost).

The crash is real: a child process saves, has its -wal deleted and ends with os._exit, which
flushes and closes nothing. The full disk is SQLite's own SQLITE_FULL, reached through
`PRAGMA max_page_count` on the bot's connections (the same error a full file system gives).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import texts
from bot.inbox import Inbox
from bot.polling import confirming_polling
from bot.store import SessionStore
from botapi_emulator.emulator import BotApiEmulator
from dialogs.render import Renderer
from tests.test_polling import bot_on

CHILD = """
import datetime as dt, logging, os, sys
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
from bot.store import SessionStore
path, write_after = sys.argv[1], sys.argv[2] == "write"
store = SessionStore(path, dt.timedelta(hours=12))
for chat in range(5):
    store.save(chat, {"answer": chat})  # acknowledged: committed
os.unlink(path + "-wal")
if write_after:
    store.save(99, {"answer": 99})  # the next message's write
os._exit(9)  # a crash: nothing closed, nothing checkpointed
"""


def crash_after_deleting_the_wal(path: Path, write_after: bool) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), "write" if write_after else "none"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 9, done.stderr
    return done.stderr


def test_a_deleted_wal_is_noticed_at_the_next_write_and_nothing_acknowledged_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    log = crash_after_deleting_the_wal(path, write_after=True)
    store = SessionStore(path, dt.timedelta(hours=12))
    assert [store.load(chat) for chat in range(5)] == [{"answer": chat} for chat in range(5)]
    assert store.load(99) == {"answer": 99}
    errors = [line for line in log.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR state database -wal file deleted while running; rewriting the database"
    ]
    assert "Traceback" not in log
    store.close()


def test_without_a_write_after_the_deletion_the_crash_loses_what_the_wal_held(
    tmp_path: Path,
) -> None:
    """The control: what the check at each write (or at the health check) protects."""
    path = tmp_path / "state.sqlite3"
    crash_after_deleting_the_wal(path, write_after=False)
    store = SessionStore(path, dt.timedelta(hours=12))
    assert [store.load(chat) for chat in range(5)] == [None] * 5
    store.close()


def test_check_files_notices_a_deleted_wal_without_a_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, dt.timedelta(hours=12))
    store.save(1, {"answer": 1})
    Path(f"{path}-wal").unlink()
    with caplog.at_level(logging.WARNING):
        store.check_files()
        store.check_files()  # once rewritten, nothing more to say
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    other = SessionStore(path, dt.timedelta(hours=12))  # another reader sees the answer
    assert other.load(1) == {"answer": 1}
    other.close()
    store.close()


def fill(conn: sqlite3.Connection, pad: str | None = None) -> None:
    """The database may grow by no more page: SQLITE_FULL at the next page needed. `pad`: an
    insert of one number, repeated until then, so that its table's pages have no room left."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    number = 0
    with contextlib.suppress(sqlite3.OperationalError):
        while pad is not None:
            number -= 1
            conn.execute(pad, (number,))


def test_a_full_inbox_passes_updates_on_unsaved_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = Inbox(tmp_path / "inbox.sqlite3")
    fill(inbox._conn)
    big = "x" * 8000  # more than a page: the insert needs a new one
    with caplog.at_level(logging.INFO):
        for update_id in range(1, 6):
            inbox.put([{"update_id": update_id, "message": {"text": big}}])
        for update_id in range(1, 6):
            inbox.remove(update_id)
    assert inbox.waiting() == []
    assert [r.getMessage() for r in caplog.records] == [
        "inbox disk full: updates handled unsaved until space is freed"
    ]
    inbox._conn.execute("PRAGMA max_page_count=1073741823")  # space freed
    with caplog.at_level(logging.INFO):
        inbox.put([{"update_id": 6, "message": {"text": big}}])
    assert [update["update_id"] for update in inbox.waiting()] == [6]
    assert caplog.records[-1].getMessage() == "inbox saves updates again"
    inbox.close()


async def test_with_the_disk_full_every_message_promptly_gets_cannot_save_and_nothing_is_lost(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Polling with the inbox and the state database full: each message is answered with the
    localized "cannot save right now" at once (it used to get no answer until space was
    freed), and what was acknowledged before is still there once space is freed."""
    chat = 6262
    emulator.add_chat(chat)
    inbox = Inbox(tmp_path / "state.inbox")
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    try:
        async with confirming_polling(bot_on(emulator, store), inbox, timeout=1):
            await emulator.send_text(chat, "/start")
            await emulator.send_text(chat, "1.8")  # acknowledged: the next question
            await emulator.wait_for_messages(chat, 2, timeout=15)
            await emulator.wait_idle(0.3, timeout=15)
            assert store._file.conn is not None
            # Each message is first marked seen (bot/gate.py): that insert finds no room.
            fill(store._file.conn, pad="INSERT INTO seen_updates(update_id) VALUES (?)")
            fill(inbox._conn)
            before = len(emulator.sent(chat))
            started = time.monotonic()
            for text in ("2", "3", "BSA " + "9" * 3000):
                await emulator.send_text(chat, text, language_code="de")
            sent = await emulator.wait_for_messages(chat, before + 3, timeout=15)
            assert time.monotonic() - started < 10
            failed = Renderer("de", html=True).text(texts.STORAGE_FAILED)
            assert [message["text"] for message in sent[before:]] == [failed] * 3
            await emulator.wait_idle(0.3, timeout=15)
            assert emulator.pending_updates == []
            store._file.conn.execute("PRAGMA max_page_count=1073741823")  # space freed
            inbox._conn.execute("PRAGMA max_page_count=1073741823")
            await emulator.send_text(chat, "2")
            reply = (await emulator.wait_for_messages(chat, before + 4, timeout=15))[-1]
            assert "1.8" in reply["text"] or "cycle" not in reply["text"].lower()
        session = store.load(chat)
        assert session is not None and "1.8" in str(session["draft"])
    finally:
        store.close()
        inbox.close()


def test_the_readiness_check_notices_a_deleted_wal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GET /readyz asks the store (bot/app.py `_store_answers`): a -wal deleted while the bot is
    idle is rewritten then, before any crash, not only at the next write."""
    from bot.app import _store_answers

    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, dt.timedelta(hours=12))
    store.save(1, {"answer": 1})
    Path(f"{path}-wal").unlink()
    with caplog.at_level(logging.WARNING):
        _store_answers(store)
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    other = SessionStore(path, dt.timedelta(hours=12))
    assert other.load(1) == {"answer": 1}
    other.close()
    store.close()
