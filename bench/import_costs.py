"""What the polling bot imports before its first getUpdates, in layers, without importtime's own
overhead (which inflates every figure by a third or more on this machine): each round is a fresh
process that imports the layers below one after the other and times each; the median round's
figure of each layer is shown. A layer's figure is what it adds to the layers above it, so the
order is the order in which the bot first needs them.

`python -X importtime` says which module inside a layer costs what; this says what a layer is
worth in wall time. Run from the repository root: .venv/bin/python bench/import_costs.py [rounds]
With BENCH_BASELINE=<another checkout> (e.g. from `git archive`), that checkout is measured in
the same rounds, alternately, and shown beside (its CPU ms).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench_bot import compile_bytecode

#: (layer, the modules it imports); the minimal PTB bot pays for the first layer too. The first
#: three are imported before the first getUpdates; the others by bot/app.py's post_init, in a
#: thread, while the bot connects.
LAYERS: list[tuple[str, list[str]]] = [
    ("python-telegram-bot (the minimal bot imports it too)", ["telegram.ext"]),
    ("pydantic, Babel and the settings (bot/config.py)", ["bot.config"]),
    ("the rest of the bot before it polls (bot/app.py)", ["bot.app"]),
    ("while connecting: aiohttp (bot/aiohttp_transport.py)", ["bot.aiohttp_transport"]),
    ("while connecting: rules/ (engine, models, labels)", ["rules.engine", "rules.labels"]),
    ("while connecting: dialogs/ (dialog, machine, steps, render)", ["dialogs.dialog"]),
    (
        "while connecting: the handlers (bot/handlers.py)",
        ["bot.handlers", "bot.command_menu", "bot.overflow"],
    ),
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


def one_round(cwd: str | None = None) -> list[tuple[float, float]]:
    layers = json.dumps([modules for _, modules in LAYERS])
    done = subprocess.run(
        [sys.executable, "-c", _ROUND, layers], cwd=cwd, capture_output=True, text=True, check=True
    )
    return [(wall, cpu) for wall, cpu in json.loads(done.stdout)]


Round = list[tuple[float, float]]


def _row(runs: list[Round], before: list[Round], pick: int | None) -> str:
    """Median wall (range) and CPU ms of one layer (`pick`) or of all, and the CPU before."""

    def total(run: Round, what: int) -> float:
        chosen = run if pick is None else [run[pick]]
        return sum(times[what] for times in chosen) * 1000

    walls = sorted(total(run, 0) for run in runs)
    middle = len(runs) // 2
    row = f"{walls[middle]:6.0f} ({walls[0]:4.0f}–{walls[-1]:4.0f})"
    row += f"  {sorted(total(run, 1) for run in runs)[middle]:6.0f}"
    if before:
        row += f"  {sorted(total(run, 1) for run in before)[middle]:6.0f}"
    return row


def main(rounds: int, baseline: str | None) -> None:
    # From bytecode, as a wheel install imports them (bench_bot.compile_bytecode says why).
    for folder in (Path(__file__).resolve().parent.parent, *map(Path, filter(None, [baseline]))):
        compile_bytecode(folder)
    runs: list[Round] = []
    before: list[Round] = []
    for _ in range(rounds):
        runs.append(one_round())
        if baseline:
            before.append(one_round(baseline))
    print("wall ms (range)        CPU ms" + ("  before" if baseline else "") + "  layer")
    for index, (name, _) in enumerate(LAYERS):
        print(f"{_row(runs, before, index)}  {name}")
    print(f"{_row(runs, before, None)}  all ({rounds} runs)")


if __name__ == "__main__":
    main(int(*sys.argv[1:2] or [7]), os.environ.get("BENCH_BASELINE"))
