"""The double check's comparison (dialogs/verify.py), who learns what, its phase in the
machine, the receipts table of the store, the check codes and guesses (bot/receipts.py) and
the console's /verify."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot import receipts
from bot.console import ConsoleChat
from bot.store import SessionStore
from dialogs.dialog import handle_text, start_verify
from dialogs.machine import PLAN, SUMMARY, Conversation
from dialogs.render import Renderer
from dialogs.verify import (
    compare,
    from_document,
    requester_reply,
    stored_document,
    verifier_replies,
)
from rules import PlanRequest, make_plan

TODAY = dt.date(2026, 12, 2)
BASE: dict[str, Any] = {
    "bsa_m2": "1.73",
    "cycle": 2,
    "response": "CR",
    "anc": "1.6",
    "platelets": "87",
}


def request(**changes: Any) -> PlanRequest:
    return PlanRequest.model_validate({**BASE, **changes})


def comparison(**changes: Any) -> Any:
    first = request()
    return compare(first, make_plan(first), request(**changes))


def test_the_same_entry_matches() -> None:
    assert comparison().match


@pytest.mark.parametrize(
    "changes",
    [
        {"bsa_m2": "1.730"},
        {"bsa_m2": None, "height_cm": "170", "weight_kg": "63.5"},
        {"locale": "de"},
        {"anc": Decimal("1.60")},
    ],
)
def test_representation_is_a_match(changes: dict[str, Any]) -> None:
    assert comparison(**changes).match


def test_a_value_written_more_precisely_matches_only_when_the_plan_is_the_same() -> None:
    # 1.619 ×ULN (a converted value) against 1.62 typed: the same plan, the same value.
    first = request(bilirubin_uln="1.62")
    same = compare(first, make_plan(first), request(bilirubin_uln="1.619"))
    assert same.match
    # A different value is a mismatch even when it gives the same plan.
    different = comparison(anc="1.7")
    assert not different.match and different.same_plan
    assert [name for name, _, _ in different.fields] == ["anc"]


def test_the_liver_steps_normal_matches_a_typed_value_within_normal_limits() -> None:
    """Normal is stored as 1 ×ULN; a colleague who types the lab's 0.4 ×ULN read the same
    thing. A value above normal, in either entry, is still a difference."""
    normal = {"bilirubin_uln": "1", "ast_uln": "1", "alt_uln": "1"}
    first = request(**normal)
    typed = compare(
        first, make_plan(first), request(bilirubin_uln="0.4", ast_uln="0.3", alt_uln="0.9")
    )
    assert typed.match
    above = compare(first, make_plan(first), request(**{**normal, "alt_uln": "1.4"}))
    assert not above.match and [name for name, _, _ in above.fields] == ["alt_uln"]
    # Only the liver multiples are ranges: 0.4 against 1 in another field is two values.
    assert not comparison(anc="0.4").match


def test_a_mismatch_lists_fields_and_doses() -> None:
    result = comparison(bsa_m2="2.1")
    assert not result.match and [name for name, _, _ in result.fields] == ["bsa_m2"]
    assert [day for day, _, _ in result.doses] == [1, 8, 15]


def test_the_verifier_learns_what_differs_and_never_the_first_entrys_values() -> None:
    result = comparison(platelets="20", platelets_baseline="150", bsa_m2="1.83")
    assert not result.match and result.decision == ("give", "hold")
    text = "\n".join(Renderer("en").reply(reply) for reply in verifier_replies("AAAA-BBBB", result))
    assert "• Decision: differs" in text and "• plt: differs" in text
    assert "• bsa: differs" in text and "• Dose: Day 1 differs" in text
    for first_value in ("87", "1.73", "GIVE", "HOLD", "0.87", "0.5", "mg"):
        assert first_value not in text, first_value
    assert "resolve the difference with the colleague who made the plan" in text


def test_the_requester_gets_one_message_with_both_values_from_their_side() -> None:
    result = comparison(platelets="20", platelets_baseline="150", bsa_m2="1.83")
    text = Renderer("en").reply(requester_reply("AAAA-BBBB", result, "Ana"))
    assert text.startswith("❌ Mismatch: your colleague's entry differs from your plan.")
    assert "• Checked by: Ana" in text and "• Receipt: AAAA-BBBB" in text
    assert "• Decision: give (yours) vs hold (theirs)" in text
    assert "• plt: 87 (yours) vs 20 (theirs)" in text
    assert "• bsa: 1.73 (yours) vs 1.83 (theirs)" in text
    assert "• Dose: Day 1: 0.5 mg/m² = 0.87 mg (yours) vs no dose (theirs)" in text
    match = Renderer("en").reply(requester_reply("AAAA-BBBB", comparison(), "Ana"))
    assert match == (
        "✅ Match: Ana entered the values again and got the same plan as yours (receipt AAAA-BBBB)."
    )


@pytest.mark.parametrize("lang", ["de", "ru", "ar", "zh"])
def test_the_outcome_words_come_from_the_catalog(lang: str) -> None:
    match = Renderer(lang).reply(verifier_replies("AAAA-BBBB", comparison())[0])
    mismatch = Renderer(lang).reply(verifier_replies("AAAA-BBBB", comparison(anc="1.7"))[0])
    told = Renderer(lang).reply(requester_reply("AAAA-BBBB", comparison(anc="1.7"), "Ana"))
    assert "Match" not in match and "Mismatch" not in mismatch + told
    assert "✅" in match and "❌" in mismatch and "❌" in told
    assert "(yours)" not in told and "differs" not in mismatch


def test_the_stored_document_gives_back_the_same_request_and_plan() -> None:
    first = request(start_date=dt.date(2026, 12, 7), bsa_m2="1.805", anc_baseline="2.5")
    plan = make_plan(first)
    restored = from_document(stored_document(first, plan))
    assert restored == (first, plan)
    assert from_document({"request": {"cycle": "x"}, "rules": plan.ruleset_version}) is None
    assert from_document({}) is None
    # Stored under other rules: that plan is not made again under these.
    assert from_document({**stored_document(first, plan), "rules": "2000.1.1"}) is None


# The machine: the verifying phase ---------------------------------------------------------


def test_a_blind_entry_starts_empty_and_goes_through_its_own_summary() -> None:
    conversation = Conversation()
    handle_text(conversation, "bsa=1.9 cycle=1 hsct=no anc=2 plt=150", TODAY)
    assert conversation.phase is PLAN
    start_verify(conversation, "AAAA-BBBB")
    assert conversation.verifying == "AAAA-BBBB" and conversation.answers() == {}
    handle_text(conversation, "bsa=1.73 cycle=2 response=CR anc=1.6 plt=87", TODAY)
    assert conversation.phase is SUMMARY  # not the plan: the verifier reviews their own entry
    replies = handle_text(conversation, "/plan", TODAY)
    assert [reply.kind for reply in replies] == ["verify"]
    assert replies[0].request == request()
    assert conversation.phase is PLAN and conversation.verifying is None
    stored = Conversation.from_dict(conversation.to_dict())
    assert stored.verifying is None


def test_new_ends_a_check_and_the_check_survives_a_restart_of_the_bot() -> None:
    conversation = Conversation()
    start_verify(conversation, "AAAA-BBBB")
    assert Conversation.from_dict(conversation.to_dict()).verifying == "AAAA-BBBB"
    handle_text(conversation, "/new", TODAY)
    assert conversation.verifying is None


# The store: receipts ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_receipts_expire_with_the_ttl_and_are_purged(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=12), clock=clock)
    first = request()
    store.save_receipt("AAAA-BBBB", 1, stored_document(first, make_plan(first)))
    store.save_receipt("CCCC-DDDD", 1, stored_document(first, make_plan(first)))
    assert store.receipt("AAAA-BBBB") is not None
    clock.now += dt.timedelta(hours=13)
    assert store.receipt("AAAA-BBBB") is None
    assert store.stats()["receipts"] == 1
    store.purge_expired()
    assert store.stats()["receipts"] == 0
    store.close()


def test_a_version_2_database_gains_the_receipts_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE sessions (
                chat_id INTEGER PRIMARY KEY, document TEXT NOT NULL, updated_at REAL NOT NULL);
            CREATE TABLE preferences (chat_id INTEGER PRIMARY KEY, language TEXT NOT NULL);
            CREATE TABLE seen_updates (seq INTEGER PRIMARY KEY, update_id INTEGER NOT NULL UNIQUE);
            INSERT INTO meta VALUES ('schema_version', '2');
            INSERT INTO preferences VALUES (7, 'de');
            """
        )
    store = SessionStore(path, ttl=dt.timedelta(hours=12))
    assert store.language(7) == "de" and store.stats()["receipts"] == 0
    store.close()


