"""The bot's profile in Telegram: its description and short description in every language
(what a new user reads before sending anything, and on the bot's page), and the chats' menu
button, which opens the command menu. Registered once at start-up, beside the command menus
(`bot/app.py`), never on the path to the first getUpdates."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import MenuButtonCommands

from bot.texts import DESCRIPTION, SHORT_DESCRIPTION
from dialogs.render import Renderer
from locales import menu_catalogs, menu_code

#: Telegram's limits (Bot API: setMyDescription, setMyShortDescription).
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


def descriptions(lang: str) -> tuple[str, str]:
    """(description, short description) in `lang`, cut to Telegram's limits."""
    renderer = Renderer(lang)
    return (
        renderer.text(DESCRIPTION)[:MAX_DESCRIPTION],
        renderer.text(SHORT_DESCRIPTION)[:MAX_SHORT_DESCRIPTION],
    )


async def register_profile(bot: Any) -> list[BaseException]:
    """Both descriptions for every language (English also as the default) and the commands
    menu button for every private chat; returns what went wrong, one error per call."""
    calls = []
    for lang in (None, *menu_catalogs()):
        description, short = descriptions(lang or "en")
        code = menu_code(lang) if lang else None  # two letters: Telegram takes no region
        calls.append(bot.set_my_description(description, language_code=code))
        calls.append(bot.set_my_short_description(short, language_code=code))
    calls.append(bot.set_chat_menu_button(menu_button=MenuButtonCommands()))
    results = await asyncio.gather(*calls, return_exceptions=True)
    return [result for result in results if isinstance(result, BaseException)]
