"""Building and running the python-telegram-bot `Application`: polling or webhook.

`build_application` is what the end-to-end tests start against the local Bot API emulator, so
the code under test is the code that runs on the ward.

The handlers (and under them the dialog, the rules and their pydantic models) and aiohttp,
which sends the answers, are most of what the bot imports: about 0.55 s of CPU, against a few
ms for the rest of this package (BENCHMARKS.md). None of it is needed to connect to Telegram.
So `build_application` starts a thread that imports them while the process builds the
Application and connects: getMe, deleteWebhook and the first getUpdates are round trips it
would otherwise spend waiting, and part of the import (certificates, pydantic's core) runs
beside it on a second core (BENCHMARKS.md, cold start). Until then httpx sends (bot/transport.py).
`post_init` waits for the thread, hands the sending to aiohttp and registers the handlers.
What arrives meanwhile is saved in the inbox and waits in the Application's update queue,
which is handled from `Application.start()` on; a failed import stops the bot at post_init,
with the updates still in the inbox. `tests/test_lazy_imports.py` checks what the start
itself imports, and `tests/test_polling.py` the waiting.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import importlib
import logging
import sys
import threading
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING, Any, TypedDict

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot import health
from bot.config import ConfigError, Settings, load_settings
from bot.failover import Leadership, LeadershipLost
from bot.failover import role as failover_role
from bot.logsetup import configure_logging
from bot.ordering import ChatOrderedProcessor, not_allowed
from bot.polling import run_polling
from bot.storage import StateStore, open_storage
from bot.transport import HandOverRequest, HttpxRequest

if TYPE_CHECKING:
    from bot.handlers import BotService

logger = logging.getLogger(__name__)

PURGE_INTERVAL_SECONDS = 600.0
#: Every message the bot sends is HTML (`dialogs/render.py` escapes each value) and shows no
#: link preview; PTB applies these to every call that does not say otherwise.
SEND_DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)
MENU_DELAY_SECONDS = 1.0
#: What the first update needs and the connection does not, imported in a thread of their own
#: (the module docstring says why): the client that sends the answers, and the handlers with
#: the dialog and the rules under them.
LOADED_WHILE_CONNECTING = (
    "bot.aiohttp_transport",
    "bot.command_menu",
    "bot.handlers",
    "bot.overflow",
    "dialogs.units",
    "rules.ruleset",
)


def app_version() -> str:
    try:
        return package_version("besponsa-bot")
    except PackageNotFoundError:
        return "dev"


def build_application(
    settings: Settings,
    store: StateStore,
    *,
    purge_interval: float = PURGE_INTERVAL_SECONDS,
    retry_delay: float = 0.5,
    rate_limit: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot as it runs in production, wired to `store`; the caller owns the store."""
    assert settings.telegram_bot_token is not None
    background: list[asyncio.Task[None]] = []
    loading = _start_loading(settings)  # while the bot starts and connects (module docstring)

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        protocol = await asyncio.wrap_future(loading)
        await hand_over_sending(application)
        _service(settings, store, retry_delay, protocol).register(application)
        health.readiness_of(application).handlers_loaded = True
        _purge(store)
        if settings.bot_health_port is not None:
            health_server = _serve_health(
                application,
                settings.bot_health_host,
                settings.bot_health_port,
                form_page=settings.bot_webapp_url is not None,
            )
            background.append(asyncio.create_task(health_server))
        # The command menu is a convenience: the bot answers before it is registered (ten
        # round trips to Telegram), and a failure to register it is logged, not fatal.
        background.append(asyncio.create_task(_register_menu(application.bot)))
        background.append(asyncio.create_task(_purge_periodically(store, purge_interval)))

    async def post_stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        background.clear()

    # Any: the builder's generic type changes when a rate limiter is set.
    builder: Any = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.base_file_url)
        .defaults(SEND_DEFAULTS)
    )
    if rate_limit:  # Telegram's own limits; off only to measure our per-update cost
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    processor = ChatOrderedProcessor(
        refused=not_allowed(settings.bot_allowed_users),
        overflowed=functools.partial(_tell_too_many, store),
    )
    builder = with_bot_api_stack(builder, processor)
    application = builder.post_init(post_init).post_stop(post_stop).build()
    health.readiness_of(application).store_check = functools.partial(_store_answers, store)
    return application


