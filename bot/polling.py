"""Polling mode: an update is confirmed to Telegram only once it has been handled.

PTB's Updater confirms a batch (getUpdates `offset` = its last id + 1) when it fetches the
next one, before the batch's updates have been handled; a SIGKILL or power cut in between
loses them (Telegram never delivers a confirmed update again). Here the offset sent is the
lowest id not yet handled, so an update whose answer's state was not saved, and sent, is
delivered again after a restart. Handling an update twice is harmless: the de-dup table of
bot/store.py (`mark_update_seen`, checked first by the gate in bot/handlers.py) drops it.

Telegram's offset confirms every id below it, so one slow update holds back the confirmation
of everything after it; the updates already fetched come back in each getUpdates answer and are
skipped here. Since Telegram answers at once while there is anything unconfirmed, the loop then
waits for progress (or POLL_PAUSE) instead of spinning. getUpdates returns at most 100 updates:
with more than 100 fetched behind one unfinished update, new ones wait for it.

Everything else (handlers, the update processor, stop signals, post_init/post_stop) stays
python-telegram-bot's `Application`; only its Updater is not started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot.ordering import ChatOrderedProcessor
from bot.update_types import ALLOWED_UPDATES

logger = logging.getLogger(__name__)

LONG_POLL_SECONDS = 10
POLL_PAUSE = 0.05  # while updates are in hand and nothing new came: wait this long, at most
BATCH = 100  # the Bot API's maximum
ERROR_PAUSE_MAX = 30.0

App = Any  # telegram.ext.Application, generic in six types


class ConfirmingPoller:
    """getUpdates in a loop; each update goes to `application.update_queue` once, and the
    offset moves past it only when the update processor says it was handled."""

    def __init__(self, application: App, timeout: int = LONG_POLL_SECONDS) -> None:
        processor = application.update_processor
        if not isinstance(processor, ChatOrderedProcessor):
            raise TypeError("ConfirmingPoller needs ChatOrderedProcessor to learn what is handled")
        processor.on_handled = self.handled
        self.application, self.timeout = application, timeout
        self._unhandled: set[int] = set()  # fetched, queued, not yet handled
        self._next = 0  # one more than the highest id fetched (0: nothing fetched yet)
        self._progress = asyncio.Event()
        self._stopping = asyncio.Event()

    @property
    def offset(self) -> int:
        """What Telegram may forget: every id below the lowest unhandled one."""
        return min(self._unhandled) if self._unhandled else self._next

    def handled(self, update: object) -> None:
        update_id = getattr(update, "update_id", None)
        if update_id in self._unhandled:
            self._unhandled.discard(update_id)
            self._progress.set()

    async def run(self) -> None:
        bot, pause = self.application.bot, 1.0
        await bot.delete_webhook()  # getUpdates is refused while a webhook is set
        while not self._stopping.is_set():
            waiting = bool(self._unhandled)
            self._progress.clear()
            try:
                updates = await bot.get_updates(
                    offset=self.offset or None,
                    limit=BATCH,
                    timeout=0 if waiting else self.timeout,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except InvalidToken:
                raise
            except RetryAfter as error:
                await self._pause(float(_seconds(error.retry_after)))
                continue
            except TelegramError as error:  # Conflict (another poller) and network failures too
                # The class name only: the text may quote the request, and with it the token.
                name = type(error).__name__
                logger.warning("getUpdates failed (%s); retrying in %.0f s", name, pause)
                await self._pause(pause)
                pause = min(pause * 2, ERROR_PAUSE_MAX)
                continue
            pause = 1.0
            fresh = [update for update in updates if update.update_id >= self._next]
            for update in fresh:
                self._unhandled.add(update.update_id)
                self._next = update.update_id + 1
                await self.application.update_queue.put(update)
            if not fresh and self._unhandled:
                await self._wait_for_progress()

    async def _wait_for_progress(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), POLL_PAUSE)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    @property
    def stopping(self) -> asyncio.Event:
        return self._stopping

    def stop(self) -> None:
        self._stopping.set()

    async def confirm(self) -> None:
        """After the Application stopped (every queued update handled): tell Telegram."""
        if self._next:
            with contextlib.suppress(TelegramError):
                await self.application.bot.get_updates(
                    offset=self.offset, limit=1, timeout=0, allowed_updates=ALLOWED_UPDATES
                )


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def run_polling(application: App) -> None:
    """`Application.run_polling`, with ConfirmingPoller in place of PTB's Updater."""
    asyncio.run(_run(application))


async def _run(application: App) -> None:
    poller = ConfirmingPoller(application)
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, poller.stop)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        polling = asyncio.create_task(poller.run())
        stopped = asyncio.create_task(poller.stopping.wait())
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        poller.stop()
        for task in (polling, stopped):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stopped
        failure = None if polling.cancelled() else polling.exception()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(polling, return_exceptions=True)
        await application.stop()  # handles what is queued
        await poller.confirm()
        if application.post_stop:
            await application.post_stop(application)
    finally:
        await application.shutdown()
    if failure is not None:
        raise failure
