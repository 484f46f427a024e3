"""Logging that never carries the bot token or a patient's values.

httpx logs every request URL at INFO and the URL holds the token; PTB's updater, bot and
webhook handler log raw updates (message text, so lab values) at DEBUG. Two layers keep them
out: those loggers are set to WARNING, and the handler's PrivacyFilter drops any of their
records below WARNING whatever the levels (a library or a later call may lower them), and
withholds the arguments of the rest, since PTB's errors quote the updates they failed on. The
filter also redacts anything shaped like a bot token from every record, tracebacks included.
Our own logs name only update ids, kinds, commands and timings (log_update).

LOG_FORMAT=json writes the same records, after the same filter, as one JSON object per line
(`JsonFormatter`), for a log collector that would otherwise split a traceback into many events.
"""

from __future__ import annotations

import json
import logging
import re
import time

from bot import health

TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "<token>"
#: Libraries that log request URLs (with the token) or raw updates (with message text, so lab
#: values) below WARNING: none of their records below WARNING is ever emitted, whatever the
#: level. This covers telegram.ext.Updater, telegram.ext._utils.webhookhandler and
#: tornado.access (each logs the request URL or the update it received, see their source in
#: python-telegram-bot v22 and Tornado), and telegram.ext.ExtBot, which also logs
#: whole updates at DEBUG. `transitions` logs every state change at INFO.
LIBRARY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "tornado",
    "h2",
    "hpack",
    "transitions",
)
FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_COMMAND = re.compile(r"/[a-z_]{1,31}")  # at most 32 characters
_KIND = re.compile(r"[a-z][a-z_-]{0,31}")


def _in_libraries(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in LIBRARY_LOGGERS)


def redact(text: str) -> str:
    return TOKEN.sub(REDACTED, text)


class PrivacyFilter(logging.Filter):
    """Drops library records below WARNING and the arguments of the others; redacts bot
    tokens from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _in_libraries(record.name):
            if record.levelno < logging.WARNING:
                return False
            if record.args:
                # PTB's errors quote what Telegram sent ("Received data was %r"): an update,
                # so a lab value. The text stays; what it quotes is withheld.
                record.msg, record.args = f"{record.msg} [arguments withheld]", None
        try:
            message = record.getMessage()
        except Exception:
            # A malformed call. Handler.handleError would print msg and args (which may hold a
            # token or a patient's values) to stderr: replace them by a note naming the caller.
            record.msg = "unformattable log record (%s:%d)"
            record.args = (record.pathname.rsplit("/", 1)[-1], record.lineno)
            record.exc_info, record.exc_text = None, None
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Rendered here so that the formatter prints the redacted text (it reuses exc_text).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the
    traceback as one string ("exception"), all as the privacy filter left them."""

    def __init__(self) -> None:
        super().__init__()
        self.converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, DATE_FORMAT)
        entry = {
            "time": f"{stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """One stderr handler, UTC ISO timestamps (or JSON lines), the privacy filter; libraries at
    WARNING."""
    handler = logging.StreamHandler()
    formatter: logging.Formatter
    if log_format == "json":
        formatter = JsonFormatter()
    else:
        formatter = logging.Formatter(FORMAT, datefmt=DATE_FORMAT)
        formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def log_update(
    logger: logging.Logger, update_id: int, kind: str, command: str | None, elapsed_ms: float
) -> None:
    """The only per-update log line: ids, kind, command name and timing; never content.

    `command` is shown only when it is shaped like a bot command (lowercase letters and
    underscores, an @botname suffix dropped); anything else, digits included, shows as
    "other", so a value typed after a slash ("/0.5") cannot reach the log.
    """
    name = command.split("@", 1)[0] if command else None
    shown = name if name and _COMMAND.fullmatch(name) else ("other" if command else "-")
    kind_shown = kind if _KIND.fullmatch(kind) else "other"
    health.kind(kind_shown)  # counted for /metrics too
    logger.info(
        "update=%d kind=%s command=%s ms=%.1f", int(update_id), kind_shown, shown, elapsed_ms
    )
