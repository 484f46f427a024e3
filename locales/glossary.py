"""The clinical glossary as data (`glossary.toml`) and its human-readable view (`glossary.md`).

Translators read the Markdown; tests/test_glossary.py holds every catalog to the data: the
required term wherever the English names the concept, never a rejected one.
Run `python -m locales.glossary` after editing the data to rewrite the Markdown.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
DATA = FOLDER / "glossary.toml"
VIEW = FOLDER / "glossary.md"
LANGS = ("es", "fr", "de", "it", "pt_BR", "pt_PT", "ru", "zh", "ar")


@dataclass(frozen=True)
class Usage:
    """One language's term for a concept."""

    term: str
    match: re.Pattern[str]
    reject: tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    name: str
    english: re.Pattern[str]
    usage: dict[str, Usage]


def _usage(row: dict[str, Any]) -> Usage:
    return Usage(
        term=row["term"],
        match=re.compile(row.get("match", re.escape(row["term"])), re.I),
        reject=tuple(row.get("reject", ())),
    )


@cache
def concepts() -> tuple[Concept, ...]:
    with DATA.open("rb") as file:
        data = tomllib.load(file)
    return tuple(
        Concept(
            name=row["name"],
            english=re.compile(row["english"]),
            usage={lang: _usage(row.get(lang) or row[lang.split("_")[0]]) for lang in LANGS},
        )
        for row in data["concept"]
    )


@cache
def variant_words() -> dict[str, tuple[str, ...]]:
    """Per catalog, the words of the language's other variant it must never use (pt_BR and
    pt_PT: one variant per catalog)."""
    with DATA.open("rb") as file:
        table = tomllib.load(file).get("variant_words", {})
    return {lang: tuple(words) for lang, words in table.items()}


@cache
def units(lang: str) -> dict[str, str]:
    """How `lang` writes each Latin unit in a reply ({} where the Latin units stay)."""
    with DATA.open("rb") as file:
        table = tomllib.load(file).get("units", {})
    return dict(table.get(lang, {}))


def never_translated() -> str:
    with DATA.open("rb") as file:
        return str(tomllib.load(file)["never_translated"])


def markdown() -> str:
    """The glossary as a Markdown table, rejected terms struck through."""
    lines = [
        "# Glossary: the same medical term, the same translation, everywhere",
        "",
        "Generated from `locales/glossary.toml` by `python -m locales.glossary`: edit the data,",
        "not this file. `tests/test_glossary.py` checks every catalog against it.",
        "",
        f"Never translated: {never_translated()}.",
        "",
        "| English | " + " | ".join(LANGS) + " |",
        "|---|" + "---|" * len(LANGS),
    ]
    for concept in concepts():
        cells = []
        for lang in LANGS:
            usage = concept.usage[lang]
            rejected = "".join(f" (not ~~{term}~~)" for term in usage.reject)
            cells.append(usage.term + rejected)
        lines.append(f"| {concept.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    VIEW.write_text(markdown(), encoding="utf-8")
