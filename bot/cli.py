"""The ``crm`` command. Bad input: one line naming the problem, exit status 2, nothing written."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import logging
import signal
import sys
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.lazy_types import defer_telegram_types
from crm.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DemoLogin, seed_demo
from crm.errors import DomainError
from crm.notify import Notifier
from crm.people.staff import EmployeeDraft, add_from_command_line
from crm.settings import ConfigurationError, Settings
from db.base import utcnow
from db.engine import Database, DatabaseURLError, parse_database_url
from db.enums import Role
from db.migrate import upgrade

if TYPE_CHECKING:
    from bot.runner import Running

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class UsageError(Exception):
    """Bad input to the command."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="crm", description="Frontdoor CRM: a Telegram bot and its admin site.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    database = commands.add_parser("db", help="database schema")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    database_commands.add_parser("upgrade", help="apply migrations")

    staff = commands.add_parser("staff", help="employees")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = staff_commands.add_parser("add", help="create or update an employee")
    add.add_argument("--telegram-id", type=int, required=True, metavar="N")
    add.add_argument("--name", required=True, metavar="NAME")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--username", metavar="U")
    add.add_argument("--department", metavar="D")
    add.add_argument("--position", metavar="P")
    add.add_argument(
        "--login", metavar="L", help="web login; the password is read from standard input"
    )

    seed = commands.add_parser("seed", help="fill an empty database")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo business")

    digest = commands.add_parser("digest", help="queue today's digests (once per employee a day)")
    digest.add_argument(
        "--now",
        action="store_true",
        help="deliver them from this process now, instead of leaving them to `crm run`",
    )

    commands.add_parser("run", help="bot, admin site and sandbox in one process")
    return parser


def _read_password(login: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {login}: ")
        if getpass.getpass("Repeat it: ") != first:
            raise UsageError("the passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def _in_transaction(settings: Settings, work: Callable[[Database], Awaitable[str]]) -> str:
    await asyncio.to_thread(upgrade, settings.database_url)
    database = Database(settings.database_url)
    try:
        return await work(database)
    finally:
        await database.dispose()


async def _staff_add(settings: Settings, args: argparse.Namespace) -> str:
    draft = EmployeeDraft(
        telegram_id=args.telegram_id,
        full_name=args.name,
        role=Role(args.role),
        username=args.username,
        department=args.department,
        position=args.position,
        login=args.login,
        password=_read_password(args.login) if args.login else None,
    )

    async def work(database: Database) -> str:
        async with database.writer() as session, session.begin():
            employee, created = await add_from_command_line(session, draft)
            verb = "added" if created else "updated"
            return f"{verb} employee #{employee.id} {employee.full_name} ({employee.role.value})"

    return await _in_transaction(settings, work)


async def _seed(settings: Settings) -> str:
    async def work(database: Database) -> str:
        async with database.writer() as session, session.begin():
            made = await seed_demo(session, now=utcnow())
        return "demo business added: " + ", ".join(f"{n} {kind}" for kind, n in made.items())

    return await _in_transaction(settings, work)


async def _digest(settings: Settings, deliver_now: bool) -> str:
    from notifications.scheduler import send_digests

    if deliver_now and settings.sandbox:
        raise UsageError("--now needs CRM_BOT_TOKEN; in sandbox mode `crm run` delivers them")

    async def work(database: Database) -> str:
        queued = await send_digests(
            database,
            Notifier(settings.default_language, settings.currency, settings.zone),
            settings,
        )
        report = f"digests queued: {queued}"
        if deliver_now:
            delivered = await _deliver_outbox(settings, database)
            report += f"; messages delivered: {delivered}"
        return report

    return await _in_transaction(settings, work)


async def _deliver_outbox(settings: Settings, database: Database) -> int:
    from bot.factory import create_bot
    from notifications.sender import OutboxSender

    bot = create_bot(settings.token, settings.telegram_api_url)
    try:
        sender = OutboxSender(database, bot)
        delivered = 0
        while count := await sender.deliver_due():
            delivered += count
            print(f"  delivered {delivered} so far…", file=sys.stderr, flush=True)
        return delivered
    finally:
        await bot.session.close()


def _who(demo: DemoLogin) -> str:
    """``repair engineer``; with the role when the position does not say it (``helper, intern``)."""
    position = demo.position.lower()
    if demo.role is Role.SPECIALIST or demo.role.value in position:
        return position
    return f"{demo.role.value}, {position}"


def _banner(running: Running) -> None:
    lines = ["Frontdoor CRM is running.", f"  Admin site: {running.web_url}/"]
    if running.sandbox is not None:
        lines.append(f"  Sandbox:    {running.web_url}/sandbox/  (no CRM_BOT_TOKEN is set)")
        lines.append("  Open the sandbox in a browser to chat with the bot as a client or staff.")
        lines.append(f"  Demo staff sign in to the admin site, password {DEMO_PASSWORD}, as:")
        logins = ", ".join(f"{each.login} ({_who(each)})" for each in DEMO_LOGINS)
        lines += textwrap.wrap(logins, 96, initial_indent="    ", subsequent_indent="    ")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


async def _run(settings: Settings) -> None:
    from bot.runner import serve  # the server's imports are only paid for by `crm run`

    # What the imports built (aiogram's validators, SQLAlchemy's mappers) lives as long as the
    # process. Frozen, the collector no longer walks it on each full collection, which took
    # about 190 ms here: a pause for every update and message in flight.
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop, on_ready=_banner)
    print("Stopped.", flush=True)


def _settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        field = "CRM_" + "_".join(str(part) for part in problem["loc"]).upper()
        raise UsageError(f"{field}: {problem['msg']}") from error
    try:
        parse_database_url(settings.database_url)
    except DatabaseURLError as error:
        raise UsageError(f"CRM_DATABASE_URL: {error}") from error
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crm`` console script; returns the exit status."""
    defer_telegram_types()  # first, before anything imports aiogram (see bot.lazy_types)
    try:
        args = build_parser().parse_args(argv)
        # Progress logs are for the long-running server; one-shot commands print one line.
        logging.basicConfig(
            level=logging.INFO if args.command == "run" else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
        settings = _settings()
        if args.command == "db":
            asyncio.run(asyncio.to_thread(upgrade, settings.database_url))
            print("database is up to date")
        elif args.command == "staff":
            print(asyncio.run(_staff_add(settings, args)))
        elif args.command == "seed":
            print(asyncio.run(_seed(settings)))
        elif args.command == "digest":
            print(asyncio.run(_digest(settings, args.now)))
        elif args.command == "run":
            asyncio.run(_run(settings))
    except (UsageError, DomainError, ConfigurationError) as error:
        print(f"crm: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OperationalError, DBAPIError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"crm: error: cannot reach the database: {reason}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":
    sys.exit(main())
