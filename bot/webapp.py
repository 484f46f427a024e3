"""The Mini App page served at /app/ by the bot's own aiohttp server, and exported for a site's
own static host.

The page is three static files (`bot/form_page/`: HTML, CSS and a small script, no framework,
no build step) and its words in the chat's language, `strings/<lang>.json`, written from the
catalogs when the package is built (`hatch_build.py`) or, in a checkout, made from them here
(`bot/form_texts.py`). Only the files named below are served: no path from a request ever
reaches the file system. Telegram opens the page over HTTPS at BOT_WEBAPP_URL, which is this
route behind the site's TLS proxy (the webhook's host) or any static host the site copies the
files to (`python -m bot.webapp DIR`).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from aiohttp import web

from bot.form_texts import catalog_mtime, page_strings_json
from locales import LANGUAGES

PAGE_DIR = Path(__file__).resolve().with_name("form_page")
STRINGS_DIR = PAGE_DIR / "strings"
PREFIX = "/app"
#: The page's files, by the name the browser asks for, with their content types.
PAGE_FILES: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "form.css": "text/css; charset=utf-8",
    "form.js": "text/javascript; charset=utf-8",
}
_JSON = "application/json; charset=utf-8"
#: The page runs inside Telegram: its own files, Telegram's script, nothing else; no frames
#: of it outside Telegram's clients.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self' https://telegram.org; style-src 'self'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def add_form_routes(app: web.Application, prefix: str = PREFIX) -> None:
    """The page's routes on a server of the bot's (webhook mode's, or a health server's)."""
    app.router.add_get(prefix, _to_index)
    app.router.add_get(f"{prefix}/", _index)
    app.router.add_get(prefix + "/strings/{lang}.json", _strings)
    app.router.add_get(prefix + "/{name}", _file)


async def _to_index(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect(f"{request.path}/")


async def _index(request: web.Request) -> web.Response:
    return _page_file("index.html")


async def _file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in PAGE_FILES:
        raise web.HTTPNotFound()
    return _page_file(name)


async def _strings(request: web.Request) -> web.Response:
    lang = request.match_info["lang"]
    if lang not in LANGUAGES:
        raise web.HTTPNotFound()
    return web.Response(body=strings_file(lang), content_type=None, headers=_with_type(_JSON))


def _page_file(name: str) -> web.Response:
    return web.Response(body=_read(name), headers=_with_type(PAGE_FILES[name]))


def _with_type(content_type: str) -> dict[str, str]:
    return {**HEADERS, "Content-Type": content_type}


@functools.cache
def _read(name: str) -> bytes:
    return (PAGE_DIR / name).read_bytes()


def strings_file(lang: str) -> bytes:
    """The built `strings/<lang>.json` when it is as new as its catalog, else made from the
    catalog (a checkout, an editable install, a catalog edited since the build)."""
    built = STRINGS_DIR / f"{lang}.json"
    if built.exists() and built.stat().st_mtime >= catalog_mtime(lang):
        return built.read_bytes()
    return _made(lang, catalog_mtime(lang))


@functools.lru_cache(maxsize=32)
def _made(lang: str, mtime: float) -> bytes:
    return page_strings_json(lang)


def export_page(directory: Path) -> list[Path]:
    """The page as a site publishes it on a static host: its files and every language's
    strings under `directory` (served at BOT_WEBAPP_URL)."""
    (directory / "strings").mkdir(parents=True, exist_ok=True)
    written = []
    for name in PAGE_FILES:
        target = directory / name
        target.write_bytes(_read(name))
        written.append(target)
    for lang in LANGUAGES:
        target = directory / "strings" / f"{lang}.json"
        target.write_bytes(strings_file(lang))
        written.append(target)
    return written


if __name__ == "__main__":  # python -m bot.webapp DIR
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bot.webapp DIRECTORY")
    for path in export_page(Path(sys.argv[1])):
        print(path)