def test_a_check_is_counted_and_only_the_planning_chat_is_told(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=12))
    first = Conversation()
    entry = "bsa=1.73 cycle=2 response=CR anc=1.6 plt=87"
    replies, _ = receipts.settle(store, 1, handle_text(first, entry, TODAY), 12, "x", first)
    code = next(reply.plan.receipt for reply in replies if reply.plan is not None)
    assert receipts.begin(store, 2, code, 12) == code
    second = Conversation()
    start_verify(second, code)
    handle_text(second, "bsa=1.73 cycle=2 response=CR anc=1.6 plt=87", TODAY)
    shown, notice = receipts.settle(store, 2, handle_text(second, "/plan", TODAY), 12, "Ana")
    assert notice is None  # no check was asked for from the bot
    assert shown[0].key.startswith("✅ Match")
    asked, _ = receipts.settle(store, 1, handle_text(first, "/check", TODAY), 12, "x", first)
    assert asked[0].values == {"code": code}  # the plan shown again keeps its code
    third = Conversation()
    start_verify(third, code)
    handle_text(third, "bsa=1.73 cycle=2 response=CR anc=1.6 plt=88", TODAY)
    shown, notice = receipts.settle(store, 3, handle_text(third, "/plan", TODAY), 12, "Bo")
    assert notice is not None and notice.chat_id == 1 and len(notice.replies) == 1
    told = Renderer("en").reply(notice.replies[0])
    assert "• plt: 87 (yours) vs 88 (theirs)" in told and "• Checked by: Bo" in told
    assert shown[0].key.startswith("❌ Mismatch") and store.receipt(code).checks == 2
    store.close()


