"""Companies, deals, tasks and events through the API: the site's listings and filters, a deal
and its stage moves, by the same services (and rights) as the bot and the site."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from crm.areas import Area
from crm.chats import chat_sources
from crm.sales.companies import get_company
from crm.sales.company_listing import list_companies
from crm.sales.deals import load_deal, move_deal
from crm.sales.events import EventFilter, get_event, list_events
from crm.sales.interaction_log import interaction_log
from crm.sales.interactions import log_interaction
from crm.sales.listing import list_deals
from crm.sales.task_listing import DueRange, TaskState, list_tasks
from db.enums import DealStage, InteractionKind
from db.models import Deal
from web.api.endpoints import (
    ApiArea,
    Call,
    Endpoint,
    In,
    Out,
    Page,
    Paging,
    RecordId,
)
from web.keys import AREAS
from web.views.sales.companies import read_filter as read_company_filter
from web.views.sales.deals import read_filter as read_deal_filter
from web.views.sales.tasks import read_filter as read_task_filter


class CompanyOut(Out):
    """A company the team sells to."""

    id: int
    name: str
    industry: str | None
    website: str | None
    description: str | None


class DealOut(Out):
    """A deal: what, with whom, how much, where in the pipeline."""

    id: int
    name: str
    stage: DealStage
    value: Decimal
    currency: str
    client_id: int | None
    company_id: int | None
    owner_id: int | None
    expected_close: date | None
    lost_reason: str | None
    closed_at: datetime | None


class TaskOut(Out):
    """A task on a deal or a client."""

    id: int
    title: str
    due_at: datetime | None
    done_at: datetime | None
    deal_id: int | None
    client_id: int | None
    assignee_id: int | None


class EventOut(Out):
    """An event clients are invited to."""

    id: int
    title: str
    description: str | None
    starts_at: datetime
    place: str | None
    company_id: int | None
    organiser_id: int | None


class InteractionOut(Out):
    """One line of a client's interaction log (a chat is shown as such, without its text)."""

    at: datetime
    kind: InteractionKind
    notes: str | None
    by: str | None
    from_client: bool | None
    deal_id: int | None


class InteractionLog(Out):
    """A client's latest interactions, newest first."""

    items: list[InteractionOut]


class NewInteraction(In):
    """A call, a meeting, an email or a note with the client (on one of their deals, if given)."""

    kind: InteractionKind
    notes: str | None = Field(default=None, max_length=5000)
    happened_at: datetime | None = Field(default=None, description="Default: now.")
    deal_id: RecordId | None = None


class CompanyQuery(Paging):
    q: str = Field(default="", max_length=200, description="Part of the name.")
    industry: str = Field(default="", max_length=200)


class DealQuery(Paging):
    stage: list[DealStage] = Field(default_factory=list, description="Any of these stages.")
    owner: str = Field(default="", max_length=20, description="An employee id, or `none`.")
    company: RecordId | None = Field(default=None, description="A company id.")
    value_from: str = Field(default="", max_length=30, description="An amount, as typed.")
    value_to: str = Field(default="", max_length=30, description="An amount, as typed.")
    close_from: date | None = Field(default=None, description="Expected to close on or after.")
    close_to: date | None = Field(default=None, description="Expected to close on or before.")


class TaskQuery(Paging):
    assignee: RecordId | None = Field(default=None, description="An employee id.")
    state: TaskState | None = None
    due: DueRange | None = None
    from_: date | None = Field(default=None, alias="from", description="Due on or after.")
    to: date | None = Field(default=None, description="Due on or before.")


class EventQuery(Paging):
    when: Literal["upcoming", "past"] = "upcoming"


class StageMove(In):
    """Where the deal goes; a lost deal needs the reason."""

    stage: DealStage
    reason: str | None = Field(default=None, max_length=2000)


async def _companies(call: Call) -> Page[CompanyOut]:
    page = await call.listing(list_companies, read_company_filter(call.request))
    return call.page_of(page, [CompanyOut.model_validate(row) for row in page.companies])


