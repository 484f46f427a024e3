"""Several `besponsa-bot telegram` processes of one token on one PostgreSQL database, against the
Bot API emulator: exactly one polls, and when it is killed (SIGKILL) a standby takes over with
the shared inbox and state (bot/failover.py, bot/pg_store.py). Nothing acknowledged is lost,
nothing applied twice, every chat's order kept; a receipt made through one process is checked
through another. Also the one test of this suite with fsync on: what the inbox committed
survives the database server's own crash."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import re
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from botapi_emulator.emulator import BotApiEmulator
from tests.pg_server import free_port
from tests.test_bot_process import COMMAND, GUIDED, environment_without_settings

ACTIVE, STANDBY = "active: this process polls", "standing by for the lock"
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


class Replica:
    """One `besponsa-bot telegram` process with BOT_DB_URL; each start logs to a new file."""

    def __init__(self, emulator: BotApiEmulator, url: str, folder: Path, name: str) -> None:
        self.emulator, self.url, self.folder, self.name = emulator, url, folder, name
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.log = folder / f"{name}.log"

    async def start(self) -> None:
        self.starts += 1
        self.log = self.folder / f"{self.name}-{self.starts}.log"
        env = {
            **environment_without_settings(),
            "TELEGRAM_BOT_TOKEN": self.emulator.token,
            "TELEGRAM_API_BASE_URL": self.emulator.base_url,
            "BOT_DB_URL": self.url,
            "BOT_DB_PATH": str(self.folder / f"{self.name}.sqlite3"),  # never written
            "LOG_LEVEL": "DEBUG",
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                COMMAND, "telegram", env=env, stdout=log, stderr=log
            )

    def says(self, text: str) -> bool:
        return self.log.exists() and text in self.log.read_text(encoding="utf-8")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@pytest.fixture
async def replicas(
    emulator: BotApiEmulator, pg_url: str, tmp_path: Path
) -> AsyncIterator[Callable[[int], asyncio.Future[list[Replica]]]]:
    started: list[Replica] = []

    async def start(count: int) -> list[Replica]:
        """`count` processes: the first becomes active before the others start."""
        for number in range(count):
            replica = Replica(emulator, pg_url, tmp_path, f"bot{number}")
            started.append(replica)
            await replica.start()
            role = ACTIVE if number == 0 else STANDBY
            await until(lambda r=replica, role=role: r.says(role))
        return list(started)

    yield start  # type: ignore[misc]
    for replica in started:
        await replica.stop()


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def active(replicas: list[Replica]) -> list[Replica]:
    return [r for r in replicas if r.alive and r.says(ACTIVE)]


def transcript(emulator: BotApiEmulator, chat: int, start: int = 0) -> list[str]:
    """The chat's messages, a receipt code replaced by one word, and a message repeated at once
    counted once: after a takeover the last message of an answer that may not have been sent is
    sent again (bot/polling.py), and a partly sent answer is sent in full."""
    texts = [CODE.sub("CODE", m["text"]) for m in emulator.sent(chat)[start:]]
    return [text for n, text in enumerate(texts) if n == 0 or text != texts[n - 1]]


async def test_the_active_process_killed_three_times_under_load_loses_and_doubles_nothing(
    emulator: BotApiEmulator, replicas: Callable[[int], asyncio.Future[list[Replica]]]
) -> None:
    """20 chats each send the whole guided dialog at once, round after round; in each round the
    active process is SIGKILLed at a random moment and a standby takes over (the killed one is
    started again as a standby). Every chat's transcript must be the one a chat that saw no kill
    got: an update lost, applied twice or out of its chat's order changes the dialog."""
    processes = await replicas(3)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    reference = 9000
    for text in GUIDED:
        await emulator.send_text(reference, text)
    await emulator.wait_for_messages(reference, len(GUIDED), timeout=60)
    await emulator.wait_idle(0.5, timeout=60)
    expected = transcript(emulator, reference)
    assert len(expected) >= len(GUIDED)
    kills = 0
    for _round in range(3):
        chats = list(range(9101 + 100 * _round, 9121 + 100 * _round))  # new chats each round
        before = {chat: len(emulator.sent(chat)) for chat in chats}
        for text in GUIDED:  # each chat's messages in order, all chats interleaved
            for chat in chats:
                await emulator.send_text(chat, text)
        await asyncio.sleep(rng.uniform(0.05, 0.8))
        (victim,) = active(processes)
        await victim.kill()
        kills += 1
        await until(lambda: len(active(processes)) == 1)
        await victim.start()  # back as a standby
        await until(lambda v=victim: v.says(STANDBY))

        def done(before: dict[int, int] = before, chats: list[int] = chats) -> bool:
            return all(
                transcript(emulator, chat, before[chat])[-1:] == expected[-1:] for chat in chats
            )

        await until(done, timeout=120)
        await emulator.wait_idle(0.5, timeout=60)
        for chat in chats:
            got = transcript(emulator, chat, before[chat])
            assert got == expected, (seed, _round, chat, got)
    assert kills == 3
    assert len(active(processes)) == 1, "exactly one process polls"
    for replica in processes:
        log = replica.log.read_text(encoding="utf-8")
        assert " failed: " not in log and "Traceback" not in log, replica.log


