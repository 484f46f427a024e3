"""GET /healthz, /readyz and /metrics over aiohttp: on the webhook server's port in webhook mode
(bot/webhook.py adds `add_routes`), and on BOT_HEALTH_PORT (127.0.0.1 unless
BOT_HEALTH_HOST says otherwise) in either mode (`HealthServer`, started by bot/app.py's
post_init, once aiohttp is loaded).

- /healthz: 200 "ok" while the event loop answers; nothing else is asked.
- /readyz: 200 or 503, with a small JSON of the checks (bot/health.py `Readiness.report`).
- /metrics: the Prometheus text (bot/metrics.py, which loads prometheus-client at the first
  scrape).

None of them logs a request (no access log) or shows a value from a chat.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.health import HEALTHZ, METRICS, READYZ, Readiness

logger = logging.getLogger(__name__)


def add_routes(app: web.Application, readiness: Readiness) -> None:
    """The three GET routes on `app`, reading `readiness`."""

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        ready, checks = readiness.report()
        body = json.dumps({"ready": ready, **checks}) + "\n"
        return web.Response(
            text=body, status=200 if ready else 503, content_type="application/json"
        )

    async def metrics(request: web.Request) -> web.Response:
        from bot.metrics import CONTENT_TYPE, exposition  # prometheus-client: at first scrape

        return web.Response(body=exposition(readiness), headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get(HEALTHZ, healthz)
    app.router.add_get(READYZ, readyz)
    app.router.add_get(METRICS, metrics)


class HealthServer:
    """The three routes alone on `host`:`port`."""

    def __init__(self, readiness: Readiness, form_page: bool = False) -> None:
        """`form_page`: also serve the Mini App form at /app/ (BOT_WEBAPP_URL set and polling:
        the site may publish the page through this port's proxy; bot/webapp.py)."""
        self.readiness = readiness
        self.form_page = form_page
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        add_routes(app, self.readiness)
        if self.form_page:
            from bot.webapp import add_form_routes

            add_form_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host, port).start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def serve_health(
    readiness: Readiness, host: str, port: int, form_page: bool = False
) -> HealthServer | None:
    """The health server started, or None (logged) when its port cannot be had: health checks
    failing is the operator's signal, and a bot that stopped for it would answer no one."""
    server = HealthServer(readiness, form_page)
    try:
        await server.start(host, port)
    except OSError as error:
        logger.error("health server not started on port %d (%s)", port, type(error).__name__)
        return None
    return server
