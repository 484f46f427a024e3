"""Replies as text in the chat's language: plain for the console, HTML for Telegram.

Every value is formatted by Babel for the locale and, in HTML, escaped; the layout of the plan
puts the decision first so that it is read before anything else on a phone screen.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from decimal import Decimal
from typing import Any

from dialogs import card_today as today
from dialogs import messages as m
from dialogs import protocol_lines
from dialogs.citations import PROFILE_NAMES, localized_reference
from dialogs.counts import COUNT_NOUNS, UNIT_WORDS
from dialogs.problems import ABSOLUTE_ULN, WRONG_UNIT
from dialogs.raw import Raw
from dialogs.replies import Choice, Reply, Text
from dialogs.verify import RECEIPT_LINE
from locales import (
    RTL,
    closest_language,
    format_date,
    format_date_interval,
    format_day,
    format_decimal,
    format_items,
    label_separator,
    translation,
)
from locales.glossary import units as glossary_units
from rules.labels import LABEL_OF
from rules.models import Plan, PlanWarning, WarningSource
from rules.thresholds import DOSES_AT_LEVEL_TWO, MIN_DAYS_BETWEEN_DOSES

N_ = m.N_
NP_ = m.NP_

DECISION = {
    "give": N_("✅ GIVE: cycle {cycle}"),
    "hold": N_("⏸ HOLD: do not give Besponsa now (cycle {cycle})"),
    "discontinue": N_("⛔ DISCONTINUE Besponsa"),
}
BSA_LINE = {
    "given": N_("BSA {bsa} m² (as entered)"),
    "mosteller": N_("BSA {bsa} m² (Mosteller, from height and weight)"),
    "dubois": N_("BSA {bsa} m² (DuBois, from height and weight)"),
}
# TRANSLATORS: mg/m² = dose per body surface area, mg = total dose, mL = volume to draw up; {vials}
# is the translated vial count.
DOSE_LINE = N_("Day {day}: {mg_per_m2} mg/m² = {mg} mg · {ml} mL · {vials}")
# TRANSLATORS: a dose row of a dated cycle: {date} is a short date without the year ("Dec 3"),
# {dose} the amounts ("0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial").
DOSE_DATED = N_("Day {day} · {date}: {dose}")
# TRANSLATORS: as above; window = the dates a Day 8 or Day 15 dose may be moved to ({window} is a
# date range). Keep the row short: it must fit two lines of a phone.
DOSE_WINDOW = N_("Day {day} · {date} (window {window}): {dose}")
# TRANSLATORS: the amounts of one dose: mg/m² = dose per body surface area, mg = total dose, mL =
# volume to draw up; {vials} is the translated vial count.
DOSE_AMOUNTS = N_("{mg_per_m2} mg/m² = {mg} mg · {ml} mL · {vials}")
# TRANSLATORS: shown under dose rows with their windows; the previous dose = the one actually given.
WINDOW_NOTE = N_("Each window: at least {min_days:days} after the previous dose as given.")
# TRANSLATORS: Day 1 = the first dose day of a cycle.
NEXT_CYCLE = N_("Next cycle: Day 1 on {date} at the earliest")
# TRANSLATORS: extended = cycle 1 lengthened to allow recovery or after CR/CRi.
NEXT_CYCLE_EXTENDED = N_("Next cycle: Day 1 on {date} at the earliest ({extended} if extended)")
VIALS = NP_("{count} vial", "{count} vials")
DAYS = NP_("{count} day", "{count} days")
# TRANSLATORS: Total = the dose of the whole cycle; {length} is a translated number of days.
TOTAL_LINE = N_("Total {total_mg_per_m2} mg/m² = {total_mg} mg · cycle length {length}")
CYCLE_EXTENDABLE = N_("(may be extended to {days})")
# TRANSLATORS: Split = how the reduced total is divided between the days of the cycle.
REDUCED_TOTAL = N_(
    "Reduced total for this cycle: {total_mg_per_m2} mg/m² = {total_mg} mg. The label does not "
    "say how to split it across the days: decide the split."
)
# TRANSLATORS: Dose level = the step of dose reduction (0 full dose); pharmacist = the hospital
# pharmacist who prepares the dose; no dose and no total = no amounts are printed.
LEVEL_TWO_LINE = N_(
    "Dose level 2: {level_two_doses:doses} per cycle. The label gives neither the amounts nor "
    "the days, so no dose and no total are shown: the clinician and the pharmacist decide."
)
# TRANSLATORS: Omitted = this dose is not given at all (not postponed); label Table 4 = the label's
# table of dose changes by the length of an interruption; nothing to prepare = for the pharmacy.
OMITTED_LINE = N_("Day {day}: omitted (label Table 4), nothing to prepare")
# TRANSLATORS: Cycle length = the number of days of the treatment cycle; {length} is a translated
# number of days.
CYCLE_LENGTH_LINE = N_("Cycle length {length}")
#: The line that says why no dose rows are shown although the decision is to give.
UNSPECIFIED_REASON = {
    "dose_level_1_split_not_in_label": REDUCED_TOTAL,
    "dose_level_2_split_not_in_label": LEVEL_TWO_LINE,
    "site_protocol_no_dose_this_day": protocol_lines.NO_SITE_DOSE_TODAY,
}
MAX_CYCLES_LINE = N_("Cycles at most: {count}")
WARNINGS_HEADER = N_("Warnings")
SOURCE = N_("Source: {source}")
# TRANSLATORS: {labelled_mg} is the vial as its label gives it; {counted_mg} the amount each vial
# is counted at (withdrawable = what can be drawn up from one vial).
VIAL_LINE = N_(
    "vial as labelled {labelled_mg} mg; vials counted at {counted_mg} mg withdrawable each"
)
#: The words around a citation, by its kind (`rules.labels.SourceKind`): only the document's
#: own name, section and revision ({reference}) stay as the document prints them.
# TRANSLATORS: {reference} is a label citation such as "USPI (03/2024)"; keep it as it is.
SOURCE_SILENT = N_("{reference}: the label does not say")
# TRANSLATORS: a choice of this product or site, not a statement of the label.
SOURCE_LOCAL = N_("local convention")
# TRANSLATORS: {reference} is a publication such as "Mosteller (1987)"; keep it as it is.
SOURCE_LITERATURE = N_("literature: {reference}")
# TRANSLATORS: {reference} is a citation such as "SmPC 4.2, Table 2 (02/2022)": the row exists
# only in the other label.
SOURCE_NOT_IN_LABEL = N_("{reference}: not in this label")
SOURCE_KIND = {
    "label_silent": SOURCE_SILENT,
    "local_convention": SOURCE_LOCAL,
    "literature": SOURCE_LITERATURE,
    "not_in_label": SOURCE_NOT_IN_LABEL,
}
# TRANSLATORS: Rules = the version of the dosing rules; clinical judgement = the clinician's own
# decision.
FOOTER = N_("Rules {version}. Supports, does not replace, clinical judgement.")
ICON = {"stop": "⛔", "caution": "⚠️", "info": "ℹ️"}
#: Warnings shown above the fold of the card; info-level ones are folded. The boxed warning is a
#: caution and so stays unfolded: the label puts it above everything else (USPI boxed warning).
UNFOLDED_SEVERITIES = ("stop", "caution")
#: Warnings on nearly every card, shown above the fold as one line in a few words
#: (`dialogs/card_today.py`): their full text and source open first in the folded part.
SHORT_WARNINGS = today.BOXED_SHORT
#: Cautions about later doses that a card to hold or to stop folds: nothing is given today.
FOLDED_ON_HOLD = frozenset({"hepatic_impairment", "bsa_unusual", "pediatric", "no_response"})
#: Telegram folds an expandable blockquote to its first lines (Bot API 7.4); the console, which
#: cannot fold, prints the folded part after a rule line.
FOLD_OPEN, FOLD_CLOSE = "<blockquote expandable>", "</blockquote>"
CONSOLE_RULE = "─" * 24
# TRANSLATORS: the first line after the decision: every value the plan used, as read from the
# clinician's input ({items} is a list of "label value" pieces).
READ_BACK = N_("Read: {items}")
# TRANSLATORS: in the read-back, height and weight typed beside an entered BSA; {bsa} is the BSA
# they give by {formula} (Mosteller or DuBois, names kept), shown for comparison: the entered
# BSA is the one the doses use.
READ_BODY_NOT_DOSED = N_("{height} cm, {weight} kg = BSA {bsa} m² ({formula}), not used")
#: The BSA formulas by name, as the clinician knows them (not translated).
FORMULA_NAMES = {"mosteller": "Mosteller", "dubois": "DuBois"}
# TRANSLATORS: the card's header after the decision: the label's document (USPI or SmPC, kept
# as it is) and the body surface area used.
CARD_HEADER = N_("{decision} · {document} · BSA {bsa} m²")
# TRANSLATORS: liver tests as multiples of the upper limit of normal, grouped ({items} is
# "bilirubin 1.2, AST 1, ALT 1"); ULN stays in Latin letters.
READ_ULN_GROUP = N_("{items} ×ULN")
# TRANSLATORS: in the short read-back: the response given was "none" (no CR or CRi).
READ_NO_RESPONSE = N_("no CR/CRi")
# TRANSLATORS: above the fold of the dose card; the folded part says how to check it (/verify).
CARD_RECEIPT = N_("Receipt {code}")
# TRANSLATORS: a liver test as the plan used it. {name} is bilirubin, AST or ALT; ULN = upper
# limit of normal of the laboratory (AST, ALT and ULN stay in Latin letters).
READ_LAB_MULTIPLE = N_("{name} {multiple} ×ULN")
# TRANSLATORS: a liver test typed in a lab unit, divided by the ULN typed with it.
READ_LAB = N_("{name} {value} {unit} = {multiple} ×ULN (ULN {uln} {uln_unit})")
# TRANSLATORS: as above, with the ULN from the hospital's own setting of the bot.
READ_LAB_SITE = N_("{name} {value} {unit} = {multiple} ×ULN (ULN {uln} {uln_unit}, site setting)")
# TRANSLATORS: a liver test typed as "value/ULN" in the same unit, e.g. 34/21.
READ_LAB_RATIO = N_("{name} {value}/{uln} = {multiple} ×ULN")
# TRANSLATORS: the liver test (total bilirubin), lower case inside a list.
BILIRUBIN = m.PC_("lab test", "bilirubin")
#: How the read-back names each input (`rules.models.READ_BACK_FIELDS`): its summary label and
#: the template of its value, both already in every catalog.
READ_LABELS = {
    "bsa_m2": (m.LABEL_BODY, m.VALUE_BSA, "bsa"),
    "cycle": (m.LABEL_CYCLE, "{value}", "value"),
    "anc": (m.LABEL_ANC, m.VALUE_COUNT, "value"),
    "anc_baseline": (m.LABEL_ANC_BASELINE, m.VALUE_COUNT, "value"),
    "platelets": (m.LABEL_PLATELETS, m.VALUE_COUNT, "value"),
    "platelets_baseline": (m.LABEL_PLATELETS_BASELINE, m.VALUE_COUNT, "value"),
    "blasts_per_mm3": (m.LABEL_BLASTS, m.VALUE_BLASTS, "value"),
    "crcl_ml_min": (m.LABEL_CRCL, m.VALUE_CRCL, "value"),
}
LAB_NAMES = {"bilirubin_uln": BILIRUBIN, "ast_uln": "AST", "alt_uln": "ALT"}
RESPONSE_WORDS = {"CR": "CR", "CRi": "CRi", "none": m.NONE_RESPONSE}
#: The short read-back: counts grouped before one unit, liver tests before one ×ULN.
COUNT_FIELDS = ("anc", "anc_baseline", "platelets", "platelets_baseline")
#: Between the values of one group ("ANC 1.5, Platelets 120 ×10⁹/L").
GROUP_SEPARATORS = {"zh": "，", "ar": "، "}
#: Between two sentences or phrases joined by the card: Chinese writes no space.
WORD_SPACE = {"zh": ""}
#: Between the citations of one warning: Chinese and Arabic write their own semicolon.
CITATION_SEPARATORS = {"zh": "；", "ar": "؛ "}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Values that are units, shown in the chat's spelling (`Renderer._unit`), except a unit quoted
#: as the clinician typed it.
_UNIT_VALUES = frozenset({"unit", "units", "uln_unit"})
_TYPED_UNIT_TEMPLATES: dict[str, set[str]] = {WRONG_UNIT: {"unit"}, ABSOLUTE_ULN: {"unit"}}


#: A unit after a number, with or without a space ("0.9 mg", "10,000/mm³", "34 µmol/L",
#: "120 U/L", "1.62 ×ULN", "5 %"): any Latin unit, not only the ones the plan prints.
_UNITS = r"(?:×10⁹/L|×ULN|%|/?[A-Za-zµ][A-Za-zµ0-9²³⁹/]*)"
_FSI, _LRI, _PDI, _RLM = "\u2068", "\u2066", "\u2069", "\u200f"
#: A number the locale formatted, in its own isolate (`locales.isolate`): unwrapped before the
#: islands are found, so that it joins its unit, its ULN ("34/21") or its key ("bsa=1.8").
_FORMATTED_NUMBER = re.compile(_FSI + r"([+−-]?\d[\d.,٫٬\u00a0\u202f]*)" + _PDI)
#: Pieces of right-to-left text left as they are: isolates already made (dates formatted by
#: the locale), HTML tags and entities (Telegram's markup), and line breaks.
_KEPT = re.compile(r"[\u2066-\u2068][^\u2066-\u2069]*\u2069|<[^<>]*>|&#?\w+;|\n")
#: A number as typed or formatted ("1.8", "10,000", "-1.5"), and a value with its ULN ("34/21").
_PLAIN_NUMBER = r"[+−-]?\d(?:[\d.,٫٬\u00a0\u202f]*\d)?"
#: A number with its unit, joined with or without a space ("34/21", "0.9 mg", "10,000/mm³").
_NUMBER = _PLAIN_NUMBER + r"(?:/" + _PLAIN_NUMBER + r")?(?: ?" + _UNITS + r"(?![\w/]))?"
#: A date as typed or shown in ISO form ("2026-11-25"): one piece, not three numbers.
_ISO_DATE_TYPED = r"\d{4}-\d{2}-\d{2}"
#: A Latin word ("ANC", "CR/CRi", "VOD/SOS", "×ULN", "mg/m²", "bsa=1.8", a receipt "2D8W-YUFB").
_LATIN_WORD = r"/?[0-9]*[A-Za-zµ×](?:[A-Za-z0-9_×µ²³⁹/.,+'’=-]*[A-Za-z0-9_²³⁹])?"
#: Between two pieces of one island: a space, or " = " inside a formula ("34/21 = 1.62 ×ULN").
_JOIN = r"(?: [=/] | )"
#: The islands that keep their own left-to-right order inside right-to-left text: a run of
#: Latin words and numbers with their units ("USPI 2.3", "bsa=1.8 cycle=2", "ALT 1 ×ULN",
#: "34/21 = 1.62 ×ULN"), and signs such as ℹ️ and 🆕, which the bidi algorithm counts as
#: left-to-right letters.
_ISLAND = re.compile(
    r"(?<![A-Za-z0-9.,_])(?:"
    + r"(?:"
    + _LATIN_WORD
    + r"|"
    + _ISO_DATE_TYPED
    + r"|"
    + _NUMBER
    + r")"
    + r"(?:"
    + _JOIN
    + r"(?:"
    + _LATIN_WORD
    + r"|"
    + _ISO_DATE_TYPED
    + r"|"
    + _NUMBER
    + r"))*"
    + r")(?![A-Za-z0-9_])|[\u2100-\u214f\U0001f100-\U0001f1ff]\ufe0f?"
)


def keep_units_with_numbers(text: str) -> str:
    """Numbers the locale isolated, unwrapped, so that each joins its unit, ULN or key."""
    return _FORMATTED_NUMBER.sub(lambda match: match.group(1), text)


def _isolate_islands(plain: str) -> str:
    """Numbers and Latin terms in a piece of right-to-left text, each in its own isolate."""
    return _ISLAND.sub(lambda match: _LRI + match.group(0) + _PDI, plain)


def right_to_left(text: str) -> str:
    """Text that a client lays out right to left, line by line, whatever each line starts with.

    A client takes each paragraph's direction from its first strong character (Unicode bidi
    rule P2, isolates skipped): a line starting with "ANC" or a number would be laid out left to
    right and the Arabic around a threshold would swap places (Unicode UAX #9). So every
    line starts with a right-to-left mark, and every number with its unit, every value with its
    ULN ("34/21") and every run of Latin terms and numbers ("bsa=1.8 cycle=2") is one
    left-to-right isolate, shown in the order it was typed. HTML tags and entities are left
    intact; applying it twice changes nothing.
    """
    text = keep_units_with_numbers(text)
    out: list[str] = []
    position = 0
    for kept in _KEPT.finditer(text):
        out.append(_isolate_islands(text[position : kept.start()]))
        out.append(kept.group(0))
        position = kept.end()
    out.append(_isolate_islands(text[position:]))
    lines = "".join(out).split("\n")
    return "\n".join(line if not line or line.startswith(_RLM) else _RLM + line for line in lines)


#: Text already formatted (and escaped) by this renderer: inserted as it is.
_Raw = Raw


class _Counted(str):
    """A formatted whole number that `{name:months}` shows with its noun (`COUNT_NOUNS`)."""

    def __new__(cls, shown: str, count: int, renderer: Renderer) -> _Counted:
        made = super().__new__(cls, shown)
        made.number, made.renderer = count, renderer
        return made

    number: int
    renderer: Renderer

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        if spec not in COUNT_NOUNS:
            raise ValueError(f"no count noun {spec!r}")
        return self.renderer.plural(COUNT_NOUNS[spec], self.number, str(self))


class Renderer:
    """Formats replies for one language; `html=True` escapes values and marks up for Telegram."""

    def __init__(self, lang: str, html: bool = False) -> None:
        # A chat stored before Portuguese had two catalogs says "pt": read as its tag (pt_PT).
        self.lang = closest_language(lang)
        self.html = html
        self._catalog = translation(lang)

    # Pieces ------------------------------------------------------------------------------

    def gettext(self, key: str) -> str:
        if not key:
            return ""
        context, separator, message = key.rpartition(m.CONTEXT_SEPARATOR)
        if separator:
            return self._catalog.pgettext(context, message)
        return self._catalog.gettext(key)

    def plural(self, forms: tuple[str, str], count: int, shown: str | None = None) -> str:
        """The pair's form for `count` (npgettext for a pair with a context), with the count
        shown as `shown` when given (a number already formatted)."""
        context, separator, singular = forms[0].rpartition(m.CONTEXT_SEPARATOR)
        if separator:
            text = self._catalog.npgettext(context, singular, forms[1], count)
        else:
            text = self._catalog.ngettext(singular, forms[1], count)
        return text.format(count=self.value(count) if shown is None else shown)

    def value(self, value: Any) -> str:
        if isinstance(value, _Raw):
            return str(value)
        if isinstance(value, bool):
            return self.gettext(m.YES if value else m.NO)
        if isinstance(value, Decimal | int):
            return format_decimal(value, self.lang)
        if isinstance(value, dt.date):
            return format_date(value, self.lang)
        if isinstance(value, Text):
            if value.plural is not None:
                count = int(value.values[value.count])
                return self._format(
                    self._catalog.ngettext(value.key, value.plural, count), value.key, value.values
                )
            return self.text(value.key, value.values)
        if isinstance(value, float):
            return format_decimal(Decimal(str(value)), self.lang)
        text = str(value)
        if _ISO_DATE.match(text):
            try:
                return format_date(dt.date.fromisoformat(text), self.lang)
            except ValueError:
                pass
        return self._escape(text)

    def text(self, key: str, values: dict[str, Any] | None = None) -> str:
        english = key.rpartition(m.CONTEXT_SEPARATOR)[2]
        values = {**m.PROMPT_VALUES.get(key, {}), **(values or {})}
        text = self._format(self.gettext(key), english, values)
        return self._direction(text)

    def _direction(self, text: str) -> str:
        return right_to_left(text) if self.lang in RTL else text

    def _format(self, template: str, source: str, values: dict[str, Any]) -> str:
        if not values:
            return self._escape(template)
        formatted = {name: self._counted(value) for name, value in values.items()}
        for name in _UNIT_VALUES & formatted.keys() - _TYPED_UNIT_TEMPLATES.get(source, set()):
            if isinstance(values[name], str):
                formatted[name] = self._escape(self._unit(values[name]))
        try:
            return self._escape(template).format(**formatted)
        except (KeyError, IndexError, ValueError):
            # A faulty translation must never hide the message: fall back to the English text.
            return self._escape(source).format(**formatted)

    def _unit(self, units: str) -> str:
        """A unit, or a list of them ("cm, m, in"), as the chat's language writes it in a reply
        (`units` in locales/glossary.toml: Russian "см, м"); a word unit ("years") translated."""
        table = glossary_units(self.lang)
        return ", ".join(
            table.get(unit, self.gettext(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit)
            for unit in units.split(", ")
        )

    def _counted(self, value: Any) -> str:
        """A value formatted; a whole number also shows with its noun as `{name:months}` asks
        (`dialogs/counts.py`), in the plural form of the chat's language."""
        shown = self.value(value)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return shown
        if isinstance(value, Decimal) and not value.is_finite():
            return shown
        # A fraction takes the form of a many (CLDR "other"), its digits as formatted.
        return _Counted(shown, int(value) if value == int(value) else 100, self)

    def choice(self, choice: Choice) -> str:
        return self.text(choice.label, choice.values)

    def _escape(self, text: str) -> str:
        return html_lib.escape(text, quote=False) if self.html else text

    def escape(self, text: str) -> str:
        """`text` escaped for this renderer's markup (`dialogs/protocol_lines.py`)."""
        return self._escape(text)

    def raw(self, text: str) -> str:
        """`text`, already formatted, to be inserted as it is."""
        return _Raw(text)

    def _bold(self, text: str) -> str:
        return f"<b>{text}</b>" if self.html else text

    # Replies -----------------------------------------------------------------------------

    def reply(self, reply: Reply) -> str:
        body = self._reply(reply)
        if reply.lead:
            body = self.text(reply.lead) + "\n\n" + body
        return self._direction(body)

    def _reply(self, reply: Reply) -> str:
        if reply.kind == "plan" and reply.plan is not None:
            return self.plan(reply.plan, reply.unchecked)
        if reply.kind == "summary":
            return self.summary(reply)
        text = self.text(reply.key, reply.values)
        if reply.kind == "problem":
            return "❗ " + text
        return text

    def summary(self, reply: Reply) -> str:
        lines = [self.text(reply.key)]
        for line in reply.lines:
            shown = self.value(line.value) if line.value else self.gettext(m.NOT_GIVEN)
            lines.append(f"• {self.gettext(line.label)}{label_separator(self.lang)}{shown}")
        return "\n".join(lines)

    def plan(self, plan: Plan, unchecked: tuple[str, ...] = ()) -> str:
        """The dose card: what to do and what to prepare on the first screen, the rest folded.

        Above the fold (docs/cards.md): the decision with the label and the BSA; the short
        read-back; the dose rows; the stop and caution warnings (the boxed ones in a few
        words); the receipt. Folded: the full text of each warning shortened above, the full
        read-back, the label's revision and the BSA method, the cycle's total, length, windows
        and next Day 1, the vial, how to check the receipt, the info-level lines, the cycle
        limit and the footer. Nothing shown short above the fold is missing below it.
        """
        full_read_back = self.read_back(plan)
        # A lab value converted (typed in a unit and divided by a ULN; a CrCl worked out from a
        # creatinine) or read as ×ULN with no unit typed is read back in full above the fold:
        # that is where a misreading hides.
        read_back = (
            full_read_back
            if any(_read_with_care(item) for item in plan.inputs)
            else self.read_back_short(plan)
        )
        lines = [self._bold(self.header(plan)), *filter(None, [read_back])]
        lines.extend(self._dose_rows(plan))
        lines.extend(filter(None, [today.next_dose_line(self, plan)]))
        if plan.decision == "give" and plan.doses_unspecified_reason is not None:
            lines.append(self._bold(self._unspecified_line(plan)))
        if unchecked:
            items = format_items([self.gettext(label) for label in unchecked], self.lang)
            lines.append("⚠️ " + self.text(m.NOT_CHECKED, {"items": _Raw(items)}))
        folded: list[str] = []
        short: list[PlanWarning] = []
        short_at = len(lines)
        for warning in plan.warnings:
            if warning.severity not in UNFOLDED_SEVERITIES:
                continue
            if (
                plan.decision != "give"
                and warning.severity == "caution"
                and warning.code in FOLDED_ON_HOLD
            ) or (plan.day_action == "omit" and warning.code == "interruption"):
                # Nothing given today: the row or the headline already says it.
                folded.append(self.warning(warning))
            elif warning.code in SHORT_WARNINGS or warning.summary_key:
                # Said short above the fold (a hold's line, the boxed line); whole below.
                short_at = short_at if short else len(lines)
                short.append(warning)
                folded.append(self.warning(warning))
            else:
                lines.append(self.warning(warning))
        lines[short_at:short_at] = today.hold_lines(self, short)
        lines.extend(filter(None, [today.once_recovered_line(self, plan)]))
        lines.extend(filter(None, [today.boxed_line(self, plan)]))
        if plan.receipt:
            lines.append(self.text(CARD_RECEIPT, {"code": plan.receipt}))
        lines.append(protocol_lines.protocol_line(self, plan))
        if full_read_back is not None and read_back != full_read_back:
            folded.append(full_read_back)
        folded.extend(self._folded_details(plan))
        return "\n".join(lines) + "\n" + self._fold(folded)

    def _folded_details(self, plan: Plan) -> list[str]:
        """The card's folded lines after the warnings shortened and the full read-back."""
        bsa = self.text(BSA_LINE[plan.bsa_method], {"bsa": plan.bsa_m2})
        lines = [*protocol_lines.preparation_lines(self, plan), f"{self.label_name(plan)} · {bsa}"]
        if plan.decision == "give":
            lines.extend(self._cycle_lines(plan))
        if plan.doses:
            lines.append(self.vial_line(plan))
        if plan.receipt:
            lines.append(self.text(RECEIPT_LINE, {"code": plan.receipt}))
        lines.extend(
            self.warning(warning)
            for warning in plan.warnings
            if warning.severity not in UNFOLDED_SEVERITIES
        )
        if plan.decision == "give":
            lines.append(self.text(MAX_CYCLES_LINE, {"count": plan.max_cycles}))
        lines.append(self.text(FOOTER, {"version": plan.ruleset_version}))
        return lines

    def header(self, plan: Plan) -> str:
        """ "✅ GIVE: cycle 2 · USPI · BSA 1.8 m²": the decision, the label's document and the
        BSA on one line (the label's revision and the BSA method are in the folded part)."""
        decision = today.headline(
            self, plan, self.text(DECISION[plan.decision], {"cycle": plan.cycle})
        )
        values = {
            "decision": _Raw(decision),
            "document": _Raw(self._escape(LABEL_OF[plan.label].short_name)),
            "bsa": plan.bsa_m2,
        }
        return self.text(CARD_HEADER, values)

    def _fold(self, lines: list[str]) -> str:
        if self.html:
            return FOLD_OPEN + "\n".join(lines) + FOLD_CLOSE
        return "\n".join([CONSOLE_RULE, *lines])

    def _dose_rows(self, plan: Plan) -> list[str]:
        """Dose rows and omitted days in day order; none when the decision is not to give."""
        rows = (
            [(dose.day, self.dose(dose)) for dose in plan.doses] if plan.decision == "give" else []
        )
        rows += [(day, self.text(OMITTED_LINE, {"day": day})) for day in plan.omitted_days]
        return [line for _, line in sorted(rows, key=lambda row: row[0])]

    def _unspecified_line(self, plan: Plan) -> str:
        """Why no rows although the decision is to give (reduced levels): the dose itself."""
        reason = UNSPECIFIED_REASON.get(plan.doses_unspecified_reason or "", REDUCED_TOTAL)
        values = {
            "total_mg_per_m2": plan.total_mg_per_m2,
            "total_mg": plan.total_mg,
            "level_two_doses": DOSES_AT_LEVEL_TWO,
            "level": plan.dose_level,
        }
        return self.text(reason, values)

    def _cycle_lines(self, plan: Plan) -> list[str]:
        """The windows' rule, the cycle's total and length, the next cycle's Day 1 (folded)."""
        lines = []
        if any(dose.window_earliest for dose in plan.doses):
            lines.append(self.text(WINDOW_NOTE, {"min_days": MIN_DAYS_BETWEEN_DOSES}))
        totals = {"total_mg_per_m2": plan.total_mg_per_m2, "total_mg": plan.total_mg}
        length = self.plural(DAYS, plan.cycle_length_days)
        if plan.cycle_length_max_days > plan.cycle_length_days:
            extended = self.plural(DAYS, plan.cycle_length_max_days)
            length += WORD_SPACE.get(self.lang, " ") + self.text(
                CYCLE_EXTENDABLE, {"days": _Raw(extended)}
            )
        if plan.total_mg is None:
            lines.append(self.text(CYCLE_LENGTH_LINE, {"length": _Raw(length)}))
        else:
            lines.append(self.text(TOTAL_LINE, {**totals, "length": _Raw(length)}))
        if plan.next_cycle_earliest is not None:
            if plan.next_cycle_extended is not None:
                dates = {"date": plan.next_cycle_earliest, "extended": plan.next_cycle_extended}
                lines.append(self.text(NEXT_CYCLE_EXTENDED, dates))
            else:
                lines.append(self.text(NEXT_CYCLE, {"date": plan.next_cycle_earliest}))
        return lines

    def read_back_short(self, plan: Plan) -> str | None:
        """ "Read: CR · ANC 1.5, Platelets 120 ×10⁹/L · bilirubin 1, AST 1, ALT 1 ×ULN · CrCl 90
        mL/min": the values the plan used, in few words, above the fold. The cycle and the BSA
        are in the header; how each lab value was typed is in the full read-back (folded)."""
        used = {item.field: item for item in plan.inputs}
        items: list[str] = []
        if "height_cm" in used and "weight_kg" in used:
            items.append(self._height_weight(plan, used))
        if "response" in used:
            response = str(used["response"].used)
            items.append(
                self.text(READ_NO_RESPONSE)
                if response == "none"
                else self.gettext(RESPONSE_WORDS.get(response, response))
            )
        separator = GROUP_SEPARATORS.get(self.lang, ", ")
        counts = [self._labelled(used[name]) for name in COUNT_FIELDS if name in used]
        if counts:
            items.append(self.text(m.VALUE_COUNT, {"value": _Raw(separator.join(counts))}))
        if "blasts_per_mm3" in used:
            items.append(self._labelled(used["blasts_per_mm3"]))
        liver = [
            f"{self.gettext(LAB_NAMES[name])} {self.value(used[name].used)}"
            for name in LAB_NAMES
            if name in used
        ]
        if liver:
            items.append(self.text(READ_ULN_GROUP, {"items": _Raw(separator.join(liver))}))
        if "crcl_ml_min" in used:
            items.append(self._labelled(used["crcl_ml_min"]))
        # The day, the level, the patient, the toxicities (the label is in the header).
        items.extend(today.choice_items(self, plan, short=True))
        if not items:
            return None
        return self.text(READ_BACK, {"items": _Raw(" · ".join(items))})

    def _height_weight(self, plan: Plan, used: dict[str, Any]) -> str:
        """ "180 cm, 75 kg"; beside an entered BSA, with the BSA they give, not dosed."""
        values = {"height": used["height_cm"].used, "weight": used["weight_kg"].used}
        if plan.bsa_from_height_weight is None:
            return self.text(m.VALUE_HEIGHT_WEIGHT, values)
        formula = FORMULA_NAMES[plan.bsa_formula]
        values |= {"bsa": plan.bsa_from_height_weight, "formula": formula}
        return self.text(READ_BODY_NOT_DOSED, values)

    def _labelled(self, item: Any) -> str:
        """ "ANC 1.5" in a group (no unit), "Blasts 0/mm³" or "CrCl 90 mL/min" alone."""
        label, template, name = READ_LABELS[item.field]
        if item.field in COUNT_FIELDS:
            return f"{self.gettext(label)} {self.value(item.used)}"
        return f"{self.gettext(label)} {self.text(template, {name: item.used})}"

    def read_back(self, plan: Plan) -> str | None:
        """ "Read: BSA 1.8 m² · cycle 3 · … · bilirubin 34 µmol/L = 1.62 ×ULN (ULN 21 µmol/L, site
        setting)": what the plan used, as the clinician gave it, in the chat's language and number
        format; None for a plan without inputs (one built without a request)."""
        used = {item.field: item for item in plan.inputs}
        items: list[str] = []
        if "height_cm" in used and "weight_kg" in used:
            items.append(f"{self.gettext(m.LABEL_BODY)} {self._height_weight(plan, used)}")
        for item in plan.inputs:
            if item.field == "bsa_m2" and plan.bsa_from_height_weight is not None:
                # Beside the BSA height and weight give: say which one is dosed.
                items.append(self.text(BSA_LINE["given"], {"bsa": item.used}))
            elif item.field in READ_LABELS:
                label, template, name = READ_LABELS[item.field]
                value = self.text(template, {name: item.used})
                if _from_creatinine(item):
                    typed = {"value": item.given, "unit": item.unit}
                    value = f"{value} ({self.text(m.VALUE_CREATININE, typed)})"
                items.append(f"{self.gettext(label)} {value}")
            elif item.field == "response":
                word = self.gettext(RESPONSE_WORDS.get(str(item.used), str(item.used)))
                # "No response" says it all; "CR" alone would not say what it is.
                label = "" if item.used == "none" else f"{self.gettext(m.LABEL_RESPONSE)} "
                items.append(label + word)
            elif item.field in LAB_NAMES:
                items.append(self._lab_read_back(item))
        items.extend(today.choice_items(self, plan))
        if not items:
            return None
        return self.text(READ_BACK, {"items": _Raw(" · ".join(items))})

    def _lab_read_back(self, item: Any) -> str:
        values = {
            "name": self.gettext(LAB_NAMES[item.field]),
            "multiple": item.used,
            "value": item.given,
            "unit": item.unit or "",
            "uln": item.uln,
            "uln_unit": item.uln_unit or item.unit or "",
        }
        if item.uln is None:
            shown = self.text(READ_LAB_MULTIPLE, values)
            if item.unit_typed:
                return shown
            return self.text(m.READ_BACK_UNTYPED, {"reading": _Raw(shown)})
        if not item.unit:
            return self.text(READ_LAB_RATIO, values)
        return self.text(READ_LAB_SITE if item.uln_source == "site" else READ_LAB, values)

    def dose(self, dose: Any) -> str:
        """ "Day 8: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial"; with a date, the day, its date and
        its window first ("Day 8 · Dec 10 (window Dec 9 – 12): 0.5 mg/m² = …"), the order a
        ward round reads them in, and two phone lines at most."""
        values = {
            "day": dose.day,
            "mg_per_m2": dose.mg_per_m2,
            "mg": dose.mg,
            "ml": dose.ml,
            "vials": _Raw(self.plural(VIALS, dose.vials)),
        }
        banded = protocol_lines.banded_note(self, dose)
        if dose.date is None:
            return " ".join(filter(None, [self.text(DOSE_LINE, values), banded]))
        amounts = _Raw(" ".join(filter(None, [self.text(DOSE_AMOUNTS, values), banded])))
        dated = {"day": dose.day, "date": _Raw(self._escape(format_day(dose.date, self.lang)))}
        earliest, latest = (
            getattr(dose, "window_earliest", None),
            getattr(dose, "window_latest", None),
        )
        if earliest is not None and latest is not None:
            window = self._escape(format_date_interval(earliest, latest, self.lang))
            return self.text(DOSE_WINDOW, {**dated, "window": _Raw(window), "dose": amounts})
        return self.text(DOSE_DATED, {**dated, "dose": amounts})

    def label_name(self, plan: Plan) -> str:
        """The label profile the plan follows ("US label (USPI 03/2024)")."""
        document = LABEL_OF[plan.label]
        return self.text(
            m.LABEL_NAME,
            {
                "profile": Text(PROFILE_NAMES[plan.label]),
                "document": f"{document.short_name} {document.revision}",
            },
        )

    def vial_line(self, plan: Plan) -> str:
        """The vial as the label gives it and as vials are counted (`rules/labels.py`, Vial)."""
        return self.text(
            VIAL_LINE, {"labelled_mg": plan.vial_labelled_mg, "counted_mg": plan.vial_counted_mg}
        )

    def citation(self, source: WarningSource) -> str:
        """One citation: the reference as printed, in the words of its kind."""
        reference = localized_reference(source.reference, self.gettext)
        template = SOURCE_KIND.get(source.kind)
        if template is None:
            return self._escape(reference)
        return self._format(
            self.gettext(template), template, {"reference": _Raw(self._escape(reference))}
        )

    def warning(self, warning: PlanWarning) -> str:
        # A plain-text parameter that is itself a message ("Platelets") is shown translated.
        params = {
            name: self.gettext(value) if isinstance(value, str) else value
            for name, value in warning.params.items()
        }
        message = self.text(warning.key, params) if warning.key else warning.message
        separator = CITATION_SEPARATORS.get(self.lang, "; ")
        cited = separator.join(dict.fromkeys(self.citation(source) for source in warning.sources))
        source = self.text(SOURCE, {"source": _Raw(cited or self._escape(warning.source))})
        space = WORD_SPACE.get(self.lang, " ")
        unconfirmed = protocol_lines.unconfirmed_note(self, warning)
        if unconfirmed is not None:
            source = f"{source}{space}{unconfirmed}"
        if self.html:
            source = f"<i>{source}</i>"
        return f"{ICON.get(warning.severity, '•')} {message}{space}{source}"


def render(reply: Reply, lang: str, html: bool = False) -> str:
    return Renderer(lang, html).reply(reply)


def _from_creatinine(item: Any) -> bool:
    """A CrCl the request worked out from a serum creatinine (rules/models.py)."""
    return item.field == "crcl_ml_min" and item.unit != item.used_unit


def _read_with_care(item: Any) -> bool:
    """A value the full read-back shows above the fold (Renderer.plan)."""
    if item.field in LAB_NAMES:
        return item.uln is not None or not item.unit_typed
    return _from_creatinine(item)
