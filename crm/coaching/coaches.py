"""Coaches: an employee's coach profile (bio, hourly rate in ``CRM_CURRENCY``, availability,
expertise domains) and the catalog of expertise domains. Owners and administrators keep both;
a domain is not deleted while a coach or a coaching request still names it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_, NP_
from crm.money import MAX_AMOUNT, cents
from crm.people.names import clean_name, clean_text
from crm.people.staff import get_employee
from crm.permissions import Actor, require_manager, require_staff
from crm.text_limits import require_fits
from db.models import CoachingRequest, CoachProfile, ExpertiseDomain, coach_domains


@dataclass(frozen=True)
class CoachProfileForm:
    """What a manager says about a coach; all empty means no coach profile."""

    bio: str = ""
    hourly_rate: Decimal | None = None
    availability: str = ""
    domain_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class DomainUse:
    """A domain with how many coaches and coaching requests name it."""

    domain: ExpertiseDomain
    coaches: int
    requests: int


def check_rate(rate: Decimal | None) -> Decimal | None:
    if rate is not None and not Decimal(0) <= rate <= MAX_AMOUNT:
        raise InvalidInput(
            N_("an hourly rate is from 0 to {most}"), field="hourly_rate", most=MAX_AMOUNT
        )
    return None if rate is None else cents(rate)


async def coach_profile(
    session: AsyncSession, *, actor: Actor, employee_id: int
) -> CoachProfile | None:
    """An employee's coach profile with its domains, if they have one (staff)."""
    require_staff(actor)
    return await session.scalar(
        select(CoachProfile)
        .where(CoachProfile.employee_id == employee_id)
        .options(selectinload(CoachProfile.domains))
        .execution_options(populate_existing=True)
    )


async def save_coach_profile(
    session: AsyncSession, *, actor: Actor, employee_id: int, form: CoachProfileForm
) -> CoachProfile | None:
    """Set an employee's coach profile (owners and administrators); an empty form removes it,
    and they are no longer offered as a coach unless they are a specialist."""
    require_manager(actor)
    person = await get_employee(session, employee_id, actor=actor)
    bio = clean_text(form.bio, required=False, field="bio") or None
    availability = clean_text(form.availability, required=False, field="availability") or None
    rate = check_rate(form.hourly_rate)
    wanted = set(form.domain_ids)
    chosen = list(
        await session.scalars(select(ExpertiseDomain).where(ExpertiseDomain.id.in_(wanted)))
    )
    if len(chosen) != len(wanted):
        raise InvalidInput(N_("that domain does not exist"), field="domain_ids")
    profile = await coach_profile(session, actor=actor, employee_id=person.id)
    if bio is None and availability is None and rate is None and not chosen:
        if profile is not None:
            await session.delete(profile)
            await session.flush()
        return None
    if profile is None:
        profile = CoachProfile(employee_id=person.id, domains=[])
        session.add(profile)
    profile.bio = bio
    profile.availability = availability
    profile.hourly_rate = rate
    profile.domains = sorted(chosen, key=lambda domain: domain.name)
    await session.flush()
    return profile


async def domains(session: AsyncSession, *, actor: Actor) -> list[DomainUse]:
    """Every expertise domain by name, with how many coaches and requests name it (staff)."""
    require_staff(actor)
    coaches = (
        select(func.count())
        .select_from(coach_domains)
        .where(coach_domains.c.domain_id == ExpertiseDomain.id)
        .scalar_subquery()
    )
    requests = (
        select(func.count())
        .select_from(CoachingRequest)
        .where(CoachingRequest.domain_id == ExpertiseDomain.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(ExpertiseDomain, coaches, requests).order_by(
            ExpertiseDomain.name, ExpertiseDomain.id
        )
    )
    return [DomainUse(domain, used, asked) for domain, used, asked in rows]


async def domain_to_change(
    session: AsyncSession, *, actor: Actor, domain_id: int | None
) -> ExpertiseDomain | None:
    """The domain to rename or delete (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    if domain_id is None:
        return None
    found = await session.get(ExpertiseDomain, domain_id)
    if found is None:
        raise NotFound(N_("that domain does not exist"))
    return found


async def save_domain(
    session: AsyncSession, *, actor: Actor, domain_id: int | None, name: str
) -> ExpertiseDomain:
    """Create (``domain_id`` None) or rename a domain; names are unique."""
    domain = await domain_to_change(session, actor=actor, domain_id=domain_id)
    cleaned = clean_name(name, "name")
    taken = await session.scalar(
        select(ExpertiseDomain.id).where(
            func.lower(ExpertiseDomain.name) == cleaned.lower(),
            ExpertiseDomain.id != (domain_id or 0),
        )
    )
    if taken is not None:
        raise InvalidInput(
            N_("there is already a domain called {name}"), field="name", name=cleaned
        )
    domain = domain or ExpertiseDomain()
    domain.name = cleaned
    require_fits(domain)
    session.add(domain)
    await session.flush()
    return domain


async def delete_domain(session: AsyncSession, *, actor: Actor, domain_id: int) -> None:
    """Delete a domain no coach and no coaching request names."""
    domain = await domain_to_change(session, actor=actor, domain_id=domain_id)
    assert domain is not None
    coaches = await session.scalar(
        select(func.count())
        .select_from(coach_domains)
        .where(coach_domains.c.domain_id == domain_id)
    )
    requests = await session.scalar(
        select(func.count())
        .select_from(CoachingRequest)
        .where(CoachingRequest.domain_id == domain_id)
    )
    if coaches:
        raise Conflict(
            NP_(
                "{count} coach works in {name}; the domain cannot be deleted",
                "{count} coaches work in {name}; the domain cannot be deleted",
            ),
            name=domain.name,
            count=coaches,
        )
    if requests:
        raise Conflict(
            NP_(
                "{count} coaching request names {name}; the domain cannot be deleted",
                "{count} coaching requests name {name}; the domain cannot be deleted",
            ),
            name=domain.name,
            count=requests,
        )
    await session.delete(domain)
    await session.flush()
