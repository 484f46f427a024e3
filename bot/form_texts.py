"""The Mini App page's words, from the same gettext catalogs as the chat.

The page (`bot/form_page/`) is static: it reads `strings/<lang>.json`, written from the
catalogs when the package is built (`hatch_build.py`, as the `.mo` files are) and, where a
checkout or an editable install has no such file or an older one than its catalog, made here
in memory by the server (`bot/webapp.py`). Most labels are the dialog's own (`dialogs/messages.py`),
so the form and the chat name a value alike; the few of the page only are below.

Imports nothing but the catalogs and the dialog's message texts: the build runs this without
the package's dependencies (no pydantic).
"""

from __future__ import annotations

import json
from typing import Any

from dialogs import messages as m
from dialogs.messages import CONTEXT_SEPARATOR, N_
from locales import DEFAULT, LANGUAGES, RTL, babel_locale, catalog_paths, translation

TITLE = N_("Besponsa dosing form")
HEIGHT = N_("Height, cm")
WEIGHT = N_("Weight, kg")
BSA = N_("or BSA, m²")
# TRANSLATORS: {formula} is Mosteller or DuBois, {bsa} a number; the page computes only this.
BSA_PREVIEW = N_("BSA by {formula}, as the bot computes it: {bsa} m². The bot decides the dose.")
BILIRUBIN = N_("Bilirubin")
# TRANSLATORS: the upper limit of normal of a lab value, as the lab prints it (short).
ULN = N_("ULN")
SEND = N_("Send")
# TRANSLATORS: {value} is what was typed in a number field of the form.
NOT_A_NUMBER = N_("Not a number: {value}")
# TRANSLATORS: {field} is the label of a field of the form that must be filled in.
NEEDED = N_("Needed: {field}")

#: Each string the page shows, by the id its script uses.
PAGE_TEXTS: dict[str, str] = {
    "title": TITLE,
    "height": HEIGHT,
    "weight": WEIGHT,
    "bsa": BSA,
    "bsa_preview": BSA_PREVIEW,
    "body": m.LABEL_BODY,
    "formula": m.LABEL_FORMULA,
    "mosteller": m.FORMULA_MOSTELLER,
    "dubois": m.FORMULA_DUBOIS,
    "cycle": m.LABEL_CYCLE,
    "day": m.LABEL_DAY,
    "day_choice": m.DAY_CHOICE,
    "response": m.LABEL_RESPONSE,
    "none_response": m.NONE_RESPONSE,
    "hsct": m.LABEL_HSCT,
    "mrd": m.LABEL_MRD,
    "yes": m.YES,
    "no": m.NO,
    "unknown": m.UNKNOWN,
    "anc": m.LABEL_ANC,
    "platelets": m.LABEL_PLATELETS,
    "anc_baseline": m.LABEL_ANC_BASELINE,
    "platelets_baseline": m.LABEL_PLATELETS_BASELINE,
    "liver": m.LABEL_LIVER,
    "bilirubin": BILIRUBIN,
    "uln": ULN,
    "interruption": m.LABEL_INTERRUPTION,
    "dose_level": m.LABEL_DOSE_LEVEL,
    "level_full": m.LEVEL_FULL,
    "level_reduced": m.LEVEL_REDUCED,
    "level_two_doses": m.LEVEL_TWO_DOSES,
    "age": m.LABEL_AGE,
    "sex": m.LABEL_SEX,
    "female": m.FEMALE,
    "female_pregnant": m.FEMALE_PREGNANT,
    "female_breastfeeding": m.FEMALE_BREASTFEEDING,
    "male": m.MALE,
    "last_dose": m.LABEL_LAST_DOSE,
    "send": SEND,
    "not_a_number": NOT_A_NUMBER,
    "needed": NEEDED,
}


def _translated(lang: str, key: str) -> str:
    """One message in `lang`; a message with a context (`PC_`) is looked up with it."""
    catalog = translation(lang)
    context, separator, text = key.rpartition(CONTEXT_SEPARATOR)
    return catalog.pgettext(context, text) if separator else catalog.gettext(text)


def page_strings(lang: str) -> dict[str, Any]:
    """What the page needs in `lang`: its texts, the writing direction and the decimal sign."""
    lang = lang if lang in LANGUAGES else DEFAULT
    # The Latin digits' symbols: the page, like the chat, reads and writes 0-9 in every language.
    decimal = babel_locale(lang).number_symbols["latn"]["decimal"]
    return {
        "lang": lang,
        "dir": "rtl" if lang in RTL else "ltr",
        "decimal": decimal,
        "texts": {name: _translated(lang, key) for name, key in PAGE_TEXTS.items()},
    }


def page_strings_json(lang: str) -> bytes:
    return json.dumps(page_strings(lang), ensure_ascii=False, sort_keys=True).encode()


def catalog_mtime(lang: str) -> float:
    """When the catalog behind `lang`'s strings last changed (0 for English, the msgids)."""
    po_path, _ = catalog_paths(lang)
    return po_path.stat().st_mtime if lang != DEFAULT and po_path.exists() else 0.0
