"""Settings from the environment: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-secret"
WEBHOOK = {
    "BOT_MODE": "webhook",
    "WEBHOOK_URL": "https://bot.example.org/telegram",
    "WEBHOOK_SECRET": "abc_DEF-1",
}


def test_defaults() -> None:
    settings = load_settings({"HOME": "/home/dr"})
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_mode == "polling" and settings.bot_allowed_users == frozenset()
    assert settings.ttl == dt.timedelta(hours=12) and settings.bot_state_ttl_hours == 12
    assert settings.bot_db_path == Path("/home/dr/.local/share/besponsa-bot/state.sqlite3")
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.webhook_listen == "0.0.0.0" and settings.webhook_port == 8443
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.log_level == "INFO"


def test_values_are_parsed() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "BOT_ALLOWED_USERS": "11, 22,33",
            **WEBHOOK,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": "8080",
            "BOT_STATE_TTL_HOURS": "4",
            "LOG_LEVEL": "debug",
            "BOT_DB_PATH": "/tmp/x.sqlite3",
        }
    )
    assert settings.bot_allowed_users == frozenset({11, 22, 33})
    assert settings.webhook_path == "telegram" and settings.ttl == dt.timedelta(hours=4)
    assert settings.webhook_listen == "127.0.0.1" and settings.webhook_port == 8080
    assert settings.log_level == "DEBUG" and settings.bot_mode == "webhook"
    assert settings.bot_db_path == Path("/tmp/x.sqlite3")
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.webhook_secret is not None
    assert TOKEN not in repr(settings) and "abc_DEF-1" not in repr(settings)
    assert TOKEN not in str(settings.model_dump())


def test_the_process_environment_is_read_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_ALLOWED_USERS", "5,6")  # not JSON: NoDecode
    monkeypatch.setenv("bot_mode", "polling")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f" {TOKEN}\n")
    settings = load_settings()
    assert settings.bot_allowed_users == frozenset({5, 6})
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN, "pasted whitespace stripped"


def test_an_explicit_mapping_ignores_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_MODE", "webhook")
    monkeypatch.setenv("BOT_ALLOWED_USERS", "5")
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    settings = load_settings({"HOME": "/home/dr"})
    assert settings.bot_mode == "polling" and settings.bot_allowed_users == frozenset()
    assert settings.bot_db_path == Path("/home/dr/.local/share/besponsa-bot/state.sqlite3")


def test_process_environment_errors_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ALLOWED_USERS", "everyone")
    with pytest.raises(ConfigError, match=r"^BOT_ALLOWED_USERS: "):
        load_settings()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_DATA_HOME": "/srv/data"}, "/srv/data/besponsa-bot/state.sqlite3"),
        (
            {"XDG_DATA_HOME": "relative/dir", "HOME": "/h"},
            "/h/.local/share/besponsa-bot/state.sqlite3",
        ),
        ({"XDG_DATA_HOME": "", "HOME": "/h"}, "/h/.local/share/besponsa-bot/state.sqlite3"),
        ({"BOT_DB_PATH": "/var/lib/bot/s.db", "XDG_DATA_HOME": "/x"}, "/var/lib/bot/s.db"),
    ],
)
def test_database_path(env: dict[str, str], expected: str) -> None:
    assert load_settings(env).bot_db_path == Path(expected)


def test_database_path_expands_the_home_directory() -> None:
    path = load_settings({"BOT_DB_PATH": "~/bot/state.sqlite3"}).bot_db_path
    assert path.is_absolute() and "~" not in str(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", frozenset()),
        ("  ", frozenset()),
        ("42", frozenset({42})),
        ("1,2,2,3,", frozenset({1, 2, 3})),
        (" 7 , 8 ", frozenset({7, 8})),
    ],
)
def test_allowed_users(raw: str, expected: frozenset[int]) -> None:
    assert load_settings({"BOT_ALLOWED_USERS": raw}).bot_allowed_users == expected


def test_empty_variables_count_as_unset() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "", "BOT_STATE_TTL_HOURS": "", "BOT_MODE": ""})
    assert settings.telegram_bot_token is None
    assert settings.bot_state_ttl_hours == 12 and settings.bot_mode == "polling"


@pytest.mark.parametrize(
    ("base", "file_base"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("https://proxy.example.org/tg/bot", "https://proxy.example.org/tg/file/bot"),
    ],
)
def test_base_file_url(base: str, file_base: str) -> None:
    assert load_settings({"TELEGRAM_API_BASE_URL": base}).base_file_url == file_base


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8443/hook", "http://localhost:9999/hook", "https://bot.example.org:88/h"],
)
def test_acceptable_webhook_urls(url: str) -> None:
    settings = load_settings({**WEBHOOK, "WEBHOOK_URL": url})
    assert settings.webhook_url == url


def test_local_http_webhook_is_allowed_for_tests() -> None:
    settings = load_settings(
        {"BOT_MODE": "webhook", "WEBHOOK_URL": "http://127.0.0.1:8443/hook", "WEBHOOK_SECRET": "s"}
    )
    assert settings.webhook_path == "hook"


def test_webhook_settings_are_not_required_for_polling() -> None:
    settings = load_settings({"WEBHOOK_URL": "http://example.org/x"})
    assert settings.bot_mode == "polling"


def test_secret_of_256_characters_is_accepted() -> None:
    assert load_settings({**WEBHOOK, "WEBHOOK_SECRET": "a" * 256}).webhook_secret is not None


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BOT_ALLOWED_USERS": "12,abc"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "12;13"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "12 13"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "[12, 13]"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "-100123"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "0"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "1.5"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "١٢٣"}, "BOT_ALLOWED_USERS"),
        ({"BOT_MODE": "webhook"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "http://example.org/x"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "ftp://example.org/x"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "/relative/path"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "https://example.org:8080/x"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET"),
        ({"BOT_MODE": "webhook", "WEBHOOK_URL": "https://example.org/x"}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "a" * 257}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "ünï"}, "WEBHOOK_SECRET"),
        ({"BOT_STATE_TTL_HOURS": "0"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_STATE_TTL_HOURS": "-3"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_STATE_TTL_HOURS": "twelve"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_MODE": "push"}, "BOT_MODE"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_PORT": "https"}, "WEBHOOK_PORT"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "api.telegram.org/bot"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_bad_values_name_the_variable_and_hide_the_token(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
    message = str(error.value)
    assert message.startswith(f"{variable}: "), message
    assert "\n" not in message
    assert TOKEN not in message and TOKEN.split(":")[1] not in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


@pytest.mark.parametrize(
    "env",
    [
        {"TELEGRAM_BOT_TOKEN": "not a token " + TOKEN},
        {"TELEGRAM_BOT_TOKEN": TOKEN + "!"},
        {"WEBHOOK_PORT": TOKEN},
        {"BOT_ALLOWED_USERS": TOKEN},
        {"BOT_MODE": TOKEN},
        {"LOG_LEVEL": TOKEN},
        {**WEBHOOK, "WEBHOOK_SECRET": TOKEN},
        {**WEBHOOK, "WEBHOOK_URL": f"http://example.org/{TOKEN}"},
    ],
)
def test_a_token_in_any_variable_is_never_echoed(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in str(error.value)


def test_settings_type_is_a_base_settings() -> None:
    from pydantic_settings import BaseSettings

    assert issubclass(Settings, BaseSettings)
