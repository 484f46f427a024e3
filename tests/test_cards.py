"""The dose card's buttons as data (bot/cards.py): the copied line, the calendar file, the ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from bot import cards, keyboards
from bot.config import ConfigError, load_settings
from bot.store import SessionStore
from dialogs.render import Renderer
from locales import LANGUAGES
from rules import PlanRequest, make_plan
from tests.test_card_layout import WORST

NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


def plan(**fields: object):  # type: ignore[no-untyped-def]
    base: dict[str, object] = {"bsa_m2": "1.8", "cycle": 2, "response": "CR"}
    return make_plan(PlanRequest.model_validate({**base, **fields}))


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_copied_line_is_one_plain_line_within_telegrams_limit(lang: str) -> None:
    for shown in (plan(), make_plan(PlanRequest.model_validate(WORST)), plan(bsa_m2="3.4")):
        line = cards.copy_line(shown, Renderer(lang))
        assert 1 <= len(line) <= cards.MAX_COPY_TEXT and "\n" not in line and "<" not in line


def test_the_copied_line_names_drug_label_cycle_doses_decision_and_rules() -> None:
    line = cards.copy_line(plan(cycle=1, response=None), Renderer("en"))
    assert line.startswith("Inotuzumab ozogamicin (USPI), cycle 1: D1 1.44 mg 5.76 mL; ")
    assert "D15 0.9 mg 3.6 mL. GIVE. Rules " in line
    held = cards.copy_line(plan(platelets="20", platelets_baseline="150"), Renderer("en"))
    assert ": –. HOLD." in held and "mg" not in held  # no dose to copy when none is given
    omitted = cards.copy_line(plan(day=8, interruption_days=9), Renderer("en"))
    assert "D8 omitted; D15 0.9 mg 3.6 mL" in omitted


def test_the_receipt_code_and_the_label_are_copied() -> None:
    shown = plan().model_copy(update={"receipt": "K7QM-2XPA"})  # as stored (bot/receipts.py)
    assert cards.copy_line(shown, Renderer("en")).endswith(
        f". Receipt {shown.receipt}. DRAFT: not signed by the site's pharmacy"
    )
    assert "(USPI)" in cards.copy_line(shown, Renderer("en"))
    assert "(SmPC)" in cards.copy_line(plan(label="EU"), Renderer("en"))


def test_the_calendar_file_has_the_dose_days_and_nothing_of_the_patient() -> None:
    content = cards.calendar_file(plan(start_date="2026-12-30"), Renderer("en"), "abc", NOW)
    assert content is not None
    events = list(icalendar.Calendar.from_ical(content).walk("VEVENT"))
    assert [event.decoded("DTSTART") for event in events] == [
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 6),
        dt.date(2027, 1, 13),
    ]
    assert len({str(event["UID"]) for event in events}) == 3
    for value in (b"1.8", b"0.9", b"mg", b"CR"):
        assert value not in content
    assert cards.calendar_file(plan(), Renderer("en"), "abc", NOW) is None  # no dates
    held = plan(start_date="2026-12-30", platelets="20", platelets_baseline="150")
    assert cards.calendar_file(held, Renderer("en"), "abc", NOW) is None


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


TTL = dt.timedelta(hours=12)


def test_cards_are_kept_in_the_store_for_their_owner_only(tmp_path: Path) -> None:
    shelf = cards.CardShelf(SessionStore(tmp_path / "state.sqlite3", ttl=TTL))
    card = cards.Card(1, plan(start_date="2026-12-03"), ("Toxicity",))
    card_id = shelf.add(card, chat_id=1)
    assert shelf.get(card_id, 1) == card and shelf.get(card_id, 2) is None
    assert shelf.get("unknown", 1) is None and shelf.get("", 1) is None
    assert shelf.get("x" * 65, 1) is None


def test_a_card_survives_a_restart_with_its_numbers_typed_and_rendered_alike(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL)
    card = cards.Card(1, make_plan(PlanRequest.model_validate(WORST)), ("Toxicity",))
    card_id = cards.CardShelf(store).add(card, chat_id=1)
    store.close()
    kept = cards.CardShelf(SessionStore(path, ttl=TTL)).get(card_id, 1)
    assert kept == card
    for lang in ("en", "de", "ar"):  # decimals in warning parameters still the locale's way
        assert Renderer(lang, html=True).plan(kept.plan, kept.unchecked) == Renderer(
            lang, html=True
        ).plan(card.plan, card.unchecked)


def test_cards_expire_with_the_ttl_and_forget_erases_them(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "state.sqlite3", ttl=TTL, clock=clock)
    shelf = cards.CardShelf(store)
    old = shelf.add(cards.Card(1, plan(), ()), chat_id=1)
    clock.now += TTL
    fresh = shelf.add(cards.Card(1, plan(), ()), chat_id=1)
    group = shelf.add(cards.Card(1, plan(), ()), chat_id=-100)  # made in a group, by user 1
    other = shelf.add(cards.Card(2, plan(), ()), chat_id=2)
    clock.now += dt.timedelta(seconds=1)
    assert shelf.get(old, 1) is None and shelf.get(fresh, 1) is not None
    assert store.purge_expired() == 0  # the expired card was already erased when asked for
    store.forget(1)
    assert shelf.get(fresh, 1) is None and shelf.get(group, 1) is None
    assert shelf.get(other, 2) is not None


def test_a_card_the_store_cannot_keep_is_shown_and_its_buttons_say_so(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "state.sqlite3", ttl=TTL)
    shelf = cards.CardShelf(store)
    store.close()
    card_id = shelf.add(cards.Card(1, plan(), ()), chat_id=1)
    assert card_id and shelf.get(card_id, 1) is None


def test_a_damaged_card_row_is_not_a_card() -> None:
    assert cards.card_from_document(1, {"plan": {"decision": "give"}}) is None
    assert cards.card_from_document(1, {}) is None
    assert cards.card_from_document(1, {"plan": []}) is None


def test_card_callback_data_is_decoded_only_when_well_formed() -> None:
    assert keyboards.decode("card|ics:AbC-_9") == ("card", "ics:AbC-_9")
    assert keyboards.decode("card|team:x1") == ("card", "team:x1")
    for forged in ("card|ics:", "card|rm:abc", "card|ics:a b", "card|ics:" + "a" * 40):
        assert keyboards.decode(forged) is None


def test_team_language_setting_is_a_shipped_language() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "1:abc", "BOT_TEAM_LANGUAGE": "EN"}
    assert load_settings(env).bot_team_language == "en"
    assert load_settings({**env, "BOT_TEAM_LANGUAGE": ""}).bot_team_language is None
    with pytest.raises(ConfigError):
        load_settings({**env, "BOT_TEAM_LANGUAGE": "xx"})


def test_a_state_file_of_schema_3_gains_the_cards_table(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "state.sqlite3"
    store = SessionStore(path, ttl=TTL)
    store.save(5, {"state": "ask_anc"})
    store.close()
    old = sqlite3.connect(path)
    old.execute("DROP TABLE cards")
    old.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    old.commit()
    old.close()
    reopened = SessionStore(path, ttl=TTL)
    assert reopened.load(5) == {"state": "ask_anc"}, "nothing lost"
    card_id = cards.CardShelf(reopened).add(cards.Card(5, plan(), ()), chat_id=5)
    assert cards.CardShelf(reopened).get(card_id, 5) is not None
