"""Shared fixtures: the local Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from botapi_emulator.emulator import BotApiEmulator


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu
