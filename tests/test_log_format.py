"""LOG_FORMAT=json: one JSON object per line, after the same privacy filter as the text format
(bot/logsetup.py): tokens redacted, libraries' raw updates dropped, their arguments withheld."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logsetup import LIBRARY_LOGGERS, configure_logging, log_update
from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_process import CHAT, BotProcess, untimed
from tests.test_health import until_answered
from tests.test_webhook import free_port

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ENTRY = "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87"


@pytest.fixture
def json_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    configure_logging("DEBUG", "json")
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def entries(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_time_level_logger_and_message(
    json_lines: io.StringIO,
) -> None:
    logger = logging.getLogger("bot.handlers")
    log_update(logger, 41, "text", "/start", 12.34)
    logger.warning("send failed (%s), attempt %d", "NetworkError", 2)
    first, second = entries(json_lines)
    assert first["message"] == "update=41 kind=text command=/start ms=12.3"
    assert (first["level"], first["logger"]) == ("INFO", "bot.handlers")
    assert str(first["time"]).endswith("Z") and str(first["time"])[10] == "T"
    assert second == {
        **second,
        "level": "WARNING",
        "message": "send failed (NetworkError), attempt 2",
    }


def test_json_lines_keep_the_privacy_filter(json_lines: io.StringIO) -> None:
    update = {"update_id": 7, "message": {"text": "anc=0.437 plt=23.9"}}
    logging.getLogger("telegram.ext.Updater").debug("received %s", update)  # dropped
    logging.getLogger("httpx").info("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logging.getLogger("telegram.Bot").critical("Received data was %r", [update])
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("bot.app").exception("request to %s failed", f"bot{TOKEN}")
    output = json_lines.getvalue()
    assert TOKEN not in output
    assert "0.437" not in untimed(output) and "23.9" not in untimed(output)
    logged = entries(json_lines)
    assert len(logged) == 2, "the library's DEBUG and INFO records are dropped"
    assert logged[0]["message"] == "Received data was %r [arguments withheld]"
    failure = logged[1]
    assert failure["message"] == "request to bot<token> failed"
    assert "Traceback" in str(failure["exception"]) and "<token>" in str(failure["exception"])
    assert "\n" not in output.rstrip("\n").split("\n")[0], "one line per record"


async def test_the_installed_bot_logs_json_lines_and_serves_its_health_port(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """`besponsa-bot telegram` with LOG_FORMAT=json and BOT_HEALTH_PORT, through a plan and a
    SIGTERM: every line it wrote is one JSON object, none holds a value typed, and its health
    and readiness answered on the port while it ran."""
    port = free_port()
    log = tmp_path / "bot.log"
    process = BotProcess(
        emulator, tmp_path / "state.sqlite3", log, LOG_FORMAT="json", BOT_HEALTH_PORT=str(port)
    )
    await process.start()
    try:
        await emulator.send_text(CHAT, ENTRY)
        await emulator.wait_for_messages(CHAT, 1, timeout=15)
        await until_answered(port, "/healthz")
        await until_answered(port, "/readyz")
    finally:
        assert await process.stop() == 0
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    logged = [json.loads(line) for line in lines]  # fails on any line that is not JSON
    assert any(entry["message"] == "starting in polling mode" for entry in logged)
    assert any(str(entry["message"]).startswith("update=") for entry in logged)
    for value in ("1.73", "87"):
        assert value not in untimed(log.read_text(encoding="utf-8"))