async def _company(call: Call) -> CompanyOut:
    found = await get_company(call.session, actor=call.actor, company_id=call.ids["company_id"])
    return CompanyOut.model_validate(found)


def _deal(deal: Deal) -> DealOut:
    return DealOut.model_validate(deal)


async def _deals(call: Call) -> Page[DealOut]:
    page = await call.listing(list_deals, call.filtered(read_deal_filter))
    return call.page_of(page, [_deal(row) for row in page.deals])


async def _one_deal(call: Call) -> DealOut:
    return _deal(await load_deal(call.session, call.ids["deal_id"], visible_to=call.actor))


async def _move(call: Call) -> DealOut:
    sent: StageMove = call.body
    moved = await move_deal(
        call.session,
        actor=call.actor,
        deal_id=call.ids["deal_id"],
        to=sent.stage,
        now=call.now,
        reason=sent.reason,
    )
    return _deal(moved)


async def _tasks(call: Call) -> Page[TaskOut]:
    page = await call.listing(list_tasks, call.filtered(read_task_filter))
    return call.page_of(page, [TaskOut.model_validate(row) for row in page.tasks])


async def _events(call: Call) -> Page[EventOut]:
    asked: EventQuery = call.query
    past = EventFilter(past=asked.when == "past")
    page = await call.listing(list_events, past, now=call.now)
    return call.page_of(page, [EventOut.model_validate(row) for row in page.events])


async def _event(call: Call) -> EventOut:
    found = await get_event(call.session, actor=call.actor, event_id=call.ids["event_id"])
    return EventOut.model_validate(found)


async def _interactions(call: Call) -> InteractionLog:
    areas: list[Area] = call.request.app[AREAS]
    entries = await interaction_log(
        call.session, chat_sources(areas), actor=call.actor, client_id=call.ids["client_id"]
    )
    return InteractionLog(items=[InteractionOut.model_validate(entry) for entry in entries])


async def _log(call: Call) -> InteractionLog:
    sent: NewInteraction = call.body
    await log_interaction(
        call.session,
        actor=call.actor,
        kind=sent.kind,
        now=call.now,
        client_id=call.ids["client_id"],
        deal_id=sent.deal_id,
        happened_at=sent.happened_at,
        notes=sent.notes,
    )
    return await _interactions(call)


API = ApiArea(
    tag="sales",
    description="Companies, deals and their stages, clients' interaction logs, tasks and events.",
    endpoints=(
        Endpoint(
            "GET", "/companies", _companies, "List companies", Page[CompanyOut], query=CompanyQuery
        ),
        Endpoint("GET", "/companies/{company_id}", _company, "Read a company", CompanyOut),
        Endpoint("GET", "/deals", _deals, "List deals", Page[DealOut], query=DealQuery),
        Endpoint("GET", "/deals/{deal_id}", _one_deal, "Read a deal", DealOut),
        Endpoint(
            "POST",
            "/deals/{deal_id}/stage",
            _move,
            "Move a deal to another stage",
            DealOut,
            body=StageMove,
            current=_one_deal,
            description="The pipeline's moves as on the board; a lost deal needs the reason.",
        ),
        Endpoint(
            "GET",
            "/clients/{client_id}/interactions",
            _interactions,
            "Read a client's interaction log",
            InteractionLog,
        ),
        Endpoint(
            "POST",
            "/clients/{client_id}/interactions",
            _log,
            "Log a call, meeting, email or note with a client",
            InteractionLog,
            status=201,
            body=NewInteraction,
        ),
        Endpoint("GET", "/tasks", _tasks, "List tasks", Page[TaskOut], query=TaskQuery),
        Endpoint("GET", "/events", _events, "List events", Page[EventOut], query=EventQuery),
        Endpoint("GET", "/events/{event_id}", _event, "Read an event", EventOut),
    ),
)
