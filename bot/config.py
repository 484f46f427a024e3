"""Configuration from environment variables, checked at start-up.

A wrong setting stops the bot with one line naming the variable, never with a stack trace and
never echoing a value (a token pasted into the wrong variable must not reach a log either).
An empty variable counts as unset; names are case-insensitive; variables that are not settings
are ignored. There is no `.env` file and no secrets directory: the environment is the one source.

Each setting is one row of `_READERS`: the function that reads its text, or says in a few words
what was expected. Plain functions, not a pydantic model: pydantic costs about 0.15 s to import,
and this check runs before the bot connects, where every start pays for what it imports
(BENCHMARKS.md); pydantic is loaded with the rules while the bot connects (bot/app.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlparse

from locales import LANGUAGES, language_code
from rules.units import LIVER_ANALYTES, Analyte, SiteUlnError, Uln, parse_site_uln

APP_DIR = "besponsa-bot"
DB_NAME = "state.sqlite3"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_USER_ID = re.compile(r"[0-9]{1,20}")
_WHOLE = re.compile(r"[0-9]{1,9}")
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


Mode = Literal["polling", "webhook"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]
Label = Literal["US", "EU"]
MAX_TTL_HOURS = 24 * 365


class Secret:
    """A token or secret: shown as stars, so that no repr or log line can carry it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: Secret | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    bot_allowed_users: frozenset[int] = frozenset()
    bot_db_path: Path = field(default_factory=default_db_path)
    #: postgresql://… : the state and the inbox in PostgreSQL, shared by several processes of
    #: this bot, one of them active (bot/storage.py, bot/failover.py); unset: the SQLite file.
    #: A secret: the URL may hold a password.
    bot_db_url: Secret | None = None
    bot_mode: Mode = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: Secret | None = None
    bot_state_ttl_hours: int = 12
    log_level: LogLevel = "INFO"
    #: "json": one JSON object per line, for a log collector (bot/logsetup.py).
    log_format: LogFormat = "text"
    #: GET /healthz, /readyz and /metrics on this port (bot/health_server.py); unset: none
    #: besides the webhook server's own.
    bot_health_port: int | None = None
    bot_health_host: str = "127.0.0.1"
    #: The label profile of this deployment (rules/labels.py); a chat may choose another one
    #: with /settings.
    bot_label: Label = "US"
    #: The ward team's shared language (e.g. "en"): a card in another language offers to be
    #: shown in it too (docs/cards.md). Unset: no such button.
    bot_team_language: str | None = None
    #: The site laboratory's upper limits of normal, with their unit ("21 umol/L", "40 U/L"):
    #: an absolute value typed without its ULN is divided by these; unset, the bot asks.
    bot_uln_bilirubin: str | None = None
    bot_uln_ast: str | None = None
    bot_uln_alt: str | None = None
    #: The site's protocol file (TOML, docs/protocol.md), read by bot/protocol_file.py.
    bot_protocol: Path | None = None
    #: The settings given in the environment: those win over the protocol file (README).
    given: frozenset[str] = frozenset()
    #: Where Telegram opens the Mini App form (bot/webapp.py): https, the webhook's host at
    #: /app/ or a static host. Set: the chat offers a "📝 Form" button. Unset: no button.
    bot_webapp_url: str | None = None

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


def _token(value: str) -> Secret:
    if not _TOKEN.fullmatch(value.strip()):
        raise ValueError("does not look like a bot token (<digits>:<letters>)")
    return Secret(value.strip())


def _base_url(value: str) -> str:
    url = urlparse(value)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError("an http(s) URL expected, such as https://api.telegram.org/bot")
    return value


def _user_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in (item.strip() for item in value.split(",")):
        if not part:
            continue
        if not _USER_ID.fullmatch(part) or int(part) == 0:
            raise ValueError("comma-separated positive numeric Telegram user ids expected")
        ids.add(int(part))
    if not ids:
        # "," or ", ;" is a typo, not "everyone": an allowlist must never fail open.
        raise ValueError("comma-separated positive numeric Telegram user ids expected")
    return frozenset(ids)


def _whole_number(lowest: int, highest: int) -> Callable[[str], int]:
    def read(value: str) -> int:
        # ASCII digits only: int() would also take "+5", "1_000" and other scripts' digits.
        text = value.strip()
        if not _WHOLE.fullmatch(text) or not lowest <= int(text) <= highest:
            raise ValueError(f"a whole number from {lowest} to {highest} expected")
        return int(text)

    return read


