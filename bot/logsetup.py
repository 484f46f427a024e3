"""Logging that never carries the bot token or a patient's values.

httpx logs every request URL at INFO and the URL holds the token; PTB's updater and webhook
handler can log raw updates (message text, so lab values) at DEBUG. Those records are dropped
below WARNING, tokens are redacted from every record, and our own logs name only update ids,
kinds, commands and timings.
"""

from __future__ import annotations

import logging
import re

TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
QUIET_LOGGERS = ("httpx", "httpcore", "transitions")
#: Libraries that log request URLs (with the token) or raw updates (with message text, so lab
#: values) below WARNING: none of their records below WARNING is ever emitted, whatever the
#: level. A list of single loggers proved too narrow (telegram.ext.ExtBot logs whole updates).
LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore", "tornado", "h2", "hpack")
_COMMAND = re.compile(r"^/[a-z_]{1,31}$")


def _in_libraries(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in LIBRARY_LOGGERS)


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and _in_libraries(record.name):
            return False
        message = record.getMessage()
        redacted = TOKEN.sub("<token>", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def log_update(
    logger: logging.Logger, update_id: int, kind: str, command: str | None, elapsed_ms: float
) -> None:
    """The only per-update log line: ids, kind, command name and timing; never content."""
    shown = command if command and _COMMAND.match(command) else ("other" if command else "-")
    logger.info("update=%d kind=%s command=%s ms=%.1f", update_id, kind, shown, elapsed_ms)
