"""`besponsa-bot`: one entry point for the Telegram bot, the console chat, the `plan` command,
the `sources` command and `protocol check`.

With no sub-command it runs the Telegram bot when `TELEGRAM_BOT_TOKEN` is set and the console
chat otherwise, so that a new user sees the dialog without any set-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Literal


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="besponsa-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    protocol_help = "the site's protocol file (TOML, docs/protocol.md; default: BOT_PROTOCOL)"
    plan = commands.add_parser("plan", help="one JSON request on stdin, one JSON plan on stdout")
    plan.add_argument("--protocol", default=None, help=protocol_help)
    chat = commands.add_parser("chat", help="the guided dialog in this terminal")
    chat.add_argument("--protocol", default=None, help=protocol_help)
    chat.add_argument("--lang", default=None, help="language code, e.g. en, de, fr, ar")
    chat.add_argument(
        "--label", default=None, choices=("US", "EU"), help="label profile (default: BOT_LABEL)"
    )
    chat.add_argument(
        "--db", default=None, help="the bot's state database, for /verify (default: BOT_DB_PATH)"
    )
    chat.add_argument(
        "--db-url",
        default=None,
        help="the bot's PostgreSQL database, postgresql://… (default: BOT_DB_URL; wins over it)",
    )
    sources = commands.add_parser(
        "sources",
        help="the documents the rules cite per label profile, ruleset version and status (JSON)",
    )
    sources.add_argument("--protocol", default=None, help=protocol_help)
    protocol = commands.add_parser("protocol", help="the site's protocol file")
    protocol_commands = protocol.add_subparsers(dest="protocol_command", required=True)
    check = protocol_commands.add_parser(
        "check", help="validate a protocol file and print what it changes against the defaults"
    )
    check.add_argument("path")
    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    command = args.command or ("telegram" if os.environ.get("TELEGRAM_BOT_TOKEN") else "chat")
    if command == "protocol":
        from bot.protocol_command import run_protocol_check

        raise SystemExit(run_protocol_check(args.path, sys.stdout, sys.stderr))
    if command in ("plan", "sources", "chat"):
        from bot.protocol_command import protocol_or_exit

        protocol = protocol_or_exit(getattr(args, "protocol", None), sys.stderr)
    if command == "plan":
        from bot.plan_command import run_plan_command

        raise SystemExit(run_plan_command(sys.stdin, sys.stdout, protocol))
    if command == "sources":
        import json

        from bot.sources import sources_document

        document = sources_document(protocol)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        raise SystemExit(0)
    if command == "chat":
        from bot.console import open_console_store, run_console

        label = getattr(args, "label", None) or _site_label(protocol.site.label)
        store, hours = open_console_store(getattr(args, "db", None), getattr(args, "db_url", None))
        lang = getattr(args, "lang", None)
        raise SystemExit(
            run_console(
                sys.stdin,
                sys.stdout,
                lang=lang,
                label=label,
                store=store,
                ttl_hours=hours,
                protocol=protocol,
            )
        )
    from bot.app import run_telegram

    raise SystemExit(run_telegram())


def _site_label(protocol_label: Literal["US", "EU"] | None = None) -> Literal["US", "EU"]:
    """BOT_LABEL for the console, else the protocol's label; an unknown value is the default,
    the console has no setup."""
    value = os.environ.get("BOT_LABEL", "").strip().upper()
    if value in ("US", "EU"):
        return "EU" if value == "EU" else "US"
    return protocol_label or "US"


if __name__ == "__main__":
    main()
