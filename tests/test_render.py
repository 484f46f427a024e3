"""Rendering replies: numbers per locale, HTML escaping, plan layout, right-to-left isolation."""

from __future__ import annotations

from decimal import Decimal

from dialogs.render import FOLD_OPEN, Renderer, right_to_left
from dialogs.replies import Reply
from rules import PlanRequest, make_plan

ISOLATE, POP = "\u2068", "\u2069"


def plan_text(lang: str = "en", html: bool = False, **fields: object) -> str:
    fields.setdefault("bsa_m2", "1.8")
    fields.setdefault("cycle", 1)
    plan = make_plan(PlanRequest.model_validate(fields))
    return Renderer(lang, html=html).plan(plan)


def test_decision_comes_first_and_every_dose_shows_per_m2_and_total_mg() -> None:
    lines = plan_text().splitlines()
    assert lines[0].startswith("✅ GIVE")
    assert "Day 1: 0.8 mg/m² = 1.44 mg · 5.76 mL · 2 vials" in lines
    assert "Day 8: 0.5 mg/m² = 0.9 mg · 3.6 mL · 1 vial" in lines
    assert any(line.startswith("Total 1.8 mg/m² = 3.24 mg") for line in lines)


def test_no_trailing_zero_or_bare_decimal_point_anywhere() -> None:
    text = plan_text(bsa_m2="2.00", cycle=2, response="CR", anc="1.50")
    for bad in (".0 ", ".50 ", ".90 ", " .5", "2.70"):
        assert bad not in text, bad


def test_hold_and_discontinue_show_no_doses() -> None:
    held = plan_text(cycle=1, blasts_per_mm3="20000")
    stopped = plan_text(cycle=1, vod=True)
    assert held.startswith("⏸ HOLD") and "Day 1:" not in held
    assert stopped.startswith("⛔ DISCONTINUE") and "Day 1:" not in stopped


def test_reduced_dose_says_the_split_is_the_clinicians() -> None:
    text = plan_text(cycle=2, response="none", dose_level=1)
    assert "1.35 mg/m² = 2.43 mg" in text and "decide the split" in text


def test_html_escapes_every_interpolated_value() -> None:
    renderer = Renderer("en", html=True)
    reply = Reply("problem", "Could not read “{text}” as a number.", {"text": "<b>&x"})
    assert "&lt;b&gt;&amp;x" in renderer.reply(reply)
    assert "<b>" in plan_text(html=True)  # our own markup stays


def test_german_writes_decimal_commas() -> None:
    renderer = Renderer("de")
    assert renderer.value(Decimal("0.90")) == "0,9"
    assert renderer.value(Decimal("1.44")) == "1,44"
    assert renderer.value(Decimal("80000")) == "80.000"


LRI = "\u2066"


def test_arabic_keeps_each_number_with_its_unit() -> None:
    text = right_to_left(
        f"{ISOLATE}0.9{POP} mg و {ISOLATE}1.5{POP}×10⁹/L و {ISOLATE}34{POP}/{ISOLATE}21{POP}"
    )
    assert f"{LRI}0.9 mg{POP}" in text and f"{LRI}1.5×10⁹/L{POP}" in text
    assert f"{LRI}34/21{POP}" in text
    assert Renderer("ar").value(Decimal("0.9")) == f"{ISOLATE}0.9{POP}"


def test_plain_text_parameters_of_warnings_are_translated() -> None:
    text = plan_text("es", cycle=2, response="CR", platelets="20")
    assert "Platelets" not in text


def summary_text(lang: str) -> str:
    from dialogs import messages as m
    from dialogs.replies import Line, Text

    lines = (
        Line("ask_cycle", m.LABEL_CYCLE, Text("{value}", {"value": 2})),
        Line("ask_hsct", m.LABEL_HSCT, Text(m.NO)),
    )
    return Renderer(lang).reply(Reply("summary", m.SUMMARY, lines=lines))


def test_label_and_value_are_separated_as_the_language_writes_it() -> None:
    assert "• Cycle: 2" in summary_text("en")
    assert "\u00a0: 2" in summary_text("fr") and " : " not in summary_text("fr")
    assert "：2" in summary_text("zh") and ": " not in summary_text("zh")


def test_lists_use_the_locale_list_pattern() -> None:
    from dialogs import messages as m

    unchecked = (m.LABEL_LIVER, m.LABEL_CRCL, m.LABEL_BLASTS)
    plan = make_plan(PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 2, "response": "CR"}))

    def unchecked_line(lang: str) -> str:
        return next(
            line for line in Renderer(lang).plan(plan, unchecked).splitlines() if "⚠️" in line
        )

    assert "、" in unchecked_line("zh") and "," not in unchecked_line("zh")
    assert ", " not in unchecked_line("ar") and " و" in unchecked_line("ar")
    assert "and CrCl" not in Renderer("de").plan(plan, unchecked)


