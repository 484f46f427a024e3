"""Counts with their nouns ("8 months", "2 cycles"), through each catalog's plural forms.

A message writes a count as `{name:months}`: the renderer shows the number with the noun in
the form the chat's language needs for that number (Arabic "شهرين" for 2, "شهر واحد" for 1;
Russian "21 месяц", "2 месяца", "5 месяцев"), never a bare number beside a fixed plural.
`{name:months/prep}` is the form after a preposition or "at least" where a language
inflects it (Russian genitive "не менее 2 месяцев", Arabic oblique "لمدة شهرين", German dative
"nach 2 Zyklen"); in English and most catalogs it is the same as the plain form.
"""

from __future__ import annotations

from dialogs.messages import NP_, NPC_, PC_

#: Each noun a count takes in our messages → its plural pair (`{count}` is the number).
COUNT_NOUNS: dict[str, tuple[str, str]] = {
    "months": NP_("{count} month", "{count} months"),
    "days": NP_("{count} day", "{count} days"),
    "hours": NP_("{count} hour", "{count} hours"),
    "cycles": NP_("{count} cycle", "{count} cycles"),
    "doses": NP_("{count} dose", "{count} doses"),
    "years": NP_("{count} year", "{count} years"),
    # TRANSLATORS: the forms after a preposition or "at least" (ru genitive, ar oblique, de
    # dative): "for at least 8 months", "after 2 cycles"; the same as the plain forms where
    # the language does not inflect them.
    "months/prep": NPC_("after a preposition or 'at least'", "{count} month", "{count} months"),
    "days/prep": NPC_("after a preposition or 'at least'", "{count} day", "{count} days"),
    "hours/prep": NPC_("after a preposition or 'at least'", "{count} hour", "{count} hours"),
    "cycles/prep": NPC_("after a preposition or 'at least'", "{count} cycle", "{count} cycles"),
    "doses/prep": NPC_("after a preposition or 'at least'", "{count} dose", "{count} doses"),
    "years/prep": NPC_("after a preposition or 'at least'", "{count} year", "{count} years"),
}

#: Units that are words, translated in a reply ("{value} {unit}" for an age).
UNIT_WORDS: dict[str, str] = {"years": PC_("unit of age", "years")}
