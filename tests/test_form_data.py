"""The Mini App form's pieces without a browser: the reader of its data (bot/form_data.py), the
dialog's entry (dialogs/form.py), the page's routes and words (bot/webapp.py,
bot/form_texts.py) and the BOT_WEBAPP_URL setting."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot import form_data, webapp
from bot.config import ConfigError, load_settings
from bot.form_data import MAX_FORM_BYTES, form_url, read_form
from bot.form_texts import PAGE_TEXTS, page_strings
from dialogs.dialog import handle_text, start_verify
from dialogs.form import FORM_REFUSED, FORM_REFUSED_FIELD, form_answers, form_refused, handle_form
from dialogs.machine import PLAN, SUMMARY, Conversation
from dialogs.replies import Reply, Text
from dialogs.units import set_site_ulns, site_ulns
from locales import LANGUAGES
from rules.models import PlanRequest
from rules.units import parse_site_uln

TODAY = dt.date(2026, 12, 6)
CASE = {"bsa_m2": 1.8, "cycle": 2, "response": "CR", "anc": 1.8, "platelets": 120}


def test_a_valid_form_is_a_request() -> None:
    read = read_form(json.dumps(CASE), TODAY)
    assert isinstance(read, PlanRequest)
    assert read.bsa_m2 == Decimal("1.8") and read.cycle == 2


def test_size_limit_is_telegrams_in_bytes() -> None:
    text = json.dumps({**CASE, "response": "CRi"})
    padded = text + " " * (MAX_FORM_BYTES - len(text.encode()))
    assert isinstance(read_form(padded, TODAY), PlanRequest)
    assert read_form(padded + " ", TODAY) == form_refused("request")


def test_text_that_is_not_utf8_is_refused_before_it_is_read(monkeypatch: Any) -> None:
    def never(*args: Any) -> Any:
        raise AssertionError("read after all")

    monkeypatch.setattr(form_data, "read_request", never)
    assert read_form('{"cycle": 2, "bsa_m2": 1.8 \udcff}', TODAY) == form_refused("request")


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("anc", "ANC"),
        ("bilirubin.value", "Liver tests"),
        ("ast", "Liver tests"),
        ("cycle", "Cycle"),
    ],
)
def test_refusal_names_the_question(field: str, label: str) -> None:
    assert form_refused(field) == Reply("problem", FORM_REFUSED_FIELD, {"field": Text(label)})


@pytest.mark.parametrize("field", ["request", "patient_name", "today"])
def test_refusal_without_a_question(field: str) -> None:
    assert form_refused(field) == Reply("problem", FORM_REFUSED)


def test_contract_errors_refuse_with_the_field() -> None:
    refused = read_form(json.dumps({**CASE, "platelets": "120"}), TODAY)
    assert refused == form_refused("platelets")


def test_form_answers_are_what_the_form_filled() -> None:
    request = PlanRequest.model_validate(
        {**CASE, "bilirubin": {"value": 25, "unit": "umol/L", "uln": 21}}
    )
    answers = form_answers(request)
    assert "label" not in answers and "locale" not in answers and "hsct_planned" not in answers
    assert answers["bilirubin_uln"] == request.bilirubin_uln
    assert answers["bilirubin"] == request.bilirubin


def test_form_is_a_new_patient_and_keeps_the_chats_label() -> None:
    conversation = Conversation("en")
    conversation.label_choice = "EU"
    handle_text(conversation, "bsa=2.1 cycle=1 anc=2 plt=200 age=40", TODAY)
    request = read_form(json.dumps(CASE), TODAY)
    assert isinstance(request, PlanRequest)
    replies = handle_form(conversation, request)
    assert conversation.phase is PLAN
    assert conversation.draft.age_years is None, "nothing of the earlier patient"
    plan = replies[-1].plan
    assert plan is not None and plan.label == "EU"
    after = handle_text(conversation, "anc 1.5", TODAY)
    assert after[-1].plan is not None and conversation.phase is PLAN


def test_form_in_a_double_check_is_the_second_entry() -> None:
    conversation = Conversation("en")
    start_verify(conversation, "K7QM-2XPA")
    request = read_form(json.dumps(CASE), TODAY)
    assert isinstance(request, PlanRequest)
    replies = handle_form(conversation, request)
    assert conversation.verifying == "K7QM-2XPA" and conversation.phase is SUMMARY
    assert replies[-1].kind == "summary"
    compared = handle_text(conversation, "/plan", TODAY)
    assert compared[-1].kind == "verify" and compared[-1].request is not None
    assert compared[-1].request.cycle == 2


def test_form_with_an_essential_answer_missing_asks_for_it() -> None:
    request = read_form(json.dumps({**CASE, "anc": 0.5}), TODAY)
    assert isinstance(request, PlanRequest)
    conversation = Conversation("en")
    replies = handle_form(conversation, request)
    assert conversation.state == "ask_anc_baseline"
    assert replies[-1].kind == "prompt"


@pytest.fixture
def site_uln() -> Any:
    before = site_ulns()
    set_site_ulns({"bilirubin": parse_site_uln("bilirubin", "21 umol/L")})
    yield
    set_site_ulns(before)


def test_form_url_keeps_the_sites_query(site_uln: Any) -> None:
    url = form_url("https://h.example/app/?v=3&lang=xx", "ar")
    assert url == "https://h.example/app/?v=3&lang=ar&uln_bilirubin=21+%C2%B5mol%2FL"


def test_form_url_tells_an_adult_only_site_so_the_page_asks_no_age() -> None:
    from bot.protocol_file import read_protocol
    from dialogs.site_protocol import set_site_protocol, site_protocol

    before = site_protocol()
    assert "adult_only" not in form_url("https://h.example/app/", "en")
    example = Path(__file__).resolve().parent.parent / "docs" / "protocol.example.toml"
    set_site_protocol(read_protocol(example))  # adult_only_service = true
    try:
        assert form_url("https://h.example/app/?adult_only=0", "en").endswith("&adult_only=1")
    finally:
        set_site_protocol(before)


def test_every_language_has_the_pages_words() -> None:
    english = page_strings("en")["texts"]
    assert set(english) == set(PAGE_TEXTS)
    for lang in LANGUAGES:
        strings = page_strings(lang)
        assert all(strings["texts"].values())
        assert strings["dir"] == ("rtl" if lang == "ar" else "ltr")
        if lang != "en":
            assert strings["texts"]["send"] != english["send"], lang
    assert page_strings("de")["decimal"] == "," and page_strings("zh")["decimal"] == "."


def test_page_script_uses_only_words_it_is_given() -> None:
    html = (webapp.PAGE_DIR / "index.html").read_text()
    script = (webapp.PAGE_DIR / "form.js").read_text()
    used = set(re.findall(r'data-text="(\w+)"', html)) | set(re.findall(r'text\("(\w+)"\)', script))
    assert used - {"times_uln"} <= set(PAGE_TEXTS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def page() -> AsyncIterator[str]:
    app = web.Application()
    webapp.add_form_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_routes_serve_the_page_and_nothing_else(page: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{page}/app", allow_redirects=False) as answer:
            assert answer.status == 308 and answer.headers["Location"] == "/app/"
        async with session.get(f"{page}/app/") as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"].startswith("text/html")
            assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
            assert 'src="form.js"' in await answer.text()
        async with session.get(f"{page}/app/form.js") as answer:
            assert answer.headers["Content-Type"].startswith("text/javascript")
        async with session.get(f"{page}/app/strings/de.json") as answer:
            strings = await answer.json()
            assert strings["decimal"] == "," and strings["texts"]["cycle"] == "Zyklus"
        for path in ("/app/strings/xx.json", "/app/webapp.py", "/app/..%2Fwebapp.py", "/app/x/y"):
            async with session.get(page + path) as answer:
                assert answer.status == 404, path


def test_strings_file_prefers_a_fresh_build(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(webapp, "STRINGS_DIR", tmp_path)
    built = tmp_path / "de.json"
    built.write_bytes(b'{"built": true}')
    assert webapp.strings_file("de") == b'{"built": true}'
    os.utime(built, (0, 0))  # older than its catalog: made again from the catalog
    assert json.loads(webapp.strings_file("de"))["texts"]["cycle"] == "Zyklus"


def test_export_writes_the_page_for_a_static_host(tmp_path: Path) -> None:
    written = webapp.export_page(tmp_path)
    assert {path.name for path in written} >= {"index.html", "form.css", "form.js", "ar.json"}
    assert json.loads((tmp_path / "strings" / "ar.json").read_text())["dir"] == "rtl"


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("https://ward.example.org/app/", True),
        ("http://127.0.0.1:8080/app/", True),
        ("http://ward.example.org/app/", False),
        ("ward.example.org/app/", False),
        ("https://ward.example.org/app/#x", False),
    ],
)
def test_webapp_url_setting(given: str, ok: bool) -> None:
    env = {"BOT_WEBAPP_URL": given}
    if ok:
        assert load_settings(env).bot_webapp_url == given
    else:
        with pytest.raises(ConfigError, match=r"^BOT_WEBAPP_URL: "):
            load_settings(env)


def test_emulator_refuses_a_form_button_without_https() -> None:
    """As Telegram: a Mini App opens over https only (botapi_emulator/emulator.py)."""
    from botapi_emulator.emulator import ApiError, check_reply_markup

    def keyboard(url: str) -> dict[str, Any]:
        return {"keyboard": [[{"text": "📝 Form", "web_app": {"url": url}}]]}

    assert check_reply_markup(keyboard("https://h.example/app/?lang=en"))
    with pytest.raises(ApiError, match="BUTTON_URL_INVALID"):
        check_reply_markup(keyboard("http://h.example/app/"))


def test_export_command_for_a_static_host(tmp_path: Path) -> None:
    """`python -m bot.webapp DIR`, as README says a site runs it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "bot.webapp", str(tmp_path / "form")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "form" / "index.html").exists()
    assert json.loads((tmp_path / "form" / "strings" / "de.json").read_text())["decimal"] == ","
    usage = subprocess.run(
        [sys.executable, "-m", "bot.webapp"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert usage.returncode != 0 and "usage" in usage.stderr
