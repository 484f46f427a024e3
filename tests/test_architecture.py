"""The layers of docs/architecture.md, checked on the source: every import, also a late one
inside a function, flows one way (transport → dialog → rules), and dialogs/ has no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Package → the first-party packages it may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "rules": set(),
    "locales": set(),
    "dialogs": {"rules", "locales"},
    "bot": {"dialogs", "rules", "locales"},
}


def imports(path: Path) -> set[str]:
    """Every module `path` imports, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below(package: str) -> None:
    forbidden = set(MAY_IMPORT) - MAY_IMPORT[package] - {package}
    for path in modules(package):
        wrong = {name for name in imports(path) if name.split(".")[0] in forbidden}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_dialog_modules_import_each_other_without_a_cycle() -> None:
    names = {path.stem for path in modules("dialogs")}
    graph = {
        path.stem: {
            name.split(".")[1]
            for name in imports(path)
            if name.startswith("dialogs.") and name.split(".")[1] in names
        }
        - {path.stem}
        for path in modules("dialogs")
    }
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " → ".join((*path, module))
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
