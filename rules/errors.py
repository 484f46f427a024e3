"""How a refused model names its problem: one helper for every caller that reports a pydantic
`ValidationError` to a person (the dialog, the `plan` command, the settings at start).

Kept apart from rules/models.py so that the settings check at start (bot/config.py) does not
load the rules' models: the bot imports those while it connects (bot/app.py, issue 17).
"""

from __future__ import annotations

from pydantic import ValidationError


def first_error(error: ValidationError) -> tuple[str, str]:
    """(field, message) of the first problem, for a reply that names the field.

    Model validators here raise "field: message", since a whole-model check has no location
    of its own; pydantic's "Value error, " prefix is dropped. The field is "" when unknown.
    """
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if not field and ": " in message:
        field, message = message.split(": ", 1)
    return field, message
