"""The notification centre: my notifications, the newest first, filtered by kind and date;
one opened is seen; *mark all seen*; the header's unseen count."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from crm.areas import NoticeKind
from crm.i18n import N_
from crm.workspace.notifications import (
    Notification,
    NotificationFilter,
    centre_kinds,
    get_notification,
    list_notifications,
    mark_all_seen,
    mark_seen,
    unseen_count,
)
from web.flash import flash
from web.forms import Reader
from web.i18n import words
from web.keys import AREAS, DB_SESSION, SETTINGS, db_session, employee, noted, request_now
from web.views.areas import SITE_AREAS
from web.views.crud import object_id
from web.views.listing import filter_query

FILTER_KEYS = ("kind", "since", "until", "unseen")


def _kinds(request: web.Request) -> list[NoticeKind]:
    areas = request.app[AREAS]
    return centre_kinds(areas)


def _record_page(request: web.Request, shown: Notification) -> str | None:
    """The page of the record a notification is about, in the area that shows it."""
    if shown.subject_kind is None or shown.subject_id is None:
        return None
    for site in request.app[SITE_AREAS]:
        page = site.record_pages.get(shown.subject_kind)
        if page is not None:
            return page.format(id=shown.subject_id)
    return None


def _read_filter(
    request: web.Request, kinds: list[NoticeKind]
) -> tuple[NotificationFilter, dict[str, str]]:
    """The filters typed in the address, and the refusal of each that cannot be read."""
    reader = Reader(request.query, words(request).gettext)  # type: ignore[arg-type]
    since, until = reader.day("since", N_("From")), reader.day("until", N_("To"))
    name = reader.text("kind")
    kind = next((kind for kind in kinds if kind.name == name), None)
    if name and kind is None:
        reader.errors["kind"] = words(request).gettext("choose a kind from the list")
    return NotificationFilter(kind, since, until, reader.flag("unseen")), reader.errors


async def notification_list(request: web.Request) -> web.StreamResponse:
    """My notifications, the newest first, as filtered; *Older* pages back."""
    kinds = _kinds(request)
    wanted, errors = _read_filter(request, kinds)
    before = request.query.get("before", "")
    rows: list[Notification] = []
    more: int | None = None
    if not errors:
        rows, more = await list_notifications(
            db_session(request),
            actor=employee(request),
            wanted=wanted,
            kinds=kinds,
            zone=request.app[SETTINGS].zone,
            before=int(before) if before.isdigit() and len(before) < 12 else None,
        )
    context: dict[str, Any] = {
        "notifications": rows,
        "kinds": [(kind.name, kind.label) for kind in kinds],
        "query": request.query,
        "errors": errors,
        "next_url": None
        if more is None
        else f"/notifications?{filter_query(request, FILTER_KEYS, before=str(more))}",
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
        db_session(request), actor=viewer, notification_id=notification_id, kinds=_kinds(request)
    )
    if shown.seen_at is None:
        await noted(
            request,
            lambda session: mark_seen(
                session, actor=viewer, notification_id=notification_id, now=now
            ),
        )
        raise web.HTTPFound(request.path)
    return {"notification": shown, "record": _record_page(request, shown)}


async def all_seen(request: web.Request) -> web.StreamResponse:
    """*Mark all seen*: every one of mine, and back to the list."""
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
    """The header's bell: how many notifications are unseen; none on a page drawn after the
    request's database session ended (an error page)."""
    if DB_SESSION not in request:
        return None
    return {"unseen": await unseen_count(db_session(request), actor=employee(request))}
