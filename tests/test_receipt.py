"""The check code (random: its form, and that it carries nothing of the values) and the
fingerprint (deterministic: its stability across processes, and what changes it)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plan_command import plan_json
from bot.receipts import new_code
from rules import RULESET_VERSION, PlanRequest, make_plan
from rules.receipt import ALPHABET, canonical_request, fingerprint, normalise_code

BASE: dict[str, Any] = {
    "bsa_m2": "1.8",
    "cycle": 2,
    "response": "CR",
    "anc": "1.5",
    "platelets": "80",
}


def code(**changes: Any) -> str:
    """The fingerprint of BASE with `changes`."""
    return fingerprint(PlanRequest.model_validate({**BASE, **changes}), RULESET_VERSION)


def test_the_code_is_eight_symbols_of_an_unambiguous_alphabet_in_two_groups() -> None:
    value = new_code()
    assert len(value) == 9 and value[4] == "-"
    assert all(symbol in ALPHABET for symbol in value.replace("-", ""))
    assert not set("01OIl") & set(ALPHABET) and len(set(ALPHABET)) == 32


def test_codes_are_uniform_over_the_alphabet() -> None:
    """4,000 codes, 32,000 symbols: each symbol about 1,000 times (a chi-square far below
    what a skewed draw, or a code made from values, gives)."""
    symbols = "".join(new_code().replace("-", "") for _ in range(4000))
    expected = len(symbols) / len(ALPHABET)
    chi_square = sum((symbols.count(s) - expected) ** 2 / expected for s in ALPHABET)
    assert chi_square < 80  # 31 degrees of freedom: p < 1e-6 above 80
    assert len({new_code() for _ in range(4000)}) == 4000


def test_the_engine_gives_no_code_and_the_json_plan_carries_the_fingerprint() -> None:
    request = PlanRequest.model_validate(BASE)
    assert make_plan(request).receipt == ""
    as_json = '{"bsa_m2": 1.80, "cycle": 2, "response": "CR", "anc": 1.5, "platelets": 80}'
    status, document = plan_json(as_json)
    assert status == 0 and "receipt" not in document
    assert document["fingerprint"] == code() and len(code()) == 64


def test_the_label_and_the_site_protocol_are_part_of_the_fingerprint() -> None:
    request = PlanRequest.model_validate(BASE)
    assert code(label="EU") != code()
    with_protocol = fingerprint(request, RULESET_VERSION, protocol_sha256="ab" * 32)
    assert with_protocol != code()
    assert with_protocol == fingerprint(request, RULESET_VERSION, protocol_sha256="ab" * 32)
    assert fingerprint(request, RULESET_VERSION, protocol_sha256="cd" * 32) != with_protocol


def test_representation_does_not_change_the_fingerprint() -> None:
    assert code(bsa_m2="1.80") == code(bsa_m2=Decimal("1.8")) == code()
    assert code(locale="de") == code()
    # 170 cm and 63.5 kg give 1.73 m² (Mosteller): the same BSA used as typing 1.73.
    by_height = code(bsa_m2=None, height_cm="170", weight_kg="63.5")
    assert by_height == code(bsa_m2="1.73")
    assert code(bsa_m2="1.804") == code()  # the engine doses 1.80 m² for both


def test_the_ruleset_version_is_part_of_the_fingerprint() -> None:
    request = PlanRequest.model_validate(BASE)
    assert fingerprint(request, "2026.11.1") != fingerprint(request, "2026.11.2")


def test_a_code_is_read_as_typed_or_said() -> None:
    value = new_code()
    assert normalise_code(value.lower()) == value
    assert normalise_code(value.replace("-", " ")) == value
    assert normalise_code(value.replace("-", "")) == value
    for bad in (
        "",
        "K7QM-2XP",
        "K7QM-2XPAA",
        "K0QM-2XPA",
        "K1QM-2XPA",
        "KOQM-2XPA",
        "💊💊💊💊-2XPA",
    ):
        assert normalise_code(bad) is None


#: One value per field that changes what the engine is asked, other than BASE's own.
CHANGES: dict[str, Any] = {
    "bsa_m2": "1.81",
    "cycle": 3,
    "response": "CRi",
    "hsct_planned": True,
    "mrd_negative": True,
    "anc": "1.4",
    "platelets": "81",
    "anc_baseline": "2",
    "platelets_baseline": "150",
    "blasts_per_mm3": "500",
    "bilirubin_uln": "1.1",
    "ast_uln": "1.2",
    "alt_uln": "1.3",
    "gilbert_or_hemolysis": True,
    "crcl_ml_min": "50",
    "vod": True,
    "infusion_reaction": "mild",
    "nonheme_grade": 2,
    "day": 8,
    "interruption_days": 3,
    "cytopenia_days": 10,
    "dose_level": 1,
    "start_date": dt.date(2026, 12, 7),
    "last_dose_date": dt.date(2026, 11, 30),
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "age_years": "70",
    "adult": True,
    "label": "EU",
    "prior_vod": True,
    "serious_liver_disease": False,
    "hypersensitivity": False,
    "dose_level_includes_interruption": True,
}


def test_every_field_that_the_plan_reads_changes_the_fingerprint() -> None:
    # Lab values as typed count by the multiple (and CrCl) they give: test_units.py checks that
    # any unit gives the plan, and so the receipt, of the same value as a multiple.
    as_typed = {"bilirubin", "ast", "alt", "creatinine"}
    planned = set(PlanRequest.model_fields) - {"locale", "height_cm", "weight_kg", "bsa_formula"}
    planned -= as_typed
    assert planned <= set(CHANGES), planned - set(CHANGES)
    base = code()
    for field, value in CHANGES.items():
        assert code(**{field: value}) != base, field


quantities = st.decimals(min_value="0.3", max_value="3.4", places=2)
requests = st.fixed_dictionaries(
    {
        "bsa_m2": quantities,
        "cycle": st.integers(2, 6),
        "response": st.sampled_from(["CR", "CRi", "none"]),
        "hsct_planned": st.booleans(),
        "anc": st.decimals(min_value="0", max_value="20", places=1),
        "platelets": st.integers(0, 900).map(Decimal),
    }
)


@settings(max_examples=60, deadline=None)
@given(requests, st.sampled_from(sorted(CHANGES)))
def test_a_changed_field_changes_the_fingerprint(values: dict[str, Any], field: str) -> None:
    request = PlanRequest.model_validate(values)
    changed = {**values, field: CHANGES[field]}
    if changed.get(field) == values.get(field):
        changed[field] = {"bsa_m2": "1.82", "platelets": "82"}.get(field, CHANGES[field])
    other = PlanRequest.model_validate(changed)
    if canonical_request(other) != canonical_request(request):
        assert fingerprint(other, RULESET_VERSION) != fingerprint(request, RULESET_VERSION)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }


@settings(max_examples=10, deadline=None)
@given(st.lists(requests, min_size=5, max_size=5))
def test_the_fingerprint_is_the_same_in_another_process(batch: list[dict[str, Any]]) -> None:
    here = [fingerprint(PlanRequest.model_validate(values), RULESET_VERSION) for values in batch]
    script = (
        "import json, sys\n"
        "from rules import RULESET_VERSION, PlanRequest\n"
        "from rules.receipt import fingerprint\n"
        "batch = json.load(sys.stdin)\n"
        "print(json.dumps([fingerprint(PlanRequest.model_validate(v), RULESET_VERSION) "
        "for v in batch]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps([_plain(values) for values in batch]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PYTHONHASHSEED": "random", "PATH": ""},
    )
    assert json.loads(result.stdout) == here
