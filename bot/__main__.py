"""`besponsa-bot`: one entry point for the Telegram bot, the console chat and the `plan` command.

With no sub-command it runs the Telegram bot when `TELEGRAM_BOT_TOKEN` is set and the console
chat otherwise, so that a new user sees the dialog without any set-up.
"""

from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="besponsa-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("plan", help="one JSON request on stdin, one JSON plan on stdout")
    chat = commands.add_parser("chat", help="the guided dialog in this terminal")
    chat.add_argument("--lang", default=None, help="language code, e.g. en, de, fr, ar")
    chat.add_argument(
        "--db", default=None, help="the bot's state database, for /verify (default: BOT_DB_PATH)"
    )
    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    command = args.command or ("telegram" if os.environ.get("TELEGRAM_BOT_TOKEN") else "chat")
    if command == "plan":
        from bot.plan_command import run_plan_command

        raise SystemExit(run_plan_command(sys.stdin, sys.stdout))
    if command == "chat":
        from bot.console import open_console_store, run_console

        store, hours = open_console_store(getattr(args, "db", None))
        lang = getattr(args, "lang", None)
        raise SystemExit(
            run_console(sys.stdin, sys.stdout, lang=lang, store=store, ttl_hours=hours)
        )
    from bot.app import run_telegram

    raise SystemExit(run_telegram())


if __name__ == "__main__":
    main()
