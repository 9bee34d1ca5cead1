"""A person's own contacts (seed 003's ``Contacts_Utilisateurs``): name, e-mail, phone,
company and a note. They are the person's address book, not the business's clients: nobody
else sees them. A Telegram contact card shared with the bot can be saved here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.errors import FieldChecks, NotFound
from crm.i18n import N_
from crm.people.names import clean_email, clean_name, clean_text
from crm.people.phones import optional_phone
from crm.permissions import Actor
from crm.text_limits import require_fits
from crm.text_search import contains
from crm.workspace.owners import owned_by, owner_values, person_of
from db.models import PersonalContact

# How many contacts one list shows.
SHOWN = 50


@dataclass(frozen=True)
class ContactDraft:
    name: str
    email: str = ""
    phone: str = ""
    company: str = ""
    note: str = ""
    telegram_user_id: int | None = None


def card_draft(
    first_name: str, last_name: str | None, phone: str | None, user_id: int | None
) -> ContactDraft:
    """A contact from a Telegram contact card (its phone as Telegram gives it, with or
    without the +)."""
    digits = (phone or "").strip()
    if digits and not digits.startswith("+"):
        digits = f"+{digits}"
    name = " ".join(part for part in (first_name, last_name or "") if part.strip())
    return ContactDraft(name=name, phone=digits, telegram_user_id=user_id)


async def save_contact(
    session: AsyncSession,
    *,
    actor: Actor,
    draft: ContactDraft,
    region: str | None = None,
    contact_id: int | None = None,
) -> PersonalContact:
    """Add (or change) one of ``actor``'s contacts; every refusal at once."""
    person = person_of(actor)
    contact = (
        None
        if contact_id is None
        else await get_contact(session, actor=actor, contact_id=contact_id)
    )
    checks = FieldChecks()
    name, email, phone, note = "", None, None, ""
    with checks.field("name"):
        name = clean_name(draft.name, "name")
    with checks.field("email"):
        email = clean_email(draft.email, "email")
    with checks.field("phone"):
        phone = optional_phone(draft.phone, "phone", region)
    with checks.field("company"):
        company = clean_name(draft.company, "company") if draft.company.strip() else ""
    with checks.field("note"):
        note = clean_text(draft.note, required=False, field="note")
    checks.done()
    if contact is None:
        contact = PersonalContact(**owner_values(person))
        session.add(contact)
    contact.name = name
    contact.email = email
    contact.phone = phone
    contact.company = company or None
    contact.note = note or None
    if draft.telegram_user_id is not None:
        contact.telegram_user_id = draft.telegram_user_id
    require_fits(contact)
    await session.flush()
    return contact


async def get_contact(session: AsyncSession, *, actor: Actor, contact_id: int) -> PersonalContact:
    """One of ``actor``'s contacts; NotFound for anyone else's."""
    contact = await session.scalar(
        select(PersonalContact).where(
            PersonalContact.id == contact_id, owned_by(PersonalContact, actor)
        )
    )
    if contact is None:
        raise NotFound(N_("contact #{number} does not exist"), number=contact_id)
    return contact


async def delete_contact(session: AsyncSession, *, actor: Actor, contact_id: int) -> None:
    """Delete one of ``actor``'s contacts."""
    await session.delete(await get_contact(session, actor=actor, contact_id=contact_id))
    await session.flush()


async def list_contacts(
    session: AsyncSession, *, actor: Actor, search: str = "", limit: int = SHOWN
) -> tuple[list[PersonalContact], int]:
    """``actor``'s contacts by name (those matching ``search`` in any field), and how many
    match in all."""
    wanted = [owned_by(PersonalContact, actor)]
    if text := search.strip():
        wanted.append(
            or_(
                contains(PersonalContact.name, text),
                contains(PersonalContact.email, text),
                contains(PersonalContact.phone, text),
                contains(PersonalContact.company, text),
                contains(PersonalContact.note, text),
            )
        )
    total = await session.scalar(select(func.count()).select_from(PersonalContact).where(*wanted))
    contacts = await session.scalars(
        select(PersonalContact)
        .where(*wanted)
        .order_by(func.lower(PersonalContact.name), PersonalContact.id)
        .limit(limit)
    )
    return list(contacts), int(total or 0)
