"""Request middlewares: the client's address, security headers, error pages, the database
session, who is signed in, and CSRF protection of every form that changes something.

The admin site is the root application (aiohttp mounts no sub-application at ``/``), and a
root application's middlewares also wrap every request routed into its sub-applications. So
the site's own middlewares are put on through ``own_routes_only``: a request routed into the
sandbox, the webhook, the health probe or the static files passes them untouched, and each of
those sub-applications brings what it needs itself."""

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
from crm.i18n import N_
from crm.people.sign_in import get_signed_in_employee
from db.base import utcnow
from web.i18n import set_words, words
from web.keys import (
    AFTER_COMMIT,
    DATABASE,
    DB_SESSION,
    EMPLOYEE,
    NOW,
    VIEWER,
    Viewer,
)
from web.proxies import Networks, client_address

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The sign-in form is a login, a password and two short fields: a bigger body is not read.
SIGN_IN_MAX_BYTES = 4096
HTTP_REASONS = {
    400: N_("The request could not be read."),
    403: N_("You may not open this page."),
    404: N_("There is no such page."),
    405: N_("This address does not take that kind of request."),
}
# The session cookie's fields: who signed in, and the generation of their sessions then.
EMPLOYEE_FIELD = "employee_id"
GENERATION_FIELD = "generation"


def own_routes_only(middleware: Middleware) -> Middleware:
    """``middleware`` for the requests routed to the application's own routes (and its 404s
    and 405s), not for those routed into one of its sub-applications."""

    @web.middleware
    async def scoped(request: web.Request, handler: Handler) -> web.StreamResponse:
        # ``apps`` runs from the root application to the one that owns the matched route.
        if request.match_info.apps[-1] is not request.app:
            return await handler(request)
        return await middleware(request, handler)

    return scoped


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
    # Some errors (a 405) come before the page context is made: the words are given here too.
    context = {
        **words(request).template_context(),
        "me": request.get(VIEWER),
        "status": status,
        "message": message,
    }
    return aiohttp_jinja2.render_template("error.html", request, context, status=status)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refusals and missing pages as pages, never a traceback."""
    try:
        return await handler(request)
    except PermissionDenied as error:
        return _error_page(request, 403, words(request).error(error))
    except NotFound as error:
        return _error_page(request, 404, words(request).error(error))
    except InvalidInput as error:
        return _error_page(request, 400, words(request).error(error))
    except DomainError as error:
        return _error_page(request, 409, words(request).error(error))
    except web.HTTPException as error:
        if error.status in (400, 403, 404, 405):
            # A 400 says what was wrong in its text (already in the page's language); the
            # others' reason says enough.
            told = error.status == 400 and error.text and not error.text.startswith("400:")
            said = error.text if told else words(request).gettext(HTTP_REASONS[error.status])
            return _error_page(request, error.status, said or error.reason)
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return _error_page(
            request, 500, words(request).gettext("Something went wrong on our side.")
        )


@web.middleware
async def database_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One session per request: a reader for safe methods, a writer (one transaction,
    committed at the edge, also when the answer is a redirect) for the rest. Once it ends the
    request holds it no more, so a page drawn after (an error page) reads nothing through it."""
    request[NOW] = utcnow()
    try:
        return await _in_a_session(request, handler)
    finally:
        request.pop(DB_SESSION, None)


async def _in_a_session(request: web.Request, handler: Handler) -> web.StreamResponse:
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
    # The language switch works on the sign-in page too (kept in the session until then); an
    # address that is no page (a 404, a 405) says so rather than asking to sign in first.
    no_page = request.match_info.http_exception is not None
    if no_page or request.path in ("/sign-in", "/language") or request.get(EMPLOYEE) is not None:
        return await handler(request)
    # No invalidation here: a stray request (a favicon) must not rotate an open form's token.
    target = f"/sign-in?next={quote(request.path_qs)}" if request.method == "GET" else "/sign-in"
    raise web.HTTPFound(target)


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The language every word of the page is in (see ``web.i18n.site_language``)."""
    await set_words(request)
    return await handler(request)


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
    if request.method in SAFE_METHODS:
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
            words(request).gettext(
                "This form has expired or did not come from this site. "
                "Reload the page and try again."
            ),
        )
    return await handler(request)
