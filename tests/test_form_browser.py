"""The Mini App form in a real headless Chromium (Debian's chromium and chromium-driver, driven by
selenium; nothing is downloaded): served by the bot's own route (bot/webapp.py), with a stub of
`window.Telegram.WebApp` that records `sendData`. Each payload the page sends is then read by
the bot's reader (bot/form_data.py) and must give a plan.

Without a browser the tests skip locally with one reason and fail under CI=true (`.ci/run`
installs it). `UPDATE_FORM_SCREENSHOT=1` also writes the 360 px screenshot to docs/.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import struct
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.form_data import read_form
from bot.webapp import add_form_routes
from dialogs.form import handle_form
from dialogs.machine import PLAN, Conversation
from rules.bsa import body_surface_area
from rules.models import PlanRequest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "mini-app-form.png"
TODAY = dt.date(2026, 12, 6)
WIDTH = 360
#: What Telegram's client gives the page; sendData recorded instead of closing the page.
STUB = """
window.Telegram = {WebApp: {
  sent: [], readyCalled: false,
  themeParams: {bg_color: "#10202f", text_color: "#f5f5f5", hint_color: "#9aa6b2",
                secondary_bg_color: "#1b2c3d", button_color: "#4aa3df",
                button_text_color: "#ffffff"},
  sendData(data) { this.sent.push(data); },
  ready() { this.readyCalled = true; }, expand() {},
}};
"""
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _no_browser() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return "no chromium/chromedriver (apt-get install chromium chromium-driver)"
    return None


class PageServer:
    """The bot's page routes on 127.0.0.1 in a thread of their own (selenium's calls block)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner: web.AppRunner | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    async def _start(self) -> None:
        app = web.Application()
        add_form_routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def url(self, query: str) -> str:
        return f"http://127.0.0.1:{self.port}/app/?{query}"


@pytest.fixture(scope="module")
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = _no_browser()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    # The driver's path given: selenium-manager never looks for (or downloads) one.
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    # A phone's width: a headless window is never narrower than 500 px, so the viewport is set.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": 780, "deviceScaleFactor": 1, "mobile": True},
    )
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STUB})
    # Telegram's own script is not reachable here: refused at once instead of timing out.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*telegram.org*"]})
    yield browser
    browser.quit()


def open_form(driver: Any, server: PageServer, query: str = "lang=en") -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.url(query))
    WebDriverWait(driver, 10).until(
        lambda browser: browser.execute_script("return document.body.dataset.ready === 'true'")
    )