def test_prompt_examples_follow_the_locale() -> None:
    from dialogs import messages as m

    assert "e.g. 1.8)" in Renderer("en").text(m.ASK_BODY)
    assert "1,8" in Renderer("de").text(m.ASK_BODY) and "1.8" not in Renderer("de").text(m.ASK_BODY)
    assert "1,2 0,8 0,9" in Renderer("fr").text(m.ASK_LIVER)
    assert "bsa=1,8" in Renderer("es").text(m.WELCOME)
    assert "1 ×10⁹/L" in Renderer("en").text(m.ASK_ANC_BASELINE)


def test_the_short_read_back_groups_units_and_the_full_one_is_folded() -> None:
    """Above the fold each value once, counts before one ×10⁹/L and liver tests before one
    ×ULN; the full read-back (the BSA method, every label) is in the folded part."""
    fields = {
        "height_cm": "170",
        "weight_kg": "70",
        "cycle": 2,
        "response": "CRi",
        "anc": "1.5",
        "anc_baseline": "2",
        "platelets": "80",
        "bilirubin_uln": "1.1",
        "ast_uln": "1.2",
        "gilbert_or_hemolysis": False,
    }
    plan = make_plan(PlanRequest.model_validate(fields))
    renderer = Renderer("en")
    short = renderer.read_back_short(plan)
    assert short == (
        "Read: 170 cm, 70 kg · CRi · ANC 1.5, ANC baseline 2, Platelets 80 ×10⁹/L · "
        "bilirubin 1.1, AST 1.2 ×ULN"
    )
    top, _, folded = renderer.plan(plan).partition("\n─")
    assert top.split("\n")[1] == short and str(renderer.read_back(plan)) in folded
    assert "(Mosteller, from height and weight)" in folded
    assert top.split("\n")[0] == "✅ GIVE: cycle 2 · USPI · BSA 1.82 m²"
    for lang in ("de", "ru", "zh", "ar"):
        shown = Renderer(lang).read_back_short(plan)
        assert shown is not None and shown.count("×ULN") == 1


def test_a_converted_lab_value_is_read_back_in_full_above_the_fold() -> None:
    """A value typed in a lab unit and divided by a ULN is where a misreading hides,
    so the card shows the full read-back, as typed, right after the decision."""
    site = {"unit": "µmol/L", "uln": 21, "uln_unit": "µmol/L", "uln_source": "site"}
    fields = {"bsa_m2": "1.8", "cycle": 2, "response": "CR", "bilirubin": {"value": 34, **site}}
    plan = make_plan(PlanRequest.model_validate({**fields, "gilbert_or_hemolysis": False}))
    renderer = Renderer("en")
    top, _, folded = renderer.plan(plan).partition("\n─")
    assert top.split("\n")[1] == renderer.read_back(plan)
    assert "bilirubin 34 µmol/L = 1.62 ×ULN (ULN 21 µmol/L, site setting)" in top
    assert "Read: " not in folded


def test_a_clearance_from_creatinine_and_an_untyped_liver_value_are_read_back_up_top() -> None:
    """What was converted or assumed is said where the clinician reads first: the CrCl
    with the creatinine it came from, and a bare liver number with "read as ×ULN"."""
    request = PlanRequest.model_validate(
        {
            "bsa_m2": "1.8",
            "cycle": 2,
            "response": "CR",
            "height_cm": "180",
            "weight_kg": "75",
            "age_years": "60",
            "sex": "male",
            "creatinine": {"value": "2", "unit": "mg/dL"},
            "ast": {"value": "2", "unit": "xULN", "unit_typed": False},
        }
    )
    top = Renderer("en", html=False).plan(make_plan(request)).split(FOLD_OPEN)[0]
    assert "AST 2 ×ULN (no unit typed, read as ×ULN)" in top
    assert "(creatinine 2 mg/dL)" in top
    typed = request.model_copy(update={"ast": None, "ast_uln": None, "creatinine": None})
    top = Renderer("en", html=False).plan(make_plan(typed)).split(FOLD_OPEN)[0]
    assert "no unit typed" not in top and "creatinine" not in top


def test_a_bsa_entered_beside_height_and_weight_is_dosed_and_the_other_shown_for_comparison() -> (
    None
):
    """Both typed: the entered BSA is dosed (header, rows), and the read-back shows the BSA
    height and weight give, marked not used: a slip in one of them shows, with no cut-off of
    ours deciding how far apart they may be."""
    fields = {"bsa_m2": "1.8", "height_cm": "165", "weight_kg": "60", "cycle": 2, "response": "CR"}
    plan = make_plan(PlanRequest.model_validate(fields))
    assert plan.bsa_m2 == Decimal("1.8") and plan.bsa_method == "given"
    assert plan.bsa_from_height_weight == Decimal("1.66")  # Mosteller: √(165 × 60 / 3600)
    top = Renderer("en", html=False).plan(plan).split(FOLD_OPEN)[0]
    assert "165 cm, 60 kg = BSA 1.66 m² (Mosteller), not used" in top
    assert "0.5 mg/m² = 0.9 mg" in top  # 1.8 m², not 1.66
    alone = make_plan(PlanRequest.model_validate({**fields, "bsa_m2": None}))
    assert alone.bsa_from_height_weight is None and alone.bsa_m2 == Decimal("1.66")
    assert "not used" not in Renderer("en", html=False).plan(alone)
