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

from crm.health import ProcessRole, database_answers
from crm.notify import Notifier
from crm.permissions import is_manager, is_practitioner, is_staff
from crm.settings import Settings
from db.engine import Database
from web import middlewares
from web.flash import take_flashes
from web.i18n import words
from web.keys import (
    AFTER_COMMIT,
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
from web.middlewares import Handler
from web.throttle import SignInThrottle, Throttle
from web.views import auth, language
from web.views.coaching import (
    analytics,
    calendar,
    client_report,
    domains,
    my_calendar,
    products,
    programs,
    reports,
    requests,
    session_page,
    sessions,
    tracks,
)
from web.views.overview import client_page, dashboard
from web.views.overview import period as period_report
from web.views.people import client_picker, clients, departments, employees
from web.views.school import contract_page, contracts, languages
from web.views.tickets import files as ticket_files
from web.views.tickets import tickets

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
        # What the header links to, by crm.permissions' answers for who is signed in: the
        # listings for staff (each with the rows crm.visibility gives them), the requests for
        # those who answer them, the catalog and the people for managers.
        "may_manage": signed_in is not None and is_manager(signed_in),
        "may_list_contracts": signed_in is not None and is_staff(signed_in),
        "may_list_reports": signed_in is not None and is_staff(signed_in),
        "may_list_sessions": signed_in is not None and is_staff(signed_in),
        "may_list_requests": signed_in is not None and is_practitioner(signed_in),
        "here": request.path_qs,
        "sandbox": request.app[SANDBOX_ENABLED],
        **words(request).template_context(),
        "csrf_token": await middlewares.csrf_token(request),
        "flashes": await take_flashes(request),
    }
    return context


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
    return app