# The console ------------------------------------------------------------------------------


def test_the_console_verifies_against_the_same_database(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=12))
    first = Conversation()
    replies, _ = receipts.settle(
        store,
        4242,
        handle_text(first, "bsa=1.73 cycle=2 response=CR anc=1.6 plt=87", TODAY),
        12,
        "x",
    )
    code = next(reply.plan.receipt for reply in replies if reply.plan is not None)
    out = io.StringIO()
    chat = ConsoleChat(out, "en", today=lambda: TODAY, store=store)
    chat.answer(f"/verify {code}")
    chat.answer("/summary")
    chat.answer("/back")
    blind = out.getvalue()
    assert "87" not in blind and "1.73" not in blind and "GIVE" not in blind
    chat.answer("bsa 1.73 cycle 2 response CR anc 1,6 plt 87")
    assert "Match" not in out.getvalue()
    chat.answer("/plan")
    assert f"✅ Match: your entry gives the same plan as receipt {code}." in out.getvalue()
    chat.answer("/verify ZZZZ-ZZZZ")
    assert "No plan with the receipt code ZZZZ-ZZZZ is stored" in out.getvalue()
    store.close()


def test_the_console_without_a_database_says_what_a_check_needs() -> None:
    out = io.StringIO()
    chat = ConsoleChat(out, "en", today=lambda: TODAY)
    chat.answer("/verify AAAA-BBBB")
    assert "state database" in out.getvalue()
    chat.answer("bsa=1.73 cycle=2 response=CR anc=1.6 plt=87")
    chat.answer("/check")
    assert out.getvalue().count("state database") == 2


def test_the_chat_that_planned_a_code_first_keeps_it(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite3", ttl=dt.timedelta(hours=12))
    first = request()
    document = stored_document(first, make_plan(first))
    assert store.save_receipt("AAAA-BBBB", 1, document, new=True)
    assert store.request_check("AAAA-BBBB", 1)
    assert not store.save_receipt("AAAA-BBBB", 2, document)  # never another chat's
    assert not store.save_receipt("AAAA-BBBB", 2, document, new=True)
    assert not store.save_receipt("AAAA-BBBB", 1, document, new=True)  # a new code is new
    assert store.save_receipt("AAAA-BBBB", 1, document)  # the same plan again: refreshed
    kept = store.receipt("AAAA-BBBB")
    assert kept is not None and kept.chat_id == 1 and kept.notify
    assert not store.request_check("AAAA-BBBB", 2)
    store.forget(2)
    assert store.receipt("AAAA-BBBB") is not None
    store.forget(1)
    assert store.receipt("AAAA-BBBB") is None
    store.close()
