"""Reading the site's protocol file (TOML): `BOT_PROTOCOL` for the bot, `--protocol PATH` for
`chat`, `plan` and `sources`, and `besponsa-bot protocol check PATH`.

The content is checked by the rules' model (`rules/protocol.py`); here is the I/O around it:
the file's bytes and their SHA-256 (the plan shows it, so two differently configured bots can
be told apart), TOML parsed with exact decimals, and a refusal as one line naming the key and
its line ("protocol.toml, line 12: reduction.level2_doses: ..."), never a traceback. The
environment settings BOT_LABEL and BOT_ULN_* win over the file (`site_label`, `site_ulns`).

Imported late (the bot reads the file in the handlers' loading thread, bot/app.py): pydantic
is on the rules' side of the start, not before the first getUpdates.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from bot.config import ConfigError, Settings
from rules.protocol import DEFAULT_PROTOCOL, Protocol
from rules.units import Uln, parse_site_uln

#: The file's sections: any other top-level key is refused by name.
SECTIONS = tuple(name for name in Protocol.model_fields if name != "sha256")
MAX_BYTES = 100_000
_HEADER = re.compile(r"\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r'("[^"]*"|[A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*=')
#: pydantic's wording, in the words a pharmacist editing a file needs.
_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required",
    "is_instance_of": "a number expected, without quotes",
    "decimal_type": "a number expected, without quotes",
    "int_type": "a whole number expected, without quotes",
    "bool_type": "true or false expected, without quotes",
    "string_type": "text in quotes expected",
    "date_type": "a date expected, without quotes (2026-11-30)",
    "list_type": "a list expected ([...])",
    "dict_type": "a table expected",
    "model_type": "a table expected",
}
#: A message that starts by naming a key in quotes ('"USPI 9.9" is not ...').
_QUOTED_KEY = re.compile(r'"([^"]+)"(:? .*)')


def read_protocol(path: str | Path) -> Protocol:
    """The protocol in the file at `path`; ConfigError with one line if it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"protocol {path}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"protocol {path}: larger than {MAX_BYTES} bytes")
    return parse_protocol(data, str(path))


def parse_protocol(data: bytes, name: str = "protocol") -> Protocol:
    """The protocol in `data` (the file's bytes), checked; `name` is how errors call it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text") from None
    try:
        content = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    for key in content:
        if key not in SECTIONS:
            raise ConfigError(_refusal(name, text, (key,), "unknown section"))
    try:
        protocol = Protocol.model_validate(content)
    except ValidationError as error:
        loc, message = _first(error)
        raise ConfigError(_refusal(name, text, loc, message)) from None
    return protocol.model_copy(update={"sha256": hashlib.sha256(data).hexdigest()})


def _first(error: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The first problem's key path and message; a check of a whole section names its key in
    its message ("signed_by: ..."), which is moved into the path."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    message = _MESSAGES.get(first["type"], str(first["msg"]).removeprefix("Value error, "))
    head, separator, rest = message.partition(": ")
    if separator and re.fullmatch(r"[a-z0-9_]+", head):
        loc, message = (*loc, head), rest
    elif quoted := _QUOTED_KEY.fullmatch(message):
        loc, message = (*loc, quoted.group(1)), quoted.group(2).removeprefix(":").strip()
    return loc, message


def _refusal(name: str, text: str, loc: tuple[Any, ...], message: str) -> str:
    key = ".".join(str(part) for part in loc)
    line = _line_of(text, loc)
    where = f"{name}, line {line}" if line is not None else name
    return f"{where}: {key}: {message}"


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line that holds the key at `loc` (its section's header when the key is absent)."""
    names = [str(part) for part in loc if isinstance(part, str)]
    if not names:
        return None
    section: str | None = None
    header_line: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            match = _HEADER.match(line)
            section = match.group(1).strip() if match else None
            if section == names[0]:
                header_line = header_line or number
            continue
        match = _KEY.match(line)
        if match is None:
            continue
        raw_key = match.group(1)
        if raw_key.startswith('"'):
            key = [raw_key.strip('"')]
        else:
            key = [part.strip() for part in raw_key.split(".")]
        path = ([section] if section else []) + key
        if names[: len(path)] == path and (len(path) >= 2 or len(names) == 1):
            return number
    return header_line


def site_label(settings: Settings, protocol: Protocol) -> Literal["US", "EU"]:
    """BOT_LABEL when it is set, else the protocol's [site] label, else the default."""
    if "bot_label" in settings.given or protocol.site.label is None:
        return settings.bot_label
    return protocol.site.label


def site_ulns(settings: Settings, protocol: Protocol) -> dict[str, Uln]:
    """The protocol's [uln], each overridden by its BOT_ULN_* setting when that is set."""
    from_file = {
        analyte: parse_site_uln(analyte, text)  # type: ignore[arg-type]
        for analyte, text in protocol.uln.settings().items()
    }
    return {**from_file, **settings.site_ulns}


def changes(protocol: Protocol) -> list[str]:
    """What the protocol changes against the defaults, one "key: default → value" each."""
    return [
        f"{key}: {_shown(before)} → {_shown(after)}"
        for key, before, after in _differences(
            DEFAULT_PROTOCOL.model_dump(mode="json", exclude={"sha256"}),
            protocol.model_dump(mode="json", exclude={"sha256"}),
        )
    ]


def _differences(before: Any, after: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        found: list[tuple[str, Any, Any]] = []
        for key in dict.fromkeys([*before, *after]):
            name = f"{prefix}.{key}" if prefix else str(key)
            found.extend(_differences(before.get(key), after.get(key), name))
        return found
    return [] if before == after else [(prefix, before, after)]


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)
