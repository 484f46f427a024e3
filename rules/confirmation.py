"""Which label sections a rule rests on that were not read word for word, and what a site's
protocol confirms of them.

`rules/labels.py` marks a citation whose section number or wording could not be checked against
the official document (`section_confirmed`, `text_confirmed`). Such a rule's warning says "not
yet confirmed by the site" until the site's pharmacist has read that section and the protocol
says so (`[confirmed]`, `rules/protocol.py`). A section is named as a protocol names it: the
document's short name, the section and the table ("USPI 2.3 Table 4").
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from rules.labels import DOCUMENTS, RULE_SOURCES, Citation, Profile, citations_for


def section_key(citation: Citation) -> str | None:
    """ "USPI 2.3 Table 4"; None for a citation without a document or a section."""
    if citation.document is None or not citation.section:
        return None
    name = DOCUMENTS[citation.document].short_name
    return " ".join(part for part in (name, citation.section, citation.item) if part)


@cache
def cited_sections() -> frozenset[str]:
    """Every label section the rules cite, under either profile."""
    return frozenset(
        key
        for row in RULE_SOURCES
        for citation in (*row.us, *row.eu)
        if (key := section_key(citation)) is not None
    )


@cache
def unconfirmed_sections(rule_id: str, profile: Profile) -> tuple[str, ...]:
    """The sections `rule_id` rests on under `profile` whose number or wording is unchecked."""
    keys = (
        section_key(citation)
        for citation in citations_for(rule_id, profile)
        if not (citation.section_confirmed and citation.text_confirmed)
    )
    return tuple(dict.fromkeys(key for key in keys if key is not None))


def awaiting_site(rule_id: str, profile: Profile, confirmed: Mapping[str, str]) -> tuple[str, ...]:
    """The unchecked sections of a rule that the site's protocol has not confirmed either."""
    return tuple(key for key in unconfirmed_sections(rule_id, profile) if key not in confirmed)
