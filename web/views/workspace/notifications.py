"""The notification centre: my notifications, the newest first, filtered by kind and date;
one opened is seen; *mark all seen*; the header's unseen count."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.workspace.notifications import (
    KINDS,
    Notification,
    get_notification,
    list_notifications,
    mark_all_seen,
    mark_seen,
    read_filter,
    unseen_count,
)
from db.enums import SubjectKind
from web.flash import flash
from web.i18n import words
from web.keys import SETTINGS, db_session, employee, noted, request_now
from web.views.crud import object_id

# Where a notification about a record links to, by the record's kind.
_RECORD_PAGES = {
    SubjectKind.TICKET: "/tickets/{id}",
    SubjectKind.CONTRACT: "/contracts/{id}",
    SubjectKind.SESSION: "/sessions/{id}",
    SubjectKind.REQUEST: "/requests/{id}",
    SubjectKind.TRACK: "/tracks/{id}",
}


def record_page(kind: SubjectKind | None, record_id: int | None) -> str | None:
    page = None if kind is None else _RECORD_PAGES.get(kind)
    return None if page is None or record_id is None else page.format(id=record_id)


async def notification_list(request: web.Request) -> web.StreamResponse:
    query = request.query
    wanted, refused = read_filter(
        query.get("kind", ""),
        query.get("since", ""),
        query.get("until", ""),
        query.get("unseen", ""),
    )
    gettext = words(request).gettext
    errors = {field: gettext(message) for field, message in refused.items()}
    before = query.get("before", "")
    rows: list[Notification] = []
    more: int | None = None
    if not errors:
        rows, more = await list_notifications(
            db_session(request),
            actor=employee(request),
            wanted=wanted,
            zone=request.app[SETTINGS].zone,
            before=int(before) if before.isdigit() and len(before) < 12 else None,
        )
    kept = {key: query[key] for key in ("kind", "since", "until", "unseen") if query.get(key)}
    context: dict[str, Any] = {
        "notifications": rows,
        "kinds": [(key, label) for key, (label, _rule) in KINDS.items()],
        "kind_names": {key: label for key, (label, _rule) in KINDS.items()},
        "query": query,
        "errors": errors,
        "next_url": None
        if more is None
        else "/notifications?"
        + "&".join([f"{key}={value}" for key, value in kept.items()] + [f"before={more}"]),
    }
    return aiohttp_jinja2.render_template(
        "workspace/notifications.html", request, context, status=400 if errors else 200
    )


@aiohttp_jinja2.template("workspace/notification.html")
async def notification_page(request: web.Request) -> dict[str, Any]:
    """One notification; opened while unseen, it is marked seen and the page asked for again,
    so that it and the header's count are read after the change."""
    notification_id = object_id(request)
    assert notification_id is not None
    viewer, now = employee(request), request_now(request)
    shown = await get_notification(
        db_session(request), actor=viewer, notification_id=notification_id
    )
    if shown.seen_at is None:
        await noted(
            request,
            lambda session: mark_seen(
                session, actor=viewer, notification_id=notification_id, now=now
            ),
        )
        raise web.HTTPFound(request.path)
    return {
        "notification": shown,
        "record": record_page(shown.subject_kind, shown.subject_id),
        "kind_names": {key: label for key, (label, _rule) in KINDS.items()},
    }


async def all_seen(request: web.Request) -> web.StreamResponse:
    count = await mark_all_seen(
        db_session(request), actor=employee(request), now=request_now(request)
    )
    await flash(
        request,
        words(request).ngettext(
            "{count} notification marked seen.", "{count} notifications marked seen.", count
        ),
    )
    raise web.HTTPFound("/notifications")


async def header_part(request: web.Request, _subject: object) -> dict[str, Any] | None:
    """The header's bell: how many notifications are unseen."""
    return {"unseen": await unseen_count(db_session(request), actor=employee(request))}
