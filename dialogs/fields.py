"""One row per request field: the keys a clinician types for it, its words, its reader, and how
the summary shows its value.

The quick form (`dialogs/quickform.py`) finds its keys here, a guided step that fills one field
(`dialogs/steps.py`) reads with that field's reader, and the summary (`dialogs/summary.py`) shows
the value as its row says, so a value reads and shows the same whichever way it was typed.
Adding a request field touches `rules/models.py` (`PlanRequest`), `dialogs/draft.py`, this
table and at most one step. Field names are the contract of `rules.models.PlanRequest`; the
unit and accepted spellings of each quantity are in `dialogs/units.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dialogs import messages as m
from dialogs.quantities import VALUE_CREATININE
from dialogs.readers import (
    Reader,
    choice,
    clearance,
    creatinine,
    date,
    dose_day,
    integer,
    lab,
    mrd_negative,
    quantity,
    response,
    sex,
    yes_no,
)
from dialogs.replies import Text
from dialogs.units import UNITS, UnitSpec

#: How the summary shows a value that is present (absent values show as "not given").
Show = Callable[[Any], Text]


def plain(value: Any) -> Text:
    return Text("{value}", {"value": value})


def yes_or_no(value: Any) -> Text:
    return Text(m.YES if value else m.NO)


def with_unit(template: str | tuple[str, str]) -> Show:
    """The value in its unit's template; a plural pair is chosen by the value ("1 day")."""

    def show(value: Any) -> Text:
        if isinstance(template, tuple):
            return Text(template[0], {"value": value}, plural=template[1])
        return Text(template, {"value": value})

    return show


def labelled(labels: Mapping[Any, str]) -> Show:
    """A value shown by its own label ("Full dose" for dose level 0)."""

    def show(value: Any) -> Text:
        return Text(labels[value])

    return show


@dataclass(frozen=True)
class Field:
    """A request field as the dialog knows it.

    `keys` are the quick-form keys (``plt``, ``platelets``); `words` the vocabulary of a field
    read as one of a few words (word typed → value); `negatable` keys take a negation before
    them ("no vod"), and `bare_yes` keys mean yes when typed without a value ("pregnant"),
    only where that adds caution to a plan.
    """

    name: str
    keys: tuple[str, ...]
    read: Reader
    show: Show = plain
    words: Mapping[str, str] | None = None
    negatable: bool = False
    bare_yes: bool = False

    @property
    def unit(self) -> UnitSpec | None:
        """A quantity's unit and the spellings accepted for it (`dialogs/units.py`)."""
        return UNITS.get(self.name)


def _choice_field(name: str, keys: tuple[str, ...], words: Mapping[str, str]) -> Field:
    return Field(name, keys, choice(words), words=words)


#: English sex words (the option aliases of the sex step); every language's own, with the
#: letters read by the chat's language, are in `dialogs/words.SEX_WORDS_BY_LANG`.
SEX_WORDS = {"f": "female", "female": "female", "m": "male", "male": "male"}
FORMULA_WORDS = {"mosteller": "mosteller", "dubois": "dubois", "du bois": "dubois"}
REACTION_WORDS = {"none": "none", "no": "none", "0": "none", "mild": "mild", "severe": "severe"}
#: The label profiles (`rules/labels.py`), as typed in the quick form (`label=EU`).
LABEL_WORDS = {"us": "US", "eu": "EU"}
DOSE_LEVEL_LABELS = {0: m.LEVEL_FULL, 1: m.LEVEL_REDUCED, 2: m.LEVEL_TWO_DOSES}
#: Serum creatinine in each shipped language, and the lab's short forms (Krea, crea).
CREATININE_KEYS = (
    "creat",
    "creatinine",
    "crea",
    "krea",
    "kreatinin",
    "créatinine",
    "creatinina",
    "креатинин",
    "肌酐",
    "الكرياتينين",
)


