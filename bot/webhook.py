"""Webhook mode: Telegram's POSTs in, updates onto the Application's queue.

PTB's own server (telegram/ext/_utils/webhookhandler.py in python-telegram-bot v22) answers a
body that is not JSON with 500, logs an update it cannot parse at CRITICAL with the whole
update (message text included) and a traceback, and takes bodies up to tornado's default of
100 MB. This one, over aiohttp's server (imported in webhook mode only, bot/app.py):

- a missing or wrong secret token (also one that is not text): 403, compared in constant
  time, nothing read further;
- a body over MAX_UPDATE_BYTES: 413, not read;
- a body that is not a JSON object (nested too deep to read included), or has no integer
  `update_id` that SQLite can store, or is not an update: 400;
- each refusal one short log line with the status and the reason, never the body;
- everything else is saved to the inbox (bot/inbox.py) and only then answered 200, and goes on
  the Application's update queue, where the gate (bot/gate.py) de-duplicates on update ids
  (a replayed update is answered once);
- an inbox that cannot save it: 500, so that Telegram delivers it again (its natural retry).

As in polling mode (bot/polling.py), an update leaves the inbox once handled, and what a crash
left there is handled first at the next start: a 200 means the update is saved, never lost.

A refused update is not retried by Telegram with another answer, so refusing is final: only
requests that cannot be a Bot API update are refused.

Several replicas on one PostgreSQL database (bot/failover.py), behind one address: every replica
receives, saving each update to the shared inbox (bot/pg_store.py) before its 200, and only the
active one handles, taking the inbox in update order (`_drain`): a chat's updates are handled in
order whichever replica received them. The webhook is set with `max_connections=1`, so Telegram
sends the next update only once the last one is saved: the inbox then fills in Telegram's order
(a commit takes about a millisecond, far below Telegram's send limit of about 30 messages/s).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram import Update

from bot import health
from bot.failover import LeadershipLost
from bot.health_server import add_routes
from bot.inbox import REPLAYED, Inbox, InboxUnavailable, attach, replay
from bot.storage import UpdateInbox
from bot.update_types import ALLOWED_UPDATES

logger = logging.getLogger(__name__)

#: A Telegram update is a few kilobytes (one message is at most 4096 characters, with its
#: entities and the message it replies to); anything far larger is not from Telegram.
MAX_UPDATE_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: The largest id SQLite stores as an integer (the inbox and the de-duplication key on it).
MAX_UPDATE_ID = 2**63 - 1
#: Telegram's simultaneous connections to the webhook of replicas sharing one inbox: one, so
#: that the shared inbox fills in Telegram's order (the module docstring). None: Telegram's
#: default (40), for one process.
SHARED_MAX_CONNECTIONS = 1
#: How often the active replica looks in the shared inbox for what the others received.
DRAIN_SECONDS = 0.05


class WebhookServer:
    """One POST route at `path`; start() listens, stop() closes the connections."""

    def __init__(
        self,
        application: Any,
        path: str,
        secret: str,
        max_body: int = MAX_UPDATE_BYTES,
        inbox: UpdateInbox | None = None,
        shared: bool = False,
        form_page: bool = False,
    ) -> None:
        """`inbox` None: one in memory (what is received is answered, but a crash loses what
        is queued, as with PTB's own webhook server). `shared`: the inbox is shared with other
        replicas; what is received is only saved, and handled by `activate`'s drain.
        `form_page`: also serve the Mini App form at /app/ (BOT_WEBAPP_URL set; bot/webapp.py)."""
        self.application = application
        self.shared = shared
        self._received = asyncio.Event()
        self._drainer: asyncio.Task[None] | None = None
        self.inbox = inbox if inbox is not None else Inbox(None)
        attach(application, self.inbox)
        self.readiness = health.readiness_of(application)
        self.readiness.mode = "webhook"
        self.path = "/" + path.lstrip("/")
        self.secret = secret.encode()
        self.max_body = max_body
        self.form_page = form_page
        self.processed = 0
        self._runner: web.AppRunner | None = None

    async def start(self, listen: str, port: int) -> None:
        if not self.shared:
            await replay(self.application, self.inbox)  # what a crash left: handled first
        app = web.Application(client_max_size=self.max_body)
        app.router.add_post(self.path, self._receive)
        add_routes(app, self.readiness)  # GET /healthz, /readyz, /metrics (bot/health_server.py)
        if self.form_page:
            from bot.webapp import add_form_routes

            add_form_routes(app)
        # No access log: the request line is enough to correlate, and it is logged below.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()

    def activate(
        self, leader: Any = None, lost: Callable[[LeadershipLost], None] = lambda error: None
    ) -> None:
        """This replica is the active one: it handles the shared inbox from now on; `lost` is
        called with the error if it stops being the active one (its lock lost:
        bot/failover.py)."""
        self._drainer = asyncio.create_task(self._drain(leader, lost))

    async def _drain(self, leader: Any, lost: Callable[[LeadershipLost], None]) -> None:
        """The shared inbox onto the update queue, in update order, each update once: what a
        dead replica left (maybe handled, maybe answered: the gate (bot/gate.py) sees its
        id in bot_data `REPLAYED`, as after a restart) and what any replica receives."""
        replayed: set[int] = self.application.bot_data.setdefault(REPLAYED, set())
        queued: set[int] = set()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._received.wait(), DRAIN_SECONDS)
            self._received.clear()
            try:
                if leader is not None:
                    leader.check()
            except LeadershipLost as error:
                lost(error)  # logged by bot/app.py, which exits 1: its supervisor restarts it
                return
            try:
                waiting = self.inbox.waiting()
            except InboxUnavailable:
                continue
            ids = set()
            for data in waiting:
                update_id = data["update_id"]
                ids.add(update_id)
                if update_id in queued:
                    continue
                queued.add(update_id)
                replayed.add(update_id)
                await self.application.update_queue.put(Update.de_json(data, self.application.bot))
            queued &= ids  # handled ones have left the inbox

    async def stop(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            await asyncio.gather(self._drainer, return_exceptions=True)
            self._drainer = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        try:
            given = request.headers.get(SECRET_HEADER, "").encode()
        except UnicodeEncodeError:  # bytes that are not UTF-8, kept by aiohttp as surrogates
            return _refuse(403, "secret token is not text")
        if not hmac.compare_digest(given, self.secret):
            return _refuse(403, "missing secret token" if not given else "wrong secret token")
        self.readiness.heard()
        if request.content_length is not None and request.content_length > self.max_body:
            return _refuse(413, f"body of {request.content_length} bytes")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, f"body over {self.max_body} bytes")
        try:
            data = json.loads(body)
        except ValueError:  # UnicodeDecodeError included
            return _refuse(400, "body is not JSON")
        except RecursionError:
            return _refuse(400, "body nested too deep")
        if not isinstance(data, dict):
            return _refuse(400, "body is not a JSON object")
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return _refuse(400, "no update_id")
        if not 0 <= update_id <= MAX_UPDATE_ID:
            return _refuse(400, "update_id out of range")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as error:  # its text may quote the update
            return _refuse(400, f"update {update_id} not readable ({type(error).__name__})")
        try:
            self.inbox.put([data])
        except InboxUnavailable as error:
            health.error("inbox_unavailable")
            logger.warning(
                "webhook update %d not saved (%s): 500, Telegram retries", update_id, error
            )
            return web.Response(status=500)
        health.received()
        if self.shared:
            self._received.set()  # handled by the active replica's drain
        else:
            await self.application.update_queue.put(update)
        self.processed += 1
        return web.Response(status=200)


async def _lead(leader: Any, stop: asyncio.Event) -> None:
    """Until this process holds the lock (or is stopped as a standby)."""
    acquired = asyncio.create_task(leader.acquire())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({acquired, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (acquired, stopped):
        task.cancel()
    await asyncio.gather(acquired, stopped, return_exceptions=True)


def _refuse(status: int, reason: str) -> web.Response:
    health.error("webhook_refused")
    logger.warning("webhook request refused with %d: %s", status, reason)
    return web.Response(status=status)


async def start_webhook(
    application: Any,
    *,
    listen: str,
    port: int,
    path: str,
    url: str,
    secret: str,
    inbox: UpdateInbox | None = None,
    shared: bool = False,
    form_page: bool = False,
) -> WebhookServer:
    """Listen first, then tell Telegram where to deliver (as PTB's Updater does)."""
    server = WebhookServer(
        application, path, secret, inbox=inbox, shared=shared, form_page=form_page
    )
    await server.start(listen, port)
    try:
        await application.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=SHARED_MAX_CONNECTIONS if shared else None,
        )
    except BaseException:
        await server.stop()
        raise
    return server


def run_webhook(application: Any, inbox: UpdateInbox, leader: Any = None, **where: Any) -> None:
    """The Application in webhook mode until SIGINT or SIGTERM, with its post_init/post_stop
    hooks, as `Application.run_webhook` runs them; `where`: start_webhook's listen, port,
    path, url, secret and form_page. `leader` (bot/failover.py): with several replicas on one
    PostgreSQL database, this one receives at once and handles once it holds the lock (the
    module docstring)."""
    asyncio.run(_serve(application, inbox, leader, **where))


async def _serve(application: Any, inbox: UpdateInbox, leader: Any, **where: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    lost: list[LeadershipLost] = []

    def stop_lost(error: LeadershipLost) -> None:
        lost.append(error)
        stop.set()

    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            server = await start_webhook(
                application, inbox=inbox, shared=leader is not None, **where
            )
            try:
                if leader is not None:
                    await _lead(leader, stop)
                    if not stop.is_set():
                        server.activate(leader, stop_lost)
                await stop.wait()
            finally:
                await server.stop()  # no new updates while the queue drains
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
    if lost:  # as in polling mode: a lost lock is an error exit, not a clean stop
        raise lost[0]
