"""The whole bot (Application + dialog + rules + SQLite) against a minimal echo bot on the same
python-telegram-bot Application, transport and update processor, in one run, with the local
Bot API emulator in a process of its own (so this process pays only for the bot); and the cold
start of the installed command against a minimal PTB bot (target ≤ 1.3×). The throughput
figures are context only: the old targets (≥ 1,000 updates/s, ≤ 1.5× the echo bot) are retired,
since Telegram's ceiling (about 30 updates/s) uses 13–15 % of one core; bench/bench_fairness.py
measures what matters at that ceiling.

Two workloads, each from many chats at once:
- guided dialog: /start, six typed answers and /plan per chat (eight updates, one plan), the way
  the bot is used on the ward;
- quick form: one message per chat that is answered with a whole plan, the dearest update.

An echo bot on PTB's defaults (httpx, one update at a time) is measured too, for reference.
Both bots run without AIORateLimiter: it paces sending to Telegram's own limit (about 30
messages per second), which would hide the cost of our code behind the same constant.

Run from the repository root: .venv/bin/python bench/bench_bot.py [updates per workload] [rounds]
Cold start only: .venv/bin/python bench/bench_bot.py cold [rounds] [round trip in ms] (each bot
starts 2 × rounds + 1 times, alternately; a /start is waiting at each start, so its first reply
is timed too; with a round trip, every Bot API answer comes that much later, as Telegram's do)
"""

from __future__ import annotations

import asyncio
import compileall
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, hand_over_sending, with_bot_api_stack
from bot.config import load_settings
from bot.keyboards import choices_keyboard
from bot.store import SessionStore
from botapi_emulator.emulator import TOKEN, BotApiEmulator
from dialogs.dialog import handle_text
from dialogs.machine import Conversation
from dialogs.render import Renderer
from tests.test_bot_process import environment_without_settings

App = Application[Any, Any, Any, Any, Any, Any]
WORKLOADS = {
    "guided dialog": ["/start", "1.8", "2", "CR", "no", "1.5", "80", "/normal"],
    "quick form": ["bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80"],
}


class Emulator:
    """Where the bot finds the emulator that runs in the other process."""

    token = TOKEN

    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def _builder(emulator: Emulator) -> Any:
    return (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
    )


def echo_bot_defaults(emulator: Emulator, _: Path) -> App:
    """PTB's defaults: httpx, one update at a time."""
    application: App = _builder(emulator).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def same_stack(emulator: Emulator) -> App:
    """The dosing bot's Application, transport and update processor, with no handlers."""
    builder = with_bot_api_stack(_builder(emulator)).post_init(hand_over_sending)
    application: App = builder.build()
    return application


def echo_bot(emulator: Emulator, _: Path) -> App:
    """The floor: the dosing bot's stack doing no work."""
    application = same_stack(emulator)
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def dosing_bot(emulator: Emulator, folder: Path) -> App:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_DB_PATH": str(folder / "bench.sqlite3"),
        }
    )
    store = SessionStore(settings.bot_db_path, ttl=settings.ttl)
    return build_application(settings, store, rate_limit=False)


def dosing_replies(script: list[str]) -> dict[str, list[tuple[str, Any]]]:
    """The dosing bot's messages (HTML, keyboard) for each message of `script`, as one chat
    gets them."""
    conversation, today = Conversation(), dt.date(2026, 11, 25)
    renderer, answers = Renderer("en", html=True), {}
    for text in script:
        replies = handle_text(conversation, text, today)
        answers[text] = [
            (renderer.reply(reply), choices_keyboard(reply.choices, reply.token, renderer))
            for reply in replies
        ]
    return answers


def dosing_sends(script: list[str]) -> int:
    """Messages the dosing bot sends one chat for `script`."""
    return sum(len(replies) for replies in dosing_replies(script).values())


def replay_bot(script: list[str]) -> Callable[[Emulator, Path], App]:
    """The dosing bot's messages sent on the echo bot's stack with no dialog, rules or store:
    what python-telegram-bot costs for those messages alone."""
    answers = dosing_replies(script)

    def build(emulator: Emulator, _: Path) -> App:
        async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message is not None and message.text is not None
            for html, markup in answers[message.text]:
                await message.get_bot().send_message(
                    message.chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup
                )

        application = same_stack(emulator)
        application.add_handler(MessageHandler(filters.TEXT, replay))
        return application

    return build


