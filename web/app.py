"""The admin site's aiohttp application."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from crm.areas import areas_on
from crm.health import ProcessRole, database_answers
from crm.i18n import N_
from crm.notify import Notifier
from crm.permissions import is_manager, is_owner, is_staff
from crm.settings import Settings
from db.engine import Database
from db.models import Employee
from web import middlewares
from web.api.app import API_PATH, create_api
from web.api.limits import MinuteLimit, RequestLimit
from web.flash import take_flashes
from web.i18n import words
from web.keys import (
    AFTER_COMMIT,
    AREAS,
    DATABASE,
    EMPLOYEE,
    NOTIFIER,
    PROCESS_ROLE,
    READ_TELEGRAM_FILE,
    SANDBOX_ENABLED,
    SETTINGS,
    THROTTLE,
    VIEWER,
    ReadTelegramFile,
)
from web.throttle import SignInThrottle, Throttle
from web.views import auth, language
from web.views.areas import (
    SITE_AREAS,
    MenuEntry,
    SiteArea,
    crud_routes,
    page_parts,
    site_areas,
)
from web.views.overview import client_page, dashboard
from web.views.people import (
    api_tokens,
    client_picker,
    clients,
    departments,
    employees,
    webhooks,
)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
SESSION_MAX_AGE = 12 * 3600


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers, 503 otherwise; says whether this process runs the jobs."""
    async with request.config_dict[DATABASE].reader() as session:
        healthy = await database_answers(session)
    role = request.config_dict[PROCESS_ROLE]
    return web.json_response(
        {
            "status": "ok" if healthy else "unavailable",
            "database": healthy,
            "scheduler": "leader" if role.scheduler_leader else "standby",
        },
        status=200 if healthy else 503,
    )


async def _page_context(request: web.Request) -> dict[str, Any]:
    signed_in = request.get(EMPLOYEE)
    context: dict[str, Any] = {
        "me": request.get(VIEWER),
        # What the header links to: each area's entries the services let the viewer open.
        "menu": [] if signed_in is None else _menu(request.app[SITE_AREAS], signed_in),
        # What areas put in the header (the notification bell), for the signed-in.
        "header_parts": []
        if signed_in is None
        else await page_parts(request, [site.header for site in request.app[SITE_AREAS]]),
        # Whether the pages offer their edit and delete links: crm.permissions' answer.
        "may_manage": signed_in is not None and is_manager(signed_in),
        "here": request.path_qs,
        "sandbox": request.app[SANDBOX_ENABLED],
        **words(request).template_context(),
        # Each area's names of its statuses and kinds, for its own templates.
        **{
            helper: words(request).named(names)
            for site in request.app[SITE_AREAS]
            for helper, names in site.names.items()
        },
        "csrf_token": await middlewares.csrf_token(request),
        "flashes": await take_flashes(request),
    }
    return context


def _menu(sites: list[SiteArea], viewer: Employee) -> list[tuple[str, str]]:
    """(path, label msgid) of the menu: the dashboard and clients, each area's entries, then
    the people and departments for those who manage them."""
    entries = [
        MenuEntry("/", N_("Dashboard"), is_staff),
        MenuEntry("/clients", N_("Clients"), is_staff),
        *(entry for site in sites for entry in site.menu),
        MenuEntry("/employees", N_("Employees"), is_manager),
        MenuEntry("/departments", N_("Departments"), is_manager),
        MenuEntry("/api-tokens", N_("API tokens"), is_staff),
        MenuEntry("/webhooks", N_("Webhooks"), is_owner),
    ]
    return [(entry.path, entry.label) for entry in entries if entry.shown_to(viewer)]


def _cookie_key(secret_key: str) -> bytes:
    # The cookie cipher wants 32 bytes; any configured secret is stretched to that.
    return hashlib.sha256(secret_key.encode()).digest()


