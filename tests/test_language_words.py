"""Words read by the chat's language: a letter with two meanings across languages (m, w, v, f,
h, ж, м) means what the chat's clinicians mean by it, a letter read both ways within one
language (Spanish "M") is asked about, and a word value that is also a quick-form key
("geschlecht=w": w is the weight key) never disappears."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs import problems as p
from dialogs.quickform import parse_quick_form
from dialogs.readers import Context
from dialogs.render import Renderer
from dialogs.steps import _read_sex as read_sex_step
from dialogs.words import parse_response

TODAY = dt.date(2026, 11, 25)


def sex_of(text: str, lang: str) -> object:
    form = parse_quick_form(text, TODAY, lang)
    return form.values.get("sex") or (form.problems[0].key if form.problems else form.unknown)


@pytest.mark.parametrize(
    ("lang", "text", "sex"),
    [
        ("es", "bsa 1.8 sexo=v", "male"),
        ("es", "bsa 1.8 sexo varón", "male"),
        ("es", "bsa 1.8 sexo h", "male"),
        ("es", "bsa 1.8 sexo f", "female"),
        ("de", "bsa 1.8 geschlecht=w", "female"),
        ("de", "geschlecht: w w 70 h 180", "female"),
        ("de", "bsa 1.8 geschlecht m", "male"),
        ("fr", "bsa 1.8 sexe=h", "male"),
        ("fr", "bsa 1.8 sexe m", "male"),
        ("en", "bsa 1.8 sex m", "male"),
        ("it", "bsa 1.8 sesso m", "male"),
        ("pt_BR", "bsa 1.8 sexo m", "male"),
        ("ru", "bsa 1.8 пол ж", "female"),
        ("ru", "bsa 1.8 пол м", "male"),
    ],
)
def test_a_letter_means_what_the_chats_clinicians_mean(lang: str, text: str, sex: str) -> None:
    assert sex_of(text, lang) == sex


def test_a_letter_of_another_language_is_refused_not_guessed() -> None:
    assert sex_of("bsa 1.8 sex=w", "en") == p.NOT_A_SEX
    assert sex_of("bsa 1.8 sex v", "fr") == p.NOT_A_SEX


def test_a_key_word_typed_as_a_value_is_that_value_and_the_key_still_works() -> None:
    form = parse_quick_form("geschlecht=w w 70", TODAY, "de")
    assert form.values["sex"] == "female" and str(form.values["weight_kg"]) == "70"
    assert parse_quick_form("bsa 1.8 geschlecht w", TODAY, "de").values["sex"] == "female"
    # Not a sex word of the chat: not guessed at, and never silently read (nor read as the
    # weight key): both words are left unknown, and the reply names them.
    form = parse_quick_form("bsa 1.8 sex w", TODAY, "en")
    assert "sex" not in form.values and form.values.get("weight_kg") is None
    assert {"sex", "w"} <= set(form.unknown)


@pytest.mark.parametrize("text", ["bsa 1.8 sexo=m", "bsa 1.8 sexo M"])
def test_spanish_m_is_asked_with_the_words_in_full(text: str) -> None:
    form = parse_quick_form(text, TODAY, "es")
    assert "sex" not in form.values
    (problem,) = form.problems
    assert problem.key == p.AMBIGUOUS_SEX
    renderer = Renderer("es")
    shown = renderer.text(problem.key, problem.values)
    assert "Mujer" in shown and "Hombre" in shown
    assert [renderer.choice(choice) for choice in problem.choices] == ["Mujer", "Hombre"]
    for choice, sex in zip(problem.choices, ("female", "male"), strict=True):
        assert parse_quick_form(choice.value, TODAY, "es").values["sex"] == sex


def test_spanish_m_at_the_sex_question_is_asked_and_english_m_is_male() -> None:
    asked = read_sex_step("m", Context(TODAY, "es"))
    assert isinstance(asked, p.Problem) and asked.key == p.AMBIGUOUS_SEX
    assert read_sex_step("v", Context(TODAY, "es")) == read_sex_step("m", Context(TODAY, "en"))
    assert read_sex_step("w", Context(TODAY, "de")) == read_sex_step("f", Context(TODAY, "en"))
    assert isinstance(read_sex_step("m", Context(TODAY, "en")), dict)


@pytest.mark.parametrize("lang", ["es", "fr", "de", "it", "pt_BR", "pt_PT", "ru", "zh", "ar"])
def test_the_sex_refusal_names_the_options_in_the_chats_language(lang: str) -> None:
    form = parse_quick_form("bsa 1.8 sex xyz", TODAY, lang)
    (problem,) = form.problems
    shown = Renderer(lang).text(problem.key, problem.values)
    assert "female" not in shown and "male" not in shown, shown
    assert "xyz" in shown


def test_russian_response_words() -> None:
    assert parse_response("ПРи", "ru") == "CRi"
    assert parse_response("ПР", "ru") == "CR"


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "it", "pt_BR", "pt_PT", "ru", "zh", "ar"])
def test_the_sex_words_shown_are_read_back_in_the_same_language(lang: str) -> None:
    """The words of the sex question's buttons and of the read-back (the glossary's terms)
    are also what the chat may type."""
    from dialogs import messages as m
    from dialogs.words import parse_sex

    renderer = Renderer(lang)
    assert parse_sex(renderer.gettext(m.FEMALE), lang) == "female"
    assert parse_sex(renderer.gettext(m.MALE), lang) == "male"
