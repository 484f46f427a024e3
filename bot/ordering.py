"""Updates of different chats run concurrently; updates of one chat run one at a time, in order;
one chat's burst never takes the others' turn.

Handling updates one at a time makes every clinician wait for every other clinician's round
trips to Telegram. Running them all at once would let two quick messages of one chat overtake
each other: the second answer could be computed from a conversation the first has not saved
yet, or arrive before the first. So the processor keeps a FIFO lock per chat around the whole
handling of an update, sending included.

The guarantee, for updates handed over in the order Telegram delivered them:
- one chat's updates run one at a time and in delivery order;
- at most `max_concurrent_updates` updates run at once, and a slot is taken only once the
  update's chat has its turn: a chat's backlog waits on its own lock, not on the shared slots,
  so however many messages one chat sends, it holds at most one slot;
- a chat has at most `max_backlog` updates waiting or running. Later ones are not handled at
  all (so the dialog only ever sees a prefix of what was sent, in order) and the chat is told
  once per burst, by `overflowed`, to send them again;
- updates that `refused` picks out (users not on the allowlist) are handled at once, before
  they could queue behind anyone, one at a time per chat; more of them meanwhile are dropped.

PTB's `BaseUpdateProcessor.process_update` takes its own semaphore before `do_process_update`,
that is before the chat's turn, so it is given no limit and this class keeps the real one.
Order relies on asyncio's Lock and Semaphore waking their waiters in arrival order (CPython
3.11 and later, python/cpython#93222) and on the Application starting one task per update in
delivery order.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import health

MAX_CONCURRENT_UPDATES = 64
#: A guided dialog is eight messages and the quick form one; twenty unanswered messages of one
#: chat is a paste or a stuck key, not a clinician answering questions.
MAX_CHAT_BACKLOG = 20


@dataclass
class _Chat:
    """One chat's turn: the lock its updates queue on, how many wait or run, whether this
    burst's overflow was already told."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0
    told: bool = False


async def _ignore(update: object) -> None:
    """No overflow notice: the surplus is dropped silently."""


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        max_backlog: int = MAX_CHAT_BACKLOG,
        *,
        refused: Callable[[object], bool] = lambda update: False,
        overflowed: Callable[[object], Awaitable[None]] = _ignore,
    ) -> None:
        if max_concurrent_updates < 1 or max_backlog < 1:
            raise ValueError("limits must be positive")
        # PTB's semaphore, sized from this property while _limit is unset, is taken before
        # the chat's turn: it gets no limit.
        super().__init__(sys.maxsize)
        self._limit, self._max_backlog = max_concurrent_updates, max_backlog
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._running = 0
        self._refused, self._overflowed = refused, overflowed
        # A chat is here only while one of its updates waits or runs.
        self._chats: dict[int, _Chat] = {}
        self._refusing: set[int] = set()
        #: Told of every update once it is handled, dropped or refused (bot/polling.py
        #: confirms it to Telegram then).
        self.on_handled: Callable[[object], None] | None = None

    @property
    def max_concurrent_updates(self) -> int:
        return getattr(self, "_limit", sys.maxsize)

    @property
    def current_concurrent_updates(self) -> int:
        return self._running

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key, started = _chat_key(update), time.perf_counter()
        try:
            if key is None:
                await self._in_slot(coroutine)
            elif self._refused(update):
                await self._refuse(key, coroutine)
            else:
                await self._in_turn(key, update, coroutine)
        finally:
            health.handled(time.perf_counter() - started)
            if self.on_handled is not None:
                self.on_handled(update)

    async def _in_turn(self, key: int, update: object, coroutine: Awaitable[Any]) -> None:
        chat = self._chats.setdefault(key, _Chat())
        if chat.pending >= self._max_backlog:
            _discard(coroutine)
            if not chat.told:
                chat.told = True
                await self._overflowed(update)
            return
        chat.pending += 1
        try:
            async with chat.lock:
                await self._in_slot(coroutine)
        finally:
            chat.pending -= 1
            if chat.pending == 0:
                del self._chats[key]  # the burst is over; the next overflow is told again

    async def _in_slot(self, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            self._running += 1
            try:
                await coroutine
            finally:
                self._running -= 1

    async def _refuse(self, key: int, coroutine: Awaitable[Any]) -> None:
        if key in self._refusing:
            _discard(coroutine)
            return
        self._refusing.add(key)
        try:
            await coroutine
        finally:
            self._refusing.discard(key)

    async def initialize(self) -> None:
        """Nothing to allocate: a chat's turn is made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: a chat's turn goes with its last update."""


def _discard(coroutine: Awaitable[Any]) -> None:
    """An update not handled: its coroutine was never started, so close it (no warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


def _chat_key(update: object) -> int | None:
    """The chat an update belongs to, else its user (an inline query has no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def not_allowed(allowed_users: frozenset[int]) -> Callable[[object], bool]:
    """`refused` for an allowlist (BOT_ALLOWED_USERS; empty: everyone may use the bot). The
    gate (bot/gate.py) still answers them; this only keeps them from queueing."""

    def refused(update: object) -> bool:
        user = update.effective_user if isinstance(update, Update) else None
        return bool(allowed_users) and user is not None and user.id not in allowed_users

    return refused
