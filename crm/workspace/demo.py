"""The demo business's workspace: a personal assistant and the client she helps, each with a
planned item or two (one reminded soon), a few contacts of their own, and a conversation
between them; the owner plans the week too. The planned items and contacts go through the
services of ``crm.workspace``, so they obey the bot's and the site's rules; the conversation is
rows, dated a day ago (relaying it now would send it to the demo's Telegram chats)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DemoCast, DemoPeople
from crm.workspace.contacts import ContactDraft, save_contact
from crm.workspace.plans import PlanDraft, save_plan
from db.enums import ClientStage, Role
from db.models import Client, Employee, PersonMessage

PEOPLE = DemoPeople(
    staff=(
        ("Camille Dubois", "camille_assist", Role.HELPER, "Personal assistant", None, 4, "42000", "fr"),
    ),
    clients=(
        ("Antoine Moreau", "+33612340021", "amoreau", "fr", ClientStage.ACTIVE, None, "website", "camille_assist"),
    ),
)  # fmt: skip


def _day_at(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def seed_workspace(session: AsyncSession, cast: DemoCast, now: datetime) -> dict[str, int]:
    """The workspace's part of the demo beside its people; how many of each were made."""
    camille, antoine = cast.staff["camille_assist"], cast.clients["Antoine Moreau"]
    owner = cast.staff["olga_owner"]
    plans: list[tuple[Client | Employee, PlanDraft]] = [
        (antoine, PlanDraft("Call the bank about the loan", now + timedelta(hours=2), "", 15, 0)),
        (antoine, PlanDraft("Dentist", _day_at(now, 3, 9), "Bring the X-rays", 45, 60)),
        (camille, PlanDraft("Prepare Antoine's file", _day_at(now, 1, 10), "", 60, 15)),
        (owner, PlanDraft("Quarterly accounts", _day_at(now, 2, 14), "", 120, 24 * 60)),
    ]
    for person, draft in plans:
        await save_plan(session, actor=person, draft=draft, now=now)
    contacts: list[tuple[Client | Employee, ContactDraft]] = [
        (antoine, ContactDraft("Sophie Bernard", "sophie.bernard@example.com", "+33612345001", "Crédit Lyonnais", "my banker")),
        (antoine, ContactDraft("Dr Lucas Petit", "", "+33478123456", "Cabinet dentaire", "")),
        (camille, ContactDraft("Marc Lefèvre", "marc@lefevre.example", "", "Lefèvre Conseil", "accountant")),
    ]  # fmt: skip
    for person, contact in contacts:
        await save_contact(session, actor=person, draft=contact)
    said = [
        (antoine, camille, "Bonjour Camille, could you check my file before Friday?", 26),
        (camille, antoine, "Of course, I will look at it tomorrow morning.", 25),
    ]
    for writer, reader, text, hours_ago in said:
        session.add(
            PersonMessage(
                sender_client_id=writer.id if writer is antoine else None,
                sender_employee_id=writer.id if writer is camille else None,
                recipient_client_id=reader.id if reader is antoine else None,
                recipient_employee_id=reader.id if reader is camille else None,
                text=text,
                sent_at=now - timedelta(hours=hours_ago),
            )
        )
    await session.flush()
    return {"planned items": len(plans), "contacts": len(contacts), "messages": len(said)}
