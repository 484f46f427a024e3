"""The label profiles as data (rules/labels.py): every rule cites a document a clinician can
open, under both profiles; citations carry nothing that would need translating; the documents
have revisions; the rows that exist in one label only are the ones the labels differ on."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from rules import labels
from rules.labels import (
    BASIS_STATUS,
    CLINICAL_BASIS,
    DOCUMENTS,
    LABEL_PROFILES,
    PENDING_RULE_IDS,
    PROFILES,
    RULE_SOURCES,
    SOURCES_BY_RULE,
    Citation,
    citations_for,
    documents_for,
)
from rules.ruleset import RULE_BY_ID
from rules.thresholds import ADULT_AGE_YEARS, MG_PER_ML, MIN_AGE_US_YEARS, VIAL_MG

ALL_CITATIONS = [
    (row.rule_id, profile, citation)
    for row in RULE_SOURCES
    for profile in PROFILES
    for citation in row.citations(profile)
]
#: A printed citation: a document's short name, optionally a section number, optionally a
#: table or the boxed warning, then the revision in parentheses. Nothing else.
_REFERENCE = re.compile(
    r"(?P<name>[A-Za-z][\w ]*?(?: v\d+\.\d+)?)(?: (?P<section>\d+(?:\.\d+)?))?"
    r"(?:, (?P<item>Table \d|boxed warning))? \((?P<revision>(?:\d{2}/)?\d{4})\)"
)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_rule_has_a_citation_under_both_profiles(profile: labels.Profile) -> None:
    for rule_id in RULE_BY_ID:
        assert citations_for(rule_id, profile), (rule_id, profile)


def test_every_row_names_an_existing_or_pending_rule() -> None:
    assert set(SOURCES_BY_RULE) - set(RULE_BY_ID) == PENDING_RULE_IDS
    assert not PENDING_RULE_IDS & set(RULE_BY_ID), "a pending rule has landed: drop it"


@pytest.mark.parametrize("word", ["seed", "ref §", "engineering convention", "label silent"])
def test_no_citation_names_an_internal_source(word: str) -> None:
    for rule_id, profile, citation in ALL_CITATIONS:
        assert word not in citation.reference().lower(), (rule_id, profile)


def test_a_printed_citation_is_only_name_section_table_and_revision() -> None:
    """The words around a citation come from the catalog, by kind; the citation itself is
    printed unchanged in every language, so it holds no descriptive English."""
    for rule_id, profile, citation in ALL_CITATIONS:
        printed = citation.reference()
        if citation.document is None:
            assert printed == "" and citation.kind == "local_convention", rule_id
            continue
        match = _REFERENCE.fullmatch(printed)
        assert match, (rule_id, profile, printed)
        document = DOCUMENTS[citation.document]
        assert match["name"] == document.short_name
        assert match["revision"] == document.revision


def test_reference_renders_the_issue_example() -> None:
    assert citations_for("hold_anc", "US")[0].reference() == "USPI 2.3, Table 2 (03/2024)"
    assert citations_for("hold_liver", "EU")[0].reference() == "SmPC 4.2, Table 3 (02/2022)"


def test_documents_have_revision_dates_and_addresses() -> None:
    for document in DOCUMENTS.values():
        assert re.fullmatch(r"(\d{2}/)?\d{4}", document.revision), document.key
        assert document.addresses and all(a.startswith("http") for a in document.addresses)
    assert DOCUMENTS["USPI"].revision == "03/2024"
    assert "cc7014b1-c775-411d-b374-8113248b4077" in DOCUMENTS["USPI"].identifier
    assert any("accessdata.fda.gov" in a for a in DOCUMENTS["USPI"].addresses)
    assert DOCUMENTS["SmPC"].identifier == "EMEA/H/C/004119"


def test_each_profile_cites_its_own_label() -> None:
    """Under the US profile a row never rests on the SmPC, and under the EU profile never on the
    USPI: a shared source is a publication or a local convention."""
    for rule_id, profile, citation in ALL_CITATIONS:
        other = "SmPC" if profile == "US" else "USPI"
        if profile == "US":
            assert citation.document not in {other, "EU_PL"}, rule_id
        else:
            assert citation.document != other, rule_id


def test_every_label_row_cites_a_label_first() -> None:
    """The first citation of a rule is the label of the profile, or says why it is not one."""
    for row in RULE_SOURCES:
        for profile in PROFILES:
            first = row.citations(profile)[0]
            if first.kind == "label":
                assert first.document in labels.LABEL_DOCUMENTS, row.rule_id
            else:
                assert first.kind in {"label_silent", "local_convention", "not_in_label"}


def test_local_conventions_are_data_not_words() -> None:
    """Rounding has no label source: that is said by kind, for the catalog to render."""
    for profile in PROFILES:
        kinds = {citation.kind for citation in citations_for("rounding_convention", profile)}
        assert {"local_convention", "label_silent"} <= kinds
        assert "label_silent" in {c.kind for c in citations_for("bsa_formula", profile)}


@pytest.mark.parametrize(
    ("rule_id", "section_confirmed"),
    [
        ("premedication", True),  # USPI 2.2, confirmed in the highlights
        ("boxed_post_hsct_mortality", True),  # boxed warning
        ("hold_anc", False),  # Table 2 confirmed, subsection 2.3 not
        ("interruption_table", False),
    ],
)
def test_unconfirmed_section_numbers_are_carried(rule_id: str, section_confirmed: bool) -> None:
    assert citations_for(rule_id, "US")[0].section_confirmed is section_confirmed


def test_table_4_is_carried_as_unconfirmed_in_both_labels() -> None:
    for rule_id in ("interruption_table", "dose_reduction"):
        for profile in PROFILES:
            assert not citations_for(rule_id, profile)[0].text_confirmed, (rule_id, profile)


def test_rows_in_one_label_only() -> None:
    us_only = citations_for("discontinue_cytopenia", "US")
    eu_row = citations_for("discontinue_cytopenia", "EU")
    assert us_only[0].kind == "label" and us_only[0].item == "Table 2"
    assert eu_row[0].kind == "not_in_label"
    assert any(c.item == "Table 4" for c in eu_row), "EU: Table 4 applies instead"
    assert citations_for("eu_contraindications", "US")[0].kind == "not_in_label"
    assert citations_for("eu_contraindications", "EU")[0].kind == "label"
    assert LABEL_PROFILES["US"].only_here == {"discontinue_cytopenia"}
    assert LABEL_PROFILES["EU"].only_here == {"eu_contraindications"}
    for row in RULE_SOURCES:
        if row.rule_id in LABEL_PROFILES["US"].only_here | LABEL_PROFILES["EU"].only_here:
            assert row.differs, row.rule_id


def test_populations() -> None:
    assert LABEL_PROFILES["US"].population.key == "adults_and_children"
    assert LABEL_PROFILES["US"].population.min_age_years == MIN_AGE_US_YEARS == Decimal(1)
    assert LABEL_PROFILES["EU"].population.key == "adults"
    assert LABEL_PROFILES["EU"].population.min_age_years == ADULT_AGE_YEARS == Decimal(18)


def test_vials_as_labelled_and_as_counted() -> None:
    us, eu = LABEL_PROFILES["US"].vial, LABEL_PROFILES["EU"].vial
    assert (us.labelled_mg, us.labelled_as_deliverable) == (Decimal("0.9"), True)
    assert (eu.labelled_mg, eu.labelled_as_deliverable) == (Decimal(1), False)
    assert not eu.withdrawable_confirmed
    # Never fewer vials than needed: both count at the US deliverable amount.
    assert us.counted_mg == eu.counted_mg == VIAL_MG == Decimal("0.9")
    assert us.mg_per_ml == eu.mg_per_ml == MG_PER_ML


def test_the_citation_format_check_can_fail() -> None:
    assert not _REFERENCE.fullmatch("seed l.5 (03/2024)")
    assert not _REFERENCE.fullmatch("USPI 2.3, Table 4 footnote (03/2024)")
    invented = Citation("label", "USPI", "2.3", "Table 2 row 3")
    assert not _REFERENCE.fullmatch(invented.reference())


def test_documents_per_profile_start_with_the_label() -> None:
    us, eu = documents_for("US"), documents_for("EU")
    assert us[0].key == "USPI" and eu[0].key == "SmPC"
    assert "SmPC" not in {d.key for d in us} and "EU_PL" not in {d.key for d in us}
    assert "USPI" not in {d.key for d in eu} and "EU_PL" in {d.key for d in eu}


def test_the_basis_is_published_with_the_status_it_states() -> None:
    basis = Path(__file__).resolve().parent.parent / CLINICAL_BASIS
    status = re.search(r"^- \*\*Status:\*\* (.+)$", basis.read_text("utf-8"), re.MULTILINE)
    assert status and status.group(1).startswith(BASIS_STATUS)
