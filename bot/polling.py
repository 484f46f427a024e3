"""Polling mode: an update is confirmed to Telegram only once it is saved.

PTB's Updater confirms a batch (getUpdates `offset` = its last id + 1) when it fetches the
next one, before the batch's updates have been handled; a SIGKILL or power cut in between
loses them (Telegram never delivers a confirmed update again). Here each batch is saved to the
inbox (bot/inbox.py) before the next getUpdates confirms it, and an update leaves the inbox
only once the update processor reports it handled: its state saved and its answer sent. After
a crash the inbox is handled first, its ids handed to the gate (bot/gate.py, bot_data
`REPLAYED`): such an update already seen (bot/store.py `mark_update_seen`) is not applied twice,
but the last message of its answer, saved with the state, is sent again, since it may not have
been sent; one seen but whose state was not saved is handled. Any other update seen before
(Telegram delivering again what was handled, a webhook replay) is dropped: it was answered.

Confirming handled updates only, without an inbox, does not work with Telegram's offset: one
chat's backlog would hold back the confirmation of every update after it, and since getUpdates
returns 100 updates at most, a chat that sends 100 at once would hide everyone else's.

Everything else (handlers, the update processor, post_init/post_stop) stays python-telegram-
bot's `Application`; only its Updater is not started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot import health
from bot.inbox import InboxUnavailable, attach, replay
from bot.storage import UpdateInbox
from bot.transport import retry_after_seconds
from bot.update_types import ALLOWED_UPDATES

logger = logging.getLogger(__name__)

LONG_POLL_SECONDS = 10
BATCH = 100  # the Bot API's maximum
ERROR_PAUSE_MAX = 30.0

App = Any  # telegram.ext.Application, generic in six types
Leader = Any  # bot/failover.py Leadership: imported only with PostgreSQL


class ConfirmingPoller:
    """getUpdates in a loop: each batch into the inbox, then to `application.update_queue`;
    the next getUpdates confirms it; the update processor's report takes it out of the inbox."""

    def __init__(
        self,
        application: App,
        inbox: UpdateInbox,
        timeout: int = LONG_POLL_SECONDS,
        leader: Leader | None = None,
    ) -> None:
        """`leader`: with several processes on one database (bot/failover.py), polling begins
        once this process holds its lock, and stops with an error if the lock is lost."""
        attach(application, inbox)
        self.application, self.inbox, self.timeout = application, inbox, timeout
        self.leader = leader
        self.readiness = health.readiness_of(application)
        self._next = 0  # one more than the highest id saved (0: none yet): the offset to send
        self._stopping = asyncio.Event()
        #: run(), once confirming_polling started it.
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        bot, pause = self.application.bot, 1.0
        if self.leader is not None:
            await self.leader.acquire()  # a standby waits here, everything else started
        # Left by a crash: handled first, in order; the first getUpdates confirms them.
        self._next = max(self._next, await replay(self.application, self.inbox))
        await bot.delete_webhook()  # getUpdates is refused while a webhook is set
        while not self._stopping.is_set():
            if self.leader is not None:
                self.leader.check()
            try:
                updates = await bot.get_updates(
                    offset=self._next or None,
                    limit=BATCH,
                    timeout=self.timeout,
                    allowed_updates=ALLOWED_UPDATES,
                )
                fresh = [update for update in updates if update.update_id >= self._next]
                self.inbox.put([update.to_dict() for update in fresh])
                health.received(len(fresh))
                self.readiness.heard()
            except InvalidToken:
                raise
            except RetryAfter as error:
                await self._pause(retry_after_seconds(error))
                continue
            except (TelegramError, InboxUnavailable) as error:
                # Not saved, so not confirmed: Telegram sends these again. The class name only:
                # the text may quote the request, and with it the token.
                name = type(error).__name__
                health.error("get_updates_failed")
                logger.warning("getUpdates failed (%s); retrying in %.0f s", name, pause)
                await self._pause(pause)
                pause = min(pause * 2, ERROR_PAUSE_MAX)
                continue
            pause = 1.0
            for update in fresh:
                self._next = update.update_id + 1
                await self.application.update_queue.put(update)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def until_stopped(self) -> None:
        """Until stop() is called or the loop ends (a failure, such as an invalid token)."""
        assert self.task is not None
        stopped = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({self.task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        await asyncio.gather(stopped, return_exceptions=True)

    def stop(self) -> None:
        self._stopping.set()

    async def confirm(self) -> None:
        """On the way out: tell Telegram about the last batch, which is saved."""
        if self._next:
            with contextlib.suppress(TelegramError):
                await self.application.bot.get_updates(
                    offset=self._next, limit=1, timeout=0, allowed_updates=ALLOWED_UPDATES
                )


def run_polling(application: App, inbox: UpdateInbox, leader: Leader | None = None) -> None:
    """`Application.run_polling`, with ConfirmingPoller in place of PTB's Updater."""
    asyncio.run(_run(application, inbox, leader))


async def _run(application: App, inbox: UpdateInbox, leader: Leader | None) -> None:
    async with confirming_polling(application, inbox, leader=leader) as poller:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, poller.stop)
        await poller.until_stopped()


@contextlib.asynccontextmanager
async def confirming_polling(
    application: App,
    inbox: UpdateInbox,
    timeout: int = LONG_POLL_SECONDS,
    *,
    leader: Leader | None = None,
) -> AsyncIterator[ConfirmingPoller]:
    """The application started and polling for as long as the block runs; on the way out (or
    when the loop fails) it stops polling, handles what is queued, confirms the last batch and
    shuts down, in that order, and raises the loop's failure, if any. The one start-and-stop
    sequence: the bot (`run_polling`), the tests and bench/ all use it."""
    poller = ConfirmingPoller(application, inbox, timeout, leader)
    await application.initialize()
    try:
        # Polling before post_init, which waits for the handlers' imports (bot/app.py): what
        # arrives is saved in the inbox and waits in the update queue for application.start().
        poller.task = task = asyncio.create_task(poller.run())
        try:
            if application.post_init:
                await application.post_init(application)
            await application.start()
            yield poller
        finally:
            poller.stop()
            task.cancel()
            # Finished only after this: a cancelled task has no result to ask for until it
            # has run its cancellation (asking earlier raises InvalidStateError).
            await asyncio.gather(task, return_exceptions=True)
            if application.running:
                await application.stop()  # handles what is queued
            await poller.confirm()
            if leader is not None:
                leader.release()  # a standby takes over at once
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
    failure = None if task.cancelled() else task.exception()
    if failure is not None:
        raise failure
