"""GET /metrics: what bot/health.py counted, in Prometheus' text format (prometheus-client).

Imported at the first scrape (bot/health_server.py), never at start: the counting itself is
plain Python in bot/health.py, and this module only turns it into metric families when asked,
through a collector of its own in a registry of its own (no process or platform collectors,
nothing registered globally, so two Applications in one test process do not clash).

Every metric is a count, a duration, a depth or a role: no label carries a value from a chat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from bot import health
from bot.health import LATENCY_BUCKETS, ROLES, Counts, Readiness

CONTENT_TYPE = CONTENT_TYPE_LATEST
PREFIX = "besponsa_"


class _Collector:
    """Reads `counts` and `readiness` at each scrape."""

    def __init__(self, counts: Counts, readiness: Readiness) -> None:
        self.counts, self.readiness = counts, readiness

    def collect(self) -> Iterator[Metric]:
        counts = self.counts
        yield CounterMetricFamily(
            PREFIX + "updates_received",
            "Updates saved in the inbox (getUpdates or webhook), before handling.",
            value=counts.received,
        )
        yield CounterMetricFamily(
            PREFIX + "updates_handled",
            "Updates the update processor finished (handled, dropped or refused).",
            value=counts.handled,
        )
        yield _labelled(
            "updates_by_kind",
            "Updates handled, by kind (text, button, duplicate, …).",
            "kind",
            counts.kinds,
        )
        yield CounterMetricFamily(
            PREFIX + "replies_sent", "Messages sent to chats.", value=counts.replies
        )
        yield _labelled("errors", "Errors, by kind.", "kind", counts.errors)
        yield _labelled("plans", "Plans shown, by decision.", "decision", counts.plans)
        yield _labelled("checks", "Double checks compared, by verdict.", "verdict", counts.checks)
        cumulative, buckets = 0, []
        for bound, count in zip((*map(str, LATENCY_BUCKETS), "+Inf"), counts.latency, strict=True):
            cumulative += count
            buckets.append((bound, cumulative))
        yield HistogramMetricFamily(
            PREFIX + "update_handling_seconds",
            "Time from the processor taking an update to its answer sent.",
            buckets=buckets,
            sum_value=counts.latency_sum,
        )
        depth = self.readiness.inbox_depth()
        inbox = GaugeMetricFamily(
            PREFIX + "inbox_depth", "Updates saved and not yet handled (NaN: unknown)."
        )
        inbox.add_metric([], float("nan") if depth is None else depth)
        yield inbox
        role = self.readiness.role()
        roles = GaugeMetricFamily(
            PREFIX + "role",
            "1 for this process's role: active, standby or single.",
            labels=["role"],
        )
        for name in ROLES:
            roles.add_metric([name], 1.0 if role == name else 0.0)
        yield roles
        ready = GaugeMetricFamily(PREFIX + "ready", "1 when GET /readyz answers 200.")
        ready.add_metric([], 1.0 if self.readiness.report()[0] else 0.0)
        yield ready


def _labelled(name: str, documentation: str, label: str, counter: Any) -> CounterMetricFamily:
    family = CounterMetricFamily(PREFIX + name, documentation, labels=[label])
    for value, count in sorted(counter.items()):
        family.add_metric([health.label(value)], count)
    return family


def exposition(readiness: Readiness, counts: Counts | None = None) -> bytes:
    """The text a scrape gets (Prometheus text format): this process's counts (bot/health.py
    COUNTS) unless others are given."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(health.COUNTS if counts is None else counts, readiness))
    return generate_latest(registry)
