"""Companies: creating, changing and deleting one (owners and administrators; all staff see
them, ``crm.visibility.visible_companies``). A company its contacts, deals or events still
name is not deleted: the refusal says what holds it, with the counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import Conflict, FieldChecks, InvalidInput, NotFound
from crm.i18n import N_, NP_, translator
from crm.people.names import clean_name, clean_text
from crm.permissions import Actor, require_manager
from crm.text_limits import require_fits
from crm.visibility import load_visible
from db.models import Client, Company, Deal, Event

# The longest address a website, a LinkedIn profile or an event's picture keeps.
MAX_URL = 500
# What people type for a website without its scheme: a host with a dot in it ("acme.example",
# "www.acme.example/about"), not "mailto:…" nor a word.
_BARE_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/\S*)?$", re.IGNORECASE)


def check_url(typed: str, field: str) -> str | None:
    """A web address (``http`` or ``https``, with a host), or None when blank; a host typed
    without its scheme (``acme.example``) is taken as ``https://acme.example``."""
    typed = typed.strip()
    if not typed:
        return None
    text = typed
    if "://" not in typed and _BARE_HOST.match(typed):
        text = f"https://{typed}"
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise InvalidInput(
            N_("{url} is not a web address (https://…)"), field=field, url=typed[:80]
        )
    if len(text) > MAX_URL:
        raise InvalidInput(
            N_("the text is longer than {length} characters"), field=field, length=MAX_URL
        )
    return text


@dataclass(frozen=True)
class CompanyDraft:
    """What a company is created or changed with."""

    name: str
    industry: str = ""
    website: str = ""
    description: str = ""


async def get_company(session: AsyncSession, *, actor: Actor, company_id: int) -> Company:
    """A company ``actor`` may see (staff), or NotFound."""
    company = await load_visible(session, Company, company_id, visible_to=actor)
    if company is None:
        raise NotFound(N_("that company does not exist"))
    return company


async def company_to_change(
    session: AsyncSession, *, actor: Actor, company_id: int | None
) -> Company | None:
    """The company to change or delete (None for a new one), once it is sure ``actor`` may."""
    require_manager(actor)
    if company_id is None:
        return None
    return await get_company(session, actor=actor, company_id=company_id)


async def save_company(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: CompanyDraft,
    company_id: int | None,
    now: datetime,
) -> Company:
    """Create a company or change one; every field's refusal is said at once."""
    require_manager(actor)
    checks = FieldChecks()
    name = website = None
    description = ""
    with checks.field("name"):
        name = clean_name(draft.name, "name")
    with checks.field("website"):
        website = check_url(draft.website, "website")
    with checks.field("description"):
        description = clean_text(draft.description, required=False, field="description")
    checks.done()
    assert name is not None
    company = (
        Company(created_at=now)
        if company_id is None
        else await get_company(session, actor=actor, company_id=company_id)
    )
    company.name = name
    company.industry = draft.industry.strip() or None
    company.website = website
    company.description = description or None
    company.updated_at = now
    require_fits(company)
    session.add(company)
    await session.flush()
    return company


@dataclass(frozen=True)
class Holdings:
    """What still names a company, written in a reader's language ("2 contacts and 1 deal")."""

    contacts: int
    deals: int
    events: int

    def __bool__(self) -> bool:
        return bool(self.contacts or self.deals or self.events)

    def written_in(self, language: str) -> str:
        tr = translator(language)
        parts = [
            tr.ngettext(*words, count)
            for words, count in (
                (NP_("{count} contact", "{count} contacts"), self.contacts),
                (NP_("{count} deal", "{count} deals"), self.deals),
                (NP_("{count} event", "{count} events"), self.events),
            )
            if count
        ]
        if len(parts) == 1:
            return parts[0]
        return tr.gettext("{some} and {last}", some=", ".join(parts[:-1]), last=parts[-1])

    def __str__(self) -> str:
        return self.written_in("en")


async def holdings(session: AsyncSession, company_id: int) -> Holdings:
    """How many contacts, deals and events name the company."""
    counts = []
    for column in (Client.company_id, Deal.company_id, Event.company_id):
        counted = await session.scalar(select(func.count()).where(column == company_id))
        counts.append(int(counted or 0))
    return Holdings(*counts)


async def delete_company(session: AsyncSession, *, actor: Actor, company_id: int) -> None:
    """Delete a company nothing names any more (its founders and innovations go with it)."""
    require_manager(actor)
    company = await get_company(session, actor=actor, company_id=company_id)
    held = await holdings(session, company.id)
    if held:
        raise Conflict(
            N_("{name} has {holdings}: move them to another company first"),
            name=company.name,
            holdings=held,
        )
    # Its founders and innovations go with it (loaded for the cascade).
    await session.refresh(company, ["founders", "innovations"])
    await session.delete(company)
    await session.flush()
