"""The Bot API emulator in a process of its own, for benchmarks: the bot's process then pays
only for the bot. It queues a script of text messages for `chats` chats (round by round: every
chat's first message, then every chat's second...), prints its port, then prints the seconds
from the first getUpdates to the `sends`-th sendMessage and its own CPU seconds, and exits.

Run by bench/bench_bot.py: python bench/emulator_process.py CHATS SENDS TEXT [TEXT ...]
"""

from __future__ import annotations

import asyncio
import sys
import time

from botapi_emulator.emulator import BotApiEmulator

FIRST_CHAT = 10_000


async def main(chats: int, sends: int, script: list[str]) -> None:
    async with BotApiEmulator() as emulator:
        for text in script:
            for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
                await emulator.send_text(chat, text)
        print(emulator.port, flush=True)
        await emulator.wait_for(lambda: emulator.calls_to("getUpdates"), timeout=120)
        started, cpu = time.perf_counter(), time.process_time()
        while len(emulator.calls_to("sendMessage")) < sends:
            await asyncio.sleep(0.005)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{elapsed:.6f} {cpu:.6f}", flush=True)
        await asyncio.sleep(0.5)  # let the bot's last requests finish before closing


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]))
