"""The dialog in a terminal: what a new user sees with no Telegram token.

Buttons become numbered options (lettered where a typed number is itself an answer). Piped
input is answered line by line and the program ends with the input, so
`echo "bsa=1.8 cycle=2 response=CR" | besponsa-bot chat` prints a plan and exits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import string
import sys
from collections.abc import Callable
from typing import TextIO

from bot.config import ConfigError, load_settings
from dialogs.dialog import handle_text, start
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Choice, Reply
from dialogs.units import set_site_ulns
from locales import closest_language

PROMPT = "> "


class ConsoleChat:
    """One conversation between this terminal and the dialog."""

    def __init__(self, out: TextIO, lang: str, today: Callable[[], dt.date] = dt.date.today):
        self.out = out
        self.renderer = Renderer(lang)
        self.conversation = Conversation(lang=lang)
        self.today = today
        self.options: dict[str, Choice] = {}

    def greet(self) -> None:
        self.show(start(self.conversation))

    def answer(self, line: str) -> None:
        text = line.strip()
        choice = self.options.get(text.lower())
        if choice is not None:
            text = choice.value
        self.show(handle_text(self.conversation, text, self.today()))

    def show(self, replies: list[Reply]) -> None:
        self.options = {}
        for reply in replies:
            self.out.write(self.renderer.reply(reply) + "\n")
            if reply.choices:
                self.out.write(self._options(reply) + "\n")
        self.out.write("\n")
        self.out.flush()

    def _options(self, reply: Reply) -> str:
        marks = string.ascii_lowercase if reply.numeric else [str(i) for i in range(1, 100)]
        items = []
        for mark, choice in zip(marks, reply.choices, strict=False):
            self.options[mark] = choice
            items.append(f"{mark}) {self.renderer.choice(choice)}")
        rows = [items[i : i + 4] for i in range(0, len(items), 4)]
        return "\n".join("   " + "   ".join(row) for row in rows)


def run_console(stdin: TextIO, stdout: TextIO, lang: str | None = None) -> int:
    logging.getLogger("transitions").setLevel(logging.WARNING)
    # Only the site's ULNs: the console needs no token and no other setting.
    ulns = {key: value for key, value in os.environ.items() if key.upper().startswith("BOT_ULN_")}
    try:
        set_site_ulns(load_settings(ulns).site_ulns)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    chat = ConsoleChat(stdout, closest_language(lang))
    interactive = stdin.isatty()
    if interactive:
        chat.greet()
    try:
        while True:
            if interactive:
                stdout.write(PROMPT)
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            if line.strip():
                chat.answer(line)
    except KeyboardInterrupt:
        stdout.write("\n")
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as command-line tools do.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
