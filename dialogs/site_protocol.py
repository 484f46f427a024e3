"""The site's protocol (`rules/protocol.py`) every plan of this process follows: set once at
start by the transport (`bot/app.py` from BOT_PROTOCOL, `chat --protocol`), read by the dialog
when it asks the rules for a plan. The product's defaults, a draft, until set."""

from __future__ import annotations

from rules.protocol import DEFAULT_PROTOCOL, Protocol

_site: list[Protocol] = [DEFAULT_PROTOCOL]


def set_site_protocol(protocol: Protocol) -> None:
    _site[0] = protocol


def site_protocol() -> Protocol:
    return _site[0]
