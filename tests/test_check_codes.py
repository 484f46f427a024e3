"""Check codes as the transport draws them (bot/receipts.py): they carry nothing of the values,
belong to one plan of one chat, and a guesser is limited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import receipts
from bot.receipts import GuessLimiter, keep
from bot.store import SessionStore
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Reply
from rules import RULESET_VERSION, PlanRequest, make_plan
from rules.receipt import ALPHABET, fingerprint

requests = st.fixed_dictionaries(
    {
        "bsa_m2": st.decimals(min_value="0.5", max_value="3", places=2),
        "cycle": st.integers(2, 6),
        "response": st.sampled_from(["CR", "CRi", "none"]),
        "anc": st.decimals(min_value="0", max_value="20", places=1),
        "platelets": st.integers(0, 900).map(Decimal),
    }
)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    kept = SessionStore(tmp_path / "state.sqlite3", ttl=dt.timedelta(hours=12))
    yield kept
    kept.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(requests)
def test_equal_requests_get_different_codes_and_the_same_fingerprint(
    store: SessionStore, values: dict[str, Any]
) -> None:
    """The code is not a function of the request: the same request, stored in two chats or
    for two patients in one chat, gets two codes; the fingerprint is the same for both."""
    request = PlanRequest.model_validate(values)
    plan = make_plan(request)
    codes = [
        keep(store, 1, request, plan, Conversation()),
        keep(store, 2, request, plan, Conversation()),
        keep(store, 1, request, plan, Conversation()),
    ]
    assert len(set(codes)) == 3
    assert fingerprint(request, RULESET_VERSION) == fingerprint(
        PlanRequest.model_validate(values), RULESET_VERSION
    )
    for code, chat in zip(codes, (1, 2, 1), strict=True):
        held = store.receipt(code)
        assert held is not None and held.chat_id == chat


def test_codes_of_one_request_spread_over_the_alphabet_like_any_other(store: SessionStore) -> None:
    """Each symbol position of 600 codes of one request, compared with the uniform draw: no
    symbol stands out (a code derived from values would repeat one symbol 600 times)."""
    request = PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 2, "response": "CR"})
    plan = make_plan(request)
    codes = [keep(store, 7, request, plan, None).replace("-", "") for _ in range(600)]
    for position in range(8):
        counts = Counter(code[position] for code in codes)
        assert set(counts) <= set(ALPHABET) and max(counts.values()) < 60  # expected 18.75


def test_the_plan_shown_again_keeps_its_code_and_another_plan_gets_a_new_one(
    store: SessionStore,
) -> None:
    conversation = Conversation()
    first = PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 2, "response": "CR"})
    code = keep(store, 1, first, make_plan(first), conversation)
    assert keep(store, 1, first, make_plan(first), conversation) == code
    assert Conversation.from_dict(conversation.to_dict()).check_code == conversation.check_code
    other = PlanRequest.model_validate({"bsa_m2": "1.9", "cycle": 2, "response": "CR"})
    assert keep(store, 1, other, make_plan(other), conversation) != code
    conversation.reset()  # /new: a new patient
    assert keep(store, 1, first, make_plan(first), conversation) != code


def test_a_code_taken_by_another_chat_is_never_reused(store: SessionStore) -> None:
    request = PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 2, "response": "CR"})
    conversation = Conversation()
    code = keep(store, 1, request, make_plan(request), conversation)
    store.forget(1)
    assert store.save_receipt(code, 2, {"request": {}, "rules": "x"}, new=True)
    assert keep(store, 1, request, make_plan(request), conversation) != code
    assert store.receipt(code).chat_id == 2  # type: ignore[union-attr]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_counts_wrong_codes_per_user_within_the_window() -> None:
    clock = Clock()
    limiter = GuessLimiter(limit=3, window=600, clock=clock)
    for _ in range(2):
        limiter.wrong(1)
        clock.now += 10
    assert limiter.wait_minutes(1) == 0
    limiter.wrong(1)
    assert limiter.wait_minutes(1) == 10  # the first wrong code, 20 s ago, ages out in 9m40s
    assert limiter.wait_minutes(2) == 0  # another user is not limited by these
    clock.now += 579
    assert limiter.wait_minutes(1) == 1
    clock.now += 1
    assert limiter.wait_minutes(1) == 0


def test_the_limit_remembers_a_bounded_number_of_users() -> None:
    limiter = GuessLimiter(limit=1, users=100, clock=Clock())
    for user in range(1000):
        limiter.wrong(user)
    assert len(limiter._wrong) == 100
    assert limiter.wait_minutes(999) > 0 and limiter.wait_minutes(0) == 0


@pytest.mark.parametrize(("lang", "minutes", "word"), [("en", 1, "minute."), ("ru", 3, "минуты")])
def test_the_limit_and_a_bare_verify_are_answered_in_the_users_language(
    store: SessionStore, lang: str, minutes: int, word: str
) -> None:
    clock = Clock()
    limiter = GuessLimiter(limit=1, window=minutes * 60, clock=clock)
    assert isinstance(receipts.begin(store, 5, "ABCD-EFGH", 12, limiter), Reply)
    refused = receipts.begin(store, 5, "ABCD-EFGJ", 12, limiter)
    assert isinstance(refused, Reply)
    text = Renderer(lang).reply(refused)
    assert str(minutes) in text and word in text
    bare = receipts.begin(store, 5, "  ", 12, limiter)
    assert isinstance(bare, Reply) and "/verify K7QM-2XPA" in Renderer(lang).reply(bare)


def test_a_plan_stored_under_other_rules_is_not_checked(store: SessionStore) -> None:
    store.save_receipt("ABCD-EFGH", 1, {"request": {"bsa_m2": "1.8"}, "rules": "1999.1.1"})
    stale = receipts.begin(store, 2, "abcd efgh", 12)
    assert isinstance(stale, Reply) and stale.key.startswith("Receipt {code} was planned under")
