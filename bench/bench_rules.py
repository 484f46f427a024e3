"""Rules core throughput and latency of one plan (target: p99 ≤ 200 µs on one core).

Run: .venv/bin/python bench/bench_rules.py [evaluations]
"""

from __future__ import annotations

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


def main(count: int = 20_000) -> None:
    for _ in range(500):
        make_plan(REQUEST)
    samples = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter_ns()
        make_plan(REQUEST)
        samples.append(time.perf_counter_ns() - t0)
    elapsed = time.perf_counter() - started
    samples.sort()
    p50 = samples[len(samples) // 2] / 1000
    p99 = samples[int(len(samples) * 0.99)] / 1000
    print(f"evaluations: {count}")
    print(f"evaluations per second: {count / elapsed:,.0f}")
    print(f"latency p50: {p50:.1f} µs   p99: {p99:.1f} µs   (target p99 <= 200 µs)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
