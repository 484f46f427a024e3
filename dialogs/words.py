"""Answers in words, in the shipped languages: yes/no, the response to treatment and sex.

Words that mean one thing everywhere are read in every chat; a word whose meaning depends on
the language (a Spanish "M" is mujer, an English "m" is male; "RC" is CR in es/fr/it/pt) is
read only by the chat's language, and the dialog always shows the value back in full.
"""

from __future__ import annotations

from typing import Literal

from dialogs import messages as m
from dialogs.normalise import folded
from dialogs.problems import AMBIGUOUS_SEX as AMBIGUOUS_SEX_KEY
from dialogs.problems import NOT_A_RESPONSE, NOT_A_SEX, NOT_YES_NO, Problem
from dialogs.replies import Choice, Text

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


#: An MRD result as a lab reports it, in the shipped languages: negative means MRD negativity
#: was reached (`mrd_negative` true), positive that it was not.
_MRD_RESULTS = {
    **dict.fromkeys(
        (
            "negative", "neg", "negativ", "négatif", "négative", "negativo", "negativa",
            "отрицательный", "отрицательная", "阴性", "سلبي",
        ),
        True,
    ),
    **dict.fromkeys(
        (
            "positive", "pos", "positiv", "positif", "positivo", "positiva",
            "положительный", "положительная", "阳性", "إيجابي",
        ),
        False,
    ),
}  # fmt: skip
#: "+" and "-" write an MRD result ("MRD-" is negative) as often as they answer yes or no ("-"
#: for no): for MRD they are never read either way.
_MRD_SIGNS = frozenset(("+", "-"))


def parse_mrd_negative(text: str) -> bool | Problem:
    """Whether MRD negativity was reached: yes/no (`parse_yes_no`), or the result's own word
    (negative, positive, in the shipped languages). "+" and "-" are refused."""
    word = folded(text)
    if word in _MRD_RESULTS:
        return _MRD_RESULTS[word]
    if word in _MRD_SIGNS:
        return Problem(NOT_YES_NO, {})
    return parse_yes_no(text)


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


#: Each language's own words for the response (abbreviations and the spelled-out remission).
_RESPONSES_BY_LANG: dict[str, dict[str, Literal["CR", "CRi", "none"]]] = {
    "es": {"rc": "CR", "rci": "CRi", "remisión completa": "CR", "remision completa": "CR"},
    "fr": {"rc": "CR", "rci": "CRi", "rémission complète": "CR", "remission complete": "CR"},
    "it": {"rc": "CR", "rci": "CRi", "remissione completa": "CR"},
    "pt": {"rc": "CR", "rci": "CRi", "remissão completa": "CR", "remissao completa": "CR"},
    "de": {"komplette remission": "CR", "vollständige remission": "CR"},
    "ru": {"пр": "CR", "при": "CRi", "полная ремиссия": "CR"},
    "zh": {"完全缓解": "CR"},
    "ar": {"هدأة كاملة": "CR"},
}


def parse_response(text: str, locale: str = "en") -> Literal["CR", "CRi", "none"] | Problem:
    """The response to treatment: "CR", "CRi" (any case) or none ("none", "no", "nr",
    "no response", "-"), and the chat language's own words ("RC", "RCi" in es/fr/it/pt,
    "ПР" in ru)."""
    word = folded(text)
    own = _RESPONSES_BY_LANG.get(_language(locale), {})
    return own.get(word) or _RESPONSES.get(word) or Problem(NOT_A_RESPONSE, {})


#: Sex words by language; single letters only here, since they mean different things in
#: different languages (m, w, v, f, h, ж, м). Read by the chat's language; full English words
#: are read everywhere. A letter with two meanings within one language is in `AMBIGUOUS_SEX`.
SEX_WORDS_BY_LANG: dict[str, dict[str, Literal["female", "male"]]] = {
    "en": {"f": "female", "woman": "female", "m": "male", "man": "male"},
    "es": {
        "mujer": "female",
        "f": "female",
        "femenino": "female",
        "h": "male",
        "hombre": "male",
        "v": "male",
        "varón": "male",
        "varon": "male",
        "masculino": "male",
    },
    "fr": {
        "f": "female",
        "femme": "female",
        "féminin": "female",
        "h": "male",
        "homme": "male",
        "m": "male",
        "masculin": "male",
    },
    "de": {
        "w": "female",
        "f": "female",
        "weiblich": "female",
        "frau": "female",
        "m": "male",
        "männlich": "male",
        "mann": "male",
    },
    "it": {
        "f": "female",
        "femmina": "female",
        "donna": "female",
        "m": "male",
        "maschio": "male",
        "uomo": "male",
    },
    "pt": {
        "f": "female",
        "feminino": "female",
        "mulher": "female",
        "m": "male",
        "masculino": "male",
        "homem": "male",
    },
    "ru": {
        "ж": "female",
        "женский": "female",
        "женщина": "female",
        "м": "male",
        "мужской": "male",
        "мужчина": "male",
    },
    "zh": {"女": "female", "女性": "female", "男": "male", "男性": "male"},
    "ar": {"أنثى": "female", "انثى": "female", "امرأة": "female", "ذكر": "male", "رجل": "male"},
}
_SEX_EVERYWHERE: dict[str, Literal["female", "male"]] = {"female": "female", "male": "male"}
#: Letters that one language's clinicians read both ways: a Spanish "M" is mujer in some
#: hospitals and masculino in others, so the bot asks rather than picks.
AMBIGUOUS_SEX: dict[str, frozenset[str]] = {"es": frozenset({"m"})}
#: The two sexes in the chat's words, for a refusal or a question; a button types the
#: English word, which every chat reads.
_SEX_NAMES = {"female": Text(m.FEMALE), "male": Text(m.MALE)}
SEX_CHOICES = (Choice(m.FEMALE, "sex female"), Choice(m.MALE, "sex male"))


def ambiguous_sex(text: str, locale: str = "en") -> Problem | None:
    """The question back for a letter read both ways in the chat's language, with both words
    in full as buttons; None for any other text."""
    if folded(text) not in AMBIGUOUS_SEX.get(_language(locale), ()):
        return None
    values = {"text": text[:40], **_SEX_NAMES}
    return Problem(AMBIGUOUS_SEX_KEY, values, "sex", None, SEX_CHOICES)


def sex_problem(text: str, locale: str = "en") -> Problem | None:
    """Why `text` is not a sex in the chat's language, in its words; None when it is one."""
    if (asked := ambiguous_sex(text, locale)) is not None:
        return asked
    if parse_sex(text, locale) is not None:
        return None
    return Problem(NOT_A_SEX, {"text": text[:40], **_SEX_NAMES}, "sex")


def parse_sex(text: str, locale: str = "en") -> Literal["female", "male"] | None:
    """The sex a word means in the chat's language ("M": mujer in es, male in en), or None."""
    word = folded(text)
    own = SEX_WORDS_BY_LANG.get(_language(locale), SEX_WORDS_BY_LANG["en"])
    return own.get(word) or _SEX_EVERYWHERE.get(word)


def _language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()
