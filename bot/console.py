"""The dialog in a terminal: what a new user sees with no Telegram token.

Buttons become options marked by letters, the same at every step (a typed number is always an
answer, never an option). Piped
input is answered line by line and the program ends with the input, so
`echo "bsa=1.8 cycle=2 response=CR" | besponsa-bot chat` prints a plan and exits.

With the bot's state database (`--db PATH` or BOT_DB_PATH; `--db-url` or BOT_DB_URL for
PostgreSQL, as for the bot) the console keeps its plans' receipts and makes double checks:
`/verify K7QM-2XPA` at a pharmacy workstation checks a plan made in Telegram. The console is
chat 0 of that database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import string
import sys
from collections.abc import Callable
from typing import TextIO

from bot import receipts
from bot.config import ConfigError, load_settings
from bot.protocol_file import site_ulns
from bot.sources import sources_text
from bot.storage import StateStore, StoreUnavailable
from bot.texts import unavailable_text
from dialogs import messages as m
from dialogs import verify
from dialogs.dialog import handle_text, split_command, start, start_verify
from dialogs.machine import Conversation
from dialogs.render import Renderer
from dialogs.replies import Choice, Reply
from dialogs.site_protocol import set_site_protocol
from dialogs.units import set_site_ulns
from locales import closest_language
from rules.labels import DEFAULT_PROFILE, Profile
from rules.protocol import DEFAULT_PROTOCOL, Protocol

PROMPT = "> "
#: What only the console says (gettext msgids): its help names no button, and how to leave.
CONSOLE_HELP = m.N_(
    "Answer each question, or type the letter of an option. Commands: /back (previous "
    "question), /new (new patient), /cancel (stop), /help; /quit or Ctrl-D leaves. After a "
    "plan, send one change such as plt 40 to get the new plan.\n"
    "Quick form: everything in one message, in any order, e.g. {example}\n"
    "Its keys, each with an example:\n"
    "{keys}"
)
CONSOLE_LEAVE = m.N_("Type /quit or press Ctrl-D to leave.")
#: Typed to leave, as Ctrl-D does (said at the start and in /help).
QUIT_COMMANDS = frozenset(("/quit", "/exit"))
#: Letters that are answers when typed alone (yes/no: y j s n; sex in some language: f m h v
#: w; "n" also normal), so never an option's mark.
ANSWER_LETTERS = frozenset("fhjmnsvwy")
_LETTERS = [letter for letter in string.ascii_lowercase if letter not in ANSWER_LETTERS]
#: Options are marked the same way at every step: by letters, which no step reads as a number
#: (a typed "2" is always the answer 2), then by pairs of letters for a long list.
OPTION_MARKS = _LETTERS + [first + second for first in _LETTERS for second in _LETTERS]
SOURCES_COMMAND = "/sources"
CONSOLE_CHAT = 0
#: The verifier's name told to the chat that asked for the check.
CONSOLE_NAME = "console"


class ConsoleChat:
    """One conversation between this terminal and the dialog."""

    def __init__(
        self,
        out: TextIO,
        lang: str,
        today: Callable[[], dt.date] = dt.date.today,
        label: Profile = DEFAULT_PROFILE,
        store: StateStore | None = None,
        ttl_hours: int = 12,
    ):
        self.out = out
        self.store = store
        self.ttl_hours = ttl_hours
        self.renderer = Renderer(lang)
        self.conversation = Conversation(lang=lang, site_label=label)
        self.today = today
        self.options: dict[str, Choice] = {}

    def greet(self) -> None:
        self.show(start(self.conversation))
        self.out.write(self.renderer.text(CONSOLE_LEAVE) + "\n\n")
        self.out.flush()

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
        name, argument = split_command(text) if text.startswith("/") else ("", "")
        if name == "/verify":
            self.show(self._verify(argument))
            return
        self.show(self._settled(handle_text(self.conversation, text, self.today())))

    def _verify(self, argument: str) -> list[Reply]:
        if self.store is None:
            return [Reply("problem", verify.VERIFY_NO_STORE)]
        try:
            begun = receipts.begin(self.store, CONSOLE_CHAT, argument, self.ttl_hours)
        except StoreUnavailable as error:
            return [Reply("problem", unavailable_text(error))]
        if isinstance(begun, Reply):
            return [begun]
        return self._settled(start_verify(self.conversation, begun))

    def _settled(self, replies: list[Reply]) -> list[Reply]:
        """Receipts kept and checks compared, when the console has the bot's database.

        The console sends nothing to Telegram: the outcome of a check made here is shown in
        this terminal only, and a check asked for here is not reported anywhere else.
        """
        if self.store is None:
            return [
                Reply("problem", verify.VERIFY_NO_STORE) if reply.kind == "check" else reply
                for reply in replies
            ]
        try:
            settled, _ = receipts.settle(
                self.store, CONSOLE_CHAT, replies, self.ttl_hours, CONSOLE_NAME, self.conversation
            )
        except StoreUnavailable as error:
            return [*replies, Reply("problem", unavailable_text(error))]
        return settled

    def show(self, replies: list[Reply]) -> None:
        self.options = {}
        for reply in replies:
            if reply.key == m.HELP:
                reply = dataclasses.replace(reply, key=CONSOLE_HELP)
            self.out.write(self.renderer.reply(reply) + "\n")
            if reply.choices:
                self.out.write(self._options(reply) + "\n")
        self.out.write("\n")
        self.out.flush()

    def _options(self, reply: Reply) -> str:
        marks = OPTION_MARKS
        # Marks go on across the replies of one turn (an ambiguous value's readings, then the
        # question's options), so that no mark means two things.
        marks = [mark for mark in marks if mark not in self.options]
        items = []
        for mark, choice in zip(marks, reply.choices, strict=False):
            self.options[mark] = choice
            items.append(f"{mark}) {self.renderer.choice(choice)}")
        rows = [items[i : i + 4] for i in range(0, len(items), 4)]
        return "\n".join("   " + "   ".join(row) for row in rows)


def run_console(
    stdin: TextIO,
    stdout: TextIO,
    lang: str | None = None,
    label: Profile = DEFAULT_PROFILE,
    store: StateStore | None = None,
    ttl_hours: int = 12,
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> int:
    logging.getLogger("transitions").setLevel(logging.WARNING)
    # Only the site's ULNs: the console needs no token and no other setting.
    ulns = {key: value for key, value in os.environ.items() if key.upper().startswith("BOT_ULN_")}
    try:
        # The protocol's ULNs, each BOT_ULN_* winning (bot/protocol_file.py).
        set_site_ulns(site_ulns(load_settings(ulns), protocol))
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    set_site_protocol(protocol)
    chat = ConsoleChat(
        stdout, closest_language(lang), label=label, store=store, ttl_hours=ttl_hours
    )
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
            if line.strip().lower() in QUIT_COMMANDS:
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


def open_console_store(
    path: str | None, db_url: str | None = None
) -> tuple[StateStore | None, int]:
    """The bot's state database when one is named (`--db-url`, else BOT_DB_URL: PostgreSQL;
    `--db`, else BOT_DB_PATH: SQLite), with the bot's TTL; None otherwise, so that a plain
    console chat writes no file."""
    from bot.config import load_settings

    settings = load_settings()
    hours = settings.bot_state_ttl_hours
    url = db_url or (settings.bot_db_url.get_secret_value() if settings.bot_db_url else None)
    if db_url is not None or (url is not None and path is None):
        from bot.storage import is_postgresql

        if url is None or not is_postgresql(url):
            raise SystemExit("configuration error: --db-url: a postgresql:// URL expected")
        from bot.pg_store import PgSessionStore

        return PgSessionStore(url, ttl=settings.ttl, open_later=True), hours
    if path is None and not os.environ.get("BOT_DB_PATH"):
        return None, hours
    from bot.store import SessionStore

    return SessionStore(path or settings.bot_db_path, ttl=settings.ttl, open_later=True), hours
