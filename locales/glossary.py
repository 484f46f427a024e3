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

FOLDER = Path(__file__).resolve().parent
DATA = FOLDER / "glossary.toml"
VIEW = FOLDER / "glossary.md"
LANGS = ("es", "fr", "de", "it", "pt", "ru", "zh", "ar")


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


@cache
def concepts() -> tuple[Concept, ...]:
    with DATA.open("rb") as file:
        data = tomllib.load(file)
    return tuple(
        Concept(
            name=row["name"],
            english=re.compile(row["english"]),
            usage={
                lang: Usage(
                    term=row[lang]["term"],
                    match=re.compile(row[lang].get("match", re.escape(row[lang]["term"])), re.I),
                    reject=tuple(row[lang].get("reject", ())),
                )
                for lang in LANGS
            },
        )
        for row in data["concept"]
    )


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
