"""A company's founders (name, e-mail, LinkedIn) and innovations (a product, service or process
it brought out): added, changed and removed by owners and administrators on the company's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import FieldChecks, NotFound
from crm.i18n import N_
from crm.people.names import clean_email, clean_name, clean_text, clean_title
from crm.permissions import Actor, require_manager
from crm.sales.companies import check_url, get_company
from crm.text_limits import require_fits
from db.enums import InnovationKind
from db.models import Founder, Innovation

INNOVATION_KIND_NAMES = {
    InnovationKind.PRODUCT: N_("product"),
    InnovationKind.SERVICE: N_("service"),
    InnovationKind.PROCESS: N_("process"),
}
# A company's part that is changed and removed on its page.
Part = TypeVar("Part", Founder, Innovation)


@dataclass(frozen=True)
class FounderDraft:
    name: str
    email: str = ""
    linkedin: str = ""


@dataclass(frozen=True)
class InnovationDraft:
    title: str
    kind: InnovationKind
    description: str = ""
    published_on: date | None = None


async def _part_to_change(
    session: AsyncSession,
    actor: Actor,
    company_id: int,
    kind: type[Part],
    part_id: int | None,
    missing: str,
) -> Part | None:
    """The company's founder or innovation to change or remove (None for a new one), once
    ``actor`` may; ``missing`` (a msgid) when the company has no such one."""
    require_manager(actor)
    await get_company(session, actor=actor, company_id=company_id)
    if part_id is None:
        return None
    part = await session.get(kind, part_id)
    if part is None or part.company_id != company_id:
        raise NotFound(missing)
    return part


async def founder_to_change(
    session: AsyncSession, *, actor: Actor, company_id: int, founder_id: int | None
) -> Founder | None:
    """The company's founder to change or remove (None for a new one), once ``actor`` may."""
    return await _part_to_change(
        session, actor, company_id, Founder, founder_id, N_("that founder does not exist")
    )


async def save_founder(
    session: AsyncSession,
    *,
    actor: Actor,
    company_id: int,
    founder_id: int | None,
    draft: FounderDraft,
) -> Founder:
    """Add a founder to a company, or change one."""
    found = await founder_to_change(
        session, actor=actor, company_id=company_id, founder_id=founder_id
    )
    checks = FieldChecks()
    name = email = linkedin = None
    with checks.field("name"):
        name = clean_name(draft.name, "name")
    with checks.field("email"):
        email = clean_email(draft.email)
    with checks.field("linkedin"):
        linkedin = check_url(draft.linkedin, "linkedin")
    checks.done()
    assert name is not None
    founder = found or Founder(company_id=company_id)
    founder.name, founder.email, founder.linkedin = name, email, linkedin
    require_fits(founder)
    session.add(founder)
    await session.flush()
    return founder


async def remove_founder(
    session: AsyncSession, *, actor: Actor, company_id: int, founder_id: int
) -> None:
    founder = await founder_to_change(
        session, actor=actor, company_id=company_id, founder_id=founder_id
    )
    await session.delete(founder)
    await session.flush()


async def innovation_to_change(
    session: AsyncSession, *, actor: Actor, company_id: int, innovation_id: int | None
) -> Innovation | None:
    """The company's innovation to change or remove (None for a new one), once ``actor`` may."""
    return await _part_to_change(
        session, actor, company_id, Innovation, innovation_id, N_("that innovation does not exist")
    )


async def save_innovation(
    session: AsyncSession,
    *,
    actor: Actor,
    company_id: int,
    innovation_id: int | None,
    draft: InnovationDraft,
) -> Innovation:
    """Add an innovation to a company, or change one."""
    found = await innovation_to_change(
        session, actor=actor, company_id=company_id, innovation_id=innovation_id
    )
    checks = FieldChecks()
    title = None
    description = ""
    with checks.field("title"):
        title = clean_title(draft.title)
    with checks.field("description"):
        description = clean_text(draft.description, required=False, field="description")
    checks.done()
    assert title is not None
    innovation = found or Innovation(company_id=company_id)
    innovation.title = title
    innovation.kind = draft.kind
    innovation.description = description or None
    innovation.published_on = draft.published_on
    require_fits(innovation)
    session.add(innovation)
    await session.flush()
    return innovation


async def remove_innovation(
    session: AsyncSession, *, actor: Actor, company_id: int, innovation_id: int
) -> None:
    innovation = await innovation_to_change(
        session, actor=actor, company_id=company_id, innovation_id=innovation_id
    )
    await session.delete(innovation)
    await session.flush()
