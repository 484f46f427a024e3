"""Compile the gettext catalogs at build time so that .mo files are never committed, and export
the Mini App form's words from them (`bot/form_page/strings/<lang>.json`, bot/form_texts.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "locales"
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            mo_path = po_path.with_suffix(".mo")
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            relative = mo_path.relative_to(self.root).as_posix()
            build_data.setdefault("force_include", {})[str(mo_path)] = relative
        for path in self._export_form_strings():
            relative = path.relative_to(self.root).as_posix()
            build_data.setdefault("force_include", {})[str(path)] = relative

    def _export_form_strings(self) -> list[Path]:
        """Each language's strings for the form page, made by the package's own code from the
        catalogs (which needs only Babel, a build requirement), as the server makes them."""
        sys.path.insert(0, self.root)
        try:
            from bot.form_texts import page_strings_json
            from locales import LANGUAGES
        finally:
            sys.path.remove(self.root)
        folder = Path(self.root) / "bot" / "form_page" / "strings"
        folder.mkdir(exist_ok=True)
        written = []
        for lang in LANGUAGES:
            path = folder / f"{lang}.json"
            path.write_bytes(page_strings_json(lang))
            written.append(path)
        return written
