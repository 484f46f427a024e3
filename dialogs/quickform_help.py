"""/help's list of quick-form keys, generated from the field table (`dialogs/fields.py`) so that
it names every key a clinician can type, with an example, and cannot drift from what the quick
form reads. Each field is named by its question's label, in the chat's language."""

from __future__ import annotations

import re
from decimal import Decimal

from dialogs import messages as m
from dialogs.fields import EXAMPLES, FIELDS, HELP_LABELS, Field
from dialogs.replies import Text
from dialogs.steps import STEP_BY_FIELD

#: The one-message example at the top of the list.
EXAMPLE = "bsa 1.8 cycle 2 CR no hsct anc 1.8 plt 120"
_DECIMAL = re.compile(r"\d+\.\d+")


def _example(spec: Field) -> Text:
    """ "plt 120", with its decimal numbers written the chat's way ("bsa 1,8" in German)."""
    parts = _DECIMAL.split(EXAMPLES[spec.name])
    numbers = _DECIMAL.findall(EXAMPLES[spec.name])
    template = "{key} " + "".join(
        part.replace("{", "{{").replace("}", "}}") + (f"{{n{i}}}" if i < len(numbers) else "")
        for i, part in enumerate(parts)
    )
    values: dict[str, object] = {"key": spec.keys[0]}
    values |= {f"n{i}": Decimal(number) for i, number in enumerate(numbers)}
    return Text(template, values)


def _label(spec: Field) -> str:
    return HELP_LABELS.get(spec.name) or STEP_BY_FIELD[spec.name].label


def key_lines() -> Text:
    """One line per field that has keys: its keys, its name and an example."""
    typed = [spec for spec in FIELDS if spec.keys]
    lines = {
        f"line{i}": Text(
            m.HELP_KEY_LINE,
            {"keys": ", ".join(spec.keys), "label": Text(_label(spec)), "example": _example(spec)},
        )
        for i, spec in enumerate(typed)
    }
    return Text("\n".join(f"• {{{name}}}" for name in lines), lines)


def help_values() -> dict[str, object]:
    """The values of the help message (`m.HELP`, and the console's own help)."""
    example = Text(
        _DECIMAL.sub("{bsa}", EXAMPLE, count=1).replace("1.8", "{anc}"),
        {"bsa": Decimal("1.8"), "anc": Decimal("1.8")},
    )
    return {"example": example, "keys": key_lines()}
