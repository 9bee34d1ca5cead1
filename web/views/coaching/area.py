"""The coaching practice on the admin site: sessions, requests, tracks, written reports and
the figures built from them, programmes, products, expertise domains and calendar feeds."""

from __future__ import annotations

from aiohttp import web

from crm.i18n import N_
from crm.permissions import is_manager, is_practitioner, is_staff
from db.enums import SubjectKind
from db.models import CoachingSession
from web.i18n import Words
from web.views.areas import MenuEntry, PagePart, SiteArea, crud_routes, get_and_post
from web.views.coaching import (
    analytics,
    calendar,
    client_report,
    dashboard,
    domains,
    my_calendar,
    period,
    products,
    programs,
    reports,
    requests,
    session_page,
    sessions,
    tracks,
)


def _routes(app: web.Application) -> None:
    app.add_subapp("/calendar", calendar.calendar_app())
    route = app.router
    get_and_post(app, "/clients/{id:\\d+}/tracks/new", tracks.track_new)
    route.add_get("/tracks/{id:\\d+}", tracks.track_page, name="track")
    get_and_post(app, "/tracks/{id:\\d+}/reports/new", tracks.progress_report_new)
    route.add_post(
        "/tracks/{id:\\d+}/{action:achieved|dropped|step|strategy|schedule}", tracks.track_action
    )
    route.add_post("/tracks/{id:\\d+}/steps/{step_id:\\d+}/done", tracks.step_done)

    route.add_get("/reports", reports.report_list, name="reports")
    route.add_get("/reports.csv", reports.report_csv, name="reports_csv")
    route.add_get("/reports/meeting/{id:\\d+}", reports.meeting_report_page, name="meeting_report")
    get_and_post(app, "/reports/meeting/new", reports.meeting_report_form)
    get_and_post(app, "/reports/meeting/{id:\\d+}/edit", reports.meeting_report_form)
    route.add_get("/reports/progress/{id:\\d+}", reports.client_report_page, name="client_report")
    route.add_get("/reports/coach/{id:\\d+}", reports.coach_report_page, name="coach_report")
    get_and_post(app, "/reports/coach/new", reports.coach_report_form)

    route.add_get("/programs", programs.program_list_page, name="programs")
    get_and_post(app, "/programs/new", programs.program_form)
    route.add_get("/programs/{id:\\d+}", programs.program_page, name="program")
    get_and_post(app, "/programs/{id:\\d+}/edit", programs.program_form)
    get_and_post(app, "/programs/{id:\\d+}/delete", programs.program_delete)
    route.add_post("/programs/{id:\\d+}/{action:enrol|move}", programs.program_action)

    route.add_get("/products", products.product_list, name="products")
    get_and_post(app, "/products/new", products.product_form)
    get_and_post(app, "/products/{id:\\d+}/edit", products.product_form)
    get_and_post(app, "/products/{id:\\d+}/delete", products.product_delete)
    get_and_post(app, "/products/{id:\\d+}/sell", products.product_sell)

    route.add_get("/sessions", sessions.session_list, name="sessions")
    route.add_get("/sessions.csv", sessions.session_csv, name="sessions_csv")
    get_and_post(app, "/sessions/new", session_page.session_new)
    route.add_get("/sessions/{id:\\d+}", session_page.session_page, name="session")
    get_and_post(app, "/sessions/{id:\\d+}/edit", session_page.session_edit)
    get_and_post(app, "/sessions/{id:\\d+}/delete", session_page.session_delete)
    get_and_post(app, "/sessions/{id:\\d+}/report", session_page.session_report)
    route.add_post("/sessions/{id:\\d+}/{action:done|noshow|cancel}", session_page.session_action)
    route.add_get("/requests", requests.request_list, name="requests")
    route.add_get("/requests.csv", requests.request_csv, name="requests_csv")
    route.add_get("/requests/{id:\\d+}", requests.request_page, name="request")
    route.add_post("/requests/{id:\\d+}/{action:accept|refuse}", requests.request_action)
    route.add_get("/my-calendar", my_calendar.calendar_page, name="my_calendar")
    route.add_post("/my-calendar/{action:issue|revoke}", my_calendar.calendar_action)
    crud_routes(app, "domains", domains.domain_list, domains.domain_form, domains.domain_delete)

    # Reports built from the coaching records (the listing of reports is /reports itself).
    route.add_get("/reports/overview", analytics.overview, name="analytics")
    route.add_get("/reports/coaches", analytics.coaches)
    route.add_get("/reports/coaches.csv", analytics.coaches_csv)
    route.add_get("/reports/programs", analytics.programs)
    route.add_get("/reports/programs.csv", analytics.programs_csv)
    route.add_get("/reports/period", period.period_report)
    route.add_get("/reports/period.csv", period.period_csv)
    route.add_get("/reports/clients", client_report.choose_client)
    route.add_get("/reports/clients/{id:\\d+}", client_report.client_report)
    route.add_get("/reports/clients/{id:\\d+}.csv", client_report.client_csv)


def _session_entry(word: Words, meeting: CoachingSession) -> tuple[str, str | None]:
    """A planned session on the week of /agenda."""
    who = meeting.client.full_name if meeting.client is not None else ""
    return word.gettext("Session #{number} · {client}", number=meeting.id, client=who), (
        f"/sessions/{meeting.id}"
    )


SITE = SiteArea(
    routes=_routes,
    menu=(
        MenuEntry("/sessions", N_("Sessions"), is_staff),
        MenuEntry("/requests", N_("Requests"), is_practitioner),
        MenuEntry("/reports", N_("Written reports"), is_staff),
        MenuEntry("/reports/overview", N_("Figures"), is_staff),
        MenuEntry("/programs", N_("Programmes"), is_staff),
        MenuEntry("/products", N_("Products"), is_staff),
        MenuEntry("/my-calendar", N_("My calendar"), is_staff),
        MenuEntry("/domains", N_("Domains"), is_manager),
    ),
    dashboard=PagePart("sessions/dashboard_part.html", dashboard.coaching_part),
    client_page=PagePart("tracks/client_part.html", dashboard.client_coaching),
    agenda={"coaching.sessions": _session_entry},
    record_pages={
        SubjectKind.SESSION: "/sessions/{id}",
        SubjectKind.REQUEST: "/requests/{id}",
        SubjectKind.TRACK: "/tracks/{id}",
    },
)
