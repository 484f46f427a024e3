"""The site's protocol file (docs/protocol.md): each key's effect on the plan and the card,
files refused with the key and its line named, and the commands that take `--protocol`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.cards import copy_line
from bot.config import ConfigError, load_settings
from bot.plan_command import plan_json
from bot.protocol_file import changes, parse_protocol, read_protocol, site_label, site_ulns
from bot.sources import sources_document, sources_text
from dialogs.render import Renderer
from rules import PlanRequest, make_plan
from rules.protocol import DEFAULT_NAME, DEFAULT_PROTOCOL, Protocol
from rules.thresholds import REDUCED_FRACTION

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "protocol.example.toml"
COMMAND = shutil.which("besponsa-bot", path=str(Path(sys.executable).parent)) or "besponsa-bot"
D = Decimal
SIGNED = """
[site]
name = "St Example ALL"
version = "3"
status = "signed"
signed_by = [{ name = "A. Name", role = "Pharmacist" }]
signed_on = 2026-11-30
"""


def protocol(text: str) -> Protocol:
    return parse_protocol(text.encode(), "test.toml")


def request(**fields: Any) -> PlanRequest:
    return PlanRequest.model_validate({"bsa_m2": "1.8", "cycle": 1, **fields})


def card(plan: Any, lang: str = "en") -> str:
    return Renderer(lang).plan(plan)


# The example file ---------------------------------------------------------------------


def test_the_example_file_loads_with_its_hash() -> None:
    example = read_protocol(EXAMPLE)
    assert example.sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert example.site.status == "draft" and example.site.signed_by
    assert example.reduction.level1_split == "proportional"
    assert example.banding is not None and example.preparation is not None
    assert "EXAMPLE" in EXAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_check_lists_what_the_file_changes() -> None:
    lines = changes(read_protocol(EXAMPLE))
    assert "reduction.level1_split: (none) → proportional" in lines
    assert "site.adult_only_service: False → True" in lines
    assert changes(DEFAULT_PROTOCOL) == []


# [site] --------------------------------------------------------------------------------


def test_without_a_file_the_plan_is_a_draft_of_the_defaults() -> None:
    plan = make_plan(request())
    assert plan.protocol.name == DEFAULT_NAME and plan.protocol.status == "draft"
    assert plan.protocol.sha256 is None
    text = card(plan)
    assert "DRAFT: not signed by the site's pharmacy" in text.split("─")[0]  # above the fold
    assert "DRAFT: not signed by the site's pharmacy" in copy_line(plan, Renderer("en"))


def test_a_signed_protocol_is_named_on_the_card_and_the_copied_line() -> None:
    site = protocol(SIGNED)
    plan = make_plan(request(), site)
    assert plan.protocol.status == "signed" and plan.protocol.signed_on == dt.date(2026, 11, 30)
    line = "Protocol: St Example ALL v3, signed Nov 30, 2026"
    assert line in card(plan).split("─")[0] and "DRAFT" not in card(plan)
    assert line in copy_line(plan, Renderer("en"))
    assert "Protokoll: St Example ALL v3" in card(plan, "de")


def test_a_draft_file_names_itself_as_a_draft() -> None:
    plan = make_plan(request(), read_protocol(EXAMPLE))
    assert "DRAFT: not signed by the site's pharmacy (protocol Example hospital" in card(plan)


def test_the_json_plan_carries_the_protocol() -> None:
    text = json.dumps({"bsa_m2": 1.8, "cycle": 1})
    code, document = plan_json(text, protocol=read_protocol(EXAMPLE))
    assert code == 0
    assert document["protocol"] == {
        "name": "Example hospital, inotuzumab ozogamicin (EXAMPLE)",
        "version": "0.1",
        "status": "draft",
        "signed_on": "2026-11-30",
        "sha256": hashlib.sha256(EXAMPLE.read_bytes()).hexdigest(),
    }
    _, default = plan_json(text)
    assert default["protocol"]["status"] == "draft" and default["protocol"]["sha256"] is None


def test_the_label_of_the_file_and_bot_label_over_it(tmp_path: Path) -> None:
    eu = protocol('[site]\nlabel = "EU"\n')
    assert site_label(load_settings({}), eu) == "EU"
    assert site_label(load_settings({"BOT_LABEL": "US"}), eu) == "US"
    assert site_label(load_settings({}), DEFAULT_PROTOCOL) == "US"


def test_adult_only_service_is_exposed_for_the_frontends() -> None:
    assert DEFAULT_PROTOCOL.adult_only_service is False
    assert protocol("[site]\nadult_only_service = true\n").adult_only_service is True
    assert read_protocol(EXAMPLE).adult_only_service is True


def test_sources_list_the_protocol() -> None:
    site = protocol(SIGNED)
    document = sources_document(site)
    assert document["protocol"]["name"] == "St Example ALL"
    assert document["protocol"]["signed_by"] == [{"name": "A. Name", "role": "Pharmacist"}]
    text = sources_text(Renderer("en"), "US", site)
    assert "• Protocol: St Example ALL v3, signed Nov 30, 2026" in text
    assert "A. Name, Pharmacist" in text
    assert "DRAFT" in sources_text(Renderer("en"), "US", DEFAULT_PROTOCOL)


# [uln] ---------------------------------------------------------------------------------


def test_the_file_s_ulns_and_bot_uln_over_them() -> None:
    site = protocol('[uln]\nbilirubin = "21 umol/L"\nast = "40 U/L"\n')
    ulns = site_ulns(load_settings({"BOT_ULN_AST": "35 U/L"}), site)
    assert ulns["bilirubin"].value == D(21) and ulns["ast"].value == D(35)
    assert "alt" not in ulns


# [reduction] ---------------------------------------------------------------------------


def level(number: int, site: Protocol = DEFAULT_PROTOCOL, **fields: Any) -> Any:
    return make_plan(request(cycle=2, response="CR", dose_level=number, **fields), site)


def test_level_one_split_proportionally() -> None:
    assert level(1).doses == [] and level(1).doses_unspecified_reason is not None
    plan = level(1, protocol('[reduction]\nlevel1_split = "proportional"\n'))
    assert [(d.day, d.mg_per_m2, d.mg, d.ml, d.vials) for d in plan.doses] == [
        (1, D("0.375"), D("0.68"), D("2.72"), 1),
        (8, D("0.375"), D("0.68"), D("2.72"), 1),
        (15, D("0.375"), D("0.68"), D("2.72"), 1),
    ]
    # The label's total, split: the doses add up to it.
    assert plan.total_mg_per_m2 == level(1).total_mg_per_m2 == D("1.5") * REDUCED_FRACTION
    assert plan.doses_unspecified_reason is None and plan.dose_split_specified
    assert "split it as the site protocol says (each dose × 0.75)" in card(plan)
    assert "Day 8: 0.375 mg/m² = 0.68 mg · 2.72 mL · 1 vial" in card(plan)


LEVEL_TWO = """
[reduction]
level2_doses = [{ day = 1, mg_per_m2 = 0.5 }, { day = 8, mg_per_m2 = 0.5 }]
"""


def test_level_two_gives_the_site_s_doses() -> None:
    assert level(2).doses == [] and level(2).total_mg is None
    plan = level(2, protocol(LEVEL_TWO))
    assert [(d.day, d.mg_per_m2, d.mg) for d in plan.doses] == [
        (1, D("0.5"), D("0.90")),
        (8, D("0.5"), D("0.90")),
    ]
    assert plan.total_mg_per_m2 == D("1.0")
    assert "the doses shown are the site protocol's" in card(plan)
    # On Day 8 only the later dose is shown.
    assert [d.day for d in level(2, protocol(LEVEL_TWO), day=8).doses] == [8]


def test_a_hold_at_a_reduced_level_shows_no_site_dose() -> None:
    plan = level(1, protocol('[reduction]\nlevel1_split = "proportional"\n'), anc="0.5")
    assert plan.decision == "hold" and plan.doses == []


# [banding] -----------------------------------------------------------------------------


def banding(step: str, percent: str) -> Protocol:
    return protocol(f"[banding]\nstep_mg = {step}\nmax_change_percent = {percent}\n")


def test_a_banded_dose_shows_the_dose_calculated_and_the_change() -> None:
    plan = make_plan(request(bsa_m2="1.84"), banding("0.1", "5"))
    day8 = plan.doses[1]
    assert (day8.mg, day8.ml, day8.vials) == (D("0.9"), D("3.60"), 1)  # 0.92 mg: 2 vials
    assert (day8.banded_from_mg, day8.band_change_percent) == (D("0.92"), D("-2.2"))
    assert "= 0.9 mg · 3.6 mL · 1 vial (banded from 0.92 mg, −2.2 %)" in card(plan)
    assert "(arrondie par paliers depuis 0,92 mg, −2,2 %)" in card(plan, "fr")
    # Right to left: the sign stays inside the number's isolate, with its unit.
    assert "\u2066−2.2 %\u2069" in card(plan, "ar")


def test_banding_at_its_limit_and_beyond() -> None:
    # Day 8 at BSA 1.6: 0.8 mg; the nearest 0.5 mg is 1 mg, exactly +25 %.
    at_limit = make_plan(request(bsa_m2="1.6"), banding("0.5", "25")).doses[1]
    assert (at_limit.mg, at_limit.band_change_percent) == (D("1.0"), D("25.0"))
    beyond = make_plan(request(bsa_m2="1.6"), banding("0.5", "24.9")).doses[1]
    assert (beyond.mg, beyond.banded_from_mg) == (D("0.80"), None)
    text = card(make_plan(request(bsa_m2="1.6"), banding("0.5", "24.9")))
    assert "Day 8: 0.5 mg/m² = 0.8 mg · 3.2 mL · 1 vial\n" in text


def test_no_banding_without_the_section() -> None:
    plan = make_plan(request(bsa_m2="1.84"))
    assert all(dose.banded_from_mg is None for dose in plan.doses)
    assert plan.doses[1].mg == D("0.92")


# [preparation] -------------------------------------------------------------------------


def test_prepare_lines_from_the_site_s_numbers() -> None:
    plan = make_plan(request(), read_protocol(EXAMPLE))
    assert len(plan.preparation) == 3
    text = card(plan)
    assert (
        "Prepare Day 8: reconstitute 1 vial with 4 mL each; draw up 3.6 mL; dilute in sodium"
        " chloride 0.9 % to 50 mL (0.018 mg/mL); infuse over 60 min." in text
    )
    assert "Prepare" not in card(make_plan(request()))
    assert make_plan(request()).preparation == []


def test_prepare_lines_with_a_range_of_concentrations() -> None:
    site = protocol(
        "[preparation]\nreconstitution_ml_per_vial = 4\nconcentration_mg_per_ml = 0.25\n"
        'diluent = "NaCl 0.9 %"\nfinal_concentration_mg_per_ml = [0.01, 0.1]\n'
        "infusion_minutes = 60\n"
    )
    plan = make_plan(request(), site)
    day1 = plan.preparation[0]  # 1.44 mg: 14.4 to 144 mL
    assert (day1.final_volume_min_ml, day1.final_volume_max_ml) == (D("14.4"), D("144.0"))
    assert "dilute in NaCl 0.9 % to 14.4–144 mL; infuse over 60 min." in card(plan)


def test_no_prepare_line_for_a_dose_not_given() -> None:
    plan = make_plan(request(cycle=2, response="CR", anc="0.5"), read_protocol(EXAMPLE))
    assert plan.decision == "hold" and "Prepare" not in card(plan)


# [policy] ------------------------------------------------------------------------------


def test_pregnancy_is_a_stop_by_default_and_a_caution_by_policy() -> None:
    pregnant = request(sex="female", pregnant=True)
    stop = make_plan(pregnant)
    assert stop.decision == "hold" and stop.doses == []
    caution = make_plan(pregnant, protocol('[policy]\npregnancy = "caution"\n'))
    assert caution.decision == "give" and caution.doses
    warning = next(w for w in caution.warnings if w.code == "pregnancy")
    assert warning.severity == "caution" and "site protocol makes this a caution" in warning.message
    assert make_plan(pregnant, protocol('[policy]\npregnancy = "stop"\n')).decision == "hold"


# [confirmed] ---------------------------------------------------------------------------


def test_a_rule_on_an_unconfirmed_section_says_so_until_the_site_confirms_it() -> None:
    held = request(cycle=2, response="CR", anc="0.5", anc_baseline="2")
    plan = make_plan(held)
    warning = next(w for w in plan.warnings if w.code == "hold_anc")
    assert warning.site_unconfirmed == ("USPI 2.3 Table 2",)
    assert "(USPI 2.3 Table 2: not yet confirmed by the site)" in card(plan)
    site = protocol('[confirmed]\n"USPI 2.3 Table 2" = "2026-11-30, A. Name"\n')
    confirmed = make_plan(held, site)
    assert next(w for w in confirmed.warnings if w.code == "hold_anc").site_unconfirmed == ()
    assert "USPI 2.3 Table 2: not yet" not in card(confirmed)
    # A section the product read itself never carries the note.
    boxed = next(w for w in plan.warnings if w.code == "boxed_hepatotoxicity_vod")
    assert boxed.site_unconfirmed == ()


def test_no_key_changes_a_threshold_or_a_dose_of_the_label() -> None:
    """Every key set at once: the full-dose rows per m², the decision and the thresholds stay."""
    site = read_protocol(EXAMPLE)
    for fields in ({}, {"cycle": 2, "response": "CR", "anc": "0.9", "anc_baseline": "2"}):
        plain, with_site = make_plan(request(**fields)), make_plan(request(**fields), site)
        assert plain.decision == with_site.decision
        assert [d.mg_per_m2 for d in plain.doses] == [d.mg_per_m2 for d in with_site.doses]
        assert plain.total_mg_per_m2 == with_site.total_mg_per_m2


# Refused files -------------------------------------------------------------------------

REFUSED = [
    ('[site]\nnmae = "x"\n', "line 2: site.nmae: unknown key"),
    ("[bandin]\nstep_mg = 0.1\n", "line 1: bandin: unknown section"),
    ('[site]\nadult_only_service = "yes"\n', "line 2: site.adult_only_service: true or false"),
    ("[site]\nversion = 2\n", "line 2: site.version: text in quotes expected"),
    ('[site]\nsigned_on = "2026-11-30"\n', "line 2: site.signed_on: a date expected"),
    ('[site]\nstatus = "final"\n', "line 2: site.status:"),
    ('[site]\nname = "x"\nstatus = "signed"\n', "line 1: site.signed_by: a signed protocol"),
    ('[site]\nlabel = "JP"\n', "line 2: site.label:"),
    ('[uln]\nbilirubin = "21"\n', "line 2: uln.bilirubin: expected a number and its unit"),
    ('[reduction]\nlevel1_split = "half"\n', "line 2: reduction.level1_split:"),
    (
        "[reduction]\nlevel2_doses = [\n  { day = 1, mg_per_m2 = 0.8 },\n"
        "  { day = 8, mg_per_m2 = 0.5 },\n]\n",
        "line 2: reduction.level2_doses: a total of 1.3 mg/m² is above dose level 1's "
        "(1.125 mg/m² per cycle)",
    ),
    (
        "[reduction]\nlevel2_doses = [{ day = 1, mg_per_m2 = 0.5 }]\n",
        "line 2: reduction.level2_doses: 2 doses expected",
    ),
    (
        "[reduction]\nlevel2_doses = [\n  { day = 1, mg_per_m2 = 0.5 },\n"
        "  { day = 3, mg_per_m2 = 0.5 },\n]\n",
        "line 2: reduction.level2_doses.1.day: a dose day of the cycle expected",
    ),
    ('[banding]\nstep_mg = "0.1"\nmax_change_percent = 5\n', "line 2: banding.step_mg: a number"),
    ("[banding]\nstep_mg = 0.1\n", "line 1: banding.max_change_percent: required"),
    ("[banding]\nstep_mg = 0.1\nmax_change_percent = 0\n", "line 3: banding.max_change_percent:"),
    (
        "[preparation]\nreconstitution_ml_per_vial = 4\nconcentration_mg_per_ml = 0.3\n"
        'diluent = "x"\nfinal_volume_ml = 50\ninfusion_minutes = 60\n',
        "line 3: preparation.concentration_mg_per_ml: the label gives 0.25 mg/mL",
    ),
    (
        "[preparation]\nreconstitution_ml_per_vial = 4\nconcentration_mg_per_ml = 0.25\n"
        'diluent = "x"\ninfusion_minutes = 60\n',
        "line 1: preparation.final_volume_ml: give either final_volume_ml",
    ),
    ('[policy]\npregnancy = "maybe"\n', "line 2: policy.pregnancy:"),
    ('[confirmed]\n"USPI 9.9" = "2026-11-30, A"\n', "line 2: confirmed.USPI 9.9: not a section"),
    ('[confirmed]\n"USPI 2.3 Table 4" = "soon"\n', 'line 2: confirmed.USPI 2.3 Table 4: "YYYY'),
    ('sha256 = "' + "0" * 64 + '"\n', "line 1: sha256: unknown section"),
    ("[site\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "expected"), REFUSED)
def test_a_wrong_file_is_refused_with_the_key_and_its_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as refused:
        protocol(text)
    message = str(refused.value)
    assert expected in message and message.startswith("test.toml")
    assert "\n" not in message and "Traceback" not in message


def test_bot_protocol_must_name_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^BOT_PROTOCOL: "):
        load_settings({"BOT_PROTOCOL": str(tmp_path / "missing.toml")})
    assert load_settings({"BOT_PROTOCOL": str(EXAMPLE)}).bot_protocol == EXAMPLE


# The commands --------------------------------------------------------------------------


def run(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("BOT_")}, **env}
    return subprocess.run(
        [COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_protocol_check_command(tmp_path: Path) -> None:
    done = run("protocol", "check", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "reduction.level1_split: (none) → proportional" in done.stdout
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[site]\nstatus = "signed"\n', encoding="utf-8")
    refused = run("protocol", "check", str(wrong))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "site.signed_by" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_plan_sources_and_chat_take_the_protocol(tmp_path: Path) -> None:
    digest = hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    plan = run("plan", "--protocol", str(EXAMPLE), stdin='{"bsa_m2": 1.84, "cycle": 1}')
    assert plan.returncode == 0, plan.stderr
    document = json.loads(plan.stdout)
    assert document["protocol"]["sha256"] == digest and document["doses"][1]["mg"] == 0.9
    from_env = run("plan", stdin='{"bsa_m2": 1.84, "cycle": 1}', BOT_PROTOCOL=str(EXAMPLE))
    assert json.loads(from_env.stdout)["protocol"]["sha256"] == digest
    sources = run("sources", "--protocol", str(EXAMPLE))
    assert json.loads(sources.stdout)["protocol"]["sha256"] == digest
    chat = run("chat", "--protocol", str(EXAMPLE), stdin="bsa=1.84 cycle=1\n/sources\n")
    assert chat.returncode == 0, chat.stderr
    assert "Prepare Day 8" in chat.stdout and "(protocol Example hospital" in chat.stdout
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[banding]\nstep_mg = 0.1\n", encoding="utf-8")
    for args in (("plan",), ("sources",), ("chat",)):
        refused = run(*args, "--protocol", str(wrong))
        assert refused.returncode == 2 and "banding.max_change_percent" in refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr


def test_a_stored_card_keeps_its_protocol_and_bands() -> None:
    from bot.cards import Card, card_document, card_from_document

    plan = make_plan(request(bsa_m2="1.84"), read_protocol(EXAMPLE))
    stored = json.loads(json.dumps(card_document(Card(1, plan, ()))))
    again = card_from_document(1, stored)
    assert again is not None and again.plan == plan
    assert again.plan.protocol.sha256 == plan.protocol.sha256 and again.plan.preparation


def test_a_day_without_a_site_dose_says_so() -> None:
    plan = level(2, protocol(LEVEL_TWO), day=15)
    assert plan.decision == "give" and plan.doses == []
    assert plan.doses_unspecified_reason == "site_protocol_no_dose_this_day"
    assert "No dose on this day: the site protocol gives the doses of dose level 2" in card(plan)
