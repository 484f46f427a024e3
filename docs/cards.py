"""Writes docs/cards.md: the dose card of each common case as a Telegram client shows it.

Screenshots cannot be taken here, so the card is drawn as text from the real renderer, rules
and keyboard: bold and italics dropped as the client renders them, the folded part (an
expandable blockquote) shown as the client shows it before a tap, then unfolded, and every
button with what it carries. Run `python docs/cards.py` after changing what a card shows;
tests/test_cards_doc.py fails while docs/cards.md is out of date.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot import cards, keyboards  # noqa: E402
from dialogs import messages as m  # noqa: E402
from dialogs.render import FOLD_CLOSE, FOLD_OPEN, Renderer  # noqa: E402
from dialogs.replies import Choice  # noqa: E402
from rules import PlanRequest, make_plan  # noqa: E402

CODE = "K7QM-2XPA"
from tests.phone import PHONE_COLUMNS, phone_lines  # noqa: E402
from tests.test_card_layout import CYCLE_2_GIVE  # noqa: E402

TARGET = ROOT / "docs" / "cards.md"
CARD_ID = "CARD-ID"
START = "2026-12-03"
#: The cases a ward round meets most, and one card in a second language with a team language.
CASES: tuple[tuple[str, str, dict[str, object]], ...] = (
    (
        "Give: cycle 1, Day 1 date known",
        "en",
        {
            "bsa_m2": "1.8",
            "cycle": 1,
            "anc": "2.1",
            "platelets": "150",
            "blasts_per_mm3": "0",
            "start_date": START,
        },
    ),
    (
        "Give: cycle 2 after CR, Day 1 date known",
        "en",
        {**CYCLE_2_GIVE, "start_date": START},  # the case the budget test holds to its lines
    ),
    (
        "Give: cycle 2 without CR/CRi, no date",
        "en",
        {"bsa_m2": "1.8", "cycle": 2, "response": "none", "anc": "1.5", "platelets": "120"},
    ),
    (
        "Give with an omitted day: interruption of 9 days at Day 8",
        "en",
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "day": 8,
            "interruption_days": 9,
            "start_date": START,
        },
    ),
    (
        "Hold: cycle 2, platelets 20 ×10⁹/L (baseline normal)",
        "en",
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "anc": "1.5",
            "platelets": "20",
            "platelets_baseline": "150",
        },
    ),
    (
        "Hold: cycle 2 Day 1, ANC 0.6 ×10⁹/L (baseline normal)",
        "en",
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "day": 1,
            "anc": "0.6",
            "anc_baseline": "2",
        },
    ),
    (
        "Hold: the liver row, bilirubin 2 and AST 3 ×ULN",
        "en",
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "bilirubin_uln": "2",
            "ast_uln": "3",
            "alt_uln": "3",
            "age_years": "54",
        },
    ),
    (
        "Hold: ALT 25 ×ULN (CTCAE grade 4), Table 3's first row",
        "en",
        {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "day": 1, "alt_uln": "25"},
    ),
    (
        "Give: cycle 3 without CR/CRi, the last cycle to reach it",
        "en",
        {"bsa_m2": "1.8", "cycle": 3, "response": "none", "age_years": "61"},
    ),
    (
        "EU label, BSA 0.6 m², no age entered",
        "en",
        {"bsa_m2": "0.6", "cycle": 1, "label": "EU"},
    ),
    (
        "US label, a child of 6 years, BSA 0.6 m²",
        "en",
        {"bsa_m2": "0.6", "cycle": 1, "age_years": "6", "blasts_per_mm3": "0"},
    ),
    (
        "EU label, hypersensitivity entered: contraindicated",
        "en",
        {"bsa_m2": "1.8", "cycle": 1, "label": "EU", "hypersensitivity": True},
    ),
    ("Discontinue: VOD/SOS", "en", {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "vod": True}),
    (
        "German chat, ward team language English (BOT_TEAM_LANGUAGE=en)",
        "de",
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "anc": "1.5",
            "platelets": "120",
            "start_date": START,
        },
    ),
)
TEAM_LANGUAGE = "en"
DIALOG_CHOICES = (Choice(m.PLAN_CHANGE, "/summary"), Choice(m.PLAN_NEW, "/new"))
_TAG = re.compile(r"</?(?:b|i)>")


def shown(text: str) -> str:
    """Visible text: our markup dropped, entities unescaped, as a client shows it."""
    return html.unescape(_TAG.sub("", text))


def client_view(card: str) -> list[str]:
    top, _, folded = card.partition(FOLD_OPEN)
    folded_lines = shown(folded.removesuffix(FOLD_CLOSE)).split("\n")
    lines = shown(top).rstrip("\n").split("\n")
    lines.append(f"┃ {folded_lines[0]}")
    lines.append("┃ … ▾ (folded: tap to show the rest)")
    lines += ["", "After a tap on the folded block:", ""]
    lines += [f"┃ {line}" for line in folded_lines]
    return lines


def buttons(plan: object, lang: str) -> list[str]:
    renderer = Renderer(lang, html=True)
    rows = cards.card_rows(
        plan,  # type: ignore[arg-type]
        CARD_ID,
        Renderer(lang),
        inline=True,
        team_language=TEAM_LANGUAGE,
    )
    markup = keyboards.plan_keyboard(rows, DIALOG_CHOICES, 7, renderer)
    out = []
    for row in markup.inline_keyboard:
        out.append("  ".join(f"[{button.text}]" for button in row))
    for row in markup.inline_keyboard:
        for button in row:
            if button.copy_text is not None:
                out.append(f"  {button.text} copies: {button.copy_text.text}")
            elif button.switch_inline_query_chosen_chat is not None:
                query = button.switch_inline_query_chosen_chat.query
                out.append(f"  {button.text} opens the chat picker with the inline query “{query}”")
            elif button.callback_data and button.callback_data.startswith(keyboards.CARD_PREFIX):
                out.append(f"  {button.text} sends callback data “{button.callback_data}”")
    return out


def document() -> str:
    lines = [
        "# Dose cards as the client shows them",
        "",
        "Generated by `python docs/cards.py` from the real renderer, rules and keyboard; do not",
        "edit by hand (tests/test_cards_doc.py). ┃ marks the folded block (an expandable",
        "blockquote); the card id of the buttons is a placeholder for the opaque id each card",
        "gets. The Share button shows only when inline mode is on (BotFather), the language",
        "button only when BOT_TEAM_LANGUAGE differs from the chat's language. The lines on a",
        "phone are measured as tests/phone.py states (word-wrapped, wide characters as two).",
        "",
    ]
    for title, lang, fields in CASES:
        # The check code drawn when the bot stores a plan (bot/receipts.py): random, so an
        # example here.
        plan = make_plan(PlanRequest.model_validate(fields)).model_copy(update={"receipt": CODE})
        card = Renderer(lang, html=True).plan(plan)
        top = card.partition(FOLD_OPEN)[0].rstrip("\n")
        measured = f"Above the fold: {phone_lines(top)} lines on a phone ({PHONE_COLUMNS} columns)."
        lines += [f"## {title}", "", measured, "", "```text", *client_view(card)]
        lines += ["", *buttons(plan, lang)]
        lines += ["```", ""]
    return "\n".join(lines)


def main() -> None:
    TARGET.write_text(document(), encoding="utf-8")


if __name__ == "__main__":
    main()
