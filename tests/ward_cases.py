"""Six ward-round cases, as a new user answers them: what is typed, what is tapped, and the
quick-form line that says the same. Shared by the end-to-end tests that count messages in both
transports (`tests/test_ward_cases_e2e.py`) and by the benchmark (`bench/bench_ward.py`).

A step is ("type", text) or ("tap", the button's value); `/start` is not counted. Case 5 needs
the site's bilirubin ULN (`SITE`); the others run with or without it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The site's ULNs (BOT_ULN_*), as the bot reads them from its settings.
SITE = {"BOT_ULN_BILIRUBIN": "21 umol/L", "BOT_ULN_AST": "40 U/L", "BOT_ULN_ALT": "41 U/L"}
Step = tuple[str, str]


@dataclass(frozen=True)
class WardCase:
    name: str
    guided: tuple[Step, ...]
    quick: str
    #: The most messages the guided dialog may take (the targets BENCHMARKS.md states).
    target: int
    #: The card's headline (today's action: give, hold, omit) and a line it shows, to check
    #: that the count is of a plan.
    decision: str
    shows: str
    #: Messages before this change (measured on main at 3b5eaed), for BENCHMARKS.md.
    before: int = 0
    before_chars: int = 0


BODY = ("type", "170 cm 70 kg")
COUNTS = ("type", "1.8 120")
CR_NO_HSCT = ("tap", "CR no hsct")
LIVER_NORMAL = ("tap", "/normal")

CASES: tuple[WardCase, ...] = (
    WardCase(
        "1. cycle 1 day 1, height and weight",
        (BODY, ("tap", "1"), ("tap", "adult"), ("tap", "no"), COUNTS, ("tap", "0")),
        "170 cm 70 kg C1 D1 age 45 no hsct anc 1.8 plt 120 blasts 0",
        6,
        "give",
        "0.8 mg/m²",
        7,
        47,
    ),
    WardCase(
        "2. cycle 2, CR, normal counts",
        (BODY, ("tap", "2"), CR_NO_HSCT, COUNTS, LIVER_NORMAL),
        "170 cm 70 kg C2 D1 CR no hsct anc 1.8 plt 120",
        6,
        "give",
        "0.5 mg/m²",
        7,
        43,
    ),
    WardCase(
        "3. cycle 3, no CR/CRi",
        (BODY, ("tap", "3"), ("tap", "none"), ("tap", "no"), COUNTS, LIVER_NORMAL),
        "170 cm 70 kg C3 D1 no CR no hsct anc 1.8 plt 120",
        6,
        "give",
        "0.8 mg/m²",
        7,
        44,
    ),
    WardCase(
        "4. hold on low ANC",
        (BODY, ("tap", "2"), CR_NO_HSCT, ("type", "0.8 120"), ("type", "1.5"), LIVER_NORMAL),
        "170 cm 70 kg C2 D1 CR no hsct anc 0.8 anc0 1.5 plt 120",
        6,
        "hold",
        "",
        9,
        58,
    ),
    WardCase(
        "5. bilirubin in µmol/L, site ULN set",
        (BODY, ("tap", "2"), CR_NO_HSCT, COUNTS, ("type", "bili 40 µmol/L"), ("tap", "no")),
        "170 cm 70 kg C2 D1 CR no hsct anc 1.8 plt 120 bili 40 µmol/L no gilbert",
        8,
        "hold",
        "",
        11,
        68,
    ),
    WardCase(
        "6. Day 8 after a 9-day interruption",
        (BODY, ("type", "2 d8"), CR_NO_HSCT, COUNTS, ("type", "9"), LIVER_NORMAL),
        "170 cm 70 kg C2 D8 CR no hsct anc 1.8 plt 120 interruption 9",
        8,
        "omit",
        "Day 8: omitted",
        11,
        64,
    ),
)