def as_typed(lab: Any) -> Text:
    """A lab value with the unit it was typed in ("creatinine 90 µmol/L")."""
    return Text(VALUE_CREATININE, {"value": lab.value, "unit": lab.unit})


_COUNT = with_unit(m.VALUE_COUNT)
_DAYS = with_unit(m.VALUE_DAYS)

FIELDS: tuple[Field, ...] = (
    # Keys in each shipped language too: "ciclo 2", "Zyklus 2", "цикл 2", "peso 70"; the
    # abbreviations the German and Russian cards print for BSA (KOF, ППТ); and those a Russian
    # clinician types on a Cyrillic keyboard (АЧН, АЛТ, АСТ, ВОБ), though the replies keep ANC,
    # ALT, AST and VOD in Latin (locales/glossary.toml). Not МОБ: "МОБ нет" says no residual
    # disease, the opposite of `mrd no` (not MRD-negative).
    Field("bsa_m2", ("bsa", "kof", "ппт"), quantity),
    Field(
        "height_cm",
        ("height", "h", "altura", "taille", "größe", "groesse", "altezza", "рост", "身高", "الطول"),
        quantity,
    ),
    Field(
        "weight_kg", ("weight", "w", "peso", "poids", "gewicht", "вес", "体重", "الوزن"), quantity
    ),
    Field("cycle", ("cycle", "c", "ciclo", "zyklus", "цикл", "周期", "الدورة"), integer(1, 99)),
    Field(
        "response",
        ("response", "resp", "respuesta", "réponse", "ansprechen", "risposta", "resposta", "ответ"),
        response,
    ),
    # "hsct" alone means planned (ward shorthand): it adds the post-HSCT cautions to a plan.
    Field("hsct_planned", ("hsct",), yes_no, yes_or_no, negatable=True, bare_yes=True),
    Field("anc", ("anc", "ачн"), quantity, _COUNT),
    Field(
        "platelets",
        ("plt", "platelets", "plaquetas", "plaquettes", "thrombozyten", "piastrine", "тромбоциты"),
        quantity,
        _COUNT,
    ),
    Field("anc_baseline", ("anc0", "anc_base", "anc_baseline"), quantity, _COUNT),
    Field("platelets_baseline", ("plt0", "plt_base", "platelets_baseline"), quantity, _COUNT),
    Field("blasts_per_mm3", ("blasts",), quantity, with_unit(m.VALUE_BLASTS)),
    Field(
        "bilirubin_uln",
        ("bili", "bilirubin", "bilirrubina", "bilirubine", "bilirubina", "билирубин", "胆红素"),
        lab,
    ),
    Field("ast_uln", ("ast", "аст"), lab),
    Field("alt_uln", ("alt", "алт"), lab),
    # One source of the CrCl at a time: a CrCl typed replaces a creatinine, and back.
    Field("crcl_ml_min", ("crcl",), clearance, with_unit(m.VALUE_CRCL)),
    Field("start_date", ("start",), date),
    Field("last_dose_date", ("last",), date),
    Field("nonheme_grade", ("grade",), integer(0, 4)),
    Field("vod", ("vod", "воб"), yes_no, yes_or_no, negatable=True, bare_yes=True),
    _choice_field("infusion_reaction", ("irr",), REACTION_WORDS),
    Field("interruption_days", ("interruption", "interrupted"), integer(0, 365), _DAYS),
    Field("cytopenia_days", ("cytopenia",), integer(0, 365), _DAYS),
    Field("dose_level", ("level",), integer(0, 2), labelled(DOSE_LEVEL_LABELS)),
    Field("day", ("day", "tag", "jour", "día", "dia", "giorno", "день"), dose_day),
    Field("sex", ("sex", "sexo", "sexe", "geschlecht", "sesso", "пол", "性别", "الجنس"), sex),
    Field("pregnant", ("pregnant",), yes_no, yes_or_no, negatable=True, bare_yes=True),
    Field("breastfeeding", ("breastfeeding",), yes_no, yes_or_no, negatable=True, bare_yes=True),
    Field(
        "age_years",
        ("age", "edad", "âge", "alter", "età", "idade", "возраст", "年龄", "العمر"),
        quantity,
        with_unit(m.VALUE_YEARS),
    ),
    Field("adult", ("adult",), yes_no, yes_or_no),
    # "mrd negative" and "mrd pos" as well as yes/no; never "mrd-" or "mrd+" (dialogs/words.py).
    Field("mrd_negative", ("mrd",), mrd_negative, yes_or_no),
    Field("gilbert_or_hemolysis", ("gilbert",), yes_no, yes_or_no, negatable=True),
    _choice_field("bsa_formula", ("bsa_formula", "formula"), FORMULA_WORDS),
    _choice_field("label", ("label",), LABEL_WORDS),
    Field("prior_vod", ("prior_vod",), yes_no, yes_or_no, negatable=True),
    Field("serious_liver_disease", ("liver_disease",), yes_no, yes_or_no, negatable=True),
    Field("hypersensitivity", ("hypersensitivity",), yes_no, yes_or_no, negatable=True),
    Field("dose_level_includes_interruption", ("level_includes",), yes_no, yes_or_no),
    # Lab values as typed: no keys of their own, filled with the liver test's multiple by its
    # reader (`readers.lab`), and read back with the plan.
    Field("bilirubin", (), lab),
    Field("ast", (), lab),
    Field("alt", (), lab),
    # Serum creatinine with its unit: the plan's CrCl by Cockcroft-Gault, with age, weight and
    # sex. Not "cr": that is a response ("resp CR").
    Field("creatinine", CREATININE_KEYS, creatinine, as_typed),
)

