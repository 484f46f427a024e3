"""The JSON contract of `besponsa-bot plan`, through the installed command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.plan_command import plan_json

COMMAND = shutil.which("besponsa-bot", path=str(Path(sys.executable).parent)) or "besponsa-bot"


def run(text: str) -> tuple[int, dict]:
    result = subprocess.run(
        [COMMAND, "plan"], input=text, capture_output=True, text=True, timeout=60
    )
    return result.returncode, json.loads(result.stdout)


def test_plan_is_written_as_json_with_exit_0() -> None:
    code, plan = run('{"bsa_m2": 1.8, "cycle": 2, "response": "CR"}')
    assert code == 0
    assert plan["decision"] == "give" and plan["total_mg"] == 2.7
    assert [dose["mg"] for dose in plan["doses"]] == [0.9, 0.9, 0.9]
    assert {"code", "severity", "message", "source"} <= set(plan["warnings"][0])
    assert plan["ruleset_version"] and plan["rules"]


def test_a_hold_is_still_a_plan() -> None:
    code, plan = run('{"bsa_m2": 1.8, "cycle": 1, "vod": true}')
    assert code == 0 and plan["decision"] == "discontinue" and plan["doses"] == []


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("not json", "request"),
        ("[1, 2]", "request"),
        ('{"bsa_m2": NaN, "cycle": 1}', "request"),
        ('{"bsa_m2": Infinity, "cycle": 1}', "request"),
        ('{"bsa_m2": 1.8, "cycle": 0}', "cycle"),
        ('{"bsa_m2": 1.8, "cycle": "1"}', "cycle"),
        ('{"bsa_m2": 9, "cycle": 1}', "bsa_m2"),
        ('{"bsa_m2": 1.8, "cycle": 2}', "response"),
        ('{"bsa_m2": 1.8, "cycle": 1, "anc": -1}', "anc"),
        ('{"bsa_m2": 1.8, "cycle": 1, "colour": "red"}', "colour"),
        ('{"bsa_m2": 1.8, "cycle": 1, "vod": "yes"}', "vod"),
        ('{"height_cm": 180, "cycle": 1}', "weight_kg"),
        ('{"bsa_m2": "1.8", "cycle": 1}', "bsa_m2"),
        ('{"bsa_m2": 1.8, "cycle": 1, "anc": "0_5"}', "anc"),
        ('{"bsa_m2": "١.٨", "cycle": 1}', "bsa_m2"),
        ('{"bsa_m2": 1.8, "cycle": 1, "platelets": true}', "platelets"),
        ('{"bsa_m2": 1.8, "cycle": 1, "bsa_m2": 1.9}', "bsa_m2"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": 0}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "2026-01-01T00:00:00"}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "last_dose_date": "20260101"}', "last_dose_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "2026-02-30"}', "start_date"),
        ("[" * 50_000 + "]" * 50_000, "request"),
        ('{"bsa_m2": 1.8, "cycle": 1, "colour": ' + "[" * 800 + "]" * 800 + "}", "colour"),
        ('{"bsa_m2": 1.8, "cycle": 1.0}', "cycle"),
        ("", "request"),
    ],
)
def test_invalid_input_exits_2_naming_the_field(text: str, field: str) -> None:
    code, document = plan_json(text)
    assert code == 2
    assert document["error"]["field"] == field and document["error"]["message"]


def test_invalid_input_through_the_command() -> None:
    code, document = run('{"cycle": 0}')
    assert code == 2 and document["error"]["field"]


def test_exact_decimals_from_json() -> None:
    code, plan = plan_json('{"bsa_m2": 1.005, "cycle": 2, "response": "CR"}')
    assert code == 0 and plan["bsa_m2"] == 1.01, "half-up from the decimal text, not binary"


def test_dates_given_as_iso_text_are_used() -> None:
    code, plan = plan_json(
        '{"bsa_m2": 1.8, "cycle": 1, "start_date": "2026-12-28"}', today=dt.date(2026, 12, 1)
    )
    assert code == 0
    assert [dose["date"] for dose in plan["doses"]] == ["2026-12-28", "2027-01-04", "2027-01-11"]


def test_warnings_come_in_the_requested_language() -> None:
    code, english = plan_json('{"bsa_m2": 1.8, "cycle": 1, "crcl_ml_min": 40}')
    code_es, spanish = plan_json('{"bsa_m2": 1.8, "cycle": 1, "crcl_ml_min": 40, "locale": "es"}')
    assert code == code_es == 0
    assert [w["code"] for w in spanish["warnings"]] == [w["code"] for w in english["warnings"]]
    premedication = next(w for w in spanish["warnings"] if w["code"] == "premedication")
    assert "premedicación" in premedication["message"].lower()
    renal = next(w for w in spanish["warnings"] if w["code"] == "renal_no_adjustment")
    assert "40 mL/min" in renal["message"]
    unknown = plan_json('{"bsa_m2": 1.8, "cycle": 1, "locale": "xx"}')[1]
    assert unknown["warnings"][0]["message"] == english["warnings"][0]["message"]


TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "9999-12-31"}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "9999-12-20"}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "0001-01-01"}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "2027-12-02"}', "start_date"),
        ('{"bsa_m2": 1.8, "cycle": 1, "start_date": "2025-11-30"}', "start_date"),
        (
            '{"bsa_m2": 1.8, "cycle": 1, "sex": "male", "last_dose_date": "9999-12-31"}',
            "last_dose_date",
        ),
        ('{"bsa_m2": 1.8, "cycle": 1, "today": "9999-12-31", "start_date": "9999-12-31"}', "today"),
        ('{"bsa_m2": 1.8, "cycle": 1, "today": "2026-13-01"}', "today"),
        ('{"bsa_m2": 1.8, "cycle": 1, "today": 20261201}', "today"),
        (
            '{"bsa_m2": 1.8, "cycle": 1, "today": "2026-12-01", "start_date": "2028-01-01"}',
            "start_date",
        ),
    ],
)
def test_implausible_dates_exit_2_naming_the_field(text: str, field: str) -> None:
    code, document = plan_json(text, today=TODAY)
    assert code == 2, document
    assert document["error"]["field"] == field
    assert "year" in document["error"]["message"] or "date" in document["error"]["message"]


def test_the_year_9999_through_the_command_is_refused_not_a_traceback() -> None:
    code, document = run('{"bsa_m2":1.8,"cycle":1,"start_date":"9999-12-31"}')
    assert code == 2 and document["error"]["field"] == "start_date"


@pytest.mark.parametrize(
    ("start", "today"),
    [("2027-12-01", None), ("2025-12-01", None), ("2028-06-01", "2027-06-02")],
)
def test_dates_at_the_edge_of_the_window_are_planned(start: str, today: str | None) -> None:
    given = f', "today": "{today}"' if today else ""
    code, plan = plan_json(
        f'{{"bsa_m2": 1.8, "cycle": 1, "start_date": "{start}"{given}}}', today=TODAY
    )
    assert code == 0, plan
    assert plan["doses"][0]["date"] == start
    assert "today" not in plan


def test_without_today_the_clock_is_used() -> None:
    near = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    assert plan_json(f'{{"bsa_m2": 1.8, "cycle": 1, "start_date": "{near}"}}')[0] == 0
    assert plan_json(f'{{"bsa_m2": 1.8, "cycle": 1, "start_date": "{far}"}}')[0] == 2


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"bsa_m2": 1.8, "cycle": 1, "anc": ' + "1" * 5000 + "}", "anc"),
        ('{"bsa_m2": 1.8, "cycle": ' + "9" * 51 + "}", "cycle"),
        ('{"bsa_m2": 1.' + "8" * 5000 + ', "cycle": 1}', "bsa_m2"),
        ('{"bsa_m2": 1.8, "cycle": 1, "x": [{"y": ' + "1" * 5000 + "}]}", "x"),
        ("[" + "1" * 5000 + "]", "request"),
        ('{"anc": ' + "[" * 800 + "1" * 60 + "]" * 800 + "}", "anc"),
        ("1" * 5000, "request"),
    ],
)
def test_huge_numbers_are_too_long_not_python_advice(text: str, field: str) -> None:
    code, document = plan_json(text, today=TODAY)
    assert code == 2
    assert document["error"]["field"] == field
    assert "number too long" in document["error"]["message"]
    assert "sys." not in document["error"]["message"]
