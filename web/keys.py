"""Typed keys of the admin application and of each request."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area
from crm.health import ProcessRole
from crm.notify import Notifier
from crm.settings import Settings
from db.engine import Database
from db.enums import Role
from db.models import Employee
from web.throttle import SignInThrottle

SETTINGS = web.AppKey("settings", Settings)
# The areas this business runs (CRM_AREAS), in their order.
AREAS: web.AppKey[list[Area]] = web.AppKey("areas")
DATABASE = web.AppKey("database", Database)
NOTIFIER = web.AppKey("notifier", Notifier)
THROTTLE: web.AppKey[SignInThrottle] = web.AppKey("throttle")
SANDBOX_ENABLED = web.AppKey("sandbox_enabled", bool)
PROCESS_ROLE = web.AppKey("process_role", ProcessRole)
AFTER_COMMIT: web.AppKey[Callable[[], None]] = web.AppKey("after_commit")


class TelegramFileUnavailable(Exception):
    """Telegram did not give a file: ``gone`` when it no longer has it (or will not give it),
    otherwise it could not be reached."""

    def __init__(self, reason: str, *, gone: bool) -> None:
        super().__init__(reason)
        self.gone = gone


# A file's bytes by its Telegram file_id; raises TelegramFileUnavailable. The composition root
# builds it on the bot (the site does not speak to Telegram itself).
ReadTelegramFile = Callable[[str], Awaitable[bytes]]
READ_TELEGRAM_FILE: web.AppKey[ReadTelegramFile] = web.AppKey("read_telegram_file")


@dataclass(frozen=True)
class Viewer:
    """Who is signed in, as pages show it: plain values that outlive the request's session."""

    id: int
    full_name: str
    role: Role


# Per request, set by the middlewares.
DB_SESSION = web.RequestKey("db_session", AsyncSession)
EMPLOYEE = web.RequestKey("employee", Employee)
VIEWER = web.RequestKey("viewer", Viewer)
NOW = web.RequestKey("now", datetime)


def db_session(request: web.Request) -> AsyncSession:
    """The request's database session (a writer for POST, a reader otherwise)."""
    return request[DB_SESSION]


def employee(request: web.Request) -> Employee:
    """The signed-in employee (the auth middleware guarantees one on protected pages)."""
    return request[EMPLOYEE]


def request_now(request: web.Request) -> datetime:
    """The moment the request is handled at (UTC), read once: services take it, not the clock."""
    return request[NOW]


def area_on(request: web.Request, name: str) -> bool:
    """Whether this business runs the area ``name`` (CRM_AREAS)."""
    return any(area.name == name for area in request.app[AREAS])


async def noted(request: web.Request, note: Callable[[AsyncSession], Awaitable[object]]) -> None:
    """What a page that only shows (a GET, on a reader) notes as it shows: that a notification
    was seen, a message read. ``note`` runs in a short transaction of its own."""
    async with request.app[DATABASE].writer() as session, session.begin():
        await note(session)