def _one_of(choices: tuple[str, ...], case: Callable[[str], str]) -> Callable[[str], str]:
    def read(value: str) -> str:
        text = case(value.strip())
        if text not in choices:
            raise ValueError(f"one of {', '.join(choices)} expected")
        return text

    return read


def _secret(value: str) -> Secret:
    if not _SECRET.fullmatch(value):
        raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - expected")
    return Secret(value)


def _team_language(value: str) -> str | None:
    if not value.strip():
        return None
    code = language_code(value)
    if code is None:
        raise ValueError(f"one of {', '.join(sorted(LANGUAGES))} expected")
    return code


def _uln(analyte: Analyte) -> Callable[[str], str]:
    def read(value: str) -> str:
        try:
            parse_site_uln(analyte, value)
        except SiteUlnError as error:
            raise ValueError(str(error)) from None
        return value

    return read


def _protocol_path(value: str) -> Path:
    path = Path(value.strip()).expanduser()
    if not path.is_file():
        raise ValueError("no readable file at this path")
    return path


def _webapp_url(value: str) -> str:
    """Telegram opens a Mini App only over https (http here only for a test on this machine)."""
    url = urlparse(value.strip())
    local = url.scheme == "http" and url.hostname in _LOCAL_HOSTS
    if not url.hostname or not (url.scheme == "https" or local) or url.fragment:
        raise ValueError("an https URL of the form page expected, such as https://host/app/")
    return value.strip()


def _text(value: str) -> str:
    return value


def _db_url(value: str) -> Secret:
    if not value.strip().startswith(("postgresql://", "postgres://")):
        raise ValueError("a postgresql:// URL expected")
    return Secret(value.strip())


#: Setting → how its text is read, in the order of Settings' fields (the first problem is told).
_READERS: dict[str, Callable[[str], object]] = {
    "telegram_bot_token": _token,
    "telegram_api_base_url": _base_url,
    "bot_allowed_users": _user_ids,
    "bot_db_path": lambda value: Path(value).expanduser(),
    "bot_db_url": _db_url,
    "bot_mode": _one_of(get_args(Mode), str.lower),
    "webhook_url": _text,
    "webhook_listen": _text,
    "webhook_port": _whole_number(1, 65535),
    "webhook_secret": _secret,
    "bot_state_ttl_hours": _whole_number(1, MAX_TTL_HOURS),
    "log_level": _one_of(get_args(LogLevel), str.upper),
    "log_format": _one_of(get_args(LogFormat), str.lower),
    "bot_health_port": _whole_number(1, 65535),
    "bot_health_host": _text,
    "bot_label": _one_of(get_args(Label), str.upper),
    "bot_team_language": _team_language,
    **{f"bot_uln_{analyte}": _uln(analyte) for analyte in LIVER_ANALYTES},
    "bot_protocol": _protocol_path,
    "bot_webapp_url": _webapp_url,
}


def _webhook_problem(settings: Settings) -> str | None:
    """What webhook mode lacks, as "VARIABLE: what is expected"; None in polling mode."""
    if settings.bot_mode != "webhook":
        return None
    if not settings.webhook_url:
        return "WEBHOOK_URL: required when BOT_MODE=webhook"
    url = urlparse(settings.webhook_url)
    local = url.hostname in _LOCAL_HOSTS
    if not url.hostname:
        return "WEBHOOK_URL: an absolute https URL expected"
    if url.scheme != "https" and not (url.scheme == "http" and local):
        return "WEBHOOK_URL: must be an https URL (http only for localhost)"
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        return "WEBHOOK_URL: invalid port"
    if not local and port not in _WEBHOOK_PORTS:
        return "WEBHOOK_URL: Telegram accepts only ports 443, 80, 88 and 8443"
    if settings.webhook_secret is None:
        return "WEBHOOK_SECRET: required when BOT_MODE=webhook"
    return None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `env` (tests) or the process environment; ConfigError if invalid.

    With a mapping, only the mapping is read: the process environment is not consulted. Names
    are matched case-insensitively; empty (or blank) values count as unset."""
    env = os.environ if env is None else env
    given = {
        key.lower(): text for key, text in env.items() if key.lower() in _READERS and text.strip()
    }
    values: dict[str, object] = {"bot_db_path": default_db_path(env)}
    for name, read in _READERS.items():
        if name in given:
            try:
                values[name] = read(given[name])
            except ValueError as error:
                raise ConfigError(f"{name.upper()}: {error}") from None
    settings = Settings(**values, given=frozenset(given))  # type: ignore[arg-type]
    problem = _webhook_problem(settings)
    if problem is not None:
        raise ConfigError(problem)
    return settings
