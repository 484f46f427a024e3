"""docs/dialog.md is what the machine's table and the steps table say today; old sessions load."""

from __future__ import annotations

import pytest

from dialogs import dialog_doc
from dialogs.machine import STATES, TRANSITIONS, Conversation, Phase
from dialogs.steps import STEPS


def test_the_dialog_document_is_generated_from_the_code() -> None:
    assert dialog_doc.PATH.read_text(encoding="utf-8") == dialog_doc.document(), (
        "docs/dialog.md is stale: run .venv/bin/python -m dialogs.dialog_doc"
    )


def test_the_document_names_every_step_and_every_trigger() -> None:
    text = dialog_doc.document()
    for step in STEPS:
        assert f"| `{step.name}` |" in text
    for row in TRANSITIONS:
        assert f": {row['trigger']}" in text


def test_the_machine_is_a_table_of_phases() -> None:
    # Small enough to read at a glance (16 rows since "ask", a quick form's question back).
    assert len(TRANSITIONS) <= 16
    assert {row["dest"] for row in TRANSITIONS} == set(Phase)


@pytest.mark.parametrize("state", STATES)
def test_a_session_stored_under_an_old_state_name_loads_where_it_was(state: str) -> None:
    """Before the phases, each step was a state of its own; those names still load."""
    stored = {"state": state, "draft": {"cycle": 2}, "history": ["ask_body"], "token": 4}
    conversation = Conversation.from_dict(stored)
    assert conversation.state == state and conversation.token == 4
    assert conversation.to_dict()["state"] == state
