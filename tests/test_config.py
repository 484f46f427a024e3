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
    settings = load_settings({"HOME": "/home/ward"})
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_mode == "polling" and settings.bot_allowed_users == frozenset()
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.webhook_listen == "0.0.0.0" and settings.webhook_port == 8443
    assert settings.bot_state_ttl_hours == 12 and settings.ttl == dt.timedelta(hours=12)
    assert settings.log_level == "INFO"
    assert settings.bot_db_path == Path("/home/ward/.local/share/besponsa-bot/state.sqlite3")
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.webhook_path == ""


def test_db_path_follows_xdg_data_home() -> None:
    settings = load_settings({"XDG_DATA_HOME": "/srv/data", "HOME": "/home/ward"})
    assert settings.bot_db_path == Path("/srv/data/besponsa-bot/state.sqlite3")
    relative = load_settings({"XDG_DATA_HOME": "data", "HOME": "/home/ward"})
    assert relative.bot_db_path.parent.parent == Path("/home/ward/.local/share")


def test_only_the_given_mapping_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_ALLOWED_USERS", "5")
    monkeypatch.setenv("XDG_DATA_HOME", "/from/os/environ")
    settings = load_settings({"HOME": "/home/ward"})
    assert settings.telegram_bot_token is None and settings.bot_allowed_users == frozenset()
    assert "/from/os/environ" not in str(settings.bot_db_path)


def test_process_environment_is_read_without_a_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_ALLOWED_USERS", "5, 6")
    monkeypatch.setenv("BOT_STATE_TTL_HOURS", "3")
    monkeypatch.setenv("WEBHOOK_URL", "")
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.bot_allowed_users == frozenset({5, 6}) and settings.ttl.seconds == 3 * 3600
    assert settings.webhook_url is None, "an empty variable counts as unset"


def test_values_are_parsed() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "BOT_ALLOWED_USERS": "11, 22,33",
            **WEBHOOK,
            "WEBHOOK_PORT": "8080",
            "BOT_STATE_TTL_HOURS": "4",
            "LOG_LEVEL": "debug",
            "BOT_DB_PATH": "/tmp/x.sqlite3",
        }
    )
    assert settings.bot_allowed_users == frozenset({11, 22, 33})
    assert settings.webhook_path == "telegram" and settings.ttl == dt.timedelta(hours=4)
    assert settings.webhook_port == 8080 and settings.log_level == "DEBUG"
    assert settings.bot_db_path == Path("/tmp/x.sqlite3")
    assert settings.telegram_bot_token is not None
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "abc_DEF-1"
    assert TOKEN not in repr(settings) and "abc_DEF-1" not in repr(settings)


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_allowlist_means_everyone(value: str) -> None:
    assert load_settings({"BOT_ALLOWED_USERS": value}).bot_allowed_users == frozenset()


