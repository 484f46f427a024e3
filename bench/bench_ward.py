"""The six ward-round cases (`tests/ward_cases.py`) driven through the console as a new user
answers them: messages to a plan in the guided dialog (typed + taps, `/start` not counted)
and the length of the same case's quick form, beside the figures before this dialog (measured
on main at 3b5eaed). Prints the table of BENCHMARKS.md.

Run: .venv/bin/python bench/bench_ward.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.console import ConsoleChat
from dialogs.units import set_site_ulns
from tests.ward_cases import CASES, SITE, WardCase

#: The headline word of each day action (dialogs/card_today.py): a plan has arrived.
DECISION_WORDS = {"give": "GIVE", "hold": "HOLD", "omit": "OMITTED"}


def guided(case: WardCase) -> tuple[int, int]:
    """(typed, taps) until the plan, through the console (a tap typed as its option letter)."""
    out = io.StringIO()
    chat = ConsoleChat(out, "en")
    chat.greet()
    typed = taps = 0
    for kind, value in case.guided:
        if DECISION_WORDS[case.decision] in out.getvalue():
            break
        if kind == "tap":
            chat.answer(next(mark for mark, c in chat.options.items() if c.value == value))
            taps += 1
        else:
            chat.answer(value)
            typed += 1
    if DECISION_WORDS[case.decision] not in out.getvalue():
        raise AssertionError(f"no plan in {case.name}")
    return typed, taps


def quick_form_messages(case: WardCase) -> int:
    out = io.StringIO()
    ConsoleChat(out, "en").answer(case.quick)
    if DECISION_WORDS[case.decision] not in out.getvalue():
        raise AssertionError(f"the quick form of {case.name} gave no plan")
    return 1


def main() -> None:
    set_site_ulns(load_settings(dict(SITE)).site_ulns)
    print("| case | guided before | guided now (typed + taps) | target | quick form before | now |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        typed, taps = guided(case)
        messages = quick_form_messages(case)
        print(
            f"| {case.name} | {case.before} | {typed + taps} ({typed} + {taps}) | ≤ {case.target} "
            f"| 1 message, {case.before_chars} chars | {messages} message, {len(case.quick)} "
            f"chars: `{case.quick}` |"
        )


if __name__ == "__main__":
    main()