FIELD_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
#: Every quick-form key → its field.
FIELD_BY_KEY: dict[str, Field] = {key: field for field in FIELDS for key in field.keys}

#: An example value for each field a clinician can type by key, shown by /help after the
#: field's first key ("plt 120"); `tests/test_quickform_help.py` checks that none is missing.
EXAMPLES: dict[str, str] = {
    "bsa_m2": "1.8",
    "height_cm": "170 cm",
    "weight_kg": "70 kg",
    "cycle": "2",
    "response": "CR",
    "hsct_planned": "no",
    "anc": "1.8",
    "platelets": "120",
    "anc_baseline": "1.5",
    "platelets_baseline": "100",
    "blasts_per_mm3": "0",
    "bilirubin_uln": "34/21",
    "ast_uln": "120 uln 40",
    "alt_uln": "1.2",
    "crcl_ml_min": "80",
    "start_date": "2026-11-25",
    "last_dose_date": "2026-11-18",
    "nonheme_grade": "2",
    "vod": "no",
    "infusion_reaction": "mild",
    "interruption_days": "9",
    "cytopenia_days": "0",
    "dose_level": "1",
    "day": "8",
    "sex": "female",
    "pregnant": "no",
    "breastfeeding": "no",
    "age_years": "45",
    "adult": "yes",
    "mrd_negative": "yes",
    "gilbert_or_hemolysis": "no",
    "bsa_formula": "dubois",
    "label": "EU",
    "prior_vod": "no",
    "serious_liver_disease": "no",
    "hypersensitivity": "no",
    "dose_level_includes_interruption": "yes",
    "creatinine": "80 µmol/L",
}
#: How /help names a field that no question of its own names (`dialogs/steps.py` labels the
#: rest).
HELP_LABELS: dict[str, str] = {
    "adult": m.ADULT,
    "pregnant": m.FEMALE_PREGNANT,
    "breastfeeding": m.FEMALE_BREASTFEEDING,
    "label": m.MENU_SETTINGS,
    "prior_vod": m.LABEL_PRIOR_VOD,
    "serious_liver_disease": m.LABEL_LIVER_DISEASE,
    "hypersensitivity": m.LABEL_HYPERSENSITIVITY,
}
