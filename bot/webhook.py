"""Webhook mode: Telegram's POSTs in, updates onto the Application's queue.

PTB's own server (telegram/ext/_utils/webhookhandler.py in python-telegram-bot v22) answers a
body that is not JSON with 500, logs an update it cannot parse at CRITICAL with the whole
update (message text included) and a traceback, and takes bodies up to tornado's default of
100 MB. This one, over aiohttp's server (imported in webhook mode only, bot/app.py):

- a missing or wrong secret token: 403, compared in constant time, nothing read further;
- a body over MAX_UPDATE_BYTES: 413, not read;
- a body that is not a JSON object, or has no integer `update_id`, or is not an update: 400;
- each refusal one short log line with the status and the reason, never the body;
- everything else is saved to the inbox (bot/inbox.py) and only then answered 200, and goes on
  the Application's update queue, where the gate in bot/handlers.py de-duplicates on update ids
  (a replayed update is answered once);
- an inbox that cannot save it: 500, so that Telegram delivers it again (its natural retry).

As in polling mode (bot/polling.py), an update leaves the inbox once handled, and what a crash
left there is handled first at the next start: a 200 means the update is saved, never lost.

A refused update is not retried by Telegram with another answer, so refusing is final: only
requests that cannot be a Bot API update are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update

from bot.inbox import Inbox, InboxUnavailable, attach, replay
from bot.update_types import ALLOWED_UPDATES

logger = logging.getLogger(__name__)

#: A Telegram update is a few kilobytes (one message is at most 4096 characters, with its
#: entities and the message it replies to); anything far larger is not from Telegram.
MAX_UPDATE_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    """One POST route at `path`; start() listens, stop() closes the connections."""

    def __init__(
        self,
        application: Any,
        path: str,
        secret: str,
        max_body: int = MAX_UPDATE_BYTES,
        inbox: Inbox | None = None,
        form_page: bool = False,
    ) -> None:
        """`inbox` None: one in memory (what is received is answered, but a crash loses what
        is queued, as with PTB's own webhook server). `form_page`: also serve the Mini App
        form at /app/ (BOT_WEBAPP_URL set; bot/webapp.py)."""
        self.application = application
        self.inbox = inbox if inbox is not None else Inbox(None)
        attach(application, self.inbox)
        self.path = "/" + path.lstrip("/")
        self.secret = secret.encode()
        self.max_body = max_body
        self.form_page = form_page
        self.processed = 0
        self._runner: web.AppRunner | None = None

    async def start(self, listen: str, port: int) -> None:
        await replay(self.application, self.inbox)  # what a crash left: handled first
        app = web.Application(client_max_size=self.max_body)
        app.router.add_post(self.path, self._receive)
        if self.form_page:
            from bot.webapp import add_form_routes

            add_form_routes(app)
        # No access log: the request line is enough to correlate, and it is logged below.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return _refuse(403, "missing secret token" if not given else "wrong secret token")
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
        if not isinstance(data, dict):
            return _refuse(400, "body is not a JSON object")
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return _refuse(400, "no update_id")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as error:  # its text may quote the update
            return _refuse(400, f"update {update_id} not readable ({type(error).__name__})")
        try:
            self.inbox.put([data])
        except InboxUnavailable as error:
            logger.warning(
                "webhook update %d not saved (%s): 500, Telegram retries", update_id, error
            )
            return web.Response(status=500)
        await self.application.update_queue.put(update)
        self.processed += 1
        return web.Response(status=200)


def _refuse(status: int, reason: str) -> web.Response:
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
    inbox: Inbox | None = None,
    form_page: bool = False,
) -> WebhookServer:
    """Listen first, then tell Telegram where to deliver (as PTB's Updater does)."""
    server = WebhookServer(application, path, secret, inbox=inbox, form_page=form_page)
    await server.start(listen, port)
    try:
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    except BaseException:
        await server.stop()
        raise
    return server


def run_webhook(application: Any, inbox: Inbox, **where: Any) -> None:
    """The Application in webhook mode until SIGINT or SIGTERM, with its post_init/post_stop
    hooks, as `Application.run_webhook` runs them; `where`: start_webhook's listen, port,
    path, url, secret and form_page."""
    asyncio.run(_serve(application, inbox, **where))


async def _serve(application: Any, inbox: Inbox, **where: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            server = await start_webhook(application, inbox=inbox, **where)
            try:
                await stop.wait()
            finally:
                await server.stop()  # no new updates while the queue drains
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
