"""Storage faults with the real bot: a database locked by another process, unwritable or
read-only, corrupted at start, deleted while the bot runs. Each gets one clear log line and a
clear answer to the clinician in their language; the bot keeps running (no exit for systemd to
restart in a loop) and nothing already saved is lost."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot import texts
from botapi_emulator.emulator import BotApiEmulator
from dialogs.render import Renderer
from tests.test_bot_process import CHAT, BotProcess, untimed

#: Another process holds the database: "exclusive" (no one can even open it; possible only
#: while no other connection is open) or "write" (the write lock of WAL mode; readers go on).
LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA busy_timeout=10000")
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO preferences VALUES (-1, 'xx')")
print("locked", flush=True)
sys.stdin.read()
"""


def said(key: str, lang: str) -> str:
    """What the bot sends for `key` in `lang` (HTML, as the emulator stores it)."""
    return Renderer(lang, html=True).text(key)


async def turn(emulator: BotApiEmulator, text: str, lang: str = "en") -> list[str]:
    before = len(emulator.sent(CHAT))
    await emulator.send_text(CHAT, text, language_code=lang)
    await emulator.wait_for_messages(CHAT, before + 1, timeout=20)
    await emulator.wait_idle(0.3, timeout=20)
    return [message["text"] for message in emulator.sent(CHAT)[before:]]


#: A body surface area typed in these tests, looked for in the logs without their time stamps.
BSA = "1.987"


def assert_clear_log(log: str) -> None:
    assert "Traceback" not in log and BSA not in untimed(log)


@contextlib.asynccontextmanager
async def locked_by_another_process(db: Path, mode: str = "write") -> AsyncIterator[None]:
    locker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LOCKER,
        str(db),
        mode,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert locker.stdin is not None and locker.stdout is not None
    try:
        assert (await asyncio.wait_for(locker.stdout.readline(), 20)).strip() == b"locked"
        yield
    finally:
        locker.stdin.close()  # the locker ends without committing
        await locker.wait()


@pytest.fixture
async def launch(emulator: BotApiEmulator) -> AsyncIterator[Callable[[Path, Path], BotProcess]]:
    """BotProcess objects for `db` and `log`; whatever still runs is stopped at the end."""
    made: list[BotProcess] = []

    def make(db: Path, log: Path) -> BotProcess:
        made.append(BotProcess(emulator, db, log))
        return made[-1]

    yield make
    for bot in made:
        if bot.process is not None and bot.process.returncode is None:
            await bot.stop()


@pytest.fixture
def process(launch: Callable[[Path, Path], BotProcess], tmp_path: Path) -> BotProcess:
    return launch(tmp_path / "state.sqlite3", tmp_path / "bot.log")


async def test_locked_by_another_process_at_start_the_bot_answers_busy_then_recovers(
    emulator: BotApiEmulator, process: BotProcess
) -> None:
    await process.start()
    await turn(emulator, BSA)
    await process.stop()
    async with locked_by_another_process(process.db, "exclusive"):
        await process.start()  # used to exit with 2, and systemd restarted it in a loop
        replies = await turn(emulator, "2", lang="de")
        assert replies == [said(texts.UNAVAILABLE, "de")]
    replies = await turn(emulator, "2")
    assert any("Response so far" in text for text in replies), "the saved BSA was kept"
    assert process.process is not None and process.process.returncode is None
    await process.stop()
    log = process.log.read_text()
    assert log.count("state database unavailable at start (database is locked)") == 1
    assert "not processed: database is locked" in log
    assert_clear_log(log)


async def test_locked_while_running_the_bot_answers_busy_and_keeps_the_answers(
    emulator: BotApiEmulator, process: BotProcess
) -> None:
    await process.start()
    await turn(emulator, BSA)
    async with locked_by_another_process(process.db):
        assert await turn(emulator, "2", lang="fr") == [said(texts.UNAVAILABLE, "fr")]
    replies = await turn(emulator, "2")
    assert any("Response so far" in text for text in replies)
    await process.stop()
    assert_clear_log(process.log.read_text())


async def test_a_database_corrupted_before_start_is_set_aside_and_the_bot_answers(
    emulator: BotApiEmulator, process: BotProcess
) -> None:
    garbage = b"not a database \x00\xff" * 300
    process.db.write_bytes(garbage)
    await process.start()
    replies = await turn(emulator, "/start")
    assert any("Besponsa" in text for text in replies)
    [aside] = [
        path
        for path in process.db.parent.glob("state.sqlite3.corrupt-*")
        if not path.name.endswith(("-wal", "-shm"))
    ]
    assert aside.read_bytes() == garbage, "the damaged file is kept as it was, not overwritten"
    await process.stop()
    log = process.log.read_text()
    assert log.count("state database unreadable") == 1
    assert_clear_log(log)