@dataclass
class Run:
    updates: int
    seconds: float
    cpu: float  # this process's CPU seconds over the run
    emulator_cpu: float

    def line(self, name: str) -> str:
        return (
            f"{name:<23} {self.seconds * 1000 / self.updates:5.2f} ms/update "
            f"{self.updates / self.seconds:7,.0f} updates/s   "
            f"CPU {self.cpu * 1000 / self.updates:4.2f} ms/update "
            f"(emulator {self.emulator_cpu * 1000 / self.updates:4.2f})"
        )


async def measure(
    build: Callable[[Any, Path], App], chats: int, script: list[str], sends: int
) -> Run:
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve().parent / "emulator_process.py"),
        str(chats),
        str(sends),
        *script,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    port = int(await server.stdout.readline())
    with tempfile.TemporaryDirectory() as folder:
        application = build(Emulator(port), Path(folder))
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        cpu = time.process_time()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        seconds, emulator_cpu = map(float, (await server.stdout.readline()).split())
        cpu = time.process_time() - cpu
        await application.updater.stop()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
    await server.wait()
    return Run(chats * len(script), seconds, cpu, emulator_cpu)


#: The first message waiting when a bot starts: in German, so that the dosing bot's first
#: reply also pays for reading a catalog (languages are loaded on first use).
FIRST_CHAT, FIRST_TEXT, FIRST_LANGUAGE = 4242, "/start", "de"


