"""`besponsa-bot protocol check PATH`, and the protocol of the `chat`, `plan` and `sources`
commands (`--protocol PATH`, else BOT_PROTOCOL, else the product's defaults): a file that
cannot be used stops the command with one line and exit code 2, never a traceback."""

from __future__ import annotations

import os
from typing import TextIO

from bot.config import ConfigError
from bot.protocol_file import changes, read_protocol
from rules.protocol import DEFAULT_PROTOCOL, Protocol


def run_protocol_check(path: str, stdout: TextIO, stderr: TextIO) -> int:
    """Validate the file; print its stamp and what it changes against the defaults."""
    try:
        protocol = read_protocol(path)
    except ConfigError as error:
        stderr.write(f"protocol error: {error}\n")
        return 2
    site = protocol.site
    signed = f" (signed_on {site.signed_on.isoformat()})" if site.signed_on else ""
    stdout.write(f"{path}: valid. {site.name} v{site.version}, {site.status}{signed}\n")
    stdout.write(f"sha256 {protocol.sha256}\n")
    changed = changes(protocol)
    stdout.write("Changes against the defaults:\n" if changed else "No change to the defaults.\n")
    stdout.writelines(f"  {line}\n" for line in changed)
    return 0


def protocol_or_exit(path: str | None, stderr: TextIO) -> Protocol:
    """The protocol of `path`, or BOT_PROTOCOL's, or the defaults; exits 2 with one line."""
    path = path or os.environ.get("BOT_PROTOCOL", "").strip() or None
    if path is None:
        return DEFAULT_PROTOCOL
    try:
        return read_protocol(path)
    except ConfigError as error:
        stderr.write(f"configuration error: {error}\n")
        raise SystemExit(2) from None
