"""`/sources`: the documents the rules cite under a label profile, with their revisions, the
ruleset version and review status, and where the clinical basis is published; as text in the
chat's language (Telegram, console) and as JSON (`besponsa-bot sources`)."""

from __future__ import annotations

from typing import Any

from bot import texts
from dialogs.citations import localized_reference
from dialogs.dialog import label_name
from dialogs.protocol_lines import protocol_text
from dialogs.render import Renderer
from dialogs.replies import Text
from dialogs.site_protocol import site_protocol
from rules.labels import BASIS_STATUS, CLINICAL_BASIS, PROFILES, Profile, documents_for
from rules.protocol import DEFAULT_PROTOCOL, Protocol
from rules.ruleset import RULESET_VERSION


def sources_text(renderer: Renderer, profile: Profile, protocol: Protocol | None = None) -> str:
    """The sources a chat following `profile` is given, one line each; with the site's protocol
    (this process's, `dialogs/site_protocol.py`, unless given)."""
    protocol = site_protocol() if protocol is None else protocol
    lines = [
        renderer.text(
            texts.SOURCES_HEADER,
            {"version": RULESET_VERSION, "label": label_name(profile)},
        )
    ]
    for document in documents_for(profile):
        values = {
            # "EU PL" in the chat's words (dialogs/citations.py); USPI and SmPC as printed.
            "name": localized_reference(document.short_name, renderer.gettext),
            "title": document.title,
            "revision": document.revision,
        }
        lines.append("• " + renderer.text(texts.SOURCES_DOCUMENT, values))
        # The address on its own line, untouched: a link must stay one run of characters.
        lines.append("  " + renderer.value(document.addresses[0]))
    lines.extend(_protocol_lines(renderer, protocol))
    status = Text(texts.BASIS_STATUS[BASIS_STATUS])
    lines.append(renderer.text(texts.SOURCES_STATUS, {"status": status}))
    lines.append(renderer.text(texts.SOURCES_BASIS, {"path": CLINICAL_BASIS}))
    lines.append(renderer.text(texts.SOURCES_SETTINGS))
    return "\n".join(lines)


def _protocol_lines(renderer: Renderer, protocol: Protocol) -> list[str]:
    """ "• Protocol: St Example ALL v3, signed …", and who signed it, on the next line."""
    lines = ["• " + protocol_text(renderer, protocol.stamp())]
    signers = "; ".join(f"{person.name}, {person.role}" for person in protocol.site.signed_by)
    if signers:
        lines.append("  " + renderer.escape(signers))
    return lines


def sources_document(protocol: Protocol = DEFAULT_PROTOCOL) -> dict[str, Any]:
    """The same, for every profile, as JSON for the `sources` sub-command, with the protocol."""
    return {
        "ruleset_version": RULESET_VERSION,
        "protocol": {
            **protocol.stamp().model_dump(mode="json"),
            "signed_by": [person.model_dump() for person in protocol.site.signed_by],
            "confirmed": dict(protocol.confirmed),
        },
        "status": BASIS_STATUS,
        "clinical_basis": CLINICAL_BASIS,
        "profiles": {
            profile: [
                {
                    "key": document.key,
                    "name": document.short_name,
                    "title": document.title,
                    "revision": document.revision,
                    "addresses": list(document.addresses),
                    "identifier": document.identifier,
                }
                for document in documents_for(profile)
            ]
            for profile in PROFILES
        },
    }
