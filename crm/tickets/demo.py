"""The demo business's repair and support centre: a workshop, a support line and the Paris
branch, their people and clients, and a queue of tickets in every state with their history."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import DemoCast, DemoPeople
from db.enums import ClientStage, Role, TicketEventKind, TicketStatus
from db.models import Ticket, TicketEvent

PEOPLE = DemoPeople(
    departments=(
        ("Repair workshop", None, "+74951234567", "Phones, laptops, appliances", True),
        ("Support line", None, None, "Advice by phone and chat, remote set-up", True),
        ("Branch Paris", "8 rue des Écoles, Paris", "+33142345678", "Repairs, language classes", True),
    ),
    staff=(
        ("Anna Petrova", "anna_admin", Role.ADMIN, "Front desk administrator", "Repair workshop", 6, "65000", "ru"),
        ("Ivan Kuznetsov", "ivan_repair", Role.SPECIALIST, "Repair engineer", "Repair workshop", 9, "90000", "ru"),
        ("Marie Dubois", "marie_support", Role.SPECIALIST, "Support specialist", "Branch Paris", 4, "3100", "fr"),
        ("Tom Baker", "tom_support", Role.SPECIALIST, "Support specialist", "Support line", 2, "2800", "en"),
        ("Pavel Orlov", "pavel_helper", Role.HELPER, "Intern", "Support line", 0, "30000", "ru"),
    ),
    # The helper looks after the first two clients, so a helper has work to see.
    clients=(
        ("Dmitry Volkov", "+79161230001", "dvolkov", "ru", ClientStage.ACTIVE, "Laptop fan", "website", "pavel_helper"),
        ("Elena Sokolova", "+79161230002", "lena_s", "ru", ClientStage.LEAD, None, "referral", "pavel_helper"),
        ("Camille Martin", "+33612340003", "camille_m", "fr", ClientStage.ACTIVE, "Phone screen", None, None),
        ("John Carter", "+447700900004", "jcarter", "en", ClientStage.THINKING, "Home Wi-Fi", "ad", None),
        ("Natalia Ivanova", "+79161230005", None, "ru", ClientStage.FINISHED, "Printer", "walk-in", None),
        ("Lucas Bernard", "+33612340006", "lucasb", "fr", ClientStage.PAUSED, None, "website", None),
    ),
)  # fmt: skip


# (client, department, assignee's username or None, status path, description, days ago)
_TICKETS = [
    ("Dmitry Volkov", "Repair workshop", "ivan_repair", ["assigned", "in_progress"], "Laptop fan is very loud after the update", 3),
    ("Camille Martin", "Branch Paris", "marie_support", ["assigned", "in_progress", "waiting"], "Phone screen cracked, need a quote", 2),
    ("John Carter", "Support line", None, [], "Home Wi-Fi drops every evening around 8 pm", 1),
    ("Elena Sokolova", "Repair workshop", None, [], "Washing machine shows error E21", 0),
    ("Natalia Ivanova", "Repair workshop", "ivan_repair", ["assigned", "in_progress", "resolved", "closed"], "Printer does not feed paper", 9),
    ("Lucas Bernard", "Branch Paris", "tom_support", ["assigned"], "Tablet will not charge", 1),
]  # fmt: skip


async def seed_tickets(session: AsyncSession, cast: DemoCast, now: datetime) -> dict[str, int]:
    """A queue with work in every state, its history as if people had done it."""
    tickets = _demo_tickets(cast, now)
    session.add_all(tickets)
    await session.flush()
    return {"tickets": len(tickets)}


def _demo_tickets(cast: DemoCast, now: datetime) -> list[Ticket]:
    tickets = []
    manager = cast.staff["anna_admin"]
    for client, department, assignee, path, description, days_ago in _TICKETS:
        opened = now - timedelta(days=days_ago, hours=2)
        worker = cast.staff[assignee] if assignee is not None else None
        ticket = Ticket(
            client=cast.clients[client],
            department=cast.departments[department],
            assignee=worker,
            status=TicketStatus(path[-1]) if path else TicketStatus.NEW,
            title=description,
            description=description,
            created_at=opened,
            updated_at=opened,
        )
        ticket.events.append(
            TicketEvent(
                kind=TicketEventKind.CREATED,
                author_client=cast.clients[client],
                to_value="new",
                text=description,
                created_at=opened,
            )
        )
        if worker is not None:
            ticket.events.append(
                TicketEvent(
                    kind=TicketEventKind.ASSIGNED,
                    author_employee=manager,
                    to_value=worker.full_name,
                    created_at=opened + timedelta(minutes=20),
                )
            )
        previous = "new"
        for step, status in enumerate(path, start=1):
            ticket.events.append(
                TicketEvent(
                    kind=TicketEventKind.STATUS,
                    author_employee=manager if status == "assigned" else worker,
                    from_value=previous,
                    to_value=status,
                    created_at=opened + timedelta(minutes=20 + 30 * step),
                )
            )
            previous = status
        if ticket.status is TicketStatus.CLOSED:
            ticket.closed_at = opened + timedelta(days=1)
        tickets.append(ticket)
    return tickets
