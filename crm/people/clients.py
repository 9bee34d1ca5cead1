"""Clients: the card the admin site manages (search, create, change, delete), with its coach,
helper and the employee a client became. Registration from Telegram and whether the bot can
reach a client: crm/people/telegram_clients.py."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_, NP_, SHIPPED_LANGUAGES
from crm.ids import MAX_ID
from crm.people.client_company import company_named
from crm.people.names import clean_email, clean_name, clean_username
from crm.people.phones import optional_phone, phone_search_digits
from crm.permissions import Actor, require_manager, require_staff
from crm.text_limits import require_fits
from crm.text_search import contains
from crm.visibility import visible_clients
from db.enums import ClientStage, Role
from db.models import Client, CoachProfile, Company, Employee, Ticket

# Each stage of the coaching funnel as people call it (translated where it is shown).
STAGE_NAMES = {
    ClientStage.LEAD: N_("lead"),
    ClientStage.THINKING: N_("thinking it over"),
    ClientStage.CONSULTATION: N_("consultation"),
    ClientStage.ACTIVE: N_("active"),
    ClientStage.PAUSED: N_("paused"),
    ClientStage.FINISHED: N_("finished"),
}
# Where a client came from, when the product wrote it (people type the others): a client who
# shared their phone with the bot.
TELEGRAM_SOURCE = "telegram"
SOURCE_NAMES = {TELEGRAM_SOURCE: N_("the Telegram bot")}

CLIENTS_PAGE = 50


@dataclass(frozen=True)
class ClientForm:
    full_name: str
    # The parts of the name (a contact's, in sales); the full name is made of them when empty.
    first_name: str = ""
    last_name: str = ""
    # The company the client works for: its id, or its exact name (crm.people.client_company).
    company: int | str | None = None
    phone: str = ""
    email: str = ""
    username: str = ""
    language: str = ""
    stage: ClientStage = ClientStage.LEAD
    topic: str = ""
    method_of_work: str = ""
    notes: str = ""
    source: str = ""
    unreachable: bool = False
    helper_id: int | None = None
    coach_id: int | None = None
    became_employee_id: int | None = None


@dataclass(frozen=True)
class CoachingChoices:
    """Who a client card's coaching fields may name."""

    coaches: list[Employee]  # specialists and anyone with a coach profile
    helpers: list[Employee]  # employees with the helper role
    employees: list[Employee]  # anyone a former client may have become


def client_matches(search: str, region: str | None = None) -> ColumnElement[bool]:
    """Clients whose name, phone, e-mail or username contains ``search``, taken literally; a
    phone typed any way ("555 0143", "(202) 555-0143") is matched by its digits in order.
    The one search of clients: the client list, the picker and the ticket listing's filter."""
    text = search.strip()
    digits = phone_search_digits(text, region)
    return or_(
        contains(Client.full_name, text),
        contains(Client.phone, digits or text),
        contains(Client.email, text),
        contains(Client.username, text),
    )


def _clients_query(
    actor: Actor, search: str, stages: Collection[ClientStage], region: str | None
) -> Select[Client]:
    """The client cards ``actor`` may see that match ``search`` (a local phone number is of
    ``region``, ``CRM_DEFAULT_REGION``) and are at one of ``stages`` (any stage when none is
    given): what the listing and its CSV both show."""
    viewer = require_staff(actor)
    query = select(Client).where(visible_clients(viewer)).options(selectinload(Client.helper))
    if search.strip():
        query = query.where(client_matches(search, region))
    if stages:
        query = query.where(Client.stage.in_(list(stages)))
    return query


async def list_clients(
    session: AsyncSession,
    *,
    actor: Actor,
    search: str = "",
    page: int = 1,
    stages: Collection[ClientStage] = (),
    region: str | None = None,
) -> tuple[list[Client], bool]:
    """A page of clients (a helper sees only theirs); returns them and whether more follow."""
    query = _clients_query(actor, search, stages, region).order_by(Client.full_name, Client.id)
    offset = (max(page, 1) - 1) * CLIENTS_PAGE
    rows = list(await session.scalars(query.offset(offset).limit(CLIENTS_PAGE + 1)))
    return rows[:CLIENTS_PAGE], len(rows) > CLIENTS_PAGE


