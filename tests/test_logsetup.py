"""Logs carry ids, kinds, commands and timings; never a token, a lab value or free text."""

from __future__ import annotations

import logging

import pytest

from bot.logsetup import PrivacyFilter, log_update

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def record(name: str, level: int, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_token_urls_are_redacted_and_raw_updates_dropped() -> None:
    privacy = PrivacyFilter()
    assert not privacy.filter(
        record("telegram.ext.Updater", logging.DEBUG, "update %s", {"text": "anc 0.5"})
    )
    kept = record(
        "bot.handlers",
        logging.ERROR,
        "failed calling %s",
        f"https://api.telegram.org/bot{TOKEN}/sendMessage",
    )
    assert privacy.filter(kept)
    assert TOKEN not in kept.getMessage() and "<token>" in kept.getMessage()


def test_webhook_debug_records_are_dropped() -> None:
    privacy = PrivacyFilter()
    for name in (
        "telegram.ext._utils.webhookhandler",
        "tornado.access",
        "telegram.ext.ExtBot",
        "httpx",
        "telegram",
    ):
        assert not privacy.filter(record(name, logging.DEBUG, "body: plt 40"))
    assert privacy.filter(record("telegram.ext.Updater", logging.WARNING, "network down"))
    assert privacy.filter(record("telegramx", logging.INFO, "not the library"))
    assert privacy.filter(record("bot.handlers", logging.DEBUG, "update=1"))


def test_log_update_shows_commands_but_never_free_text(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.updates")
    with caplog.at_level(logging.INFO, logger="test.updates"):
        log_update(logger, 17, "text", "/start", 1.25)
        log_update(logger, 18, "text", "plt 40 anc 0.5", 1.0)
        log_update(logger, 19, "button", None, 2.0)
    text = caplog.text
    assert "update=17" in text and "command=/start" in text
    assert "plt" not in text and "0.5" not in text and "command=other" in text