async def test_a_database_deleted_while_running_is_rewritten_and_nothing_is_lost(
    emulator: BotApiEmulator, process: BotProcess
) -> None:
    await process.start()
    await turn(emulator, BSA)
    await turn(emulator, "2")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{process.db}{suffix}").unlink(missing_ok=True)
    replies = await turn(emulator, "CR")
    assert any("transplant" in text for text in replies), "BSA and cycle were kept"
    assert process.db.exists()
    await process.stop()
    await process.start()  # and what was rewritten is on disk: a restart continues
    replies = await turn(emulator, "no")
    assert not any(said(texts.STORAGE_FAILED, "en") in text for text in replies)
    assert not any("Body surface area" in text for text in replies), "not back to the start"
    await process.stop()
    log = process.log.read_text()
    assert log.count("deleted or replaced while running") == 1
    assert_clear_log(log)


async def test_an_unwritable_path_at_start_answers_storage_failed_and_keeps_running(
    emulator: BotApiEmulator, tmp_path: Path, launch: Callable[[Path, Path], BotProcess]
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    process = launch(blocker / "state.sqlite3", tmp_path / "bot.log")
    await process.start()
    assert await turn(emulator, "/start", lang="es") == [said(texts.STORAGE_FAILED, "es")]
    assert await turn(emulator, "/forget", lang="es") == [said(texts.STORAGE_FAILED, "es")]
    assert process.process is not None and process.process.returncode is None
    await process.stop()
    log = process.log.read_text()
    assert log.count("state database unavailable at start (cannot create the state directory") == 1
    assert_clear_log(log)


@contextlib.contextmanager
def read_only_bind_mount(source: Path, target: Path) -> Iterator[None]:
    target.mkdir()
    try:
        subprocess.run(
            ["mount", "--bind", str(source), str(target)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs permission to mount (root with CAP_SYS_ADMIN)")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], check=True, capture_output=True
        )
        yield
    finally:
        subprocess.run(["umount", str(target)], check=False, capture_output=True)


async def test_a_read_only_database_answers_storage_failed_and_is_left_intact(
    emulator: BotApiEmulator, tmp_path: Path, launch: Callable[[Path, Path], BotProcess]
) -> None:
    source = tmp_path / "state"
    source.mkdir()
    first = launch(source / "state.sqlite3", tmp_path / "first.log")
    await first.start()
    await turn(emulator, BSA)
    await first.stop()
    saved = (source / "state.sqlite3").read_bytes()
    with read_only_bind_mount(source, tmp_path / "ro"):
        process = launch(tmp_path / "ro" / "state.sqlite3", tmp_path / "bot.log")
        await process.start()
        try:
            assert await turn(emulator, "2", lang="it") == [said(texts.STORAGE_FAILED, "it")]
            assert process.process is not None and process.process.returncode is None
        finally:
            await process.stop()  # before the mount goes
    assert (source / "state.sqlite3").read_bytes() == saved
    log = process.log.read_text()
    assert log.count("state database unavailable at start") == 1
    assert_clear_log(log)
    again = launch(source / "state.sqlite3", tmp_path / "again.log")
    await again.start()
    replies = await turn(emulator, "2")
    assert any("Response so far" in text for text in replies), "the saved BSA was kept"
    await again.stop()


async def test_a_database_that_turns_read_only_while_running(
    emulator: BotApiEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A disk remounted read-only under the bot (SQLite refuses every write, as query_only
    makes it): the clinician is told nothing was saved, /forget does not claim an erasure,
    and once writes work again the dialog continues where it was."""
    from tests.test_bot_e2e import start_bot, stop_bot

    started = await start_bot(emulator, tmp_path / "state.sqlite3")
    _, store = started
    try:
        await turn(emulator, BSA)
        store._file.conn.execute("PRAGMA query_only=ON")
        assert await turn(emulator, "2", lang="ru") == [said(texts.STORAGE_FAILED, "ru")]
        assert await turn(emulator, "/forget", lang="ru") == [said(texts.STORAGE_FAILED, "ru")]
        store._file.conn.execute("PRAGMA query_only=OFF")
        replies = await turn(emulator, "2")
        assert any("Response so far" in text for text in replies), "the saved BSA was kept"
    finally:
        await stop_bot(started)
    assert "not processed: database error (SQLITE_READONLY)" in caplog.text
    assert "Traceback" not in caplog.text
