"""The labels the rules cite, as data: the documents in use, and for each label profile ("US",
"EU") which section of which document every rule id rests on.

Why data and not branches: the two labels agree on almost every row, differ on a few, and a
clinician must be able to check each citation against a document they can open. A profile is
therefore a table of citations, one row per rule id: the engine attaches the rows of the
request's profile to each warning (`rules/engine.py`), and nothing here does I/O.

The words around a citation ("the label does not say", "local convention") are not here: a
transport renders them from the catalog by the citation's `kind`. Section numbers were checked
against what the developers could read of each label (the sources are named in
`docs/clinical-basis.md`); where a section number or the label's wording could not be read,
the citation says so (`section_confirmed`, `text_confirmed`), and the basis explains each row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from rules.thresholds import ADULT_AGE_YEARS, MG_PER_ML, MIN_AGE_US_YEARS, VIAL_MG

Profile = Literal["US", "EU"]
PROFILES: tuple[Profile, ...] = ("US", "EU")
DEFAULT_PROFILE: Profile = "US"

#: What kind of source a citation is. A transport renders the words for each kind from the
#: catalog, in the chat's language; only a document's own name and section stay untranslated.
#: - "label": the row is stated by the label named;
#: - "label_silent": the label does not say; the product's behaviour is named in the basis;
#: - "local_convention": a choice of this product or site (rounding, the usual-BSA range);
#: - "literature": a public publication or guideline outside the label (BSA formulas, ASCO);
#: - "not_in_label": the row exists only in the other profile's label; here it does not apply.
SourceKind = Literal["label", "label_silent", "local_convention", "literature", "not_in_label"]


@dataclass(frozen=True)
class Document:
    """A public document a clinician can look up by its short name, at the revision in use."""

    key: str
    #: The name shown in a citation and looked up by a clinician ("USPI", "SmPC").
    short_name: str
    title: str
    #: The revision the rules were checked against, as printed in citations ("03/2024").
    revision: str
    #: Where the revision in use can be read; the first is the one a reply links to.
    addresses: tuple[str, ...]
    #: The document's own identifier (DailyMed set id, EMA procedure number); "" if none.
    identifier: str = ""
    #: Why this revision, and what of it could not be read; for the basis, not for replies.
    note: str = ""


USPI = Document(
    key="USPI",
    short_name="USPI",
    title="BESPONSA (inotuzumab ozogamicin) for injection, US Prescribing Information",
    revision="03/2024",
    addresses=(
        "https://www.accessdata.fda.gov/drugsatfda_docs/label/2024/761040s003lbl.pdf",
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=cc7014b1-c775-411d-b374-8113248b4077",
    ),
    identifier="DailyMed set id cc7014b1-c775-411d-b374-8113248b4077",
    note=(
        "Revision 3/2024 added pediatric patients 1 year and older; DailyMed shows it as "
        "updated 17 September 2024. The sections were read on the manufacturer's HTML "
        "rendering of this revision; the PDF itself was not read."
    ),
)

SMPC = Document(
    key="SmPC",
    short_name="SmPC",
    title="BESPONSA 1 mg powder for concentrate for solution for infusion, EU Summary of "
    "Product Characteristics (Annex I)",
    revision="02/2022",
    addresses=(
        "https://ec.europa.eu/health/documents/community-register/2022/20220216154698/anx_154698_fr.pdf",
        "https://www.pfizerpro.ie/medicine/besponsa/dosing",
    ),
    identifier="EMEA/H/C/004119",
    note=(
        "The newest dated revision read is the annex of the Commission decision of "
        "16 February 2022 (only its opening sections were readable). The dose-modification "
        "tables were read in the Irish and Slovak renderings of the SmPC, whose revision date "
        "was not recorded."
    ),
)

EU_PL = Document(
    key="EU_PL",
    short_name="EU PL",
    title="BESPONSA, EU Package Leaflet: information for the user (Annex I/III, part B)",
    revision="02/2022",
    addresses=(
        "https://github.com/joofio/test-epi-composition/blob/006970d898a10641ae6ec2d0af24cff97f767278/input/fsh/examples/besponsa.fsh",
    ),
    identifier="EMEA/H/C/004119",
    note=(
        "Read in full as an EMA ePI test composition dated 16 February 2022, the same "
        "Commission decision as the SmPC annex above; it is the only EU text read in full."
    ),
)

MOSTELLER = Document(
    key="MOSTELLER",
    short_name="Mosteller",
    title="Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317:1098",
    revision="1987",
    addresses=("http://globalrph.com/bsa2.htm",),
)

DUBOIS = Document(
    key="DUBOIS",
    short_name="DuBois",
    title="DuBois D, DuBois EF. A formula to estimate the approximate surface area if height "
    "and weight be known. Arch Intern Med 1916;17:863",
    revision="1916",
    addresses=("http://globalrph.com/bsa2.htm",),
)

ASCO = Document(
    key="ASCO",
    short_name="ASCO",
    title="Griggs JJ et al. Appropriate systemic therapy dosing for obese adult patients with "
    "cancer: ASCO guideline update. J Clin Oncol 2021",
    revision="2021",
    addresses=("https://guidelinecentral.com/guideline/1062135",),
    note="Updates the 2012 guideline (full weight-based dosing regardless of obesity).",
)

CTCAE = Document(
    key="CTCAE",
    short_name="CTCAE v5.0",
    title="NCI Common Terminology Criteria for Adverse Events, version 5.0",
    revision="2017",
    addresses=("https://ctep.cancer.gov/protocoldevelopment/electronic_applications/ctc.htm",),
    note="The grades of liver values (baseline normal) and of other toxicities the rules read.",
)

DOCUMENTS: dict[str, Document] = {
    document.key: document for document in (USPI, SMPC, EU_PL, MOSTELLER, DUBOIS, ASCO, CTCAE)
}

LABEL_DOCUMENTS = frozenset({"USPI", "SmPC", "EU_PL"})

#: The label each profile cites first; the other documents of a profile support single rows.
LABEL_OF: dict[Profile, Document] = {"US": USPI, "EU": SMPC}


@dataclass(frozen=True)
class Citation:
    """One source of one rule under one profile, as short as a clinician needs to find it."""

    kind: SourceKind
    #: Key into DOCUMENTS; None for a local convention or silence without a document.
    document: str | None = None
    #: Section number as printed in the document ("2.3"); "" when the document has none.
    section: str = ""
    #: The table within the section, as the document numbers it ("Table 2"), or the USPI's
    #: "boxed warning". Nothing descriptive: a citation is rendered unchanged in every language.
    item: str = ""
    #: The section number was read in the document (False: inferred from the document's
    #: structure and still to be checked against the PDF).
    section_confirmed: bool = True
    #: The label's wording for this row was read (False: recalled or paraphrased only).
    text_confirmed: bool = True

    def reference(self) -> str:
        """The citation as printed: "USPI 2.3, Table 2 (03/2024)"; "" without a document.

        Only a document's own name, section and revision: never a word a chat would need in
        its own language (those come from the catalog, by `kind`).
        """
        if self.document is None:
            return ""
        document = DOCUMENTS[self.document]
        where = " ".join(part for part in (document.short_name, self.section) if part)
        if self.item:
            where = f"{where}, {self.item}"
        return f"{where} ({document.revision})"


def _uspi(
    section: str, item: str = "", *, section_ok: bool = True, text_ok: bool = True
) -> Citation:
    return Citation("label", "USPI", section, item, section_ok, text_ok)


def _smpc(
    section: str, item: str = "", *, section_ok: bool = True, text_ok: bool = True
) -> Citation:
    return Citation("label", "SmPC", section, item, section_ok, text_ok)


def _leaflet(section: str) -> Citation:
    return Citation("label", "EU_PL", section)


# Section numbers, checked against what was read of the labels. Confirmed: USPI 1
# (indication), section 2 (dosage and administration, with Tables 1-4), 2.2 (premedication),
# 2.4 (preparation), 5.1-5.5, 8.1, 8.2, 11 (0.9 mg deliverable) and the boxed warning; SmPC 2
# (1 mg per vial), 4.1 and its Tables 2 and 3; the Package Leaflet's numbered sections.
# Expected there but not read (section_ok=False): USPI 2.3 (the subsection holding
# Tables 2-4), 4, 8.3, 8.6; SmPC 4.2 (posology) and 4.4 (special warnings). Table 1 is cited by
# its section family, USPI 2, since no subsection number for it was read. No other number is
# used: where none was read, the citation names the section family or the leaflet.
_LOCAL = Citation("local_convention")
#: CTCAE v5.0, the grading the rules read for liver values and other toxicities.
_CTCAE = Citation("literature", "CTCAE")
_US_TABLE1 = _uspi("2", "Table 1")
_EU_TABLE1 = _smpc("4.2", "Table 1", section_ok=False, text_ok=False)
#: Table 1's footnotes (the extension of cycle 1, the ±2-day window) were read in the SmPC too.
_EU_TABLE1_NOTE = _smpc("4.2", "Table 1", section_ok=False)
_US_DURATION = _uspi("2")
_EU_DURATION = _smpc("4.2", section_ok=False)


def _us_table(number: int, *, text_ok: bool = True) -> Citation:
    return _uspi("2.3", f"Table {number}", section_ok=False, text_ok=text_ok)


def _eu_table(number: int, *, text_ok: bool = True) -> Citation:
    return _smpc("4.2", f"Table {number}", section_ok=False, text_ok=text_ok)


@dataclass(frozen=True)
class RuleSource:
    """The sources of one rule id under each profile. One row serves both labels; where they
    differ, the row says so (`differs`), and `docs/clinical-basis.md` says what the product
    does then."""

    rule_id: str
    us: tuple[Citation, ...]
    eu: tuple[Citation, ...]
    #: The two labels give this row differently (wording, presence, or population).
    differs: bool = False

    def citations(self, profile: Profile) -> tuple[Citation, ...]:
        return self.us if profile == "US" else self.eu


def _both(rule_id: str, us: Citation, eu: Citation, *shared: Citation) -> RuleSource:
    """A row on which the labels agree: each profile cites its own label, then `shared`
    (sources outside both labels, such as a publication or a local convention)."""
    assert all(c.document not in LABEL_DOCUMENTS for c in shared), "a label is not shared"
    return RuleSource(rule_id, (us, *shared), (eu, *shared))


RULE_SOURCES: tuple[RuleSource, ...] = (
    # Regimen and dose arithmetic
    _both("cycle1_regimen", _US_TABLE1, _EU_TABLE1),
    _both("cycle1_extension", _US_TABLE1, _EU_TABLE1_NOTE),
    _both("later_cycle_response", _US_TABLE1, _EU_TABLE1),
    _both("later_cycle_no_response", _US_TABLE1, _EU_TABLE1),
    _both("schedule_window", _US_TABLE1, _EU_TABLE1_NOTE),
    _both(
        "bsa_formula",
        # The labels dose per m² and name no formula (silence not verified against the PDF).
        Citation("label_silent", "USPI", text_confirmed=False),
        Citation("label_silent", "SmPC", text_confirmed=False),
        Citation("literature", "MOSTELLER"),
        Citation("literature", "DUBOIS"),
    ),
    RuleSource(
        "rounding_convention",
        # Rounding is a local convention (no label states one); the vial and the concentration
        # are label facts. The EU vial is labelled by content (1 mg) and its withdrawable
        # volume was not read, so vials are counted at 0.9 mg under both profiles (Vial below).
        us=(
            _LOCAL,
            Citation("label_silent", "USPI"),
            _uspi("11"),
            _uspi("2.4"),
        ),
        eu=(
            _LOCAL,
            Citation("label_silent", "SmPC"),
            _smpc("2"),
        ),
        differs=True,
    ),
    _both(
        "bsa_unusual",
        _LOCAL,
        _LOCAL,
        Citation("literature", "ASCO"),
    ),
    # Duration
    _both("max_cycles_hsct", _US_DURATION, _EU_DURATION),
    _both("max_cycles_no_hsct", _US_DURATION, _EU_DURATION),
    _both("no_response_3_cycles", _US_DURATION, _EU_DURATION),
    # Before each dose
    RuleSource(
        "premedication",
        # US: "prior to all infusions"; EU: "recommended prior to dosing".
        us=(_uspi("2.2"),),
        eu=(_smpc("4.2", section_ok=False), _leaflet("3")),
        differs=True,
    ),
    _both(
        "cytoreduction",
        # The sentence was read on the manufacturer's dosing page, without its subsection.
        _uspi("2"),
        _smpc("4.2", section_ok=False),
    ),
    RuleSource(
        "monitoring",
        # Blood count (5.3, wording paraphrased), liver tests (5.1), 1 hour observation (5.4);
        # EU: the observation hour was read in the SmPC, the tests in the leaflet.
        us=(_uspi("5.3", text_ok=False), _uspi("5.1"), _uspi("5.4")),
        eu=(_smpc("4.2", section_ok=False), _leaflet("2")),
    ),
    # Haematological toxicity (Table 2, at the start of a cycle)
    _both("hold_anc", _us_table(2), _eu_table(2)),
    _both("hold_platelets", _us_table(2), _eu_table(2)),
    _both("hold_counts_low_baseline", _us_table(2), _eu_table(2)),
    RuleSource(
        "counts_baseline_unknown",
        # Table 2 decides by the pre-treatment baseline; it says nothing for an unknown one.
        us=(_us_table(2), Citation("label_silent", "USPI")),
        eu=(_eu_table(2), Citation("label_silent", "SmPC")),
    ),
    _both(
        "counts_within_cycle",
        _uspi("2.3", section_ok=False),
        _smpc("4.2", section_ok=False),
    ),
    RuleSource(
        "discontinue_cytopenia",
        # US Table 2, rows 1 and 2: discontinue if low ANC or platelets persist for more than
        # 28 days and are suspected to be related. The SmPC's Table 2 has no such sentence:
        # under the EU profile a long interruption falls under Table 4 instead.
        us=(_us_table(2),),
        eu=(
            Citation("not_in_label", "SmPC", "4.2", "Table 2", section_confirmed=False),
            _eu_table(4, text_ok=False),
        ),
        differs=True,
    ),
    # Non-haematological toxicity (Table 3) and interruptions (Table 4). Table 3 was read in
    # the SmPC; the USPI's Table 3 is believed identical but was not read verbatim.
    RuleSource(
        "discontinue_vod",
        us=(_us_table(3, text_ok=False), _uspi("", "boxed warning"), _uspi("5.1")),
        eu=(_eu_table(3),),
    ),
    _both("hold_liver", _us_table(3, text_ok=False), _eu_table(3)),
    _both("gilbert_exception", _us_table(3, text_ok=False), _eu_table(3)),
    RuleSource(
        "infusion_reaction",
        us=(_us_table(3, text_ok=False), _uspi("5.4")),
        eu=(_eu_table(3),),
    ),
    # The closing words of the grade 2 row and its CTCAE footnote were not read in either.
    _both("hold_nonheme", _us_table(3, text_ok=False), _eu_table(3, text_ok=False), _CTCAE),
    # Table 3's first row (read in the SmPC); "severe" is not defined by either label, the
    # CTCAE v5.0 grade 3 cut-offs only make the product ask the question.
    _both("liver_severe", _us_table(3, text_ok=False), _eu_table(3), _CTCAE),
    # Table 4 was not read verbatim in either label.
    _both("interruption_table", _us_table(4, text_ok=False), _eu_table(4, text_ok=False)),
    _both("dose_reduction", _us_table(4, text_ok=False), _eu_table(4, text_ok=False)),
    # Special populations and warnings
    RuleSource(
        "hepatic_impairment",
        us=(_uspi("8.6", section_ok=False, text_ok=False),),
        eu=(_smpc("4.2", section_ok=False, text_ok=False),),
    ),
    RuleSource(
        "renal_impairment",
        # The renal subsection number was not read: the family is cited.
        us=(_uspi("8", text_ok=False),),
        eu=(_smpc("4.2", section_ok=False, text_ok=False),),
    ),
    RuleSource(
        "pregnancy",
        # Neither label lists pregnancy as a contraindication; the site specification does.
        us=(_uspi("8.1"),),
        eu=(_leaflet("2"),),
        differs=True,
    ),
    RuleSource(
        "contraception",
        us=(_uspi("8.3", section_ok=False),),
        eu=(_leaflet("2"),),
    ),
    RuleSource(
        "lactation",
        # USPI 8.2 is confirmed; its 2-month sentence was read only in the EU leaflet.
        us=(_uspi("8.2", text_ok=False),),
        eu=(_leaflet("2"),),
    ),
    RuleSource(
        "pediatric",
        # US: adults and children 1 year and older; EU: adults only (LABEL_PROFILES below).
        us=(_uspi("1"),),
        eu=(_smpc("4.1"), _leaflet("2")),
        differs=True,
    ),
    RuleSource(
        "boxed_hepatotoxicity_vod",
        # The SmPC has no boxed warning; it gives the same hazard among its special warnings.
        us=(_uspi("", "boxed warning"), _uspi("5.1")),
        eu=(_smpc("4.4", section_ok=False), _leaflet("2")),
        differs=True,
    ),
    RuleSource(
        "boxed_post_hsct_mortality",
        us=(_uspi("", "boxed warning"), _uspi("5.2")),
        eu=(_smpc("4.4", section_ok=False, text_ok=False),),
        differs=True,
    ),
    RuleSource(
        "qt_prolongation",
        us=(_uspi("5.5", text_ok=False),),
        eu=(_smpc("4.4", section_ok=False), _leaflet("2")),
    ),
    # A liver value raised on its own, graded by CTCAE v5.0; the EU contraindications.
    # Table 3's grade 2 row; the grades are CTCAE v5.0's (the footnote was not read).
    _both("liver_single_value", _us_table(3, text_ok=False), _eu_table(3, text_ok=False), _CTCAE),
    RuleSource(
        "eu_contraindications",
        # EU only: prior confirmed severe or ongoing VOD/SOS, serious ongoing liver disease.
        # The US label names both as risk factors (5.1), not as contraindications.
        us=(Citation("not_in_label", "USPI", "4", section_confirmed=False), _uspi("5.1")),
        eu=(_smpc("4.3", section_ok=False), _leaflet("2")),
        differs=True,
    ),
    RuleSource(
        "pediatric_preparation",
        # USPI 2.4 gives infusion-bag and syringe administration (its volumes were not read).
        us=(_uspi("2.4", text_ok=False),),
        eu=(Citation("not_in_label", "SmPC", "4.1", section_confirmed=True),),
        differs=True,
    ),
    # A small BSA in a child is expected: a local check only, no obese-adult guideline.
    _both("bsa_unusual_pediatric", _LOCAL, _LOCAL),
)

#: Rule ids that have a row here (and an entry in docs/clinical-basis.md) but are not yet in
#: rules/ruleset.py. When one lands, drop it here and its marker in the basis.
PENDING_RULE_IDS: frozenset[str] = frozenset()

SOURCES_BY_RULE: dict[str, RuleSource] = {row.rule_id: row for row in RULE_SOURCES}
assert len(SOURCES_BY_RULE) == len(RULE_SOURCES), "one row per rule id"


def citations_for(rule_id: str, profile: Profile) -> tuple[Citation, ...]:
    """Every source of `rule_id` under `profile`, most specific first."""
    return SOURCES_BY_RULE[rule_id].citations(profile)


def source_line(citations: tuple[Citation, ...]) -> str:
    """The citations as one line of document references, for the JSON `source` field: the
    label and literature references first ("USPI 2.3, Table 2 (03/2024)"), else whatever
    reference there is; "" for a local convention alone. Words for the kinds are a
    transport's (by `Citation.kind`, from the catalog), never part of this line."""
    stated = [c.reference() for c in citations if c.kind in ("label", "literature")]
    shown = stated or [c.reference() for c in citations if c.reference()]
    return "; ".join(dict.fromkeys(shown))