async def clients_by_id(
    session: AsyncSession,
    *,
    actor: Actor,
    search: str = "",
    stages: Collection[ClientStage] = (),
    region: str | None = None,
    after: int = 0,
    limit: int = CLIENTS_PAGE,
) -> tuple[list[Client], bool]:
    """The clients the listing with this filter shows, by id, the ``limit`` after ``after``
    (the API's pages); returns them and whether more follow."""
    query = _clients_query(actor, search, stages, region).order_by(Client.id)
    rows = list(await session.scalars(query.where(Client.id > after).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


async def export_clients(
    session: AsyncSession,
    *,
    actor: Actor,
    search: str = "",
    stages: Collection[ClientStage] = (),
    region: str | None = None,
    chunk: int = 500,
) -> AsyncGenerator[list[Client]]:
    """Every client the listing with this filter shows, by id, ``chunk`` at a time (a CSV)."""
    query = _clients_query(actor, search, stages, region).order_by(Client.id)
    last = 0
    while True:
        rows = list(await session.scalars(query.where(Client.id > last).limit(chunk)))
        if not rows:
            return
        yield rows
        last = rows[-1].id


async def visible_client(
    session: AsyncSession,
    actor: Actor,
    client_id: int,
    *options: ExecutableOption,
    field: str | None = None,
) -> Client:
    """The client card ``actor`` may see, with ``options`` loaded; NotFound for any other (as
    far as the asker knows, it does not exist), said next to ``field`` when a form named it."""
    client = await session.scalar(
        select(Client).where(Client.id == client_id, visible_clients(actor)).options(*options)
    )
    if client is None:
        raise NotFound(N_("that client does not exist"), field=field)
    return client


async def clients_named(
    session: AsyncSession, *, actor: Actor, named: Sequence[int | str], field: str | None = None
) -> list[Client]:
    """The clients ``actor`` names (a card number, or a Telegram username without its @) in
    what they plan, once each in the order named. Naming never widens what the namer sees: each
    must be a card ``actor`` may already see (managers: any), and any other is refused exactly
    like a client that does not exist."""
    found: dict[int, Client] = {}
    for reference in named:
        if isinstance(reference, int):
            # A number past any id (typed by a person) finds nobody rather than overflowing.
            which = Client.id == (reference if 0 < reference <= MAX_ID else 0)
        else:
            which = func.lower(Client.username) == reference.lower()
        client = await session.scalar(
            select(Client).where(which, visible_clients(actor)).order_by(Client.id).limit(1)
        )
        if client is None and isinstance(reference, str):
            raise NotFound(N_("no client @{username}"), field=field, username=reference)
        if client is None:
            raise NotFound(N_("that client does not exist"), field=field)
        found.setdefault(client.id, client)
    return list(found.values())


async def get_client(
    session: AsyncSession, *, actor: Actor, client_id: int, field: str | None = None
) -> Client:
    """A client card the asker may see (others do not exist, as far as they know); ``field``:
    the form field that named it."""
    viewer = require_staff(actor)
    return await visible_client(
        session,
        viewer,
        client_id,
        selectinload(Client.helper),
        selectinload(Client.coach),
        selectinload(Client.became_employee),
        field=field,
    )


async def client_to_change(
    session: AsyncSession, *, actor: Actor, client_id: int | None
) -> Client | None:
    """The card to change (None for a new one), once it is sure ``actor`` may change cards: what
    a form's or a deletion's page shows before anything is sent."""
    require_manager(actor)
    if client_id is None:
        return None
    return await get_client(session, actor=actor, client_id=client_id)


async def save_client(
    session: AsyncSession,
    *,
    actor: Actor,
    form: ClientForm,
    client_id: int | None,
    region: str | None = None,
) -> Client:
    """Create or change a client card (owners and administrators); a phone typed without its
    country code is of ``region`` (``CRM_DEFAULT_REGION``)."""
    require_manager(actor)
    first_name, last_name = form.first_name.strip() or None, form.last_name.strip() or None
    # The full name stays what people see; left empty, it is made of its parts.
    parts = " ".join(part for part in (first_name, last_name) if part)
    name = clean_name(form.full_name.strip() or parts, "full_name")
    phone = optional_phone(form.phone, region=region)
    email = clean_email(form.email)
    for column, value, field, message in (
        (Client.phone, phone, "phone", N_("another client has the phone number {value}")),
        # Every card keeps its e-mail in lower case (this function, the migration that added
        # the rule): the same address typed in another case is found by the unique index.
        (Client.email, email, "email", N_("another client has the e-mail address {value}")),
    ):
        if value is not None:
            holder = await session.scalar(select(Client).where(column == value).limit(1))
            if holder is not None and holder.id != client_id:
                raise InvalidInput(message, field=field, value=value)
    company = await company_named(session, form.company)
    if form.language and form.language not in SHIPPED_LANGUAGES:
        raise InvalidInput(N_("unknown language"), field="language")
    await _check_coaching_people(session, form, client_id)
    client = (
        Client()
        if client_id is None
        else await get_client(session, actor=actor, client_id=client_id)
    )
    client.full_name = name
    client.first_name, client.last_name = first_name, last_name
    client.company_id = None if company is None else company.id
    client.phone = phone
    client.email = email
    client.username = clean_username(form.username)
    client.language = form.language or None
    client.stage = form.stage
    client.topic = form.topic.strip() or None
    client.method_of_work = form.method_of_work.strip() or None
    client.notes = form.notes.strip() or None
    client.source = form.source.strip() or None
    client.unreachable = form.unreachable
    client.helper_id = form.helper_id
    client.coach_id = form.coach_id
    client.became_employee_id = form.became_employee_id
    require_fits(client)
    session.add(client)
    await session.flush()
    return client


async def company_of(session: AsyncSession, client: Client) -> Company | None:
    """The company a client card names, if any."""
    return None if client.company_id is None else await session.get(Company, client.company_id)


def _is_coach(person: Employee, has_profile: bool) -> bool:
    """A coach is a specialist, or anyone on staff with a coach profile (an owner who coaches)."""
    return person.active and (person.role is Role.SPECIALIST or has_profile)


async def may_be_coach(session: AsyncSession, person: Employee) -> bool:
    """Whether ``person`` may be a client's or a track's coach (``_is_coach``)."""
    return _is_coach(person, await session.get(CoachProfile, person.id) is not None)


async def coach_named(session: AsyncSession, coach_id: int, field: str = "coach_id") -> Employee:
    """The employee chosen as a client's or a track's coach, once it is sure they coach: a
    helper or a former employee is refused."""
    coach = await session.get(Employee, coach_id)
    if coach is None or not coach.active:
        raise InvalidInput(N_("that employee does not exist"), field=field)
    if not await may_be_coach(session, coach):
        raise InvalidInput(
            N_("{name} is not a coach: give them a coach profile first"),
            field=field,
            name=coach.full_name,
        )
    return coach


async def coaching_choices(session: AsyncSession, *, actor: Actor) -> CoachingChoices:
    """The coaches, helpers and employees a client card's or a track's form offers (staff)."""
    require_staff(actor)
    rows = await session.execute(
        select(Employee, CoachProfile.employee_id)
        .outerjoin(CoachProfile, CoachProfile.employee_id == Employee.id)
        .order_by(Employee.full_name, Employee.id)
    )
    people = [(person, profile is not None) for person, profile in rows]
    return CoachingChoices(
        coaches=[person for person, profiled in people if _is_coach(person, profiled)],
        helpers=[person for person, _ in people if person.active and person.role is Role.HELPER],
        employees=[person for person, _ in people],
    )


async def _check_coaching_people(
    session: AsyncSession, form: ClientForm, client_id: int | None
) -> None:
    """The coach coaches, the helper is a helper, and the employee a client became is not
    already someone else's former self."""
    if form.helper_id is not None:
        helper = await session.get(Employee, form.helper_id)
        if helper is None or not helper.active:
            raise InvalidInput(N_("that employee does not exist"), field="helper_id")
        if helper.role is not Role.HELPER:
            raise InvalidInput(
                N_("{name} is not a helper"), field="helper_id", name=helper.full_name
            )
    if form.coach_id is not None:
        await coach_named(session, form.coach_id)
    if form.became_employee_id is not None:
        if await session.get(Employee, form.became_employee_id) is None:
            raise InvalidInput(N_("that employee does not exist"), field="became_employee_id")
        earlier = await session.scalar(
            select(Client).where(Client.became_employee_id == form.became_employee_id)
        )
        if earlier is not None and earlier.id != client_id:
            raise InvalidInput(
                N_("{name} already became that employee"),
                field="became_employee_id",
                name=earlier.full_name,
            )


async def former_client_of(
    session: AsyncSession, *, actor: Actor, employee_id: int
) -> Client | None:
    """The client card of the person an employee once was, if they were a client (managers)."""
    require_manager(actor)
    return await session.scalar(select(Client).where(Client.became_employee_id == employee_id))


async def delete_client(session: AsyncSession, *, actor: Actor, client_id: int) -> None:
    """Delete a client who has no tickets (their history must stay)."""
    require_manager(actor)
    client = await get_client(session, actor=actor, client_id=client_id)
    tickets = await session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.client_id == client.id)
    )
    if tickets:
        raise Conflict(
            NP_(
                "{name} has {count} ticket, and its history must stay; the card cannot be deleted",
                "{name} has {count} tickets, and their history must stay; the card cannot be "
                "deleted",
            ),
            name=client.full_name,
            count=tickets,
        )
    await session.delete(client)
    await session.flush()
