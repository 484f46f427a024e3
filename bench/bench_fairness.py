"""Does one clinician's burst slow the others? The other chats' reply latency, side by side in
one run: with no disturbance, with one chat flooding the bot (100 quick messages at once), and
with one chat whose sends are slow. Target: with a flood, the others' p99 within 1.5× of their
p99 without it.

Traffic as on the ward at Telegram's ceiling: 30 chats, each sending the guided dialog at one
message a second (30 updates/s in all), and 50 ms added to every Bot API answer (a round trip
to Telegram). The bot is the production one (`build_application`, ConfirmingPoller from
bot/polling.py), without AIORateLimiter: its pacing to about 30 messages a second per bot would
measure Telegram's limit, not the bot. The emulator runs in a process of its own and measures
latency as a clinician sees it: from the message entering the emulator to the bot's first
sendMessage to that chat.

Scenarios run once per round, rounds interleaved; each figure is the median over rounds, since
other work on a shared machine moves single runs by ±30 %.

Run from the repository root: .venv/bin/python bench/bench_fairness.py [seconds] [rounds]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from botapi_emulator.emulator import BotApiEmulator

CHATS = 30
RATE = 30.0  # updates per second from the 30 chats together
ROUND_TRIP = 0.05
FLOOD = 100
SLOW_SEND = 2.0  # seconds each sendMessage to the slow chat takes
FLOOD_CHAT, SLOW_CHAT, FIRST_CHAT = 9_001, 9_002, 10_000
SCRIPT = ["/start", "1.8", "2", "CR", "no", "1.5", "80", "/normal"]
SCENARIOS = ("alone", "flood", "slow chat")


class SlowNetworkEmulator(BotApiEmulator):
    """Every answer ROUND_TRIP later; sendMessage to SLOW_CHAT SLOW_SEND later still."""

    def __init__(self) -> None:
        super().__init__(round_trip=ROUND_TRIP)

    async def _run(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = await super()._run(method, params)
        if method == "sendMessage" and params.get("chat_id") == SLOW_CHAT:
            await asyncio.sleep(SLOW_SEND)
        return answer


async def emulate(scenario: str, seconds: float) -> None:
    """The emulator process: prints its port, plays the traffic, prints the latencies (s)."""
    async with SlowNetworkEmulator() as emulator:
        print(emulator.port, flush=True)
        await emulator.wait_for(lambda: emulator.calls_to("getUpdates"), timeout=60)
        sent: list[tuple[int, float]] = []  # (chat, monotonic time) of the other chats' messages
        start = time.monotonic() + 0.2
        count = int(seconds * RATE)
        for index in range(count):
            await asyncio.sleep(max(0.0, start + index / RATE - time.monotonic()))
            chat = FIRST_CHAT + index % CHATS
            await emulator.send_text(chat, SCRIPT[(index // CHATS) % len(SCRIPT)])
            sent.append((chat, time.monotonic()))
            if index == int(RATE) and scenario == "flood":
                for _ in range(FLOOD):
                    await emulator.send_text(FLOOD_CHAT, "1.8")
            if index % CHATS == 0 and scenario == "slow chat":
                await emulator.send_text(SLOW_CHAT, SCRIPT[(index // CHATS) % len(SCRIPT)])
        latencies = await _latencies(emulator, sent)
        print(json.dumps(latencies), flush=True)
        await asyncio.sleep(0.5)


async def _latencies(emulator: BotApiEmulator, sent: list[tuple[int, float]]) -> list[float]:
    def answers() -> dict[int, list[float]]:
        times: dict[int, list[float]] = {}
        for record in emulator.calls_to("sendMessage"):
            times.setdefault(record.params.get("chat_id", 0), []).append(record.at)
        return times

    def latencies() -> list[float] | None:
        times, result = answers(), []
        for chat, at in sent:
            later = [t for t in times.get(chat, []) if t >= at]
            if not later:
                return None
            result.append(min(later) - at)
        return result

    deadline = time.monotonic() + 60
    while (found := latencies()) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert found is not None, "some messages of the other chats were never answered"
    return found


async def measure(scenario: str, seconds: float) -> tuple[list[float], float]:
    """The other chats' reply latencies (s), and the bot's CPU meanwhile as a share of one core."""
    from bot.app import build_application
    from bot.config import load_settings
    from bot.inbox import Inbox
    from bot.polling import confirming_polling
    from bot.store import SessionStore

    server = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--emulator",
        scenario,
        str(seconds),
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    port = int(await server.stdout.readline())
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": BotApiEmulator().token,
                "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
                "BOT_DB_PATH": str(Path(folder) / "fair.sqlite3"),
            }
        )
        store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
        application = build_application(settings, store, rate_limit=False)
        inbox = Inbox(Path(folder) / "fair.inbox")
        async with confirming_polling(application, inbox, timeout=1):
            started, cpu = time.monotonic(), time.process_time()
            latencies: list[float] = json.loads(await server.stdout.readline())
            share = (time.process_time() - cpu) / (time.monotonic() - started)
        store.close()
        inbox.close()
    await server.wait()
    return latencies, share


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


async def main(seconds: float, rounds: int) -> None:
    print(
        f"{CHATS} chats at {RATE:.0f} updates/s for {seconds:.0f} s, +{ROUND_TRIP * 1000:.0f} ms "
        f"per Bot API answer; flood: {FLOOD} messages at once; slow chat: +{SLOW_SEND:.0f} s "
        f"per send; {rounds} interleaved rounds, medians"
    )
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in SCENARIOS}
    shares: dict[str, list[float]] = {name: [] for name in SCENARIOS}
    for _ in range(rounds):
        for scenario in SCENARIOS:
            latencies, share = await measure(scenario, seconds)
            results[scenario].append(percentiles(latencies))
            shares[scenario].append(share)
    median = {
        name: tuple(statistics.median(run[i] for run in runs) for i in range(3))
        for name, runs in results.items()
    }
    print(f"{'other chats':<12} {'p50':>8} {'p95':>8} {'p99':>8}  p99 / alone  bot CPU")
    for name, (p50, p95, p99) in median.items():
        ratio = p99 / median["alone"][2]
        core = statistics.median(shares[name]) * 100
        print(
            f"{name:<12} {p50 * 1000:6.0f}ms {p95 * 1000:6.0f}ms {p99 * 1000:6.0f}ms  {ratio:.2f}×"
            f"        {core:3.0f} % of a core"
        )
    flood = median["flood"][2] / median["alone"][2]
    print(f"flood p99 / alone p99: {flood:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--emulator"]:
        asyncio.run(emulate(sys.argv[2], float(sys.argv[3])))
    else:
        arguments = [float(argument) for argument in sys.argv[1:]]
        asyncio.run(main(*arguments[:1] or [10.0], int(*arguments[1:2] or [3])))