def fill(driver: Any, values: dict[str, str]) -> None:
    """Type or choose each value, in order (a later field may appear only after an earlier)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for element_id, value in values.items():
        element = driver.find_element(By.ID, element_id)
        assert element.is_displayed(), f"{element_id} is not shown"
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


def send(driver: Any) -> dict[str, Any] | None:
    """Tap Send; the payload sendData got (None: nothing was sent)."""
    from selenium.webdriver.common.by import By

    before = driver.execute_script("return window.Telegram.WebApp.sent.length")
    driver.find_element(By.ID, "send").click()
    sent = driver.execute_script("return window.Telegram.WebApp.sent")
    if len(sent) == before:
        return None
    payload = sent[-1]
    assert len(payload.encode()) <= 4096
    data: dict[str, Any] = json.loads(payload)
    # The bot's own reader must give a plan from it.
    read = read_form(payload, TODAY)
    assert isinstance(read, PlanRequest), read
    conversation = Conversation("en")
    replies = handle_form(conversation, read)
    assert conversation.phase is PLAN, replies
    assert replies[-1].plan is not None
    return data


def shown(driver: Any, element_id: str) -> bool:
    from selenium.webdriver.common.by import By

    return bool(driver.find_element(By.ID, element_id).is_displayed())


#: The six ward cases: (what is typed or chosen, the payload sent).
WARD_CASES = [
    (
        {"height_cm": "180", "weight_kg": "75", "cycle": "1", "hsct_planned": "no",
         "anc": "1.2", "platelets": "150"},
        {"height_cm": 180, "weight_kg": 75, "cycle": 1, "day": 1, "hsct_planned": False,
         "anc": 1.2, "platelets": 150},
    ),
    (
        {"bsa_m2": "1.8", "cycle": "2", "response": "CR", "hsct_planned": "no", "anc": "1.8",
         "platelets": "120"},
        {"bsa_m2": 1.8, "cycle": 2, "day": 1, "response": "CR", "hsct_planned": False,
         "anc": 1.8, "platelets": 120},
    ),
    (
        {"bsa_m2": "1.8", "cycle": "3", "response": "none", "hsct_planned": "no", "anc": "1.8",
         "platelets": "120"},
        {"bsa_m2": 1.8, "cycle": 3, "day": 1, "response": "none", "hsct_planned": False,
         "anc": 1.8, "platelets": 120},
    ),
    (
        {"bsa_m2": "1.8", "cycle": "2", "response": "CR", "hsct_planned": "no", "anc": "0.6",
         "anc_baseline": "1.5", "platelets": "120"},
        {"bsa_m2": 1.8, "cycle": 2, "day": 1, "response": "CR", "hsct_planned": False,
         "anc": 0.6, "anc_baseline": 1.5, "platelets": 120},
    ),
    (
        {"bsa_m2": "1.8", "cycle": "2", "response": "CR", "hsct_planned": "no", "anc": "1.8",
         "platelets": "120", "bilirubin_value": "25"},
        {"bsa_m2": 1.8, "cycle": 2, "day": 1, "response": "CR", "hsct_planned": False,
         "anc": 1.8, "platelets": 120,
         "bilirubin": {"value": 25, "unit": "umol/L", "uln": 21}},
    ),
    (
        {"bsa_m2": "1.8", "cycle": "2", "day": "8", "response": "CR", "hsct_planned": "no",
         "anc": "1.8", "platelets": "120", "interruption_days": "9"},
        {"bsa_m2": 1.8, "cycle": 2, "day": 8, "response": "CR", "hsct_planned": False,
         "anc": 1.8, "platelets": 120, "interruption_days": 9},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "expected"), WARD_CASES, ids=[f"case{i}" for i in range(1, 7)])
def test_ward_case_sent_as_the_plan_contract(
    driver: Any, page_server: PageServer, typed: dict[str, str], expected: dict[str, Any]
) -> None:
    # Case 5's site ULN comes with the address, as bot/form_data.form_url puts it there.
    open_form(driver, page_server, "lang=en&uln_bilirubin=21+%C2%B5mol%2FL")
    fill(driver, typed)
    assert send(driver) == expected


def test_fields_shown_only_where_they_apply(driver: Any, page_server: PageServer) -> None:
    open_form(driver, page_server)
    assert not shown(driver, "response") and not shown(driver, "bilirubin_value")
    fill(driver, {"cycle": "1"})
    assert not shown(driver, "bilirubin_value") and not shown(driver, "anc_baseline")
    fill(driver, {"cycle": "2"})
    assert shown(driver, "response") and shown(driver, "bilirubin_value")
    assert shown(driver, "ast_value") and shown(driver, "alt_value")
    assert not shown(driver, "mrd_negative")
    fill(driver, {"cycle": "3", "hsct_planned": "yes"})
    assert shown(driver, "mrd_negative")
    assert not shown(driver, "last_dose_date")
    fill(driver, {"sex": "female"})
    assert shown(driver, "last_dose_date")
    # A multiple of the ULN needs no ULN; an absolute unit shows it.
    assert not shown(driver, "ast_uln")
    fill(driver, {"ast_unit": "U/L"})
    assert shown(driver, "ast_uln")


def test_sex_and_liver_tests_in_the_payload(driver: Any, page_server: PageServer) -> None:
    open_form(driver, page_server)
    fill(
        driver,
        {
            "bsa_m2": "1.7", "cycle": "2", "response": "CRi", "anc": "2", "platelets": "90",
            "ast_value": "1.2", "alt_unit": "U/L", "alt_value": "50", "alt_uln": "40",
            "sex": "female_breastfeeding", "last_dose_date": "11/20/2026",
        },
    )  # fmt: skip
    data = send(driver)
    assert data is not None
    assert data["ast"] == {"value": 1.2, "unit": "xULN"}
    assert data["alt"] == {"value": 50, "unit": "U/L", "uln": 40}
    assert (data["sex"], data["pregnant"], data["breastfeeding"]) == ("female", False, True)
    assert data["last_dose_date"] == "2026-11-20"


def test_the_age_is_sent_unless_the_site_treats_adults_only(
    driver: Any, page_server: PageServer
) -> None:
    open_form(driver, page_server)
    child = {"bsa_m2": "0.9", "cycle": "1", "hsct_planned": "no", "anc": "2", "platelets": "90"}
    fill(driver, {**child, "age_years": "7"})
    data = send(driver)
    assert data is not None and data["age_years"] == 7
    open_form(driver, page_server, "lang=en&adult_only=1")  # bot/form_data.form_url's mark
    assert not shown(driver, "age_years")
    fill(driver, {**child, "bsa_m2": "1.8"})
    data = send(driver)
    assert data is not None and "age_years" not in data


def test_bsa_preview_uses_the_bots_formula(driver: Any, page_server: PageServer) -> None:
    from selenium.webdriver.common.by import By

    open_form(driver, page_server)
    for formula in ("mosteller", "dubois"):
        fill(driver, {"height_cm": "172", "weight_kg": "68.5", "bsa_formula": formula})
        expected = body_surface_area(Decimal(172), Decimal("68.5"), formula)
        preview = driver.find_element(By.ID, "bsa_preview").text
        assert f"{expected:.2f} m²" in preview
        assert ("Mosteller" if formula == "mosteller" else "DuBois") in preview


def test_missing_and_unreadable_values_are_not_sent(driver: Any, page_server: PageServer) -> None:
    from selenium.webdriver.common.by import By

    open_form(driver, page_server)
    fill(driver, {"bsa_m2": "1.8"})
    assert send(driver) is None
    assert driver.find_element(By.ID, "problem").text == "Needed: Cycle"
    fill(driver, {"cycle": "2", "anc": "1_8"})
    assert send(driver) is None
    assert "Not a number: 1_8" in driver.find_element(By.ID, "problem").text


def test_german_page_reads_a_decimal_comma(driver: Any, page_server: PageServer) -> None:
    from selenium.webdriver.common.by import By

    open_form(driver, page_server, "lang=de")
    assert driver.execute_script("return document.documentElement.lang") == "de"
    assert "Zyklus" in driver.find_element(By.TAG_NAME, "form").text
    fill(driver, {"height_cm": "180", "weight_kg": "75,5", "cycle": "1", "anc": "1,8"})
    assert "1,94 m²" in driver.find_element(By.ID, "bsa_preview").text
    fill(driver, {"platelets": "150"})
    data = send(driver)
    assert data is not None
    assert (data["weight_kg"], data["anc"]) == (75.5, 1.8)
    fill(driver, {"anc": "1.8"})  # a point in a German number is not guessed
    assert send(driver) is None
    assert "1.8" in driver.find_element(By.ID, "problem").text


def test_arabic_page_is_right_to_left(driver: Any, page_server: PageServer) -> None:
    from selenium.webdriver.common.by import By

    open_form(driver, page_server, "lang=ar")
    assert driver.execute_script("return document.documentElement.dir") == "rtl"
    direction = driver.execute_script(
        "return getComputedStyle(document.getElementById('form')).direction"
    )
    assert direction == "rtl"
    assert "الدورة" in driver.find_element(By.TAG_NAME, "form").text
    fill(driver, {"height_cm": "180", "weight_kg": "75"})
    preview = driver.execute_script("return document.getElementById('bsa_preview').textContent")
    assert "\u2068Mosteller\u2069" in preview and "\u20681.94 m²\u2069" in preview
    # The first field sits on the right: its box starts right of the page's middle.
    label = driver.find_element(By.CSS_SELECTOR, "label")
    assert label.rect["x"] + label.rect["width"] > WIDTH / 2


def test_follows_telegram_theme(driver: Any, page_server: PageServer) -> None:
    open_form(driver, page_server)
    assert driver.execute_script("return window.Telegram.WebApp.readyCalled")
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 32, 47)"  # themeParams.bg_color of the stub


def test_screenshot_at_360_px(driver: Any, page_server: PageServer, tmp_path: Path) -> None:
    open_form(driver, page_server, "lang=en&uln_bilirubin=21+%C2%B5mol%2FL")
    fill(
        driver,
        {"height_cm": "180", "weight_kg": "75", "cycle": "2", "response": "CR",
         "hsct_planned": "no", "anc": "1.8", "platelets": "120", "bilirubin_value": "25"},
    )  # fmt: skip
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1},
        },
    )
    import base64

    png = base64.b64decode(shot["data"])
    width = struct.unpack(">I", png[16:20])[0]  # the IHDR chunk's width
    assert width == WIDTH
    target = tmp_path / "form.png"
    target.write_bytes(png)
    if os.environ.get("UPDATE_FORM_SCREENSHOT") == "1":
        shutil.copyfile(target, SCREENSHOT)
