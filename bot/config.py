"""Configuration from environment variables (pydantic-settings), checked at start-up.

A wrong setting stops the bot with one line naming the variable, never with a stack trace and
never echoing a secret.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rules.models import first_error

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


def default_db_path() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "besponsa-bot" / "state.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    bot_allowed_users: Annotated[frozenset[int], NoDecode] = frozenset()
    bot_db_path: Path = Field(default_factory=default_db_path)
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    bot_state_ttl_hours: int = Field(default=12, gt=0, le=24 * 365)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("bot_allowed_users", mode="before")
    @classmethod
    def _user_ids(cls, value: object) -> frozenset[int]:
        if value is None or isinstance(value, frozenset | set):
            return frozenset(value or ())
        ids = set()
        for part in str(value).replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError("comma-separated numeric Telegram user ids expected")
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.bot_mode != "webhook":
            return self
        if not self.webhook_url:
            raise ValueError("webhook_url: required when BOT_MODE=webhook")
        url = urlparse(self.webhook_url)
        local = url.hostname in _LOCAL_HOSTS
        if url.scheme != "https" and not (url.scheme == "http" and local):
            raise ValueError("webhook_url: must be an https URL")
        if self.webhook_secret is None:
            raise ValueError("webhook_secret: required when BOT_MODE=webhook")
        if not _SECRET.match(self.webhook_secret.get_secret_value()):
            raise ValueError("webhook_secret: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def base_file_url(self) -> str:
        base = self.telegram_api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.bot_state_ttl_hours)

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path.lstrip("/")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `env` (tests) or the process environment; ConfigError if invalid."""
    source = dict(os.environ if env is None else env)
    values = {
        key.lower(): value for key, value in source.items() if key.lower() in Settings.model_fields
    }
    try:
        return Settings.model_validate(values) if env is not None else Settings()
    except ValidationError as error:
        location, message = first_error(error)
        raise ConfigError(f"{location.upper() or 'configuration'}: {message}") from None