def create_app(
    settings: Settings,
    database: Database,
    *,
    secret_key: str,
    notifier: Notifier | None = None,
    after_commit: Callable[[], None] | None = None,
    sandbox: bool = False,
    process_role: ProcessRole | None = None,
    throttle: SignInThrottle | None = None,
    read_telegram_file: ReadTelegramFile | None = None,
    api_limit: RequestLimit | None = None,
) -> web.Application:
    """The admin site, with the health probe and the static files beside it as sub-applications;
    the composition root mounts more (the webhook, the sandbox) with ``add_subapp``."""
    app = web.Application(middlewares=[middlewares.real_client(settings.proxy_networks)])
    app.on_response_prepare.append(middlewares.security_headers)
    app[SETTINGS] = settings
    app[DATABASE] = database
    app[NOTIFIER] = notifier or Notifier(
        settings.default_language, settings.currency, settings.zone
    )
    app[THROTTLE] = Throttle() if throttle is None else throttle
    app[SANDBOX_ENABLED] = sandbox
    app[PROCESS_ROLE] = process_role or ProcessRole()
    areas = areas_on(settings.area_names)
    app[AREAS] = areas
    app[SITE_AREAS] = site_areas(areas)
    if after_commit is not None:
        app[AFTER_COMMIT] = after_commit
    if read_telegram_file is not None:
        app[READ_TELEGRAM_FILE] = read_telegram_file
    setup_sessions(
        app,
        EncryptedCookieStorage(
            _cookie_key(secret_key),
            cookie_name="frontdoor_session",
            max_age=SESSION_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.cookies_need_https,
        ),
    )
    # After the session middleware that ``setup_sessions`` put first: it only loads the cookie
    # when something asks, so it costs the sub-applications nothing.
    app.middlewares.extend(
        middlewares.own_routes_only(middleware)
        for middleware in (
            middlewares.error_pages,
            middlewares.database_session,
            middlewares.signed_in,
            middlewares.language,
            middlewares.csrf,
        )
    )
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[_page_context],
    )
    _routes(app)
    limit = api_limit or MinuteLimit(settings.api_requests_per_minute)
    app.add_subapp(API_PATH, create_api(app, limit))
    return app


def _routes(app: web.Application) -> None:
    health = web.Application()
    health.router.add_get("", healthz)
    app.add_subapp("/healthz", health)
    static = web.Application()
    static.router.add_static("/", STATIC)
    app.add_subapp("/static", static)

    route = app.router
    route.add_get("/sign-in", auth.sign_in_page, name="sign_in")
    route.add_post("/sign-in", auth.sign_in)
    route.add_post("/sign-out", auth.sign_out, name="sign_out")
    route.add_post("/language", language.choose_language, name="language")
    route.add_get("/", dashboard.home, name="home")
    for path, listing, form, delete in (
        (
            "departments",
            departments.department_list,
            departments.department_form,
            departments.department_delete,
        ),
        ("employees", employees.employee_list, employees.employee_form, employees.employee_delete),
        ("clients", clients.client_list, clients.client_form, clients.client_delete),
    ):
        crud_routes(app, path, listing, form, delete)
    route.add_get("/clients.csv", clients.client_csv)
    route.add_get("/clients/{id:\\d+}", client_page.client_page, name="client")
    route.add_get("/employees/{id:\\d+}", employees.employee_page, name="employee")
    route.add_get("/api-tokens", api_tokens.token_page, name="api_tokens")
    route.add_post("/api-tokens/new", api_tokens.token_new)
    route.add_post("/api-tokens/{id:\\d+}/revoke", api_tokens.token_revoke)
    route.add_get("/webhooks", webhooks.webhook_page, name="webhooks")
    route.add_post("/webhooks/new", webhooks.webhook_new)
    route.add_post("/webhooks/{id:\\d+}/delete", webhooks.webhook_delete)
    route.add_get(client_picker.SEARCH_URL, client_picker.client_search, name="client_search")
    # Each area that is on adds its own pages; those of an area that is off are 404s.
    for site in app[SITE_AREAS]:
        site.routes(app)