async def test_a_receipt_made_through_one_process_is_checked_through_another(
    emulator: BotApiEmulator, replicas: Callable[[int], asyncio.Future[list[Replica]]]
) -> None:
    processes = await replicas(2)
    first, second = 9901, 9902
    await emulator.send_text(first, "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87")
    card = await emulator.wait_for(
        lambda: next((m for m in emulator.sent(first) if CODE.search(m["text"])), None), 60
    )
    found = CODE.search(card["text"])
    assert found is not None
    await emulator.wait_idle(0.5, timeout=60)
    (made_by,) = active(processes)
    await made_by.kill()
    await until(lambda: len(active(processes)) == 1)
    assert active(processes)[0] is not made_by
    code = found.group(0)
    for text in (f"/verify {code}", "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87", "/plan"):
        before = len(emulator.sent(second))
        await emulator.send_text(second, text)
        await emulator.wait_for_messages(second, before + 1, timeout=60)
        await emulator.wait_idle(0.5, timeout=60)
    texts = [m["text"] for m in emulator.sent(second)]
    assert not any("No plan with the receipt code" in text for text in texts), texts
    assert any(
        text.startswith(f"✅ Match: your entry gives the same plan as receipt {code}")
        for text in texts
    ), texts


async def test_what_the_inbox_committed_survives_a_crash_of_the_database_server(
    pg_cluster: object,
) -> None:
    """The one test with fsync on: an update committed to the inbox is there after the server
    is stopped in `immediate` mode (no shutdown checkpoint: recovery replays the WAL)."""
    from bot.pg_store import PgInbox, PgSessionStore
    from tests.pg_server import PgCluster

    assert isinstance(pg_cluster, PgCluster)
    url = pg_cluster.database()
    pg_cluster.stop()
    pg_cluster.restart(fsync=True)
    try:
        store = PgSessionStore(url, ttl=dt.timedelta(hours=12))
        # The state is committed without waiting for the disk (bot/pg_store.py); the inbox's
        # commit waits, for the WAL up to it: the state saved before it is kept too.
        store.save(1, {"update_id": 76})
        PgInbox(store).put([{"update_id": 77, "message": {"text": "kept"}}])
        pg_cluster.stop("immediate")
        pg_cluster.restart(fsync=True)
        again = PgSessionStore(url, ttl=dt.timedelta(hours=12))
        assert PgInbox(again).waiting() == [{"update_id": 77, "message": {"text": "kept"}}]
        assert again.load(1) == {"update_id": 76}
        assert again.mark_update_seen(76) is False, "marked with the state it was saved with"
        again.close()
        store.close()
    finally:
        pg_cluster.stop()
        pg_cluster.restart()


