"""Request middlewares: the client's address, security headers, error pages, the database
session, who is signed in, and CSRF protection of every form that changes something."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp_session import get_session

from crm.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from crm.staff import get_signed_in_employee
from db.base import utcnow
from web.keys import (
    AFTER_COMMIT,
    DATABASE,
    DB_SESSION,
    EMPLOYEE,
    NOW,
    OPEN_PATHS,
    VIEWER,
    Viewer,
)
from web.proxies import Networks, client_address
from web.texts import translate_error

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Served without signing in, and outside the admin site's session and CSRF handling.
NOT_ADMIN_PREFIXES = ("/healthz", "/sandbox", "/static")
# The sign-in form is a login, a password and two short fields: a bigger body is not read.
SIGN_IN_MAX_BYTES = 4096
# The session cookie's fields: who signed in, and the generation of their sessions then.
EMPLOYEE_FIELD = "employee_id"
GENERATION_FIELD = "generation"


def is_admin(request: web.Request) -> bool:
    """Whether the request is for the admin site (not the sandbox, health, or the webhook)."""
    return not (
        request.path.startswith(NOT_ADMIN_PREFIXES) or request.path in request.app[OPEN_PATHS]
    )


def real_client(trusted_proxies: Networks) -> Middleware:
    """A middleware: ``request.remote`` becomes the client's address as trusted proxies report
    it, and the sign-in form's body is capped before anything reads it."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        forwarded = request.headers.getall("X-Forwarded-For", [])
        remote = client_address(request.remote, forwarded, trusted_proxies)
        if request.method == "POST" and request.path == "/sign-in":
            return await handler(request.clone(remote=remote, client_max_size=SIGN_IN_MAX_BYTES))
        if remote != request.remote:
            return await handler(request.clone(remote=remote))
        return await handler(request)

    return middleware


async def security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """On every response as it is prepared: pages, streamed CSV, error pages, aiohttp's own."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'",
    )


def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    return aiohttp_jinja2.render_template(
        "error.html", request, {"status": status, "message": message}, status=status
    )


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refusals and missing pages as pages, never a traceback."""
    try:
        return await handler(request)
    except PermissionDenied as error:
        return _error_page(request, 403, translate_error(error))
    except NotFound as error:
        return _error_page(request, 404, translate_error(error))
    except InvalidInput as error:
        return _error_page(request, 400, translate_error(error))
    except DomainError as error:
        return _error_page(request, 409, translate_error(error))
    except web.HTTPException as error:
        if error.status in (400, 403, 404, 405) and not request.path.startswith("/sandbox"):
            # A 400 says what was wrong in its text; the others' reason says enough.
            said = error.text if error.status == 400 and error.text else error.reason
            return _error_page(request, error.status, said or error.reason)
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return _error_page(request, 500, "Something went wrong on our side.")


@web.middleware
async def database_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One session per request: a reader for safe methods, a writer (one transaction,
    committed at the edge, also when the answer is a redirect) for the rest."""
    if not is_admin(request):
        return await handler(request)
    request[NOW] = utcnow()
    database = request.app[DATABASE]
    # Signing in only reads: no write lock is held while the password hash is checked.
    if request.method in SAFE_METHODS or request.path == "/sign-in":
        async with database.reader() as session:
            request[DB_SESSION] = session
            return await handler(request)
    async with database.writer() as session:
        request[DB_SESSION] = session
        async with session.begin():
            try:
                response = await handler(request)
            except web.HTTPException as redirect:
                if redirect.status >= 400:
                    raise
                await session.commit()
                _after_commit(request)
                raise
        _after_commit(request)
        return response


def _after_commit(request: web.Request) -> None:
    notify = request.app.get(AFTER_COMMIT)
    if notify is not None:
        notify()


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every admin page but the sign-in page needs a signed-in, still active employee."""
    if not is_admin(request):
        return await handler(request)
    session = await get_session(request)
    employee_id = session.get(EMPLOYEE_FIELD)
    if employee_id is not None:
        signed_in_employee = await get_signed_in_employee(
            request[DB_SESSION], int(employee_id), session.get(GENERATION_FIELD)
        )
        if signed_in_employee is None:
            # Switched off, deleted, signed out or given a new password since: it ends now.
            session.invalidate()
        else:
            request[EMPLOYEE] = signed_in_employee
            request[VIEWER] = Viewer(
                signed_in_employee.id, signed_in_employee.full_name, signed_in_employee.role
            )
    if request.path == "/sign-in" or request.get(EMPLOYEE) is not None:
        return await handler(request)
    # No invalidation here: a stray request (a favicon) must not rotate an open form's token.
    target = f"/sign-in?next={quote(request.path_qs)}" if request.method == "GET" else "/sign-in"
    raise web.HTTPFound(target)


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made on first use."""
    session = await get_session(request)
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A form that changes something must carry the session's token."""
    if request.method in SAFE_METHODS or not is_admin(request):
        return await handler(request)
    session = await get_session(request)
    expected = session.get(CSRF_FIELD)
    form = await request.post()
    sent = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(sent, str)
        or not secrets.compare_digest(expected, sent)
    ):
        return _error_page(
            request,
            403,
            "This form has expired or did not come from this site. Reload the page and try again.",
        )
    return await handler(request)
