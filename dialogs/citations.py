"""A citation in the chat's words: "USPI 2.3, Table 2 (03/2024)" becomes "USPI 2.3, tabla 2
(03/2024)" in Spanish. The document's own short name (USPI, SmPC), its sections and its
revision stay as printed; the words around them ("Table", "boxed warning", the EU Package
Leaflet's "EU PL") come from the catalogs, so no English is left in a citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogs.messages import PC_

# TRANSLATORS: a table of a label in a citation ("USPI 2.3, Table 2 (03/2024)"); {number} is
# its number. Lower case where the language writes it so after a comma (es "tabla 2").
TABLE = PC_("citation", "Table {number}")
# TRANSLATORS: the USPI's boxed warning as cited ("USPI, boxed warning (03/2024)").
BOXED_WARNING = PC_("citation", "boxed warning")
# TRANSLATORS: the EU Package Leaflet (the patient leaflet of the EU label) as cited, short:
# "EU PL 2 (02/2022)" (es "prospecto UE", ru "листок-вкладыш ЕС").
PACKAGE_LEAFLET = PC_("citation", "EU PL")
# TRANSLATORS: the label profile in "{profile} label (USPI 03/2024)": the country or union whose
# label it is, in the form the label's name takes (fr "américain", pt "dos EUA", zh "美国").
PROFILE_NAMES = {"US": PC_("label profile", "US"), "EU": PC_("label profile", "EU")}
_WORDS = re.compile(r"\bTable (?P<number>\d+)\b|\bboxed warning\b|\bEU PL\b")


def localized_reference(reference: str, gettext: Callable[[str], str]) -> str:
    """The reference with its words translated by `gettext` (a renderer's, contexts allowed)."""

    def word(match: re.Match[str]) -> str:
        if match["number"]:
            return gettext(TABLE).format(number=match["number"])
        if match.group(0) == "boxed warning":
            return gettext(BOXED_WARNING)
        return gettext(PACKAGE_LEAFLET)

    return _WORDS.sub(word, reference)
