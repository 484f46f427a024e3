"""GET /healthz, /readyz and /metrics (bot/health.py, bot/health_server.py, bot/metrics.py):
readiness by its checks, the routes on BOT_HEALTH_PORT in polling mode and on the webhook
server, the container's probe, and metrics that never carry a clinical value or an id."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import health
from bot.app import build_application
from bot.config import ConfigError, load_settings
from bot.health import Readiness, label
from bot.health_server import HealthServer, serve_health
from bot.inbox import Inbox
from bot.polling import confirming_polling
from bot.store import SessionStore
from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_process import environment_without_settings
from tests.test_verify_e2e import finish_typed, plan_in, verify
from tests.test_webhook import free_port, serving

ROOT = Path(__file__).resolve().parent.parent
#: Two clinicians with ids and values that appear nowhere in the dialog's own text.
FIRST, SECOND = 917263, 948151
FIRST_ENTRY = "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87"
SECOND_ENTRY = "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=78"  # a mismatch
HOLD_ENTRY = "bsa=1.91 cycle=2 response=CR hsct=no anc=1.6 plt=23 plt_base=160 day=1"
CLINICAL = ("1.73", "1.91", "1.6", "87", "78", "23", "160")
#: The words a label may hold: kinds, decisions, verdicts, roles.
LABEL_VALUES = re.compile(r"[a-z][a-z_-]{0,31}|\+Inf|[0-9.]+")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_single_process_is_ready_once_it_polled_and_not_after_a_silence() -> None:
    clock = Clock()
    readiness = Readiness(store_check=lambda: None, handlers_loaded=True, clock=clock)
    assert readiness.report() == (
        False,
        {"role": "single", "store": True, "handlers": True, "last_heard_seconds": None},
    )
    readiness.heard()
    clock.now += readiness.max_silence
    assert readiness.report()[0]
    clock.now += 1
    ready, checks = readiness.report()
    assert not ready and checks["last_heard_seconds"] == readiness.max_silence + 1


def test_not_ready_without_handlers_or_when_the_store_does_not_answer() -> None:
    def broken() -> None:
        raise OSError("disk gone")

    readiness = Readiness(store_check=lambda: None, handlers_loaded=False)
    readiness.heard()
    assert readiness.report()[0] is False
    readiness.handlers_loaded = True
    assert readiness.report()[0] is True
    readiness.store_check = broken
    assert readiness.report() == (
        False,
        {"role": "single", "store": False, "handlers": True, "last_heard_seconds": 0.0},
    )


@pytest.mark.parametrize(
    ("role", "store", "ready"),
    [
        ("standby", True, True),
        ("standby", False, False),
        ("active", True, False),
        ("?", True, False),
    ],
)
def test_a_standby_is_ready_when_its_store_answers(role: str, store: bool, ready: bool) -> None:
    """A standby polls nothing and may not have loaded its handlers: it is ready to take over
    when its store answers. An active process that never polled is not ready, nor is a role
    this module does not know."""

    def check() -> None:
        if not store:
            raise RuntimeError

    readiness = Readiness(store_check=check, role=lambda: role)
    assert readiness.report()[0] is ready
    assert readiness.report()[1]["role"] == (role if role != "?" else "other")


def test_in_webhook_mode_silence_is_not_a_failure() -> None:
    readiness = Readiness(store_check=lambda: None, handlers_loaded=True, mode="webhook")
    assert readiness.report()[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("text", "text"), ("send_refused", "send_refused"), ("1.5", "other"), ("4242", "other")],
)
def test_a_label_is_a_word_or_other(value: str, shown: str) -> None:
    assert label(value) == shown
    assert label("anc 0.5") == "other" and label("x" * 40) == "other"


def test_the_health_settings_are_read_and_checked() -> None:
    settings = load_settings(
        {"BOT_HEALTH_PORT": "9102", "BOT_HEALTH_HOST": "0.0.0.0", "LOG_FORMAT": "JSON"}
    )
    assert (settings.bot_health_port, settings.bot_health_host) == (9102, "0.0.0.0")
    assert settings.log_format == "json"
    defaults = load_settings({})
    assert defaults.bot_health_port is None and defaults.bot_health_host == "127.0.0.1"
    assert defaults.log_format == "text"
    for env, variable in (
        ({"BOT_HEALTH_PORT": "70000"}, "BOT_HEALTH_PORT"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ):
        with pytest.raises(ConfigError, match=variable):
            load_settings(env)


async def scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return answer.text


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def without_numbers(text: str) -> str:
    """The exposition without its sample values: names, labels and help texts only."""
    return "\n".join(
        line if line.startswith("#") else line.rsplit(" ", 1)[0] for line in text.splitlines()
    )


@pytest.fixture
def counted() -> Iterator[None]:
    """Fresh process-wide counts for one test, the old ones put back after."""
    saved = health.COUNTS
    health.COUNTS = health.Counts()
    yield
    health.COUNTS = saved


async def test_metrics_after_real_traffic_count_it_and_carry_no_value_or_id(
    emulator: BotApiEmulator, tmp_path: Path, counted: None
) -> None:
    port = free_port()
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "BOT_HEALTH_PORT": str(port),
        }
    )
    store = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    inbox = Inbox(tmp_path / "state.inbox")
    application = build_application(settings, store, rate_limit=False)
    try:
        async with confirming_polling(application, inbox, timeout=1):
            await until_answered(port, "/healthz")
            await until_answered(port, "/readyz")  # the first getUpdates answered
            _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
            await plan_in(emulator, FIRST, HOLD_ENTRY)
            await verify(emulator, SECOND, f"/verify {code}")
            await verify(emulator, SECOND, SECOND_ENTRY)
            outcome = await finish_typed(emulator, SECOND)
            assert any("Mismatch" in text or "differ" in text for text in outcome), outcome
            text = await scrape(port)
    finally:
        store.close()
        inbox.close()
    sent = len(emulator.calls_to("sendMessage"))
    assert value(text, "besponsa_updates_received_total") >= 5
    assert value(text, "besponsa_updates_handled_total") >= 5
    assert value(text, "besponsa_replies_sent_total") == sent > 0
    assert value(text, "besponsa_plans_total", decision="give") >= 1
    assert value(text, "besponsa_plans_total", decision="hold") == 1
    assert value(text, "besponsa_checks_total", verdict="mismatch") == 1
    assert value(text, "besponsa_updates_by_kind_total", kind="text") >= 4
    assert value(text, "besponsa_update_handling_seconds_count") >= 5
    assert value(text, "besponsa_inbox_depth") >= 0
    assert value(text, "besponsa_role", role="single") == 1
    assert value(text, "besponsa_ready") == 1
    # Never a clinical value or a chat or user id: not in a name, a label or a help text.
    names_and_labels = without_numbers(text)
    for secret in (*CLINICAL, str(FIRST), str(SECOND)):
        assert secret not in names_and_labels, secret
    for (_, labels), _count in samples(text).items():
        for _key, shown in labels:
            assert LABEL_VALUES.fullmatch(shown), shown
    assert not re.search(r"\b(917263|948151)\b", text)


async def until_answered(port: int, path: str, timeout: float = 15) -> None:
    """Until GET `path` answers 200 (the server starts beside the first updates)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"http://127.0.0.1:{port}{path}", timeout=2)).is_success:
                    return
            except httpx.HTTPError:
                pass
            assert asyncio.get_running_loop().time() < deadline, f"{path} never answered 200"
            await asyncio.sleep(0.05)


