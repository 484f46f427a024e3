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

from bot.sources import sources_text
from dialogs.dialog import handle_text, split_command, start
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Choice, Reply
from locales import closest_language
from rules.labels import DEFAULT_PROFILE, Profile

PROMPT = "> "
SOURCES_COMMAND = "/sources"


class ConsoleChat:
    """One conversation between this terminal and the dialog."""

    def __init__(
        self,
        out: TextIO,
        lang: str,
        today: Callable[[], dt.date] = dt.date.today,
        label: Profile = DEFAULT_PROFILE,
    ):
        self.out = out
        self.renderer = Renderer(lang)
        self.conversation = Conversation(lang=lang, site_label=label)
        self.today = today
        self.options: dict[str, Choice] = {}

    def greet(self) -> None:
        self.show(start(self.conversation))

    def answer(self, line: str) -> None:
        text = line.strip()
        choice = self.options.get(text.lower())
        if choice is not None:
            text = choice.value
        if split_command(text)[0] == SOURCES_COMMAND:
            # The transport's own command, as in Telegram: not the dialog's, which stays put.
            self.out.write(sources_text(self.renderer, self.conversation.label) + "\n\n")
            self.out.flush()
            return
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


def run_console(
    stdin: TextIO, stdout: TextIO, lang: str | None = None, label: Profile = DEFAULT_PROFILE
) -> int:
    logging.getLogger("transitions").setLevel(logging.WARNING)
    chat = ConsoleChat(stdout, closest_language(lang), label=label)
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