def documents_for(profile: Profile) -> tuple[Document, ...]:
    """The documents a profile cites, its label first: what `/sources` lists for it."""
    keys = [LABEL_OF[profile].key]
    for row in RULE_SOURCES:
        for citation in row.citations(profile):
            if citation.document is not None and citation.document not in keys:
                keys.append(citation.document)
    return tuple(DOCUMENTS[key] for key in keys)


#: Where the clinical basis is published (a file of this repository), and its review status as
#: a key for the catalog ("draft": not yet reviewed by the site's pharmacy). The status must
#: match the header of that file (tests/test_labels.py).
CLINICAL_BASIS = "docs/clinical-basis.md"
BasisStatus = Literal["draft", "reviewed", "approved"]
BASIS_STATUS: BasisStatus = "draft"


# What the profile changes besides the citations -------------------------------------------


@dataclass(frozen=True)
class Population:
    """Who the label is for. Below `min_age_years` the profile stops, with a clear message."""

    #: "adults_and_children" (US) or "adults" (EU); the words come from the catalog.
    key: Literal["adults_and_children", "adults"]
    min_age_years: Decimal
    source: Citation


#: The EU vial as labelled: its content (SmPC 2). Not used to count vials (see Vial).
EU_VIAL_CONTENT_MG = Decimal(1)


