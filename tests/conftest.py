"""Shared fixtures: the local Bot API emulator."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Iterator

import pytest

from botapi_emulator.emulator import BotApiEmulator


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu
    assert_every_plan_reads_back(emu)


_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069"))


def _shown(lang: str, key: str, values: dict[str, str]) -> str:
    """A message's text before its first value, as the client shows it."""
    from dialogs.render import Renderer

    text = Renderer(lang).text(key, values).translate(_INVISIBLE)
    return text.split("\x00", 1)[0].strip()


@functools.cache
def _plan_headers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A plan card's first line begins with its decision (dialogs/render.py, DECISION), its
    second with the read-back (READ_BACK), in every language."""
    from dialogs.render import DECISION, READ_BACK
    from locales import LANGUAGES

    decisions = tuple(
        _shown(lang, key, {"cycle": "\x00"}) for lang in LANGUAGES for key in DECISION.values()
    )
    return decisions, tuple(_shown(lang, READ_BACK, {"items": "\x00"}) for lang in LANGUAGES)


def assert_every_plan_reads_back(emulator: BotApiEmulator) -> None:
    """The read-back appears in every plan of the e2e tests, in each language: the
    line after a card's decision says what the plan used."""
    decisions, read_backs = _plan_headers()
    for chat, messages in emulator._bot_messages.items():
        for message in messages.values():
            lines = (message.get("plain_text") or "").translate(_INVISIBLE).split("\n")
            if not lines[0].strip().startswith(decisions):
                continue
            second = lines[1].strip() if len(lines) > 1 else ""
            assert second.startswith(read_backs), (chat, lines[:3])


# PostgreSQL (tests/pg_server.py): one cluster per session, started at the first test that asks.


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """The session's throwaway PostgreSQL; skipped with one reason if it cannot be started,
    failed under CI=true, where .ci/run installs it."""
    try:
        import psycopg  # noqa: F401

        from tests.pg_server import start_cluster

        cluster = start_cluster()
    except (ImportError, RuntimeError, OSError) as error:
        reason = f"PostgreSQL cannot be started here: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield cluster
    cluster.close()


@pytest.fixture
def pg_url(pg_cluster: object) -> str:
    """A fresh database of the session's cluster, for one test."""
    from tests.pg_server import PgCluster

    assert isinstance(pg_cluster, PgCluster)
    return pg_cluster.database()
