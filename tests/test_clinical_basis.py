"""docs/clinical-basis.md stays true to the rules: every rule id of rules/ruleset.py has its
entry, every entry names a rule that exists (or is marked pending, and listed here), and the
governance header names the ruleset version the product runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules.labels import DOCUMENTS, PENDING_RULE_IDS, PROFILES, RULE_SOURCES, Profile
from rules.ruleset import RULE_BY_ID, RULESET_VERSION

BASIS = Path(__file__).resolve().parent.parent / "docs" / "clinical-basis.md"
#: An entry is a level-3 heading that is a rule id; a pending one has the marker right under it.
_ENTRY = re.compile(r"^### (?P<id>\S+)[ \t]*\n(?P<pending><!-- pending -->)?", re.MULTILINE)
_HEADER = re.compile(r"^- \*\*(?P<field>[^*]+):\*\* (?P<value>.+)$", re.MULTILINE)

#: The entries written for rule ids the engine does not have yet (none now). When one
#: of them lands in rules/ruleset.py its marker must go (test_pending_entries_are_not_rules).
EXPECTED_PENDING: set[str] = set()


def entries(text: str) -> dict[str, bool]:
    """Rule id → pending, for every `### id` heading."""
    found: dict[str, bool] = {}
    for match in _ENTRY.finditer(text):
        rule_id = match["id"]
        assert rule_id not in found, f"two entries for {rule_id}"
        found[rule_id] = match["pending"] is not None
    return found


def header(text: str) -> dict[str, str]:
    governance = text.split("\n## ", 1)[0]
    return {match["field"]: match["value"].strip() for match in _HEADER.finditer(governance)}


@pytest.fixture(scope="module")
def basis() -> str:
    return BASIS.read_text(encoding="utf-8")


def test_every_rule_has_its_entry(basis: str) -> None:
    missing = set(RULE_BY_ID) - set(entries(basis))
    assert not missing, f"rules without an entry in {BASIS.name}: {sorted(missing)}"


def test_every_entry_names_an_existing_rule_or_is_pending(basis: str) -> None:
    found = entries(basis)
    unknown = {rule_id for rule_id, pending in found.items() if not pending} - set(RULE_BY_ID)
    assert not unknown, f"entries naming no rule of rules/ruleset.py: {sorted(unknown)}"


def test_the_pending_entries_are_listed(basis: str) -> None:
    pending = {rule_id for rule_id, is_pending in entries(basis).items() if is_pending}
    assert pending == EXPECTED_PENDING
    # The label profiles carry the same pending rows, so neither file runs ahead of the other.
    assert pending == PENDING_RULE_IDS


def test_pending_entries_are_not_rules(basis: str) -> None:
    """Once the engine adds a pending rule id, its entry must lose the marker (and be checked)."""
    landed = {rule_id for rule_id, pending in entries(basis).items() if pending} & set(RULE_BY_ID)
    assert not landed, f"remove <!-- pending --> from: {sorted(landed)}"


def test_entries_say_what_the_label_and_the_product_do(basis: str) -> None:
    """Each entry has its label line and its product line (a heading alone is not an entry)."""
    sections = re.split(r"^### ", basis, flags=re.MULTILINE)[1:]
    for section in sections:
        rule_id, _, body = section.partition("\n")
        body = body.split("\n## ", 1)[0]
        assert "- **Label:**" in body, rule_id
        assert "- **Product" in body, rule_id


def test_header_carries_the_governance(basis: str) -> None:
    fields = header(basis)
    assert fields["Ruleset version"] == RULESET_VERSION
    assert fields["Status"].startswith("draft, not yet reviewed by the site's pharmacy")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["Date written"])
    due = re.match(r"\d{4}-\d{2}-\d{2}", fields["Review due"])
    assert due and due.group() > fields["Date written"]
    assert fields["Owner"]


def test_the_parser_sees_a_missing_or_unknown_entry() -> None:
    """The checks above can fail: a heading removed or misspelt is seen."""
    text = "### hold_anc\n\n### hold_platelts\n<!-- pending -->\n\n### made_up_rule\n"
    found = entries(text)
    assert found == {"hold_anc": False, "hold_platelts": True, "made_up_rule": False}
    assert "hold_platelets" in set(RULE_BY_ID) - set(found)
    assert {"made_up_rule"} == {r for r, p in found.items() if not p} - set(RULE_BY_ID)


def test_the_document_cites_no_internal_source_names(basis: str) -> None:
    """A pharmacist cannot open "seed l.5" or "ref §3": the basis cites public documents and
    the site specification by line."""
    for word in ("seed", "ref §", "engineering convention"):
        assert word not in basis.lower(), word


def entry_texts(text: str) -> dict[str, str]:
    """Rule id → the text of its entry, up to the next heading."""
    texts = {}
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        rule_id, _, body = section.partition("\n")
        texts[rule_id.strip()] = re.split(r"^##", body, maxsplit=1, flags=re.MULTILINE)[0]
    return texts


@pytest.mark.parametrize("profile", PROFILES)
def test_each_entry_cites_what_the_profile_cites(basis: str, profile: Profile) -> None:
    """The basis and rules/labels.py tell the same story: an entry names the section that the
    profile's first citation for its rule gives, or says the label is silent, that the row is
    in one label only, or that it is a local convention."""
    texts = entry_texts(basis)
    for row in RULE_SOURCES:
        first = row.citations(profile)[0]
        text = " ".join(texts[row.rule_id].split())
        if first.kind == "label":
            assert first.document is not None
            document = DOCUMENTS[first.document]
            where = " ".join(p for p in (document.short_name, first.section or first.item) if p)
            assert where in text, (row.rule_id, profile, where)
        else:
            expected = {
                "label_silent": "silent",
                "not_in_label": " only",
                "local_convention": "local convention",
            }[first.kind]
            assert expected in text, (row.rule_id, profile, first.kind)
