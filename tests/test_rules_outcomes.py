"""Every row of the outcome table (`rules.ruleset.OUTCOMES`) is reached by some request, so
the table holds no dead row that a reader would take for a live rule."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from rules import PlanRequest, engine, make_plan
from rules.protocol import DEFAULT_PROTOCOL, Protocol
from rules.ruleset import OUTCOMES, PROFILE_OUTCOMES, RULE_BY_ID

CHOICES: dict[str, list[Any]] = {
    "hsct_planned": [True, False],
    "mrd_negative": [True, False],
    "anc": ["0.5", "1", "3"],
    "platelets": ["20", "50", "200"],
    "anc_baseline": ["0.5", "2"],
    "platelets_baseline": ["20", "100"],
    "blasts_per_mm3": ["0", "50000"],
    "bilirubin_uln": ["1.2", "1.6", "3.5"],
    "ast_uln": ["1", "2.6", "3.1"],
    "alt_uln": ["1", "2.6", "3.1", "5.5"],
    "gilbert_or_hemolysis": [True, False],
    "crcl_ml_min": ["10", "60", "95"],
    "vod": [True, False],
    "infusion_reaction": ["none", "mild", "severe"],
    "nonheme_grade": [0, 2, 3],
    "day": [1, 8, 15],
    "interruption_days": [0, 3, 9, 15, 30],
    "cytopenia_days": [0, 29],
    "dose_level": [0, 1, 2],
    "sex": ["female", "male"],
    "pregnant": [True, False],
    "breastfeeding": [True, False],
    "age_years": ["0.5", "10", "40"],
    "last_dose_date": ["2026-08-31"],
    "label": ["US", "EU"],
    "prior_vod": [True, False],
    "serious_liver_disease": [True, False],
    "hypersensitivity": [True, False],
    "dose_level_includes_interruption": [True, False],
}


def generated(count: int) -> list[PlanRequest]:
    chooser = random.Random(20261202)
    requests = []
    for _ in range(count):
        fields: dict[str, Any] = {"bsa_m2": chooser.choice(["0.8", "1.8", "2.7"])}
        fields["cycle"] = chooser.randint(1, 8)
        if fields["cycle"] >= 2:
            fields["response"] = chooser.choice(["CR", "CRi", "none"])
        for name, values in CHOICES.items():
            if chooser.random() < 0.3:
                fields[name] = chooser.choice(values)
        try:
            requests.append(PlanRequest.model_validate(fields))
        except ValueError:
            continue  # inconsistent requests are refused (tests/test_rules_tables.py)
    return requests


def test_every_outcome_row_is_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    reached: set[str] = set()
    conclude = engine._Evaluation.conclude

    def recording(self: Any, name: str, **values: Any) -> None:
        # The outcome the request's label profile reaches for this name (or none).
        reached.add(str(PROFILE_OUTCOMES.get((name, self.profile), name)))
        conclude(self, name, **values)

    monkeypatch.setattr(engine._Evaluation, "conclude", recording)
    # Half the plans under a site protocol that takes the decisions the labels leave open (the
    # reduced levels' doses, pregnancy as a caution), whose outcomes only a protocol reaches.
    site = Protocol.model_validate(
        {
            "reduction": {
                "level1_split": "proportional",
                "level2_doses": [
                    {"day": 1, "mg_per_m2": Decimal("0.5")},
                    {"day": 8, "mg_per_m2": Decimal("0.5")},
                ],
            },
            "policy": {"pregnancy": "caution"},
        }
    )
    for index, request in enumerate(generated(6000)):
        make_plan(request, site if index % 2 else DEFAULT_PROTOCOL)
    assert not {outcome.name for outcome in OUTCOMES} - reached


def test_every_rule_has_an_outcome_or_shapes_the_plan() -> None:
    with_outcome = {outcome.rule for outcome in OUTCOMES}
    # Rules that shape the doses or the duration without a message of their own.
    shaping = {
        "cycle1_regimen",
        "later_cycle_response",
        "later_cycle_no_response",
        "bsa_formula",
        "max_cycles_hsct",
        "max_cycles_no_hsct",
    }
    assert set(RULE_BY_ID) == with_outcome | shaping
