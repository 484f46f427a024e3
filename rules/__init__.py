"""The deterministic rules core: `make_plan(PlanRequest) -> Plan`, pure and sourced."""

from rules.engine import make_plan
from rules.models import Dose, Plan, PlanRequest, PlanWarning
from rules.ruleset import RULE_BY_ID, RULES, RULESET_VERSION

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "RULE_BY_ID",
    "Dose",
    "Plan",
    "PlanRequest",
    "PlanWarning",
    "make_plan",
]