async def test_the_webhook_server_answers_health_readiness_and_metrics(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async with serving(emulator, tmp_path) as running, httpx.AsyncClient() as client:
        base = running.url.removesuffix("/hook")
        assert (await client.get(base + "/healthz")).text == "ok\n"
        ready = await client.get(base + "/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {
            "ready": True,
            "role": "single",
            "store": True,
            "handlers": True,
            "last_heard_seconds": None,
        }
        assert "besponsa_updates_received_total" in (await client.get(base + "/metrics")).text
        running.store.close()  # the store stops answering: not ready
        assert (await client.get(base + "/readyz")).status_code == 503
        assert (await client.get(base + "/healthz")).status_code == 200


async def test_a_health_port_in_use_is_logged_and_the_bot_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = HealthServer(Readiness())
    port = free_port()
    await first.start("127.0.0.1", port)
    try:
        assert await serve_health(Readiness(), "127.0.0.1", port) is None
        assert f"health server not started on port {port} (OSError)" in caplog.text
    finally:
        await first.stop()


def _probe(port: int, *path: str) -> int:
    env = {
        **environment_without_settings(),
        "BOT_HEALTH_PORT": str(port),
        "BOT_HEALTH_HOST": "0.0.0.0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.health", *path],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return done.returncode


async def test_the_containers_probe_asks_healthz(tmp_path: Path) -> None:
    """`python -m bot.health` (the Dockerfile's HEALTHCHECK): 0 while the server answers,
    1 when it does not, or when the path is not ready."""
    server = HealthServer(Readiness())  # no store check: alive, never ready
    port = free_port()
    await server.start("127.0.0.1", port)
    try:
        assert await asyncio.to_thread(_probe, port) == 0
        assert await asyncio.to_thread(_probe, port, "/readyz") == 1
    finally:
        await server.stop()
    assert await asyncio.to_thread(_probe, port) == 1
