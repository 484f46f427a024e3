"""Updates of different chats run concurrently; updates of one chat run one at a time, in order.

Handling updates one at a time makes every clinician wait for every other clinician's round
trips to Telegram. Running them all at once would let two quick messages of one chat overtake
each other: the second answer could be computed from a conversation the first has not saved
yet, or arrive before the first. So the processor keeps a FIFO lock per chat around the whole
handling of an update, sending included.

Order within a chat relies on two FIFO queues: the Application starts one task per update in
the order Telegram delivered them, and asyncio's Semaphore and Lock wake their waiters in
arrival order (CPython 3.11 and later, python/cpython#93222).

An update waiting for its chat's lock holds one of the MAX_CONCURRENT_UPDATES slots, so a chat
that floods the bot can slow the others while its backlog lasts (the allowlist is checked
inside the update, after the slot is taken); Telegram limits how fast one user can send.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # A chat's lock lives only while an update of that chat is being handled or waits.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to allocate: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: locks go with the last update that holds them."""


def _chat_key(update: object) -> int | None:
    """The chat an update belongs to, else its user (an inline query has no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
