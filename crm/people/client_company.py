"""The company a client card names (a contact's company, read from the kernel's table): by its
number, or by its exact name (any case), as the card's form sends it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import InvalidInput
from crm.i18n import N_
from crm.ids import MAX_ID
from db.models import Company

# How a company is named where a form offers it: "#12 Acme".
LABEL = "#{id} {name}"


def company_label(company: Company) -> str:
    """How a company is named in suggestions and in the client form's field."""
    return LABEL.format(id=company.id, name=company.name)


async def company_named(
    session: AsyncSession, named: int | str | None, field: str = "company"
) -> Company | None:
    """The company ``named`` (its id, or its name exactly, any case), None for none; refused
    next to ``field`` when there is no such company or several have that name."""
    if named is None or named == "":
        return None
    if isinstance(named, int):
        company = await session.get(Company, named) if 0 < named <= MAX_ID else None
        if company is None:
            raise InvalidInput(N_("that company does not exist"), field=field)
        return company
    name = named.strip()
    # The name as written first (read from the name's index), then in any case.
    found = list(await session.scalars(select(Company).where(Company.name == name).limit(2)))
    if not found:
        found = list(
            await session.scalars(
                select(Company).where(func.lower(Company.name) == name.lower()).limit(2)
            )
        )
    if not found:
        raise InvalidInput(N_("no company is called {name}"), field=field, name=name[:80])
    if len(found) > 1:
        raise InvalidInput(
            N_("several companies are called {name}: choose one by its number (#12)"),
            field=field,
            name=name[:80],
        )
    return found[0]
