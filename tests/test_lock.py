"""requirements.lock (what the container image installs) is current with pyproject.toml: made
from the same dependency lists, every dependency pinned within its range, every pin hashed.
When this fails, run: .venv/bin/pip install -q -e '.[lock]' && .venv/bin/python tools/lock.py"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "run: .venv/bin/pip install -q -e '.[lock]' && .venv/bin/python tools/lock.py"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _lock_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK_TOOL = _lock_tool()
LOCK_TEXT = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PINS = {canonicalize_name(name): version for name, version in _PIN.findall(LOCK_TEXT)}


def test_the_lock_was_made_from_pyprojects_dependencies() -> None:
    wanted = LOCK_TOOL.digest(LOCK_TOOL.locked_requirements())
    assert LOCK_TOOL.recorded_digest() == wanted, REGENERATE


def test_the_digest_changes_with_a_dependency_and_not_with_its_order() -> None:
    requirements = LOCK_TOOL.locked_requirements()
    assert LOCK_TOOL.digest(list(reversed(requirements))) == LOCK_TOOL.digest(requirements)
    assert LOCK_TOOL.digest([*requirements, "six>=1"]) != LOCK_TOOL.digest(requirements)


@pytest.mark.parametrize("requirement", LOCK_TOOL.locked_requirements())
def test_every_dependency_is_pinned_within_its_range(requirement: str) -> None:
    wanted = Requirement(requirement)
    name = canonicalize_name(wanted.name)
    assert name in PINS, f"{wanted.name} is not in requirements.lock; {REGENERATE}"
    assert wanted.specifier.contains(PINS[name], prereleases=True), (
        f"{wanted.name}=={PINS[name]} is outside {wanted.specifier}; {REGENERATE}"
    )
    for extra in sorted(wanted.extras) if name == "psycopg" else ():
        assert f"psycopg-{extra}" in PINS, f"psycopg[{extra}] brings psycopg-{extra}"


def test_every_pin_carries_hashes() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT.split("\n\n", 1)[0].strip())
    pinned = [entry for entry in entries if _PIN.match(entry)]
    assert len(pinned) == len(PINS) >= 20
    for entry in pinned:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.split("\n", 1)[0]
