"""Logs carry ids, kinds, commands and timings; never a token, a lab value or free text."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logsetup import PrivacyFilter, configure_logging, log_update
from tests.test_bot_process import untimed

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


def record(name: str, level: int, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """configure_logging's handler, writing to a buffer; the root logger restored after."""
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("httpx", "httpcore", "transitions", "telegram", "tornado")
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG")
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def test_token_urls_are_redacted_and_raw_updates_dropped() -> None:
    privacy = PrivacyFilter()
    assert not privacy.filter(
        record("telegram.ext.Updater", logging.DEBUG, "update %s", {"text": "anc 0.5"})
    )
    kept = record("bot.handlers", logging.ERROR, "failed calling %s", URL)
    assert privacy.filter(kept)
    assert TOKEN not in kept.getMessage() and "<token>" in kept.getMessage()


def test_library_errors_never_quote_what_telegram_sent(stderr: io.StringIO) -> None:
    update = {"update_id": 7, "message": {"text": "anc=0.437 plt=23.9"}}
    logging.getLogger("telegram.Bot").critical(
        "Error while parsing updates! Received data was %r", [update]
    )
    logging.getLogger("telegram.ext.Application").error(
        "Error while building CallbackContext for update %s. Update will not be processed.",
        update,
    )
    output = stderr.getvalue()
    assert "Error while parsing updates" in output and "CallbackContext" in output
    assert "0.437" not in untimed(output) and "23.9" not in untimed(output)


def test_webhook_and_library_debug_records_are_dropped() -> None:
    privacy = PrivacyFilter()
    for name in (
        "telegram.ext.Updater",
        "telegram.ext._updater",
        "telegram.ext._application",
        "telegram.ext._utils.webhookhandler",
        "tornado.access",
        "telegram.ext.ExtBot",
        "httpx",
        "httpcore.http11",
        "telegram",
    ):
        for level in (logging.DEBUG, logging.INFO):
            assert not privacy.filter(record(name, level, "body: plt 40")), name
    assert privacy.filter(record("telegram.ext.Updater", logging.WARNING, "network down"))
    assert privacy.filter(record("telegramx", logging.INFO, "not the library"))
    assert privacy.filter(record("bot.handlers", logging.DEBUG, "update=1"))


def test_httpx_request_line_never_reaches_stderr(stderr: io.StringIO) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', URL)
    logging.getLogger("telegram.ext._utils.webhookhandler").debug("update %s", "plt 40")
    logging.getLogger("tornado.access").info("200 POST /telegram")
    logging.getLogger("transitions.core").info("state ask_anc -> ask_plt")
    logging.getLogger("bot.x").info("still here")
    out = stderr.getvalue()
    assert "still here" in out
    assert TOKEN not in out and "HTTP Request" not in out and "plt" not in out
    assert "ask_anc" not in out and "/telegram" not in out


def test_library_loggers_are_set_to_warning(stderr: io.StringIO) -> None:
    for name in ("httpx", "httpcore", "transitions"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name


def test_token_in_any_message_and_traceback_is_redacted(stderr: io.StringIO) -> None:
    logger = logging.getLogger("bot.app")
    logger.warning("retrying %s", URL)
    logger.error(f"token pasted: {TOKEN}")
    try:
        raise RuntimeError(f"connect failed for {URL}")
    except RuntimeError:
        logger.exception("send failed")
    logging.getLogger("telegram.ext.Updater").error("error at %s", URL)
    out = stderr.getvalue()
    assert TOKEN not in out and "AAHdqTcv" not in out
    assert out.count("<token>") >= 3 and "error at %s [arguments withheld]" in out
    assert "RuntimeError" in out, "the traceback is kept, redacted"


def test_one_format_with_timestamp_level_and_logger(stderr: io.StringIO) -> None:
    logging.getLogger("bot.fmt").warning("hello")
    line = stderr.getvalue().strip().splitlines()[-1]
    assert " WARNING bot.fmt: hello" in line
    assert line[:4].isdigit(), "starts with the timestamp"


def test_a_malformed_call_never_raises_nor_prints_its_arguments(
    stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging, "raiseExceptions", True)
    logging.getLogger("bot.bad").info("two values %s %s", "987.654")  # one argument missing
    out = stderr.getvalue()
    assert "987.654" not in out
    assert "unformattable" in out


def test_log_update_shows_commands_but_never_free_text(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.updates")
    with caplog.at_level(logging.INFO, logger="test.updates"):
        log_update(logger, 17, "text", "/start", 1.25)
        log_update(logger, 18, "text", "plt 40 anc 0.5", 1.0)
        log_update(logger, 19, "button", None, 2.0)
        log_update(logger, 20, "text", "/0.5", 1.0)
        log_update(logger, 21, "text", "/Bilirubin", 1.0)
        log_update(logger, 22, "text", "/" + "a" * 40, 1.0)
        log_update(logger, 23, "text", "/start\nanc 0.5", 1.0)
        log_update(logger, 24, "plt 43.21", None, 1.0)
    text = caplog.text
    assert "update=17" in text and "command=/start" in text and "ms=1.2" in text
    assert "plt" not in text and "0.5" not in text and "43.21" not in text
    assert "Bilirubin" not in text and "a" * 40 not in text
    assert text.count("command=other") == 5
    assert all(r.levelno == logging.INFO for r in caplog.records)


def test_log_update_drops_the_bot_name_and_sanitises_the_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("test.updates")
    with caplog.at_level(logging.INFO, logger="test.updates"):
        log_update(logger, 30, "text", "/start@besponsa_bot", 0.5)
        log_update(logger, 31, "button-invalid", None, 0.5)
    assert "update=30 kind=text command=/start ms=0.5" in caplog.text
    assert "update=31 kind=button-invalid command=- ms=0.5" in caplog.text


def test_configure_logging_twice_keeps_one_filtered_handler(stderr: io.StringIO) -> None:
    configure_logging("WARNING")
    root = logging.getLogger()
    assert len(root.handlers) == 1 and root.level == logging.WARNING
    assert any(isinstance(f, PrivacyFilter) for f in root.handlers[0].filters)
