"""Coaching reports on the site: the listing of the three kinds (meeting, client and coach
reports) with its CSV export, each report's page, and the meeting report's form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.coaching.report_cards import client_report_card, coach_report_card, meeting_report_card
from crm.coaching.report_listing import (
    REPORT_KIND_NAMES,
    ReportFilter,
    ReportKind,
    ReportRow,
    export_reports,
    list_reports,
    report_filter,
)
from crm.coaching.reports import (
    CoachReportDraft,
    MeetingReportDraft,
    file_coach_report,
    file_meeting_report,
    files_coach_reports,
    meeting_report,
    session_to_report,
)
from crm.coaching.rules import may_coach
from crm.errors import DomainError
from crm.i18n import N_
from crm.people.staff import choosable_staff
from db.models import MeetingReport
from web.forms import Field, Reader
from web.i18n import Gettext, words
from web.keys import SETTINGS, db_session, employee
from web.views.crud import FieldsFor, edit_page, object_id, refusals_by_field
from web.views.listing import listing_page, stream_csv

FILTER_KEYS = ("kind", "coach", "client", "from", "to")
# Where each kind of report has its page.
REPORT_PATHS = {
    ReportKind.MEETING: "/reports/meeting/{id}",
    ReportKind.CLIENT: "/reports/progress/{id}",
    ReportKind.COACH: "/reports/coach/{id}",
}
MEETING_PARTS = (
    ("what_happened", N_("What happened")),
    ("client_state", N_("The client's state")),
    ("agreements", N_("Agreements")),
    ("homework", N_("Homework")),
    ("next_steps", N_("Next steps")),
)
COACH_PARTS = (
    ("preparation", N_("Preparation")),
    ("results", N_("Results")),
    ("self_reflection", N_("Self-reflection")),
    ("development_tasks", N_("Development tasks")),
    ("supervision_request", N_("Supervision request")),
)


def read_filter(request: web.Request) -> tuple[ReportFilter, dict[str, str]]:
    """The listing's filter from the URL (the service reads it); bad values are reported next
    to their field."""
    query = request.query
    try:
        wanted = report_filter(
            kinds=query.getall("kind", []),
            coach=query.get("coach", ""),
            client=query.get("client", "").replace("\x00", ""),
            written_from=query.get("from", ""),
            written_to=query.get("to", ""),
            zone=request.app[SETTINGS].zone,
        )
    except DomainError as error:
        return ReportFilter(), refusals_by_field(words(request), error)
    return wanted, {}


def report_path(row: ReportRow) -> str:
    return REPORT_PATHS[row.kind].format(id=row.id)


async def report_list(request: web.Request) -> web.StreamResponse:
    """The filtered listing; a filter it cannot read is shown next to its field, with a 400."""
    wanted, errors = read_filter(request)
    session, viewer = db_session(request), employee(request)
    _ = words(request).gettext
    return await listing_page(
        request,
        "reports/list.html",
        path="/reports",
        keys=FILTER_KEYS,
        errors=errors,
        fetch=lambda after, before: list_reports(
            session, viewer, wanted, cursor=after, before=before
        ),
        refused_field="from",
        context={
            "selected_kinds": set(request.query.getall("kind", [])),
            "kinds": [(kind.value, _(REPORT_KIND_NAMES[kind])) for kind in ReportKind],
            "kind_names": {kind: _(name) for kind, name in REPORT_KIND_NAMES.items()},
            "coaches": await choosable_staff(session, actor=viewer),
            "report_path": report_path,
            "may_file_coach_report": files_coach_reports(viewer),
        },
    )


CSV_HEADER = [
    "kind",
    "id",
    "written",
    "client_id",
    "client",
    "coach_id",
    "coach",
    "session_id",
    "track_id",
    "period_start",
    "period_end",
    "excerpt",
]


def _csv_row(row: ReportRow) -> list[str]:
    return [
        row.kind.value,
        str(row.id),
        row.written_at.isoformat(timespec="seconds"),
        str(row.client_id or ""),
        row.client_name or "",
        str(row.coach_id or ""),
        row.coach_name or "",
        str(row.session_id or ""),
        str(row.track_id or ""),
        row.period_start.isoformat() if row.period_start else "",
        row.period_end.isoformat() if row.period_end else "",
        row.excerpt,
    ]


async def report_csv(request: web.Request) -> web.StreamResponse:
    """Exactly the filtered rows, streamed; refused with a whole 400 page before the first byte."""
    wanted, errors = read_filter(request)
    if errors:
        raise web.HTTPBadRequest(text="; ".join(errors.values()))
    chunks = export_reports(db_session(request), employee(request), wanted)
    return await stream_csv(
        request, chunks, filename="reports.csv", header=CSV_HEADER, row=_csv_row
    )


def _report_id(request: web.Request) -> int:
    found = object_id(request)
    assert found is not None  # every route that calls this has the id in its path
    return found


def _parts(_: Gettext, report: Any, names: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(_(label), getattr(report, name) or "") for name, label in names]


@aiohttp_jinja2.template("reports/detail.html")
async def meeting_report_page(request: web.Request) -> dict[str, Any]:
    _ = words(request).gettext
    card = await meeting_report_card(
        db_session(request), actor=employee(request), report_id=_report_id(request)
    )
    return {
        "kind": ReportKind.MEETING,
        "title": _("Meeting report #{id}", id=card.report.id),
        "report": card.report,
        "meeting": card.report.session,
        "client": card.report.session.client,
        "coach": card.report.session.coach,
        "parts": _parts(_, card.report, MEETING_PARTS),
        "edit_url": f"/reports/meeting/{card.report.id}/edit" if card.may_edit else None,
    }


@aiohttp_jinja2.template("reports/detail.html")
async def client_report_page(request: web.Request) -> dict[str, Any]:
    _ = words(request).gettext
    card = await client_report_card(
        db_session(request), actor=employee(request), report_id=_report_id(request)
    )
    track = card.report.track
    return {
        "kind": ReportKind.CLIENT,
        "title": _("Client report #{id}", id=card.report.id),
        "report": card.report,
        "track": track,
        "client": track.client,
        "coach": track.coach,
        "author": card.author or _("the client"),
        "parts": [(_("Progress"), card.report.progress)],
    }


@aiohttp_jinja2.template("reports/detail.html")
async def coach_report_page(request: web.Request) -> dict[str, Any]:
    _ = words(request).gettext
    card = await coach_report_card(
        db_session(request), actor=employee(request), report_id=_report_id(request)
    )
    return {
        "kind": ReportKind.COACH,
        "title": _("Coach report #{id}", id=card.report.id),
        "report": card.report,
        "meeting": card.meeting,
        "client": card.meeting.client if card.meeting else None,
        "coach": card.report.coach,
        "parts": _parts(_, card.report, COACH_PARTS),
    }


def _meeting_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        return [
            Field(name, _(label), "textarea", values.get(name, ""), error=errors.get(name, ""))
            for name, label in MEETING_PARTS
        ]

    return fields


async def meeting_report_editor(
    request: web.Request,
    *,
    session_id: int,
    back: str,
    after_save: Callable[[MeetingReport], str],
) -> web.StreamResponse:
    """The one form of a session's meeting report, wherever it is opened from (the session's
    page, the report's page): the five parts, any may be empty but not all; the session's
    coach and managers only, asked before the form is shown."""
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    meeting = await session_to_report(session, actor=actor, session_id=session_id)
    filed = await meeting_report(session, actor=actor, session_id=meeting.id)
    initial = {name: (getattr(filed, name) or "") if filed else "" for name, _l in MEETING_PARTS}

    async def save(reader: Reader) -> str:
        draft = MeetingReportDraft(**{name: reader.text(name) for name, _l in MEETING_PARTS})
        report = await file_meeting_report(session, actor=actor, session_id=meeting.id, draft=draft)
        return after_save(report)

    return await edit_page(
        request,
        title=_(
            "Report on the session of {day} with {client}",
            day=words(request).moment(meeting.starts_at),
            client=meeting.client.full_name,
        ),
        initial=initial,
        fields_for=_meeting_fields(_),
        save=save,
        saved_message=_("Meeting report saved."),
        cancel=back,
    )


async def meeting_report_form(request: web.Request) -> web.StreamResponse:
    """File a meeting report (``/reports/meeting/new?session=N``) or change one."""
    report_id = object_id(request)
    if report_id is not None:
        card = await meeting_report_card(
            db_session(request), actor=employee(request), report_id=report_id
        )
        session_id = card.report.session_id
    else:
        found = Reader(request.query).identifier("session", N_("Session"))  # type: ignore[arg-type]
        if found is None:
            raise web.HTTPNotFound()
        session_id = found
    return await meeting_report_editor(
        request,
        session_id=session_id,
        back=f"/reports/meeting/{report_id}" if report_id else "/reports",
        after_save=lambda report: f"/reports/meeting/{report.id}",
    )


def _coach_report_fields(_: Gettext) -> FieldsFor:
    async def fields(values: dict[str, Any], errors: dict[str, str]) -> list[Field]:
        def about(name: str, label: str, kind: str, help_text: str = "") -> Field:
            return Field(
                name, label, kind, values.get(name, ""), error=errors.get(name, ""), help=help_text
            )

        return [
            about(
                "session_id",
                _("Session number"),
                "text",
                _("a session of yours; leave it empty for a report on a period"),
            ),
            about("period_start", _("Period from"), "date"),
            about("period_end", _("Period to"), "date"),
            *(
                Field(name, _(label), "textarea", values.get(name, ""), error=errors.get(name, ""))
                for name, label in COACH_PARTS
            ),
        ]

    return fields


async def coach_report_form(request: web.Request) -> web.StreamResponse:
    """A coach's new report on themselves (``/reports/coach/new``, ``?session=N`` to start on a
    session): on one of their sessions or on a period, through the service the bot's
    ``/coachreport`` dialog files with."""
    session, actor = db_session(request), employee(request)
    _ = words(request).gettext
    may_coach(actor)  # anyone else is refused before the form is shown
    initial = {"session_id": request.query.get("session", "")}

    async def save(reader: Reader) -> str:
        session_id = reader.identifier("session_id", N_("Session number"))
        first = reader.day("period_start", N_("Period from"))
        last = reader.day("period_end", N_("Period to"))
        for name, given in (("period_start", first), ("period_end", last)):
            if given is None and (first or last) and name not in reader.errors:
                reader.errors[name] = _("give the period's first and last day")
        reader.done()
        period = (first, last) if first is not None and last is not None else None
        draft = CoachReportDraft(**{name: reader.text(name) for name, _l in COACH_PARTS})
        report = await file_coach_report(
            session, actor=actor, draft=draft, session_id=session_id, period=period
        )
        return f"/reports/coach/{report.id}"

    return await edit_page(
        request,
        title=_("New coach report"),
        initial=initial,
        fields_for=_coach_report_fields(_),
        save=save,
        saved_message=_("Coach report saved."),
        cancel="/reports",
    )
