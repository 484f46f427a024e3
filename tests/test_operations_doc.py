"""docs/operations.md lists every setting bot/config.py reads, as docs/operations.py writes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from bot.config import _READERS

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "operations.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("operations_doc", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_setting_has_a_line_of_help_and_no_help_is_left_over(generator: ModuleType) -> None:
    assert set(generator.HELP) == set(_READERS), "add or remove the line in docs/operations.py HELP"


def test_the_settings_table_is_current(generator: ModuleType) -> None:
    current = generator.TARGET.read_text(encoding="utf-8")
    assert current == generator.document(current), "run: .venv/bin/python docs/operations.py"
    for name in _READERS:
        assert f"| `{name.upper()}` |" in current


def test_only_the_block_between_the_markers_is_rewritten(generator: ModuleType) -> None:
    page = f"# Head\n\nby hand\n{generator.BEGIN}\nstale\n{generator.END}\n\n## Tail by hand\n"
    written = generator.document(page)
    assert written.startswith("# Head\n\nby hand\n" + generator.BEGIN + "\n| variable |")
    assert written.endswith(generator.END + "\n\n## Tail by hand\n") and "stale" not in written
    assert "`BOT_LABEL`" in written and "`US`, `EU`" in written
    with pytest.raises(ValueError, match="markers"):
        generator.document("# no markers\n")
