"""The business areas a business may run, and what each area brings to the shared parts.

An area is a sub-package of the same name in every layer (``crm/school/``,
``handlers/school/``, ``web/views/school/``); it describes itself once, in an ``area`` module
of each layer (here ``crm/<name>/area.py`` holding ``AREA``), and the bot, the site and the
scheduler are composed from the areas that ``CRM_AREAS`` turns on. Areas are found on disk,
so adding one edits no list elsewhere; ``position`` orders them in menus, help and digests.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import SubjectKind
from db.models import Client, Department, Employee

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from crm.chats import ChatSource
    from crm.notify import Notifier
    from crm.overview.timeline import Source
    from crm.permissions import Actor
    from crm.webhooks import WebhookEvent

# The module of each layer's area package that describes the area.
AREA_MODULE = "area"

# A scheduled job: queue what is due at ``now`` in the given transaction; returns how many.
JobRun = Callable[[AsyncSession, "Notifier", datetime], Awaitable[int]]

# One employee's part of a digest (their id, whether they manage, their language); empty when
# the area has nothing for them.
DigestText = Callable[[int, bool, str | None], str]


@dataclass(frozen=True)
class DigestDay:
    """What a digest part is asked for: the business day, the moment, and whom (None: all)."""

    day: date
    now: datetime
    employee_id: int | None = None


# An area's part of the morning digest: read once for everyone (or the one asker), then
# written per employee by the returned function.
DigestPart = Callable[[AsyncSession, "Notifier", DigestDay], Awaitable[DigestText]]


@dataclass(frozen=True)
class AgendaAsk:
    """Whose agenda (``/agenda``), and when: from ``now`` to ``horizon``; ``zone`` is the
    business time zone a day is read in."""

    actor: Actor
    now: datetime
    zone: ZoneInfo
    horizon: datetime


@dataclass(frozen=True)
class AgendaItem:
    """One thing on someone's agenda: its ``kind`` (``"<area>.<what>"``, which the bot knows
    how to write) and its record; ``at`` is when it happens, None for what waits undated (a
    request not yet answered), shown after the dated ones."""

    kind: str
    subject: Any
    at: datetime | None = None


# An area's part of someone's agenda: its items, dated ones between now and the horizon.
AgendaSource = Callable[[AsyncSession, AgendaAsk], Awaitable[list[AgendaItem]]]

# The employees (ids) an area says a client works with: their open tickets' assignees, the
# teachers of their contracts... whom the client may write to through the bot.
ClientStaff = Callable[[AsyncSession, Client], Awaitable[set[int]]]

# How far ahead /agenda looks.
AGENDA_HORIZON = timedelta(days=60)


@dataclass(frozen=True)
class DemoPeople:
    """The people of an area's part of the demo business, as rows (see ``crm.demo.seed``).

    A row named by two areas (the front desk that also takes the school's payments) is made
    once when either is on.
    """

    # (name, address or None, phone or None, description, whether it takes clients' requests)
    departments: tuple[tuple[str, str | None, str | None, str, bool], ...] = ()
    # (name, username, role, position, department name or None, years of experience, salary,
    # the language their Telegram app is in)
    staff: tuple[tuple[Any, ...], ...] = ()
    # (name, phone, username, language, stage, topic, source, the helper's username or None)
    clients: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class DemoCast:
    """The demo's people once made, by department name, employee username and client name."""

    departments: dict[str, Department]
    staff: dict[str, Employee]
    clients: dict[str, Client]


# Fills the area's part of the demo business at ``now`` beside the people already made (and
# flushed); returns how many of each it made.
DemoSeed = Callable[[AsyncSession, DemoCast, datetime], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class NoticeKind:
    """A kind of notification an area sends, as the notification centre files it: its name in
    the address (``?kind=``), what people call it (a msgid), the records its messages are about
    and the dedupe-key prefixes of those it queues (``task-due`` for ``task-due:5:...``)."""

    name: str
    label: str
    subjects: tuple[SubjectKind, ...] = ()
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """A job the scheduler runs every ``every`` while the area is on."""

    id: str
    every: timedelta
    run: JobRun
    # Late runs are dropped after this long (a job that missed its minute runs at the next one).
    grace: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class Area:
    """What one area brings to the parts every business shares."""

    name: str
    position: int
    # Areas whose modules this one imports (coaching counts lessons on school's contracts);
    # the import contracts in pyproject.toml hold the code to this.
    needs: tuple[str, ...] = ()
    jobs: tuple[Job, ...] = ()
    digest: DigestPart | None = None
    timeline: tuple[Source, ...] = ()
    # Where the area keeps what clients wrote to the business (crm/chats.py): the moments
    # shown as chats in a client's interaction log.
    chats: tuple[ChatSource, ...] = ()
    demo: DemoSeed | None = None
    agenda: AgendaSource | None = None
    client_staff: ClientStaff | None = None
    # The kinds of notification the area sends (the notification centre's filter).
    notices: tuple[NoticeKind, ...] = ()
    # The events other systems may be sent about the area's records (crm/webhooks.py).
    webhooks: tuple[WebhookEvent, ...] = ()
    demo_people: DemoPeople = field(default_factory=DemoPeople)


class UnknownArea(ValueError):
    """``CRM_AREAS`` names an area this build does not have."""


def known_area_names() -> list[str]:
    """The areas this build has: the packages of ``crm`` with an ``area`` module (unimported)."""
    return list(_found_on_disk())


@cache
def _found_on_disk() -> tuple[str, ...]:
    # Read once a process: the build's packages do not change while it runs, and the sandbox
    # asks for every demo person's language.
    here = Path(__file__).parent
    return tuple(
        sorted(
            module.name
            for module in pkgutil.iter_modules([str(here)])
            if module.ispkg and (here / module.name / f"{AREA_MODULE}.py").is_file()
        )
    )


def parse_area_names(value: str) -> tuple[str, ...] | None:
    """The areas named in ``value`` (comma-separated), or None for all; refuses unknown names."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    if not names:
        return None
    known = known_area_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UnknownArea(
            f"unknown area {', '.join(map(repr, unknown))}: choose among {', '.join(known)}"
        )
    return tuple(dict.fromkeys(names))


def areas_on(names: Iterable[str] | None) -> list[Area]:
    """The areas that are on (all when ``names`` is None), in their menu order."""
    known = known_area_names()
    wanted = known if names is None else list(names)
    areas = [
        importlib.import_module(f"crm.{name}.{AREA_MODULE}").AREA
        for name in wanted
        if name in known
    ]
    return sorted(areas, key=lambda area: area.position)


def parts_of(layer: str, areas: Iterable[Area], attribute: str) -> list[Any]:
    """What each area that is on gives a layer: ``<layer>.<area>.area.<attribute>``, in order.

    An area without that layer (no bot part, say) gives nothing to it.
    """
    parts = []
    for area in areas:
        name = f"{layer}.{area.name}.{AREA_MODULE}"
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the layer has no package for the area at all
            found = None
        if found is None:
            continue
        parts.append(getattr(importlib.import_module(name), attribute))
    return parts


def webhook_events(areas: Iterable[Area]) -> list[WebhookEvent]:
    """The webhook events of ``areas``, in their order."""
    return [event for area in areas for event in area.webhooks]


def digest_parts(areas: Iterable[Area]) -> list[DigestPart]:
    """The digest parts of ``areas``, in their order."""
    return [area.digest for area in areas if area.digest is not None]


def timeline_sources(areas: Iterable[Area]) -> list[Source]:
    """The client timeline's sources of ``areas``."""
    return [source for area in areas for source in area.timeline]


def agenda_sources(areas: Iterable[Area]) -> list[AgendaSource]:
    """The agenda sources of ``areas``, in their order."""
    return [area.agenda for area in areas if area.agenda is not None]


def client_staff_sources(areas: Iterable[Area]) -> list[ClientStaff]:
    """Who a client works with, by each area of ``areas`` that says."""
    return [area.client_staff for area in areas if area.client_staff is not None]


def notice_kinds(areas: Iterable[Area]) -> list[NoticeKind]:
    """The kinds of notification ``areas`` send, in their order."""
    return [kind for area in areas for kind in area.notices]