@dataclass(frozen=True)
class Vial:
    """The vial as labelled, and as the product counts it.

    Both labels give 0.25 mg/mL after reconstitution. The US vial delivers 0.9 mg (3.6 mL);
    the EU vial contains 1 mg, and its withdrawable volume could not be confirmed, so vials
    are counted at 0.9 mg withdrawable under both profiles: never fewer vials than needed.
    """

    labelled_mg: Decimal
    #: True when the label states `labelled_mg` as deliverable, False when it is the content.
    labelled_as_deliverable: bool
    #: The withdrawable amount per vial was read in this label (EU: not confirmed).
    withdrawable_confirmed: bool
    counted_mg: Decimal
    mg_per_ml: Decimal
    source: Citation


@dataclass(frozen=True)
class LabelProfile:
    """What one label profile changes, besides the citations of RULE_SOURCES: the population,
    the vial as that label gives it, and the rules that only that label has."""

    name: Profile
    label: Document
    population: Population
    vial: Vial
    #: Rule ids that apply under this profile only (the other label has no such row).
    only_here: frozenset[str]


LABEL_PROFILES: dict[Profile, LabelProfile] = {
    "US": LabelProfile(
        name="US",
        label=USPI,
        population=Population("adults_and_children", MIN_AGE_US_YEARS, _uspi("1")),
        vial=Vial(VIAL_MG, True, True, VIAL_MG, MG_PER_ML, _uspi("11")),
        only_here=frozenset({"discontinue_cytopenia"}),
    ),
    "EU": LabelProfile(
        name="EU",
        label=SMPC,
        population=Population("adults", ADULT_AGE_YEARS, _smpc("4.1")),
        vial=Vial(EU_VIAL_CONTENT_MG, False, False, VIAL_MG, MG_PER_ML, _smpc("2")),
        only_here=frozenset({"eu_contraindications"}),
    ),
}
