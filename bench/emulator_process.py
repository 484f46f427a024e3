"""The Bot API emulator in a process of its own, for benchmarks: the bot's process then pays
only for the bot. It queues `count` text messages (one per chat), prints its port, and prints
the seconds from the first getUpdates to the `count`-th sendMessage, then exits.

Run by bench/bench_bot.py: python bench/emulator_process.py COUNT TEXT
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.botapi_emulator import BotApiEmulator


async def main(count: int, text: str) -> None:
    async with BotApiEmulator() as emulator:
        for index in range(count):
            await emulator.send_text(10_000 + index, text)
        print(emulator.port, flush=True)
        await emulator.wait_for(lambda: emulator.calls_to("getUpdates"), timeout=120)
        started = time.perf_counter()
        sent = 0
        while sent < count:
            await asyncio.sleep(0.005)
            sent = sum(
                record.method == "sendMessage" for record in emulator.calls_to("sendMessage")
            )
        print(f"{time.perf_counter() - started:.6f}", flush=True)
        await asyncio.sleep(0.5)  # let the bot's last requests finish before closing


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
