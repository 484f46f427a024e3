"""Bytes the state database keeps per plan (target ≤ 4 KB): the real bot, N chats each making
one plan with the quick form, against the Bot API emulator.

What a plan leaves: the chat's session (its answers and the last message sent, for a replay
after a crash), its language, the update ids seen, the check code's row (for a double check)
and the dose card's row (for its buttons and a share). The size is the database file's growth
from an empty database, after a checkpoint (the -wal emptied into it), divided by N; each
table's documents are shown too.

The worst case is the default: each plan in its own chat, the card the chat's last message
(the session keeps it whole for a replay after a crash). With `check`, each chat then asks for
the double check, as a plan meant to be checked does.

Run: .venv/bin/python bench/bench_storage.py [N [check]]   (default 300 plans)
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.config import load_settings
from bot.store import SessionStore
from botapi_emulator.emulator import BotApiEmulator

FIRST_CHAT = 10_000
TABLES = ("sessions", "receipts", "cards")


def entry(number: int) -> str:
    """A quick form with its own BSA, counts and dates, as on a ward."""
    bsa = f"{1.40 + (number % 90) / 100:.2f}"
    return (
        f"bsa={bsa} cycle={2 + number % 4} response=CR hsct=no anc={1 + number % 9 / 10:.1f} "
        f"plt={60 + number % 140} start=2026-12-{1 + number % 28:02d}"
    )


def size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    return int(pages * page)


def documents(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: int(
                conn.execute(f"SELECT coalesce(sum(length(document)), 0) FROM {table}").fetchone()[
                    0
                ]
            )
            for table in TABLES
        }


async def measure(plans: int, folder: Path, check: bool) -> dict[str, Any]:
    db = folder / "state.sqlite3"
    async with BotApiEmulator() as emulator:
        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": emulator.token,
                "TELEGRAM_API_BASE_URL": emulator.base_url,
                "BOT_DB_PATH": str(db),
            }
        )
        store = SessionStore(db, ttl=settings.ttl)
        store.close()
        empty = size(db)
        store = SessionStore(db, ttl=settings.ttl)
        application = build_application(settings, store, retry_delay=0.01, rate_limit=False)
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            for number in range(plans):
                chat = FIRST_CHAT + number
                await emulator.send_text(chat, entry(number))
                if check:
                    await emulator.send_text(chat, "/check")
            for number in range(plans):
                await emulator.wait_for_messages(FIRST_CHAT + number, 1 + check, timeout=120)
            await emulator.wait_idle(0.5, timeout=120)
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
            await application.shutdown()
            store.close()  # checkpoints: the -wal is in the file
    with sqlite3.connect(db) as conn:
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        try:
            pages = dict(conn.execute("SELECT name, count(*) FROM dbstat GROUP BY name").fetchall())
        except sqlite3.Error:
            pages = {}
    counts = {"receipts": 0, "cards": 0, "sessions": 0}
    with sqlite3.connect(db) as conn:
        for table in counts:
            counts[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return {
        "bytes": size(db) - empty,
        "documents": documents(db),
        "rows": counts,
        "free": free,
        "pages": pages,
    }


def main() -> None:
    plans = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    check = len(sys.argv) > 2 and sys.argv[2] == "check"
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(plans, Path(folder), check))
    per_plan = result["bytes"] / plans
    last = "a double check asked for" if check else "the card the last message (a replay's copy)"
    print(f"{plans} plans, each in its own chat, {last}")
    print(f"database growth: {result['bytes']:,} bytes, {per_plan / 1024:.2f} KB per plan")
    for table, total in result["documents"].items():
        rows = result["rows"].get(table, 0)
        print(f"  {table}: {rows} rows, documents {total / plans:,.0f} bytes per plan")
    print(f"  free pages: {result['free']}; pages per table and index: {result['pages']}")
    print(f"target: ≤ 4 KB per plan: {'met' if per_plan <= 4096 else 'NOT met'}")


if __name__ == "__main__":
    main()
