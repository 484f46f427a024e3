"""Liveness, readiness and the counts behind /metrics, in plain Python.

Every hook (an update received, handled, a reply sent, an error, a plan, a check) is a dict
update here, so the modules on the bot's start path (bot/polling.py, bot/ordering.py) can call
it: this module imports nothing but the standard library. The HTTP side (bot/health_server.py,
aiohttp) and the Prometheus text (bot/metrics.py, prometheus-client) are loaded after the bot
connects, and read what is counted here.

Privacy: a label is one of a few fixed words (a kind, a decision, a verdict); anything that is
not shaped like one is counted as "other", so no clinical value, chat or user id can become a
label. Nothing here holds an update's content.

Readiness (GET /readyz) belongs to one Application (`readiness_of`): its store answers, its
handlers are loaded, its role (`Readiness.role`, "single" unless a failover coordinator plugs
its own in) is active, single or standby, and an active or single process in polling mode has
polled recently. A standby is ready when its store answers: it is ready to take over.
"""

from __future__ import annotations

import bisect
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

HEALTHZ = "/healthz"
READYZ = "/readyz"
METRICS = "/metrics"
Role = Literal["active", "standby", "single"]
ROLES: tuple[Role, ...] = ("active", "standby", "single")
#: getUpdates waits up to LONG_POLL_SECONDS (10 s, bot/polling.py) and retries failures after at
#: most 30 s: a process that has not had an answer for a minute is not polling.
MAX_SILENCE_SECONDS = 60.0
#: Handling time of one update, from the processor taking it to its answer sent (seconds).
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LABEL = re.compile(r"[a-z][a-z_-]{0,31}")
#: Where readiness is kept in an Application's bot_data.
_KEY = "health_readiness"


def label(value: object) -> str:
    """`value` as a metric label: a short lowercase word, else "other" (never free text)."""
    text = str(value).lower()
    return text if _LABEL.fullmatch(text) else "other"


@dataclass
class Counts:
    """What this process did since it started; the counters of /metrics."""

    received: int = 0
    handled: int = 0
    replies: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    plans: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    #: Per bucket of LATENCY_BUCKETS (and one more for +Inf): how many took at most that long.
    latency: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    latency_sum: float = 0.0


#: One per process, as Prometheus counts: the hooks below add to it.
COUNTS = Counts()


def received(count: int = 1) -> None:
    """Updates saved in the inbox (polling or webhook), before they are handled."""
    COUNTS.received += count


def handled(seconds: float) -> None:
    """One update handled (or dropped, refused) by the update processor, in `seconds`."""
    COUNTS.handled += 1
    COUNTS.latency[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
    COUNTS.latency_sum += seconds


def kind(name: str) -> None:
    """The kind an update was handled as (bot/logsetup.py log_update: text, button, …)."""
    COUNTS.kinds[label(name)] += 1


def replied() -> None:
    """One message sent to a chat."""
    COUNTS.replies += 1


def error(name: str) -> None:
    """Something went wrong, by kind (send_refused, send_abandoned, store_unavailable, …)."""
    COUNTS.errors[label(name)] += 1


def plan(decision: str) -> None:
    """A plan shown, by its decision (give, hold, discontinue)."""
    COUNTS.plans[label(decision)] += 1


def check(verdict: str) -> None:
    """A double check compared, by verdict (match, mismatch)."""
    COUNTS.checks[label(verdict)] += 1


def _no_depth() -> int | None:
    return None


def _single() -> Role:
    return "single"


def _unchecked() -> None:
    raise RuntimeError("no store check set")


@dataclass
class Readiness:
    """What GET /readyz asks of one Application. The bot sets `store_check` and
    `handlers_loaded` (bot/app.py), the poller and the webhook server call `heard`, the inbox
    sets `inbox_depth` (bot/inbox.py attach); a failover coordinator sets `role`."""

    #: Raises when the store does not answer; its return value is ignored.
    store_check: Callable[[], object] = _unchecked
    handlers_loaded: bool = False
    #: "polling": silence is a failure; "webhook": Telegram sends nothing while nobody writes.
    mode: Literal["polling", "webhook"] = "polling"
    #: This process's part: "single" (no failover), "active" or "standby".
    role: Callable[[], str] = _single
    inbox_depth: Callable[[], int | None] = _no_depth
    max_silence: float = MAX_SILENCE_SECONDS
    clock: Callable[[], float] = time.monotonic
    last_heard: float | None = None

    def heard(self) -> None:
        """A getUpdates answered, or a webhook request received."""
        self.last_heard = self.clock()

    def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether this process is ready, and why: each check by name, true or false, and the
        seconds since Telegram was last heard (null: never). Never a value from a chat."""
        role = self.role()
        try:
            self.store_check()
            store = True
        except Exception:
            store = False
        age = None if self.last_heard is None else round(self.clock() - self.last_heard, 1)
        recent = age is not None and age <= self.max_silence
        checks: dict[str, Any] = {
            "role": role if role in ROLES else "other",
            "store": store,
            "handlers": self.handlers_loaded,
            "last_heard_seconds": age,
        }
        if role == "standby":
            ready = store
        elif role in ("active", "single"):
            ready = store and self.handlers_loaded and (recent or self.mode == "webhook")
        else:
            ready = False
        return ready, checks


def readiness_of(application: Any) -> Readiness:
    """The readiness of `application` (a PTB Application), made on first use."""
    found: Readiness = application.bot_data.setdefault(_KEY, Readiness())
    return found


def probe(url: str, timeout: float = 3.0) -> bool:
    """True when `url` answers 200: the container's HEALTHCHECK (`python -m bot.health`)."""
    import urllib.error  # here: urllib.request loads http.client and email, at start a cost
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: list[str]) -> int:
    """`python -m bot.health [PATH]`: 0 when BOT_HEALTH_PORT on this host answers PATH
    (default /healthz) with 200, else 1. Reads the same settings as the bot."""
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as problem:
        print(f"configuration error: {problem}", file=sys.stderr)
        return 1
    if settings.bot_health_port is None:
        print("BOT_HEALTH_PORT is not set: no health server to ask", file=sys.stderr)
        return 1
    host = settings.bot_health_host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    host = f"[{host}]" if ":" in host else host
    path = argv[0] if argv else HEALTHZ
    return 0 if probe(f"http://{host}:{settings.bot_health_port}{path}") else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
