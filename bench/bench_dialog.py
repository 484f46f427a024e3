"""Turns to a plan (targets: guided common cases ≤ 6, quick form 1; the six ward-round cases
are in `bench/bench_ward.py`) and the memory an idle
conversation costs (target ≤ 10 KB each with 10,000 conversations).

Run: .venv/bin/python bench/bench_dialog.py
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import tracemalloc

from dialogs.dialog import handle_text
from dialogs.machine import PLAN, Conversation

TODAY = dt.date(2026, 11, 25)
CASES = {
    "cycle 1, guided": ["1.8", "1", "adult", "no", "2.1 150", "0"],
    "cycle 2 after CR, guided": ["180 cm 75 kg", "2", "CR no hsct", "1.5 80", "/normal"],
    "cycle 3 no response, low ANC (asks the baseline)": [
        "1.8",
        "3",
        "none",
        "no",
        "0.6 80",
        "1.5",
        "/normal",
    ],
    "quick form": ["bsa=1.8 cycle=2 response=CR hsct=no anc=1.5 plt=80"],
}


def turns_to_plan(script: list[str]) -> int:
    conversation = Conversation()
    for turn, text in enumerate(script, start=1):
        replies = handle_text(conversation, text, TODAY)
        if conversation.state == PLAN and any(reply.kind == "plan" for reply in replies):
            return turn
    raise AssertionError(f"no plan after {script}")


def idle_conversation_bytes(count: int = 10_000) -> tuple[float, float]:
    """Bytes per conversation held in memory mid-dialog, and per stored JSON document."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    conversations = []
    for _ in range(count):
        conversation = Conversation()
        for text in ("1.8", "2", "CR", "no", "1.5 80"):
            handle_text(conversation, text, TODAY)
        conversations.append(conversation)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    in_memory = sum(stat.size_diff for stat in after.compare_to(before, "filename")) / count
    stored = sum(len(json.dumps(c.to_dict())) for c in conversations) / count
    return in_memory, stored


def main() -> None:
    for name, script in CASES.items():
        print(f"turns to a plan, {name}: {turns_to_plan(script)}")
    in_memory, stored = idle_conversation_bytes()
    print(f"idle conversation in memory: {in_memory / 1024:.2f} KB (target <= 10 KB)")
    print(f"idle conversation stored (JSON in SQLite): {stored:.0f} bytes")


if __name__ == "__main__":
    main()
