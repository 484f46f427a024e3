"""What the polling bot imports before its first getUpdates, in layers, without importtime's own
overhead (which inflates every figure by a third or more on this machine): each round is a fresh
process that imports the layers below one after the other and times each; the median round's
figure of each layer is shown. A layer's figure is what it adds to the layers above it, so the
order is the order in which the bot first needs them.

`python -X importtime` says which module inside a layer costs what; this says what a layer is
worth in wall time. Run from the repository root: .venv/bin/python bench/import_costs.py [rounds]
"""

from __future__ import annotations

import json
import subprocess
import sys

#: (layer, the modules it imports); the minimal PTB bot pays for the first layer too.
LAYERS: list[tuple[str, list[str]]] = [
    ("python-telegram-bot (the minimal bot imports it too)", ["telegram.ext"]),
    ("aiohttp client (bot/transport.py)", ["aiohttp"]),
    ("pydantic (rules/models.py, dialogs/draft.py, bot/config.py)", ["pydantic"]),
    ("Babel and locales/", ["locales"]),
    ("rules/ (engine, models, labels)", ["rules"]),
    ("dialogs/ (dialog, machine, steps, render)", ["dialogs.dialog", "dialogs.render"]),
    ("icalendar (bot/cards.py, the Calendar button)", ["icalendar"]),
    ("bot/ and what is left (bot.app)", ["bot.app"]),
]

_ROUND = """
import json, sys, time
times = []
for modules in json.loads(sys.argv[1]):
    started, cpu = time.perf_counter(), time.process_time()
    for module in modules:
        __import__(module)
    times.append((time.perf_counter() - started, time.process_time() - cpu))
print(json.dumps(times))
"""


def one_round() -> list[tuple[float, float]]:
    layers = json.dumps([modules for _, modules in LAYERS])
    done = subprocess.run(
        [sys.executable, "-c", _ROUND, layers], capture_output=True, text=True, check=True
    )
    return [(wall, cpu) for wall, cpu in json.loads(done.stdout)]


def main(rounds: int) -> None:
    runs = [one_round() for _ in range(rounds)]
    middle = rounds // 2
    print("wall ms (range)        CPU ms  layer")
    for index, (name, _) in enumerate(LAYERS):
        walls = sorted(run[index][0] * 1000 for run in runs)
        cpu = sorted(run[index][1] * 1000 for run in runs)[middle]
        print(f"{walls[middle]:6.0f} ({walls[0]:4.0f}–{walls[-1]:4.0f})  {cpu:6.0f}  {name}")
    walls = sorted(sum(wall for wall, _ in run) * 1000 for run in runs)
    cpu = sorted(sum(cpu for _, cpu in run) * 1000 for run in runs)[middle]
    print(
        f"{walls[middle]:6.0f} ({walls[0]:4.0f}–{walls[-1]:4.0f})  {cpu:6.0f}  all ({rounds} runs)"
    )


if __name__ == "__main__":
    main(int(*sys.argv[1:2] or [7]))
