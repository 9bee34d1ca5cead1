"""What a client chooses from when booking a coach: the expertise domains someone works in,
and the coaches of a domain with their profile (bio, hourly rate, domains). Who may be asked
is ``crm.coaching.requests.coaches_in``'s rule; this only shows them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.requests import coaches_in
from crm.errors import NotFound
from crm.i18n import N_
from db.models import CoachProfile, ExpertiseDomain, coach_domains


async def bookable_domains(session: AsyncSession) -> list[ExpertiseDomain]:
    """The domains at least one coach a client may ask works in, by name."""
    coach_ids = [coach.id for coach in await coaches_in(session, None)]
    found = await session.scalars(
        select(ExpertiseDomain)
        .where(
            ExpertiseDomain.id.in_(
                select(coach_domains.c.domain_id).where(coach_domains.c.employee_id.in_(coach_ids))
            )
        )
        .order_by(ExpertiseDomain.name, ExpertiseDomain.id)
    )
    return list(found)


async def domain_coaches(
    session: AsyncSession, domain_id: int
) -> tuple[ExpertiseDomain, list[CoachProfile]]:
    """The domain and the profiles of the coaches a client may ask in it, by name."""
    domain = await session.get(ExpertiseDomain, domain_id)
    if domain is None:
        raise NotFound(N_("that domain does not exist"), field="domain_id")
    coaches = await coaches_in(session, domain_id)
    found = await session.scalars(
        select(CoachProfile)
        .where(CoachProfile.employee_id.in_([coach.id for coach in coaches]))
        .options(selectinload(CoachProfile.employee), selectinload(CoachProfile.domains))
    )
    order = {coach.id: position for position, coach in enumerate(coaches)}
    return domain, sorted(found, key=lambda profile: order[profile.employee_id])
