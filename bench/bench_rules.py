"""Rules core throughput and latency of one plan (target: p99 ≤ 200 µs on one core).

Run: .venv/bin/python bench/bench_rules.py [evaluations]
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal

from rules import PlanRequest, make_plan

REQUEST = PlanRequest.model_validate(
    {
        "height_cm": Decimal("175"),
        "weight_kg": Decimal("70"),
        "cycle": 2,
        "response": "CR",
        "hsct_planned": True,
        "anc": Decimal("1.5"),
        "platelets": Decimal("80"),
        "bilirubin_uln": Decimal("1.2"),
        "ast_uln": Decimal("0.8"),
        "alt_uln": Decimal("0.9"),
        "crcl_ml_min": Decimal("70"),
        "sex": "female",
        "start_date": "2026-11-25",
    }
)


def _percentile(samples: list[int], fraction: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * fraction))] / 1000


def main(count: int = 20_000) -> None:
    for _ in range(500):
        make_plan(REQUEST)
    wall: list[int] = []
    cpu: list[int] = []
    started = time.perf_counter()
    for _ in range(count):
        w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        make_plan(REQUEST)
        cpu.append(time.thread_time_ns() - c0)
        wall.append(time.perf_counter_ns() - w0)
    elapsed = time.perf_counter() - started
    wall.sort()
    cpu.sort()
    print(f"evaluations: {count}")
    print(f"evaluations per second: {count / elapsed:,.0f}")
    print(
        f"latency p50: {_percentile(wall, 0.5):.1f} µs   p99: {_percentile(wall, 0.99):.1f} µs"
        "   (wall clock; target p99 <= 200 µs)"
    )
    # CPU time of this thread only: what one evaluation costs when other work shares the cores.
    print(
        f"cpu time p50: {_percentile(cpu, 0.5):.1f} µs   p99: {_percentile(cpu, 0.99):.1f} µs"
        f"   (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