def _message(update_id: int, chat: int, text: str) -> bytes:
    person = {"id": chat, "is_bot": False, "first_name": "Dr", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": 0,
        "text": text,
        "chat": {"id": chat, "type": "private", "first_name": "Dr"},
        "from": person,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_webhook_replicas_all_receive_and_the_active_one_handles_in_order(
    emulator: BotApiEmulator, pg_url: str, tmp_path: Path
) -> None:
    """Two replicas behind one address: each update goes to either (round robin), one at a time
    as Telegram sends with max_connections=1; the active replica is killed half-way and the
    other takes over. Every chat gets the transcript of a chat that saw no kill."""
    from tests.test_webhook import post, start_webhook_process, webhook_env

    ports = [free_port(), free_port()]
    chats = list(range(9301, 9311))
    reference = 9300
    for chat in [reference, *chats]:
        emulator.add_chat(chat)
    processes, logs = [], [tmp_path / "hook0.log", tmp_path / "hook1.log"]
    for number, port in enumerate(ports):
        env = {**webhook_env(emulator, tmp_path, port), "BOT_DB_URL": pg_url}
        processes.append(await start_webhook_process(emulator, env, logs[number]))
        role = ACTIVE if number == 0 else STANDBY
        await until(lambda n=number, role=role: role in logs[n].read_text(encoding="utf-8"))
    assert emulator.webhook is not None and emulator.webhook.get("max_connections") == 1
    update_id = 50_000
    alive = [0, 1]

    async def deliver(chat: int, text: str) -> None:
        nonlocal update_id
        update_id += 1
        port = ports[alive[update_id % len(alive)]]
        status = await post(f"http://127.0.0.1:{port}/hook", _message(update_id, chat, text))
        assert status == 200

    try:
        for text in GUIDED:
            await deliver(reference, text)
        await emulator.wait_for_messages(reference, len(GUIDED), timeout=60)
        await emulator.wait_idle(0.5, timeout=60)
        expected = transcript(emulator, reference)
        script = [(chat, text) for text in GUIDED for chat in chats]
        for number, (chat, text) in enumerate(script):
            if number == len(script) // 2:
                processes[0].send_signal(signal.SIGKILL)  # the active one
                await processes[0].wait()
                alive = [1]
            await deliver(chat, text)
        await until(lambda: ACTIVE in logs[1].read_text(encoding="utf-8"))

        def done() -> bool:
            return all(transcript(emulator, chat)[-1:] == expected[-1:] for chat in chats)

        await until(done, timeout=120)
        await emulator.wait_idle(0.5, timeout=60)
        for chat in chats:
            assert transcript(emulator, chat) == expected, chat
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 20)


async def test_one_leadership_at_a_time_and_a_lost_lock_is_noticed(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from bot import failover

    monkeypatch.setattr(failover, "_ROLE", ["single"])  # this process's role, restored after
    first, second = failover.Leadership(pg_url, "42"), failover.Leadership(pg_url, "42")
    other_bot = failover.Leadership(pg_url, "43")
    await first.acquire()
    assert failover.role() == "active"
    assert second._try() is False, "the same bot: one process at a time"
    assert other_bot._try() is True, "another bot's lock is its own"
    idle = first._conn.execute("SHOW tcp_keepalives_idle").fetchone()
    assert idle == ("10",), "a vanished host's lock is freed within seconds, not hours"
    first.release()
    await asyncio.wait_for(second.acquire(), 5)
    monkeypatch.setattr(failover, "CHECK_SECONDS", 0.0)
    second.check()  # still held
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'besponsa-bot lock' AND pid <> pg_backend_pid()"
        )
    with pytest.raises(failover.LeadershipLost):
        second.check()
    assert failover.role() == "standby"
    other_bot.release()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_process_that_loses_its_lock_exits_with_an_error_in_both_modes(
    emulator: BotApiEmulator, pg_url: str, tmp_path: Path, mode: str
) -> None:
    """The lock's connection cut (the database restarted, a network cut): the active process
    stops with exit status 1, so that its supervisor (Restart=on-failure, compose's
    restart policy) starts it again as a standby; a clean exit 0 would leave it stopped."""
    import psycopg

    log = tmp_path / f"{mode}.log"
    if mode == "polling":
        replica = Replica(emulator, pg_url, tmp_path, "bot")
        await replica.start()
        log = replica.log
        assert replica.process is not None
        process = replica.process
    else:
        from tests.test_webhook import start_webhook_process, webhook_env

        env = {**webhook_env(emulator, tmp_path, free_port()), "BOT_DB_URL": pg_url}
        process = await start_webhook_process(emulator, env, log)
    try:
        await until(lambda: ACTIVE in log.read_text(encoding="utf-8"))
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'besponsa-bot lock'"
            )
        await asyncio.wait_for(process.wait(), 60)  # the lock is checked every 5 s
        assert process.returncode == 1, log.read_text(encoding="utf-8")[-2000:]
        assert "stopped: " in log.read_text(encoding="utf-8")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
