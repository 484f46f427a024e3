"""The double check end to end: check codes, /verify and the blind second entry, who learns
what, guesses and the shared card's link, through the real PTB Application, dialog, rules and
SQLite store against the local Bot API emulator."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from botapi_emulator.emulator import BotApiEmulator
from tests.test_bot_e2e import CHAT, bot, last_with_buttons, press, say, settle  # noqa: F401

FIRST, SECOND, THIRD = CHAT, 5151, 6161
#: The first entry: values chosen so that none of them appears in the dialog's own prompts.
FIRST_ENTRY = "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87"
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def plan_in(emulator: BotApiEmulator, chat: int, text: str) -> tuple[dict, str]:
    await emulator.send_text(chat, text)
    messages = await settle(emulator, chat)
    card = next(m for m in reversed(messages) if "GIVE" in m["text"] or "HOLD" in m["text"])
    found = CODE.search(card["text"].split("Receipt", 1)[1])
    assert found, card["text"]
    return card, found.group(0)


async def texts_after(emulator: BotApiEmulator, chat: int, before: int) -> list[str]:
    return [m["text"] for m in (await settle(emulator, chat))[before:]]


async def verify(emulator: BotApiEmulator, chat: int, text: str, **options: Any) -> list[str]:
    before = len(emulator.sent(chat))
    await emulator.send_text(chat, text, **options)
    return await texts_after(emulator, chat, before)


async def finish(emulator: BotApiEmulator, chat: int) -> list[str]:
    """The verifier taps "Plan" under their own summary: the comparison is made."""
    before = len(emulator.sent(chat))
    await press(emulator, last_with_buttons(emulator, chat), "/plan", chat=chat)
    return await texts_after(emulator, chat, before)


async def finish_typed(emulator: BotApiEmulator, chat: int, **options: Any) -> list[str]:
    """The same, typed (the emulator's button presses come from a user named "Dr")."""
    return await verify(emulator, chat, "/plan", **options)


async def test_match_told_to_both_with_the_verifiers_name(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    await bot()
    card, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    asked = await press(emulator, card, "/check", chat=FIRST)
    assert f"/verify {code}" in asked["text"]
    started = await verify(emulator, SECOND, f"/verify {code.lower()}", first_name="Ana")
    assert any("Double check of receipt" in text for text in started)
    # Another representation: BSA from height and weight (170 cm, 63.5 kg → 1.73 m²), a comma.
    entry = "h=170 w=63,5 cycle=2 response=CR hsct=no anc=1,6 plt=87"
    summary = await verify(emulator, SECOND, entry, first_name="Ana")
    assert not any("Match" in text for text in summary)  # the verifier reviews their own entry
    before_first = len(emulator.sent(FIRST))
    outcome = await finish_typed(emulator, SECOND, first_name="Ana")
    assert any(
        text.startswith(f"✅ Match: your entry gives the same plan as receipt {code}")
        for text in outcome
    )
    assert any("GIVE" in text for text in outcome)
    told = await texts_after(emulator, FIRST, before_first)
    assert told == [
        f"✅ Match: Ana entered the values again and got the same plan as yours (receipt {code})."
    ]


@pytest.mark.parametrize(
    ("entry", "field", "first", "yours"),
    [
        ("bsa=1.83 cycle=2 response=CR hsct=no anc=1.6 plt=87", "bsa", "1.73", "1.83"),
        ("bsa=1.73 cycle=2 response=CRi hsct=no anc=1.6 plt=87", "response", "CR", "CRi"),
        ("bsa=1.73 cycle=2 response=CR hsct=yes anc=1.6 plt=87", "hsct", "No", "Yes"),
        ("bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=78", "plt", "87", "78"),
        ("bsa=1.73 cycle=3 response=CR hsct=no anc=1.6 plt=87", "cycle", "2", "3"),
        (
            "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87 start=2026-12-07",
            "start",
            "not given",
            "Dec 7, 2026",
        ),
    ],
)
async def test_mismatch_names_the_field_to_the_verifier_and_both_values_to_the_requester(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
    entry: str,
    field: str,
    first: str,
    yours: str,
) -> None:
    await bot()
    card, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    await press(emulator, card, "/check", chat=FIRST)
    await verify(emulator, SECOND, f"/verify {code}")
    await verify(emulator, SECOND, entry)
    before_first = len(emulator.sent(FIRST))
    outcome = "\n".join(await finish(emulator, SECOND))
    assert outcome.startswith("❌ Mismatch"), outcome
    assert f"• {field}: differs" in outcome.splitlines()
    assert "Match:" not in outcome
    told = await texts_after(emulator, FIRST, before_first)
    assert len(told) == 1 and told[0].startswith("❌ Mismatch: your colleague's entry differs")
    assert f"• {field}: {first} (yours) vs {yours} (theirs)" in told[0].splitlines()
    assert "• Checked by: Dr" in told[0]


async def test_a_dose_that_differs_is_listed(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    await verify(emulator, SECOND, f"/verify {code}")
    await verify(emulator, SECOND, FIRST_ENTRY.replace("bsa=1.73", "bsa=2.1"))
    outcome = "\n".join(await finish(emulator, SECOND))
    doses = [line for line in outcome.splitlines() if line.startswith("• Dose: Day")]
    assert doses == ["• Dose: Day 1 differs", "• Dose: Day 8 differs", "• Dose: Day 15 differs"]
    assert "0.87" not in outcome and "1.05" not in outcome


async def test_the_verifier_sees_nothing_of_the_first_entry_before_finishing(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    seen = await verify(emulator, SECOND, f"/verify {code}")
    for attempt in ("/summary", "/back", "/plan", "/summary", "bsa=1.9", "/summary", "/back"):
        seen += await verify(emulator, SECOND, attempt)
    shown = "\n".join(seen)
    for value in ("1.73", "1.6", "87", "CR", "GIVE", "HOLD", "Match"):
        assert value not in shown, (value, shown)


async def test_unknown_malformed_and_expired_codes_get_a_clear_message(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    _, store = await bot()
    unknown = await verify(emulator, SECOND, "/verify ABCD-EFGH")
    assert unknown == [
        "❗ No plan with the receipt code ABCD-EFGH is stored: check the code with the colleague "
        "who made the plan. Plans are kept for 12 hours after they were made."
    ]
    malformed = await verify(emulator, SECOND, "/verify K0QM-1XPA")
    assert "is not a receipt code" in malformed[0]
    for lang, bare in [("en", "Send /verify with its receipt code"), ("de", "Belegcode")]:
        asked = await verify(emulator, SECOND, "/verify", language_code=lang)
        assert (
            len(asked) == 1 and bare in asked[0] and "“”" not in asked[0] and "„“" not in asked[0]
        )
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE receipts SET updated_at = 0")
    expired = await verify(emulator, SECOND, f"/verify {code}")
    assert expired[0].startswith(f"❗ No plan with the receipt code {code} is stored")
    assert store.receipt(code) is None and store.stats()["receipts"] == 0


async def test_a_code_verified_twice_says_so(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    for chat in (SECOND, THIRD):
        await verify(emulator, chat, f"/verify {code}")
        await verify(emulator, chat, FIRST_ENTRY)
    first_check = await finish(emulator, SECOND)
    second_check = await finish(emulator, THIRD)
    assert any(text.startswith("✅ Match") for text in first_check)
    assert not any("checked" in text for text in first_check)
    assert any(text.startswith("✅ Match") for text in second_check)
    assert "This receipt was checked 1 time before." in second_check


async def test_own_plan_cannot_be_its_own_double_check(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    refused = await verify(emulator, FIRST, f"/verify {code}")
    assert refused == [
        f"❗ Receipt {code} was made in this chat. A double check is made by a colleague, in "
        "their own chat with this bot."
    ]


async def test_the_allowlist_applies_to_verifiers(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    _, store = await bot(allowed=f"{FIRST},{SECOND}")
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    refused = await verify(emulator, THIRD, f"/verify {code}")
    assert len(refused) == 1 and "limited to the clinical team" in refused[0]
    assert store.load(THIRD) is None
    assert store.receipt(code) is not None and store.receipt(code).checks == 0
    allowed = await verify(emulator, SECOND, f"/verify {code}")
    assert any("Double check of receipt" in text for text in allowed)


async def test_forget_erases_the_chats_receipts(emulator: BotApiEmulator, bot) -> None:  # noqa: F811
    _, store = await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    assert store.receipt(code) is not None
    await verify(emulator, FIRST, "/forget")
    assert store.receipt(code) is None
    assert (await verify(emulator, SECOND, f"/verify {code}"))[0].startswith("❗ No plan")


def links(markup: dict | None) -> list[tuple[str, str]]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [(button["text"], button["url"]) for row in rows for button in row if "url" in button]


async def test_the_shared_card_carries_the_verify_link_and_the_authors_card_does_not(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    emulator.bot_user["supports_inline_queries"] = True
    await bot()
    card, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    assert links(card["reply_markup"]) == []  # it could only lead to "made in this chat"
    share = next(
        button["switch_inline_query_chosen_chat"]["query"]
        for row in card["reply_markup"]["inline_keyboard"]
        for button in row
        if "switch_inline_query_chosen_chat" in button
    )
    await emulator.send_inline_query(FIRST, share)
    await emulator.wait_for_call("answerInlineQuery")
    [result] = emulator.inline_answers[0]["results"]
    assert code in result["input_message_content"]["message_text"]
    [(label, url)] = links(result["reply_markup"])
    assert label == "🔍 Verify" and "✅" not in label
    assert url == f"https://t.me/test_emulator_bot?start=verify-{code.replace('-', '')}"
    payload = url.rsplit("=", 1)[1]
    started = await verify(emulator, SECOND, f"/start {payload}")
    assert started[0].startswith(f"Double check of receipt {code}.")
    assert not any("1.73" in text or "87" in text for text in started)


async def test_asking_for_a_check_keeps_the_cards_link_for_forwarding(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot()
    card, _ = await plan_in(emulator, FIRST, FIRST_ENTRY)
    await press(emulator, card, "/check", chat=FIRST)
    await settle(emulator, FIRST)
    assert not emulator.calls_to("editMessageReplyMarkup")


async def test_identical_values_in_two_chats_get_two_codes_and_each_can_ask_for_a_check(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    _, store = await bot()
    first_card, first_code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    third_card, third_code = await plan_in(emulator, THIRD, FIRST_ENTRY)
    assert first_code != third_code
    for chat, card, code in ((FIRST, first_card, first_code), (THIRD, third_card, third_code)):
        asked = await press(emulator, card, "/check", chat=chat)
        assert f"/verify {code}" in asked["text"] and "no longer stored" not in asked["text"]
        assert store.receipt(code).chat_id == chat and store.receipt(code).notify
    # A check of one plan is not counted for the other.
    await verify(emulator, SECOND, f"/verify {first_code}")
    await verify(emulator, SECOND, FIRST_ENTRY)
    await finish(emulator, SECOND)
    assert store.receipt(first_code).checks == 1 and store.receipt(third_code).checks == 0
    await verify(emulator, SECOND, f"/verify {third_code}")
    await verify(emulator, SECOND, FIRST_ENTRY)
    outcome = await finish(emulator, SECOND)
    assert not any("checked" in text for text in outcome)


async def test_the_same_values_for_a_new_patient_get_a_new_code_and_a_plan_shown_again_keeps_it(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot()
    card, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    asked = await press(emulator, card, "/check", chat=FIRST)
    assert f"/verify {code}" in asked["text"]
    again = await verify(emulator, FIRST, "/plan")
    assert any(f"Receipt {code}" in text for text in again)
    await verify(emulator, FIRST, "/new")
    _, new_code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    assert new_code != code


async def test_a_stranger_with_a_real_code_and_wrong_values_learns_no_value(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    before = len(emulator.sent(SECOND))
    await verify(emulator, SECOND, f"/verify {code}")
    await verify(emulator, SECOND, "bsa=2.05 cycle=4 response=CRi hsct=yes anc=3.3 plt=222")
    await finish(emulator, SECOND)
    seen = "\n".join(m["text"] for m in emulator.sent(SECOND)[before:])
    assert "❌ Mismatch" in seen
    for value in ("1.73", "1.6", "87", "0.87", "GIVE", "HOLD", "(yours)"):
        assert value not in seen, (value, seen)


async def test_guessing_is_limited_per_user_and_never_blocks_anyone_elses_right_code(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot()
    _, code = await plan_in(emulator, FIRST, FIRST_ENTRY)
    wrong = [f"/verify {guess}" for guess in ("ABCD-EFGH", "ABCD-EFGJ", "ABCD-EFGK", "ABCD-EFGL")]
    for attempt in [*wrong, "/verify ABCD-EFGM"]:
        answer = await verify(emulator, THIRD, attempt)
        assert answer[0].startswith("❗ No plan with the receipt code")
    refused = await verify(emulator, THIRD, f"/verify {code}", language_code="de")
    assert refused[0].startswith("❗ ") and "15 Minuten" in refused[0]
    limited = await verify(emulator, THIRD, "/verify ABCD-EFGN")
    assert "Try again in 15 minutes" in limited[0]  # in the language Telegram reports
    started = await verify(emulator, SECOND, f"/verify {code}")
    assert started[0].startswith(f"Double check of receipt {code}.")


async def test_in_a_group_a_stranger_gets_no_refusal_and_the_pointer_is_posted_once(
    emulator: BotApiEmulator,
    bot,  # noqa: F811
) -> None:
    await bot(allowed=f"{FIRST}")
    for user in (777, 778):
        await emulator.send_text(
            -2002, f"/verify ABCD-EFGH {user}", user_id=user, chat_type="group"
        )
    await settle(emulator, -2002)
    assert emulator.sent(-2002) == []
    for _ in range(3):
        await emulator.send_text(-2003, "/start", user_id=FIRST, chat_type="supergroup")
    messages = await settle(emulator, -2003)
    assert len(messages) == 1 and "private chat" in messages[0]["text"]
