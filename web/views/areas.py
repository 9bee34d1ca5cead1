"""What an area brings to the admin site: its routes, its menu entries (each shown to whom the
area's services say may open it), and its parts of the shared pages (the dashboard, a client's
card). Each area's ``web/views/<area>/area.py`` holds one ``SITE``; the site is composed from
those of the areas that are on (``crm.areas``), so the pages of an area that is off are 404s
and nothing links to them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from crm.areas import Area, parts_of
from db.enums import SubjectKind
from db.models import Client, Employee
from web.i18n import Words
from web.middlewares import Handler


def get_and_post(app: web.Application, path: str, handler: Handler) -> None:
    """A form or a deletion: GET (and HEAD) shows the page, POST changes things; any other
    method is a 405, never a change."""
    app.router.add_get(path, handler)
    app.router.add_post(path, handler)


def crud_routes(
    app: web.Application, path: str, listing: Handler, form: Handler, delete: Handler
) -> None:
    """A catalog's listing (named ``path``), new and edit forms, and deletion."""
    app.router.add_get(f"/{path}", listing, name=path)
    get_and_post(app, f"/{path}/new", form)
    get_and_post(app, f"/{path}/{{id:\\d+}}/edit", form)
    get_and_post(app, f"/{path}/{{id:\\d+}}/delete", delete)


@dataclass(frozen=True)
class MenuEntry:
    """A link of the site's menu, shown to whom ``shown_to`` (a crm rule) lets open it."""

    path: str
    label: str  # a msgid, translated for the reader
    shown_to: Callable[[Employee], bool]


# A part of a shared page: the partial template included there, and what it shows for the
# viewer (None: nothing for them).
PartLoader = Callable[[web.Request, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class PagePart:
    template: str
    load: PartLoader


@dataclass(frozen=True)
class ShownPart:
    """A part as a page includes it: ``{% include part.template %}`` reads ``part.data``."""

    template: str
    data: dict[str, Any]


# One dated item of someone's agenda (``crm.areas.AgendaItem.subject``) as the week shows it:
# its words, in the viewer's language, and the page it links to.
AgendaEntry = Callable[[Words, Any], tuple[str, str | None]]


@dataclass(frozen=True)
class SiteArea:
    """One area's part of the admin site."""

    routes: Callable[[web.Application], None]
    menu: tuple[MenuEntry, ...] = ()
    dashboard: PagePart | None = None
    client_page: PagePart | None = None
    # A part of every page's header (the notification bell).
    header: PagePart | None = None
    # How the week of /agenda writes the area's items, by kind.
    agenda: Mapping[str, AgendaEntry] = field(default_factory=dict)
    # The page of each kind of record the area's notifications are about (``/tickets/{id}``).
    record_pages: Mapping[SubjectKind, str] = field(default_factory=dict)
    # The names its pages write values with: a template function each (``status_name(ticket.
    # status)``), from the area's own tables of names.
    names: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)


SITE_AREAS: web.AppKey[list[SiteArea]] = web.AppKey("site_areas")


def site_areas(areas: Sequence[Area]) -> list[SiteArea]:
    """The site parts of ``areas``, in their order."""
    return parts_of("web.views", areas, "SITE")


async def page_parts(
    request: web.Request, parts: Sequence[PagePart | None], subject: Client | None = None
) -> list[ShownPart]:
    """The parts of a shared page the viewer has something in, in the areas' order."""
    shown = []
    for part in parts:
        if part is None:
            continue
        data = await part.load(request, subject)
        if data is not None:
            shown.append(ShownPart(part.template, data))
    return shown
