"""What `besponsa-bot telegram` (polling) has imported when it starts polling: nothing that only
another mode, another command or a later button needs (BENCHMARKS.md, cold start).

Every start pays for what is imported before its first getUpdates, so these modules are
imported late, where they are used. The check is on `sys.modules` in a fresh process, not on a
timing (timings are in bench/ and BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_bot_process import environment_without_settings

#: Module → why the polling bot must start without it (and where it is imported instead).
LATE: dict[str, str] = {
    "aiohttp": "sends the answers, imported while the bot connects; and the webhook server",
    "bot.webhook": "webhook mode only (bot/app.py, run_telegram)",
    "pydantic_settings": "bot/config.py reads the environment itself",
    "pydantic": "the rules' models: imported with the handlers; bot/config.py does not use it",
    "dotenv": "no .env file is read (it came with pydantic_settings)",
    "bot.plan_command": "the JSON `plan` command only (bot/__main__.py)",
    "bot.console": "the terminal chat only (bot/__main__.py)",
    "babel.messages": "compiles a stale .po only (locales.compile_catalog)",
    "icalendar": "the Calendar button only (bot/cards.py, calendar_file)",
    "psycopg": "PostgreSQL only, when BOT_DB_URL names it (bot/storage.py, open_storage)",
    "bot.pg_store": "PostgreSQL only, when BOT_DB_URL names it (bot/storage.py, open_storage)",
    # Imported in a thread while the bot starts and connects (bot/app.py):
    "bot.handlers": "the handlers: imported while the bot connects",
    "bot.gate": "the handlers' gate: imported with the handlers, while the bot connects",
    "bot.sending": "the handlers' sending: imported with the handlers, while the bot connects",
    "bot.double_check": "/verify: imported with the handlers, while the bot connects",
    "bot.card_actions": "the card's buttons: imported with the handlers, while the bot connects",
    "bot.transport_commands": "/about, /forget: imported with the handlers, while the bot connects",
    "bot.command_menu": "the command menu: imported while the bot connects (bot/app.py)",
    "bot.overflow": "the backlog notice renders a message: imported while the bot connects",
    "dialogs": "the dialog: imported with the handlers, while the bot connects",
    "rules.engine": "the rules: imported with the handlers, while the bot connects",
    "rules.models": "the rules' models: imported with the handlers, while the bot connects",
    "transitions": "the dialog's state machine: imported with the handlers",
    "bot.health_server": "the health server: imported in a thread once the bot connects",
    "bot.metrics": "GET /metrics only: imported at the first scrape",
    "prometheus_client": "GET /metrics only: imported at the first scrape (bot/metrics.py)",
}
#: Runs the real entry point up to the moment polling would start, then prints the modules. The
#: handlers' thread (bot/app.py) is given nothing to import: what it imports is imported while
#: the bot starts and connects, and this checks what the start itself waits for.
_PROBE = """
import json, sys
import bot.app

def report(application, inbox, leader=None):
    print(json.dumps(sorted(sys.modules)))

bot.app._import_handlers = lambda: None
bot.app.run_polling = report
from bot.__main__ import main
main(["telegram"])
"""


@pytest.fixture(scope="module")
def started_modules(tmp_path_factory: pytest.TempPathFactory) -> frozenset[str]:
    folder = tmp_path_factory.mktemp("lazy")
    env = {
        **environment_without_settings(),
        "TELEGRAM_BOT_TOKEN": "123456:lazy-imports",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
        "BOT_DB_PATH": str(folder / "state.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return frozenset(json.loads(done.stdout.splitlines()[-1]))


def test_the_probe_sees_the_polling_bot(started_modules: frozenset[str]) -> None:
    # Without this the tests below would pass on a probe that imported nothing.
    assert {"bot.app", "bot.config", "bot.polling", "bot.transport"} <= started_modules
    assert {"bot.store", "bot.inbox", "telegram.ext", "httpx"} <= started_modules


@pytest.mark.parametrize("module", sorted(LATE))
def test_polling_starts_without(module: str, started_modules: frozenset[str]) -> None:
    loaded = sorted(name for name in started_modules if (name + ".").startswith(module + "."))
    assert not loaded, f"{module} imported at start ({LATE[module]}): {loaded[:5]}"
