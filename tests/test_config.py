"""Settings from the environment: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-secret"


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.telegram_bot_token is None
    assert settings.bot_mode == "polling" and settings.bot_allowed_users == frozenset()
    assert settings.ttl == dt.timedelta(hours=12)
    assert settings.bot_db_path.name == "state.sqlite3"
    assert settings.base_file_url == "https://api.telegram.org/file/bot"


def test_values_are_parsed() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "BOT_ALLOWED_USERS": "11, 22,33",
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "abc_DEF-1",
            "BOT_STATE_TTL_HOURS": "4",
            "LOG_LEVEL": "debug",
            "BOT_DB_PATH": "/tmp/x.sqlite3",
        }
    )
    assert settings.bot_allowed_users == frozenset({11, 22, 33})
    assert settings.webhook_path == "telegram" and settings.ttl == dt.timedelta(hours=4)
    assert settings.log_level == "DEBUG"
    assert settings.telegram_bot_token is not None
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BOT_ALLOWED_USERS": "12,abc"}, "BOT_ALLOWED_USERS"),
        ({"BOT_MODE": "webhook"}, "WEBHOOK_URL"),
        (
            {"BOT_MODE": "webhook", "WEBHOOK_URL": "http://example.org/x", "WEBHOOK_SECRET": "s"},
            "WEBHOOK_URL",
        ),
        ({"BOT_MODE": "webhook", "WEBHOOK_URL": "https://example.org/x"}, "WEBHOOK_SECRET"),
        (
            {
                "BOT_MODE": "webhook",
                "WEBHOOK_URL": "https://example.org/x",
                "WEBHOOK_SECRET": "has space",
            },
            "WEBHOOK_SECRET",
        ),
        ({"BOT_STATE_TTL_HOURS": "0"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_MODE": "push"}, "BOT_MODE"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
    ],
)
def test_bad_values_name_the_variable_and_hide_the_token(env: dict, variable: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
    assert str(error.value).startswith(variable)
    assert TOKEN not in str(error.value)


def test_local_http_webhook_is_allowed_for_tests() -> None:
    settings = load_settings(
        {"BOT_MODE": "webhook", "WEBHOOK_URL": "http://127.0.0.1:8443/hook", "WEBHOOK_SECRET": "s"}
    )
    assert settings.webhook_path == "hook"
