"""The field table, the draft and the steps agree with the rules request, field for field."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs.dialog import COMMANDS, split_command
from dialogs.draft import Draft
from dialogs.fields import FIELD_BY_KEY, FIELDS
from dialogs.readers import Context
from dialogs.steps import SEX, STEPS, TOXICITY
from rules.models import LIMITS, PlanRequest

REQUEST_FIELDS = set(PlanRequest.model_fields) - {"locale"}
CONTEXT = Context(dt.date(2026, 11, 25), "en")


def test_the_draft_declares_every_request_field() -> None:
    assert set(Draft.model_fields) == REQUEST_FIELDS


def test_every_request_field_has_exactly_one_row() -> None:
    names = [field.name for field in FIELDS]
    assert len(names) == len(set(names))
    assert set(names) == REQUEST_FIELDS


def test_no_key_belongs_to_two_fields() -> None:
    assert len(FIELD_BY_KEY) == sum(len(field.keys) for field in FIELDS)


def test_every_step_fills_request_fields() -> None:
    for step in STEPS:
        assert set(step.fields) <= REQUEST_FIELDS, step.name
        assert step.reader is not None or len(step.fields) == 1, step.name


@pytest.mark.parametrize("options", [SEX, TOXICITY])
def test_each_option_button_reads_back_as_its_own_values(options) -> None:  # type: ignore[no-untyped-def]
    for row in options.rows:
        assert options.read(row.word, CONTEXT) == row.values
    assert [choice.value for choice in options.choices] == [row.word for row in options.rows]


def test_commands_strip_the_bot_name_and_keep_the_argument() -> None:
    assert split_command("/Edit@besponsa_bot  Cycle ") == ("/edit", "Cycle")
    assert all(name.startswith("/") and name == name.lower() for name in COMMANDS)


def test_every_quantity_field_has_its_unit() -> None:
    quantities = {field.name for field in FIELDS if field.unit is not None}
    assert quantities == set(LIMITS)
