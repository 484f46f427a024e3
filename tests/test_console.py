"""The console chat, run as a new user runs it: the installed `besponsa-bot` command."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import run_console
from locales import LANGUAGES

COMMAND = shutil.which("besponsa-bot", path=str(Path(sys.executable).parent)) or "besponsa-bot"


def chat(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    return subprocess.run(
        [COMMAND, *args], input=text, capture_output=True, text=True, env=env, timeout=60
    )


def test_piped_quick_form_prints_the_plan_and_exits() -> None:
    result = chat("bsa=1.8 cycle=2 response=CR\n", "chat")
    assert result.returncode == 0, result.stderr
    assert "GIVE" in result.stdout
    assert "0.9 mg" in result.stdout and "2.7 mg" in result.stdout
    assert result.stderr == ""


def test_no_token_and_no_command_runs_the_console_chat() -> None:
    result = chat("1.8\n")
    assert result.returncode == 0, result.stderr
    assert "cycle" in result.stdout.lower()


def test_guided_answers_line_by_line_with_option_letters() -> None:
    out = io.StringIO()
    # 1.8 m²; cycle 1 (typed, or option a); option a = 18 or older; option b = "No" (HSCT);
    # ANC and platelets in one line; option a = no blasts: the plan.
    script = "1.8\n1\na\nb\n2.1 150\na\n"
    assert run_console(io.StringIO(script), out) == 0
    text = out.getvalue()
    assert "GIVE" in text and "1.44 mg" in text, text


def test_bad_input_is_explained_and_the_question_repeated() -> None:
    out = io.StringIO()
    run_console(io.StringIO("abc\n"), out)
    text = out.getvalue()
    assert "❗" in text and "m²" in text


def test_language_option_formats_numbers_for_the_locale() -> None:
    if "de" not in LANGUAGES:
        pytest.skip("the German catalog is not complete yet, so German is not offered")
    result = chat("bsa=1,8 cycle=2 response=CR\n", "chat", "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert "0,9 mg" in result.stdout


def test_db_url_keeps_the_consoles_receipts_in_postgresql(pg_url: str) -> None:
    """`chat --db-url`: the workstation path to the bot's shared database; a plan's receipt is
    kept there, for a check through the bot."""
    import datetime as dt

    from bot.pg_store import PgSessionStore

    result = chat(
        "bsa=1.73 cycle=2 response=CR hsct=no anc=1.6 plt=87\n", "chat", "--db-url", pg_url
    )
    assert result.returncode == 0, result.stderr
    store = PgSessionStore(pg_url, ttl=dt.timedelta(hours=12))
    assert store.stats()["receipts"] == 1
    store.close()
    refused = chat("", "chat", "--db-url", "sqlite:///x")
    assert refused.returncode != 0 and "postgresql://" in refused.stderr