def _routes(app: web.Application) -> None:
    health = web.Application()
    health.router.add_get("", healthz)
    app.add_subapp("/healthz", health)
    app.add_subapp("/calendar", calendar.calendar_app())
    static = web.Application()
    static.router.add_static("/", STATIC)
    app.add_subapp("/static", static)

    route = app.router
    route.add_get("/sign-in", auth.sign_in_page, name="sign_in")
    route.add_post("/sign-in", auth.sign_in)
    route.add_post("/sign-out", auth.sign_out, name="sign_out")
    route.add_post("/language", language.choose_language, name="language")
    route.add_get("/", dashboard.home, name="home")

    route.add_get("/tickets", tickets.ticket_list, name="tickets")
    route.add_get("/tickets.csv", tickets.ticket_csv, name="tickets_csv")
    # Forms and deletions answer GET (and HEAD) with a page and change things on POST only:
    # any other method is a 405, never a deletion.
    _get_and_post(app, "/tickets/new", tickets.ticket_form)
    route.add_get("/tickets/{ticket_id:\\d+}", tickets.ticket_page, name="ticket")
    _get_and_post(app, "/tickets/{ticket_id:\\d+}/edit", tickets.ticket_form)
    _get_and_post(app, "/tickets/{ticket_id:\\d+}/delete", tickets.ticket_delete)
    route.add_post(
        "/tickets/{ticket_id:\\d+}/{action:assign|take|status|reply|note}", tickets.ticket_action
    )
    route.add_get(
        "/tickets/{ticket_id:\\d+}/files/{attachment_id:\\d+}",
        ticket_files.ticket_file,
        name="ticket_file",
    )

    for path, listing, form, delete in (
        (
            "departments",
            departments.department_list,
            departments.department_form,
            departments.department_delete,
        ),
        ("employees", employees.employee_list, employees.employee_form, employees.employee_delete),
        ("clients", clients.client_list, clients.client_form, clients.client_delete),
        ("languages", languages.language_list, languages.language_form, languages.language_delete),
        ("domains", domains.domain_list, domains.domain_form, domains.domain_delete),
    ):
        route.add_get(f"/{path}", listing, name=path)
        _get_and_post(app, f"/{path}/new", form)
        _get_and_post(app, f"/{path}/{{id:\\d+}}/edit", form)
        _get_and_post(app, f"/{path}/{{id:\\d+}}/delete", delete)
    route.add_get("/clients.csv", clients.client_csv)
    route.add_get("/clients/{id:\\d+}", client_page.client_page, name="client")
    route.add_get("/employees/{id:\\d+}", employees.employee_page, name="employee")
    _get_and_post(app, "/clients/{id:\\d+}/tracks/new", tracks.track_new)
    route.add_get("/tracks/{id:\\d+}", tracks.track_page, name="track")
    _get_and_post(app, "/tracks/{id:\\d+}/reports/new", tracks.progress_report_new)
    route.add_post(
        "/tracks/{id:\\d+}/{action:achieved|dropped|step|strategy|schedule}", tracks.track_action
    )
    route.add_post("/tracks/{id:\\d+}/steps/{step_id:\\d+}/done", tracks.step_done)

    route.add_get("/contracts", contracts.contract_list, name="contracts")
    route.add_get("/contracts.csv", contracts.contract_csv, name="contracts_csv")
    _get_and_post(app, "/contracts/new", contract_page.contract_new)
    route.add_get("/contracts/{id:\\d+}", contract_page.contract_card, name="contract")
    _get_and_post(app, "/contracts/{id:\\d+}/edit", contract_page.contract_edit)
    _get_and_post(app, "/contracts/{id:\\d+}/delete", contract_page.contract_delete)
    route.add_post(
        "/contracts/{id:\\d+}/{action:pay|assign|lesson|terminate}", contract_page.contract_action
    )
    _get_and_post(app, "/languages/tiers/new", languages.tier_form)
    _get_and_post(app, "/languages/tiers/{id:\\d+}/delete", languages.tier_delete)
    route.add_get("/reports", reports.report_list, name="reports")
    route.add_get("/reports.csv", reports.report_csv, name="reports_csv")
    route.add_get("/reports/meeting/{id:\\d+}", reports.meeting_report_page, name="meeting_report")
    _get_and_post(app, "/reports/meeting/new", reports.meeting_report_form)
    _get_and_post(app, "/reports/meeting/{id:\\d+}/edit", reports.meeting_report_form)
    route.add_get("/reports/progress/{id:\\d+}", reports.client_report_page, name="client_report")
    route.add_get("/reports/coach/{id:\\d+}", reports.coach_report_page, name="coach_report")
    _get_and_post(app, "/reports/coach/new", reports.coach_report_form)

    route.add_get("/programs", programs.program_list_page, name="programs")
    _get_and_post(app, "/programs/new", programs.program_form)
    route.add_get("/programs/{id:\\d+}", programs.program_page, name="program")
    _get_and_post(app, "/programs/{id:\\d+}/edit", programs.program_form)
    _get_and_post(app, "/programs/{id:\\d+}/delete", programs.program_delete)
    route.add_post("/programs/{id:\\d+}/{action:enrol|move}", programs.program_action)

    route.add_get("/products", products.product_list, name="products")
    _get_and_post(app, "/products/new", products.product_form)
    _get_and_post(app, "/products/{id:\\d+}/edit", products.product_form)
    _get_and_post(app, "/products/{id:\\d+}/delete", products.product_delete)
    _get_and_post(app, "/products/{id:\\d+}/sell", products.product_sell)
    route.add_get("/sessions", sessions.session_list, name="sessions")
    route.add_get("/sessions.csv", sessions.session_csv, name="sessions_csv")
    _get_and_post(app, "/sessions/new", session_page.session_new)
    route.add_get("/sessions/{id:\\d+}", session_page.session_page, name="session")
    _get_and_post(app, "/sessions/{id:\\d+}/edit", session_page.session_edit)
    _get_and_post(app, "/sessions/{id:\\d+}/delete", session_page.session_delete)
    _get_and_post(app, "/sessions/{id:\\d+}/report", session_page.session_report)
    route.add_post("/sessions/{id:\\d+}/{action:done|noshow|cancel}", session_page.session_action)
    route.add_get("/requests", requests.request_list, name="requests")
    route.add_get("/requests.csv", requests.request_csv, name="requests_csv")
    route.add_get("/requests/{id:\\d+}", requests.request_page, name="request")
    route.add_post("/requests/{id:\\d+}/{action:accept|refuse}", requests.request_action)
    route.add_get("/my-calendar", my_calendar.calendar_page, name="my_calendar")
    route.add_post("/my-calendar/{action:issue|revoke}", my_calendar.calendar_action)
    route.add_get(client_picker.SEARCH_URL, client_picker.client_search, name="client_search")

    # Reports built from the coaching records (the listing of reports is /reports itself).
    route.add_get("/reports/overview", analytics.overview, name="analytics")
    route.add_get("/reports/coaches", analytics.coaches)
    route.add_get("/reports/coaches.csv", analytics.coaches_csv)
    route.add_get("/reports/programs", analytics.programs)
    route.add_get("/reports/programs.csv", analytics.programs_csv)
    route.add_get("/reports/period", period_report.period_report)
    route.add_get("/reports/period.csv", period_report.period_csv)
    route.add_get("/reports/clients", client_report.choose_client)
    route.add_get("/reports/clients/{id:\\d+}", client_report.client_report)
    route.add_get("/reports/clients/{id:\\d+}.csv", client_report.client_csv)


def _get_and_post(app: web.Application, path: str, handler: Handler) -> None:
    app.router.add_get(path, handler)
    app.router.add_post(path, handler)
