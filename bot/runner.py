"""``crm run``: bot + admin site (+ sandbox) in one process, stopped cleanly by a signal."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.methods import DeleteWebhook, SetWebhook, TelegramMethod
from aiohttp import web
from redis.asyncio import Redis

from bot.factory import create_bot, create_dispatcher
from bot.polling import poll
from bot.sandbox import page as sandbox_page
from bot.sandbox.telegram import FakeTelegram
from bot.telegram_files import telegram_file_reader
from bot.webhook import mount_webhook
from crm.areas import areas_on
from crm.demo.seed import is_empty, seed_demo
from crm.health import ProcessRole
from crm.notify import Notifier
from crm.people.staff import active_staff_with_telegram
from crm.permissions import Audience
from crm.settings import SANDBOX_TOKEN, Settings, ensure_secret_key
from db.base import utcnow
from db.engine import Database
from db.migrate import upgrade
from db.telegram_state import last_applied_update
from handlers.commands import Commands
from handlers.i18n import CatalogI18n
from notifications.leader import LeaderLease, lead
from notifications.ratelimit import Limiter, RedisRateLimiter
from notifications.scheduler import create_scheduler
from notifications.sender import OutboxSender, SenderConfig
from notifications.webhooks import WebhookSender
from web.api.limits import RedisMinuteLimit
from web.app import create_app
from web.throttle import RedisThrottle

log = logging.getLogger(__name__)

MAX_START_BACKOFF_SECONDS = 30.0


@dataclass
class Running:
    """What a started product exposes to whoever started it (the CLI banner, the tests)."""

    web_url: str
    bot: Bot
    dispatcher: Dispatcher
    database: Database
    sandbox: FakeTelegram | None
    sender: OutboxSender


def _bind(host: str, port: int) -> socket.socket:
    # Bound before anything else starts, so the sandbox knows its own address even for port 0.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _loopback(host: str) -> str:
    return "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104


async def _publish_menus(
    bot: Bot, i18n: CatalogI18n, database: Database, commands: Commands
) -> None:
    async with database.reader() as session:
        staff = await active_staff_with_telegram(session)
    await commands.publish_default(bot, i18n)
    for employee in staff:
        assert employee.telegram_id is not None
        await commands.publish_chat(
            bot,
            i18n,
            employee.telegram_id,
            Audience(employee.role.value),
            employee.language or i18n.default_locale,
        )


async def until_telegram_answers(bot: Bot, call: TelegramMethod[bool], stop: asyncio.Event) -> bool:
    """Make the first call to Telegram, again and again while it cannot be reached.

    False if ``stop`` was set first. Telegram (or the network to it) being away at start-up is
    waited out with growing pauses, said in the log each time; a refusal (a wrong token) is not.
    """
    failures = 0
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            attempt = asyncio.ensure_future(bot(call))
            await asyncio.wait({attempt, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not attempt.done():
                attempt.cancel()
                await asyncio.gather(attempt, return_exceptions=True)
                return False
            try:
                attempt.result()
            except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
                failures += 1
                delay = min(MAX_START_BACKOFF_SECONDS, 2.0 ** (failures - 1))
                if isinstance(error, TelegramRetryAfter):
                    delay = max(delay, float(error.retry_after))
                log.warning(
                    "Telegram cannot be reached (%s: %s); trying again in %.0f s",
                    call.__api_method__,
                    error,
                    delay,
                )
                await asyncio.wait({stopping}, timeout=delay)
                continue
            if failures:
                log.warning("Telegram answered after %d failed attempts", failures)
            return True
        return False
    finally:
        stopping.cancel()


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    on_ready: Callable[[Running], None] | None = None,
    sender_config: SenderConfig | None = None,
) -> None:
    """Migrate, start everything, run until ``stop`` is set, then shut down in order."""
    secret_key = ensure_secret_key(settings)  # before anything is written: it may refuse
    await asyncio.to_thread(upgrade, settings.database_url)
    database = Database(settings.database_url)
    sandbox: FakeTelegram | None = None
    if settings.sandbox:
        async with database.writer() as session, session.begin():
            # Telegram numbers updates on across restarts; a sandbox started again does too, or
            # the bot would take its first messages for ones already applied.
            sandbox = FakeTelegram(
                SANDBOX_TOKEN, after_update_id=await last_applied_update(session)
            )
            if await is_empty(session):
                made = await seed_demo(session, now=utcnow(), areas=areas_on(settings.area_names))
                log.info("empty database: demo business added (%s)", made)

    sock = _bind(settings.web_host, settings.web_port)
    host, port = sock.getsockname()[:2]
    web_url = f"http://{_loopback(host)}:{port}"
    if sandbox is not None:
        bot = create_bot(settings.token, f"{web_url}/sandbox/telegram")
    else:
        bot = create_bot(settings.token, settings.telegram_api_url)
    i18n = CatalogI18n(default_locale=settings.default_language)
    notifier = Notifier(settings.default_language, settings.currency, settings.zone)
    config = sender_config or SenderConfig()
    # With Redis, every process shares one send budget, dialog state and one scheduler leader.
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    limiter: Limiter | None = None
    storage = None
    throttle = None
    api_limit = None
    if redis is not None:
        api_limit = RedisMinuteLimit(redis, settings.api_requests_per_minute)
        limiter = RedisRateLimiter(redis, config.rate_per_second, config.per_chat_seconds)
        throttle = RedisThrottle(redis)
        storage = RedisStorage(redis, key_builder=DefaultKeyBuilder(with_destiny=True))
    sender = OutboxSender(database, bot, config, limiter=limiter)
    hooks = WebhookSender(database)

    def wake() -> None:
        """A commit queued messages or webhook deliveries: both senders look now."""
        sender.wake()
        hooks.wake()

    role = ProcessRole()
    app = create_app(
        settings,
        database,
        secret_key=secret_key,
        notifier=notifier,
        after_commit=wake,
        sandbox=sandbox is not None,
        process_role=role,
        throttle=throttle,
        read_telegram_file=telegram_file_reader(bot),
        api_limit=api_limit,
    )
    if sandbox is not None:
        sandbox_page.mount(app, sandbox, database)
        # Known before the sender starts, so what is queued for them reaches their chats.
        await sandbox_page.register_people(sandbox, database)
    dispatcher = create_dispatcher(
        settings, database, storage=storage, i18n=i18n, notifier=notifier, after_commit=wake
    )
    dispatcher["web_url"] = web_url  # where the site listens (calendar links without a webhook)
    scheduler = create_scheduler(settings, database, notifier, wake=wake)
    webhook_path = None
    if settings.webhook_url and sandbox is None:
        assert settings.webhook_secret is not None  # Settings refuses a webhook without one
        secret = settings.webhook_secret.get_secret_value()
        webhook_path = urlsplit(settings.webhook_url).path
        mount_webhook(app, webhook_path, dispatcher, bot, secret)

    # Long polls (the sandbox page, the sandbox's getUpdates) end when their client goes away,
    # so a stop is not held up by requests nobody waits for any more.
    runner = web.AppRunner(app, handle_signals=False, handler_cancellation=True, shutdown_timeout=5)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    polling: asyncio.Task[None] | None = None
    sending = asyncio.create_task(sender.run(stop))
    hooking = asyncio.create_task(hooks.run(stop))
    leading: asyncio.Task[None] | None = None
    if redis is None:
        scheduler.start()  # one process: it is the leader
        role.scheduler_leader = True
    else:
        scheduler.start(paused=True)

        def elected() -> None:
            role.scheduler_leader = True
            scheduler.resume()

        def deposed() -> None:
            role.scheduler_leader = False
            scheduler.pause()

        leading = asyncio.create_task(
            lead(LeaderLease(redis), stop, on_elected=elected, on_deposed=deposed)
        )
    try:
        await dispatcher.emit_startup(bot=bot)
        if sandbox is None:
            if webhook_path is not None:
                assert settings.webhook_url is not None
                first_call: TelegramMethod[bool] = SetWebhook(
                    url=settings.webhook_url,
                    secret_token=secret,
                    allowed_updates=dispatcher.resolve_used_update_types(),
                )
            else:
                first_call = DeleteWebhook()
            if not await until_telegram_answers(bot, first_call, stop):
                return  # stopped before Telegram could be reached
        try:
            await _publish_menus(bot, i18n, database, dispatcher["commands"])
        except Exception as error:
            log.warning("could not publish the command menus: %s", error)
        if webhook_path is None:
            polling = asyncio.create_task(poll(bot, dispatcher, stop))
        running = Running(web_url, bot, dispatcher, database, sandbox, sender)
        if on_ready is not None:
            on_ready(running)
        await stop.wait()
    finally:
        stop.set()
        if polling is not None:
            await polling
        if leading is not None:
            await leading
        scheduler.shutdown(wait=False)
        await sending
        await hooking
        await hooks.close()
        await dispatcher.emit_shutdown(bot=bot)
        if sandbox is not None:
            sandbox.close()
        await runner.cleanup()
        await dispatcher.storage.close()
        if redis is not None:
            await redis.aclose()
        await bot.session.close()
        await database.dispose()
