"""The command menu in every language, so Telegram shows each user their own."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import BotCommand

from bot import texts
from dialogs.dialog import COMMANDS
from dialogs.render import Renderer
from locales import menu_catalogs, menu_code


def command_menu(lang: str) -> list[BotCommand]:
    """The dialog's commands that have a menu line, then the transport's own."""
    renderer = Renderer(lang)
    dialog = {name[1:]: command.menu for name, command in COMMANDS.items() if command.menu}
    return [
        BotCommand(name, renderer.text(key))
        for name, key in {**dialog, **texts.BOT_COMMANDS}.items()
    ]


async def register_commands(bot: Any) -> list[BaseException]:
    """The command menu in every language, so Telegram shows each user their own; all at once.
    Returns what went wrong, one error per menu that was not registered."""
    results = await asyncio.gather(
        bot.set_my_commands(command_menu("en")),
        *(
            bot.set_my_commands(command_menu(lang), language_code=menu_code(lang))
            for lang in menu_catalogs()
        ),
        return_exceptions=True,
    )
    return [result for result in results if isinstance(result, BaseException)]
