"""Configuration from environment variables, checked at start-up by a pydantic model.

A wrong setting stops the bot with one line naming the variable, never with a stack trace and
never echoing a value (a token pasted into the wrong variable must not reach a log either).
An empty variable counts as unset; names are case-insensitive; variables that are not settings
are ignored. There is no `.env` file and no secrets directory: the environment is the one source.

The environment is read here (`_environment_values`), not by pydantic-settings: that package
cost about 40 ms of every start (issue 17, BENCHMARKS.md) for a job of a few lines, since every
setting is a plain string that the model's own validators parse.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlparse

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from locales import LANGUAGES
from rules.errors import first_error
from rules.units import LIVER_ANALYTES, Analyte, SiteUlnError, Uln, parse_site_uln

APP_DIR = "besponsa-bot"
DB_NAME = "state.sqlite3"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_USER_ID = re.compile(r"[0-9]{1,20}")
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: setWebhook accepts only these ports.
_WEBHOOK_PORTS = {443, 80, 88, 8443}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and shows no value."""


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME/besponsa-bot/state.sqlite3, else ~/.local/share/besponsa-bot/...

    A relative XDG_DATA_HOME is ignored, as the XDG Base Directory specification requires.
    """
    environ = os.environ if environ is None else environ
    data_home = environ.get("XDG_DATA_HOME", "")
    if not data_home or not os.path.isabs(data_home):
        home = environ.get("HOME") or str(Path.home())
        data_home = os.path.join(home, ".local", "share")
    return Path(data_home) / APP_DIR / DB_NAME


class Settings(BaseModel):
    # validate_default: the defaults pass the same validators as set values (as they did
    # under pydantic-settings), e.g. the default database path is expanded too.
    model_config = ConfigDict(extra="ignore", validate_default=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    bot_allowed_users: frozenset[int] = frozenset()
    bot_db_path: Path = Field(default_factory=default_db_path)
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    bot_state_ttl_hours: int = Field(default=12, gt=0, le=24 * 365)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    #: The label profile of this deployment (rules/labels.py); a chat may choose another one
    #: with /settings.
    bot_label: Literal["US", "EU"] = "US"
    #: The ward team's shared language (e.g. "en"): a card in another language offers to be
    #: shown in it too (issue 15). Unset: no such button.
    bot_team_language: str | None = None
    #: The site laboratory's upper limits of normal, with their unit ("21 umol/L", "40 U/L"):
    #: an absolute value typed without its ULN is divided by these; unset, the bot asks.
    bot_uln_bilirubin: str | None = None
    bot_uln_ast: str | None = None
    bot_uln_alt: str | None = None

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                return None
            if not _TOKEN.fullmatch(raw):
                raise ValueError("does not look like a bot token (<digits>:<letters>)")
        return raw

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("an http(s) URL expected, such as https://api.telegram.org/bot")
        return value

    @field_validator("bot_allowed_users", mode="before")
    @classmethod
    def _user_ids(cls, value: object) -> frozenset[int]:
        if value is None:
            return frozenset()
        if isinstance(value, frozenset | set | list | tuple):
            parts = [str(item) for item in value]
        else:
            parts = str(value).split(",")
        ids = set()
        for part in (item.strip() for item in parts):
            if not part:
                continue
            if not _USER_ID.fullmatch(part) or int(part) == 0:
                raise ValueError("comma-separated positive numeric Telegram user ids expected")
            ids.add(int(part))
        if not ids and isinstance(value, str) and value.strip():
            # "," or ", ;" is a typo, not "everyone": an allowlist must never fail open.
            raise ValueError("comma-separated positive numeric Telegram user ids expected")
        return frozenset(ids)

    @field_validator("bot_db_path")
    @classmethod
    def _db_path(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - expected")
        return value

    @field_validator("bot_uln_bilirubin", "bot_uln_ast", "bot_uln_alt")
    @classmethod
    def _uln(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            try:
                analyte = str(info.field_name).removeprefix("bot_uln_")
                parse_site_uln(cast(Analyte, analyte), value)
            except SiteUlnError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("bot_team_language", mode="before")
    @classmethod
    def _team_language(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        code = str(value).strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"one of {', '.join(sorted(LANGUAGES))} expected")
        return code

    @field_validator("log_level", "bot_label", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("bot_mode", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.bot_mode != "webhook":
            return self
        if not self.webhook_url:
            raise ValueError("webhook_url: required when BOT_MODE=webhook")
        url = urlparse(self.webhook_url)
        local = url.hostname in _LOCAL_HOSTS
        if not url.hostname:
            raise ValueError("webhook_url: an absolute https URL expected")
        if url.scheme != "https" and not (url.scheme == "http" and local):
            raise ValueError("webhook_url: must be an https URL (http only for localhost)")
        try:
            port = url.port or (443 if url.scheme == "https" else 80)
        except ValueError:
            raise ValueError("webhook_url: invalid port") from None
        if not local and port not in _WEBHOOK_PORTS:
            raise ValueError("webhook_url: Telegram accepts only ports 443, 80, 88 and 8443")
        if self.webhook_secret is None:
            raise ValueError("webhook_secret: required when BOT_MODE=webhook")
        return self

    @property
    def base_file_url(self) -> str:
        base = self.telegram_api_base_url
        return base.removesuffix("/bot") + "/file/bot" if base.endswith("/bot") else base

    @property
    def site_ulns(self) -> dict[str, Uln]:
        """The site's ULNs by analyte ("bilirubin", "ast", "alt"), for the dialog."""
        ulns: dict[str, Uln] = {}
        for analyte in LIVER_ANALYTES:
            setting = getattr(self, f"bot_uln_{analyte}")
            if setting is not None:
                ulns[analyte] = parse_site_uln(analyte, setting)
        return ulns

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.bot_state_ttl_hours)

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path.lstrip("/")


def _environment_values(env: Mapping[str, str]) -> dict[str, object]:
    """The settings' raw strings from `env`: names matched case-insensitively, empty values
    dropped (unset), everything else ignored; the default database path follows `env` too."""
    fields = Settings.model_fields
    values: dict[str, object] = {
        key.lower(): value for key, value in env.items() if key.lower() in fields and value != ""
    }
    values.setdefault("bot_db_path", default_db_path(env))
    return values


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `env` (tests) or the process environment; ConfigError if invalid.

    With a mapping, only the mapping is read: the process environment is not consulted."""
    try:
        return Settings.model_validate(_environment_values(os.environ if env is None else env))
    except ValidationError as error:
        location, message = first_error(error)
        raise ConfigError(f"{location.upper() or 'configuration'}: {message}") from None
