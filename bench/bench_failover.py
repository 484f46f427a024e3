"""The PostgreSQL backend and failover (bot/pg_store.py, bot/failover.py), measured with the
installed `besponsa-bot telegram` processes against the Bot API emulator and a throwaway
PostgreSQL (tests/pg_server.py, fsync on: as in production):

- takeover: two processes share one database; the active one is SIGKILLed and a message is
  waiting at that moment: the seconds from the kill to the standby's first answer to it;
- each backend at Telegram's ceiling: 30 updates/s from 60 chats (each chat's guided dialog, a
  message every 2 s) for `seconds`, one process on SQLite, then one on PostgreSQL, interleaved
  over `rounds`: the latency from the update being queued to its first answer (median, p95), and
  the CPU per update of the bot process and, for PostgreSQL, of its server's processes.

Medians over the rounds. Run from the repository root:
.venv/bin/python bench/bench_failover.py [rounds] [seconds] [takeovers]
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/pg_server.py

from botapi_emulator.emulator import BotApiEmulator
from tests.pg_server import PgCluster, start_cluster
from tests.test_bot_process import COMMAND, GUIDED, environment_without_settings

RATE = 30.0
CHATS = 60
ACTIVE, STANDBY = "active: this process polls", "standing by for the lock"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(cluster: PgCluster) -> float:
    """User + system seconds of the postmaster's children that are alive now (the bot's
    backends among them), plus the postmaster's own."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def start_bot(emulator: BotApiEmulator, log: Path, **env: str) -> asyncio.subprocess.Process:
    environment = {
        **environment_without_settings(),
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        **env,
    }
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            COMMAND, "telegram", env=environment, stdout=out, stderr=out
        )


async def until(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.002)


async def at_rate(emulator: BotApiEmulator, seconds: float) -> tuple[list[float], int]:
    """Updates at RATE per second for `seconds`; the latency of each to its first answer."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    waiters = []
    count = int(RATE * seconds)
    start = loop.time()
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / RATE - loop.time()))
        chat = 20_000 + n % CHATS
        text = GUIDED[(n // CHATS) % len(GUIDED)]
        before = len(emulator.sent(chat))
        queued = loop.time()
        await emulator.send_text(chat, text)

        async def answered(chat: int = chat, before: int = before, queued: float = queued) -> None:
            await until(lambda: len(emulator.sent(chat)) > before, 60)
            latencies.append(loop.time() - queued)

        waiters.append(asyncio.create_task(answered()))
    await asyncio.gather(*waiters)
    return latencies, count


async def backend_round(
    backend: str, cluster: PgCluster, folder: Path, seconds: float
) -> dict[str, float]:
    async with BotApiEmulator() as emulator:
        env = {"BOT_DB_PATH": str(folder / f"{backend}-{time.time_ns()}.sqlite3")}
        if backend == "postgresql":
            env["BOT_DB_URL"] = cluster.database()
        log = folder / f"{backend}.log"
        bot = await start_bot(emulator, log, **env)
        try:
            await until(lambda: emulator.calls_to("getUpdates"))
            await at_rate(emulator, 2.0)  # warm: handlers loaded, connections open
            await emulator.wait_idle(0.5, timeout=60)
            cpu, server = cpu_seconds(bot.pid), server_cpu(cluster)
            latencies, count = await at_rate(emulator, seconds)
            await emulator.wait_idle(0.3, timeout=60)
            cpu, server = cpu_seconds(bot.pid) - cpu, server_cpu(cluster) - server
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
    ordered = sorted(latencies)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "bot_cpu_ms": cpu / count * 1000,
        "server_cpu_ms": server / count * 1000 if backend == "postgresql" else 0.0,
    }


async def takeovers(cluster: PgCluster, folder: Path, count: int) -> list[float]:
    """Seconds from SIGKILL of the active process to the standby's first answer."""
    url = cluster.database()
    times: list[float] = []
    async with BotApiEmulator() as emulator:
        logs = [folder / "a.log", folder / "b.log"]
        bots = []
        for log in logs:
            bots.append(await start_bot(emulator, log, BOT_DB_URL=url))
            await until(
                lambda log=log: (
                    log.exists() and ("active:" in log.read_text() or STANDBY in log.read_text())
                )
            )
        chat = 30_000
        for n in range(count):
            active = next(i for i, log in enumerate(logs) if log.read_text().count("active:") > 0)
            await emulator.send_text(chat, "/start")
            await emulator.wait_idle(0.5, timeout=60)
            await asyncio.sleep(1.0)  # the standby is waiting on the lock, its handlers loaded
            before = len(emulator.sent(chat))
            bots[active].send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await bots[active].wait()
            await emulator.send_text(chat, "1.8")
            await until(lambda before=before: len(emulator.sent(chat)) > before, 60)
            times.append(time.monotonic() - killed)
            logs[active].write_text("")  # its next start logs afresh
            bots[active] = await start_bot(emulator, logs[active], BOT_DB_URL=url)
            await until(lambda a=active: STANDBY in logs[a].read_text())
            print(f"  takeover {n + 1}: {times[-1] * 1000:.0f} ms", flush=True)
        for bot in bots:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
    return times


async def main(rounds: int, seconds: float, takeover_count: int) -> None:
    cluster = start_cluster()
    try:
        cluster.stop()
        cluster.restart(fsync=True)
        with tempfile.TemporaryDirectory() as folder:
            results: dict[str, list[dict[str, float]]] = {"sqlite": [], "postgresql": []}
            for round_number in range(rounds):
                for backend in ("sqlite", "postgresql"):
                    result = await backend_round(backend, cluster, Path(folder), seconds)
                    results[backend].append(result)
                    print(f"round {round_number + 1} {backend}: {result}", flush=True)
            print(f"\n{RATE:.0f} updates/s, {seconds:.0f} s, medians of {rounds} rounds:")
            print("backend      latency median  p95      bot CPU/update  server CPU/update")
            for backend, runs in results.items():
                figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                print(
                    f"{backend:<12} {figures['median_ms']:>8.1f} ms  {figures['p95_ms']:>6.1f} ms"
                    f"  {figures['bot_cpu_ms']:>8.2f} ms     {figures['server_cpu_ms']:>8.2f} ms"
                )
            times = await takeovers(cluster, Path(folder), takeover_count)
            print(
                f"\ntakeover (SIGKILL to the standby's first answer), {len(times)} kills: "
                f"median {statistics.median(times) * 1000:.0f} ms, "
                f"max {max(times) * 1000:.0f} ms"
            )
    finally:
        cluster.close()


if __name__ == "__main__":
    arguments = [float(value) for value in sys.argv[1:]]
    rounds, seconds, count = (arguments + [3, 10, 5][len(arguments) :])[:3]
    asyncio.run(main(int(rounds), seconds, int(count)))