def _import_handlers() -> None:
    for module in LOADED_WHILE_CONNECTING:
        importlib.import_module(module)


def _start_loading(settings: Settings) -> concurrent.futures.Future[Any]:
    """`_import_handlers` in a thread of its own, then the site's protocol read and checked
    (BOT_PROTOCOL, bot/protocol_file.py); the future holds the protocol, or why not (a wrong
    file is a ConfigError, which stops the bot with one line: run_telegram)."""
    loaded: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def load() -> None:
        try:
            _import_handlers()
            protocol = _read_protocol(settings)
        except BaseException as error:  # handed to post_init, which raises it
            loaded.set_exception(error)
        else:
            loaded.set_result(protocol)

    threading.Thread(target=load, name="import-handlers", daemon=True).start()
    return loaded


def _read_protocol(settings: Settings) -> Any:
    """BOT_PROTOCOL's protocol, checked (bot/protocol_file.py); None without the setting, and
    then nothing more is imported."""
    if settings.bot_protocol is None:
        return None
    from bot.protocol_file import read_protocol

    return read_protocol(settings.bot_protocol)


def _service(
    settings: Settings, store: StateStore, retry_delay: float, protocol: Any
) -> BotService:
    """The handlers' shared state, set up for this site. Imported by `_import_handlers`."""
    from bot.handlers import BotService
    from bot.protocol_file import site_label, site_ulns
    from dialogs.site_protocol import set_site_protocol
    from dialogs.units import set_site_ulns
    from rules.protocol import DEFAULT_PROTOCOL
    from rules.ruleset import RULESET_VERSION

    protocol = protocol or DEFAULT_PROTOCOL
    set_site_protocol(protocol)
    # The site laboratory's ULNs, for every chat: the protocol's, BOT_ULN_* winning.
    set_site_ulns(site_ulns(settings, protocol))
    return BotService(
        store,
        allowed_users=settings.bot_allowed_users,
        ttl_hours=settings.bot_state_ttl_hours,
        label=site_label(settings, protocol),
        version=app_version(),
        ruleset=RULESET_VERSION,
        retry_delay=retry_delay,
        team_language=settings.bot_team_language,
        webapp_url=settings.bot_webapp_url,
    )


async def _tell_too_many(store: StateStore, update: object) -> None:
    # Only ever called while an update is handled, so after post_init imported it.
    from bot.overflow import tell_too_many

    await tell_too_many(store, update)


class _Timeouts(TypedDict):
    connect_timeout: float
    read_timeout: float
    write_timeout: float


#: Of every request but getUpdates, whichever client sends it.
SENDING: _Timeouts = {"connect_timeout": 10.0, "read_timeout": 15.0, "write_timeout": 15.0}


def with_bot_api_stack(builder: Any, processor: ChatOrderedProcessor | None = None) -> Any:
    """The bot's HTTP clients and update processor on `builder`: httpx for getUpdates, and for
    the rest until `hand_over_sending` moves it to aiohttp (bot/transport.py says why). The
    benchmark's echo bot is built on the same, so that it measures the same floor."""
    return (
        builder.request(HandOverRequest(HttpxRequest(**SENDING)))
        .get_updates_request(
            HttpxRequest(connection_pool_size=1, connect_timeout=10, read_timeout=40)
        )
        .concurrent_updates(processor or ChatOrderedProcessor())
    )


async def hand_over_sending(application: Any) -> None:
    """Everything but getUpdates over aiohttp from now on: at post_init, once imported."""
    from bot.aiohttp_transport import AiohttpRequest

    request = application.bot.request
    assert isinstance(request, HandOverRequest), "built by with_bot_api_stack"
    await request.hand_over(AiohttpRequest(**SENDING))


def _store_answers(store: StateStore) -> None:
    """Readiness asks the store to check its files (a deleted SQLite -wal is noticed here too,
    not only at the next write) and one read by key: the cheapest questions it answers or
    refuses (StoreUnavailable) like any other."""
    store.check_files()
    store.language(0)


