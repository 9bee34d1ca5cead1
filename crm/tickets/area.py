"""The service desk: clients' requests (tickets) worked through a queue by the staff."""

from __future__ import annotations

from crm.areas import Area, NoticeKind
from crm.i18n import N_
from crm.tickets.chats import client_messages
from crm.tickets.client_staff import ticket_assignees
from crm.tickets.demo import PEOPLE, seed_tickets
from crm.tickets.digest import ticket_digest
from crm.tickets.hooks import TICKET_CREATED, TICKET_STATUS_CHANGED
from crm.tickets.timeline import ticket_events
from db.enums import SubjectKind

AREA = Area(
    name="tickets",
    client_staff=ticket_assignees,
    position=10,
    digest=ticket_digest,
    timeline=(ticket_events,),
    chats=(client_messages,),
    demo=seed_tickets,
    demo_people=PEOPLE,
    notices=(NoticeKind("ticket", N_("Tickets"), (SubjectKind.TICKET,)),),
    webhooks=(TICKET_CREATED, TICKET_STATUS_CHANGED),
)