@dataclass
class ColdStart:
    polling: float  # seconds from process start to its first getUpdates
    reply: float  # seconds from process start to its first sendMessage (the waiting /start)
    cpu: float | None  # the bot's CPU seconds when its first getUpdates arrived (Linux only)
    reply_cpu: float | None  # and when its first sendMessage arrived


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` so far (/proc, 10 ms ticks), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def cold_start(*command: str, cwd: str | None = None, round_trip: float = 0.0) -> ColdStart:
    """Start `command` (a bot) with one message waiting; when did it poll, when did it answer.

    The times are the emulator's arrival times of the requests, not when this loop noticed."""
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator(round_trip=round_trip) as emulator:
            await emulator.send_text(FIRST_CHAT, FIRST_TEXT, language_code=FIRST_LANGUAGE)
            env = {
                **environment_without_settings(),
                "TELEGRAM_BOT_TOKEN": emulator.token,
                "TELEGRAM_API_BASE_URL": emulator.base_url,
                "BOT_DB_PATH": str(Path(folder) / "cold.sqlite3"),
                "LOG_LEVEL": "WARNING",
            }
            started = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                *command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            # CPU is read as soon as the getUpdates arrives; the bot may have begun on the
            # waiting update by then (a few ms, below the 10 ms tick).
            await emulator.wait_for(lambda: emulator.calls_to("getUpdates"), timeout=60)
            cpu = _cpu_seconds(process.pid)
            await emulator.wait_for(lambda: emulator.calls_to("sendMessage"), timeout=60)
            reply_cpu = _cpu_seconds(process.pid)
            polled = emulator.calls_to("getUpdates")[0].at
            replied = emulator.calls_to("sendMessage")[0].at
            process.terminate()
            await process.wait()
    return ColdStart(polled - started, replied - started, cpu, reply_cpu)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def compile_bytecode(folder: Path) -> None:
    """The bytecode of the project's packages, as an installed wheel has it (pip compiles at
    install). An editable install runs from the source tree, and where PYTHONDONTWRITEBYTECODE
    is set (this machine) no .pyc is ever written there: each start would compile every module
    of bot/, dialogs/, rules/ and locales/ again, about 150 ms that no deployed bot pays."""
    for package in ("bot", "dialogs", "rules", "locales"):
        if (folder / package).is_dir():
            compileall.compile_dir(folder / package, quiet=1)


async def cold_starts(rounds: int, baseline: str | None = None, round_trip: float = 0.0) -> None:
    """The dosing bot and a minimal PTB bot, started alternately; medians and their ratio.

    `round_trip`: seconds added to every Bot API answer. With `baseline` (BENCH_BASELINE: a
    checkout of another commit, e.g. from `git archive`), that checkout's bot is started in the
    same rounds too, as `python -m bot` in its folder."""
    ours = shutil.which("besponsa-bot", path=str(Path(sys.executable).parent))
    assert ours, "install the project first"
    minimal = str(Path(__file__).resolve().parent / "minimal_bot.py")
    bots: dict[str, tuple[tuple[str, ...], str | None]] = {
        "dosing bot": ((ours, "telegram"), None),
        "minimal PTB bot": ((sys.executable, minimal), None),
    }
    if baseline:  # another checkout's bot/, dialogs/, rules/ on this environment: before/after
        bots[f"dosing bot in {baseline}"] = ((sys.executable, "-m", "bot", "telegram"), baseline)
    for folder in {Path(__file__).resolve().parent.parent, *map(Path, filter(None, [baseline]))}:
        compile_bytecode(folder)
    starts: dict[str, list[ColdStart]] = {name: [] for name in bots}
    for _ in range(2 * rounds + 1):
        for name, (command, cwd) in bots.items():
            starts[name].append(await cold_start(*command, cwd=cwd, round_trip=round_trip))
    polling = {name: _median([run.polling for run in runs]) for name, runs in starts.items()}
    for name, runs in starts.items():
        reply = _median([run.reply for run in runs])
        first_update = _median([run.reply - run.polling for run in runs])
        spread = sorted(run.polling for run in runs)
        cpus = [run.cpu for run in runs if run.cpu is not None]
        cpu = f", CPU {_median(cpus):.2f} s" if cpus else ""
        reply_cpus = [run.reply_cpu for run in runs if run.reply_cpu is not None]
        reply_cpu = f", CPU {_median(reply_cpus):.2f} s" if reply_cpus else ""
        print(
            f"{name}: first getUpdates median {polling[name]:.2f} s "
            f"(range {spread[0]:.2f}–{spread[-1]:.2f}, {len(runs)} starts{cpu}); "
            f"first reply {reply:.2f} s{reply_cpu}, "
            f"of which the waiting update {first_update * 1000:.0f} ms"
        )
    minimal_runs = starts.pop("minimal PTB bot")
    for name, runs in starts.items():
        ratio = polling[name] / polling["minimal PTB bot"]
        ratios = sorted(
            run.polling / reference.polling
            for run, reference in zip(runs, minimal_runs, strict=True)
        )
        print(
            f"ratio {name} / minimal, first getUpdates: {ratio:.2f}× of the medians "
            f"(per round {ratios[0]:.2f}–{ratios[-1]:.2f}×; target ≤ 1.3×)"
        )
        cpus = [run.cpu for run in runs if run.cpu is not None]
        reference_cpus = [run.cpu for run in minimal_runs if run.cpu is not None]
        if cpus and reference_cpus:
            cpu_ratio = _median(cpus) / _median(reference_cpus)
            print(f"  CPU seconds to first getUpdates: {cpu_ratio:.2f}× (less moved by load)")


async def main(updates: int, rounds: int) -> None:
    """Every bot once per round, rounds interleaved; the median round of each is shown, since
    other work on a shared machine moves single runs by ±30 %."""
    for name, script in WORKLOADS.items():
        chats = max(updates // len(script), 1)
        print(f"{name}: {chats} chats × {len(script)} messages = {chats * len(script)} updates")
        bots = {
            "echo, PTB defaults": echo_bot_defaults,
            "echo, same stack": echo_bot,
            "our messages, no work": replay_bot(script),
            "dosing bot": dosing_bot,
        }
        echo_sends = chats * len(script)
        runs: dict[str, list[Run]] = {bot: [] for bot in bots}
        for _ in range(rounds):
            for bot, build in bots.items():
                sends = echo_sends if bot.startswith("echo") else chats * dosing_sends(script)
                runs[bot].append(await measure(build, chats, script, sends))
        for bot, done in runs.items():
            print(sorted(done, key=lambda run: run.seconds)[len(done) // 2].line(bot))
        median = {
            bot: sorted(run.seconds for run in done)[len(done) // 2] for bot, done in runs.items()
        }
        ratio = median["dosing bot"] / median["echo, same stack"]
        print(f"ratio dosing/echo (same stack): {ratio:.2f}× (target ≤ 1.5×)\n")
    await cold_starts(rounds)


if __name__ == "__main__":
    if sys.argv[1:2] == ["cold"]:
        given = [int(argument) for argument in sys.argv[2:4]]
        rounds = given[0] if given else 5
        round_trip_ms = given[1] if len(given) > 1 else 0
        baseline = os.environ.get("BENCH_BASELINE")
        asyncio.run(cold_starts(rounds, baseline, round_trip_ms / 1000))
        raise SystemExit
    arguments = [int(argument) for argument in sys.argv[1:]]
    asyncio.run(main(*arguments[:1] or [2000], *arguments[1:2] or [3]))