async def _serve_health(application: Any, host: str, port: int, form_page: bool) -> None:
    """/healthz, /readyz and /metrics on BOT_HEALTH_PORT until the bot stops. aiohttp's server
    is imported in a thread, beside the first updates, not before them."""
    module = await asyncio.to_thread(importlib.import_module, "bot.health_server")
    server = await module.serve_health(health.readiness_of(application), host, port, form_page)
    try:
        await asyncio.Event().wait()  # until post_stop cancels it
    finally:
        if server is not None:
            await server.stop()


async def _register_menu(bot: Any) -> None:
    # Building the menus loads every language's catalog: not before the bot is listening.
    from bot.command_menu import register_commands  # imported before post_init started this task
    from bot.profile import register_profile

    await asyncio.sleep(MENU_DELAY_SECONDS)
    errors = await register_commands(bot)
    if errors:
        kinds = ", ".join(sorted({type(error).__name__ for error in errors}))
        logger.warning("command menu not registered in %d languages (%s)", len(errors), kinds)
    errors = await register_profile(bot)
    if errors:
        kinds = ", ".join(sorted({type(error).__name__ for error in errors}))
        logger.warning("bot description or menu button not set: %d calls (%s)", len(errors), kinds)


async def _purge_periodically(store: StateStore, interval: float) -> None:
    """Erase clinical values older than the TTL, also while the chat is silent."""
    while True:
        await asyncio.sleep(interval)
        _purge(store)


def _purge(store: StateStore) -> None:
    """One purge; a failure is logged, never raised (at start it would stop the bot)."""
    try:
        purged = store.purge_expired()
    except Exception as error:  # never let the purge loop die silently
        logger.error("purge failed: %s", type(error).__name__)
    else:
        if purged:
            logger.info("purged %d expired sessions", purged)


def run_telegram() -> int:
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if settings.telegram_bot_token is None:
        print("configuration error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    # open_later: a database that cannot be opened now is tried again at each message, and
    # the clinician is told meanwhile; exiting would only have systemd restart us in a loop.
    db_url = settings.bot_db_url.get_secret_value() if settings.bot_db_url else None
    store, inbox = open_storage(db_url, settings.bot_db_path, settings.ttl)
    leader = None
    if db_url is not None:  # several processes may share it: one of them active
        bot_id = settings.telegram_bot_token.get_secret_value().split(":", 1)[0]
        leader = Leadership(db_url, bot_id)
    application = build_application(settings, store)
    health.readiness_of(application).role = failover_role  # active, standby or single
    logger.info("starting in %s mode", settings.bot_mode)
    try:
        # Either way an update is confirmed to Telegram only once it is saved in the inbox.
        if settings.bot_mode == "webhook":
            # Late: the webhook server (aiohttp.web, about 30 ms) is not needed in polling mode,
            # and every start pays for what is imported before the first getUpdates
            # (tests/test_lazy_imports.py).
            from bot.webhook import run_webhook

            assert settings.webhook_url is not None and settings.webhook_secret is not None
            run_webhook(
                application,
                inbox,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                path=settings.webhook_path,
                url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(),
                leader=leader,
                form_page=settings.bot_webapp_url is not None,
            )
        else:
            run_polling(application, inbox, leader)
    except ConfigError as error:  # the protocol file, read while the bot connected
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except InvalidToken:  # 401 or 404 to getMe: the token, or TELEGRAM_API_BASE_URL
        print(
            "configuration error: Telegram refused TELEGRAM_BOT_TOKEN at "
            f"{settings.telegram_api_base_url} (check the token and TELEGRAM_API_BASE_URL)",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        # Telegram not reachable at start (a firewall, DNS, an outage): one line, then exit 1 so
        # that the supervisor starts the bot again (docs/operations.md). The class name only:
        # the message may quote the request, and with it the token.
        logger.error("stopped: Telegram not reachable (%s)", type(error).__name__)
        return 1
    except TelegramError as error:  # Telegram's own words, such as a webhook URL it refuses
        logger.error("stopped: Telegram refused (%s: %s)", type(error).__name__, error)
        return 1
    except LeadershipLost as error:
        logger.error("stopped: %s", error)  # its supervisor starts it again, as a standby
        return 1
    finally:
        inbox.close()
        store.close()
    return 0
