"""The deterministic rules core: `make_plan(PlanRequest) -> Plan`, pure and sourced.

The names below are loaded from their modules when first asked for (PEP 562), not when the
package is: a light module such as `rules.units` or `rules.thresholds` must not pull in the
engine and its pydantic models, since the bot's settings check at start (bot/config.py) uses
`rules.units`, and every start pays for what it imports before it connects (BENCHMARKS.md,
cold start).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.engine import make_plan
    from rules.models import Dose, Plan, PlanRequest, PlanWarning
    from rules.ruleset import RULE_BY_ID, RULES, RULESET_VERSION

#: Public name → the module that defines it.
_HOME: dict[str, str] = {
    "make_plan": "rules.engine",
    "Dose": "rules.models",
    "Plan": "rules.models",
    "PlanRequest": "rules.models",
    "PlanWarning": "rules.models",
    "RULES": "rules.ruleset",
    "RULE_BY_ID": "rules.ruleset",
    "RULESET_VERSION": "rules.ruleset",
}

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


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'rules' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
