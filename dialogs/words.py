"""Answers in words, in the shipped languages: yes/no and the response to treatment."""

from __future__ import annotations

from typing import Literal

from dialogs.normalise import folded
from dialogs.problems import NOT_A_RESPONSE, NOT_YES_NO, Problem

_YES = frozenset(
    (
        "yes",
        "y",
        "true",
        "1",
        "+",
        "ja",
        "j",
        "si",
        "sí",
        "sì",
        "oui",
        "sim",
        "s",
        "да",
        "是",
        "是的",
        "نعم",
    )
)
_NO = frozenset(
    ("no", "n", "false", "0", "-", "nein", "non", "não", "nao", "нет", "否", "不", "لا")
)


def parse_yes_no(text: str) -> bool | Problem:
    """yes/no in a few languages: yes, y, true, 1, +, ja, si, oui, sim, да, 是, نعم (and
    the matching no words), case-insensitive. Anything else is a Problem, never a default."""
    word = folded(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    return Problem(NOT_YES_NO, {})


_RESPONSES: dict[str, Literal["CR", "CRi", "none"]] = {
    "cr": "CR",
    "cri": "CRi",
    "none": "none",
    "no": "none",
    "nr": "none",
    "no response": "none",
    "-": "none",
    "keine": "none",
    "aucune": "none",
    "ninguna": "none",
    "nessuna": "none",
    "nenhuma": "none",
    "нет": "none",
    "无": "none",
    "لا": "none",
}


def parse_response(text: str) -> Literal["CR", "CRi", "none"] | Problem:
    """The response to treatment: "CR", "CRi" (any case) or none ("none", "no", "nr",
    "no response", "-")."""
    return _RESPONSES.get(folded(text)) or Problem(NOT_A_RESPONSE, {})