@pytest.mark.parametrize(
    ("base", "files"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
    ],
)
def test_base_file_url(base: str, files: str) -> None:
    assert load_settings({"TELEGRAM_API_BASE_URL": base}).base_file_url == files


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://x.org/telegram", "telegram"),
        ("https://x.org/a/b", "a/b"),
        ("https://x.org", ""),
        ("https://x.org:8443/hook", "hook"),
    ],
)
def test_webhook_path(url: str, path: str) -> None:
    assert load_settings({**WEBHOOK, "WEBHOOK_URL": url}).webhook_path == path


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8443/hook", "http://localhost:9000/hook", "https://x.org/h"]
)
def test_local_http_webhook_is_allowed_for_tests(url: str) -> None:
    settings = load_settings({**WEBHOOK, "WEBHOOK_URL": url})
    assert settings.webhook_url == url


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BOT_ALLOWED_USERS": "12,abc"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "12;13"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "-12"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "١٢"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": "[1, 2]"}, "BOT_ALLOWED_USERS"),
        ({"BOT_ALLOWED_USERS": ","}, "BOT_ALLOWED_USERS"),
        ({"BOT_MODE": "webhook"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "http://example.org/x"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "ftp://example.org/x"}, "WEBHOOK_URL"),
        ({**WEBHOOK, "WEBHOOK_URL": "example.org/x"}, "WEBHOOK_URL"),
        ({"BOT_MODE": "webhook", "WEBHOOK_URL": "https://example.org/x"}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "ümlaut"}, "WEBHOOK_SECRET"),
        ({"BOT_STATE_TTL_HOURS": "0"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_STATE_TTL_HOURS": "-3"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_STATE_TTL_HOURS": "twelve"}, "BOT_STATE_TTL_HOURS"),
        ({"BOT_MODE": "push"}, "BOT_MODE"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_bad_values_name_the_variable_and_hide_the_token(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
    message = str(error.value)
    assert message.startswith(variable + ":")
    assert TOKEN not in message and "AAHdqTcv" not in message
    assert "\n" not in message, "one line"


@pytest.mark.parametrize(
    "variable", ["BOT_MODE", "BOT_STATE_TTL_HOURS", "WEBHOOK_SECRET", "LOG_LEVEL", "WEBHOOK_PORT"]
)
def test_a_token_pasted_into_the_wrong_variable_is_not_echoed(variable: str) -> None:
    env = {**WEBHOOK, variable: TOKEN + "!"}
    with pytest.raises(ConfigError) as error:
        load_settings(env)
    assert str(error.value).startswith(variable) and "AAHdqTcv" not in str(error.value)


def test_bad_token_is_named_but_not_shown() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": "not a token AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"})
    assert str(error.value).startswith("TELEGRAM_BOT_TOKEN")
    assert "AAHdqTcv" not in str(error.value)


def test_settings_type_is_exported() -> None:
    assert isinstance(load_settings({}), Settings)


def test_database_path_expands_the_home_directory() -> None:
    path = load_settings({"BOT_DB_PATH": "~/bot/state.sqlite3"}).bot_db_path
    assert path.is_absolute() and "~" not in str(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", frozenset({42})), ("1,2,2,3,", frozenset({1, 2, 3})), (" 7 , 8 ", frozenset({7, 8}))],
)
def test_allowed_users(raw: str, expected: frozenset[int]) -> None:
    assert load_settings({"BOT_ALLOWED_USERS": raw}).bot_allowed_users == expected


def test_empty_variables_count_as_unset() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "", "BOT_STATE_TTL_HOURS": "", "BOT_MODE": ""})
    assert settings.telegram_bot_token is None
    assert settings.bot_state_ttl_hours == 12 and settings.bot_mode == "polling"


def test_webhook_settings_are_not_checked_in_polling_mode() -> None:
    assert load_settings({"WEBHOOK_URL": "http://example.org/x"}).bot_mode == "polling"


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://bot.example.org:88/h", True),
        ("https://bot.example.org:443/h", True),
        ("https://bot.example.org:8080/h", False),  # setWebhook would refuse it
        ("http://127.0.0.1:18080/h", True),  # local tests use any port
    ],
)
def test_webhook_ports_telegram_accepts(url: str, accepted: bool) -> None:
    env = {**WEBHOOK, "WEBHOOK_URL": url}
    if accepted:
        assert load_settings(env).webhook_url == url
    else:
        with pytest.raises(ConfigError, match=r"^WEBHOOK_URL: .*ports"):
            load_settings(env)


def test_variable_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic-settings read names this way (case_sensitive=False); the reader keeps it.
    assert load_settings({"bot_state_ttl_hours": "5", "Log_Level": "debug"}).ttl.seconds == 5 * 3600
    monkeypatch.setenv("bot_allowed_users", "9")
    assert load_settings().bot_allowed_users == frozenset({9})


def test_variables_that_are_not_settings_are_ignored() -> None:
    settings = load_settings({"PATH": "/usr/bin", "BOT_UNKNOWN": "x", "TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.telegram_bot_token is not None


def test_the_process_environment_is_checked_like_a_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_STATE_TTL_HOURS", "0")
    with pytest.raises(ConfigError, match=r"^BOT_STATE_TTL_HOURS: "):
        load_settings()


def test_the_default_database_path_follows_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BOT_DB_PATH", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/ward")
    assert load_settings().bot_db_path == Path("/srv/ward/besponsa-bot/state.sqlite3")


def test_the_settings_read_no_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nBOT_MODE=webhook\n")
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "BOT_MODE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.telegram_bot_token is None and settings.bot_mode == "polling"
